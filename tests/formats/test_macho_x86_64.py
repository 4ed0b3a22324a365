"""Mach-O x86-64 objects assembled by llvm-mc -> LinkGraphs: graph shape and every edge.

The expected edge addends come from the relocation formulas (the field is relative to its end,
P + 4, and SIGNED_N skips an N-byte immediate), evaluated by hand for each instruction.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pyjitlink.arch.x86_64 import EdgeKind
from pyjitlink.errors import UnsupportedObject
from pyjitlink.formats import build_link_graph, identify, object_arch, scan_object_interface
from pyjitlink.jitlink.graph import Linkage, MemProt, Scope

from macho_testutil import LLVM_MC, assemble, build, edges, symbol

pytestmark = pytest.mark.skipif(LLVM_MC is None, reason="llvm-mc is not on PATH")
K = EdgeKind


TEXT = """
    .section __TEXT,__text,regular,pure_instructions
    .globl _main
_main:
    callq _foo                       # 0x00: BRANCH at 1
    movq _bar@GOTPCREL(%rip), %rax   # 0x05: GOT_LOAD at 8
    pushq _bar@GOTPCREL(%rip)        # 0x0c: GOT at 0xe
    movb $1, _ext(%rip)              # 0x12: SIGNED_1 at 0x14
    movw $1, _ext(%rip)              # 0x19: SIGNED_2 at 0x1c
    movl $1, _ext+8(%rip)            # 0x22: SIGNED_4 at 0x24
    leaq _ext+3(%rip), %rax          # 0x2c: SIGNED at 0x2f
    movb $1, Ltmp(%rip)              # 0x33: SIGNED_1, non-extern, at 0x35
    retq
    .data
    .quad 0
Ltmp:
    .quad _main                      # 0x08: UNSIGNED 64
    .long _ext                       # 0x10: UNSIGNED 32
    .quad Ltmp + 4                   # 0x14: UNSIGNED 64, non-extern
"""


def test_graph_shape_and_format(tmp_path: Path) -> None:
    data = assemble(tmp_path, TEXT)
    assert identify(data) == "macho"
    assert object_arch(data, "x.o") == "x86_64"
    graph = build_link_graph(data, "x.o")
    assert graph.object_format == "macho"
    assert graph.arch == "x86_64"
    assert graph.sections["__TEXT,__text"].prot == MemProt.READ | MemProt.EXEC
    assert graph.sections["__DATA,__data"].prot == MemProt.READ | MemProt.WRITE
    main = symbol(graph, "_main")  # names are kept as in the object
    assert main.scope is Scope.DEFAULT and main.callable and main.live
    assert sorted(graph.external_symbols) == ["_bar", "_ext", "_foo"]
    assert graph.find_symbol("main") is None


def test_text_relocations(tmp_path: Path) -> None:
    graph = build(tmp_path, TEXT)
    data_base = min(b.address for b in graph.sections["__DATA,__data"].blocks)
    assert edges(graph, "__TEXT,__text") == [
        (0x01, "BranchPCRel32", "_foo", 0),
        (0x08, "RequestGOTAndTransformToPCRel32GOTLoadREXRelaxable", "_bar", 0),
        (0x0e, "RequestGOTAndTransformToDelta32", "_bar", -4),
        (0x14, "Delta32", "_ext", -5),  # S - (P + 4 + 1)
        (0x1c, "Delta32", "_ext", -6),  # S - (P + 4 + 2)
        (0x24, "Delta32", "_ext", 8 - 8),  # S + 8 - (P + 4 + 4)
        (0x2f, "Delta32", "_ext", 3 - 4),
        # Ltmp is data+8 in the block anchored at the section start: A = 8 - 5.
        (0x35, "Delta32", hex(data_base), 8 - 5),
    ]


def test_data_relocations(tmp_path: Path) -> None:
    graph = build(tmp_path, TEXT)
    data_base = min(b.address for b in graph.sections["__DATA,__data"].blocks)
    assert edges(graph, "__DATA,__data") == [
        (0x08, "Pointer64", "_main", 0),
        (0x10, "Pointer32", "_ext", 0),
        (0x14, "Pointer64", hex(data_base), 12),
    ]


SUBTRACTOR = """
    .text
    nop
    nop
_f:
    retq
    .data
    .quad 0
Ltmp:
    .quad Ltmp - _f       # 0x08: SUBTRACTOR _f + UNSIGNED __data
    .quad _f - Ltmp       # 0x10: SUBTRACTOR __data + UNSIGNED _f
    .globl _d
_d:
    .quad _d - _f + 3     # 0x18: both extern, minuend in the fixup block
    .long _f - _d         # 0x20: both extern, subtrahend in the fixup block
