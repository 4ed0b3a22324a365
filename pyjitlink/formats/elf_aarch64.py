"""ELF AArch64: the R_AARCH64_* -> edge kind table, instruction checks, quirks, link pipeline.

Relocation numbers, formulas and overflow checks: "ELF for the Arm 64-bit Architecture"
(AAELF64), "Relocation types". Each supported type maps to one edge kind of
``pyjitlink.arch.aarch64``; each type that relocates an instruction also names the instructions
it may sit on, checked when the graph is built so a mismatch names the relocation.
"""

from __future__ import annotations

import struct

from functools import partial

from pyjitlink.arch.aarch64 import (
    ADD_IMMEDIATE,
    ADD_IMMEDIATE_LSL12,
    ADR,
    ADRP,
    B_OR_BL,
    BLR,
    COND_BRANCH,
    LDR_LITERAL,
    LDR_X,
    LDR_X_LITERAL,
    LOAD_STORE_8,
    LOAD_STORE_16,
    LOAD_STORE_32,
    LOAD_STORE_64,
    LOAD_STORE_128,
    MOV_WIDE_ANY,
    MOV_WIDE_G0,
    MOV_WIDE_G1,
    MOV_WIDE_G2,
    MOV_WIDE_G3,
    TEST_BRANCH,
    EdgeKind,
    InstructionClass,
    apply_block_fixups,
    apply_fixup,
    build_got_and_plt,
    check_relocation_instruction,
    edge_kind_name,
    optimize_got_and_stub_accesses,
)
from pyjitlink.formats.elf import (
    ELF_SECTION_BOUNDARY_PREFIXES,
    ELFLinkGraphBuilder,
    ELFSection,
    elf_section_boundary,
)
from pyjitlink.jitlink.eh_frame import add_eh_frame_terminator, fix_eh_frame_edges, split_eh_frame
from pyjitlink.jitlink.graph import Block, Edge, LinkGraph, Symbol
from pyjitlink.jitlink.ifunc import check_ifuncs
from pyjitlink.jitlink.linker import JITLinkContext, link
from pyjitlink.jitlink.passes import PassConfiguration, add_section_boundary_passes

