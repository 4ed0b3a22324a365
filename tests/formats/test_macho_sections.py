"""Mach-O sections split for dead-stripping: __cstring and literal sections per entry,
__compact_unwind per function, __eh_frame per record with the PC-begin edges the assembler
left implicit; initializer sections kept alive."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pyjitlink.arch import x86_64
from pyjitlink.formats import build_link_graph
from pyjitlink.jitlink.eh_frame import fix_eh_frame_edges, split_eh_frame
from pyjitlink.jitlink.graph import GenericEdgeKind, LinkGraph
from pyjitlink.jitlink.passes import dead_strip

from macho_testutil import ARM64_TRIPLE, LLVM_MC, X86_64_TRIPLE, assemble, symbol
from toolchain import find_clang

pytestmark = pytest.mark.skipif(LLVM_MC is None, reason="llvm-mc is not on PATH")
CLANG = find_clang()

LITERALS = """
    .section __TEXT,__text,regular,pure_instructions
    .globl _main
_main:
    {load_hello}
    {load_world}
    {load_double}
    ret
    .section __TEXT,__cstring,cstring_literals
Lhello:
    .asciz "hello"
Lunused:
    .asciz "never referenced"
Lworld:
    .asciz "world"
    .section __TEXT,__literal8,8byte_literals
    .p2align 3
Lunused8:
    .quad 0x1111111111111111
Ldouble:
    .quad 0x4004000000000000
    .subsections_via_symbols
"""
LOADS = {
    X86_64_TRIPLE: dict(load_hello="leaq Lhello(%rip), %rax",
                        load_world="leaq Lworld+2(%rip), %rax",
                        load_double="movsd Ldouble(%rip), %xmm0"),
    ARM64_TRIPLE: dict(load_hello="adrp x0, Lhello@PAGE\n add x0, x0, Lhello@PAGEOFF",
                       load_world="adrp x0, Lworld@PAGE+2\n add x0, x0, Lworld@PAGEOFF+2",
                       load_double="adrp x1, Ldouble@PAGE\n ldr d0, [x1, Ldouble@PAGEOFF]"),
}


def contents(graph: LinkGraph, section: str) -> list[bytes]:
    return [bytes(b.content or b"") for b in
            sorted(graph.sections[section].blocks, key=lambda b: b.address)]


@pytest.mark.parametrize("triple", [X86_64_TRIPLE, ARM64_TRIPLE])
def test_literals_split_per_entry_and_dead_stripped(tmp_path: Path, triple: str) -> None:
    data = assemble(tmp_path, LITERALS.format(**LOADS[triple]), triple)
    graph = build_link_graph(data, "x.o")
    assert contents(graph, "__TEXT,__cstring") == [b"hello\0", b"never referenced\0",
                                                   b"world\0"]
    assert contents(graph, "__TEXT,__literal8") == [bytes.fromhex("1111111111111111"),
                                                    bytes.fromhex("0000000000000440")]
    # Each reference names its own entry; "world"+2 keeps its offset in the addend.
    main = symbol(graph, "_main")
    assert main.block is not None
    targets = sorted({bytes(e.target.block.content or b"") for e in main.block.edges
                      if e.target.block is not None})
    assert targets == [bytes.fromhex("0000000000000440"), b"hello\0", b"world\0"]
    dead_strip(graph)
    assert contents(graph, "__TEXT,__cstring") == [b"hello\0", b"world\0"]
    assert contents(graph, "__TEXT,__literal8") == [bytes.fromhex("0000000000000440")]
    # Pieces keep the alignment their offsets in the section had.
    for block in graph.sections["__TEXT,__literal8"].blocks:
        assert block.alignment == 8 and block.alignment_offset == 0


def test_initializer_pointers_stay_alive(tmp_path: Path) -> None:
    graph = build_link_graph(assemble(tmp_path, """
    .section __TEXT,__text,regular,pure_instructions
_init:
    retq
    .section __DATA,__mod_init_func,mod_init_funcs
    .p2align 3
    .quad _init
    .subsections_via_symbols
"""), "x.o")
    dead_strip(graph)
    assert [b.size for b in graph.sections["__DATA,__mod_init_func"].blocks] == [8]
    assert symbol(graph, "_init").block is not None


@pytest.mark.skipif(CLANG is None, reason="clang is not installed")
def test_eh_frame_records_get_pc_begin_edges_and_live_with_functions(tmp_path: Path) -> None:
    # clang for x86_64-apple-macos writes __eh_frame without relocations: every FDE's
    # PC-begin is an 8-byte PC-relative value resolved by the assembler.
    src = tmp_path / "f.c"
    src.write_text("int used(int x) { return x + 1; }\n"
                   "static int unused(int x) { return x * 3; }\n"
                   "int (*keep)(int) = used;\n"
                   "__attribute__((used)) static int (*also)(int) = unused;\n")
    obj = tmp_path / "f.o"
    subprocess.run([CLANG, "--target=x86_64-apple-macos11", "-O1", "-c", str(src), "-o",
                    str(obj)], check=True)
    graph = build_link_graph(obj.read_bytes(), "f.o")
    section = "__TEXT,__eh_frame"
    if section not in graph.sections:
        pytest.skip("this clang wrote no __eh_frame")
    assert not any(e for b in graph.sections[section].blocks for e in b.edges)
    split_eh_frame(graph, section_name=section)
    fix_eh_frame_edges(graph, x86_64.EdgeKind.NegDelta32, section_name=section,
                       implicit_delta={4: x86_64.EdgeKind.Delta32, 8: x86_64.EdgeKind.Delta64})
    fdes = [b for b in graph.sections[section].blocks if len(b.edges) >= 2]
    used = symbol(graph, "_used")
    pc_begins = {(graph.edge_kind_name(e.kind), e.target.block is used.block, e.addend)
                 for b in fdes for e in b.edges if e.offset == 8}
    assert ("Delta64", True, 0) in pc_begins
    # The function keeps its FDE alive (a KeepAlive edge to the record's start), as it
    # keeps its __compact_unwind entry.
    assert used.block is not None
    kept = {e.target.block.section.name: e.target.block for e in used.block.edges
            if e.kind == GenericEdgeKind.KeepAlive and e.target.block is not None}
    assert kept[section] in fdes and "__LD,__compact_unwind" in kept
