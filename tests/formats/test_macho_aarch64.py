"""Mach-O arm64 objects assembled by llvm-mc -> LinkGraphs: every ARM64_RELOC_* type's edge.

Instruction relocations carry no addend in the instruction (ld64's rule); a preceding
ARM64_RELOC_ADDEND supplies it. Data relocations keep theirs in the field. The expected
values below follow from the source lines, not from the linker.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pyjitlink.arch.aarch64 import EdgeKind, build_got_and_plt
from pyjitlink.errors import InstructionMismatch, UnsupportedRelocation
from pyjitlink.formats import build_link_graph, object_arch
from pyjitlink.jitlink.graph import GenericEdgeKind, Scope

from macho_testutil import ARM64_TRIPLE, LLVM_MC, assemble, edges, symbol

pytestmark = pytest.mark.skipif(LLVM_MC is None, reason="llvm-mc is not on PATH")
K = EdgeKind


def build(tmp_path: Path, source: str):  # type: ignore[no-untyped-def]
    return build_link_graph(assemble(tmp_path, source, ARM64_TRIPLE), "x.o")


CODE = """
    .section __TEXT,__text,regular,pure_instructions
    .globl _main
    .p2align 2
_main:
    bl _ext                          ; 0x00 BRANCH26, external
    bl _ext + 8                      ; 0x04 ADDEND 8 + BRANCH26
    b _local                         ; 0x08 BRANCH26 to a local function
    adrp x0, _var@PAGE               ; 0x0c PAGE21
    add x0, x0, _var@PAGEOFF         ; 0x10 PAGEOFF12 on an ADD
    adrp x1, _var@PAGE + 16          ; 0x14 ADDEND 16 + PAGE21
    ldr x1, [x1, _var@PAGEOFF + 16]  ; 0x18 ADDEND 16 + PAGEOFF12 on a 64-bit load
    ldrb w2, [x1, _var@PAGEOFF]      ; 0x1c PAGEOFF12 on an 8-bit load
    ldr q3, [x1, _var@PAGEOFF]       ; 0x20 PAGEOFF12 on a 128-bit load
    adrp x4, _ext@GOTPAGE            ; 0x24 GOT_LOAD_PAGE21
    ldr x4, [x4, _ext@GOTPAGEOFF]    ; 0x28 GOT_LOAD_PAGEOFF12
    ret
_local:
    ret

    .section __DATA,__data
    .globl _var
    .p2align 4
_var:
    .quad _ext + 12                  ; 0x00 UNSIGNED 64 with an addend in the field
    .long _ext + 4                   ; 0x08 UNSIGNED 32
    .long _ext@GOT - .               ; 0x0c POINTER_TO_GOT, PC-relative 32-bit
    .quad _ext@GOT                   ; 0x10 POINTER_TO_GOT, absolute 64-bit
    .quad _var - _main               ; 0x18 SUBTRACTOR _main + UNSIGNED _var
    .long _main - _var               ; 0x20 SUBTRACTOR _var + UNSIGNED _main
    .quad 0
    .subsections_via_symbols
