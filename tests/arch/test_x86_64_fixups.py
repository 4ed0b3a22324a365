"""x86-64 fixups and GOT/PLT passes, checked against the psABI formulas computed here.

The oracle for every fixup is the System V x86-64 psABI relocation formula (S + A - P, ...)
evaluated in this file and packed with ``int.to_bytes``; the oracle for the GOT/PLT passes is
capstone's decoding of the instructions the passes leave behind.
"""

from __future__ import annotations

from collections.abc import Callable

import capstone
import pytest
from capstone import x86 as cs_x86
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pyjitlink.arch.x86_64 import (
    GOT_BASE_NAME,
    GOT_SECTION,
    PLT_SECTION,
    EdgeKind,
    apply_block_fixups,
    apply_fixup,
    build_got_and_plt,
    edge_kind_name,
    got_base,
    optimize_got_and_stub_accesses,
)
from pyjitlink.errors import FixupOutOfRange, InstructionMismatch, MalformedObject
from pyjitlink.jitlink.graph import Block, Edge, LinkGraph, Linkage, MemProt, Scope, Symbol
from pyjitlink.jitlink.linker import apply_fixups
from tls_stand_in import StandInTLS

RX = MemProt.READ | MemProt.EXEC
RW = MemProt.READ | MemProt.WRITE
K = EdgeKind
TWO64 = 1 << 64
FILL = 0xA5  # sentinel: bytes outside the field must keep it
FIELD_OFFSET = 8  # the fixup field sits at this offset of a 24-byte block

# ----------------------------------------------------------------------------- the oracle
# kind -> (formula(S, A, P, GOT, Z), field width in bytes, (lo, hi) accepted or None = wraps).
# Formulas: psABI table 4.10 / LLVM x86_64.h. BranchPCRel32 and the PCRel32GOTLoad kinds carry
# the -4 PC bias themselves (their edges' addends are the relocation addend + 4).
INT8 = (-(1 << 7), (1 << 7) - 1)
INT16 = (-(1 << 15), (1 << 15) - 1)
INT32 = (-(1 << 31), (1 << 31) - 1)
UINT32 = (0, (1 << 32) - 1)
INT_OR_UINT16 = (-(1 << 15), (1 << 16) - 1)  # R_X86_64_16 is checked as lld's checkIntUInt
INT_OR_UINT8 = (-(1 << 7), (1 << 8) - 1)


def _pc32(s: int, a: int, p: int, got: int, z: int) -> int:
    return s + a - (p + 4)


ORACLE = {
    K.Pointer64: (lambda s, a, p, got, z: s + a, 8, None),
    K.Pointer32: (lambda s, a, p, got, z: s + a, 4, UINT32),
    K.Pointer32Signed: (lambda s, a, p, got, z: s + a, 4, INT32),
    K.Pointer16: (lambda s, a, p, got, z: s + a, 2, INT_OR_UINT16),
    K.Pointer8: (lambda s, a, p, got, z: s + a, 1, INT_OR_UINT8),
    K.Delta64: (lambda s, a, p, got, z: s + a - p, 8, None),
    K.Delta32: (lambda s, a, p, got, z: s + a - p, 4, INT32),
    K.Delta16: (lambda s, a, p, got, z: s + a - p, 2, INT16),
    K.Delta8: (lambda s, a, p, got, z: s + a - p, 1, INT8),
    K.NegDelta64: (lambda s, a, p, got, z: p - s + a, 8, None),
    K.NegDelta32: (lambda s, a, p, got, z: p - s + a, 4, INT32),
    K.Delta64FromGOT: (lambda s, a, p, got, z: s + a - got, 8, None),
    K.BranchPCRel32: (_pc32, 4, INT32),
    K.BranchPCRel32ToPtrJumpStub: (_pc32, 4, INT32),
    K.BranchPCRel32ToPtrJumpStubBypassable: (_pc32, 4, INT32),
    K.PCRel32GOTLoadRelaxable: (_pc32, 4, INT32),
    K.PCRel32GOTLoadREXRelaxable: (_pc32, 4, INT32),
    K.Size64: (lambda s, a, p, got, z: z + a, 8, None),
    K.Size32: (lambda s, a, p, got, z: z + a, 4, UINT32),
}
RANGED = [k for k, (_, _, r) in ORACLE.items() if r is not None]
# Kinds a GOT/PLT pass must lower first: apply_fixup refuses them.
UNLOWERED = [K.RequestGOTAndTransformToDelta32, K.RequestGOTAndTransformToDelta64,
             K.RequestGOTAndTransformToDelta64FromGOT,
             K.RequestGOTAndTransformToPCRel32GOTLoadRelaxable,
             K.RequestGOTAndTransformToPCRel32GOTLoadREXRelaxable,
             K.RequestTLSGDAndTransformToDelta32, K.RequestTLSLDAndTransformToDelta32,
             K.RequestGOTTPOffAndTransformToDelta32, K.RequestTLSDescAndTransformToDelta32]