R_AARCH64 = {
    0: "R_AARCH64_NONE", 256: "R_AARCH64_NONE",
    257: "R_AARCH64_ABS64", 258: "R_AARCH64_ABS32", 259: "R_AARCH64_ABS16",
    260: "R_AARCH64_PREL64", 261: "R_AARCH64_PREL32", 262: "R_AARCH64_PREL16",
    263: "R_AARCH64_MOVW_UABS_G0", 264: "R_AARCH64_MOVW_UABS_G0_NC",
    265: "R_AARCH64_MOVW_UABS_G1", 266: "R_AARCH64_MOVW_UABS_G1_NC",
    267: "R_AARCH64_MOVW_UABS_G2", 268: "R_AARCH64_MOVW_UABS_G2_NC",
    269: "R_AARCH64_MOVW_UABS_G3",
    270: "R_AARCH64_MOVW_SABS_G0", 271: "R_AARCH64_MOVW_SABS_G1", 272: "R_AARCH64_MOVW_SABS_G2",
    273: "R_AARCH64_LD_PREL_LO19", 274: "R_AARCH64_ADR_PREL_LO21",
    275: "R_AARCH64_ADR_PREL_PG_HI21", 276: "R_AARCH64_ADR_PREL_PG_HI21_NC",
    277: "R_AARCH64_ADD_ABS_LO12_NC", 278: "R_AARCH64_LDST8_ABS_LO12_NC",
    279: "R_AARCH64_TSTBR14", 280: "R_AARCH64_CONDBR19", 282: "R_AARCH64_JUMP26",
    283: "R_AARCH64_CALL26", 284: "R_AARCH64_LDST16_ABS_LO12_NC",
    285: "R_AARCH64_LDST32_ABS_LO12_NC", 286: "R_AARCH64_LDST64_ABS_LO12_NC",
    287: "R_AARCH64_MOVW_PREL_G0", 288: "R_AARCH64_MOVW_PREL_G0_NC",
    289: "R_AARCH64_MOVW_PREL_G1", 290: "R_AARCH64_MOVW_PREL_G1_NC",
    291: "R_AARCH64_MOVW_PREL_G2", 292: "R_AARCH64_MOVW_PREL_G2_NC",
    293: "R_AARCH64_MOVW_PREL_G3", 299: "R_AARCH64_LDST128_ABS_LO12_NC",
    300: "R_AARCH64_MOVW_GOTOFF_G0", 301: "R_AARCH64_MOVW_GOTOFF_G0_NC",
    302: "R_AARCH64_MOVW_GOTOFF_G1", 303: "R_AARCH64_MOVW_GOTOFF_G1_NC",
    304: "R_AARCH64_MOVW_GOTOFF_G2", 305: "R_AARCH64_MOVW_GOTOFF_G2_NC",
    306: "R_AARCH64_MOVW_GOTOFF_G3", 307: "R_AARCH64_GOTREL64", 308: "R_AARCH64_GOTREL32",
    309: "R_AARCH64_GOT_LD_PREL19", 310: "R_AARCH64_LD64_GOTOFF_LO15",
    311: "R_AARCH64_ADR_GOT_PAGE", 312: "R_AARCH64_LD64_GOT_LO12_NC",
    313: "R_AARCH64_LD64_GOTPAGE_LO15", 314: "R_AARCH64_PLT32", 315: "R_AARCH64_GOTPCREL32",
    512: "R_AARCH64_TLSGD_ADR_PREL21", 513: "R_AARCH64_TLSGD_ADR_PAGE21",
    514: "R_AARCH64_TLSGD_ADD_LO12_NC", 515: "R_AARCH64_TLSGD_MOVW_G1",
    516: "R_AARCH64_TLSGD_MOVW_G0_NC", 517: "R_AARCH64_TLSLD_ADR_PREL21",
    518: "R_AARCH64_TLSLD_ADR_PAGE21", 519: "R_AARCH64_TLSLD_ADD_LO12_NC",
    520: "R_AARCH64_TLSLD_MOVW_G1", 521: "R_AARCH64_TLSLD_MOVW_G0_NC",
    522: "R_AARCH64_TLSLD_LD_PREL19", 523: "R_AARCH64_TLSLD_MOVW_DTPREL_G2",
    524: "R_AARCH64_TLSLD_MOVW_DTPREL_G1", 525: "R_AARCH64_TLSLD_MOVW_DTPREL_G1_NC",
    526: "R_AARCH64_TLSLD_MOVW_DTPREL_G0", 527: "R_AARCH64_TLSLD_MOVW_DTPREL_G0_NC",
    528: "R_AARCH64_TLSLD_ADD_DTPREL_HI12", 529: "R_AARCH64_TLSLD_ADD_DTPREL_LO12",
    530: "R_AARCH64_TLSLD_ADD_DTPREL_LO12_NC", 531: "R_AARCH64_TLSLD_LDST8_DTPREL_LO12",
    532: "R_AARCH64_TLSLD_LDST8_DTPREL_LO12_NC", 533: "R_AARCH64_TLSLD_LDST16_DTPREL_LO12",
    534: "R_AARCH64_TLSLD_LDST16_DTPREL_LO12_NC", 535: "R_AARCH64_TLSLD_LDST32_DTPREL_LO12",
    536: "R_AARCH64_TLSLD_LDST32_DTPREL_LO12_NC", 537: "R_AARCH64_TLSLD_LDST64_DTPREL_LO12",
    538: "R_AARCH64_TLSLD_LDST64_DTPREL_LO12_NC", 539: "R_AARCH64_TLSIE_MOVW_GOTTPREL_G1",
    540: "R_AARCH64_TLSIE_MOVW_GOTTPREL_G0_NC", 541: "R_AARCH64_TLSIE_ADR_GOTTPREL_PAGE21",
    542: "R_AARCH64_TLSIE_LD64_GOTTPREL_LO12_NC", 543: "R_AARCH64_TLSIE_LD_GOTTPREL_PREL19",
    544: "R_AARCH64_TLSLE_MOVW_TPREL_G2", 545: "R_AARCH64_TLSLE_MOVW_TPREL_G1",
    546: "R_AARCH64_TLSLE_MOVW_TPREL_G1_NC", 547: "R_AARCH64_TLSLE_MOVW_TPREL_G0",
    548: "R_AARCH64_TLSLE_MOVW_TPREL_G0_NC", 549: "R_AARCH64_TLSLE_ADD_TPREL_HI12",
    550: "R_AARCH64_TLSLE_ADD_TPREL_LO12", 551: "R_AARCH64_TLSLE_ADD_TPREL_LO12_NC",
    552: "R_AARCH64_TLSLE_LDST8_TPREL_LO12", 553: "R_AARCH64_TLSLE_LDST8_TPREL_LO12_NC",
    554: "R_AARCH64_TLSLE_LDST16_TPREL_LO12", 555: "R_AARCH64_TLSLE_LDST16_TPREL_LO12_NC",
    556: "R_AARCH64_TLSLE_LDST32_TPREL_LO12", 557: "R_AARCH64_TLSLE_LDST32_TPREL_LO12_NC",
    558: "R_AARCH64_TLSLE_LDST64_TPREL_LO12", 559: "R_AARCH64_TLSLE_LDST64_TPREL_LO12_NC",
    560: "R_AARCH64_TLSDESC_LD_PREL19", 561: "R_AARCH64_TLSDESC_ADR_PREL21",
    562: "R_AARCH64_TLSDESC_ADR_PAGE21", 563: "R_AARCH64_TLSDESC_LD64_LO12",
    564: "R_AARCH64_TLSDESC_ADD_LO12", 565: "R_AARCH64_TLSDESC_OFF_G1",
    566: "R_AARCH64_TLSDESC_OFF_G0_NC", 567: "R_AARCH64_TLSDESC_LDR",
    568: "R_AARCH64_TLSDESC_ADD", 569: "R_AARCH64_TLSDESC_CALL",
    570: "R_AARCH64_TLSLE_LDST128_TPREL_LO12", 571: "R_AARCH64_TLSLE_LDST128_TPREL_LO12_NC",
    572: "R_AARCH64_TLSLD_LDST128_DTPREL_LO12", 573: "R_AARCH64_TLSLD_LDST128_DTPREL_LO12_NC",
    1024: "R_AARCH64_COPY", 1025: "R_AARCH64_GLOB_DAT", 1026: "R_AARCH64_JUMP_SLOT",
    1027: "R_AARCH64_RELATIVE", 1028: "R_AARCH64_TLS_DTPMOD64", 1029: "R_AARCH64_TLS_DTPREL64",
    1030: "R_AARCH64_TLS_TPREL64", 1031: "R_AARCH64_TLSDESC", 1032: "R_AARCH64_IRELATIVE",
}
_BY_NAME = {name: num for num, name in R_AARCH64.items() if num}


