"""Split ``.eh_frame`` into one block per CIE/FDE, with edges that survive dead-stripping.

Layout from the LSB's "Exception Frames" (.eh_frame) section: each record is a 4-byte length
(0xffffffff -> 8-byte extended length, 0 -> terminator), then a 4-byte CIE id (0 for a CIE) or
CIE pointer (an FDE: distance back from this field to its CIE), then for an FDE the PC-begin
field, whose relocation says which function it describes. As in LLVM's EHFrameEdgeFixer, the
function's block gets a KeepAlive edge to its FDE, so an FDE lives exactly when its function
does, and the CIE pointer becomes an edge, so it stays right when FDEs between are removed.
"""

from __future__ import annotations

import bisect
import struct

from pyjitlink.errors import MalformedObject
from pyjitlink.jitlink.graph import Block, GenericEdgeKind, LinkGraph, Section, Symbol

EH_FRAME = ".eh_frame"
MACHO_EH_FRAME = "__TEXT,__eh_frame"  # the same records, in a Mach-O object


def split_eh_frame(graph: LinkGraph, section_name: str = EH_FRAME) -> None:
    """Pre-prune pass: one block per CIE/FDE record; drop a terminator the object carries.
    ``section_name`` is the format's name for it (Mach-O: ``__TEXT,__eh_frame``)."""
    section = graph.sections.get(section_name)
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
                raise MalformedObject(f"truncated {section_name} record at offset "
                                      f"{offset:#x}", graph.name)
            length = struct.unpack_from("<I", content, offset)[0]
            header = 4
            if length == 0xFFFFFFFF:
                if offset + 12 > size:
                    raise MalformedObject(f"truncated {section_name} record at offset "
                                          f"{offset:#x}", graph.name)
                length = struct.unpack_from("<Q", content, offset + 4)[0]
                header = 12
            if length == 0:
                # An explicit terminator inside an object: our own is added at layout time.
                cuts.append((offset, offset + 4, True))
                offset += 4
                continue
            end = offset + header + length
            if end > size:
                raise MalformedObject(f"{section_name} record at offset {offset:#x} extends "
                                      f"past the section", graph.name)
            cuts.append((offset, end, False))
            offset = end
        if not cuts:
            continue
        pieces = graph.split_block_at(block, [end for _, end, _ in cuts[:-1]])
        for piece, (_, _, terminator) in zip(pieces, cuts):
            piece.alignment = 4
            piece.alignment_offset = 0
            if terminator:
                graph.remove_block(piece)


