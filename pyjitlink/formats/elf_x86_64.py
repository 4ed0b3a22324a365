"""ELF x86-64: the R_X86_64_* -> edge kind table, its quirks, and the link pipeline.

Relocation numbers and formulas: System V x86-64 psABI, table 4.10 (and 4.12 for the large
model). Each type maps to one edge kind of ``pyjitlink.arch.x86_64``; code below exists only for
the quirks, each commented.
"""

from __future__ import annotations

from functools import partial

from pyjitlink.arch.x86_64 import (
    EdgeKind,
    apply_block_fixups,
    apply_fixup,
    build_got_and_plt,
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
from pyjitlink.jitlink.target import Arch

R_X86_64 = {
    0: "R_X86_64_NONE", 1: "R_X86_64_64", 2: "R_X86_64_PC32", 3: "R_X86_64_GOT32",
    4: "R_X86_64_PLT32", 5: "R_X86_64_COPY", 6: "R_X86_64_GLOB_DAT", 7: "R_X86_64_JUMP_SLOT",
    8: "R_X86_64_RELATIVE", 9: "R_X86_64_GOTPCREL", 10: "R_X86_64_32", 11: "R_X86_64_32S",
    12: "R_X86_64_16", 13: "R_X86_64_PC16", 14: "R_X86_64_8", 15: "R_X86_64_PC8",
    16: "R_X86_64_DTPMOD64", 17: "R_X86_64_DTPOFF64", 18: "R_X86_64_TPOFF64",
    19: "R_X86_64_TLSGD", 20: "R_X86_64_TLSLD", 21: "R_X86_64_DTPOFF32",
    22: "R_X86_64_GOTTPOFF", 23: "R_X86_64_TPOFF32", 24: "R_X86_64_PC64",
    25: "R_X86_64_GOTOFF64", 26: "R_X86_64_GOTPC32", 27: "R_X86_64_GOT64",
    28: "R_X86_64_GOTPCREL64", 29: "R_X86_64_GOTPC64", 30: "R_X86_64_GOTPLT64",
    31: "R_X86_64_PLTOFF64", 32: "R_X86_64_SIZE32", 33: "R_X86_64_SIZE64",
    34: "R_X86_64_GOTPC32_TLSDESC", 35: "R_X86_64_TLSDESC_CALL", 36: "R_X86_64_TLSDESC",
    37: "R_X86_64_IRELATIVE", 38: "R_X86_64_RELATIVE64", 41: "R_X86_64_GOTPCRELX",
    42: "R_X86_64_REX_GOTPCRELX",
}
_BY_NAME = {name: num for num, name in R_X86_64.items()}

R_X86_64_NONE = 0
R_X86_64_PLT32 = 4
R_X86_64_GOTPCRELX = 41
R_X86_64_REX_GOTPCRELX = 42

ELF_X86_64_EDGES: dict[int, EdgeKind] = {
    _BY_NAME["R_X86_64_64"]: EdgeKind.Pointer64,
    _BY_NAME["R_X86_64_PC32"]: EdgeKind.Delta32,
    # R_X86_64_PLT32 -> BranchPCRel32: the kind applies the -4 PC bias itself, so addend += 4.
    R_X86_64_PLT32: EdgeKind.BranchPCRel32,
    _BY_NAME["R_X86_64_32"]: EdgeKind.Pointer32,
    _BY_NAME["R_X86_64_32S"]: EdgeKind.Pointer32Signed,
    _BY_NAME["R_X86_64_16"]: EdgeKind.Pointer16,
    _BY_NAME["R_X86_64_8"]: EdgeKind.Pointer8,
    _BY_NAME["R_X86_64_PC16"]: EdgeKind.Delta16,
    _BY_NAME["R_X86_64_PC8"]: EdgeKind.Delta8,
    _BY_NAME["R_X86_64_PC64"]: EdgeKind.Delta64,
    _BY_NAME["R_X86_64_GOTPCREL"]: EdgeKind.RequestGOTAndTransformToDelta32,
    # GOTPCRELX/REX_GOTPCRELX: relaxable GOT loads; the kind applies the -4 bias (addend += 4).
    R_X86_64_GOTPCRELX: EdgeKind.RequestGOTAndTransformToPCRel32GOTLoadRelaxable,
    R_X86_64_REX_GOTPCRELX: EdgeKind.RequestGOTAndTransformToPCRel32GOTLoadREXRelaxable,
    _BY_NAME["R_X86_64_GOTPCREL64"]: EdgeKind.RequestGOTAndTransformToDelta64,
    # GOTPC32/GOTPC64 name _GLOBAL_OFFSET_TABLE_ as their symbol: GOT + A - P is then a plain
    # delta to the graph's GOT base, which build_got_and_plt binds that name to.
    _BY_NAME["R_X86_64_GOTPC32"]: EdgeKind.Delta32,
    _BY_NAME["R_X86_64_GOTPC64"]: EdgeKind.Delta64,
    _BY_NAME["R_X86_64_GOTOFF64"]: EdgeKind.Delta64FromGOT,
    _BY_NAME["R_X86_64_GOT64"]: EdgeKind.RequestGOTAndTransformToDelta64FromGOT,
    # PLTOFF64 is L - GOT + A; a 64-bit field reaches any target, so L may be S itself
    # (the psABI lets the linker resolve a PLT reference directly).
    _BY_NAME["R_X86_64_PLTOFF64"]: EdgeKind.Delta64FromGOT,
    _BY_NAME["R_X86_64_SIZE32"]: EdgeKind.Size32,
    _BY_NAME["R_X86_64_SIZE64"]: EdgeKind.Size64,
    # Thread-local storage (psABI 4.4; Drepper, "ELF Handling For Thread-Local Storage" 4.3).
    # TLSGD/TLSLD/GOTTPOFF/GOTPC32_TLSDESC address a GOT entry PC-relatively with the
    # instruction's -4 in the addend, which the transformed Delta32 keeps.
    _BY_NAME["R_X86_64_TLSGD"]: EdgeKind.RequestTLSGDAndTransformToDelta32,
    _BY_NAME["R_X86_64_TLSLD"]: EdgeKind.RequestTLSLDAndTransformToDelta32,
    _BY_NAME["R_X86_64_DTPOFF32"]: EdgeKind.DTPOff32,
    _BY_NAME["R_X86_64_DTPOFF64"]: EdgeKind.DTPOff64,
    _BY_NAME["R_X86_64_DTPMOD64"]: EdgeKind.DTPMod64,
    _BY_NAME["R_X86_64_GOTTPOFF"]: EdgeKind.RequestGOTTPOffAndTransformToDelta32,
    _BY_NAME["R_X86_64_TPOFF32"]: EdgeKind.TPOff32,
    _BY_NAME["R_X86_64_TPOFF64"]: EdgeKind.TPOff64,
    _BY_NAME["R_X86_64_GOTPC32_TLSDESC"]: EdgeKind.RequestTLSDescAndTransformToDelta32,
    _BY_NAME["R_X86_64_TLSDESC_CALL"]: EdgeKind.TLSDescCall,
}

_PC_BIASED = {R_X86_64_PLT32, R_X86_64_GOTPCRELX, R_X86_64_REX_GOTPCRELX}


def relocation_type_name(rtype: int) -> str:
    return R_X86_64.get(rtype, f"R_X86_64 type {rtype}")


def add_relocation(builder: ELFLinkGraphBuilder, sec: ELFSection, block: Block, offset: int,
                   rtype: int, target: Symbol, addend: int) -> None:
    """Add the edge for one R_X86_64_* relocation at ``offset`` bytes into ``block``."""
    kind = ELF_X86_64_EDGES.get(rtype)
    if kind is None:
        if rtype == R_X86_64_NONE:
            return
        raise builder.unsupported(sec, offset, rtype)
    if kind in (EdgeKind.Size32, EdgeKind.Size64) and not target.is_defined:
        # Symbol sizes do not travel through lookups: only a definition in this object has one.
        raise builder.unsupported(sec, offset, rtype, f"size of symbol {target.name} defined in "
                                                      f"another object is not known for")
    if rtype in _PC_BIASED:
        if rtype != R_X86_64_PLT32 and addend != -4:
            # A GOTPCRELX with an unusual addend is not an instruction operand we may relax.
            kind = EdgeKind.RequestGOTAndTransformToDelta32
        else:
            addend += 4
    block.edges.append(Edge(kind, offset, target, addend))


# Types add_relocation would map with no check: (kind, addend adjustment). The builder adds
# these edges itself, without a call per relocation.
PLAIN_RELOCATIONS: dict[int, tuple[int, int]] = {
    rtype: (kind, 0) for rtype, kind in ELF_X86_64_EDGES.items()
    if rtype not in _PC_BIASED and kind not in (EdgeKind.Size32, EdgeKind.Size64)}
PLAIN_RELOCATIONS[R_X86_64_PLT32] = (EdgeKind.BranchPCRel32, 4)  # the kind's -4 PC bias


def build_elf_x86_64(data: bytes, name: str) -> LinkGraph:
    """LinkGraph for an ELF x86-64 relocatable object (``data`` is the whole file)."""
    graph = LinkGraph(name, Arch.X86_64, 8, "little", edge_kind_name)
    return ELFLinkGraphBuilder(data, name, graph, add_relocation, relocation_type_name,
                               PLAIN_RELOCATIONS).build()


def link_elf_x86_64(graph: LinkGraph, ctx: JITLinkContext) -> None:
    """Run the ELF x86-64 pass pipeline and link ``graph`` (LLVM's link_ELF_x86_64)."""
    config = PassConfiguration()
    add_section_boundary_passes(config, elf_section_boundary, ELF_SECTION_BOUNDARY_PREFIXES)
    config.pre_prune_passes += [
        split_eh_frame,
        partial(fix_eh_frame_edges, neg_delta32=EdgeKind.NegDelta32),
    ]
    config.post_prune_passes += [check_ifuncs, add_eh_frame_terminator, build_got_and_plt]
    config.pre_fixup_passes += [optimize_got_and_stub_accesses]
    link(graph, ctx, config, apply_fixup, apply_block_fixups)