def _r(name: str) -> int:
    return _BY_NAME["R_AARCH64_" + name]


ELF_AARCH64_EDGES: dict[int, EdgeKind] = {
    _r("ABS64"): EdgeKind.Pointer64,
    _r("ABS32"): EdgeKind.Pointer32,
    _r("ABS16"): EdgeKind.Pointer16,
    _r("PREL64"): EdgeKind.Delta64,
    _r("PREL32"): EdgeKind.Delta32,
    _r("PREL16"): EdgeKind.Delta16,
    # MOVW_UABS_G0/G1/G2 check 0 <= X < 2**16/2**32/2**48; the _NC forms do not; G3 takes bits
    # [63:48] of a 64-bit X, which always fit. The instruction's hw field picks the slice.
    _r("MOVW_UABS_G0"): EdgeKind.MoveWide16Checked,
    _r("MOVW_UABS_G0_NC"): EdgeKind.MoveWide16,
    _r("MOVW_UABS_G1"): EdgeKind.MoveWide16Checked,
    _r("MOVW_UABS_G1_NC"): EdgeKind.MoveWide16,
    _r("MOVW_UABS_G2"): EdgeKind.MoveWide16Checked,
    _r("MOVW_UABS_G2_NC"): EdgeKind.MoveWide16,
    _r("MOVW_UABS_G3"): EdgeKind.MoveWide16,
    _r("LD_PREL_LO19"): EdgeKind.LDRLiteral19,
    _r("ADR_PREL_LO21"): EdgeKind.ADRLiteral21,
    _r("ADR_PREL_PG_HI21"): EdgeKind.Page21,
    _r("ADR_PREL_PG_HI21_NC"): EdgeKind.Page21NC,
    # ADD_ABS_LO12_NC and the LDSTn_ABS_LO12_NC forms: one kind, which reads the access size
    # (the scale of the imm12 field) from the instruction; the table below checks it matches n.
    _r("ADD_ABS_LO12_NC"): EdgeKind.PageOffset12,
    _r("LDST8_ABS_LO12_NC"): EdgeKind.PageOffset12,
    _r("LDST16_ABS_LO12_NC"): EdgeKind.PageOffset12,
    _r("LDST32_ABS_LO12_NC"): EdgeKind.PageOffset12,
    _r("LDST64_ABS_LO12_NC"): EdgeKind.PageOffset12,
    _r("LDST128_ABS_LO12_NC"): EdgeKind.PageOffset12,
    _r("TSTBR14"): EdgeKind.TestAndBranch14PCRel,
    _r("CONDBR19"): EdgeKind.CondBranch19PCRel,
    # JUMP26 (B) and CALL26 (BL) differ only in the instruction; a call to a symbol outside the
    # graph goes through a stub unless the target turns out to be in range (pre-fixup pass).
    _r("JUMP26"): EdgeKind.Branch26PCRel,
    _r("CALL26"): EdgeKind.Branch26PCRel,
    _r("ADR_GOT_PAGE"): EdgeKind.RequestGOTAndTransformToPage21,
    _r("LD64_GOT_LO12_NC"): EdgeKind.RequestGOTAndTransformToPageOffset12,
    # G(GDAT(S+A)) - Page(GOT): -fpic code pairs it with ``adrp xN, _GLOBAL_OFFSET_TABLE_``.
    _r("LD64_GOTPAGE_LO15"): EdgeKind.RequestGOTAndTransformToPageOffset15,
    # -mcmodel=tiny's ``ldr xN, :got:sym``: a literal load of the GOT entry, +-1 MiB away.
    _r("GOT_LD_PREL19"): EdgeKind.RequestGOTAndTransformToLDRLiteral19,
    # Thread-local storage (AAELF64 "Thread-local storage relocations"). The GOT-entry forms
    # address G(GTLSDESC(S+A)), G(GTPREL(S+A)), G(GTLSIDX(S+A)) as ADRP/LDR/ADD pairs.
    _r("TLSDESC_ADR_PAGE21"): EdgeKind.RequestTLSDescAndTransformToPage21,
    _r("TLSDESC_LD64_LO12"): EdgeKind.RequestTLSDescAndTransformToPageOffset12,
    _r("TLSDESC_ADD_LO12"): EdgeKind.RequestTLSDescAndTransformToPageOffset12,
    _r("TLSDESC_CALL"): EdgeKind.TLSDescCall,
    _r("TLSIE_ADR_GOTTPREL_PAGE21"): EdgeKind.RequestGOTTPRelAndTransformToPage21,
    _r("TLSIE_LD64_GOTTPREL_LO12_NC"): EdgeKind.RequestGOTTPRelAndTransformToPageOffset12,
    _r("TLSGD_ADR_PAGE21"): EdgeKind.RequestTLSGDAndTransformToPage21,
    _r("TLSGD_ADD_LO12_NC"): EdgeKind.RequestTLSGDAndTransformToPageOffset12,
    _r("TLSLE_ADD_TPREL_HI12"): EdgeKind.TPRelAddHi12,
    _r("TLSLE_ADD_TPREL_LO12"): EdgeKind.TPRelAddLo12,
    _r("TLSLE_ADD_TPREL_LO12_NC"): EdgeKind.TPRelAddLo12NC,
    # MOVW_TPREL_G0/G1/G2 check the signed range of their slice (and choose MOVZ or MOVN);
    # the _NC forms (MOVK) do not.
    _r("TLSLE_MOVW_TPREL_G2"): EdgeKind.TPRelMoveWide16Checked,
    _r("TLSLE_MOVW_TPREL_G1"): EdgeKind.TPRelMoveWide16Checked,
    _r("TLSLE_MOVW_TPREL_G1_NC"): EdgeKind.TPRelMoveWide16,
    _r("TLSLE_MOVW_TPREL_G0"): EdgeKind.TPRelMoveWide16Checked,
    _r("TLSLE_MOVW_TPREL_G0_NC"): EdgeKind.TPRelMoveWide16,
    # LDSTn_TPREL_LO12_NC: one kind reading the access size from the instruction (the
    # checked LDSTn_TPREL_LO12 forms, which no compiler we test emits, stay unsupported).
    _r("TLSLE_LDST8_TPREL_LO12_NC"): EdgeKind.TPRelLoadStore12,
    _r("TLSLE_LDST16_TPREL_LO12_NC"): EdgeKind.TPRelLoadStore12,
    _r("TLSLE_LDST32_TPREL_LO12_NC"): EdgeKind.TPRelLoadStore12,
    _r("TLSLE_LDST64_TPREL_LO12_NC"): EdgeKind.TPRelLoadStore12,
    _r("TLS_DTPMOD64"): EdgeKind.DTPMod64,
    _r("TLS_DTPREL64"): EdgeKind.DTPRel64,
    _r("TLS_TPREL64"): EdgeKind.TPRel64,
}

