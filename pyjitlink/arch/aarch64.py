"""AArch64 edge kinds, their fixups, instruction field encoders, GOT and stub managers.

Semantics follow "ELF for the Arm 64-bit Architecture" (AAELF64), section "Relocation types",
for the formulas and overflow checks, and LLVM's llvm/ExecutionEngine/JITLink/aarch64.h for the
edge kind names. S is the target symbol's address, A the signed addend, P the fixup's address,
Page(x) is ``x & ~0xFFF``, GOT the graph's GOT base (``_GLOBAL_OFFSET_TABLE_``).

Every instruction fixup reads the 32-bit little-endian word first and checks that it is an
instruction the kind can patch (an ``InstructionClass``); a mismatch raises InstructionMismatch,
a value that does not fit (or is not aligned to what a scaled field can hold) raises
FixupOutOfRange, and nothing is written in either case. Fields are cleared before the value is
inserted: with RELA relocations the addend is in the relocation, never in the instruction.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum
from typing import cast

from pyjitlink.errors import FixupOutOfRange, InstructionMismatch, JITLinkError
from pyjitlink.jitlink.graph import (
    FIRST_RELOCATION,
    Block,
    Edge,
    GenericEdgeKind,
    Linkage,
    LinkGraph,
    MemProt,
    Scope,
    Symbol,
    SymbolKind,
    make_target_out_of_range_error,
)
from pyjitlink.jitlink.tables import TableManager
from pyjitlink.jitlink.tls import TLSValue, tls_resolver, tls_value

GOT_SECTION = "$__GOT"
STUBS_SECTION = "$__STUBS"
GOT_BASE_NAME = "_GLOBAL_OFFSET_TABLE_"

U64 = (1 << 64) - 1
PAGE_MASK = ~0xFFF


class EdgeKind(IntEnum):
    """AArch64 edge kinds. Each comment gives the fixup expression, field and accepted range.

    Ranges are AAELF64's: "[lo, hi)" means lo <= X < hi; a kind without one wraps modulo the
    field. Scaled fields (branches, literals, scaled load/store offsets) also need X to be a
    multiple of the scale, else FixupOutOfRange.
    """

    # S + A : 64 bits, wraps.
    Pointer64 = FIRST_RELOCATION
    # S + A : 32 bits, X in [-2**31, 2**32) (AAELF64 ABS32: a signed or an unsigned value;
    # LLVM's Pointer32 accepts only the unsigned half).
    Pointer32 = FIRST_RELOCATION + 1
    # S + A : 16 bits, X in [-2**15, 2**16) (ABS16).
    Pointer16 = FIRST_RELOCATION + 2
    # S + A - P : 64 bits, wraps.
    Delta64 = FIRST_RELOCATION + 3
    # S + A - P : 32 bits, X in [-2**31, 2**32) (AAELF64 PREL32, as lld checks it; LLVM's
    # Delta32 accepts only int32).
    Delta32 = FIRST_RELOCATION + 4
    # S + A - P : 16 bits, X in [-2**15, 2**16) (PREL16).
    Delta16 = FIRST_RELOCATION + 5
    # P - S + A : 64 bits, wraps.
    NegDelta64 = FIRST_RELOCATION + 6
    # P - S + A : int32. No relocation: the .eh_frame CIE pointer of an FDE.
    NegDelta32 = FIRST_RELOCATION + 7
    # B/BL: (S + A - P) >> 2 into imm26 [25:0]; X in [-2**27, 2**27), X % 4 == 0.
    Branch26PCRel = FIRST_RELOCATION + 8
    # As Branch26PCRel, S a jump stub the pre-fixup pass may bypass when the stub's final
    # target is in branch range.
    Branch26PCRelToPtrJumpStubBypassable = FIRST_RELOCATION + 9
    # TBZ/TBNZ: (S + A - P) >> 2 into imm14 [18:5]; X in [-2**15, 2**15), X % 4 == 0.
    TestAndBranch14PCRel = FIRST_RELOCATION + 10
    # B.cond/CBZ/CBNZ: (S + A - P) >> 2 into imm19 [23:5]; X in [-2**20, 2**20), X % 4 == 0.
    CondBranch19PCRel = FIRST_RELOCATION + 11
    # LDR (literal): (S + A - P) >> 2 into imm19 [23:5]; X in [-2**20, 2**20), X % 4 == 0.
    LDRLiteral19 = FIRST_RELOCATION + 12
    # ADR: S + A - P into immhi:immlo [23:5]:[30:29]; X in [-2**20, 2**20).
    ADRLiteral21 = FIRST_RELOCATION + 13
    # ADRP: (Page(S + A) - Page(P)) >> 12 into immhi:immlo; X in [-2**32, 2**32).
    Page21 = FIRST_RELOCATION + 14
    # As Page21 without the overflow check (ADR_PREL_PG_HI21_NC): bits [32:12] of X.
    Page21NC = FIRST_RELOCATION + 15
    # ADD (immediate) or LD/ST (unsigned immediate): ((S + A) & 0xFFF) >> scale into imm12
    # [21:10], scale = log2 of the access size the instruction encodes (0 for ADD); the low
    # 12 bits must be a multiple of the access size.
    PageOffset12 = FIRST_RELOCATION + 16
    # MOVZ/MOVK: ((S + A) >> 16*hw) & 0xFFFF into imm16 [20:5], hw from the instruction; no
    # check (the MOVW_UABS_Gn_NC forms and G3).
    MoveWide16 = FIRST_RELOCATION + 17
    # As MoveWide16, with MOVW_UABS_Gn's check: X in [0, 2**(16*(hw+1))).
    MoveWide16Checked = FIRST_RELOCATION + 18
    # LDR Xt (unsigned immediate): (S + A - Page(GOT)) >> 3 into imm12 [21:10], S a GOT entry;
    # X in [0, 2**15), X % 8 == 0 (LD64_GOTPAGE_LO15).
    GotPageOffset15 = FIRST_RELOCATION + 19
    # Become Page21 / PageOffset12 / GotPageOffset15 / Delta32 / LDRLiteral19 to the GOT entry
    # holding S + A (AAELF64's G(GDAT(S + A))): build_got_and_plt lowers them; apply_fixup
    # refuses them.
    RequestGOTAndTransformToPage21 = FIRST_RELOCATION + 20
    RequestGOTAndTransformToPageOffset12 = FIRST_RELOCATION + 21
    RequestGOTAndTransformToPageOffset15 = FIRST_RELOCATION + 22
    RequestGOTAndTransformToDelta32 = FIRST_RELOCATION + 23
    RequestGOTAndTransformToLDRLiteral19 = FIRST_RELOCATION + 24
    # Becomes Pointer64 to the GOT entry holding S + A: the entry's address itself (Mach-O
    # ARM64_RELOC_POINTER_TO_GOT in its 64-bit absolute form, ``.quad _sym@GOT``).
    RequestGOTAndTransformToPointer64 = FIRST_RELOCATION + 25
    # Thread-local storage (AAELF64 "Thread-local storage relocations"; "ELF Handling For
    # Thread-Local Storage" (Drepper) 3.4.1: variant I, TP points at a 16-byte TCB and the
    # static blocks follow it). S is the variable's image address; the platform's
    # TLSResolver (pyjitlink.jitlink.tls) gives TPREL(S) = S - TP, DTPREL(S) = S - (its
    # module's image start) and its module id.
    # ADD (immediate, LSL #12): TPREL(S + A) >> 12 into imm12; X in [0, 2**24)
    # (TLSLE_ADD_TPREL_HI12).
    TPRelAddHi12 = FIRST_RELOCATION + 26
    # ADD (immediate): TPREL(S + A) & 0xFFF into imm12; X in [0, 2**12) (ADD_TPREL_LO12).
    TPRelAddLo12 = FIRST_RELOCATION + 27
    # As TPRelAddLo12 without the check (TLSLE_ADD_TPREL_LO12_NC).
    TPRelAddLo12NC = FIRST_RELOCATION + 28
    # LD/ST (unsigned immediate): (TPREL(S + A) & 0xFFF) >> scale into imm12, scale the
    # access size (TLSLE_LDSTn_TPREL_LO12(_NC)); a multiple of the access size.
    TPRelLoadStore12 = FIRST_RELOCATION + 29
    # MOVZ/MOVK: (TPREL(S + A) >> 16*hw) & 0xFFFF into imm16 (TLSLE_MOVW_TPREL_Gn_NC, G2 of
    # a value that fits).
    TPRelMoveWide16 = FIRST_RELOCATION + 30
    # As TPRelMoveWide16 for MOVZ/MOVN with the TLSLE_MOVW_TPREL_Gn check: X in
    # [-2**(16*(hw+1)), 2**(16*(hw+1))); a negative X turns MOVZ into MOVN of ~X.
    TPRelMoveWide16Checked = FIRST_RELOCATION + 31
    DTPMod64 = FIRST_RELOCATION + 32  # M(S) : 64 bits (TLS_DTPMOD64, a tls_index's module)
    DTPRel64 = FIRST_RELOCATION + 33  # DTPREL(S + A) : 64 bits (TLS_DTPREL64)
    TPRel64 = FIRST_RELOCATION + 34  # TPREL(S + A) : 64 bits (TLS_TPREL64, an IE GOT entry)
    TLSDescFunction64 = FIRST_RELOCATION + 35  # a TLS descriptor's resolver : 64 bits
    # The descriptor's argument : 64 bits: TPREL(S + A) for the static resolver, else P + 8
    # (the tls_index {M(S), DTPREL(S)} that follows the descriptor).
    TLSDescArgument64 = FIRST_RELOCATION + 36
    TLSDescCall = FIRST_RELOCATION + 37  # TLSDESC_CALL: marks the BLR, writes nothing
    # Become Page21 / PageOffset12 to a GOT entry: a TLS descriptor {resolver, argument}
    # (TLSDESC_ADR_PAGE21, TLSDESC_LD64_LO12, TLSDESC_ADD_LO12: G(GTLSDESC(S + A))), the
    # IE entry holding TPREL(S + A) (TLSIE_ADR_GOTTPREL_PAGE21, TLSIE_LD64_GOTTPREL_LO12_NC:
    # G(GTPREL(S + A))), or a tls_index {M(S), DTPREL(S + A)} for __tls_get_addr
    # (TLSGD_ADR_PAGE21, TLSGD_ADD_LO12_NC: G(GTLSIDX(S + A))).
    RequestTLSDescAndTransformToPage21 = FIRST_RELOCATION + 38
    RequestTLSDescAndTransformToPageOffset12 = FIRST_RELOCATION + 39
    RequestGOTTPRelAndTransformToPage21 = FIRST_RELOCATION + 40
    RequestGOTTPRelAndTransformToPageOffset12 = FIRST_RELOCATION + 41
    RequestTLSGDAndTransformToPage21 = FIRST_RELOCATION + 42
    RequestTLSGDAndTransformToPageOffset12 = FIRST_RELOCATION + 43


def edge_kind_name(kind: int) -> str:
    try:
        return EdgeKind(kind).name
    except ValueError:
        return f"EdgeKind({kind})"


# ---------------------------------------------------------------------------- instructions


@dataclass(frozen=True, slots=True)
class InstructionClass:
    """Instruction words that match one of ``forms``: ``(mask, bits)``, ``word & mask == bits``.

    Encodings from the Arm A64 instruction set (Arm ARM, "A64 Instruction Set Encoding").
    """

    description: str
    forms: tuple[tuple[int, int], ...]

    def matches(self, word: int) -> bool:
        # A loop, not any() over a generator: this runs for every instruction relocation.
        for mask, bits in self.forms:  # noqa: SIM110
            if word & mask == bits:
                return True
        return False


def _cls(description: str, *forms: tuple[int, int]) -> InstructionClass:
    return InstructionClass(description, forms)


B_OR_BL = _cls("a B or BL", (0x7C000000, 0x14000000))
COND_BRANCH = _cls("a B.cond, CBZ or CBNZ", (0xFF000000, 0x54000000), (0x7E000000, 0x34000000))
TEST_BRANCH = _cls("a TBZ or TBNZ", (0x7E000000, 0x36000000))
LDR_LITERAL = _cls("an LDR (literal)", (0x3B000000, 0x18000000))
LDR_X_LITERAL = _cls("an LDR Xt (literal)", (0xFF000000, 0x58000000))
ADR = _cls("an ADR", (0x9F000000, 0x10000000))
ADRP = _cls("an ADRP", (0x9F000000, 0x90000000))
# ADD (immediate), 32 or 64 bits, unshifted immediate (sh = 0).
ADD_IMMEDIATE = _cls("an ADD (immediate)", (0x7FC00000, 0x11000000))
ADD_IMMEDIATE_LSL12 = _cls("an ADD (immediate) with LSL #12", (0x7FC00000, 0x11400000))
# BLR Xn: what a TLS descriptor call is.
BLR = _cls("a BLR", (0xFFFFFC1F, 0xD63F0000))
# MOVN/MOVZ/MOVK (opc 00, 10, 11), any hw.
MOV_WIDE_ANY = _cls("a MOVN, MOVZ or MOVK", (0x1F800000, 0x12800000))
# Load/store register (unsigned immediate): size [31:30], V [26], opc [23:22]. The access size
# is 1 << size, except V = 1, size = 0, opc<1> = 1: a 128-bit Q register.
LOAD_STORE = _cls("a load/store (unsigned immediate)", (0x3B000000, 0x39000000))
LOAD_STORE_8 = _cls("an 8-bit load/store (unsigned immediate)",
                    (0xFF000000, 0x39000000), (0xFF800000, 0x3D000000))
LOAD_STORE_16 = _cls("a 16-bit load/store (unsigned immediate)", (0xFB000000, 0x79000000))
LOAD_STORE_32 = _cls("a 32-bit load/store (unsigned immediate)", (0xFB000000, 0xB9000000))
LOAD_STORE_64 = _cls("a 64-bit load/store (unsigned immediate)", (0xFB000000, 0xF9000000))
LOAD_STORE_128 = _cls("a 128-bit load/store (unsigned immediate)", (0xFF800000, 0x3D800000))
LDR_X = _cls("an LDR Xt (unsigned immediate)", (0xFFC00000, 0xF9400000))
# MOVZ/MOVK (opc 1x) with hw = n; hw >= 2 only in the 64-bit form.
MOV_WIDE_G0 = _cls("a MOVZ or MOVK with LSL #0", (0x5FE00000, 0x52800000))
MOV_WIDE_G1 = _cls("a MOVZ or MOVK with LSL #16", (0x5FE00000, 0x52A00000))
MOV_WIDE_G2 = _cls("a 64-bit MOVZ or MOVK with LSL #32", (0xDFE00000, 0xD2C00000))
MOV_WIDE_G3 = _cls("a 64-bit MOVZ or MOVK with LSL #48", (0xDFE00000, 0xD2E00000))
MOV_WIDE = _cls("a MOVZ or MOVK", *MOV_WIDE_G0.forms, *MOV_WIDE_G1.forms, *MOV_WIDE_G2.forms,
                *MOV_WIDE_G3.forms)
PAGE_OFFSET_12 = _cls("an ADD (immediate) or a load/store (unsigned immediate)",
                      *ADD_IMMEDIATE.forms, *LOAD_STORE.forms)

# The instructions each instruction kind may patch.
KIND_INSTRUCTIONS: dict[EdgeKind, InstructionClass] = {
    EdgeKind.Branch26PCRel: B_OR_BL,
    EdgeKind.Branch26PCRelToPtrJumpStubBypassable: B_OR_BL,
    EdgeKind.TestAndBranch14PCRel: TEST_BRANCH,
    EdgeKind.CondBranch19PCRel: COND_BRANCH,
    EdgeKind.LDRLiteral19: LDR_LITERAL,
    EdgeKind.ADRLiteral21: ADR,
    EdgeKind.Page21: ADRP,
    EdgeKind.Page21NC: ADRP,
    EdgeKind.PageOffset12: PAGE_OFFSET_12,
    EdgeKind.MoveWide16: MOV_WIDE,
    EdgeKind.MoveWide16Checked: MOV_WIDE,
    EdgeKind.GotPageOffset15: LDR_X,
    EdgeKind.TPRelAddHi12: ADD_IMMEDIATE_LSL12,
    EdgeKind.TPRelAddLo12: ADD_IMMEDIATE,
    EdgeKind.TPRelAddLo12NC: ADD_IMMEDIATE,
    EdgeKind.TPRelLoadStore12: LOAD_STORE,
    EdgeKind.TPRelMoveWide16: MOV_WIDE_ANY,
    EdgeKind.TPRelMoveWide16Checked: MOV_WIDE_ANY,
}


def check_relocation_instruction(block: Block, offset: int, expected: InstructionClass,
                                 relocation: str, section: str, object_name: str) -> int:
    """The instruction word a relocation at ``offset`` bytes into ``block`` patches; raises
    InstructionMismatch naming ``relocation`` and ``section`` when there is no such word,
    it is not 4-byte aligned, or it is not one of ``expected`` (checked when a graph is
    built, so the message names the relocation rather than the edge kind)."""
    content = block.content
    word = struct.unpack_from("<I", content, offset)[0] if (
        content is not None and offset + 4 <= len(content)) else None
    if word is None or not expected.matches(word) or offset & 3:
        shown = "(none: the section has no bytes there)" if word is None else f"{word:#010x}"
        what = expected.description if offset & 3 == 0 else \
            f"{expected.description} (instructions are 4-byte aligned)"
        raise InstructionMismatch(
            f"{relocation} in section {section} at offset {offset:#x} applies to instruction "
            f"word {shown}, which is not {what}", object_name)
    return word


def load_store_scale(word: int) -> int:
    """log2 of the access size of a load/store (unsigned immediate); 0 for anything else."""
    if not LOAD_STORE.matches(word):
        return 0
    size = word >> 30
    if size == 0 and word & 0x04800000 == 0x04800000:  # V = 1, opc<1> = 1: Q register
        return 4
    return size


def mov_wide_shift(word: int) -> int:
    """The LSL amount (16 * hw) a MOVZ/MOVK encodes."""
    return 16 * ((word >> 21) & 3)


def _insert(word: int, lsb: int, width: int, value: int) -> int:
    mask = ((1 << width) - 1) << lsb
    return (word & ~mask) | ((value << lsb) & mask)


def encode_branch26(word: int, delta: int) -> int:
    return _insert(word, 0, 26, delta >> 2)


def encode_imm19(word: int, delta: int) -> int:
    """CondBranch19 / LDR literal: imm19 at [23:5] holds delta >> 2."""
    return _insert(word, 5, 19, delta >> 2)


def encode_imm14(word: int, delta: int) -> int:
    return _insert(word, 5, 14, delta >> 2)


def encode_adr_imm21(word: int, imm: int) -> int:
    """ADR/ADRP: immlo (2 bits) at [30:29], immhi (19 bits) at [23:5]."""
    return _insert(_insert(word, 29, 2, imm & 3), 5, 19, imm >> 2)


def encode_imm12(word: int, imm: int) -> int:
    return _insert(word, 10, 12, imm)


def encode_imm16(word: int, imm: int) -> int:
    return _insert(word, 5, 16, imm)


# ---------------------------------------------------------------------------- fixups


def _section_start(block: Block) -> int:
    blocks = block.section.blocks
    return min(b.address for b in blocks) if blocks else block.address


def _out_of_range(graph: LinkGraph, block: Block, edge: Edge, value: int) -> FixupOutOfRange:
    return make_target_out_of_range_error(graph, block, edge, value)


def _s64(value: int) -> int:
    """``value`` modulo 2**64 as a signed number: AAELF64 checks ranges on "the intermediate
    result viewed as a 64-bit signed integer" (S, A and P are 64-bit quantities)."""
    return ((value + (1 << 63)) & U64) - (1 << 63)


