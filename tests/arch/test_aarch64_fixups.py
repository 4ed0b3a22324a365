"""AArch64 fixups and GOT/stub passes, checked against AAELF64 formulas computed here.

Oracles: the AAELF64 relocation formulas and overflow checks ("Relocation types") evaluated in
this file; the immediate fields of each patched word extracted by this file's own decoder,
written from the A64 encoding tables; and capstone's decoding of the same word (branch and
literal targets, ADRP pages, ADD/LDR offsets, MOVZ/MOVK immediates). The instruction words are
llvm-mc's encodings, re-checked against llvm-mc when it is installed.
"""

from __future__ import annotations

import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path

import capstone
import pytest
from capstone import arm64 as cs_arm64
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pyjitlink.arch.aarch64 import (
    GOT_BASE_NAME,
    GOT_SECTION,
    POINTER_JUMP_STUB,
    STUBS_SECTION,
    EdgeKind,
    apply_fixup,
    build_got_and_plt,
    edge_kind_name,
    got_base,
    optimize_got_and_stub_accesses,
)
from pyjitlink.errors import FixupOutOfRange, InstructionMismatch, JITLinkError
from pyjitlink.jitlink.graph import Block, Edge, Linkage, LinkGraph, MemProt, Scope, Symbol
from pyjitlink.jitlink.linker import apply_fixups
from toolchain import find_tool

RX = MemProt.READ | MemProt.EXEC
RW = MemProt.READ | MemProt.WRITE
K = EdgeKind
TWO64 = 1 << 64
FILL = 0xA5  # sentinel: bytes outside the field must keep it
FIELD_OFFSET = 8  # the fixup field sits at this offset of a 24-byte block

# ----------------------------------------------------------------------------- instructions


@dataclass(frozen=True)
class Word:
    """An instruction with zero immediate: llvm-mc's encoding; ``scale``/``hw`` where they apply
    (log2 of a load/store's access size; a MOVZ/MOVK's hw field), read off the A64 tables."""

    asm: str
    word: int
    scale: int = 0
    hw: int = 0


W = {w.asm: w for w in [
    Word("bl #0", 0x94000000), Word("b #0", 0x14000000),
    Word("b.eq #0", 0x54000000), Word("b.ne #0", 0x54000001),
    Word("cbz x0, #0", 0xB4000000), Word("cbnz w1, #0", 0x35000001),
    Word("tbz w0, #3, #0", 0x36180000), Word("tbnz w5, #31, #0", 0x37F80005),
    Word("tbz x0, #63, #0", 0xB6F80000),
    Word("ldr x0, #0", 0x58000000), Word("ldr w1, #0", 0x18000001),
    Word("ldrsw x2, #0", 0x98000002), Word("ldr q3, #0", 0x9C000003),
    Word("ldr d4, #0", 0x5C000004), Word("prfm pldl1keep, #0", 0xD8000000),
    Word("adr x0, #0", 0x10000000), Word("adrp x0, #0", 0x90000000),
    Word("adrp x16, #0", 0x90000010),
    Word("add x0, x1, #0", 0x91000020), Word("add w2, w3, #0", 0x11000062),
    Word("ldrb w4, [x3]", 0x39400064, 0), Word("strb w4, [x3]", 0x39000064, 0),
    Word("ldrsb x4, [x3]", 0x39800064, 0), Word("ldr b0, [x3]", 0x3D400060, 0),
    Word("ldrh w4, [x3]", 0x79400064, 1), Word("strh w4, [x3]", 0x79000064, 1),
    Word("ldr h0, [x3]", 0x7D400060, 1),
    Word("ldr w4, [x3]", 0xB9400064, 2), Word("ldr s0, [x3]", 0xBD400060, 2),
    Word("ldrsw x4, [x3]", 0xB9800064, 2),
    Word("ldr x4, [x3]", 0xF9400064, 3), Word("str x4, [x3]", 0xF9000064, 3),
    Word("ldr d0, [x3]", 0xFD400060, 3), Word("prfm pldl1keep, [x3]", 0xF9800060, 3),
    Word("ldr q4, [x3]", 0x3DC00064, 4), Word("str q4, [x3]", 0x3D800064, 4),
    Word("ldr x16, [x16]", 0xF9400210, 3), Word("ldr x0, [x0]", 0xF9400000, 3),
    Word("movz x5, #0", 0xD2800005, hw=0), Word("movk x5, #0, lsl #16", 0xF2A00005, hw=1),
    Word("movk x5, #0, lsl #32", 0xF2C00005, hw=2),
    Word("movk x5, #0, lsl #48", 0xF2E00005, hw=3),
    Word("movz x5, #0, lsl #48", 0xD2E00005, hw=3),
    Word("movz w5, #0", 0x52800005, hw=0), Word("movk w5, #0, lsl #16", 0x72A00005, hw=1),
    Word("movn x0, #0", 0x92800000), Word("nop", 0xD503201F), Word("ret", 0xD65F03C0),
    Word("br x16", 0xD61F0200), Word("sub x0, x1, #0", 0xD1000020),
    Word("add x0, x1, #0, lsl #12", 0x91400020), Word("ldur x0, [x1]", 0xF8400020),
]}


def words(*names: str) -> list[Word]:
    return [W[n] for n in names]


LOAD_STORES = [w for w in W.values() if "[x" in w.asm and "ldur" not in w.asm]
# The instructions each kind patches, and instructions it must refuse.
ACCEPTS: dict[EdgeKind, list[Word]] = {
    K.Branch26PCRel: words("bl #0", "b #0"),
    K.Branch26PCRelToPtrJumpStubBypassable: words("bl #0", "b #0"),
    K.TestAndBranch14PCRel: words("tbz w0, #3, #0", "tbnz w5, #31, #0", "tbz x0, #63, #0"),
    K.CondBranch19PCRel: words("b.eq #0", "b.ne #0", "cbz x0, #0", "cbnz w1, #0"),
    K.LDRLiteral19: words("ldr x0, #0", "ldr w1, #0", "ldrsw x2, #0", "ldr q3, #0",
                          "ldr d4, #0", "prfm pldl1keep, #0"),
    K.ADRLiteral21: words("adr x0, #0"),
    K.Page21: words("adrp x0, #0", "adrp x16, #0"),
    K.Page21NC: words("adrp x0, #0"),
    K.PageOffset12: words("add x0, x1, #0", "add w2, w3, #0") + LOAD_STORES,
    K.MoveWide16: [w for w in W.values() if w.asm.startswith(("movz", "movk"))],
    K.MoveWide16Checked: [w for w in W.values() if w.asm.startswith(("movz", "movk"))],
    K.GotPageOffset15: words("ldr x4, [x3]", "ldr x16, [x16]", "ldr x0, [x0]"),
}
REFUSES: dict[EdgeKind, list[Word]] = {
    K.Branch26PCRel: words("nop", "b.eq #0", "br x16", "adrp x0, #0"),
    K.Branch26PCRelToPtrJumpStubBypassable: words("nop", "cbz x0, #0"),
    K.TestAndBranch14PCRel: words("cbz x0, #0", "b.eq #0", "nop"),
    K.CondBranch19PCRel: words("tbz w0, #3, #0", "b #0", "nop"),
    K.LDRLiteral19: words("ldr x4, [x3]", "adr x0, #0", "nop"),
    K.ADRLiteral21: words("adrp x0, #0", "nop"),
    K.Page21: words("adr x0, #0", "nop"),
    K.Page21NC: words("adr x0, #0"),
    K.PageOffset12: words("sub x0, x1, #0", "add x0, x1, #0, lsl #12", "ldur x0, [x1]",
                          "ldr x0, #0", "adrp x0, #0", "nop"),
    K.MoveWide16: words("movn x0, #0", "nop", "add x0, x1, #0"),
    K.MoveWide16Checked: words("movn x0, #0", "nop"),
    K.GotPageOffset15: words("ldr w4, [x3]", "str x4, [x3]", "ldr d0, [x3]", "nop"),
}
INSTRUCTION_KINDS = list(ACCEPTS)
GOT_REQUESTS = [K.RequestGOTAndTransformToPage21, K.RequestGOTAndTransformToPageOffset12,
                K.RequestGOTAndTransformToPageOffset15, K.RequestGOTAndTransformToDelta32,
                K.RequestGOTAndTransformToLDRLiteral19, K.RequestGOTAndTransformToPointer64]