# Thread-local kinds: their values come from the platform's resolver (tested below).
TLS_VALUES = [K.DTPOff32, K.DTPOff64, K.DTPMod64, K.TPOff32, K.TPOff64, K.TLSDescCall,
              K.TLSDescFunction64, K.TLSDescArgument64]


def test_oracle_covers_every_edge_kind() -> None:
    assert set(ORACLE) | set(UNLOWERED) | set(TLS_VALUES) == set(EdgeKind)


def _solve_target(kind: EdgeKind, value: int, a: int, p: int, got: int) -> int:
    """The S (or Z, for Size kinds) for which ``kind``'s formula yields ``value``."""
    if kind in (K.Pointer64, K.Pointer32, K.Pointer32Signed, K.Pointer16, K.Pointer8,
                K.Size64, K.Size32):
        return value - a
    if kind in (K.Delta64, K.Delta32, K.Delta16, K.Delta8):
        return value - a + p
    if kind in (K.NegDelta64, K.NegDelta32):
        return p + a - value
    if kind == K.Delta64FromGOT:
        return value - a + got
    return value - a + p + 4


# ----------------------------------------------------------------------------- graph helpers


def _graph(name: str = "fixups.o") -> LinkGraph:
    return LinkGraph(name, "x86_64", 8, "little", edge_kind_name)


def _fixup_setup(kind: EdgeKind, s: int, a: int, p: int, got: int, z: int
                 ) -> tuple[LinkGraph, Block, Edge]:
    graph = _graph()
    text = graph.create_section(".text", RX)
    block = graph.create_content_block(text, bytes([FILL]) * 24, address=p - FIELD_OFFSET)
    # A GOT whose base we place ourselves, for Delta64FromGOT.
    got_sec = graph.create_section(GOT_SECTION, MemProt.READ)
    got_block = graph.create_content_block(got_sec, bytes(8), address=got, alignment=8)
    graph.add_defined_symbol(got_block, 0, GOT_BASE_NAME, 0, Linkage.STRONG, Scope.LOCAL)
    target: Symbol
    if kind in (K.Size32, K.Size64):
        data = graph.create_section(".data", RW)
        dblock = graph.create_zero_fill_block(data, max(z, 0) + 1, address=s if s >= 0 else 0)
        target = graph.add_defined_symbol(dblock, 0, "foo", z, Linkage.STRONG, Scope.DEFAULT)
    else:
        target = graph.add_absolute_symbol("foo", s, scope=Scope.DEFAULT)
    edge = block.add_edge(kind, FIELD_OFFSET, target, a)
    block.mutable_content()  # as after allocation: fixups write working memory
    return graph, block, edge


def _apply_through_block(graph: LinkGraph, block: Block, edge: Edge) -> None:
    assert block.edges == [edge]
    apply_block_fixups(graph, block)


def _check(kind: EdgeKind, s: int, a: int, p: int, got: int = 0, z: int = 0) -> None:
    """Apply one fixup and compare with the oracle: exact bytes, or FixupOutOfRange; the
    same through apply_fixup and through the block loop apply_block_fixups."""
    for apply in (apply_fixup, _apply_through_block):
        _check_one(apply, kind, s, a, p, got, z)


def _check_one(apply: Callable[[LinkGraph, Block, Edge], None], kind: EdgeKind, s: int,
               a: int, p: int, got: int, z: int) -> None:
    formula, width, accepted = ORACLE[kind]
    graph, block, edge = _fixup_setup(kind, s, a, p, got, z)
    before = bytes(block.mutable_content())
    value = formula(s, a, p, got, z)
    # Addresses and addends are 64-bit quantities (psABI): a signed field sees the result
    # modulo 2**64 as a signed number.
    if accepted is not None and accepted[0] < 0:
        value = ((value + (1 << 63)) % (1 << 64)) - (1 << 63)
    if accepted is None or accepted[0] <= value <= accepted[1]:
        apply(graph, block, edge)
        field = (value % (1 << (8 * width))).to_bytes(width, "little")
        expected = before[:FIELD_OFFSET] + field + before[FIELD_OFFSET + width:]
        assert bytes(block.content) == expected, (kind.name, hex(value))
    else:
        with pytest.raises(FixupOutOfRange) as info:
            apply(graph, block, edge)
        err = info.value
        assert err.value == value
        assert err.kind == kind.name
        assert err.target == "foo"
        assert err.section == ".text"
        assert err.offset == FIELD_OFFSET
        assert err.address == p
        # Never writes a truncated value.
        assert bytes(block.content) == before


# ----------------------------------------------------------------------------- properties

ADDRESS = st.integers(0, TWO64 - 1)
PLACE = st.integers(FIELD_OFFSET, TWO64 - 32)
ADDEND = st.one_of(st.integers(-(1 << 63), (1 << 63) - 1), st.integers(-(1 << 33), 1 << 33),
                   st.integers(-300, 300))
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.filter_too_much])