# The instructions each instruction relocation may sit on, checked as the graph is built.
ELF_AARCH64_INSTRUCTIONS: dict[int, InstructionClass] = {
    _r("MOVW_UABS_G0"): MOV_WIDE_G0,
    _r("MOVW_UABS_G0_NC"): MOV_WIDE_G0,
    _r("MOVW_UABS_G1"): MOV_WIDE_G1,
    _r("MOVW_UABS_G1_NC"): MOV_WIDE_G1,
    _r("MOVW_UABS_G2"): MOV_WIDE_G2,
    _r("MOVW_UABS_G2_NC"): MOV_WIDE_G2,
    _r("MOVW_UABS_G3"): MOV_WIDE_G3,
    _r("LD_PREL_LO19"): LDR_LITERAL,
    _r("ADR_PREL_LO21"): ADR,
    _r("ADR_PREL_PG_HI21"): ADRP,
    _r("ADR_PREL_PG_HI21_NC"): ADRP,
    _r("ADD_ABS_LO12_NC"): ADD_IMMEDIATE,
    _r("LDST8_ABS_LO12_NC"): LOAD_STORE_8,
    _r("LDST16_ABS_LO12_NC"): LOAD_STORE_16,
    _r("LDST32_ABS_LO12_NC"): LOAD_STORE_32,
    _r("LDST64_ABS_LO12_NC"): LOAD_STORE_64,
    _r("LDST128_ABS_LO12_NC"): LOAD_STORE_128,
    _r("TSTBR14"): TEST_BRANCH,
    _r("CONDBR19"): COND_BRANCH,
    _r("JUMP26"): B_OR_BL,
    _r("CALL26"): B_OR_BL,
    _r("ADR_GOT_PAGE"): ADRP,
    _r("LD64_GOT_LO12_NC"): LDR_X,
    _r("LD64_GOTPAGE_LO15"): LDR_X,
    _r("GOT_LD_PREL19"): LDR_X_LITERAL,
    _r("TLSDESC_ADR_PAGE21"): ADRP,
    _r("TLSDESC_LD64_LO12"): LDR_X,
    _r("TLSDESC_ADD_LO12"): ADD_IMMEDIATE,
    _r("TLSDESC_CALL"): BLR,
    _r("TLSIE_ADR_GOTTPREL_PAGE21"): ADRP,
    _r("TLSIE_LD64_GOTTPREL_LO12_NC"): LDR_X,
    _r("TLSGD_ADR_PAGE21"): ADRP,
    _r("TLSGD_ADD_LO12_NC"): ADD_IMMEDIATE,
    _r("TLSLE_ADD_TPREL_HI12"): ADD_IMMEDIATE_LSL12,
    _r("TLSLE_ADD_TPREL_LO12"): ADD_IMMEDIATE,
    _r("TLSLE_ADD_TPREL_LO12_NC"): ADD_IMMEDIATE,
    # Assemblers put MOVN or MOVZ under the checked forms (the fixup picks by the sign).
    _r("TLSLE_MOVW_TPREL_G2"): MOV_WIDE_ANY,
    _r("TLSLE_MOVW_TPREL_G1"): MOV_WIDE_ANY,
    _r("TLSLE_MOVW_TPREL_G1_NC"): MOV_WIDE_ANY,
    _r("TLSLE_MOVW_TPREL_G0"): MOV_WIDE_ANY,
    _r("TLSLE_MOVW_TPREL_G0_NC"): MOV_WIDE_ANY,
    _r("TLSLE_LDST8_TPREL_LO12_NC"): LOAD_STORE_8,
    _r("TLSLE_LDST16_TPREL_LO12_NC"): LOAD_STORE_16,
    _r("TLSLE_LDST32_TPREL_LO12_NC"): LOAD_STORE_32,
    _r("TLSLE_LDST64_TPREL_LO12_NC"): LOAD_STORE_64,
}

