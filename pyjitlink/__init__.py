"""pyjitlink: a JIT linker in the spirit of llvm-jitlink, written in Python.

The Python API is ``Session``, an LLJIT-like object (``pyjitlink.orc.lljit.LLJIT``, LLVM's
``orc::LLJIT``): an executor, a platform, an ExecutionSession with JITDylibs and an
ObjectLinkingLayer. The command line drives a subclass of it::

    import ctypes, pyjitlink

    session = pyjitlink.Session()                  # native execution on an x86-64 host
    lib = session.create_jd("lib")                 # JITDylibs; "main" exists already
    session.link_against(session.main_jd, lib)     # main's link order: main, lib, Process
    tracker = lib.create_resource_tracker()
    session.add_object_file(lib, "add.o", tracker)  # or add_object(jd, bytes, name, tracker)
    add = session.function("add", ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int, ctypes.c_int))
    assert add(2, 3) == 5
    session.remove(tracker)                        # finalizers run, memory unmapped

A session is a context manager; ``close()`` (or dropping the last reference) unmaps its code
and frees its emulator, so keep it referenced while its code runs.
``Session(arch="aarch64")`` (or ``"arm64"``) runs AArch64 objects emulated, under Unicorn;
``session.run_main(entry, args)`` runs a program's initializers and main and returns its
status, its stdio flushed. ``Session(noexec=True, slab=(size, address, page_size))`` links
without executing, at deterministic addresses; ``session.lookup(name)`` links what ``name``
needs and returns its address. ``session.es`` is the underlying ExecutionSession
(JITDylibs, asynchronous lookup, symbol states), ``session.layer`` the ObjectLinkingLayer.

Classes: Session; ExecutionSession, JITDylib, ResourceTracker, JITDylibLookupFlags,
SymbolFlags, SymbolState (ORC); LinkGraph and build_link_graph (JITLink). Errors: every
error is a PyJITLinkError; JITLinkError (FixupOutOfRange, ...), OrcError (SymbolsNotFound,
DuplicateDefinition, ...), UnsupportedTarget, ExecutionError. An error's ``file`` names the
input it is about. Names are imported lazily, so ``import pyjitlink`` costs nothing until
they are used.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "Session": ("pyjitlink.orc.lljit", "LLJIT"),
    "PyJITLinkError": ("pyjitlink.errors", "PyJITLinkError"),
    "JITLinkError": ("pyjitlink.errors", "JITLinkError"),
    "OrcError": ("pyjitlink.errors", "OrcError"),
    "SymbolsNotFound": ("pyjitlink.errors", "SymbolsNotFound"),
    "DuplicateDefinition": ("pyjitlink.errors", "DuplicateDefinition"),
    "FixupOutOfRange": ("pyjitlink.errors", "FixupOutOfRange"),
    "UnsupportedTarget": ("pyjitlink.errors", "UnsupportedTarget"),
    "ExecutionError": ("pyjitlink.errors", "ExecutionError"),
    "ExecutionSession": ("pyjitlink.orc.session", "ExecutionSession"),
    "JITDylib": ("pyjitlink.orc.jitdylib", "JITDylib"),
    "JITDylibLookupFlags": ("pyjitlink.orc.symbols", "JITDylibLookupFlags"),
    "SymbolFlags": ("pyjitlink.orc.symbols", "SymbolFlags"),
    "SymbolState": ("pyjitlink.orc.symbols", "SymbolState"),
    "ResourceTracker": ("pyjitlink.orc.resources", "ResourceTracker"),
    "LinkGraph": ("pyjitlink.jitlink.graph", "LinkGraph"),
    "build_link_graph": ("pyjitlink.formats", "build_link_graph"),
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str) -> Any:
    target = _EXPORTS.get(name)
    if target is None:
        raise AttributeError(f"module 'pyjitlink' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(target[0]), target[1])
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    # help(pyjitlink) and dir() list the lazily imported names too (PEP 562).
    return sorted(set(globals()) | set(__all__))