@pytest.mark.parametrize("kind", list(ORACLE), ids=lambda k: k.name)
@SETTINGS
@given(s=ADDRESS, a=ADDEND, p=PLACE, got=ADDRESS, z=st.integers(0, 1 << 40))
def test_fixup_matches_psabi_formula_random(kind: EdgeKind, s: int, a: int, p: int, got: int,
                                            z: int) -> None:
    _check(kind, s, a, p, got, z)


@pytest.mark.parametrize("kind", RANGED, ids=lambda k: k.name)
@SETTINGS
@given(data=st.data(), a=ADDEND, p=PLACE, got=ADDRESS)
def test_fixup_near_field_limits(kind: EdgeKind, data: st.DataObject, a: int, p: int,
                                 got: int) -> None:
    """Values drawn around and inside the field's range, the target solved from them."""
    lo, hi = ORACLE[kind][2]
    value = data.draw(st.one_of(st.integers(lo - 3, lo + 3), st.integers(hi - 3, hi + 3),
                                st.integers(lo - 3, hi + 3)))
    target = _solve_target(kind, value, a, p, got)
    if kind in (K.Size32, K.Size64):
        assume(0 <= target < 1 << 40)
        _check(kind, 0x1000, a, p, got, z=target)
    else:
        assume(0 <= target < TWO64)
        _check(kind, target, a, p, got)


# ----------------------------------------------------------------------------- boundaries


def _boundary_cases() -> list[tuple[EdgeKind, int, bool]]:
    cases = []
    for kind in RANGED:
        lo, hi = ORACLE[kind][2]
        cases += [(kind, lo, True), (kind, hi, True), (kind, lo - 1, False),
                  (kind, hi + 1, False)]
    return cases


@pytest.mark.parametrize("kind,value,fits", _boundary_cases(),
                         ids=[f"{k.name}-{v:#x}-{'fits' if f else 'overflows'}"
                              for k, v, f in _boundary_cases()])
@pytest.mark.parametrize("addend", [0, -4, 0x1000])
def test_fixup_boundaries(kind: EdgeKind, value: int, fits: bool, addend: int) -> None:
    p = 0x4000_0000_0000
    got = 0x4000_1000_0000
    formula, width, _ = ORACLE[kind]
    target = _solve_target(kind, value, addend, p, got)
    if kind in (K.Size32, K.Size64):
        if target < 0:  # a size cannot be negative: reach the value through the addend
            addend, target = value, 0
        args = dict(s=0x1000, z=target)
    else:
        args = dict(s=target, z=0)
    assert formula(args["s"], addend, p, got, args["z"]) == value
    graph, block, edge = _fixup_setup(kind, args["s"], addend, p, got, args["z"])
    if fits:
        apply_fixup(graph, block, edge)
        assert int.from_bytes(block.content[FIELD_OFFSET:FIELD_OFFSET + width], "little",
                              signed=value < 0) == value
    else:
        with pytest.raises(FixupOutOfRange) as info:
            apply_fixup(graph, block, edge)
        assert info.value.value == value


@pytest.mark.parametrize("kind,s,expected", [
    (K.Pointer32, 0xFFFFFFFF, "ffffffff"),
    # psABI: R_X86_64_32S must sign-extend back to the 64-bit value; 0xffffffff80000000
    # does (the kernel code model's addresses), 0xffffffff7fffffff does not.
    (K.Pointer32Signed, 0xFFFFFFFF_80000000, "00000080"),
    (K.Pointer32Signed, 0xFFFFFFFF_7FFFFFFF, None),
    (K.Pointer32Signed, 0x7FFFFFFF, "ffffff7f"),
    (K.Pointer16, 0xFFFF, "ffff"),
    (K.Pointer8, 0xFF, "ff"),
])
def test_absolute_pointer_edges(kind: EdgeKind, s: int, expected: str | None) -> None:
    graph, block, edge = _fixup_setup(kind, s, 0, 0x1008, 0, 0)
    if expected is None:
        with pytest.raises(FixupOutOfRange):
            apply_fixup(graph, block, edge)
    else:
        apply_fixup(graph, block, edge)
        n = len(expected) // 2
        assert block.content[FIELD_OFFSET:FIELD_OFFSET + n].hex() == expected


def test_sixty_four_bit_kinds_wrap_modulo_2_64() -> None:
    # S + A - P with P > S + A: the two's complement of the distance.
    graph, block, edge = _fixup_setup(K.Delta64, 0x1000, 0, 0x3008, 0, 0)
    apply_fixup(graph, block, edge)
    assert bytes(block.content[8:16]) == (-0x2008 % TWO64).to_bytes(8, "little")
    graph, block, edge = _fixup_setup(K.Pointer64, TWO64 - 1, 1, 0x1008, 0, 0)
    apply_fixup(graph, block, edge)
    assert bytes(block.content[8:16]) == bytes(8)


