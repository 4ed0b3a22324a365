"""Mach-O arm64: ARM64_RELOC_* -> edge kind mapping, its quirks, and the link pipeline.

Relocation numbers from <mach-o/arm64/reloc.h>; the semantics follow ld64 and LLVM's
MachO_arm64.cpp. Every type maps onto an edge kind of ``pyjitlink.arch.aarch64`` (the one
Mach-O adds there is RequestGOTAndTransformToPointer64, for ``.quad _sym@GOT``):

* Data relocations (UNSIGNED, SUBTRACTOR pairs) carry their addend in the field, as on
  x86-64; POINTER_TO_GOT takes none.
* Instruction relocations (BRANCH26, PAGE21, PAGEOFF12 and the GOT_LOAD pair) carry none:
  the instruction's immediate is zero and a preceding ARM64_RELOC_ADDEND at the same address
  holds a signed 24-bit addend in its symbol-number field. GOT loads take no addend.
* arm64 assemblers relocate against symbols, never sections: a local reference names the
  section's start symbol (``ltmp0``) plus an addend, so the target is re-found by address
  once sections are split into subsections.
"""

from __future__ import annotations

from pyjitlink.arch.aarch64 import (
    ADRP,
    B_OR_BL,
    LDR_X,
    PAGE_OFFSET_12,
    EdgeKind,
    InstructionClass,
    apply_block_fixups,
    apply_fixup,
    build_got_and_plt,
    check_relocation_instruction,
    edge_kind_name,
    optimize_got_and_stub_accesses,
)
from pyjitlink.formats.macho import (
    DeltaKinds,
    MachOLinkGraphBuilder,
    MachOSection,
    Relocation,
    add_eh_frame_passes,
    add_subtractor,
    macho_section_boundary,
    paired_unsigned,
    read_implicit_addend,
)
from pyjitlink.jitlink.graph import Edge, LinkGraph
from pyjitlink.jitlink.linker import JITLinkContext, link
from pyjitlink.jitlink.passes import PassConfiguration, add_section_boundary_passes
from pyjitlink.jitlink.target import Arch, ObjectFormat

ARM64_RELOC = {
    0: "ARM64_RELOC_UNSIGNED", 1: "ARM64_RELOC_SUBTRACTOR", 2: "ARM64_RELOC_BRANCH26",
    3: "ARM64_RELOC_PAGE21", 4: "ARM64_RELOC_PAGEOFF12", 5: "ARM64_RELOC_GOT_LOAD_PAGE21",
    6: "ARM64_RELOC_GOT_LOAD_PAGEOFF12", 7: "ARM64_RELOC_POINTER_TO_GOT",
    8: "ARM64_RELOC_TLVP_LOAD_PAGE21", 9: "ARM64_RELOC_TLVP_LOAD_PAGEOFF12",
    10: "ARM64_RELOC_ADDEND", 11: "ARM64_RELOC_AUTHENTICATED_POINTER",
}
(UNSIGNED, SUBTRACTOR, BRANCH26, PAGE21, PAGEOFF12, GOT_LOAD_PAGE21, GOT_LOAD_PAGEOFF12,
 POINTER_TO_GOT, TLVP_LOAD_PAGE21, TLVP_LOAD_PAGEOFF12, ADDEND, AUTHENTICATED_POINTER) = range(12)

# (type, pcrel, log2 length) -> (edge kind, the instructions it may patch or None for data).
MACHO_ARM64_EDGES: dict[tuple[int, bool, int], tuple[EdgeKind, InstructionClass | None]] = {
    (UNSIGNED, False, 3): (EdgeKind.Pointer64, None),
    (UNSIGNED, False, 2): (EdgeKind.Pointer32, None),
    (BRANCH26, True, 2): (EdgeKind.Branch26PCRel, B_OR_BL),
    (PAGE21, True, 2): (EdgeKind.Page21, ADRP),
    # ADD (immediate) or a load/store whose access size scales the offset, as ELF's
    # ADD_ABS_LO12_NC / LDSTn_ABS_LO12_NC (one relocation type covers them all here).
    (PAGEOFF12, False, 2): (EdgeKind.PageOffset12, PAGE_OFFSET_12),
    (GOT_LOAD_PAGE21, True, 2): (EdgeKind.RequestGOTAndTransformToPage21, ADRP),
    (GOT_LOAD_PAGEOFF12, False, 2): (EdgeKind.RequestGOTAndTransformToPageOffset12, LDR_X),
    # ``.long _sym@GOT - .``: GOT entry - P; ``.quad _sym@GOT``: the GOT entry's address.
    (POINTER_TO_GOT, True, 2): (EdgeKind.RequestGOTAndTransformToDelta32, None),
    (POINTER_TO_GOT, False, 3): (EdgeKind.RequestGOTAndTransformToPointer64, None),
    # TLVP_LOAD_PAGE21/PAGEOFF12: ``adrp x0, _v@TLVPPAGE; ldr x0, [x0, _v@TLVPPAGEOFF]``
    # loads the address of _v's descriptor (in __thread_vars) to call its getter: a GOT load
    # of it (LLVM's RequestTLVPAndTransformToPage21/PageOffset12).
    (TLVP_LOAD_PAGE21, True, 2): (EdgeKind.RequestGOTAndTransformToPage21, ADRP),
    (TLVP_LOAD_PAGEOFF12, False, 2): (EdgeKind.RequestGOTAndTransformToPageOffset12, LDR_X),
}
# Types an ARM64_RELOC_ADDEND may precede (ld64 and LLVM accept no others).
_TAKES_ADDEND = {BRANCH26, PAGE21, PAGEOFF12}
# The immediate field each instruction relocation expects to find zero: imm26, the ADRP
# immhi:immlo, imm12.
_IMMEDIATE_MASKS = {BRANCH26: 0x03FFFFFF, PAGE21: 0x60FFFFE0, GOT_LOAD_PAGE21: 0x60FFFFE0,
                    PAGEOFF12: 0x003FFC00, GOT_LOAD_PAGEOFF12: 0x003FFC00,
                    TLVP_LOAD_PAGE21: 0x60FFFFE0, TLVP_LOAD_PAGEOFF12: 0x003FFC00}

