"""Split ``.eh_frame`` into one block per CIE/FDE, with edges that survive dead-stripping.

Layout from the LSB's "Exception Frames" (.eh_frame) section: each record is a 4-byte length
(0xffffffff -> 8-byte extended length, 0 -> terminator), then a 4-byte CIE id (0 for a CIE) or
CIE pointer (an FDE: distance back from this field to its CIE), then for an FDE the PC-begin
field, whose relocation says which function it describes. As in LLVM's EHFrameEdgeFixer, the
function's block gets a KeepAlive edge to its FDE, so an FDE lives exactly when its function
does, and the CIE pointer becomes an edge, so it stays right when FDEs between are removed.
"""

from __future__ import annotations

import struct

from pyjitlink.errors import MalformedObject
from pyjitlink.jitlink.graph import GenericEdgeKind, LinkGraph, Symbol

EH_FRAME = ".eh_frame"


def split_eh_frame(graph: LinkGraph) -> None:
    """Pre-prune pass: one block per CIE/FDE record; drop a terminator the object carries."""
    section = graph.sections.get(EH_FRAME)
    if section is None:
        return
    for block in list(section.blocks):
        content = block.content
        if content is None:
            continue
        offset = 0
        size = block.size
        cuts = []
        while offset < size:
            if offset + 4 > size:
                raise MalformedObject(f"truncated .eh_frame record at offset {offset:#x}",
                                      graph.name)
            length = struct.unpack_from("<I", content, offset)[0]
            header = 4
            if length == 0xFFFFFFFF:
                length = struct.unpack_from("<Q", content, offset + 4)[0]
                header = 12
            if length == 0:
                # An explicit terminator inside an object: our own is added at layout time.
                cuts.append((offset, offset + 4, True))
                offset += 4
                continue
            end = offset + header + length
            if end > size:
                raise MalformedObject(f".eh_frame record at offset {offset:#x} extends past "
                                      f"the section", graph.name)
            cuts.append((offset, end, False))
            offset = end
        if not cuts:
            continue
        pieces = []
        remaining = block
        for start, end, terminator in cuts[:-1]:
            piece = graph.split_block(remaining, end - start)
            pieces.append((piece, terminator))
        pieces.append((remaining, cuts[-1][2] if cuts else False))
        for piece, terminator in pieces:
            piece.alignment = 4
            piece.alignment_offset = 0
            if terminator:
                graph.remove_block(piece)


def fix_eh_frame_edges(graph: LinkGraph, neg_delta32: int) -> None:
    """Pre-prune pass: edge for each FDE's CIE pointer, KeepAlive from function to FDE.

    ``neg_delta32`` is the architecture's ``P - S + A`` 32-bit kind (the CIE pointer is the
    distance from the field back to the CIE).
    """
    section = graph.sections.get(EH_FRAME)
    if section is None:
        return
    by_address = {b.address: b for b in section.blocks}
    cie_symbols: dict[int, Symbol] = {}
    for block in section.blocks:
        content = block.content
        if content is None or block.size < 8:
            continue
        length = struct.unpack_from("<I", content, 0)[0]
        id_offset = 12 if length == 0xFFFFFFFF else 4
        cie_pointer = struct.unpack_from("<I", content, id_offset)[0]
        if cie_pointer == 0:
            continue  # a CIE
        cie_address = block.address + id_offset - cie_pointer
        cie = by_address.get(cie_address)
        if cie is None:
            raise MalformedObject(f"FDE at .eh_frame+{block.address:#x} points to no CIE",
                                  graph.name)
        cie_sym = cie_symbols.get(id(cie))
        if cie_sym is None:
            cie_sym = cie_symbols[id(cie)] = graph.add_anonymous_symbol(cie, 0)
        block.add_edge(neg_delta32, id_offset, cie_sym, 0)
        pc_begin = id_offset + 4
        for edge in block.edges:
            if edge.offset == pc_begin and edge.target.block is not None:
                fde_sym = graph.add_anonymous_symbol(block, 0)
                edge.target.block.add_edge(GenericEdgeKind.KeepAlive, 0, fde_sym, 0)
                break


def add_eh_frame_terminator(graph: LinkGraph) -> None:
    """Post-prune pass: a zero-length record ends the section, for ``__register_frame``."""
    section = graph.sections.get(EH_FRAME)
    if section is None or not section.blocks:
        return
    end = max(b.address + b.size for b in section.blocks)
    block = graph.create_content_block(section, bytes(4), end, 4)
    graph.add_anonymous_symbol(block, 0, 4, live=True)
