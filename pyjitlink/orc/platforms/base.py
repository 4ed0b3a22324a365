"""What every platform answers: mangling, initializer sections, entry point, executor ABI."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import NamedTuple

from pyjitlink.jitlink.graph import LinkGraph
from pyjitlink.jitlink.target import ObjectFormat

# Priority of an initializer without one (ld's default script and LLVM's ELFNixPlatform).
DEFAULT_PRIORITY = 65535


class InitFiniKind(StrEnum):
    """When a section's function pointers run: before the initializers (``.preinit_array``),
    as initializers, or as finalizers."""

    PREINIT = "preinit"
    INIT = "init"
    FINI = "fini"


class InitFiniSection(NamedTuple):
    """How a section's function pointers run: ``kind`` is an InitFiniKind; lower
    ``priority`` runs first; ``reverse``: the section's entries run last-to-first."""

    kind: InitFiniKind
    priority: int
    reverse: bool


class Platform:
    """A platform's answers; subclasses set the class attributes and section rules.

    ``global_prefix`` is what the object format puts before a C name ("" for ELF, "_" for
    Mach-O); ``default_entry`` is the symbol run as main when none is named (llvm-jitlink's
    rule); ``executor_abi`` names whose objects an emulated process runs ("linux" or
    "darwin"; Darwin's conventions reach glibc through executors/darwin's layer).
    """

    name = "platform"
    object_format: ObjectFormat | None = None
    global_prefix = ""
    default_entry = "main"
    executor_abi = "linux"

    def matches_triple(self, components: list[str]) -> bool:
        """True if an LLVM target triple's vendor/OS/environment ``components`` (lower case)
        name this platform; the ELFNix platform is the default and matches none."""
        return False

    def mangle(self, name: str) -> str:
        """The object-level name of the C name ``name`` ("printf" -> "_printf" on Mach-O)."""
        return self.global_prefix + name

    def demangle(self, name: str) -> str | None:
        """The C name an object-level ``name`` stands for, or None when ``name`` cannot name
        a C symbol (on Mach-O, a name without the leading underscore)."""
        prefix = self.global_prefix
        if not prefix:
            return name
        return name[len(prefix):] if name.startswith(prefix) else None

    def init_fini_section(self, section: str) -> InitFiniSection | None:
        """How the pointers of the section named ``section`` run, or None if it is not an
        initializer or finalizer section."""
        raise NotImplementedError

    def has_initializers(self, sections: Iterable[str]) -> bool:
        """True if any of the section names ``sections`` holds initializers or finalizers."""
        return any(self.init_fini_section(name) is not None for name in sections)

    def prepare_thread_locals(self, graph: LinkGraph, getter: Callable[[], int]) -> None:
        """Pre-prune: turn the format's thread-local variable descriptors into what the TLS
        plugin resolves. ``getter`` gives the address of the executor's thread-local
        variable getter (Mach-O's ``_tlv_bootstrap``). ELF needs nothing."""