def fix_eh_frame_edges(graph: LinkGraph, neg_delta32: int, section_name: str = EH_FRAME,
                       implicit_delta: dict[int, int] | None = None) -> None:
    """Pre-prune pass: edge for each FDE's CIE pointer, KeepAlive from function to FDE.

    ``neg_delta32`` is the architecture's ``P - S + A`` 32-bit kind (the CIE pointer is the
    distance from the field back to the CIE). ``implicit_delta`` (Mach-O) maps a field size
    in bytes (4, 8) to the architecture's ``S + A - P`` kind: an FDE whose PC-begin (or LSDA)
    field has no relocation then gets an edge to the block at the address the field encodes,
    as LLVM's EHFrameEdgeFixer does, because Mach-O assemblers resolve those PC-relative
    fields within the object and emit no relocation. Only PC-relative encodings
    (DW_EH_PE_pcrel) can be recovered that way; an absolute one without a relocation is
    MalformedObject.
    """
    section = graph.sections.get(section_name)
    if section is None:
        return
    by_address = {b.address: b for b in section.blocks}
    cie_symbols: dict[int, Symbol] = {}
    cie_encodings: dict[int, tuple[int, int]] = {}
    finder: _BlockFinder | None = None
    for block in section.blocks:
        content = block.content
        if content is None or block.size < 8:
            continue
        length = struct.unpack_from("<I", content, 0)[0]
        id_offset = 12 if length == 0xFFFFFFFF else 4
        if id_offset + 4 > block.size:
            raise MalformedObject(f"truncated {section_name} record at "
                                  f"{block.address:#x}", graph.name)
        cie_pointer = struct.unpack_from("<I", content, id_offset)[0]
        # A CIE pointer that carries a relocation (a Mach-O SUBTRACTOR pair) is read from
        # its edge, as LLVM's EHFrameEdgeFixer does: the content is then only an addend.
        cie_edge = next((e for e in block.edges if e.offset == id_offset), None)
        if cie_edge is None and cie_pointer == 0:
            continue  # a CIE
        if cie_edge is not None:
            cie_address = cie_edge.target.address
        else:
            cie_address = (block.address + id_offset - cie_pointer) % (1 << 64)
        cie = by_address.get(cie_address)
        if cie is None:
            raise MalformedObject(f"FDE at {section_name}+{block.address:#x} points to no CIE "
                                  f"(address {cie_address:#x})", graph.name,
                                  f"No CIE found at address {cie_address:#x}")
        if cie_edge is None:
            cie_sym = cie_symbols.get(id(cie))
            if cie_sym is None:
                cie_sym = cie_symbols[id(cie)] = graph.add_anonymous_symbol(cie, 0)
            block.add_edge(neg_delta32, id_offset, cie_sym, 0)
        pc_begin = id_offset + 4
        if implicit_delta is not None:
            encodings = cie_encodings.get(id(cie))
            if encodings is None:
                encodings = cie_encodings[id(cie)] = _cie_pointer_encodings(graph, cie)
            if finder is None:
                finder = _BlockFinder(graph, section)
            _add_implicit_edges(graph, block, pc_begin, encodings, implicit_delta, finder)
        for edge in block.edges:
            if edge.offset == pc_begin and edge.target.block is not None:
                fde_sym = graph.add_anonymous_symbol(block, 0)
                edge.target.block.add_edge(GenericEdgeKind.KeepAlive, 0, fde_sym, 0)
                break


# DW_EH_PE_* value formats (LSB "DWARF Exception Header Encoding"): low nibble -> bytes.
_ENCODING_SIZES = {0x0: 8, 0x2: 2, 0x3: 4, 0x4: 8, 0xA: 2, 0xB: 4, 0xC: 8}
DW_EH_PE_OMIT = 0xFF
DW_EH_PE_PCREL = 0x10


def _leb128(data: bytes, at: int, signed: bool) -> tuple[int, int]:
    value = shift = 0
    while True:
        if at >= len(data):
            raise IndexError(f"truncated LEB128 at offset {at:#x}")
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            if signed and byte & 0x40:
                value -= 1 << shift
            return value, at


def read_uleb128(data: bytes, at: int) -> tuple[int, int]:
    """(value, offset after it) of the unsigned LEB128 at ``data[at]`` (DWARF 5, 7.6);
    IndexError if it runs past the end."""
    return _leb128(data, at, False)


def read_sleb128(data: bytes, at: int) -> tuple[int, int]:
    """(value, offset after it) of the signed LEB128 at ``data[at]`` (DWARF 5, 7.6);
    IndexError if it runs past the end."""
    return _leb128(data, at, True)


def _cie_pointer_encodings(graph: LinkGraph, cie: Block) -> tuple[int, int]:
    """(FDE pointer encoding, LSDA encoding) from a CIE's augmentation ("zR", "zPLR", ...);
    DW_EH_PE_absptr and DW_EH_PE_omit when it names none."""
    assert cie.content is not None
    content = bytes(cie.content)
    try:
        length = struct.unpack_from("<I", content, 0)[0]
        offset = (16 if length == 0xFFFFFFFF else 8) + 1  # past the CIE id and version
        version = content[offset - 1]
        end = content.index(b"\0", offset)
        augmentation = content[offset:end].decode("ascii")
        offset = end + 1
        if "eh" in augmentation:
            offset += 8
        _, offset = read_uleb128(content, offset)  # code alignment factor
        _, offset = read_uleb128(content, offset)  # data alignment factor (a SLEB, skipped alike)
        if version == 1:
            offset += 1
        else:
            _, offset = read_uleb128(content, offset)  # return address register
        fde_encoding, lsda_encoding = 0, DW_EH_PE_OMIT
        if augmentation.startswith("z"):
            _, offset = read_uleb128(content, offset)
            for letter in augmentation[1:]:
                if letter == "R":
                    fde_encoding = content[offset]
                    offset += 1
                elif letter == "L":
                    lsda_encoding = content[offset]
                    offset += 1
                elif letter == "P":
                    offset += 1 + _ENCODING_SIZES.get(content[offset] & 0xF, 8)
    except (IndexError, ValueError, UnicodeDecodeError, struct.error):
        raise MalformedObject(f"unreadable CIE at {cie.section.name}+{cie.address:#x}",
                              graph.name) from None
    return fde_encoding, lsda_encoding


