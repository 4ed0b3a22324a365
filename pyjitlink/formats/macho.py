"""Mach-O relocatable object -> LinkGraph: sections, subsections, symbols, commons.

The header and load commands are read with macholib; the symbol and relocation tables, which
are large and uniform, are unpacked directly with ``struct`` (layouts from <mach-o/nlist.h>
and <mach-o/reloc.h>). Names are kept exactly as in the object (``_main``); the graph's
``object_format`` is "macho" so the session can map C names. The architecture supplies a
``MachORelocationHandler`` that turns one section's relocation entries into edges (x86-64 and
arm64 pair entries, so the handler sees the whole list).
"""

from __future__ import annotations

import bisect
import io
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from pyjitlink.errors import MalformedObject, UnsupportedObject, UnsupportedRelocation
from pyjitlink.formats.object import ObjectInterface, ObjectTarget
from pyjitlink.jitlink.eh_frame import (
    MACHO_EH_FRAME,
    add_eh_frame_terminator,
    fix_eh_frame_edges,
    split_eh_frame,
)
from pyjitlink.jitlink.graph import (
    Block,
    Edge,
    GenericEdgeKind,
    Linkage,
    LinkGraph,
    MemProt,
    Scope,
    Symbol,
)
from pyjitlink.jitlink.passes import PassConfiguration

MH_MAGIC_64 = 0xFEEDFACF
MH_OBJECT = 1

# <mach-o/loader.h> section types and attributes.
SECTION_TYPE = 0x000000FF
S_ZEROFILL = 0x1
S_CSTRING_LITERALS = 0x2
S_4BYTE_LITERALS = 0x3
S_8BYTE_LITERALS = 0x4
S_LITERAL_POINTERS = 0x5
S_16BYTE_LITERALS = 0xE
S_GB_ZEROFILL = 0xC
S_THREAD_LOCAL_REGULAR = 0x11
S_THREAD_LOCAL_ZEROFILL = 0x12
S_THREAD_LOCAL_VARIABLES = 0x13
S_THREAD_LOCAL_VARIABLE_POINTERS = 0x14
S_THREAD_LOCAL_INIT_FUNCTION_POINTERS = 0x15
S_NON_LAZY_SYMBOL_POINTERS = 0x6
S_LAZY_SYMBOL_POINTERS = 0x7
S_SYMBOL_STUBS = 0x8
S_LAZY_DYLIB_SYMBOL_POINTERS = 0x10
_INDIRECT_TYPES = {S_NON_LAZY_SYMBOL_POINTERS: "S_NON_LAZY_SYMBOL_POINTERS",
                   S_LAZY_SYMBOL_POINTERS: "S_LAZY_SYMBOL_POINTERS",
                   S_SYMBOL_STUBS: "S_SYMBOL_STUBS",
                   S_LAZY_DYLIB_SYMBOL_POINTERS: "S_LAZY_DYLIB_SYMBOL_POINTERS"}
S_MOD_INIT_FUNC_POINTERS = 0x9
S_MOD_TERM_FUNC_POINTERS = 0xA
S_ATTR_PURE_INSTRUCTIONS = 0x80000000
S_ATTR_NO_DEAD_STRIP = 0x10000000
S_ATTR_DEBUG = 0x02000000
S_ATTR_SOME_INSTRUCTIONS = 0x00000400
_ZERO_FILL = {S_ZEROFILL, S_GB_ZEROFILL, S_THREAD_LOCAL_ZEROFILL}
# Sections of fixed-size entries, split one block per entry (entry size in bytes).
_LITERAL_SIZES = {S_4BYTE_LITERALS: 4, S_8BYTE_LITERALS: 8, S_16BYTE_LITERALS: 16,
                  S_LITERAL_POINTERS: 8}
_TLS_TYPES = {S_THREAD_LOCAL_REGULAR, S_THREAD_LOCAL_ZEROFILL, S_THREAD_LOCAL_VARIABLES,
              S_THREAD_LOCAL_VARIABLE_POINTERS, S_THREAD_LOCAL_INIT_FUNCTION_POINTERS}
# Thread-local sections linked (<mach-o/loader.h>): the image and the TLV descriptors. C++'s
# dynamically initialised thread_locals (__thread_ptrs, __thread_init) are not.
_THREAD_LOCAL_IMAGE = {S_THREAD_LOCAL_REGULAR, S_THREAD_LOCAL_ZEROFILL}
_TLV_TYPES = _THREAD_LOCAL_IMAGE | {S_THREAD_LOCAL_VARIABLES}