@pytest.mark.parametrize("kind", UNLOWERED, ids=lambda k: k.name)
def test_unlowered_got_requests_are_refused(kind: EdgeKind) -> None:
    graph, block, edge = _fixup_setup(kind, 0x2000, 0, 0x1008, 0, 0)
    before = bytes(block.mutable_content())
    with pytest.raises(InstructionMismatch, match=kind.name):
        apply_fixup(graph, block, edge)
    assert bytes(block.content) == before


# ----------------------------------------------------------------------------- error message


def test_out_of_range_message_names_section_offset_kind_target_value() -> None:
    graph = _graph("obj.o")
    data = graph.create_section(".data.rel", RW)
    graph.create_content_block(data, bytes(0x100), address=0x10000)
    second = graph.create_content_block(data, bytearray(16), address=0x10100)
    target = graph.add_absolute_symbol("far_away", 0x10104 + 0x200, scope=Scope.DEFAULT)
    edge = second.add_edge(K.Delta8, 4, target, 0)
    with pytest.raises(FixupOutOfRange) as info:
        apply_fixup(graph, second, edge)
    err = info.value
    text = str(err)
    assert ".data.rel" in text
    assert "0x104" in text  # offset in the section: 0x100 (second block) + 4
    assert "Delta8" in text
    assert "far_away" in text
    assert "0x200" in text
    assert err.file == "obj.o"
    assert (err.section, err.offset, err.address, err.kind, err.target, err.value) == (
        ".data.rel", 0x104, 0x10104, "Delta8", "far_away", 0x200)


def test_out_of_range_message_shows_negative_value() -> None:
    graph, block, edge = _fixup_setup(K.Delta32, 0x1000, 0, 0x1000 + (1 << 31) + 1 + 8, 0, 0)
    with pytest.raises(FixupOutOfRange) as info:
        apply_fixup(graph, block, edge)
    value = 0x1000 - (0x1000 + (1 << 31) + 9)
    assert info.value.value == value
    assert f"-{-value:#x}" in str(info.value)


# ----------------------------------------------------------------------------- got_base


def test_got_base_made_once_at_start_of_got() -> None:
    graph = _graph()
    section = graph.create_section(GOT_SECTION, MemProt.READ)
    graph.create_content_block(section, bytes(8), address=0x5008, alignment=8)
    graph.create_content_block(section, bytes(8), address=0x5000, alignment=8)
    base = got_base(graph)
    assert base.name == GOT_BASE_NAME
    assert base.address == 0x5000
    assert got_base(graph) is base
    assert sum(1 for s in section.symbols if s.name == GOT_BASE_NAME) == 1


def test_delta64_from_got_uses_graph_got_base() -> None:
    graph = _graph()
    text = graph.create_section(".text", RX)
    block = graph.create_content_block(text, bytearray(8), address=0x1000)
    got = graph.create_section(GOT_SECTION, MemProt.READ)
    graph.create_content_block(got, bytes(8), address=0x9000, alignment=8)
    foo = graph.add_absolute_symbol("foo", 0x8000)
    edge = block.add_edge(K.Delta64FromGOT, 0, foo, 0x10)
    apply_fixup(graph, block, edge)
    assert bytes(block.content) == (0x8000 + 0x10 - 0x9000).to_bytes(8, "little", signed=True)


# ----------------------------------------------------------------------------- GOT / PLT

MD = capstone.Cs(capstone.CS_ARCH_X86, capstone.CS_MODE_64)
MD.detail = True


def _decode(block: Block, count: int | None = None) -> list[capstone.CsInsn]:
    insns = list(MD.disasm(bytes(block.content), block.address))
    return insns if count is None else insns[:count]


def _rip_target(insn: capstone.CsInsn) -> int:
    """The address a RIP-relative memory operand of ``insn`` refers to."""
    for op in insn.operands:
        if op.type == cs_x86.X86_OP_MEM and op.mem.base == cs_x86.X86_REG_RIP:
            return insn.address + insn.size + op.mem.disp
    raise AssertionError(f"no rip-relative operand in {insn.mnemonic} {insn.op_str}")


def _imm_target(insn: capstone.CsInsn) -> int:
    (op,) = insn.operands
    assert op.type == cs_x86.X86_OP_IMM
    return op.imm


def _layout(graph: LinkGraph, bases: dict[str, int]) -> None:
    """Allocate as a memory manager would: consecutive aligned addresses from each section's
    base, and writable working memory for every block."""
    for name, section in graph.sections.items():
        address = bases[name]
        for block in section.blocks:
            align = block.alignment
            address = (address + align - 1) // align * align
            block.address = address
            block.mutable_content()
            address += block.size


def _read_u64(graph: LinkGraph, address: int) -> int:
    for block in graph.blocks():
        if block.address <= address < block.address + block.size and block.content is not None:
            off = address - block.address
            return int.from_bytes(block.content[off:off + 8], "little")
    raise AssertionError(f"no block holds {address:#x}")


