"""Mach-O x86-64: X86_64_RELOC_* -> edge kind mapping, its quirks, and the link pipeline.

Relocation numbers from <mach-o/x86_64/reloc.h>; the semantics follow LLVM's
MachO_x86_64.cpp. Mach-O addends are implicit: they are read from the fixup's content. A
non-extern relocation names a section (1-based) and the content holds the target's address
in the object, from which the target block is found. Every type maps onto an existing edge
kind of ``pyjitlink.arch.x86_64``.
"""

from __future__ import annotations

from pyjitlink.arch.x86_64 import (
    EdgeKind,
    apply_block_fixups,
    apply_fixup,
    build_got_and_plt,
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

X86_64_RELOC = {
    0: "X86_64_RELOC_UNSIGNED", 1: "X86_64_RELOC_SIGNED", 2: "X86_64_RELOC_BRANCH",
    3: "X86_64_RELOC_GOT_LOAD", 4: "X86_64_RELOC_GOT", 5: "X86_64_RELOC_SUBTRACTOR",
    6: "X86_64_RELOC_SIGNED_1", 7: "X86_64_RELOC_SIGNED_2", 8: "X86_64_RELOC_SIGNED_4",
    9: "X86_64_RELOC_TLV",
}
UNSIGNED, SIGNED, BRANCH, GOT_LOAD, GOT, SUBTRACTOR, SIGNED_1, SIGNED_2, SIGNED_4, TLV = range(10)

# (type, pcrel, log2 length) -> (edge kind, addend bias). A PC-relative field is relative to
# its own end (P + 4): Delta32 (S + A - P) gets that bias in the addend, the Branch/GOT-load
# kinds apply it themselves. SIGNED_N: the instruction has an N-byte immediate after the
# field, which the assembler already folded into the content (-N) for an extern target.
MACHO_X86_64_EDGES: dict[tuple[int, bool, int], tuple[EdgeKind, int]] = {
    (UNSIGNED, False, 3): (EdgeKind.Pointer64, 0),
    (UNSIGNED, False, 2): (EdgeKind.Pointer32, 0),
    (SIGNED, True, 2): (EdgeKind.Delta32, -4),
    (SIGNED_1, True, 2): (EdgeKind.Delta32, -4),
    (SIGNED_2, True, 2): (EdgeKind.Delta32, -4),
    (SIGNED_4, True, 2): (EdgeKind.Delta32, -4),
    (BRANCH, True, 2): (EdgeKind.BranchPCRel32, 0),
    # GOT_LOAD marks a movq from the GOT: relaxable to leaq (the instruction has a REX.W).
    (GOT_LOAD, True, 2): (EdgeKind.RequestGOTAndTransformToPCRel32GOTLoadREXRelaxable, 0),
    (GOT, True, 2): (EdgeKind.RequestGOTAndTransformToDelta32, -4),
    # TLV: ``movq _v@TLVP(%rip), %rdi`` loads the address of _v's descriptor (in
    # __thread_vars) to call its getter: a GOT load of it, relaxable to leaq as GOT_LOAD
    # (LLVM's RequestTLVPAndTransformToPCRel32TLVPLoadREXRelaxable).
    (TLV, True, 2): (EdgeKind.RequestGOTAndTransformToPCRel32GOTLoadREXRelaxable, 0),
}
# For a non-extern PC-relative target, the field is relative to P + 4 + N.
_SIGNED_EXTRA = {SIGNED: 0, SIGNED_1: 1, SIGNED_2: 2, SIGNED_4: 4, BRANCH: 0}


def relocation_type_name(rtype: int) -> str:
    return X86_64_RELOC.get(rtype, f"X86_64_RELOC type {rtype}")


def add_relocations(builder: MachOLinkGraphBuilder, sec: MachOSection,
                    relocations: list[Relocation]) -> None:
    """Add the edges for one section's X86_64_RELOC_* entries."""
    i = 0
    while i < len(relocations):
        rel = relocations[i]
        i += 1
        block, offset = builder.block_at(sec, rel.address)
        if block.content is None:
            raise builder.unsupported(sec, rel.address, rel.type, "relocation in zero-fill "
                                                                  "section:")
        if rel.type == SUBTRACTOR:
            uns = paired_unsigned(builder, sec, relocations, i, rel)
            add_subtractor(builder, sec, block, offset, rel, uns, DELTA_KINDS)
            i += 1
            continue
        entry = MACHO_X86_64_EDGES.get((rel.type, rel.pcrel, rel.length))
        if entry is None:
            why = "unsupported relocation"
            if rel.type in X86_64_RELOC:
                why = (f"unsupported pcrel={int(rel.pcrel)} length={1 << rel.length} form "
                       f"of")
            raise builder.unsupported(sec, rel.address, rel.type, why)
        kind, bias = entry
        content = read_implicit_addend(builder, sec, block, offset, rel)
        if rel.extern:
            target = builder.symbol_by_index(sec, rel)
            addend = content + bias
        elif rel.type in (GOT, GOT_LOAD, TLV):
            raise builder.unsupported(sec, rel.address, rel.type, "GOT reference to a "
                                                                  "section (non-extern):")
        else:
            if rel.pcrel:
                # The content is the target's object address relative to the field's end.
                extra = _SIGNED_EXTRA[rel.type]
                address = sec.addr + rel.address + 4 + extra + content
                target = builder.symbol_by_address(rel.symbolnum, address)
                addend = address - target.address - 4 - extra
                if rel.type == BRANCH:
                    addend += 4
            else:
                target = builder.symbol_by_address(rel.symbolnum, content)
                addend = content - target.address
        if kind == EdgeKind.RequestGOTAndTransformToPCRel32GOTLoadREXRelaxable and addend:
            # Not a plain movq foo@GOTPCREL(%rip): keep the GOT load but do not relax it.
            kind, addend = EdgeKind.RequestGOTAndTransformToDelta32, addend - 4
        block.edges.append(Edge(kind, offset, target, addend))


DELTA_KINDS = DeltaKinds(EdgeKind.Delta32, EdgeKind.Delta64, EdgeKind.NegDelta32,
                              EdgeKind.NegDelta64)


def build_macho_x86_64(data: bytes, name: str) -> LinkGraph:
    """LinkGraph for a Mach-O x86-64 relocatable object (``data`` is the whole file)."""
    graph = LinkGraph(name, Arch.X86_64, 8, "little", edge_kind_name,
                      object_format=ObjectFormat.MACHO)
    return MachOLinkGraphBuilder(data, name, graph, add_relocations, relocation_type_name,
                                 "x86-64").build()


def link_macho_x86_64(graph: LinkGraph, ctx: JITLinkContext) -> None:
    """Run the Mach-O x86-64 pass pipeline and link ``graph`` (LLVM's link_MachO_x86_64)."""
    config = PassConfiguration()
    add_section_boundary_passes(config, macho_section_boundary)
    add_eh_frame_passes(config, DELTA_KINDS)
    config.post_prune_passes.append(build_got_and_plt)
    config.pre_fixup_passes += [optimize_got_and_stub_accesses]
    link(graph, ctx, config, apply_fixup, apply_block_fixups)