# <mach-o/nlist.h>.
N_STAB = 0xE0
N_PEXT = 0x10
N_TYPE = 0x0E
N_EXT = 0x01
N_UNDF, N_ABS, N_SECT, N_INDR = 0x0, 0x2, 0xE, 0xA
N_NO_DEAD_STRIP = 0x20
N_WEAK_REF = 0x40
N_WEAK_DEF = 0x80
N_ALT_ENTRY = 0x200

COMMON_SECTION = "__DATA,__common"
MAX_ALIGN_LOG2 = 31  # beyond any real section; the layout refuses more than a page anyway
EH_FRAME_SECTION = MACHO_EH_FRAME
# <mach-o/compact_unwind_encoding.h>: one 32-byte entry per function (start address, length,
# encoding, personality, LSDA). The section is flagged S_ATTR_DEBUG but it is not debug info:
# it is loaded, split per entry and kept alive exactly when its function is.
COMPACT_UNWIND_SECTION = "__LD,__compact_unwind"
COMPACT_UNWIND_ENTRY_SIZE = 32


@dataclass(slots=True)
class MachOSection:
    """One section header, with the graph blocks built for it (sorted by address)."""

    index: int  # 1-based, as n_sect and r_symbolnum count
    segname: str
    sectname: str
    addr: int
    size: int
    offset: int
    align: int
    reloff: int
    nreloc: int
    flags: int
    blocks: list[Block] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)  # block addresses, for bisect
    anchors: list[Symbol] = field(default_factory=list)  # a symbol at each block's start

    @property
    def name(self) -> str:
        return f"{self.segname},{self.sectname}"

    @property
    def type(self) -> int:
        return self.flags & SECTION_TYPE


@dataclass(slots=True)
class Relocation:
    """One relocation_info entry (never scattered on x86-64 or arm64)."""

    address: int  # offset in the section
    symbolnum: int
    pcrel: bool
    length: int  # log2 of the field size
    extern: bool
    type: int


# handler(builder, section, relocations) adds the section's edges.
MachORelocationHandler = Callable[["MachOLinkGraphBuilder", MachOSection, list[Relocation]],
                                  None]


def _malformed(name: str, what: str) -> MalformedObject:
    return MalformedObject(f"malformed Mach-O object: {what}", name, what)


def _cstr(raw: bytes) -> str:
    return raw.split(b"\0", 1)[0].decode("utf-8", "surrogateescape")


def universal_slices(data: bytes, name: str) -> list[tuple[int, int, int]]:
    """(cputype, offset, size) of each slice of a universal ("fat") file, whose header
    (<mach-o/fat.h>: big-endian fat_header, then fat_arch or fat_arch_64 entries) macholib
    reads; MalformedObject when the header or a slice lies past the end of the file. Only
    the header has to be present: a caller that sniffs the file's start learns the slices."""
    if len(data) < 8:
        raise _malformed(name, "file is too small for a universal header (truncated?)")
    from macholib.mach_o import FAT_MAGIC_64, fat_arch, fat_arch64, fat_header

    header = fat_header.from_str(data[:8], _endian_=">")
    entry_type = fat_arch64 if header.magic == FAT_MAGIC_64 else fat_arch
    entry_size = entry_type._size_
    if 8 + header.nfat_arch * entry_size > len(data):
        raise _malformed(name, "universal header lists more slices than the file holds")
    out = []
    for i in range(header.nfat_arch):
        start = 8 + i * entry_size
        arch = entry_type.from_str(data[start:start + entry_size], _endian_=">")
        out.append((int(arch.cputype), int(arch.offset), int(arch.size)))
    return out


def universal_slice(data: bytes, name: str, offset: int, size: int) -> bytes:
    """The bytes of one slice; MalformedObject if it extends past the end of the file."""
    if offset + size > len(data):
        raise _malformed(name, f"universal slice at offset {offset:#x} extends past the end "
                               f"of the file (truncated?)")
    return data[offset:offset + size]


def read_macho_cputype(data: bytes, name: str) -> int:
    """``cputype`` of a 64-bit little-endian Mach-O relocatable object; errors otherwise."""
    if len(data) < 32:
        raise _malformed(name, "file is too small for a Mach-O header (truncated?)")
    magic, cputype, _, filetype = struct.unpack_from("<IiiI", data, 0)
    if magic != MH_MAGIC_64:
        what = {0xFEEDFACE: "a 32-bit Mach-O object", 0xCEFAEDFE: "a big-endian Mach-O object",
                0xCFFAEDFE: "a big-endian Mach-O object"}.get(magic, "not a Mach-O object")
        raise UnsupportedObject(f"only 64-bit little-endian Mach-O objects are supported "
                                f"(this is {what})", name)
    if filetype != MH_OBJECT:
        raise UnsupportedObject("not a relocatable object (Mach-O file type "
                                f"{filetype}, not MH_OBJECT)", name)
    return cputype