def _mismatch(graph: LinkGraph, block: Block, edge: Edge, word: int,
              expected: InstructionClass) -> InstructionMismatch:
    offset = block.address + edge.offset - _section_start(block)
    return InstructionMismatch(
        f"fixup {edge_kind_name(edge.kind)} at {block.section.name}+{offset:#x} (address "
        f"{block.address + edge.offset:#x}, target {edge.target.display_name()}) applies to "
        f"instruction word {word:#010x}, which is not {expected.description}", graph.name)


def find_got_base(graph: LinkGraph) -> Symbol | None:
    """The graph's ``_GLOBAL_OFFSET_TABLE_`` symbol in its GOT section, if there is one."""
    section = graph.sections.get(GOT_SECTION)
    if section is None:
        return None
    for sym in section.symbols:
        if sym.name == GOT_BASE_NAME:
            return sym
    return None


_DATA_FIELDS: dict[EdgeKind, tuple[int, int, str]] = {
    # kind -> accepted [lo, hi), struct format of the field (written modulo its width).
    EdgeKind.Pointer32: (-(1 << 31), 1 << 32, "<I"),
    EdgeKind.Pointer16: (-(1 << 15), 1 << 16, "<H"),
    EdgeKind.Delta32: (-(1 << 31), 1 << 32, "<I"),
    EdgeKind.Delta16: (-(1 << 15), 1 << 16, "<H"),
    EdgeKind.NegDelta32: (-(1 << 31), 1 << 31, "<I"),
}
_FIELD_MASK = {"<I": 0xFFFFFFFF, "<H": 0xFFFF}
# Branch-like kinds: (lo, hi) for X = S + A - P, and the encoder of X.
_PC_RELATIVE_INSTRUCTIONS = {
    EdgeKind.Branch26PCRel: (-(1 << 27), 1 << 27, encode_branch26),
    EdgeKind.Branch26PCRelToPtrJumpStubBypassable: (-(1 << 27), 1 << 27, encode_branch26),
    EdgeKind.TestAndBranch14PCRel: (-(1 << 15), 1 << 15, encode_imm14),
    EdgeKind.CondBranch19PCRel: (-(1 << 20), 1 << 20, encode_imm19),
    EdgeKind.LDRLiteral19: (-(1 << 20), 1 << 20, encode_imm19),
}


