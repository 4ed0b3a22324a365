"""Fixup semantics per CPU, shared by the ELF and Mach-O builders, and the per-architecture
descriptors that code outside ``arch/`` asks instead of comparing architecture names.

``ARCHITECTURES`` is the registry (STYLE.md, 7): Arch -> ArchitectureInfo. Adding an
architecture means a module here, its entry in this dict, and its format tables in
``formats/`` (see formats.TARGETS).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from pyjitlink.jitlink.graph import Block, Edge, LinkGraph
from pyjitlink.jitlink.target import Arch


def _x86_64() -> ModuleType:
    from pyjitlink.arch import x86_64

    return x86_64


def _aarch64() -> ModuleType:
    from pyjitlink.arch import aarch64

    return aarch64


@dataclass(frozen=True, slots=True)
class ArchitectureInfo:
    """What the rest of pyjitlink needs to know about one CPU.

    ``module()`` imports and returns the architecture's module (arch/x86_64.py, ...): a
    link imports only the architecture of its inputs. ``apply_fixup(graph, block, edge)``
    writes one edge (the module's apply_fixup); ``edge_kind_name`` renders an edge kind;
    ``tls_module_kind`` / ``tls_offset_kind`` are the edge kinds (named by
    ``tls_kind_names``) that write a ``tls_index``'s two words (module id, offset in the
    module; the TLS ABI's DTPMOD64 / DTPOFF64), which a platform uses for thread-local
    descriptors; ``triple_names`` are the spellings of the architecture in an LLVM target
    triple (``-triple``; LLVM's Triple::parseArch); ``label`` names it as LLVM's ELF messages
    do ("unsupported x86-64 relocation"; a Mach-O target has its own, formats.TARGETS).
    """

    arch: Arch
    module: Callable[[], ModuleType]
    tls_kind_names: tuple[str, str]
    triple_names: tuple[str, ...]
    label: str

    @property
    def apply_fixup(self) -> Callable[[LinkGraph, Block, Edge], None]:
        return self.module().apply_fixup  # type: ignore[no-any-return]

    @property
    def edge_kind_name(self) -> Callable[[int], str]:
        return self.module().edge_kind_name  # type: ignore[no-any-return]

    @property
    def tls_module_kind(self) -> int:
        return int(self.module().EdgeKind[self.tls_kind_names[0]])

    @property
    def tls_offset_kind(self) -> int:
        return int(self.module().EdgeKind[self.tls_kind_names[1]])


ARCHITECTURES: dict[Arch, ArchitectureInfo] = {
    Arch.X86_64: ArchitectureInfo(Arch.X86_64, _x86_64, ("DTPMod64", "DTPOff64"),
                                  ("x86_64", "amd64", "x86_64h"), "x86-64"),
    Arch.AARCH64: ArchitectureInfo(Arch.AARCH64, _aarch64, ("DTPMod64", "DTPRel64"),
                                   ("aarch64", "arm64"), "aarch64"),
}


def architecture(arch: Arch | str) -> ArchitectureInfo:
    """The descriptor of ``arch`` (an Arch or its spelling); KeyError if pyjitlink has none."""
    try:
        return ARCHITECTURES[Arch(arch)]
    except ValueError:
        raise KeyError(arch) from None


__all__ = ["ARCHITECTURES", "ArchitectureInfo", "architecture"]