class _BlockFinder:
    """The block outside the frame section that holds a pre-layout address."""

    def __init__(self, graph: LinkGraph, frames: Section) -> None:
        blocks = sorted((b for b in graph.blocks() if b.section is not frames),
                        key=lambda b: b.address)
        self.blocks = blocks
        self.starts = [b.address for b in blocks]
        self.anchors: dict[int, Symbol] = {}
        self.graph = graph

    def symbol_at(self, address: int) -> tuple[Symbol, int] | None:
        i = bisect.bisect_right(self.starts, address) - 1
        if i < 0 or address >= self.blocks[i].address + max(self.blocks[i].size, 1):
            return None
        block = self.blocks[i]
        anchor = self.anchors.get(id(block))
        if anchor is None:
            anchor = self.anchors[id(block)] = self.graph.add_anonymous_symbol(block, 0)
        return anchor, address - block.address


def _add_implicit_edges(graph: LinkGraph, fde: Block, pc_begin: int,
                        encodings: tuple[int, int], kinds: dict[int, int],
                        finder: _BlockFinder) -> None:
    """Edges for an FDE's PC-begin and LSDA fields that carry no relocation."""
    assert fde.content is not None
    content = bytes(fde.content)
    fde_encoding, lsda_encoding = encodings
    size = _ENCODING_SIZES.get(fde_encoding & 0xF)
    fields = [(pc_begin, fde_encoding, True)]
    if size is not None and lsda_encoding != DW_EH_PE_OMIT:
        try:
            _, lsda = read_uleb128(content, pc_begin + 2 * size)
        except IndexError:
            raise MalformedObject(f"truncated FDE at {fde.section.name}+{fde.address:#x}",
                                  graph.name) from None
        fields.append((lsda, lsda_encoding, False))
    with_edges = {e.offset for e in fde.edges}
    for offset, encoding, required in fields:
        width = _ENCODING_SIZES.get(encoding & 0xF)
        if offset in with_edges or width is None or offset + width > fde.size:
            continue
        value = int.from_bytes(content[offset:offset + width], "little", signed=True)
        if not required and value == 0:
            continue  # no LSDA
        kind = kinds.get(width)
        if encoding & 0x70 != DW_EH_PE_PCREL or kind is None:
            raise MalformedObject(f"FDE at {fde.section.name}+{fde.address:#x} has an "
                                  f"unrelocated field with encoding {encoding:#x}", graph.name)
        address = (fde.address + offset + value) % (1 << 64)
        found = finder.symbol_at(address)
        if found is None:
            raise MalformedObject(f"FDE at {fde.section.name}+{fde.address:#x} points to "
                                  f"address {address:#x}, which holds nothing", graph.name,
                                  f"No symbol or block covering address {address:#x}")
        target, addend = found
        fde.add_edge(kind, offset, target, addend)


def add_eh_frame_terminator(graph: LinkGraph, section_name: str = EH_FRAME) -> None:
    """Post-prune pass: a zero-length record ends the section, for ``__register_frame``."""
    section = graph.sections.get(section_name)
    if section is None or not section.blocks:
        return
    end = max(b.address + b.size for b in section.blocks)
    block = graph.create_content_block(section, bytes(4), end, 4)
    graph.add_anonymous_symbol(block, 0, 4, live=True)
