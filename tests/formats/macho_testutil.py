"""Helpers shared by the Mach-O format tests: assemble with llvm-mc, list a section's edges."""

from __future__ import annotations

import subprocess
from pathlib import Path

from pyjitlink.formats import build_link_graph
from pyjitlink.jitlink.graph import LinkGraph, Symbol
from toolchain import find_tool

LLVM_MC = find_tool("llvm-mc")
X86_64_TRIPLE = "x86_64-apple-macosx11.0"
ARM64_TRIPLE = "arm64-apple-macosx11.0"


def assemble(tmp_path: Path, source: str, triple: str = X86_64_TRIPLE,
             name: str = "x.o") -> bytes:
    assert LLVM_MC is not None
    src = tmp_path / (name + ".s")
    src.write_text(source)
    out = tmp_path / name
    subprocess.run([LLVM_MC, f"-triple={triple}", "-filetype=obj", "-o", str(out), str(src)],
                   check=True)
    return out.read_bytes()


def build(tmp_path: Path, source: str, triple: str = X86_64_TRIPLE) -> LinkGraph:
    return build_link_graph(assemble(tmp_path, source, triple), "x.o")


def edges(graph: LinkGraph, section: str) -> list[tuple[int, str, str, int]]:
    """(section offset, kind, target name or hex address, addend), sorted by offset."""
    sec = graph.sections[section]
    base = min(b.address for b in sec.blocks)
    out = []
    for block in sec.blocks:
        for e in block.edges:
            name = e.target.name or hex(e.target.address)
            out.append((block.address + e.offset - base, graph.edge_kind_name(e.kind), name,
                        e.addend))
    return sorted(out)


def symbol(graph: LinkGraph, name: str) -> Symbol:
    sym = graph.find_symbol(name)
    assert sym is not None, name
    return sym