def apply_fixup(graph: LinkGraph, block: Block, edge: Edge) -> None:
    """Write ``edge``'s value into ``block``'s working memory.

    Raises InstructionMismatch when an instruction kind finds a word it cannot patch,
    FixupOutOfRange when the value does not fit its field or is not aligned to the field's
    scale, JITLinkError for a GOT request no pass lowered. Never writes on error.
    """
    kind = _EDGE_KINDS.get(edge.kind)  # EdgeKind(n), without the enum call's cost
    if kind is None:
        raise JITLinkError(f"unknown AArch64 edge kind {edge.kind} at {block.section.name}+"
                           f"{edge.offset:#x}", graph.name)
    content = block.content
    assert content is not None
    off = edge.offset
    p = block.address + off
    s = edge.target.address
    a = edge.addend
    match kind:
        case EdgeKind.Pointer64:
            struct.pack_into("<Q", content, off, (s + a) & U64)
            return
        case EdgeKind.Delta64:
            struct.pack_into("<Q", content, off, (s + a - p) & U64)
            return
        case EdgeKind.NegDelta64:
            struct.pack_into("<Q", content, off, (p - s + a) & U64)
            return
        case (EdgeKind.Pointer32 | EdgeKind.Pointer16 | EdgeKind.Delta32 | EdgeKind.Delta16
              | EdgeKind.NegDelta32):
            lo, hi, fmt = _DATA_FIELDS[kind]
            if kind == EdgeKind.NegDelta32:
                value = _s64(p - s + a)
            elif kind in (EdgeKind.Delta32, EdgeKind.Delta16):
                value = _s64(s + a - p)
            else:
                value = _s64(s + a)
            if not lo <= value < hi:
                raise _out_of_range(graph, block, edge, value)
            struct.pack_into(fmt, content, off, value & _FIELD_MASK[fmt])
            return
    if kind in _TLS_DATA_VALUES:
        _apply_tls_data_fixup(graph, block, edge, kind)
        return
    if kind == EdgeKind.TLSDescCall:
        return
    expected = KIND_INSTRUCTIONS.get(kind)
    if expected is None:  # a GOT request: build_got_and_plt lowers every one
        raise JITLinkError(f"edge kind {kind.name} at {block.section.name}+{edge.offset:#x} "
                           f"was not lowered before fixup", graph.name)
    (word,) = struct.unpack_from("<I", content, off)
    if not expected.matches(word):
        raise _mismatch(graph, block, edge, word, expected)
    match kind:
        case (EdgeKind.Branch26PCRel | EdgeKind.Branch26PCRelToPtrJumpStubBypassable
              | EdgeKind.TestAndBranch14PCRel | EdgeKind.CondBranch19PCRel
              | EdgeKind.LDRLiteral19):
            lo, hi, encode = _PC_RELATIVE_INSTRUCTIONS[kind]
            value = _s64(s + a - p)
            if not lo <= value < hi or value & 3:
                raise _out_of_range(graph, block, edge, value)
            word = encode(word, value)
        case EdgeKind.ADRLiteral21:
            value = _s64(s + a - p)
            if not -(1 << 20) <= value < 1 << 20:
                raise _out_of_range(graph, block, edge, value)
            word = encode_adr_imm21(word, value)
        case EdgeKind.Page21 | EdgeKind.Page21NC:
            value = _s64(((s + a) & PAGE_MASK) - (p & PAGE_MASK))
            if kind == EdgeKind.Page21 and not -(1 << 32) <= value < 1 << 32:
                raise _out_of_range(graph, block, edge, value)
            word = encode_adr_imm21(word, value >> 12)
        case EdgeKind.PageOffset12:
            value = (s + a) & 0xFFF
            scale = load_store_scale(word)
            if value & ((1 << scale) - 1):
                raise _out_of_range(graph, block, edge, value)
            word = encode_imm12(word, value >> scale)
        case EdgeKind.MoveWide16 | EdgeKind.MoveWide16Checked:
            value = _s64(s + a)
            shift = mov_wide_shift(word)
            if kind == EdgeKind.MoveWide16Checked and not 0 <= value < 1 << (shift + 16):
                raise _out_of_range(graph, block, edge, value)
            word = encode_imm16(word, ((value & U64) >> shift) & 0xFFFF)
        case (EdgeKind.TPRelAddHi12 | EdgeKind.TPRelAddLo12 | EdgeKind.TPRelAddLo12NC
              | EdgeKind.TPRelLoadStore12 | EdgeKind.TPRelMoveWide16
              | EdgeKind.TPRelMoveWide16Checked):
            value = tls_resolver(graph).tp_offset(s, edge.target.display_name()) + a
            word = _tprel_instruction(graph, block, edge, kind, word, value)
        case EdgeKind.GotPageOffset15:
            base = find_got_base(graph)
            if base is None:
                raise JITLinkError(f"fixup GotPageOffset15 at {block.section.name}+"
                                   f"{edge.offset:#x} needs a GOT, and the graph has none",
                                   graph.name)
            value = _s64(s + a - (base.address & PAGE_MASK))
            if not 0 <= value < 1 << 15 or value & 7:
                raise _out_of_range(graph, block, edge, value)
            word = encode_imm12(word, value >> 3)
    struct.pack_into("<I", content, off, word)