_NONE = {0, 256}  # AAELF64: 256 is the withdrawn R_AARCH64_NONE, to be treated as 0
_TLS = range(512, 574)


def relocation_type_name(rtype: int) -> str:
    return R_AARCH64.get(rtype, f"R_AARCH64 type {rtype}")


def add_relocation(builder: ELFLinkGraphBuilder, sec: ELFSection, block: Block, offset: int,
                   rtype: int, target: Symbol, addend: int) -> None:
    """Add the edge for one R_AARCH64_* relocation at ``offset`` bytes into ``block``.

    Raises UnsupportedRelocation for a type outside the table (TLS ones say so) and
    InstructionMismatch when an instruction relocation sits on the wrong instruction.
    """
    kind = ELF_AARCH64_EDGES.get(rtype)
    if kind is None:
        if rtype in _NONE:
            return
        if rtype in _TLS:  # e.g. local dynamic, which gcc and clang do not emit here
            raise builder.unsupported(sec, offset, rtype,
                                      "this thread-local storage relocation is not supported")
        raise builder.unsupported(sec, offset, rtype)
    expected = ELF_AARCH64_INSTRUCTIONS.get(rtype)
    if expected is not None:
        content = block.content
        # The usual case checked here; check_relocation_instruction words the error.
        if (content is None or offset & 3 or offset + 4 > len(content)
                or not expected.matches(_unpack_u32(content, offset)[0])):
            check_relocation_instruction(block, offset, expected, relocation_type_name(rtype),
                                         sec.name, builder.name)
    block.edges.append(Edge(kind, offset, target, addend))