LLVM_MC = find_tool("llvm-mc")


@pytest.mark.skipif(LLVM_MC is None, reason="llvm-mc is not on PATH")
def test_instruction_words_are_llvm_mc_encodings(tmp_path: Path) -> None:
    src = tmp_path / "w.s"
    src.write_text("".join(w.asm + "\n" for w in W.values()))
    out = subprocess.run([LLVM_MC, "-triple=aarch64", "-show-encoding", str(src)], check=True,
                         capture_output=True, text=True).stdout
    encoded = []
    for line in out.splitlines():
        if "encoding: [" in line:
            raw = line.split("encoding: [")[1].rstrip("]").split(",")
            encoded.append(int.from_bytes(bytes(int(b, 16) for b in raw), "little"))
    assert encoded == [w.word for w in W.values()]


# ----------------------------------------------------------------------------- the oracle


def sext(value: int, bits: int) -> int:
    value &= (1 << bits) - 1
    return value - (1 << bits) if value >> (bits - 1) else value


def page(x: int) -> int:
    return x & ~0xFFF


def s64(x: int) -> int:
    """AAELF64 checks "the intermediate result viewed as a 64-bit signed integer"."""
    return (x + (1 << 63)) % TWO64 - (1 << 63)


# Data kinds: formula(S, A, P), field width in bytes, [lo, hi) accepted or None (wraps).
DATA: dict[EdgeKind, tuple] = {
    K.Pointer64: (lambda s, a, p: s + a, 8, None),
    K.Pointer32: (lambda s, a, p: s + a, 4, (-(1 << 31), 1 << 32)),      # ABS32
    K.Pointer16: (lambda s, a, p: s + a, 2, (-(1 << 15), 1 << 16)),      # ABS16
    K.Delta64: (lambda s, a, p: s + a - p, 8, None),                     # PREL64
    K.Delta32: (lambda s, a, p: s + a - p, 4, (-(1 << 31), 1 << 32)),    # PREL32
    K.Delta16: (lambda s, a, p: s + a - p, 2, (-(1 << 15), 1 << 16)),    # PREL16
    K.NegDelta64: (lambda s, a, p: p - s + a, 8, None),
    K.NegDelta32: (lambda s, a, p: p - s + a, 4, (-(1 << 31), 1 << 31)),
}


# Thread-local kinds: checked below against AAELF64's TLS formulas with a stand-in resolver.
TLS_INSTRUCTIONS = [K.TPRelAddHi12, K.TPRelAddLo12, K.TPRelAddLo12NC, K.TPRelLoadStore12,
                    K.TPRelMoveWide16, K.TPRelMoveWide16Checked]
TLS_DATA = [K.DTPMod64, K.DTPRel64, K.TPRel64, K.TLSDescFunction64, K.TLSDescArgument64,
            K.TLSDescCall]
TLS_REQUESTS = [K.RequestTLSDescAndTransformToPage21, K.RequestTLSDescAndTransformToPageOffset12,
                K.RequestGOTTPRelAndTransformToPage21,
                K.RequestGOTTPRelAndTransformToPageOffset12,
                K.RequestTLSGDAndTransformToPage21, K.RequestTLSGDAndTransformToPageOffset12]


def test_oracle_covers_every_edge_kind() -> None:
    assert set(DATA) | set(ACCEPTS) | set(GOT_REQUESTS) | set(TLS_INSTRUCTIONS) | set(
        TLS_DATA) | set(TLS_REQUESTS) == set(EdgeKind)
    assert set(REFUSES) == set(ACCEPTS)


def formula(kind: EdgeKind, s: int, a: int, p: int, got: int) -> int:
    """X, as AAELF64 defines it for the relocation(s) the kind implements."""
    if kind in (K.Page21, K.Page21NC):
        return page(s + a) - page(p)                   # Page(S+A) - Page(P)
    if kind == K.PageOffset12:
        return (s + a) & 0xFFF                          # bits [11:0] of S + A
    if kind in (K.MoveWide16, K.MoveWide16Checked):
        return s + a                                    # S + A
    if kind == K.GotPageOffset15:
        return s + a - page(got)                        # G(GDAT) - Page(GOT), S the entry
    return s + a - p                                    # S + A - P


def accepts(kind: EdgeKind, x: int, w: Word) -> bool:
    """AAELF64's overflow checks, plus the scaled fields' alignment."""
    if kind in (K.Branch26PCRel, K.Branch26PCRelToPtrJumpStubBypassable):
        return -(1 << 27) <= x < 1 << 27 and x % 4 == 0      # JUMP26/CALL26
    if kind == K.TestAndBranch14PCRel:
        return -(1 << 15) <= x < 1 << 15 and x % 4 == 0      # TSTBR14
    if kind in (K.CondBranch19PCRel, K.LDRLiteral19):
        return -(1 << 20) <= x < 1 << 20 and x % 4 == 0      # CONDBR19, LD_PREL_LO19
    if kind == K.ADRLiteral21:
        return -(1 << 20) <= x < 1 << 20                     # ADR_PREL_LO21
    if kind == K.Page21:
        return -(1 << 32) <= x < 1 << 32                     # ADR_PREL_PG_HI21
    if kind == K.PageOffset12:
        return x % (1 << w.scale) == 0                       # LDSTn: aligned to the datum
    if kind == K.MoveWide16Checked:
        return 0 <= x < 1 << (16 * (w.hw + 1))               # MOVW_UABS_Gn
    if kind == K.GotPageOffset15:
        return 0 <= x < 1 << 15 and x % 8 == 0               # LD64_GOTPAGE_LO15
    return True                                              # Page21NC, MoveWide16


# Bits of the word each kind may change, and the field decoded the way the CPU reads it.
FIELD_MASK = {
    K.Branch26PCRel: 0x03FFFFFF, K.Branch26PCRelToPtrJumpStubBypassable: 0x03FFFFFF,
    K.TestAndBranch14PCRel: 0x0007FFE0, K.CondBranch19PCRel: 0x00FFFFE0,
    K.LDRLiteral19: 0x00FFFFE0, K.ADRLiteral21: 0x60FFFFE0, K.Page21: 0x60FFFFE0,
    K.Page21NC: 0x60FFFFE0, K.PageOffset12: 0x003FFC00, K.MoveWide16: 0x001FFFE0,
    K.MoveWide16Checked: 0x001FFFE0, K.GotPageOffset15: 0x003FFC00,
}


def _adr_imm(word: int) -> int:
    return sext(((word >> 5) & 0x7FFFF) << 2 | (word >> 29) & 3, 21)