_EDGE_KINDS: dict[int, EdgeKind] = {int(k): k for k in EdgeKind}
_POINTER64 = int(EdgeKind.Pointer64)
_BRANCH26 = frozenset({int(EdgeKind.Branch26PCRel),
                       int(EdgeKind.Branch26PCRelToPtrJumpStubBypassable)})
_PAGE21 = int(EdgeKind.Page21)
_PAGE_OFFSET12 = int(EdgeKind.PageOffset12)
_KEEP_ALIVE = int(GenericEdgeKind.KeepAlive)
_u32 = struct.Struct("<I")
_pack_u64 = struct.Struct("<Q").pack_into


def apply_block_fixups(graph: LinkGraph, block: Block) -> None:
    """Write every edge of ``block``, as apply_fixup would edge by edge.

    Pointer64, B/BL, ADRP (Page21) and ADD/LDR/STR :lo12: (PageOffset12), almost every edge
    of compiled code, are checked and written here in one loop; other kinds, and any edge
    whose instruction or value this loop would not accept (for the error), go through
    apply_fixup. struct.error, as apply_fixup, for a field past the block's end.
    """
    content = block.content
    assert content is not None
    base = block.address
    unpack, pack = _u32.unpack_from, _u32.pack_into
    for edge in block.edges:
        kind = edge.kind
        if kind == _POINTER64:
            target = edge.target
            tblock = target.block
            s = target.absolute_address if tblock is None else tblock.address + target.offset
            _pack_u64(content, edge.offset, (s + edge.addend) & U64)
            continue
        if kind in _BRANCH26:
            off = edge.offset
            (word,) = unpack(content, off)
            if word & 0x7C000000 == 0x14000000:  # B_OR_BL
                target = edge.target
                tblock = target.block
                s = target.absolute_address if tblock is None else tblock.address + target.offset
                value = s + edge.addend - base - off
                if -(1 << 27) <= value < 1 << 27 and not value & 3:
                    pack(content, off, (word & ~0x3FFFFFF) | ((value >> 2) & 0x3FFFFFF))
                    continue
        elif kind == _PAGE21:
            off = edge.offset
            (word,) = unpack(content, off)
            if word & 0x9F000000 == 0x90000000:  # ADRP
                target = edge.target
                tblock = target.block
                s = target.absolute_address if tblock is None else tblock.address + target.offset
                value = ((s + edge.addend) & PAGE_MASK) - ((base + off) & PAGE_MASK)
                if -(1 << 32) <= value < 1 << 32:
                    pack(content, off, encode_adr_imm21(word, value >> 12))
                    continue
        elif kind == _PAGE_OFFSET12:
            off = edge.offset
            (word,) = unpack(content, off)
            if word & 0x3B000000 == 0x39000000:  # LOAD_STORE: scale is the access size
                size = word >> 30
                scale = 4 if size == 0 and word & 0x04800000 == 0x04800000 else size
            elif word & 0x7FC00000 == 0x11000000:  # ADD_IMMEDIATE
                scale = 0
            else:
                scale = -1
            if scale >= 0:
                target = edge.target
                tblock = target.block
                s = target.absolute_address if tblock is None else tblock.address + target.offset
                value = (s + edge.addend) & 0xFFF
                if not value & ((1 << scale) - 1):
                    pack(content, off, (word & ~0x3FFC00) | ((value >> scale) << 10))
                    continue
        if kind > _KEEP_ALIVE:
            apply_fixup(graph, block, edge)