def _code_graph(code: bytes, edges: list[tuple[EdgeKind, int, str, int]],
                defined: dict[str, int] | None = None) -> tuple[LinkGraph, Block, dict]:
    """A graph with one .text block of ``code`` and edges to externals / .data definitions."""
    graph = _graph("code.o")
    text = graph.create_section(".text", RX)
    block = graph.create_content_block(text, code, alignment=16)
    graph.add_defined_symbol(block, 0, "main", len(code), Linkage.STRONG, Scope.DEFAULT,
                             callable=True, live=True)
    symbols: dict[str, Symbol] = {}
    if defined:
        data = graph.create_section(".data", RW)
        for name, offset in defined.items():
            dblock = graph.create_content_block(data, bytes(16), address=offset, alignment=16)
            symbols[name] = graph.add_defined_symbol(dblock, 0, name, 16, Linkage.STRONG,
                                                     Scope.DEFAULT)
    for kind, offset, name, addend in edges:
        if name not in symbols:
            symbols[name] = graph.add_external_symbol(name)
        block.add_edge(kind, offset, symbols[name], addend)
    return graph, block, symbols


def test_one_got_entry_per_target_shared_by_edges() -> None:
    code = bytes.fromhex("488b0500000000" "488b0d00000000" "488b1500000000")
    graph, block, syms = _code_graph(code, [
        (K.RequestGOTAndTransformToPCRel32GOTLoadREXRelaxable, 3, "foo", 0),
        (K.RequestGOTAndTransformToDelta32, 10, "foo", -4),
        (K.RequestGOTAndTransformToPCRel32GOTLoadREXRelaxable, 17, "bar", 0),
    ])
    build_got_and_plt(graph)
    got = graph.sections[GOT_SECTION]
    entries = [s for s in got.symbols if s.name != GOT_BASE_NAME]
    assert len(entries) == 2
    e0, e1, e2 = block.edges
    assert e0.target is e1.target
    assert e0.target is not e2.target
    assert {e0.target, e2.target} == set(entries)
    assert [e.kind for e in block.edges] == [K.PCRel32GOTLoadREXRelaxable, K.Delta32,
                                            K.PCRel32GOTLoadREXRelaxable]
    for entry, name in ((e0.target, "foo"), (e2.target, "bar")):
        assert entry.block is not None
        assert entry.block.size == 8 and bytes(entry.block.content) == bytes(8)
        (pointer,) = entry.block.edges
        assert pointer.kind == K.Pointer64 and pointer.target is syms[name]
        assert pointer.addend == 0
    # Laid out and fixed up, each load reads a GOT slot holding its target's address.
    _layout(graph, {".text": 0x10000, GOT_SECTION: 0x20000})
    syms["foo"].absolute_address = 0x7F00_0000_1234
    syms["bar"].absolute_address = 0x7F00_0000_5678
    apply_fixups(graph, apply_fixup)
    loads = _decode(block)
    assert [i.mnemonic for i in loads] == ["mov"] * 3
    assert _read_u64(graph, _rip_target(loads[0])) == 0x7F00_0000_1234
    assert _read_u64(graph, _rip_target(loads[1])) == 0x7F00_0000_1234
    assert _rip_target(loads[0]) == _rip_target(loads[1])
    assert _read_u64(graph, _rip_target(loads[2])) == 0x7F00_0000_5678


def test_external_call_gets_plt_stub_local_call_stays_direct() -> None:
    code = bytes.fromhex("e800000000" "e800000000" "e800000000" "c3")
    graph, block, syms = _code_graph(code, [
        (K.BranchPCRel32, 1, "ext", 0),
        (K.BranchPCRel32, 6, "ext", 0),
        (K.BranchPCRel32, 11, "local", 0),
    ], defined={"local": 0})
    build_got_and_plt(graph)
    stubs = graph.sections[PLT_SECTION]
    assert len(stubs.blocks) == 1
    (stub,) = stubs.blocks
    assert bytes(stub.content) == bytes.fromhex("ff2500000000")
    e0, e1, e2 = block.edges
    assert e0.kind == e1.kind == K.BranchPCRel32ToPtrJumpStubBypassable
    assert e0.target is e1.target and e0.target.block is stub
    assert e2.kind == K.BranchPCRel32 and e2.target is syms["local"]
    (jump,) = stub.edges
    assert jump.offset == 2
    got_entry = jump.target
    assert got_entry.block is not None and got_entry.block.section.name == GOT_SECTION
    assert got_entry.block.edges[0].target is syms["ext"]
    # Far external (> 2 GiB from the code): the stub stays and reaches the target via the GOT.
    _layout(graph, {".text": 0x10000, ".data": 0x11000, GOT_SECTION: 0x20000,
                    PLT_SECTION: 0x30000})
    syms["ext"].absolute_address = 0x7F12_3456_0000
    optimize_got_and_stub_accesses(graph)
    apply_fixups(graph, apply_fixup)
    calls = _decode(block, 3)
    assert [i.mnemonic for i in calls] == ["call"] * 3
    assert _imm_target(calls[0]) == _imm_target(calls[1]) == stub.address
    assert _imm_target(calls[2]) == syms["local"].address
    (jmp,) = _decode(stub)
    assert jmp.mnemonic == "jmp"
    assert _rip_target(jmp) == got_entry.address
    assert _read_u64(graph, got_entry.address) == 0x7F12_3456_0000


