"""Fixup semantics per CPU, shared by the ELF and Mach-O builders, and the per-architecture
descriptors that code outside ``arch/`` asks instead of comparing architecture names.

``ARCHITECTURES`` is the registry (STYLE.md, 7): Arch -> ArchitectureInfo. Adding an
architecture means a module here, its entry in this dict, and its format tables in
``formats/`` (see formats.TARGETS).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pyjitlink.arch import aarch64, x86_64
from pyjitlink.jitlink.graph import Block, Edge, LinkGraph
from pyjitlink.jitlink.target import Arch


@dataclass(frozen=True, slots=True)
class ArchitectureInfo:
    """What the rest of pyjitlink needs to know about one CPU.

    ``apply_fixup(graph, block, edge)`` writes one edge (the module's apply_fixup);
    ``edge_kind_name`` renders an edge kind; ``tls_module_kind`` / ``tls_offset_kind`` are
    the edge kinds that write a ``tls_index``'s two words (module id, offset in the module;
    the TLS ABI's DTPMOD64 / DTPOFF64), which a platform uses for thread-local descriptors;
    ``triple_names`` are the spellings of the architecture in an LLVM target triple
    (``-triple``; LLVM's Triple::parseArch); ``label`` names it as LLVM's ELF messages do
    ("unsupported x86-64 relocation"; a Mach-O target has its own, formats.TARGETS).
    """

    arch: Arch
    apply_fixup: Callable[[LinkGraph, Block, Edge], None]
    edge_kind_name: Callable[[int], str]
    tls_module_kind: int
    tls_offset_kind: int
    triple_names: tuple[str, ...]
    label: str


ARCHITECTURES: dict[Arch, ArchitectureInfo] = {
    Arch.X86_64: ArchitectureInfo(Arch.X86_64, x86_64.apply_fixup, x86_64.edge_kind_name,
                                  x86_64.EdgeKind.DTPMod64, x86_64.EdgeKind.DTPOff64,
                                  ("x86_64", "amd64", "x86_64h"), "x86-64"),
    Arch.AARCH64: ArchitectureInfo(Arch.AARCH64, aarch64.apply_fixup, aarch64.edge_kind_name,
                                   aarch64.EdgeKind.DTPMod64, aarch64.EdgeKind.DTPRel64,
                                   ("aarch64", "arm64"), "aarch64"),
}


def architecture(arch: Arch | str) -> ArchitectureInfo:
    """The descriptor of ``arch`` (an Arch or its spelling); KeyError if pyjitlink has none."""
    try:
        return ARCHITECTURES[Arch(arch)]
    except ValueError:
        raise KeyError(arch) from None


__all__ = ["ARCHITECTURES", "ArchitectureInfo", "architecture"]