def _tprel_instruction(graph: LinkGraph, block: Block, edge: Edge, kind: EdgeKind, word: int,
                       value: int) -> int:
    """``word`` with the TPREL ``value`` inserted as ``kind`` says (checks as AAELF64)."""
    if kind == EdgeKind.TPRelAddHi12:
        if not 0 <= value < 1 << 24:
            raise _out_of_range(graph, block, edge, value)
        return encode_imm12(word, value >> 12)
    if kind in (EdgeKind.TPRelAddLo12, EdgeKind.TPRelAddLo12NC):
        if kind == EdgeKind.TPRelAddLo12 and not 0 <= value < 1 << 12:
            raise _out_of_range(graph, block, edge, value)
        return encode_imm12(word, value & 0xFFF)
    if kind == EdgeKind.TPRelLoadStore12:
        scale = load_store_scale(word)
        if value & ((1 << scale) - 1):
            raise _out_of_range(graph, block, edge, value)
        return encode_imm12(word, (value & 0xFFF) >> scale)
    shift = mov_wide_shift(word)
    if kind == EdgeKind.TPRelMoveWide16Checked:
        if not -(1 << (shift + 16)) <= value < 1 << (shift + 16):
            raise _out_of_range(graph, block, edge, value)
        if word & 0x60000000 != 0x60000000:  # MOVZ or MOVN (not MOVK): pick by the sign
            if value < 0:
                return encode_imm16(word & ~0x60000000, ((~value) >> shift) & 0xFFFF)
            word = (word & ~0x60000000) | 0x40000000
    return encode_imm16(word, ((value & U64) >> shift) & 0xFFFF)


_TLS_DATA_VALUES = {EdgeKind.DTPMod64: TLSValue.MODULE_ID,
                    EdgeKind.DTPRel64: TLSValue.DTP_OFFSET,
                    EdgeKind.TPRel64: TLSValue.TP_OFFSET,
                    EdgeKind.TLSDescFunction64: TLSValue.DESCRIPTOR_FUNCTION,
                    EdgeKind.TLSDescArgument64: TLSValue.DESCRIPTOR_ARGUMENT}


def _apply_tls_data_fixup(graph: LinkGraph, block: Block, edge: Edge, kind: EdgeKind) -> None:
    """The 64-bit TLS words of GOT entries and descriptors (values from the resolver)."""
    content = block.content
    assert content is not None
    value = tls_value(graph, _TLS_DATA_VALUES[kind], edge.target.address, edge.addend,
                      edge.target.display_name(), block.address + edge.offset)
    struct.pack_into("<Q", content, edge.offset, value & U64)


# ---------------------------------------------------------------------------- GOT and stubs

NULL_POINTER = bytes(8)
# adrp x16, ptr@page; ldr x16, [x16, ptr@pageoff]; br x16 -- the stub of JITLink's
# aarch64::createPointerJumpStubBlock. x16 (IP0) is the register AAPCS64 lets veneers clobber.
POINTER_JUMP_STUB = struct.pack("<III", 0x90000010, 0xF9400210, 0xD61F0200)


def got_base(graph: LinkGraph) -> Symbol:
    """The graph's GOT base symbol (``_GLOBAL_OFFSET_TABLE_``), made on first use.

    It sits at the start of the graph's GOT section, where ld puts it for AArch64 (code
    reaches entries as ``Page(GOT)`` plus a LD64_GOTPAGE_LO15 offset, so they must follow it).
    """
    existing = find_got_base(graph)
    if existing is not None:
        return existing
    section = graph.sections.get(GOT_SECTION) or graph.create_section(GOT_SECTION, MemProt.READ)
    if section.blocks:
        first = min(section.blocks, key=lambda b: b.address)
    else:
        first = graph.create_content_block(section, b"", alignment=8)
    return graph.add_defined_symbol(first, 0, GOT_BASE_NAME, 0, Linkage.STRONG, Scope.LOCAL,
                                    live=True)