def test_stub_call_bypassed_when_target_in_range() -> None:
    code = bytes.fromhex("e800000000" "c3")
    graph, block, syms = _code_graph(code, [(K.BranchPCRel32, 1, "ext", 0)])
    build_got_and_plt(graph)
    _layout(graph, {".text": 0x10000, GOT_SECTION: 0x20000, PLT_SECTION: 0x30000})
    syms["ext"].absolute_address = 0x10000 + 0x7000_0000
    optimize_got_and_stub_accesses(graph)
    apply_fixups(graph, apply_fixup)
    (call, ret) = _decode(block)
    assert call.mnemonic == "call" and ret.mnemonic == "ret"
    assert _imm_target(call) == 0x10000 + 0x7000_0000


@pytest.mark.parametrize("distance,relaxed", [
    (0x7FFFFFFF, True),    # rel32 = S - (P + 4) exactly INT32_MAX
    (0x80000000, False),   # one byte too far: through the stub
    (-0x80000000, True),
    (-0x80000001, False),
])
def test_stub_bypass_boundary(distance: int, relaxed: bool) -> None:
    code = bytes.fromhex("e800000000")
    graph, block, syms = _code_graph(code, [(K.BranchPCRel32, 1, "ext", 0)])
    build_got_and_plt(graph)
    text = 0x1_0000_0000
    _layout(graph, {".text": text, GOT_SECTION: text + 0x1000, PLT_SECTION: text + 0x2000})
    syms["ext"].absolute_address = text + 5 + distance
    optimize_got_and_stub_accesses(graph)
    apply_fixups(graph, apply_fixup)
    (call,) = _decode(block)
    stub = graph.sections[PLT_SECTION].blocks[0]
    assert _imm_target(call) == (text + 5 + distance if relaxed else stub.address)


NEAR = 0x0800_0000  # the target sits 128 MiB above the code
FAR = 0x1_0000_0000  # 4 GiB above: out of rel32 range


@pytest.mark.parametrize("far", [False, True], ids=["near", "far"])
def test_mov_gotpcrel_relaxed_to_lea(far: bool) -> None:
    # movq foo@GOTPCREL(%rip), %rax ; movl foo@GOTPCREL(%rip), %ecx
    code = bytes.fromhex("488b0500000000" "8b0d00000000")
    graph, block, syms = _code_graph(code, [
        (K.RequestGOTAndTransformToPCRel32GOTLoadREXRelaxable, 3, "foo", 0),
        (K.RequestGOTAndTransformToPCRel32GOTLoadRelaxable, 9, "foo", 0),
    ])
    build_got_and_plt(graph)
    _layout(graph, {".text": 0x10000, GOT_SECTION: 0x20000})
    foo = 0x10000 + (FAR if far else NEAR)
    syms["foo"].absolute_address = foo
    optimize_got_and_stub_accesses(graph)
    apply_fixups(graph, apply_fixup)
    mov_q, mov_l = _decode(block)
    if far:
        assert bytes(block.content[:3]) == bytes.fromhex("488b05")
        assert (mov_q.mnemonic, mov_l.mnemonic) == ("mov", "mov")
        assert _read_u64(graph, _rip_target(mov_q)) == foo
        assert _read_u64(graph, _rip_target(mov_l)) == foo
    else:
        assert bytes(block.content[:3]) == bytes.fromhex("488d05")
        assert bytes(block.content[7:9]) == bytes.fromhex("8d0d")
        assert (mov_q.mnemonic, mov_l.mnemonic) == ("lea", "lea")
        assert mov_q.op_str.startswith("rax,") and mov_l.op_str.startswith("ecx,")
        assert _rip_target(mov_q) == foo
        assert _rip_target(mov_l) == foo


@pytest.mark.parametrize("far", [False, True], ids=["near", "far"])
def test_call_via_got_relaxed_to_addr32_call(far: bool) -> None:
    code = bytes.fromhex("ff1500000000" "c3")  # call *foo@GOTPCREL(%rip); ret
    graph, block, syms = _code_graph(code, [
        (K.RequestGOTAndTransformToPCRel32GOTLoadRelaxable, 2, "foo", 0)])
    build_got_and_plt(graph)
    _layout(graph, {".text": 0x10000, GOT_SECTION: 0x20000})
    foo = 0x10000 + (FAR if far else NEAR)
    syms["foo"].absolute_address = foo
    optimize_got_and_stub_accesses(graph)
    apply_fixups(graph, apply_fixup)
    call, ret = _decode(block)
    assert ret.mnemonic == "ret" and ret.address == 0x10006
    assert call.mnemonic == "call" and call.size == 6
    if far:
        assert bytes(block.content[:2]) == bytes.fromhex("ff15")
        assert _read_u64(graph, _rip_target(call)) == foo
    else:
        assert bytes(block.content[:2]) == bytes.fromhex("67e8")
        assert _imm_target(call) == foo