"""


def test_arch_and_format(tmp_path: Path) -> None:
    data = assemble(tmp_path, CODE, ARM64_TRIPLE)
    assert object_arch(data, "x.o") == "aarch64"
    graph = build_link_graph(data, "x.o")
    assert (graph.arch, graph.object_format) == ("aarch64", "macho")


def test_instruction_relocations(tmp_path: Path) -> None:
    graph = build(tmp_path, CODE)
    text = [e for e in edges(graph, "__TEXT,__text")]
    assert text == [
        (0x00, "Branch26PCRel", "_ext", 0),
        (0x04, "Branch26PCRel", "_ext", 8),
        (0x08, "Branch26PCRel", "_local", 0),
        (0x0C, "Page21", "_var", 0),
        (0x10, "PageOffset12", "_var", 0),
        (0x14, "Page21", "_var", 16),
        (0x18, "PageOffset12", "_var", 16),
        (0x1C, "PageOffset12", "_var", 0),
        (0x20, "PageOffset12", "_var", 0),
        (0x24, "RequestGOTAndTransformToPage21", "_ext", 0),
        (0x28, "RequestGOTAndTransformToPageOffset12", "_ext", 0),
    ]


def test_data_relocations(tmp_path: Path) -> None:
    graph = build(tmp_path, CODE)
    main = symbol(graph, "_main")
    var = symbol(graph, "_var")
    assert edges(graph, "__DATA,__data") == [
        (0x00, "Pointer64", "_ext", 12),
        (0x08, "Pointer32", "_ext", 4),
        (0x0C, "RequestGOTAndTransformToDelta32", "_ext", 0),
        (0x10, "RequestGOTAndTransformToPointer64", "_ext", 0),
        # _var - _main at P = _var + 0x18: the minuend _var holds the field, so the edge
        # targets the subtrahend: P - _main + A with A = _var - P = -0x18.
        (0x18, "NegDelta64", "_main", var.address - (var.address + 0x18)),
        # _main - _var at P = _var + 0x20: the subtrahend holds it: _main + A - P with
        # A = P - _var = 0x20.
        (0x20, "Delta32", "_main", (var.address + 0x20) - var.address),
    ]
    assert main.block is not var.block


def test_got_requests_lower_to_got_entries(tmp_path: Path) -> None:
    graph = build(tmp_path, CODE)
    build_got_and_plt(graph)
    data = {e[0]: e for e in edges(graph, "__DATA,__data")}
    # Both POINTER_TO_GOT forms now reach the one GOT entry for _ext: its address, or the
    # distance to it.
    assert data[0x0C][1] == "Delta32" and data[0x10][1] == "Pointer64"
    (block,) = [b for b in graph.sections["__DATA,__data"].blocks]
    targets = {e.offset: e.target for e in block.edges}
    assert targets[0x0C] is targets[0x10]
    entry = targets[0x0C].block
    assert entry is not None and entry.edges[0].target.name == "_ext"
    # External calls go through a stub, whatever their addend (one stub per target+addend).
    calls = [e for e in edges(graph, "__TEXT,__text") if e[0] in (0, 4)]
    assert [c[1] for c in calls] == ["Branch26PCRelToPtrJumpStubBypassable"] * 2
    assert calls[0][2] != calls[1][2]


def test_local_references_are_retargeted_into_subsections(tmp_path: Path) -> None:
    # arm64 assemblers relocate against the section's start symbol (ltmp1) plus an addend;
    # after the split per symbol, the edge must target the subsection holding the address.
    graph = build(tmp_path, """
    .section __TEXT,__text,regular,pure_instructions
    .globl _main
    .p2align 2
_main:
    adrp x0, Lstr@PAGE
    add x0, x0, Lstr@PAGEOFF
    ret
    .section __TEXT,__cstring,cstring_literals
    .asciz "first"
Lstr:
    .asciz "second"
    .subsections_via_symbols
""")
    (_, kind, _, addend), _ = edges(graph, "__TEXT,__text")[:2]
    text_block = symbol(graph, "_main").block
    assert text_block is not None
    target = text_block.edges[0].target
    assert kind == "Page21"
    assert target.block is not None and bytes(target.block.content or b"") == b"second\0"
    assert target.offset + addend == 0


def test_addend_must_precede_an_instruction_relocation(tmp_path: Path) -> None:
    # An ADDEND pair survives only when followed by BRANCH26/PAGE21/PAGEOFF12 at its address:
    # corrupt a valid object by retyping the PAGE21 that follows the ADDEND as UNSIGNED.
    data = bytearray(assemble(tmp_path, """
    .text
    .globl _main
_main:
    adrp x0, _ext@PAGE + 4
    ret