class GOTTableManager(TableManager):
    """Makes an 8-byte GOT entry (a Pointer64 edge to S + A) per (target, addend).

    AAELF64's GOT relocations address ``G(GDAT(S + A))``: the addend selects the entry, it is
    not added to the entry's address, so lowered edges keep addend 0.
    """

    section_name = GOT_SECTION

    def __init__(self) -> None:
        super().__init__()
        self.by_addend: dict[tuple[int, int], Symbol] = {}

    def get_entry(self, graph: LinkGraph, target: Symbol, addend: int = 0) -> Symbol:
        key = (id(target), addend)
        entry = self.by_addend.get(key)
        if entry is None:
            section = graph.get_or_create_section(GOT_SECTION, MemProt.READ)
            # Increasing pseudo-addresses keep creation order through layout. The block,
            # edge and symbol are made directly (create_content_block, add_edge and
            # add_anonymous_symbol, inline: one entry per GOT-using target of every graph).
            block = Block(section, 8, 8, 0, NULL_POINTER, 8 * (len(section.blocks) + 1),
                          [Edge(_POINTER64, 0, target, addend)])
            section.blocks.append(block)
            entry = self.by_addend[key] = Symbol(None, SymbolKind.DEFINED, block, 0, 8)
            section.symbols.append(entry)
            if addend == 0:
                self.entries[target] = entry
        return entry

    def create_entry(self, graph: LinkGraph, target: Symbol) -> Symbol:
        return self.get_entry(graph, target)

    def get_entry_for_target(self, graph: LinkGraph, target: Symbol) -> Symbol:
        return self.get_entry(graph, target)

    def visit_edge(self, graph: LinkGraph, block: Block, edge: Edge) -> bool:
        lowered = _GOT_LOWERING.get(edge.kind)
        if lowered is None:
            return False
        edge.target = self.get_entry(graph, edge.target, edge.addend)
        edge.kind = lowered
        edge.addend = 0
        return True


_GOT_LOWERING: dict[int, EdgeKind] = {
    EdgeKind.RequestGOTAndTransformToPage21: EdgeKind.Page21,
    EdgeKind.RequestGOTAndTransformToPageOffset12: EdgeKind.PageOffset12,
    EdgeKind.RequestGOTAndTransformToPageOffset15: EdgeKind.GotPageOffset15,
    EdgeKind.RequestGOTAndTransformToDelta32: EdgeKind.Delta32,
    EdgeKind.RequestGOTAndTransformToLDRLiteral19: EdgeKind.LDRLiteral19,
    EdgeKind.RequestGOTAndTransformToPointer64: EdgeKind.Pointer64,
}


class TLSTableManager(TableManager):
    """Makes the GOT entries of thread-local accesses, one per (target, addend) and kind of
    access: a TLS descriptor {resolver, argument} followed by the tls_index a dynamic
    resolver's argument points at, an IE entry holding TPREL(S + A), or a tls_index
    {M(S), DTPREL(S + A)}. They live in the GOT section, so ``got_addr`` finds them."""

    section_name = GOT_SECTION

    def __init__(self, words: tuple[int, ...]) -> None:
        super().__init__()
        self.words = words  # the edge kind of each 8-byte word of an entry
        self.by_addend: dict[tuple[int, int], Symbol] = {}

    def get_entry(self, graph: LinkGraph, target: Symbol, addend: int) -> Symbol:
        key = (id(target), addend)
        entry = self.by_addend.get(key)
        if entry is None:
            section = graph.get_or_create_section(GOT_SECTION, MemProt.READ)
            size = 8 * len(self.words)
            block = graph.create_content_block(section, bytes(size), alignment=8,
                                               address=8 * (len(section.blocks) + 1))
            for index, kind in enumerate(self.words):
                # A tls_index's module word takes no addend; every other word adds it.
                block.add_edge(kind, 8 * index, target,
                               0 if kind in (EdgeKind.DTPMod64, EdgeKind.TLSDescFunction64)
                               else addend)
            entry = self.by_addend[key] = graph.add_anonymous_symbol(block, 0, size)
        return entry

    def create_entry(self, graph: LinkGraph, target: Symbol) -> Symbol:
        return self.get_entry(graph, target, 0)


_DESCRIPTOR = (EdgeKind.TLSDescFunction64, EdgeKind.TLSDescArgument64, EdgeKind.DTPMod64,
               EdgeKind.DTPRel64)
# TLS request kind -> (which table: descriptor, IE, GD), the lowered kind.
_TLS_LOWERING: dict[int, tuple[int, EdgeKind]] = {
    EdgeKind.RequestTLSDescAndTransformToPage21: (0, EdgeKind.Page21),
    EdgeKind.RequestTLSDescAndTransformToPageOffset12: (0, EdgeKind.PageOffset12),
    EdgeKind.RequestGOTTPRelAndTransformToPage21: (1, EdgeKind.Page21),
    EdgeKind.RequestGOTTPRelAndTransformToPageOffset12: (1, EdgeKind.PageOffset12),
    EdgeKind.RequestTLSGDAndTransformToPage21: (2, EdgeKind.Page21),
    EdgeKind.RequestTLSGDAndTransformToPageOffset12: (2, EdgeKind.PageOffset12),
}


class _TLSVisitor:
    """Lowers TLS GOT requests to Page21/PageOffset12 edges aimed at their entries."""

    def __init__(self) -> None:
        self.tables = (TLSTableManager(_DESCRIPTOR), TLSTableManager((EdgeKind.TPRel64,)),
                       TLSTableManager((EdgeKind.DTPMod64, EdgeKind.DTPRel64)))

    def visit_edge(self, graph: LinkGraph, block: Block, edge: Edge) -> bool:
        lowering = _TLS_LOWERING.get(edge.kind)
        if lowering is None:
            return False
        table, kind = lowering
        edge.target = self.tables[table].get_entry(graph, edge.target, edge.addend)
        edge.kind = kind
        edge.addend = 0
        return True


class PLTTableManager(TableManager):
    """Makes an ``adrp/ldr/br x16`` stub per external call target (the call may bypass it)."""

    section_name = STUBS_SECTION

    def __init__(self, got: GOTTableManager) -> None:
        super().__init__()
        self.got = got
        self.by_addend: dict[tuple[int, int], Symbol] = {}

    def get_stub(self, graph: LinkGraph, target: Symbol, addend: int = 0) -> Symbol:
        key = (id(target), addend)
        stub = self.by_addend.get(key)
        if stub is None:
            section = graph.get_or_create_section(STUBS_SECTION, MemProt.READ | MemProt.EXEC)
            block = graph.create_content_block(section, POINTER_JUMP_STUB, alignment=4,
                                               address=12 * (len(section.blocks) + 1))
            entry = self.got.get_entry(graph, target, addend)
            block.add_edge(EdgeKind.Page21, 0, entry, 0)
            block.add_edge(EdgeKind.PageOffset12, 4, entry, 0)
            stub = self.by_addend[key] = graph.add_anonymous_symbol(block, 0, 12, callable=True)
            if addend == 0:
                self.entries[target] = stub
        return stub

    def create_entry(self, graph: LinkGraph, target: Symbol) -> Symbol:
        return self.get_stub(graph, target)

    def get_entry_for_target(self, graph: LinkGraph, target: Symbol) -> Symbol:
        return self.get_stub(graph, target)

    def visit_edge(self, graph: LinkGraph, block: Block, edge: Edge) -> bool:
        # B/BL to a symbol outside this graph: its address may be anywhere in the 64-bit space,
        # beyond the +-128 MiB a branch reaches, so it goes through a stub (AAELF64 "Call and
        # Jump relocations" lets a linker use a veneer that clobbers IP0/IP1). Definitions in
        # this graph are laid out together and stay direct.
        if edge.kind == EdgeKind.Branch26PCRel and edge.target.kind is not SymbolKind.DEFINED:
            edge.target = self.get_stub(graph, edge.target, edge.addend)
            edge.kind = EdgeKind.Branch26PCRelToPtrJumpStubBypassable
            edge.addend = 0
            return True
        return False