def decoded(kind: EdgeKind, word: int, w: Word) -> int:
    """What the CPU adds / loads from the patched field."""
    if kind in (K.Branch26PCRel, K.Branch26PCRelToPtrJumpStubBypassable):
        return sext(word, 26) * 4
    if kind == K.TestAndBranch14PCRel:
        return sext(word >> 5, 14) * 4
    if kind in (K.CondBranch19PCRel, K.LDRLiteral19):
        return sext(word >> 5, 19) * 4
    if kind == K.ADRLiteral21:
        return _adr_imm(word)
    if kind in (K.Page21, K.Page21NC):
        return _adr_imm(word) * 4096
    if kind == K.PageOffset12:
        return ((word >> 10) & 0xFFF) << w.scale
    if kind in (K.MoveWide16, K.MoveWide16Checked):
        return ((word >> 5) & 0xFFFF) << (16 * w.hw)
    assert kind == K.GotPageOffset15
    return ((word >> 10) & 0xFFF) << 3


def expected_decoded(kind: EdgeKind, x: int, w: Word) -> int:
    if kind == K.Page21NC:
        return sext(x >> 12, 21) * 4096                       # bits [32:12] of X
    if kind in (K.MoveWide16, K.MoveWide16Checked):
        shift = 16 * w.hw
        return (((x % TWO64) >> shift) & 0xFFFF) << shift    # the hw'th 16-bit slice
    return x


MD = capstone.Cs(capstone.CS_ARCH_ARM64, capstone.CS_MODE_ARM)
MD.detail = True


def disasm(word: int, address: int) -> capstone.CsInsn:
    (insn,) = MD.disasm(struct.pack("<I", word), address)
    return insn


def capstone_view(kind: EdgeKind, word: int, p: int) -> int:
    """capstone's reading of the patched field, in the terms of ``decoded``."""
    insn = disasm(word, p)
    last = insn.operands[-1]
    if kind == K.PageOffset12 and last.type == cs_arm64.ARM64_OP_MEM:
        return last.mem.disp
    if kind == K.GotPageOffset15:
        assert last.type == cs_arm64.ARM64_OP_MEM
        return last.mem.disp
    assert last.type == cs_arm64.ARM64_OP_IMM, (insn.mnemonic, insn.op_str)
    if kind in (K.PageOffset12, K.MoveWide16, K.MoveWide16Checked):
        shift = last.shift.value if last.shift.type == cs_arm64.ARM64_SFT_LSL else 0
        return (last.imm << shift) % TWO64  # capstone shows a MOVZ alias as a signed mov
    if kind in (K.Page21, K.Page21NC):
        return (last.imm - page(p)) % TWO64           # ADRP: capstone shows the page
    return (last.imm - p) % TWO64                     # branch / literal / ADR target


# ----------------------------------------------------------------------------- graph helpers


def _graph(name: str = "fixups.o") -> LinkGraph:
    return LinkGraph(name, "aarch64", 8, "little", edge_kind_name)


def _setup(kind: EdgeKind, s: int, a: int, p: int, got: int = 0x8000_0000,
           word: int | None = None) -> tuple[LinkGraph, Block, Edge]:
    """One 24-byte .text block at ``p - 8`` holding ``word`` (or FILL) at offset 8, an edge
    there to the absolute symbol ``foo`` at ``s``, and a GOT whose base is at ``got``."""
    graph = _graph()
    text = graph.create_section(".text", RX)
    content = bytearray([FILL]) * 24
    if word is not None:
        struct.pack_into("<I", content, FIELD_OFFSET, word)
    block = graph.create_content_block(text, content, address=p - FIELD_OFFSET, alignment=4)
    got_sec = graph.create_section(GOT_SECTION, MemProt.READ)
    got_block = graph.create_content_block(got_sec, bytes(8), address=got, alignment=8)
    graph.add_defined_symbol(got_block, 0, GOT_BASE_NAME, 0, Linkage.STRONG, Scope.LOCAL)
    target = graph.add_absolute_symbol("foo", s, scope=Scope.DEFAULT)
    edge = block.add_edge(kind, FIELD_OFFSET, target, a)
    return graph, block, edge


def check_data(kind: EdgeKind, s: int, a: int, p: int) -> None:
    fn, width, accepted = DATA[kind]
    graph, block, edge = _setup(kind, s, a, p)
    before = bytes(block.content)
    value = s64(fn(s, a, p))
    if accepted is None or accepted[0] <= value < accepted[1]:
        apply_fixup(graph, block, edge)
        field = (value % (1 << (8 * width))).to_bytes(width, "little")
        assert bytes(block.content) == before[:8] + field + before[8 + width:], hex(value)
    else:
        with pytest.raises(FixupOutOfRange) as info:
            apply_fixup(graph, block, edge)
        assert (info.value.value, info.value.kind) == (value, kind.name)
        assert bytes(block.content) == before


def check_instruction(kind: EdgeKind, w: Word, s: int, a: int, p: int,
                      got: int = 0x8000_0000) -> bool:
    """Apply one instruction fixup; compare with the oracle. True if it was applied."""
    graph, block, edge = _setup(kind, s, a, p, got, w.word)
    before = bytes(block.content)
    x = s64(formula(kind, s, a, p, got))
    if not accepts(kind, x, w):
        with pytest.raises(FixupOutOfRange) as info:
            apply_fixup(graph, block, edge)
        err = info.value
        assert (err.value, err.kind, err.target, err.section) == (x, kind.name, "foo", ".text")
        assert (err.offset, err.address, err.file) == (FIELD_OFFSET, p, "fixups.o")
        assert bytes(block.content) == before  # never writes a truncated value
        return False
    apply_fixup(graph, block, edge)
    after = bytes(block.content)
    assert after[:8] + after[12:] == before[:8] + before[12:]
    (new,) = struct.unpack_from("<I", after, 8)
    mask = FIELD_MASK[kind]
    assert new & ~mask == w.word & ~mask, f"{new:#010x} changed bits outside the field"
    want = expected_decoded(kind, x, w)
    assert decoded(kind, new, w) == want, (kind.name, w.asm, hex(x))
    assert capstone_view(kind, new, p) == want % TWO64, (kind.name, w.asm, hex(x))
    return True


# ----------------------------------------------------------------------------- data kinds

ADDRESS = st.integers(0, TWO64 - 1)
PLACE = st.integers(FIELD_OFFSET // 4, (TWO64 - 32) // 4).map(lambda q: 4 * q)
ADDEND = st.one_of(st.integers(-(1 << 63), (1 << 63) - 1), st.integers(-(1 << 33), 1 << 33),
                   st.integers(-300, 300))
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.filter_too_much])


@pytest.mark.parametrize("kind", list(DATA), ids=lambda k: k.name)
@SETTINGS
@given(s=ADDRESS, a=ADDEND, p=PLACE)
def test_data_fixup_matches_aaelf64_formula_random(kind: EdgeKind, s: int, a: int,
                                                   p: int) -> None:
    check_data(kind, s, a, p)


def _data_boundaries() -> list[tuple[EdgeKind, int, bool]]:
    cases = []
    for kind, (_, _, accepted) in DATA.items():
        if accepted is not None:
            lo, hi = accepted
            cases += [(kind, lo, True), (kind, hi - 1, True), (kind, lo - 1, False),
                      (kind, hi, False)]
    return cases


@pytest.mark.parametrize("kind,value,fits", _data_boundaries(),
                         ids=[f"{k.name}-{v:#x}-{'fits' if f else 'overflows'}"
                              for k, v, f in _data_boundaries()])