_unpack_u32 = struct.Struct("<I").unpack_from

# Types add_relocation maps with no check (data relocations: no instruction to verify):
# (kind, addend adjustment). The builder adds these edges itself, without a call each.
PLAIN_RELOCATIONS: dict[int, tuple[int, int]] = {
    rtype: (kind, 0) for rtype, kind in ELF_AARCH64_EDGES.items()
    if rtype not in ELF_AARCH64_INSTRUCTIONS}


def build_elf_aarch64(data: bytes, name: str) -> LinkGraph:
    """LinkGraph for an ELF AArch64 relocatable object (``data`` is the whole file)."""
    graph = LinkGraph(name, "aarch64", 8, "little", edge_kind_name)
    return ELFLinkGraphBuilder(data, name, graph, add_relocation, relocation_type_name,
                               PLAIN_RELOCATIONS).build()


def link_elf_aarch64(graph: LinkGraph, ctx: JITLinkContext) -> None:
    """Run the ELF AArch64 pass pipeline and link ``graph`` (LLVM's link_ELF_aarch64)."""
    config = PassConfiguration()
    add_section_boundary_passes(config, elf_section_boundary, ELF_SECTION_BOUNDARY_PREFIXES)
    config.pre_prune_passes += [
        split_eh_frame,
        # FDE PC-begin fields carry R_AARCH64_PREL32 (Delta32); the CIE pointer becomes this.
        partial(fix_eh_frame_edges, neg_delta32=EdgeKind.NegDelta32),
    ]
    config.post_prune_passes += [check_ifuncs, add_eh_frame_terminator, build_got_and_plt]
    config.pre_fixup_passes += [optimize_got_and_stub_accesses]
    link(graph, ctx, config, apply_fixup, apply_block_fixups)