def build_got_and_plt(graph: LinkGraph) -> None:
    """Post-prune pass: GOT entries for GOT-requesting edges, stubs for external calls.

    Binds a reference to ``_GLOBAL_OFFSET_TABLE_`` (``adrp xN, _GLOBAL_OFFSET_TABLE_`` of
    -fpic code) to the graph's GOT base, made when that name or a GotPageOffset15 needs it.
    One loop over the edges present now (what GOTTableManager, PLTTableManager and the TLS
    tables' visit_edge do, dispatched by kind), which also notes for
    optimize_got_and_stub_accesses the blocks that load GOT entries and the calls through
    stubs, so that it need not visit the rest.
    """
    got = GOTTableManager()
    plt = PLTTableManager(got)
    tls: _TLSVisitor | None = None
    got_lowering = _GOT_LOWERING
    tls_lowering = _TLS_LOWERING
    branch = EdgeKind.Branch26PCRel
    bypassable = EdgeKind.Branch26PCRelToPtrJumpStubBypassable
    got_page15 = EdgeKind.GotPageOffset15
    defined = SymbolKind.DEFINED
    needs_base = GOT_BASE_NAME in graph.external_symbols
    got_loaders: list[Block] = []
    stub_calls: list[tuple[Block, Edge]] = []
    for block in list(graph.blocks()):  # not the entries and stubs made here
        loads_got = False
        for edge in block.edges:
            kind = edge.kind
            if kind == branch:
                # B/BL to a symbol outside this graph: see PLTTableManager.visit_edge.
                if edge.target.kind is not defined:
                    edge.target = plt.get_stub(graph, edge.target, edge.addend)
                    edge.kind = bypassable
                    edge.addend = 0
                    stub_calls.append((block, edge))
                continue
            lowered = got_lowering.get(kind)
            if lowered is not None:
                edge.target = got.get_entry(graph, edge.target, edge.addend)
                edge.kind = lowered
                edge.addend = 0
                loads_got = True
                needs_base = needs_base or lowered == got_page15
            elif kind == got_page15:
                needs_base = True
            elif kind in tls_lowering:
                if tls is None:
                    tls = _TLSVisitor()
                tls.visit_edge(graph, block, edge)
        if loads_got:
            got_loaders.append(block)
    if needs_base:
        base = got_base(graph)
        ext = graph.external_symbols.pop(GOT_BASE_NAME, None)
        if ext is not None:
            for b in graph.blocks():
                for e in b.edges:
                    if e.target is ext:
                        e.target = base
    graph.target_data[RELAXATION_CANDIDATES] = (got_loaders, stub_calls)


# graph.target_data key: (the blocks build_got_and_plt gave GOT loads, the calls it sent
# through stubs); optimize_got_and_stub_accesses then visits only those.
RELAXATION_CANDIDATES = "aarch64.relaxation_candidates"


def _got_entry_edge(entry: Symbol) -> Edge | None:
    block = entry.block
    if block is None or not block.edges:
        return None
    return block.edges[0]


def _fits_branch26(delta: int) -> bool:
    return -(1 << 27) <= delta < 1 << 27 and not delta & 3


NOP = 0xD503201F
ADD_X_IMMEDIATE = 0x91000000  # ADD Xd, Xn, #imm12 (64 bits, LSL #0), Rn at [9:5], Rd at [4:0]
ADR_X = 0x10000000  # ADR Xd, label: immlo [30:29], immhi [23:5], Rd [4:0]
LDR_X_LITERAL_WORD = 0x58000000  # LDR Xt, label: imm19 [23:5], Rt [4:0]


def _is_got_entry(sym: Symbol) -> bool:
    """``sym`` is an entry GOTTableManager made: an anonymous 8-byte block of the GOT section
    whose one edge is a Pointer64 to the target (TLS entries and ``_GLOBAL_OFFSET_TABLE_``
    are not)."""
    block = sym.block
    return (sym.name is None and block is not None and sym.offset == 0
            and block.section.name == GOT_SECTION and block.size == 8 and len(block.edges) == 1
            and block.edges[0].kind == EdgeKind.Pointer64 and block.edges[0].offset == 0)


@dataclass(slots=True)
class GOTLoadPair:
    """``ADRP Xn, :got:S`` at ``page.offset`` and ``LDR Xn, [Xn, :got_lo12:S]`` at the next
    word of ``block``: the Page21 and PageOffset12 edges (addend 0) to one GOT entry."""

    block: Block
    page: Edge
    offset12: Edge
    register: int


def find_got_load_pairs(graph: LinkGraph, blocks: Iterable[Block] | None = None
                        ) -> dict[int, tuple[Symbol, list[GOTLoadPair] | None]]:
    """GOT entry id -> (the entry, its relaxable pairs, or None when some Page21 or
    PageOffset12 reference to it is not one of them).

    A pair is an ADRP and, in the next word, a 64-bit LDR (unsigned immediate) whose base
    and destination are the ADRP's register (AAELF64 "Relocation optimization": both
    instructions of a pair write and read the same register). References from stub blocks
    do not count: a stub is entered only at its start and keeps its GOT load. ``blocks``:
    the blocks to search (default every block of the graph); a block with no Page21 or
    PageOffset12 edge to a GOT entry adds nothing.
    """
    entries: dict[int, tuple[Symbol, list[GOTLoadPair] | None]] = {}
    page21, offset12 = EdgeKind.Page21, EdgeKind.PageOffset12
    is_entry: dict[Symbol, bool] = {}  # _is_got_entry per target, asked once
    unpack = _u32x2.unpack_from
    for block in graph.blocks() if blocks is None else blocks:
        if block.section.name == STUBS_SECTION:
            continue
        content = block.content
        by_offset: dict[int, list[Edge]] = {}
        refs: list[Edge] = []
        for edge in block.edges:
            kind = edge.kind
            if kind in (page21, offset12):
                target = edge.target
                entry_like = is_entry.get(target)
                if entry_like is None:
                    entry_like = is_entry[target] = _is_got_entry(target)
                if entry_like:
                    refs.append(edge)
                    at = by_offset.get(edge.offset)
                    if at is None:
                        by_offset[edge.offset] = [edge]
                    else:
                        at.append(edge)
        if not refs:
            continue
        paired: set[Edge] = set()
        for edge in refs:
            entry = edge.target
            known = entries.get(id(entry))
            if known is None:
                known = entries[id(entry)] = (entry, [])
            if edge.kind != page21 or edge in paired:
                continue
            following = [e for e in by_offset.get(edge.offset + 4, ())
                         if e.kind == offset12 and e.target is entry]
            if (content is None or len(following) != 1 or edge.addend or following[0].addend
                    or len(by_offset[edge.offset]) != 1 or edge.offset & 3
                    or edge.offset + 8 > len(content)):
                continue
            adrp, ldr = unpack(content, edge.offset)
            register = adrp & 0x1F
            # ADRP and LDR_X (unsigned immediate), whose base and destination are the ADRP's.
            if (adrp & 0x9F000000 != 0x90000000 or ldr & 0xFFC00000 != 0xF9400000
                    or register == 31 or ldr & 0x1F != register
                    or (ldr >> 5) & 0x1F != register):
                continue
            paired.add(edge)
            paired.add(following[0])
            pairs = known[1]
            if pairs is not None:
                pairs.append(GOTLoadPair(block, edge, following[0], register))
        for edge in refs:
            if edge not in paired:
                entries[id(edge.target)] = (edge.target, None)
    return entries