"""


def test_subtractor_pairs(tmp_path: Path) -> None:
    graph = build(tmp_path, SUBTRACTOR)
    data_base = min(b.address for b in graph.sections["__DATA,__data"].blocks)
    # NegDelta: P - S + A with S the subtrahend; Delta: S + A - P with S the minuend.
    assert edges(graph, "__DATA,__data") == [
        (0x08, "NegDelta64", "_f", 0),  # P = Ltmp
        (0x10, "Delta64", "_f", 0x10 - 8),  # _f - (P - 8)
        (0x18, "NegDelta64", "_f", 3),
        (0x20, "Delta32", "_f", 0x20 - 0x18),
    ]
    assert data_base >= 3


def test_subsections_symbols_and_commons(tmp_path: Path) -> None:
    graph = build(tmp_path, """
    .text
    .globl _a, _b
    .private_extern _b
    .weak_definition _w
    .globl _w
    .no_dead_strip _keep
_a:
    retq
_b:
    nop
    retq
_w:
    retq
_keep:
    retq
    .weak_reference _wr
    .data
    .quad _wr
.zerofill __DATA,__bss,_zf,16,4
.comm _cm,24,3
.subsections_via_symbols
""")
    text = graph.sections["__TEXT,__text"]
    assert [(b.size) for b in text.blocks] == [1, 2, 1, 1]  # one block per symbol
    a, b, w, keep = (symbol(graph, n) for n in ("_a", "_b", "_w", "_keep"))
    assert (a.scope, a.linkage, a.size) == (Scope.DEFAULT, Linkage.STRONG, 1)
    assert (b.scope, b.size, b.offset) == (Scope.HIDDEN, 2, 0)
    assert w.linkage is Linkage.WEAK
    assert keep.scope is Scope.LOCAL and keep.live
    assert graph.external_symbols["_wr"].weakly_referenced
    bss = graph.sections["__DATA,__bss"]
    assert bss.blocks[0].is_zero_fill and bss.blocks[0].size == 16
    assert bss.blocks[0].alignment == 16
    cm = symbol(graph, "_cm")
    assert cm.linkage is Linkage.WEAK and cm.size == 24 and cm.block is not None
    assert cm.block.alignment == 8 and cm.block.is_zero_fill
    interface = scan_object_interface(assemble(tmp_path, """
    .globl _f
    .private_extern _h
    .globl _h
_f: retq
_h: retq
.comm _c,8,3
"""), "y.o")
    assert interface.symbols["_f"] == (True, Scope.DEFAULT, Linkage.STRONG, False)
    assert interface.symbols["_h"][1] is Scope.HIDDEN
    assert interface.symbols["_c"] == (False, Scope.DEFAULT, Linkage.WEAK, True)


TLV_SOURCE = """
    .text
    movq _tv@TLVP(%rip), %rdi
    callq *(%rdi)
    .section __DATA,__thread_data,thread_local_regular
_tv$tlv$init:
    .long 7
    .section __DATA,__thread_vars,thread_local_variables
    .globl _tv
_tv:
    .quad __tlv_bootstrap
    .quad 0
    .quad _tv$tlv$init
"""


def test_thread_local_variables(tmp_path: Path) -> None:
    """X86_64_RELOC_TLV is a relaxable GOT load of the variable's descriptor (in
    __thread_vars, plain data); __thread_data is a thread-local section."""
    graph = build(tmp_path, TLV_SOURCE)
    (load,) = [e for b in graph.sections["__TEXT,__text"].blocks for e in b.edges]
    assert (load.kind, load.offset, load.target.name, load.addend) == (
        K.RequestGOTAndTransformToPCRel32GOTLoadREXRelaxable, 3, "_tv", 0)
    assert graph.sections["__DATA,__thread_data"].thread_local
    assert not graph.sections["__DATA,__thread_vars"].thread_local


def test_unsupported_thread_local_section_and_arch(tmp_path: Path) -> None:
    # C++'s dynamically initialised thread_locals (thread-local variable pointers).
    with pytest.raises(UnsupportedObject, match="thread-local section __DATA,__thread_ptrs"):
        build(tmp_path, """
    .section __DATA,__thread_ptrs,thread_local_variable_pointers
    .globl _t
_t:
    .quad 0
""")
    # The same object claiming to be PowerPC 64 (CPU_TYPE_POWERPC64 = 0x01000012).
    data = bytearray(assemble(tmp_path, "retq\n"))
    data[4:8] = (0x01000012).to_bytes(4, "little")
    with pytest.raises(UnsupportedObject, match="CPU type 0x1000012"):
        build_link_graph(bytes(data), "ppc.o")