class MachOLinkGraphBuilder:
    """Builds a LinkGraph from one 64-bit little-endian Mach-O relocatable object.

    Pre-layout block addresses are the sections' addresses in the object, so that
    non-extern relocations (which name a section and hold a target address in the content)
    resolve to the block that contains that address.
    """

    def __init__(self, data: bytes, name: str, graph: LinkGraph,
                 relocation_handler: MachORelocationHandler,
                 relocation_type_name: Callable[[int], str], arch_label: str) -> None:
        self.data = data
        self.name = name
        self.graph = graph
        self.handler = relocation_handler
        self.relocation_type_name = relocation_type_name
        self.arch_label = arch_label
        self.sections: list[MachOSection] = []
        self.symbols: list[Symbol | None] = []
        self.symbol_names: list[str] = []
        self.subsections = False
        self.symtab: tuple[int, int, int, int] | None = None
        self._next_common_address = 0

    # ------------------------------------------------------------------ entry point

    def build(self) -> LinkGraph:
        self._read_load_commands()
        self._create_blocks()
        self._create_symbols()
        for sec in self.sections:
            if sec.nreloc and sec.blocks:
                self.handler(self, sec, self._relocations(sec))
        self._keep_compact_unwind_with_functions()
        return self.graph

    def scan_interface(self) -> ObjectInterface:
        """The symbols the object offers, from its symbol table only."""
        self._read_load_commands()
        interface = ObjectInterface()
        interface.has_initializers = any(
            s.type in (S_MOD_INIT_FUNC_POINTERS, S_MOD_TERM_FUNC_POINTERS) for s in self.sections)
        for _, name, n_type, n_sect, n_desc, n_value in self._nlists():
            if n_type & N_STAB or not n_type & N_EXT or not name:
                continue
            kind = n_type & N_TYPE
            common = kind == N_UNDF and n_value != 0
            if kind == N_UNDF and not common:
                continue
            callable = (kind == N_SECT and 0 < n_sect <= len(self.sections) and
                        bool(self.sections[n_sect - 1].flags & S_ATTR_PURE_INSTRUCTIONS))
            linkage = Linkage.WEAK if n_desc & N_WEAK_DEF or common else Linkage.STRONG
            scope = Scope.HIDDEN if n_type & N_PEXT else Scope.DEFAULT
            interface.symbols[name] = (callable, scope, linkage, common)
        return interface

    # ------------------------------------------------------------------ load commands

    def _read_load_commands(self) -> None:
        # macholib is imported on first use: ELF-only runs never pay for it.
        from macholib.mach_o import (
            LC_SEGMENT_64,
            LC_SYMTAB,
            MH_CIGAM_64,
            MH_SUBSECTIONS_VIA_SYMBOLS,
            mach_header_64,
        )
        from macholib.MachO import MachOHeader

        data = self.data
        read_macho_cputype(data, self.name)
        try:
            # macholib names the byte-swapped magic (CIGAM) for a little-endian file.
            header = MachOHeader(None, io.BytesIO(data), 0, len(data), MH_CIGAM_64,
                                 mach_header_64, "<", allow_unknown_load_commands=True)
        except (ValueError, struct.error, KeyError, OSError) as err:
            # (macholib seeks to each segment's file offset: OSError past the end.)
            raise _malformed(self.name, f"bad load commands ({err})") from None
        self.subsections = bool(header.header.flags & MH_SUBSECTIONS_VIA_SYMBOLS)
        for lc, cmd, payload in header.commands:
            if lc.cmd == LC_SEGMENT_64:
                for s in payload:
                    if s.align > MAX_ALIGN_LOG2:
                        raise _malformed(self.name, f"section {_cstr(s.sectname)} alignment "
                                                    f"2^{s.align} is too large")
                    sec = MachOSection(len(self.sections) + 1, _cstr(s.segname),
                                       _cstr(s.sectname), s.addr, s.size, s.offset,
                                       1 << s.align, s.reloff, s.nreloc, s.flags)
                    if (sec.type not in _ZERO_FILL and
                            sec.offset + sec.size > len(data)):
                        raise _malformed(self.name, f"section {sec.name} extends past the end "
                                                    f"of the file (truncated?)")
                    self.sections.append(sec)
            elif lc.cmd == LC_SYMTAB:
                self.symtab = (cmd.symoff, cmd.nsyms, cmd.stroff, cmd.strsize)
                if (cmd.symoff + 16 * cmd.nsyms > len(data) or
                        cmd.stroff + cmd.strsize > len(data)):
                    raise _malformed(self.name, "symbol table extends past the end of file")

    def _nlists(self) -> list[tuple[int, str, int, int, int, int]]:
        """(index, name, n_type, n_sect, n_desc, n_value) for every nlist_64 entry."""
        if self.symtab is None:
            return []
        symoff, nsyms, stroff, strsize = self.symtab
        strtab = self.data[stroff:stroff + strsize]
        out = []
        for index, (n_strx, n_type, n_sect, n_desc, n_value) in enumerate(
                struct.iter_unpack("<IBBHQ", self.data[symoff:symoff + 16 * nsyms])):
            if n_strx >= max(len(strtab), 1):
                raise _malformed(self.name, f"symbol {index} has a bad name offset")
            name = _cstr(strtab[n_strx:])
            out.append((index, name, n_type, n_sect, n_desc, n_value))
        return out

    # ------------------------------------------------------------------ sections

    def _create_blocks(self) -> None:
        graph = self.graph
        for sec in self.sections:
            if sec.flags & S_ATTR_DEBUG and sec.name != COMPACT_UNWIND_SECTION:
                continue
            if sec.type in _TLS_TYPES - _TLV_TYPES:
                raise UnsupportedObject(f"thread-local section {sec.name} is not supported yet",
                                        self.name)
            if sec.type in _INDIRECT_TYPES:
                # Slots filled from LC_DYSYMTAB's indirect symbol table: what a static linker
                # writes; compilers emit GOT relocations instead (LLVM refuses them too).
                raise UnsupportedObject(f"section {sec.name} of type "
                                        f"{_INDIRECT_TYPES[sec.type]} (indirect symbols) is "
                                        f"not supported", self.name)
            if sec.flags & (S_ATTR_PURE_INSTRUCTIONS | S_ATTR_SOME_INSTRUCTIONS):
                prot = MemProt.READ | MemProt.EXEC
            elif sec.segname in ("__TEXT", "__LD"):
                prot = MemProt.READ
            else:
                prot = MemProt.READ | MemProt.WRITE
            gsec = graph.sections.get(sec.name)
            if gsec is None:
                gsec = graph.create_section(sec.name, prot)
            # __thread_data/__thread_bss: the thread-local image (the platform gives each
            # thread a copy); __thread_vars holds the variables' descriptors, plain data.
            gsec.thread_local = sec.type in _THREAD_LOCAL_IMAGE
            if sec.type in _ZERO_FILL:
                block = graph.create_zero_fill_block(gsec, sec.size, sec.addr, sec.align)
            else:
                block = graph.create_content_block(
                    gsec, self.data[sec.offset:sec.offset + sec.size], sec.addr, sec.align)
            sec.blocks = [block]
            sec.starts = [sec.addr]

    # ------------------------------------------------------------------ symbols

    def _create_symbols(self) -> None:
        graph = self.graph
        nsections = len(self.sections)
        pending: list[tuple[int, str, int, int, int, int]] = []
        self.symbols = [None] * (self.symtab[1] if self.symtab else 0)
        self._next_common_address = max((sec.addr + sec.size for sec in self.sections),
                                         default=0)
        for entry in self._nlists():
            index, name, n_type, n_sect, n_desc, n_value = entry
            self.symbol_names.append(name)
            if n_type & N_STAB:
                continue
            kind = n_type & N_TYPE
            ext = bool(n_type & N_EXT)
            if ext and not name:
                # An external symbol is its name: without one nothing can bind to it
                # (LLVM's words: for string table index 0, then for an empty name).
                assert self.symtab is not None
                if struct.unpack_from("<I", self.data, self.symtab[0] + 16 * index)[0] == 0:
                    raise _malformed(self.name, f"Symbol at index {index} has no name (string "
                                                f"table index 0), but N_EXT bit is set")
                what = {N_UNDF: "common" if n_value else "external",
                        N_ABS: "absolute"}.get(kind, "external")
                raise _malformed(self.name, f"Anonymous {what} symbol at index {index}")
            if kind == N_UNDF:
                if not ext:
                    raise _malformed(self.name, f"local symbol {name} is undefined")
                if n_value:
                    # A tentative definition (.comm): a weak zero-fill definition; size in
                    # n_value, log2 alignment in bits 8-11 of n_desc (GET_COMM_ALIGN).
                    align = 1 << ((n_desc >> 8) & 0xF)
                    common = graph.get_or_create_section(COMMON_SECTION,
                                                         MemProt.READ | MemProt.WRITE)
                    # Pre-layout addresses above every section, so that no lookup by
                    # address (non-extern relocations, FDE PC-begins) can land in a common.
                    address = -(-self._next_common_address // align) * align
                    self._next_common_address = address + max(n_value, 1)
                    block = graph.create_zero_fill_block(common, n_value, address, align)
                    scope = Scope.HIDDEN if n_type & N_PEXT else Scope.DEFAULT
                    self.symbols[index] = graph.add_defined_symbol(
                        block, 0, name, n_value, Linkage.WEAK, scope, live=True)
                else:
                    self.symbols[index] = graph.add_external_symbol(
                        name, weakly_referenced=bool(n_desc & N_WEAK_REF))
            elif kind == N_ABS:
                linkage, scope = self._linkage_scope(n_type, n_desc)
                self.symbols[index] = graph.add_absolute_symbol(
                    name or None, n_value, 0, linkage, scope, live=scope is not Scope.LOCAL)
            elif kind == N_SECT:
                if not 0 < n_sect <= nsections:
                    raise _malformed(self.name, f"symbol {name} has section index {n_sect} "
                                                f"out of range")
                sec = self.sections[n_sect - 1]
                if not sec.blocks:
                    continue  # debug or skipped section
                if not sec.addr <= n_value <= sec.addr + sec.size:
                    raise _malformed(self.name, f"symbol {name} lies outside its section "
                                                f"{sec.name}")
                pending.append(entry)
            else:
                raise UnsupportedObject(f"symbol {name} has unsupported type {n_type:#x} "
                                        f"(indirect symbols are not supported)", self.name)
        # Sizes run to the next symbol's address in the same section (Mach-O has none).
        pending.sort(key=lambda e: (e[3], e[5]))
        ends: dict[int, int] = {}
        for i, (index, _, _, n_sect, _, n_value) in enumerate(pending):
            sec = self.sections[n_sect - 1]
            nxt = sec.addr + sec.size
            j = i + 1
            while j < len(pending) and pending[j][3] == n_sect:
                if pending[j][5] > n_value:
                    nxt = pending[j][5]
                    break
                j += 1
            ends[index] = nxt
        for index, name, n_type, n_sect, n_desc, n_value in pending:
            sec = self.sections[n_sect - 1]
            block = sec.blocks[0]
            linkage, scope = self._linkage_scope(n_type, n_desc)
            live = scope is not Scope.LOCAL or bool(n_desc & N_NO_DEAD_STRIP) or bool(
                sec.flags & S_ATTR_NO_DEAD_STRIP)
            self.symbols[index] = graph.add_defined_symbol(
                block, n_value - block.address, name or None, ends[index] - n_value, linkage,
                scope, callable=bool(sec.flags & S_ATTR_PURE_INSTRUCTIONS), live=live)
        for sec in self.sections:
            if sec.blocks:
                self._split_section(sec, [e for e in pending if e[3] == sec.index])

    def _split_section(self, sec: MachOSection,
                       entries: list[tuple[int, str, int, int, int, int]]) -> None:
        """Split ``sec`` into blocks, then give every block a symbol at its start for
        non-extern relocations to name.

        With MH_SUBSECTIONS_VIA_SYMBOLS, a block starts at each symbol (alt entries
        excepted). Whatever the flag, literal sections are split per entry, as ld64 and
        LLVM's MachOLinkGraphBuilder treat them: ``__cstring`` (S_CSTRING_LITERALS) after each
        NUL, S_4/8/16BYTE_LITERALS and S_LITERAL_POINTERS every 4/8/16/8 bytes, and
        ``__compact_unwind`` every 32 bytes. So dead-stripping drops unreferenced strings and
        constants one by one.
        """
        graph = self.graph
        block = sec.blocks[0]
        cuts: set[int] = set()
        if self.subsections:
            cuts.update(e[5] - sec.addr for e in entries if not e[4] & N_ALT_ENTRY)
        if block.content is not None:
            if sec.type == S_CSTRING_LITERALS:
                content = bytes(block.content)
                end = content.find(b"\0")
                while end != -1:
                    cuts.add(end + 1)
                    end = content.find(b"\0", end + 1)
            elif sec.type in _LITERAL_SIZES:
                cuts.update(range(_LITERAL_SIZES[sec.type], sec.size, _LITERAL_SIZES[sec.type]))
            elif sec.name == COMPACT_UNWIND_SECTION:
                cuts.update(range(COMPACT_UNWIND_ENTRY_SIZE, sec.size, COMPACT_UNWIND_ENTRY_SIZE))
        cuts = {c for c in cuts if 0 < c < sec.size}
        if cuts:
            heads = []
            consumed = 0
            for cut in sorted(cuts):
                heads.append(graph.split_block(block, cut - consumed))
                consumed = cut
            sec.blocks = heads + [block]
        live = bool(sec.flags & S_ATTR_NO_DEAD_STRIP) or sec.type in (
            S_MOD_INIT_FUNC_POINTERS, S_MOD_TERM_FUNC_POINTERS)
        at_start: dict[int, Symbol] = {}
        for sym in block.section.symbols:
            if sym.offset == 0 and sym.block is not None and id(sym.block) not in at_start:
                at_start[id(sym.block)] = sym
        for b in sec.blocks:
            anchor = at_start.get(id(b))
            if anchor is None or live or anchor.linkage is Linkage.WEAK:
                # (Frame records are re-split by the eh-frame pass: no size to go stale.)
                size = 0 if sec.name == EH_FRAME_SECTION else b.size
                anchor = graph.add_anonymous_symbol(b, 0, size, live=live)
            sec.anchors.append(anchor)
        sec.starts = [b.address for b in sec.blocks]

    def _keep_compact_unwind_with_functions(self) -> None:
        """Each ``__compact_unwind`` entry lives exactly when the function it describes does:
        the function's block gets a KeepAlive edge to the entry (LLVM's MachO
        CompactUnwindSplitter does the same); the entry's own edges keep its personality
        and LSDA alive only while it is."""
        for sec in self.sections:
            if sec.name != COMPACT_UNWIND_SECTION or not sec.blocks:
                continue
            for block, anchor in zip(sec.blocks, sec.anchors):
                start = next((e for e in block.edges if e.offset == 0), None)
                if start is None or start.target.block is None:
                    raise _malformed(self.name, f"{sec.name} entry at {block.address:#x} "
                                                f"names no function")
                start.target.block.add_edge(GenericEdgeKind.KeepAlive, 0, anchor, 0)

    @staticmethod
    def _linkage_scope(n_type: int, n_desc: int) -> tuple[Linkage, Scope]:
        # N_WEAK_DEF makes a symbol weak whether or not it is external (LLVM keeps a weak
        # local symbol weak: ``.weak_definition`` on a non-global label).
        linkage = Linkage.WEAK if n_desc & N_WEAK_DEF else Linkage.STRONG
        if not n_type & N_EXT:
            return linkage, Scope.LOCAL
        return linkage, Scope.HIDDEN if n_type & N_PEXT else Scope.DEFAULT

    # ------------------------------------------------------------------ relocations

    def _relocations(self, sec: MachOSection) -> list[Relocation]:
        raw = self.data[sec.reloff:sec.reloff + 8 * sec.nreloc]
        if len(raw) != 8 * sec.nreloc:
            raise _malformed(self.name, f"relocations of {sec.name} extend past the end of file")
        out = []
        for r_address, info in struct.iter_unpack("<iI", raw):
            if r_address < 0:
                raise UnsupportedObject(f"scattered relocation in {sec.name} is not supported",
                                        self.name)
            out.append(Relocation(r_address, info & 0xFFFFFF, bool(info >> 24 & 1),
                                  info >> 25 & 3, bool(info >> 27 & 1), info >> 28))
        return out

    def block_at(self, sec: MachOSection, offset: int) -> tuple[Block, int]:
        """The block of ``sec`` holding section offset ``offset``, and the offset in it."""
        address = sec.addr + offset
        i = bisect.bisect_right(sec.starts, address) - 1
        if i < 0 or offset >= sec.size:
            raise _malformed(self.name, f"relocation at offset {offset:#x} lies outside "
                                        f"section {sec.name}")
        block = sec.blocks[i]
        return block, address - block.address

    def symbol_by_index(self, sec: MachOSection, rel: Relocation) -> Symbol:
        if rel.symbolnum >= len(self.symbols) or self.symbols[rel.symbolnum] is None:
            raise _malformed(self.name, f"relocation at {sec.name}+{rel.address:#x} names "
                                        f"symbol {rel.symbolnum}, which is not usable")
        sym = self.symbols[rel.symbolnum]
        assert sym is not None
        return sym

    def symbol_by_address(self, section_index: int, address: int) -> Symbol:
        """The symbol at the start of the block of section ``section_index`` (1-based) that
        holds ``address`` (its end counts, for one-past-the-end references)."""
        if not 0 < section_index <= len(self.sections):
            raise _malformed(self.name, f"relocation names section {section_index}")
        sec = self.sections[section_index - 1]
        if not sec.blocks:
            raise _malformed(self.name, f"relocation targets section {sec.name}, which is "
                                        f"not loaded")
        if not sec.addr <= address <= sec.addr + sec.size:
            raise _malformed(self.name, f"relocation target address {address:#x} lies outside "
                                        f"section {sec.name}")
        i = max(bisect.bisect_right(sec.starts, address) - 1, 0)
        return sec.anchors[i]

    def unsupported(self, sec: MachOSection, offset: int, rtype: int,
                    why: str = "unsupported relocation") -> UnsupportedRelocation:
        return UnsupportedRelocation(self.name, sec.name, offset, self.relocation_type_name(rtype),
                                     why, self.arch_label)

    def section_of(self, block: Block) -> MachOSection | None:
        """The object section ``block`` was cut from (None for a common's block)."""
        for sec in self.sections:
            if sec.blocks and sec.blocks[0].section is block.section and \
                    sec.addr <= block.address < sec.addr + max(sec.size, 1):
                return sec
        return None

    def target_by_address(self, target: Symbol, addend: int) -> tuple[Symbol, int]:
        """``target + addend`` re-expressed from the block that holds that address.

        arm64 objects name section-start symbols (``ltmp0``) and put the offset in the addend;
        once the section is split into subsections, the address lies in another block, which
        must be the edge's target so that dead-stripping and layout keep it. Targets that
        already hold the address (their end counts) are returned unchanged.
        """
        block = target.block
        if block is None or target.scope is not Scope.LOCAL:
            return target, addend
        address = target.address + addend
        if block.address <= address <= block.address + block.size:
            return target, addend
        sec = self.section_of(block)
        if sec is None:
            return target, addend
        anchor = self.symbol_by_address(sec.index, address)
        return anchor, address - anchor.address


@dataclass(frozen=True, slots=True)
class DeltaKinds:
    """An architecture's S + A - P and P - S + A edge kinds, 32 and 64 bits: what SUBTRACTOR
    pairs and ``__eh_frame`` records become."""

    delta32: int
    delta64: int
    neg_delta32: int
    neg_delta64: int


def read_implicit_addend(builder: MachOLinkGraphBuilder, sec: MachOSection, block: Block,
                         offset: int, rel: Relocation) -> int:
    """The signed value the field of ``rel`` at ``offset`` bytes into ``block`` holds (Mach-O
    addends are implicit); its size is ``1 << rel.length`` bytes. UnsupportedRelocation if
    the field crosses the block's end."""
    content = block.content
    assert content is not None, "relocation in a zero-fill block"
    if offset + (1 << rel.length) > block.size:
        raise builder.unsupported(sec, rel.address, rel.type, "field crosses a block "
                                                              "boundary:")
    return struct.unpack_from("<q" if rel.length == 3 else "<i", content, offset)[0]


def paired_unsigned(builder: MachOLinkGraphBuilder, sec: MachOSection,
                    relocations: list[Relocation], index: int, sub: Relocation) -> Relocation:
    """The UNSIGNED entry (type 0 on x86-64 and arm64) at ``relocations[index]`` that must
    follow SUBTRACTOR ``sub`` at the same place and with the same length."""
    uns = relocations[index] if index < len(relocations) else None
    if uns is None or uns.type != 0 or uns.address != sub.address or uns.length != sub.length:
        raise builder.unsupported(sec, sub.address, sub.type, "SUBTRACTOR is not followed by "
                                                              "an UNSIGNED at the same place:")
    return uns


def add_subtractor(builder: MachOLinkGraphBuilder, sec: MachOSection, block: Block,
                   offset: int, sub: Relocation, uns: Relocation, kinds: DeltaKinds) -> None:
    """SUBTRACTOR B + UNSIGNED A at one place (x86-64 and arm64 alike): the field becomes
    A - B + content.

    As in LLVM's MachO builders, one of A and B must lie in the fixup's block: then the edge
    is a Delta (target A) or NegDelta (target B) whose addend absorbs the other's fixed
    distance. A pair whose operands are both section-relative (non-extern) is refused: the
    content then holds A - B + constant and neither operand can be recovered from it (no
    assembler emits that form).
    """
    if sub.length not in (2, 3) or sub.pcrel:
        raise builder.unsupported(sec, sub.address, sub.type, f"unsupported length "
                                  f"{1 << sub.length} of")
    if not sub.extern and not uns.extern:
        raise builder.unsupported(sec, sub.address, sub.type, "both operands non-extern in")
    # The content holds A's object address when A is non-extern and minus B's when B is:
    # find that operand by address, and leave the rest (the constant) as the value.
    value = read_implicit_addend(builder, sec, block, offset, sub)
    if sub.extern:
        from_sym = builder.symbol_by_index(sec, sub)
    else:
        from_sym = builder.symbol_by_address(sub.symbolnum, -value)
        value += from_sym.address
    to_sym: Symbol
    if uns.extern:
        to_sym = builder.symbol_by_index(sec, uns)
    else:
        to_sym = builder.symbol_by_address(uns.symbolnum, value)
        value -= to_sym.address
    p = block.address + offset
    wide = sub.length == 3
    # LLVM's rule (MachOLinkGraphBuilder's parsePairRelocation): fixing up B's block, the
    # edge is a Delta to A; fixing up A's, a NegDelta to B. When both lie in the fixup's
    # block (an __eh_frame record's CIE pointer, before the records are split), the
    # direction follows their offsets. The target is the relocation's symbol, never one
    # found from the content, which may hold any constant (A - (B + 8) for an FDE's
    # PC-begin).
    if from_sym.block is block and to_sym.block is block:
        if to_sym.address > p:
            fixing_from = True
        elif from_sym.address > p:
            fixing_from = False
        else:
            fixing_from = from_sym.address >= to_sym.address
    elif from_sym.block is block:
        fixing_from = True
    elif to_sym.block is block:
        fixing_from = False
    else:
        raise builder.unsupported(sec, sub.address, sub.type, "SUBTRACTOR must fix up "
                                  "either its minuend's or its subtrahend's block:")
    if fixing_from:
        kind = kinds.delta64 if wide else kinds.delta32
        target, addend = to_sym, value + (p - from_sym.address)
    else:
        kind = kinds.neg_delta64 if wide else kinds.neg_delta32
        target, addend = from_sym, value - (p - to_sym.address)
    block.edges.append(Edge(kind, offset, target, addend))


def add_eh_frame_passes(config: PassConfiguration, kinds: DeltaKinds) -> None:
    """The ``__TEXT,__eh_frame`` passes of a Mach-O pipeline (LLVM's DWARFRecordSectionSplitter
    and EHFrameEdgeFixer): split per record, give each FDE its CIE edge and its PC-begin
    edge (which the assembler resolved in the object, leaving no relocation), and end the
    section with a terminator for ``__register_frame``."""
    config.pre_prune_passes += [
        partial(split_eh_frame, section_name=EH_FRAME_SECTION),
        partial(fix_eh_frame_edges, neg_delta32=kinds.neg_delta32,
                section_name=EH_FRAME_SECTION,
                implicit_delta={4: kinds.delta32, 8: kinds.delta64}),
    ]
    config.post_prune_passes.append(partial(add_eh_frame_terminator,
                                            section_name=EH_FRAME_SECTION))


def macho_section_boundary(name: str) -> tuple[str, bool] | None:
    """``section$start$SEG$SECT`` / ``section$end$SEG$SECT``: the start / end of section
    ``SEG,SECT`` (ld64's names, which LLVM's MachO platform defines too)."""
    parts = name.split("$")
    if len(parts) == 4 and parts[0] == "section" and parts[1] in ("start", "end") and \
            parts[2] and parts[3]:
        return f"{parts[2]},{parts[3]}", parts[1] == "start"
    return None


def scan_macho_interface(data: bytes, name: str, target: ObjectTarget) -> ObjectInterface:
    """What the Mach-O object offers (see MachOLinkGraphBuilder.scan_interface), from its
    load commands and symbol table only; errors as a build would give for those."""
    graph = LinkGraph(name, target.arch, object_format=target.object_format)
    return MachOLinkGraphBuilder(data, name, graph, _no_relocations, str,
                                 target.label).scan_interface()


def _no_relocations(*args: object) -> None:  # pragma: no cover - never called by a scan
    raise AssertionError("an interface scan reads no relocations")