@pytest.mark.parametrize("addend", [0, -4, 0x1000])
def test_data_fixup_boundaries(kind: EdgeKind, value: int, fits: bool, addend: int) -> None:
    p = 0x4000_0000_0000
    if kind in (K.Pointer32, K.Pointer16):
        s = value - addend
    elif kind == K.NegDelta32:
        s = p + addend - value
    else:
        s = value - addend + p
    fn, width, _ = DATA[kind]
    assert fn(s, addend, p) == value
    graph, block, edge = _setup(kind, s, addend, p)
    if fits:
        apply_fixup(graph, block, edge)
        field = bytes(block.content[FIELD_OFFSET:FIELD_OFFSET + width])
        assert field == (value % (1 << 8 * width)).to_bytes(width, "little")
    else:
        with pytest.raises(FixupOutOfRange) as info:
            apply_fixup(graph, block, edge)
        assert info.value.value == value


def test_abs32_and_prel32_accept_signed_and_unsigned_halves() -> None:
    # AAELF64: "-2**31 <= X < 2**32" -- a narrow value may be read as signed or unsigned.
    for kind, s, a, p, field in ((K.Pointer32, 0xFFFF_FFFF, 0, 0x1008, "ffffffff"),
                                 (K.Pointer32, 0x1000, -0x1000 - (1 << 31), 0x1008, "00000080"),
                                 (K.Delta32, 0x1008 + 0xFFFF_FFFF, 0, 0x1008, "ffffffff"),
                                 (K.Delta32, 0x1000, 0, 0x1000 + (1 << 31), "00000080"),
                                 (K.Pointer16, 0xFFFF, 0, 0x1008, "ffff"),
                                 (K.Delta16, 0x1008 - 0x8000, 0, 0x1008, "0080")):
        graph, block, edge = _setup(kind, s, a, p)
        apply_fixup(graph, block, edge)
        assert block.content[8:8 + len(field) // 2].hex() == field, kind.name


@pytest.mark.parametrize("kind,s,a,fits", [
    # S + A past 2**64 is small again; an address in the top half is a negative number.
    (K.Pointer32, TWO64 - 0x10, 0x20, True),
    (K.Pointer32, 0xFFFF_FFFF_8000_0000, 0, True),
    (K.Pointer32, 0xFFFF_FFFF_7FFF_FFFF, 0, False),
    (K.Pointer16, 0xFFFF_FFFF_FFFF_8000, 0, True),
    (K.Pointer16, 0xFFFF_FFFF_FFFF_7FFF, 0, False),
])
def test_ranges_view_the_result_as_signed_64_bit(kind: EdgeKind, s: int, a: int,
                                                 fits: bool) -> None:
    graph, block, edge = _setup(kind, s, a, 0x1008)
    if fits:
        apply_fixup(graph, block, edge)
        width = DATA[kind][1]
        assert bytes(block.content[8:8 + width]) == ((s + a) % (1 << 8 * width)).to_bytes(
            width, "little")
    else:
        with pytest.raises(FixupOutOfRange) as info:
            apply_fixup(graph, block, edge)
        assert info.value.value == s64(s + a)


def test_sixty_four_bit_kinds_wrap_modulo_2_64() -> None:
    graph, block, edge = _setup(K.Delta64, 0x1000, 0, 0x3008)
    apply_fixup(graph, block, edge)
    assert bytes(block.content[8:16]) == (-0x2008 % TWO64).to_bytes(8, "little")
    graph, block, edge = _setup(K.Pointer64, TWO64 - 1, 1, 0x1008)
    apply_fixup(graph, block, edge)
    assert bytes(block.content[8:16]) == bytes(8)


# ----------------------------------------------------------------------------- instructions

INSTRUCTION_CASES = [(k, w) for k, ws in ACCEPTS.items() for w in ws]
CASE_IDS = [f"{k.name}-{w.asm}" for k, w in INSTRUCTION_CASES]


@pytest.mark.parametrize("kind,w", INSTRUCTION_CASES, ids=CASE_IDS)
@SETTINGS
@given(s=ADDRESS, a=ADDEND, p=PLACE, got=ADDRESS)
def test_instruction_fixup_matches_aaelf64_random(kind: EdgeKind, w: Word, s: int, a: int,
                                                  p: int, got: int) -> None:
    check_instruction(kind, w, s, a, p, got)


# [lo, hi) of X per kind, for drawing values near the limits (the scale drawn off-grid too).
LIMITS = {
    K.Branch26PCRel: (-(1 << 27), 1 << 27), K.Branch26PCRelToPtrJumpStubBypassable:
    (-(1 << 27), 1 << 27), K.TestAndBranch14PCRel: (-(1 << 15), 1 << 15),
    K.CondBranch19PCRel: (-(1 << 20), 1 << 20), K.LDRLiteral19: (-(1 << 20), 1 << 20),
    K.ADRLiteral21: (-(1 << 20), 1 << 20), K.Page21: (-(1 << 32), 1 << 32),
    K.Page21NC: (-(1 << 34), 1 << 34), K.PageOffset12: (0, 1 << 12),
    K.MoveWide16: (-(1 << 20), 1 << 50), K.MoveWide16Checked: (0, 1 << 16),
    K.GotPageOffset15: (0, 1 << 15),
}


def solve(kind: EdgeKind, x: int, a: int, p: int, got: int, low: int, w: Word) -> int:
    """An S for which ``formula`` yields ``x`` (``low`` fills free low bits of S + A)."""
    if kind in (K.Page21, K.Page21NC):
        return page(p) + page(x) + (low & 0xFFF) - a
    if kind == K.PageOffset12:
        return (low & ~0xFFF) + x - a
    if kind in (K.MoveWide16, K.MoveWide16Checked):
        return x - a
    if kind == K.GotPageOffset15:
        return x - a + page(got)
    return x - a + p


@pytest.mark.parametrize("kind,w", INSTRUCTION_CASES, ids=CASE_IDS)
@SETTINGS
@given(data=st.data(), a=ADDEND, p=PLACE, got=ADDRESS, low=ADDRESS)
def test_instruction_fixup_near_field_limits(kind: EdgeKind, w: Word, data: st.DataObject,
                                             a: int, p: int, got: int, low: int) -> None:
    lo, hi = LIMITS[kind]
    if kind == K.MoveWide16Checked:
        hi = 1 << (16 * (w.hw + 1))
    x = data.draw(st.one_of(st.integers(lo - 9, lo + 9), st.integers(hi - 9, hi + 9),
                            st.integers(lo - 9, hi + 9)))
    if kind in (K.Page21, K.Page21NC):
        x = page(x)
    elif kind == K.PageOffset12:
        x &= 0xFFF  # the low 12 bits of S + A: every value is possible, none overflows
    s = solve(kind, x, a, p, got, low, w)
    assume(0 <= s < TWO64)
    assert formula(kind, s, a, p, got) == x
    check_instruction(kind, w, s, a, p, got)


# Exact boundaries: (kind, word, X, fits).
BOUNDARIES = [
    (K.Branch26PCRel, "bl #0", -(1 << 27), True), (K.Branch26PCRel, "bl #0", (1 << 27) - 4, True),
    (K.Branch26PCRel, "b #0", 1 << 27, False), (K.Branch26PCRel, "b #0", -(1 << 27) - 4, False),
    (K.Branch26PCRel, "bl #0", 2, False),
    (K.Branch26PCRelToPtrJumpStubBypassable, "bl #0", (1 << 27) - 4, True),
    (K.Branch26PCRelToPtrJumpStubBypassable, "bl #0", 1 << 27, False),
    (K.TestAndBranch14PCRel, "tbz w0, #3, #0", -(1 << 15), True),
    (K.TestAndBranch14PCRel, "tbz w0, #3, #0", (1 << 15) - 4, True),
    (K.TestAndBranch14PCRel, "tbz w0, #3, #0", 1 << 15, False),
    (K.TestAndBranch14PCRel, "tbnz w5, #31, #0", -(1 << 15) - 4, False),
    (K.CondBranch19PCRel, "b.ne #0", -(1 << 20), True),
    (K.CondBranch19PCRel, "cbz x0, #0", (1 << 20) - 4, True),
    (K.CondBranch19PCRel, "b.eq #0", 1 << 20, False),
    (K.CondBranch19PCRel, "cbnz w1, #0", -(1 << 20) - 4, False),
    (K.CondBranch19PCRel, "b.eq #0", 6, False),
    (K.LDRLiteral19, "ldr x0, #0", -(1 << 20), True),
    (K.LDRLiteral19, "ldr x0, #0", (1 << 20) - 4, True),
    (K.LDRLiteral19, "ldr w1, #0", 1 << 20, False),
    (K.LDRLiteral19, "ldr x0, #0", -(1 << 20) - 4, False),
    (K.LDRLiteral19, "ldr x0, #0", 1, False),
    (K.ADRLiteral21, "adr x0, #0", -(1 << 20), True),
    (K.ADRLiteral21, "adr x0, #0", (1 << 20) - 1, True),
    (K.ADRLiteral21, "adr x0, #0", 1 << 20, False),
    (K.ADRLiteral21, "adr x0, #0", -(1 << 20) - 1, False),
    (K.Page21, "adrp x0, #0", -(1 << 32), True),
    (K.Page21, "adrp x0, #0", (1 << 32) - 4096, True),
    (K.Page21, "adrp x0, #0", 1 << 32, False),
    (K.Page21, "adrp x0, #0", -(1 << 32) - 4096, False),
    (K.Page21NC, "adrp x0, #0", 1 << 32, True),
    (K.Page21NC, "adrp x0, #0", -(1 << 33) - 4096, True),
    (K.PageOffset12, "ldrh w4, [x3]", 0xFFE, True),
    (K.PageOffset12, "ldrh w4, [x3]", 0xFFF, False),
    (K.PageOffset12, "ldr w4, [x3]", 0xFFC, True),
    (K.PageOffset12, "ldr w4, [x3]", 0xFFE, False),
    (K.PageOffset12, "ldr x4, [x3]", 0xFF8, True),
    (K.PageOffset12, "ldr x4, [x3]", 0xFFC, False),
    (K.PageOffset12, "ldr q4, [x3]", 0xFF0, True),
    (K.PageOffset12, "str q4, [x3]", 0xFF8, False),
    (K.PageOffset12, "ldrb w4, [x3]", 0xFFF, True),
    (K.PageOffset12, "add x0, x1, #0", 0xFFF, True),
    (K.MoveWide16Checked, "movz x5, #0", 0xFFFF, True),
    (K.MoveWide16Checked, "movz x5, #0", 0x10000, False),
    (K.MoveWide16Checked, "movz x5, #0", -1, False),
    (K.MoveWide16Checked, "movk x5, #0, lsl #16", (1 << 32) - 1, True),
    (K.MoveWide16Checked, "movk x5, #0, lsl #16", 1 << 32, False),
    (K.MoveWide16Checked, "movk x5, #0, lsl #32", (1 << 48) - 1, True),
    (K.MoveWide16Checked, "movk x5, #0, lsl #32", 1 << 48, False),
    (K.MoveWide16, "movz x5, #0", 0x10000, True),
    (K.MoveWide16, "movz x5, #0", -1, True),
    (K.MoveWide16, "movk x5, #0, lsl #48", -1, True),
    (K.GotPageOffset15, "ldr x4, [x3]", 0, True),
    (K.GotPageOffset15, "ldr x4, [x3]", (1 << 15) - 8, True),
    (K.GotPageOffset15, "ldr x4, [x3]", 1 << 15, False),
    (K.GotPageOffset15, "ldr x4, [x3]", -8, False),
    (K.GotPageOffset15, "ldr x16, [x16]", 4, False),
]


@pytest.mark.parametrize("kind,asm,x,fits", BOUNDARIES,
                         ids=[f"{k.name}-{v:#x}-{'fits' if f else 'out'}"
                              for k, _, v, f in BOUNDARIES])
@pytest.mark.parametrize("addend", [0, -8, 0x2000])
def test_instruction_fixup_boundaries(kind: EdgeKind, asm: str, x: int, fits: bool,
                                      addend: int) -> None:
    w = W[asm]
    p = 0x4000_0000_1234 & ~3
    got = 0x4000_1000_0ABC
    s = solve(kind, x, addend, p, got, 0x123, w)
    assert formula(kind, s, addend, p, got) == x
    assert accepts(kind, x, w) == fits
    assert check_instruction(kind, w, s, addend, p, got) == fits


# ----------------------------------------------------------------------------- mismatches

MISMATCH_CASES = [(k, w) for k, ws in REFUSES.items() for w in ws]


@pytest.mark.parametrize("kind,w", MISMATCH_CASES,
                         ids=[f"{k.name}-{w.asm}" for k, w in MISMATCH_CASES])
def test_instruction_mismatch_is_refused(kind: EdgeKind, w: Word) -> None:
    graph, block, edge = _setup(kind, 0x10000, 0, 0x10008, word=w.word)
    before = bytes(block.content)
    with pytest.raises(InstructionMismatch) as info:
        apply_fixup(graph, block, edge)
    text = str(info.value)
    assert info.value.file == "fixups.o"
    assert kind.name in text and ".text+0x8" in text and "foo" in text
    assert f"{w.word:#010x}" in text
    assert bytes(block.content) == before


def test_mismatch_names_offset_within_section() -> None:
    graph = _graph("obj.o")
    text = graph.create_section(".text.hot", RX)
    graph.create_content_block(text, bytes(0x40), address=0x20000)
    second = graph.create_content_block(text, struct.pack("<II", W["ret"].word, W["nop"].word),
                                        address=0x20040)
    target = graph.add_absolute_symbol("callee", 0x20100, scope=Scope.DEFAULT)
    edge = second.add_edge(K.Branch26PCRel, 4, target, 0)
    with pytest.raises(InstructionMismatch) as info:
        apply_fixup(graph, second, edge)
    text_ = str(info.value)
    assert ".text.hot+0x44" in text_ and "0x20044" in text_ and "0xd503201f" in text_
    assert "Branch26PCRel" in text_ and "callee" in text_ and "B or BL" in text_


@pytest.mark.parametrize("kind", GOT_REQUESTS, ids=lambda k: k.name)
def test_unlowered_got_requests_are_refused(kind: EdgeKind) -> None:
    graph, block, edge = _setup(kind, 0x2000, 0, 0x1008, word=W["adrp x0, #0"].word)
    before = bytes(block.content)
    with pytest.raises(JITLinkError, match=kind.name):
        apply_fixup(graph, block, edge)
    assert bytes(block.content) == before


def test_unknown_edge_kind_is_refused() -> None:
    graph, block, edge = _setup(K.Pointer64, 0x2000, 0, 0x1008)
    edge.kind = 999
    with pytest.raises(JITLinkError, match="999"):
        apply_fixup(graph, block, edge)


def test_out_of_range_message_names_section_offset_kind_target_value() -> None:
    graph = _graph("obj.o")
    text = graph.create_section(".text", RX)
    graph.create_content_block(text, bytes(0x100), address=0x10000)
    second = graph.create_content_block(text, struct.pack("<II", 0, W["b.eq #0"].word),
                                        address=0x10100)
    target = graph.add_absolute_symbol("far_away", 0x10104 + (1 << 20), scope=Scope.DEFAULT)
    edge = second.add_edge(K.CondBranch19PCRel, 4, target, 0)
    with pytest.raises(FixupOutOfRange) as info:
        apply_fixup(graph, second, edge)
    err = info.value
    assert err.file == "obj.o"
    assert (err.section, err.offset, err.address, err.kind, err.target, err.value) == (
        ".text", 0x104, 0x10104, "CondBranch19PCRel", "far_away", 1 << 20)
    assert "0x100000" in str(err) and "CondBranch19PCRel" in str(err)


def test_got_page_offset_needs_a_got() -> None:
    graph = _graph()
    text = graph.create_section(".text", RX)
    block = graph.create_content_block(text, struct.pack("<I", W["ldr x4, [x3]"].word),
                                       address=0x1000)
    edge = block.add_edge(K.GotPageOffset15, 0, graph.add_absolute_symbol("e", 0x2000), 0)
    with pytest.raises(JITLinkError, match="GOT"):
        apply_fixup(graph, block, edge)


# ----------------------------------------------------------------------------- GOT and stubs


def _layout(graph: LinkGraph, bases: dict[str, int]) -> None:
    """Allocate as a memory manager would: consecutive aligned addresses from each section's
    base (blocks in address order), and writable working memory for every block."""
    for name, section in graph.sections.items():
        address = bases[name]
        for block in sorted(section.blocks, key=lambda b: b.address):
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


def _code_graph(code: list[int], edges: list[tuple[EdgeKind, int, str, int]],
                defined: dict[str, int] | None = None) -> tuple[LinkGraph, Block, dict]:
    """A graph with one .text block of instruction words and edges to externals / .data
    definitions (``defined`` maps a name to its pre-layout offset)."""
    graph = _graph("code.o")
    text = graph.create_section(".text", RX)
    block = graph.create_content_block(text, struct.pack(f"<{len(code)}I", *code),
                                       alignment=4)
    graph.add_defined_symbol(block, 0, "main", 4 * len(code), Linkage.STRONG, Scope.DEFAULT,
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


def _insns(block: Block) -> list[capstone.CsInsn]:
    return list(MD.disasm(bytes(block.content), block.address))


def _imm(insn: capstone.CsInsn) -> int:
    last = insn.operands[-1]
    assert last.type == cs_arm64.ARM64_OP_IMM
    return last.imm


def _adrp_ldr_address(adrp: capstone.CsInsn, ldr: capstone.CsInsn) -> int:
    """The address an ``adrp xN, page; ldr xM, [xN, #off]`` pair loads from."""
    assert (adrp.mnemonic, ldr.mnemonic) == ("adrp", "ldr")
    mem = ldr.operands[-1]
    assert mem.type == cs_arm64.ARM64_OP_MEM and mem.mem.base == adrp.operands[0].reg
    return _imm(adrp) + mem.mem.disp


def test_one_got_entry_per_target_and_addend() -> None:
    code = [W["adrp x0, #0"].word, W["ldr x0, [x0]"].word, W["adrp x0, #0"].word,
            W["ldr x0, [x0]"].word, W["adrp x16, #0"].word, W["ldr x16, [x16]"].word]
    graph, block, syms = _code_graph(code, [
        (K.RequestGOTAndTransformToPage21, 0, "foo", 0),
        (K.RequestGOTAndTransformToPageOffset12, 4, "foo", 0),
        (K.RequestGOTAndTransformToPage21, 8, "foo", 16),
        (K.RequestGOTAndTransformToPageOffset12, 12, "foo", 16),
        (K.RequestGOTAndTransformToPage21, 16, "bar", 0),
        (K.RequestGOTAndTransformToPageOffset12, 20, "bar", 0),
    ])
    build_got_and_plt(graph)
    got = graph.sections[GOT_SECTION]
    assert len(got.blocks) == 3
    e = block.edges
    assert [x.kind for x in e] == [K.Page21, K.PageOffset12] * 3
    assert all(x.addend == 0 for x in e)  # the addend chose the entry: G(GDAT(S + A))
    assert e[0].target is e[1].target and e[2].target is e[3].target
    assert len({id(e[0].target), id(e[2].target), id(e[4].target)}) == 3
    for entry, name, addend in ((e[0].target, "foo", 0), (e[2].target, "foo", 16),
                                (e[4].target, "bar", 0)):
        assert entry.block.size == 8 and bytes(entry.block.content) == bytes(8)
        (pointer,) = entry.block.edges
        assert (pointer.kind, pointer.target, pointer.addend) == (K.Pointer64, syms[name],
                                                                  addend)
    _layout(graph, {".text": 0x10000, GOT_SECTION: 0x1234_5000})
    syms["foo"].absolute_address = 0x7F00_0000_1230
    syms["bar"].absolute_address = 0x7F00_0000_5678
    apply_fixups(graph, apply_fixup)
    insns = _insns(block)
    assert _read_u64(graph, _adrp_ldr_address(insns[0], insns[1])) == 0x7F00_0000_1230
    assert _read_u64(graph, _adrp_ldr_address(insns[2], insns[3])) == 0x7F00_0000_1240
    assert _read_u64(graph, _adrp_ldr_address(insns[4], insns[5])) == 0x7F00_0000_5678


def test_gotpage_lo15_with_global_offset_table_base() -> None:
    # -fpic: adrp x0, _GLOBAL_OFFSET_TABLE_; ldr x0, [x0, #:gotpage_lo15:foo]
    code = [W["adrp x0, #0"].word, W["ldr x0, [x0]"].word, W["ldr x0, [x0]"].word]
    graph, block, syms = _code_graph(code, [
        (K.Page21, 0, GOT_BASE_NAME, 0),
        (K.RequestGOTAndTransformToPageOffset15, 4, "foo", 0),
        (K.RequestGOTAndTransformToPageOffset15, 8, "bar", 0),
    ])
    build_got_and_plt(graph)
    assert GOT_BASE_NAME not in graph.external_symbols
    base = graph.find_symbol(GOT_BASE_NAME)
    assert base is not None and base.is_defined and base.block.section.name == GOT_SECTION
    assert block.edges[0].target is base
    assert [e.kind for e in block.edges] == [K.Page21, K.GotPageOffset15, K.GotPageOffset15]
    _layout(graph, {".text": 0x10000, GOT_SECTION: 0x4000_0FF0})
    assert base.address == 0x4000_0FF0  # GOT base at the start of the GOT
    syms["foo"].absolute_address = 0x1111_2222
    syms["bar"].absolute_address = 0x3333_4444
    apply_fixups(graph, apply_fixup)
    adrp, ldr1, ldr2 = _insns(block)
    assert _imm(adrp) == page(base.address)
    for ldr, value in ((ldr1, 0x1111_2222), (ldr2, 0x3333_4444)):
        slot = _imm(adrp) + ldr.operands[-1].mem.disp
        assert _read_u64(graph, slot) == value


def test_got_base_made_once_at_start_of_got() -> None:
    graph = _graph()
    section = graph.create_section(GOT_SECTION, MemProt.READ)
    graph.create_content_block(section, bytes(8), address=0x5008, alignment=8)
    graph.create_content_block(section, bytes(8), address=0x5000, alignment=8)
    base = got_base(graph)
    assert (base.name, base.address) == (GOT_BASE_NAME, 0x5000)
    assert got_base(graph) is base


def test_got_literal_load_tiny_model() -> None:
    # -mcmodel=tiny: ldr x0, :got:foo (GOT_LD_PREL19) reads the GOT entry PC-relatively.
    graph, block, syms = _code_graph([W["ldr x0, #0"].word], [
        (K.RequestGOTAndTransformToLDRLiteral19, 0, "foo", 0)])
    build_got_and_plt(graph)
    assert block.edges[0].kind == K.LDRLiteral19
    _layout(graph, {".text": 0x10000, GOT_SECTION: 0x20000})
    syms["foo"].absolute_address = 0xDEAD_BEEF_0000
    apply_fixups(graph, apply_fixup)
    (ldr,) = _insns(block)
    assert _read_u64(graph, _imm(ldr)) == 0xDEAD_BEEF_0000


def _stub_destination(graph: LinkGraph, address: int) -> int:
    """Where the stub at ``address`` jumps: decode adrp/ldr/br x16, read the slot."""
    (stub,) = [b for b in graph.sections[STUBS_SECTION].blocks if b.address == address]
    adrp, ldr, br = _insns(stub)
    assert [adrp.op_str.split(",")[0], ldr.op_str.split(",")[0], br.op_str] == ["x16"] * 3
    assert br.mnemonic == "br"
    return _read_u64(graph, _adrp_ldr_address(adrp, ldr))


def test_external_call_gets_stub_local_call_stays_direct() -> None:
    code = [W["bl #0"].word, W["bl #0"].word, W["b #0"].word, W["bl #0"].word]
    graph, block, syms = _code_graph(code, [
        (K.Branch26PCRel, 0, "ext", 0),
        (K.Branch26PCRel, 4, "ext", 0),
        (K.Branch26PCRel, 8, "ext", 0),
        (K.Branch26PCRel, 12, "local", 0),
    ], defined={"local": 0})
    build_got_and_plt(graph)
    (stub,) = graph.sections[STUBS_SECTION].blocks
    assert bytes(stub.content) == POINTER_JUMP_STUB
    assert [i.mnemonic + " " + i.op_str for i in MD.disasm(POINTER_JUMP_STUB, 0)] == [
        "adrp x16, #0", "ldr x16, [x16]", "br x16"]
    e = block.edges
    assert [x.kind for x in e[:3]] == [K.Branch26PCRelToPtrJumpStubBypassable] * 3
    assert e[0].target is e[1].target is e[2].target and e[0].target.block is stub
    assert (e[3].kind, e[3].target) == (K.Branch26PCRel, syms["local"])
    page_edge, off_edge = stub.edges
    assert (page_edge.kind, page_edge.offset, off_edge.kind, off_edge.offset) == (
        K.Page21, 0, K.PageOffset12, 4)
    entry = page_edge.target
    assert off_edge.target is entry and entry.block.section.name == GOT_SECTION
    assert entry.block.edges[0].target is syms["ext"]
    # A far external: the calls go through the stub, which reaches it through the GOT.
    _layout(graph, {".text": 0x10000, ".data": 0x11000, GOT_SECTION: 0x20000,
                    STUBS_SECTION: 0x30000})
    syms["ext"].absolute_address = 0x7F12_3456_0000
    optimize_got_and_stub_accesses(graph)
    apply_fixups(graph, apply_fixup)
    calls = _insns(block)
    assert [i.mnemonic for i in calls] == ["bl", "bl", "b", "bl"]
    assert _imm(calls[0]) == _imm(calls[1]) == _imm(calls[2]) == stub.address
    assert _imm(calls[3]) == syms["local"].address
    assert _stub_destination(graph, stub.address) == 0x7F12_3456_0000


@pytest.mark.parametrize("delta,bypassed", [
    ((1 << 27) - 4, True), (1 << 27, False), (-(1 << 27), True), (-(1 << 27) - 4, False),
    (2, False),
])
def test_stub_bypass_boundary(delta: int, bypassed: bool) -> None:
    graph, block, syms = _code_graph([W["bl #0"].word], [(K.Branch26PCRel, 0, "ext", 0)])
    build_got_and_plt(graph)
    text_base = 0x4000_0000_0000
    _layout(graph, {".text": text_base, GOT_SECTION: text_base + 0x10000,
                    STUBS_SECTION: text_base + 0x20000})
    syms["ext"].absolute_address = text_base + delta
    optimize_got_and_stub_accesses(graph)
    apply_fixups(graph, apply_fixup)
    (bl,) = _insns(block)
    (stub,) = graph.sections[STUBS_SECTION].blocks
    if bypassed:
        assert block.edges[0].kind == K.Branch26PCRel
        assert _imm(bl) == text_base + delta
    else:
        assert _imm(bl) == stub.address
        assert _stub_destination(graph, stub.address) == text_base + delta


def test_stub_with_addend_reaches_target_plus_addend() -> None:
    graph, block, syms = _code_graph([W["bl #0"].word, W["bl #0"].word],
                                     [(K.Branch26PCRel, 0, "ext", 8),
                                      (K.Branch26PCRel, 4, "ext", 0)])
    build_got_and_plt(graph)
    assert len(graph.sections[STUBS_SECTION].blocks) == 2
    _layout(graph, {".text": 0x10000, GOT_SECTION: 0x20000, STUBS_SECTION: 0x30000})
    syms["ext"].absolute_address = 0x7000_0000_0000
    optimize_got_and_stub_accesses(graph)
    apply_fixups(graph, apply_fixup)
    first, second = _insns(block)
    assert _stub_destination(graph, _imm(first)) == 0x7000_0000_0008
    assert _stub_destination(graph, _imm(second)) == 0x7000_0000_0000
    # Near, the call goes straight to S + A.
    syms["ext"].absolute_address = 0x10100
    graph2, block2, syms2 = _code_graph([W["bl #0"].word], [(K.Branch26PCRel, 0, "ext", 8)])
    build_got_and_plt(graph2)
    _layout(graph2, {".text": 0x10000, GOT_SECTION: 0x20000, STUBS_SECTION: 0x30000})
    syms2["ext"].absolute_address = 0x10100
    optimize_got_and_stub_accesses(graph2)
    apply_fixups(graph2, apply_fixup)
    (bl,) = _insns(block2)
    assert _imm(bl) == 0x10108


def test_call_to_unresolved_weak_branches_to_next_instruction() -> None:
    # AAELF64: without dynamic pre-emption, a CALL26 to an unresolved weak reference is a
    # branch to the next instruction.
    graph, block, _ = _code_graph([W["bl #0"].word, W["ret"].word], [])
    weak = graph.add_external_symbol("maybe", weakly_referenced=True)
    block.add_edge(K.Branch26PCRel, 0, weak, 0)
    build_got_and_plt(graph)
    _layout(graph, {".text": 0x4000_0000, GOT_SECTION: 0x20000, STUBS_SECTION: 0x30000})
    weak.absolute_address = 0
    optimize_got_and_stub_accesses(graph)
    apply_fixups(graph, apply_fixup)
    bl, _ = _insns(block)
    assert _imm(bl) == block.address + 4


def test_call_to_null_strong_external_keeps_stub() -> None:
    # -phony-externals resolves names to 0: the call stays on the stub (a null jump), as the
    # x86-64 PLT does.
    graph, block, syms = _code_graph([W["bl #0"].word], [(K.Branch26PCRel, 0, "ext", 0)])
    build_got_and_plt(graph)
    _layout(graph, {".text": 0x10000, GOT_SECTION: 0x20000, STUBS_SECTION: 0x30000})
    syms["ext"].absolute_address = 0
    optimize_got_and_stub_accesses(graph)
    apply_fixups(graph, apply_fixup)
    (bl,) = _insns(block)
    assert _stub_destination(graph, _imm(bl)) == 0


# ----------------------------------------------------------------------------- thread-local


class StandInTLS:
    """A TLSResolver with fixed answers: module 3, its image at ``image``, its block at
    ``block_tp_offset`` from TP (static) or nowhere static (``block_tp_offset`` None)."""

    RESOLVERS = (0x5000, 0x6000)

    def __init__(self, image: int, block_tp_offset: int | None) -> None:
        self.image = image
        self.block_tp_offset = block_tp_offset

    def module_id(self, address: int, name: str) -> int:
        return 3

    def dtp_offset(self, address: int, name: str) -> int:
        return address - self.image

    def tp_offset(self, address: int, name: str) -> int:
        assert self.block_tp_offset is not None
        return self.block_tp_offset + address - self.image

    def tlsdesc(self, address: int, name: str) -> tuple[int, int | None]:
        if self.block_tp_offset is None:
            return self.RESOLVERS[1], None
        return self.RESOLVERS[0], self.tp_offset(address, name)


def _tls_setup(kind: EdgeKind, tprel: int, a: int, word: int | None,
               static: bool = True) -> tuple[LinkGraph, Block, Edge]:
    """An edge whose target's TPREL(S) is ``tprel`` (TP = 0x10000 after a 16-byte TCB)."""
    from pyjitlink.jitlink.tls import set_tls_resolver

    image = 0x7000_0000
    graph, block, edge = _setup(kind, image + tprel - 16, a, 0x4000_1000, word=word)
    set_tls_resolver(graph, StandInTLS(image, 16 if static else None))
    return graph, block, edge


TLS_WORDS = {
    K.TPRelAddHi12: words("add x0, x1, #0, lsl #12"),
    K.TPRelAddLo12: words("add x0, x1, #0", "add w2, w3, #0"),
    K.TPRelAddLo12NC: words("add x0, x1, #0"),
    K.TPRelLoadStore12: LOAD_STORES,
    K.TPRelMoveWide16: words("movk x5, #0, lsl #16", "movk x5, #0, lsl #32", "movz x5, #0"),
    K.TPRelMoveWide16Checked: words("movz x5, #0", "movn x0, #0", "movz x5, #0, lsl #48"),
}


def _tls_accepts(kind: EdgeKind, x: int, w: Word) -> bool:
    """AAELF64's checks: TLSLE_ADD_TPREL_HI12 0 <= X < 2**24, _LO12 0 <= X < 2**12,
    MOVW_TPREL_Gn the signed slice range; LDSTn the datum's alignment."""
    if kind == K.TPRelAddHi12:
        return 0 <= x < 1 << 24
    if kind == K.TPRelAddLo12:
        return 0 <= x < 1 << 12
    if kind == K.TPRelLoadStore12:
        return x % (1 << w.scale) == 0
    if kind == K.TPRelMoveWide16Checked:
        return -(1 << 16 * (w.hw + 1)) <= x < 1 << 16 * (w.hw + 1)
    return True


@pytest.mark.parametrize("kind,w", [(k, w) for k, ws in TLS_WORDS.items() for w in ws],
                         ids=lambda v: v.name if isinstance(v, EdgeKind) else v.asm)
@SETTINGS
@given(x=st.one_of(st.integers(-(1 << 40), 1 << 40), st.integers(-0x3000, 1 << 25)),
       a=st.integers(-64, 64))
def test_tprel_instruction_fixups_match_aaelf64(kind: EdgeKind, w: Word, x: int,
                                                a: int) -> None:
    graph, block, edge = _tls_setup(kind, x - a, a, w.word)  # TPREL(S + A) = x
    before = bytes(block.content)
    if not _tls_accepts(kind, x, w):
        with pytest.raises(FixupOutOfRange) as info:
            apply_fixup(graph, block, edge)
        assert info.value.value == x and bytes(block.content) == before
        return
    apply_fixup(graph, block, edge)
    (new,) = struct.unpack_from("<I", block.content, FIELD_OFFSET)
    insn = disasm(new, 0x4000_1000)
    if kind == K.TPRelAddHi12:
        assert new & ~0x003FFC00 == w.word and (new >> 10) & 0xFFF == x >> 12
    elif kind in (K.TPRelAddLo12, K.TPRelAddLo12NC):
        assert new & ~0x003FFC00 == w.word and insn.operands[-1].imm == x & 0xFFF
    elif kind == K.TPRelLoadStore12:
        assert insn.operands[-1].mem.disp == x & 0xFFF
    else:
        shift = 16 * w.hw
        if kind == K.TPRelMoveWide16Checked and w.asm.startswith(("movz", "movn")):
            # MOVZ of the slice for X >= 0, MOVN of the slice of ~X for X < 0: either way
            # the register then holds X's slice sign-extended (capstone's mov alias).
            assert insn.mnemonic in ("mov", "movz", "movn")
            assert (new >> 29) & 3 == (2 if x >= 0 else 0)
            field = (new >> 5) & 0xFFFF
            assert field == ((x if x >= 0 else ~x) >> shift) & 0xFFFF
        else:
            assert new & ~0x001FFFE0 == w.word
            assert (new >> 5) & 0xFFFF == ((x % TWO64) >> shift) & 0xFFFF


@pytest.mark.parametrize("static", [True, False], ids=["static", "dynamic"])
def test_tls_data_words(static: bool) -> None:
    """DTPMOD64 = the module id, DTPREL64 = DTPREL(S+A), TPREL64 = TPREL(S+A), a
    descriptor's resolver and argument (TPREL for the static resolver; the address of the
    tls_index after it, P + 8, for the dynamic one); TLSDESC_CALL writes nothing."""
    tprel, a = 0x2468, 0x10
    expected = {K.DTPMod64: 3, K.DTPRel64: tprel - 16 + a, K.TPRel64: tprel + a,
                K.TLSDescFunction64: StandInTLS.RESOLVERS[0 if static else 1],
                K.TLSDescArgument64: tprel + a if static else 0x4000_1000 + 8}
    for kind in TLS_DATA:
        graph, block, edge = _tls_setup(kind, tprel, a, None, static)
        before = bytes(block.content)
        if kind == K.TPRel64 and not static:
            with pytest.raises(AssertionError):  # the stand-in has no static offset
                apply_fixup(graph, block, edge)
            continue
        apply_fixup(graph, block, edge)
        if kind == K.TLSDescCall:
            assert bytes(block.content) == before
            continue
        (value,) = struct.unpack_from("<Q", block.content, FIELD_OFFSET)
        assert value == expected[kind], kind.name


def test_tls_requests_lower_to_their_got_entries() -> None:
    """TLSDESC, TLSIE and TLSGD pairs become Page21/PageOffset12 edges to one GOT entry per
    kind of access: a descriptor {resolver, argument} + tls_index, {TPREL}, {module,
    DTPREL}; the entries sit in the GOT section (what got_addr searches)."""
    graph = _graph()
    text = graph.create_section(".text", RX)
    block = graph.create_content_block(text, bytes(4 * len(TLS_REQUESTS)), alignment=4)
    tv = graph.add_external_symbol("tv")
    for index, kind in enumerate(TLS_REQUESTS):
        block.add_edge(kind, 4 * index, tv, 0)
    build_got_and_plt(graph)
    entries = {}
    for edge, kind in zip(block.edges, TLS_REQUESTS):
        assert edge.kind == (K.Page21 if kind.name.endswith("Page21") else K.PageOffset12)
        assert edge.target.block.section.name == GOT_SECTION
        entries.setdefault(kind.name.split("And")[0], set()).add(edge.target.block)
    assert all(len(blocks) == 1 for blocks in entries.values())
    words_of = {name: [(e.offset, e.kind, e.target) for e in next(iter(b)).edges]
                for name, b in entries.items()}
    assert words_of == {
        "RequestTLSDesc": [(0, K.TLSDescFunction64, tv), (8, K.TLSDescArgument64, tv),
                           (16, K.DTPMod64, tv), (24, K.DTPRel64, tv)],
        "RequestGOTTPRel": [(0, K.TPRel64, tv)],
        "RequestTLSGD": [(0, K.DTPMod64, tv), (8, K.DTPRel64, tv)],
    }
