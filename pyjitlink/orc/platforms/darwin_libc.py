"""MachOPlatform under -libc=target: Mach-O code runs on the target's own glibc through the
Darwin layer (executors/darwin/libc_layer.py).

Two namespaces stay apart, as two-level namespaces keep them apart on Darwin: glibc's (its
archives, ``crt1.o``, the static-link symbols and the layer's shims, in a JITDylib of their
own) and the Mach-O program's, whose C names carry a leading ``_``. ``Process`` holds only
re-exports from the first into the second, made on demand by DarwinLibcGenerator: so the
program's ``_exit`` is C's ``exit``, never glibc's own ``_exit``, and glibc's internal
names never bind to the program's functions.
"""

from __future__ import annotations

from pyjitlink.executors.darwin.libc_layer import glibc_name
from pyjitlink.orc.jitdylib import JITDylib
from pyjitlink.orc.reexports import ReexportsMaterializationUnit
from pyjitlink.orc.symbols import JITDylibLookupFlags, SymbolFlags


class DarwinLibcGenerator:
    """Defines a Mach-O C name (``_printf``) in the JITDylib it serves (``Process``) as a
    re-export of where the Darwin layer binds it in ``runtime`` (glibc's JITDylib):
    ``__darwin$printf`` (a shim), ``__errno_location`` (for ``_error``), or glibc's own
    name (``printf``). A name glibc cannot answer (not in ``runtime`` nor in one of its
    archives, or refused by the layer) stays undefined, so the lookup reports the Mach-O
    name as not found."""

    def __init__(self, arch: str, runtime: JITDylib) -> None:
        self.arch = arch
        self.runtime = runtime

    def _defines(self, name: str) -> bool:
        if name in self.runtime.symbols:
            return True
        return any(name in getattr(g, "index", ()) for g in self.runtime.generators)

    def try_to_generate(self, jd: JITDylib, lookup_flags: JITDylibLookupFlags,
                        names: list[str]) -> None:
        aliases: dict[str, str] = {}
        for name in names:
            if not name.startswith("_") or name in jd.symbols:
                continue
            target = glibc_name(self.arch, name[1:])
            if target is not None and self._defines(target):
                aliases[name] = target
        if aliases:
            jd.define(ReexportsMaterializationUnit(self.runtime, aliases,
                                                   SymbolFlags.EXPORTED))