@pytest.mark.parametrize("far", [False, True], ids=["near", "far"])
def test_jmp_via_got_relaxed_to_jmp_nop(far: bool) -> None:
    code = bytes.fromhex("ff2500000000" "c3")  # jmp *foo@GOTPCREL(%rip); ret
    graph, block, syms = _code_graph(code, [
        (K.RequestGOTAndTransformToPCRel32GOTLoadRelaxable, 2, "foo", 0)])
    build_got_and_plt(graph)
    _layout(graph, {".text": 0x10000, GOT_SECTION: 0x20000})
    foo = 0x10000 + (FAR if far else NEAR)
    syms["foo"].absolute_address = foo
    optimize_got_and_stub_accesses(graph)
    apply_fixups(graph, apply_fixup)
    insns = _decode(block)
    if far:
        jmp, ret = insns
        assert bytes(block.content[:2]) == bytes.fromhex("ff25")
        assert _read_u64(graph, _rip_target(jmp)) == foo
    else:
        jmp, nop, ret = insns
        assert bytes(block.content[:1]) == b"\xe9" and block.content[5] == 0x90
        assert (jmp.mnemonic, jmp.size, nop.mnemonic) == ("jmp", 5, "nop")
        assert _imm_target(jmp) == foo
    assert ret.mnemonic == "ret" and ret.address == 0x10006


@pytest.mark.parametrize("delta", [0x7FFFFFFF, 0x80000000])
def test_jmp_via_got_relaxation_boundary(delta: int) -> None:
    """The relaxed ``jmp rel32`` ends at P + 3: relax only if S - (P + 3) fits in int32.

    At the boundary the GOT jump must be kept (not relaxed into a fixup that overflows).
    """
    code = bytes.fromhex("ff2500000000")
    graph, block, syms = _code_graph(code, [
        (K.RequestGOTAndTransformToPCRel32GOTLoadRelaxable, 2, "foo", 0)])
    build_got_and_plt(graph)
    text = 0x1_0000_0000
    _layout(graph, {".text": text, GOT_SECTION: text + 0x1000})
    foo = text + 5 + delta  # jmp rel32 would end at text + 5
    syms["foo"].absolute_address = foo
    optimize_got_and_stub_accesses(graph)
    apply_fixups(graph, apply_fixup)
    insns = _decode(block)
    if delta <= 0x7FFFFFFF:
        assert insns[0].mnemonic == "jmp" and _imm_target(insns[0]) == foo
    else:
        assert bytes(block.content[:2]) == bytes.fromhex("ff25")
        assert _read_u64(graph, _rip_target(insns[0])) == foo


def test_unrelaxable_got_uses_are_left_alone() -> None:
    # addq foo@GOTPCREL(%rip), %rax (not a mov/call/jmp) and a GOT load with an addend.
    code = bytes.fromhex("48030500000000" "488b0500000000")
    graph, block, syms = _code_graph(code, [
        (K.RequestGOTAndTransformToPCRel32GOTLoadREXRelaxable, 3, "foo", 0),
        (K.RequestGOTAndTransformToPCRel32GOTLoadREXRelaxable, 10, "foo", 8),
    ])
    build_got_and_plt(graph)
    _layout(graph, {".text": 0x10000, GOT_SECTION: 0x20000})
    syms["foo"].absolute_address = 0x10100
    optimize_got_and_stub_accesses(graph)
    apply_fixups(graph, apply_fixup)
    add, mov = _decode(block)
    assert (add.mnemonic, mov.mnemonic) == ("add", "mov")
    assert _read_u64(graph, _rip_target(add)) == 0x10100
    assert _read_u64(graph, _rip_target(mov) - 8) == 0x10100


def test_unresolved_weak_reference_keeps_null_got_entry() -> None:
    code = bytes.fromhex("488b0500000000")
    graph, block, _ = _code_graph(code, [])
    weak = graph.add_external_symbol("maybe", weakly_referenced=True)
    block.add_edge(K.RequestGOTAndTransformToPCRel32GOTLoadREXRelaxable, 3, weak, 0)
    build_got_and_plt(graph)
    _layout(graph, {".text": 0x10000, GOT_SECTION: 0x20000})
    weak.absolute_address = 0
    optimize_got_and_stub_accesses(graph)
    apply_fixups(graph, apply_fixup)
    (mov,) = _decode(block)
    assert mov.mnemonic == "mov"
    assert _read_u64(graph, _rip_target(mov)) == 0  # the load yields NULL, as a weak ref must


# ----------------------------------------------------------------------------- thread-local


@pytest.mark.parametrize("static", [True, False], ids=["static", "dynamic"])
@settings(max_examples=40, deadline=None)
@given(dtpoff=st.integers(0, 1 << 20), block=st.integers(-(1 << 31), -(1 << 12)),
       a=st.integers(-64, 64))