DELTA_KINDS = DeltaKinds(EdgeKind.Delta32, EdgeKind.Delta64, EdgeKind.NegDelta32,
                              EdgeKind.NegDelta64)


def relocation_type_name(rtype: int) -> str:
    return ARM64_RELOC.get(rtype, f"ARM64_RELOC type {rtype}")


def _signed24(value: int) -> int:
    return value - (1 << 24) if value & (1 << 23) else value


def add_relocations(builder: MachOLinkGraphBuilder, sec: MachOSection,
                    relocations: list[Relocation]) -> None:
    """Add the edges for one section's ARM64_RELOC_* entries.

    Raises UnsupportedRelocation for pointer-authentication relocations, malformed pairs
    (ADDEND not followed by BRANCH26/PAGE21/PAGEOFF12 at the same address, SUBTRACTOR not
    followed by UNSIGNED), for a non-extern instruction relocation and for an instruction
    immediate that is not zero; InstructionMismatch when an instruction relocation sits on
    the wrong instruction.
    """
    i = 0
    while i < len(relocations):
        rel = relocations[i]
        i += 1
        block, offset = builder.block_at(sec, rel.address)
        if block.content is None:
            raise builder.unsupported(sec, rel.address, rel.type, "relocation in zero-fill "
                                                                  "section:")
        pending_addend = None
        if rel.type == ADDEND:
            follower = relocations[i] if i < len(relocations) else None
            if follower is None or follower.type not in _TAKES_ADDEND or \
                    follower.address != rel.address:
                raise builder.unsupported(sec, rel.address, rel.type, "ADDEND is not followed "
                                          "by a BRANCH26, PAGE21 or PAGEOFF12 at the same "
                                          "place:")
            pending_addend = _signed24(rel.symbolnum)
            rel = follower
            i += 1
        if rel.type == SUBTRACTOR:
            uns = paired_unsigned(builder, sec, relocations, i, rel)
            add_subtractor(builder, sec, block, offset, rel, uns, DELTA_KINDS)
            i += 1
            continue
        entry = MACHO_ARM64_EDGES.get((rel.type, rel.pcrel, rel.length))
        if entry is None:
            if rel.type == AUTHENTICATED_POINTER:
                why = "pointer authentication (arm64e) is not supported"
            elif rel.type in ARM64_RELOC:
                why = f"unsupported pcrel={int(rel.pcrel)} length={1 << rel.length} form of"
            else:
                why = "unsupported relocation"
            raise builder.unsupported(sec, rel.address, rel.type, why)
        kind, instructions = entry
        if instructions is not None:
            word = check_relocation_instruction(block, offset, instructions,
                                                relocation_type_name(rel.type), sec.name,
                                                builder.name)
            if word & _IMMEDIATE_MASKS[rel.type]:
                raise builder.unsupported(sec, rel.address, rel.type, "instruction immediate "
                                          "is not zero (the addend belongs in an "
                                          "ARM64_RELOC_ADDEND) in")
            if not rel.extern:
                raise builder.unsupported(sec, rel.address, rel.type, "section-relative "
                                          "(non-extern) form of")
            target = builder.symbol_by_index(sec, rel)
            addend = pending_addend or 0
        elif rel.type == POINTER_TO_GOT:
            # The relocation alone defines the value (GOT entry - P, or the entry's address);
            # the assembler leaves -P in a PC-relative field, which LLVM and ld64 ignore.
            if not rel.extern:
                raise builder.unsupported(sec, rel.address, rel.type, "section-relative "
                                          "(non-extern) form of")
            target = builder.symbol_by_index(sec, rel)
            addend = 0
        else:
            addend = read_implicit_addend(builder, sec, block, offset, rel)
            if rel.extern:
                target = builder.symbol_by_index(sec, rel)
            else:
                target = builder.symbol_by_address(rel.symbolnum, addend)
                addend -= target.address
        if kind not in (EdgeKind.RequestGOTAndTransformToPage21,
                        EdgeKind.RequestGOTAndTransformToPageOffset12,
                        EdgeKind.RequestGOTAndTransformToDelta32,
                        EdgeKind.RequestGOTAndTransformToPointer64):
            target, addend = builder.target_by_address(target, addend)
        block.edges.append(Edge(kind, offset, target, addend))


def build_macho_arm64(data: bytes, name: str) -> LinkGraph:
    """LinkGraph for a Mach-O arm64 relocatable object (``data`` is the whole file)."""
    graph = LinkGraph(name, Arch.AARCH64, 8, "little", edge_kind_name,
                      object_format=ObjectFormat.MACHO)
    return MachOLinkGraphBuilder(data, name, graph, add_relocations, relocation_type_name,
                                 "arm64").build()


def link_macho_arm64(graph: LinkGraph, ctx: JITLinkContext) -> None:
    """Run the Mach-O arm64 pass pipeline and link ``graph`` (LLVM's link_MachO_arm64)."""
    config = PassConfiguration()
    add_section_boundary_passes(config, macho_section_boundary)
    add_eh_frame_passes(config, DELTA_KINDS)
    config.post_prune_passes.append(build_got_and_plt)
    config.pre_fixup_passes += [optimize_got_and_stub_accesses]
    link(graph, ctx, config, apply_fixup, apply_block_fixups)