""", ARM64_TRIPLE))
    graph = build_link_graph(bytes(data), "x.o")
    assert edges(graph, "__TEXT,__text") == [(0, "Page21", "_ext", 4)]
    # The second relocation_info (after the ADDEND): r_type in bits 28-31 of its info word.
    reloff = _section_reloff(bytes(data), "__text")
    info = int.from_bytes(data[reloff + 12:reloff + 16], "little")
    assert info >> 28 == 3  # PAGE21
    data[reloff + 12:reloff + 16] = ((info & 0x0FFFFFFF) | (0 << 28)).to_bytes(4, "little")
    with pytest.raises(UnsupportedRelocation, match="ARM64_RELOC_ADDEND.*ADDEND is not "
                                                    "followed"):
        build_link_graph(bytes(data), "x.o")


def _section_reloff(data: bytes, sectname: str) -> int:
    from macholib.mach_o import LC_SEGMENT_64, MH_CIGAM_64, mach_header_64
    from macholib.MachO import MachOHeader
    import io

    header = MachOHeader(None, io.BytesIO(data), 0, len(data), MH_CIGAM_64, mach_header_64,
                         "<", allow_unknown_load_commands=True)
    for lc, _, payload in header.commands:
        if lc.cmd == LC_SEGMENT_64:
            for s in payload:
                if s.sectname.rstrip(b"\0").decode() == sectname:
                    return int(s.reloff)
    raise AssertionError(sectname)


def test_tlvp_loads_are_got_loads_of_the_descriptor(tmp_path: Path) -> None:
    """TLVP_LOAD_PAGE21/PAGEOFF12 load the address of the variable's descriptor from a GOT
    entry (as LLVM's RequestTLVPAndTransformToPage21/PageOffset12)."""
    graph = build(tmp_path, """
    .text
    adrp x0, _tv@TLVPPAGE
    ldr x0, [x0, _tv@TLVPPAGEOFF]
""")
    edges = sorted((e.offset, e.kind, e.target.name) for b in graph.blocks() for e in b.edges)
    assert [(k, o, n) for o, k, n in edges] == [(K.RequestGOTAndTransformToPage21, 0, "_tv"),
                     (K.RequestGOTAndTransformToPageOffset12, 4, "_tv")]


def test_refused_forms(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedRelocation, match="ARM64_RELOC_POINTER_TO_GOT.*pcrel=0 "
                                                    "length=4"):
        build(tmp_path, """
    .data
    .long _ext@GOT
""")


def test_instruction_mismatch_and_nonzero_immediate(tmp_path: Path) -> None:
    data = bytearray(assemble(tmp_path, """
    .text
    .globl _main
_main:
    bl _ext
""", ARM64_TRIPLE))
    text_offset = data.find(bytes.fromhex("00000094"))
    # A BL with a non-zero imm26: the addend is not ld64's (it belongs in an ADDEND).
    data[text_offset:text_offset + 4] = bytes.fromhex("01000094")
    with pytest.raises(UnsupportedRelocation, match="immediate is not zero"):
        build_link_graph(bytes(data), "x.o")
    # A NOP where BRANCH26 expects a B or BL.
    data[text_offset:text_offset + 4] = bytes.fromhex("1f2003d5")
    with pytest.raises(InstructionMismatch, match="ARM64_RELOC_BRANCH26 .* not a B or BL"):
        build_link_graph(bytes(data), "x.o")


def test_compact_unwind_entries_live_with_their_functions(tmp_path: Path) -> None:
    graph = build(tmp_path, """
    .section __TEXT,__text,regular,pure_instructions
    .globl _main
    .p2align 2
_main:
    .cfi_startproc
    ret
    .cfi_endproc
    .p2align 2
_unused:
    .cfi_startproc
    ret
    .cfi_endproc
    .subsections_via_symbols
""")
    unwind = graph.sections["__LD,__compact_unwind"]
    assert len(unwind.blocks) == 2 and all(b.size == 32 for b in unwind.blocks)
    for name in ("_main", "_unused"):
        fn = symbol(graph, name)
        assert fn.block is not None
        keep = [e for e in fn.block.edges if e.kind == GenericEdgeKind.KeepAlive]
        assert len(keep) == 1
        entry = keep[0].target
        assert entry.block in unwind.blocks and not entry.live
        # The entry's own start-address edge names this very function's block.
        start = next(e for e in entry.block.edges if e.offset == 0)
        assert start.target.block is fn.block
    assert symbol(graph, "_unused").scope is Scope.LOCAL