def test_tls_fixups_match_psabi(static: bool, dtpoff: int, block: int, a: int) -> None:
    """DTPOFF32/64 = DTPOFF(S) + A, DTPMOD64 = the module id, TPOFF32/64 = S + A - TP
    (variant II: negative), a descriptor's resolver and argument (S + A - TP for the
    static resolver; the address of the tls_index after the argument, P + 8, for the
    dynamic one), TLSDESC_CALL writes nothing; a 32-bit field refuses what int32 cannot
    hold."""
    from pyjitlink.jitlink.tls import StaticTLSUnavailable, set_tls_resolver

    image, p = 0x7000_0000, 0x4000_1008
    tpoff = block + dtpoff + a
    expected = {K.DTPOff32: (dtpoff + a, 4), K.DTPOff64: (dtpoff + a, 8), K.DTPMod64: (3, 8),
                K.TPOff32: (tpoff, 4), K.TPOff64: (tpoff, 8),
                K.TLSDescFunction64: (StandInTLS.RESOLVERS[0 if static else 1], 8),
                K.TLSDescArgument64: (tpoff if static else p + 8, 8)}
    for kind in TLS_VALUES:
        graph, blk, edge = _fixup_setup(kind, image + dtpoff, a, p, 0, 0)
        set_tls_resolver(graph, StandInTLS(image, block if static else None))
        before = bytes(blk.content)
        if kind == K.TLSDescCall:
            apply_fixup(graph, blk, edge)
            assert bytes(blk.content) == before
            continue
        if kind in (K.TPOff32, K.TPOff64) and not static:
            with pytest.raises(StaticTLSUnavailable):
                apply_fixup(graph, blk, edge)
            assert bytes(blk.content) == before
            continue
        value, width = expected[kind]
        if width == 4 and not INT32[0] <= value <= INT32[1]:
            with pytest.raises(FixupOutOfRange):
                apply_fixup(graph, blk, edge)
            continue
        apply_fixup(graph, blk, edge)
        field = bytes(blk.content[FIELD_OFFSET:FIELD_OFFSET + width])
        assert field == (value % (1 << 8 * width)).to_bytes(width, "little"), kind.name
        assert bytes(blk.content[:FIELD_OFFSET]) == before[:FIELD_OFFSET]


def test_tls_requests_lower_to_got_entries() -> None:
    """TLSGD, TLSLD, GOTTPOFF and GOTPC32_TLSDESC become Delta32 edges (addend kept) to one
    GOT entry per target and kind of access, in the GOT section (what got_addr searches)."""
    graph = _graph()
    text = graph.create_section(".text", RX)
    requests = [K.RequestTLSGDAndTransformToDelta32, K.RequestTLSLDAndTransformToDelta32,
                K.RequestGOTTPOffAndTransformToDelta32, K.RequestTLSDescAndTransformToDelta32]
    block = graph.create_content_block(text, bytes(8 * len(requests)), alignment=4)
    tv = graph.add_external_symbol("tv")
    for index, kind in enumerate(requests * 2):
        block.add_edge(kind, 4 * index, tv, -4)
    build_got_and_plt(graph)
    entries = [edge.target.block for edge in block.edges]
    assert entries[:4] == entries[4:] and len(set(map(id, entries))) == 4
    assert all(e.kind == K.Delta32 and e.addend == -4 for e in block.edges)
    assert all(b.section.name == GOT_SECTION for b in entries)
    assert [[(e.offset, e.kind) for e in b.edges] for b in entries[:4]] == [
        [(0, K.DTPMod64), (8, K.DTPOff64)],
        [(0, K.DTPMod64)],
        [(0, K.TPOff64)],
        [(0, K.TLSDescFunction64), (8, K.TLSDescArgument64), (16, K.DTPMod64),
         (24, K.DTPOff64)],
    ]
    assert [b.size for b in entries[:4]] == [16, 16, 8, 32]


def test_field_past_block_end_is_malformed_through_the_block_loop() -> None:
    """apply_fixups with the block loop names the edge whose field passes the block's end,
    after writing the edges before it, as the edge-by-edge path does."""
    for block_fixup in (None, apply_block_fixups):
        graph = _graph()
        text = graph.create_section(".text", RX)
        block = graph.create_content_block(text, bytes(10), address=0x1000)
        target = graph.add_absolute_symbol("foo", 0x1100, scope=Scope.DEFAULT)
        block.add_edge(K.Delta32, 0, target, 0)
        block.add_edge(K.Pointer64, 4, target, 0)  # 4 + 8 > 10
        block.mutable_content()
        with pytest.raises(MalformedObject, match=r"fixup Pointer64 at \.text\+0x4 extends "
                                                  r"past the end of its block"):
            apply_fixups(graph, apply_fixup, block_fixup)
        assert bytes(block.content)[:4] == (0x100).to_bytes(4, "little")