_u32x2 = struct.Struct("<II")


def _relax_got_load(graph: LinkGraph, pair: GOTLoadPair, entry: Symbol,
                    dropped: list[tuple[Block, Edge]]) -> str | None:
    """Rewrite one GOT load pair for the value its entry holds (S + A); the form chosen, or
    None when the pair stays a GOT load.

    In AAELF64's order of preference ("Relocation optimization"): ``NOP; ADR Xn, S + A``
    when S + A is within +-1 MiB of the second instruction; ``ADRP Xn, S + A; ADD Xn, Xn,
    :lo12:S + A`` when its page is within +-4 GiB of the ADRP's; else ``NOP; LDR Xn,
    <entry>`` (a literal load of the GOT entry itself) when the entry is within +-1 MiB.
    An edge the rewrite leaves without an instruction goes to ``dropped`` (its block's edge
    list is filtered once for all of them).
    """
    slot = entry.block.edges[0]  # type: ignore[union-attr]
    value = slot.target.address + slot.addend
    block, reg = pair.block, pair.register
    p0 = block.address + pair.page.offset
    p1 = p0 + 4
    buf = block.mutable_content()
    if -(1 << 20) <= _s64(value - p1) < 1 << 20:
        form = "adr"
        words = (NOP, ADR_X | reg)
        kind: EdgeKind | None = EdgeKind.ADRLiteral21
    elif -(1 << 32) <= _s64((value & PAGE_MASK) - (p0 & PAGE_MASK)) < 1 << 32:
        form = "adrp+add"
        words = (struct.unpack_from("<I", buf, pair.page.offset)[0],
                 ADD_X_IMMEDIATE | reg << 5 | reg)
        kind = None
    elif -(1 << 20) <= _s64(entry.address - p1) < 1 << 20:
        form = "ldr-literal"
        words = (NOP, LDR_X_LITERAL_WORD | reg)
        kind = EdgeKind.LDRLiteral19
    else:
        return None
    struct.pack_into("<II", buf, pair.page.offset, *words)
    if kind is None:  # ADRP + ADD: both edges now address S + A itself
        for edge in (pair.page, pair.offset12):
            edge.target = slot.target
            edge.addend = slot.addend
    else:  # the NOP needs no fixup; the second instruction takes one PC-relative edge
        dropped.append((block, pair.page))
        pair.offset12.kind = kind
        if kind == EdgeKind.ADRLiteral21:
            pair.offset12.target = slot.target
            pair.offset12.addend = slot.addend
    return form


def relax_got_loads(graph: LinkGraph, blocks: Iterable[Block] | None = None) -> dict[str, int]:
    """Relax the graph's ADRP + LDR loads of GOT entries; counts per form chosen (and
    ``"kept"`` for pairs that stay GOT loads). ``blocks`` as for find_got_load_pairs.

    A GOT entry's pairs are relaxed only if every Page21/PageOffset12 reference to it is
    such a pair (AAELF64: all or none of a symbol's GOT sequences, since code may branch
    between the two instructions of one of them, LLVM issue 138254). Entries whose target
    is an unresolved weak reference keep their null entry.
    """
    counts: dict[str, int] = {}
    dropped: list[tuple[Block, Edge]] = []
    for entry, pairs in find_got_load_pairs(graph, blocks).values():
        if not pairs:
            continue
        target = entry.block.edges[0].target  # type: ignore[union-attr]
        if target.is_external and target.address == 0:
            counts["kept"] = counts.get("kept", 0) + len(pairs)
            continue
        for pair in pairs:
            form = _relax_got_load(graph, pair, entry, dropped) or "kept"
            counts[form] = counts.get(form, 0) + 1
    if dropped:
        gone = {edge for _, edge in dropped}
        for block in {id(block): block for block, _ in dropped}.values():
            block.edges = [e for e in block.edges if e not in gone]
    return counts


def optimize_got_and_stub_accesses(graph: LinkGraph) -> None:
    """Pre-fixup pass: GOT loads and stub calls go straight to targets in range.

    A B/BL through a stub branches directly when its target is in range: the stub's GOT
    entry names the final target (S + A); when ``S + A - P`` fits the branch's +-128 MiB
    the edge is retargeted there and the stub is left unused. A call to an unresolved weak
    reference branches to the next instruction, as AAELF64 ("Call and Jump relocations")
    asks of platforms without dynamic pre-emption, and lld does.

    ADRP + LDR pairs that load a GOT entry compute its value directly (``relax_got_loads``:
    NOP + ADR, ADRP + ADD or NOP + LDR literal), as the AArch64 GOT and PLT optimisation
    proposed for JITLink (llvm/llvm-project pull request 188322) and lld do. GOT entries and
    stubs stay in place, so ``got_addr`` and ``stub_addr`` still name them.
    """
    candidates = cast("tuple[list[Block], list[tuple[Block, Edge]]] | None",
                      graph.target_data.pop(RELAXATION_CANDIDATES, None))
    if candidates is None:  # a graph build_got_and_plt did not see: every block and edge
        got_loaders: list[Block] | None = None
        stub_calls = [(block, edge) for block in graph.blocks() for edge in block.edges]
    else:
        got_loaders, stub_calls = candidates
    for block, edge in stub_calls:
        if edge.kind != EdgeKind.Branch26PCRelToPtrJumpStubBypassable:
            continue
        stub_block = edge.target.block
        if stub_block is None or not stub_block.edges:
            continue
        slot = _got_entry_edge(stub_block.edges[0].target)
        if slot is None:
            continue
        target = slot.target
        p = block.address + edge.offset
        if target.is_external and target.address == 0:
            if target.weakly_referenced and edge.offset + 4 <= block.size:
                edge.kind = EdgeKind.Branch26PCRel
                edge.target = graph.add_anonymous_symbol(block, edge.offset + 4)
                edge.addend = 0
            continue
        if _fits_branch26(_s64(target.address + slot.addend + edge.addend - p)):
            edge.kind = EdgeKind.Branch26PCRel
            edge.target = target
            edge.addend += slot.addend
    relax_got_loads(graph, got_loaders)
