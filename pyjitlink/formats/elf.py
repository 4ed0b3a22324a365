"""ELF relocatable object -> LinkGraph: sections, symbols, commons, groups, the relocation walk.

The file header, section headers, symbol and relocation tables are unpacked directly with
``struct`` (``iter_unpack`` for the large uniform tables; ELF64 little-endian layouts from the
System V gABI, "ELF Header", "Symbol Table" and "Relocation" chapters). The architecture
supplies a ``RelocationHandler`` that turns one relocation into one edge.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass

from pyjitlink.arch import ARCHITECTURES
from pyjitlink.errors import MalformedObject, UnsupportedObject, UnsupportedRelocation
from pyjitlink.formats.object import ObjectInterface, ObjectTarget
from pyjitlink.jitlink.graph import (
    Block,
    Edge,
    Linkage,
    LinkGraph,
    MemProt,
    Scope,
    Symbol,
    SymbolKind,
)
from pyjitlink.jitlink.ifunc import IFUNC_SYMBOLS

# gABI constants.
SHF_WRITE = 0x1
SHF_ALLOC = 0x2
SHF_EXECINSTR = 0x4
SHF_GROUP = 0x200
SHF_TLS = 0x400
SHN_UNDEF = 0
SHN_LORESERVE = 0xFF00
SHN_ABS = 0xFFF1
SHN_COMMON = 0xFFF2
SHN_XINDEX = 0xFFFF
SHN_X86_64_LCOMMON = 0xFF02  # x86-64 psABI: a common symbol of the medium/large model
STB_LOCAL, STB_GLOBAL, STB_WEAK, STB_GNU_UNIQUE = 0, 1, 2, 10
STT_NOTYPE, STT_OBJECT, STT_FUNC, STT_SECTION, STT_FILE, STT_COMMON, STT_TLS = 0, 1, 2, 3, 4, 5, 6
STT_GNU_IFUNC = 10
STV_DEFAULT, STV_INTERNAL, STV_HIDDEN, STV_PROTECTED = 0, 1, 2, 3
GRP_COMDAT = 1
SHT_NULL, SHT_SYMTAB, SHT_RELA, SHT_NOBITS, SHT_REL, SHT_GROUP = 0, 2, 4, 8, 9, 17
EM_X86_64 = 62
EM_AARCH64 = 183


_DEFINED, _EXTERNAL = SymbolKind.DEFINED, SymbolKind.EXTERNAL
_STRONG, _LOCAL, _DEFAULT = Linkage.STRONG, Scope.LOCAL, Scope.DEFAULT

COMMON_SECTION = "__common"
LARGE_COMMON_SECTION = "__large_common"

# Sections whose contents are run, not referenced: always live (ld's KEEP in its script).
INIT_FINI_PREFIXES = (".init_array", ".fini_array", ".preinit_array", ".ctors", ".dtors")


@dataclass(slots=True)
class ELFSection:
    """One ELF section header, with the graph block built for it (if it is allocatable)."""

    index: int
    name: str
    type: int
    flags: int
    offset: int
    size: int
    link: int
    info: int
    addralign: int
    entsize: int
    block: Block | None = None
    comdat: bool = False


# handler(builder, section, block, offset_in_block, type, target, addend) adds one edge.
RelocationHandler = Callable[["ELFLinkGraphBuilder", ELFSection, Block, int, int, Symbol, int],
                             None]


# Section types that hold link metadata, never code or data: no relocation applies to them
# (null, symtab, strtab, rela, hash, dynamic, rel, dynsym, group, symtab_shndx, relr).
_NOT_RELOCATABLE = frozenset({0, 2, 3, 4, 5, 6, 9, 11, 17, 18, 19})


def _malformed(name: str, what: str) -> MalformedObject:
    return MalformedObject(f"malformed ELF object: {what}", name)


class ELFLinkGraphBuilder:
    """Builds a LinkGraph from one 64-bit little-endian ELF relocatable object.

    ``data`` is the whole file; ``name`` is used in errors. Raises MalformedObject for a
    truncated or inconsistent file, UnsupportedObject for ELF features outside the JIT's scope
    (IFUNC, SHT_REL on RELA targets), UnsupportedRelocation via the handler.
    """

    def __init__(self, data: bytes, name: str, graph: LinkGraph,
                 relocation_handler: RelocationHandler,
                 relocation_type_name: Callable[[int], str],
                 plain_relocations: dict[int, tuple[int, int]] | None = None) -> None:
        self.data = data
        self.name = name
        self.graph = graph
        self.handler = relocation_handler
        self.relocation_type_name = relocation_type_name
        # type -> (edge kind, addend adjustment) for types the handler need not see.
        self.plain_relocations = plain_relocations or {}
        self.sections: list[ELFSection] = []
        self.symbols: list[Symbol | None] = []
        self.symbol_names: list[str] = []
        self.machine = struct.unpack_from("<H", data, 18)[0] if len(data) >= 20 else 0

    # ------------------------------------------------------------------ entry point

    def build(self) -> LinkGraph:
        self._read_section_headers()
        self._mark_groups()
        self._create_blocks()
        self._create_symbols()
        self._add_relocations()
        return self.graph

    def scan_interface(self) -> ObjectInterface:
        """What the object offers, from its section headers and symbol table only: no blocks,
        no relocations (for linking on demand without paying for the whole graph)."""
        self._read_section_headers()
        self._mark_groups()
        interface = ObjectInterface()
        sections = self.sections
        interface.has_initializers = any(
            s.flags & SHF_ALLOC and s.name.startswith(INIT_FINI_PREFIXES) for s in sections)
        symtab, strtab = self._symbol_table()
        if symtab is None:
            return interface
        for st_name, st_info, st_other, st_shndx, _, _ in struct.iter_unpack("<IBBHQQ", symtab):
            bind, stype = st_info >> 4, st_info & 0xF
            if bind == STB_LOCAL or st_shndx == SHN_UNDEF or stype in (STT_FILE, STT_SECTION):
                continue
            name = strtab[st_name:strtab.find(b"\0", st_name)].decode("utf-8", "surrogateescape")
            if not name:
                continue
            comdat = st_shndx < len(sections) and sections[st_shndx].comdat
            linkage, scope = self._linkage_scope(bind, st_other & 3, comdat)
            common = st_shndx == SHN_COMMON
            interface.symbols[name] = (stype == STT_FUNC, scope,
                                       Linkage.WEAK if common else linkage, common)
        return interface

    def _symbol_table(self) -> tuple[bytes | None, bytes]:
        """The raw symbol table and its string table (None, b"" if there is none)."""
        symtabs = [s for s in self.sections if s.type == SHT_SYMTAB]
        if not symtabs:
            return None, b""
        if len(symtabs) > 1:
            raise _malformed(self.name, "more than one symbol table")
        symtab = symtabs[0]
        if symtab.link >= len(self.sections):
            raise _malformed(self.name, "symbol table's string table index is out of range")
        raw = self.section_data(symtab)
        if symtab.entsize not in (0, 24) or len(raw) % 24:
            raise _malformed(self.name, "symbol table size is not a multiple of 24")
        return raw, self.section_data(self.sections[symtab.link])

    # ------------------------------------------------------------------ sections

    def _read_section_headers(self) -> None:
        data = self.data
        header = read_elf_header(data, self.name)
        shoff, shnum, shentsize = header["e_shoff"], header["e_shnum"], header["e_shentsize"]
        shstrndx = header["e_shstrndx"]
        if shnum == 0 and shoff:
            raise _malformed(self.name, "extended section numbering (e_shnum = 0) is not "
                                        "supported")
        if shnum and shentsize != 64:
            raise _malformed(self.name, f"section header size is {shentsize}, not 64")
        if shoff + 64 * shnum > len(data):
            raise _malformed(self.name, "section header table extends past the end of file "
                                        "(truncated?)")
        headers = list(struct.iter_unpack("<IIQQQQIIQQ", data[shoff:shoff + 64 * shnum]))
        if shstrndx >= max(shnum, 1):
            raise _malformed(self.name, f"section name table index {shstrndx} is out of range")
        names = b""
        if shnum:
            str_off, str_size = headers[shstrndx][4], headers[shstrndx][5]
            if str_off + str_size > len(data):
                raise _malformed(self.name, "section name table extends past the end of file")
            names = data[str_off:str_off + str_size]
        for index, (sh_name, sh_type, sh_flags, _, sh_offset, sh_size, sh_link, sh_info,
                    sh_addralign, sh_entsize) in enumerate(headers):
            end = names.find(b"\0", sh_name)
            if sh_name >= max(len(names), 1) or end < 0:
                raise _malformed(self.name, f"section {index} has a bad name offset")
            name = names[sh_name:end].decode("utf-8", "surrogateescape")
            sec = ELFSection(index, name, sh_type, sh_flags, sh_offset, sh_size, sh_link,
                             sh_info, max(sh_addralign, 1), sh_entsize)
            if sh_type not in (SHT_NOBITS, SHT_NULL) and sh_offset + sh_size > len(data):
                raise _malformed(self.name, f"section {name} (index {index}) extends past "
                                            f"the end of the file (truncated?)")
            if sec.addralign & (sec.addralign - 1):
                raise _malformed(self.name, f"section {name} alignment {sec.addralign} is "
                                            f"not a power of two")
            self.sections.append(sec)

    def section_data(self, sec: ELFSection) -> bytes:
        return self.data[sec.offset:sec.offset + sec.size]

    def _mark_groups(self) -> None:
        for sec in self.sections:
            if sec.type != SHT_GROUP:
                continue
            words = struct.unpack(f"<{sec.size // 4}I", self.section_data(sec)[:sec.size // 4 * 4])
            if words and words[0] & GRP_COMDAT:
                for member in words[1:]:
                    if member >= len(self.sections):
                        raise _malformed(self.name, f"group {sec.name} names section {member}")
                    self.sections[member].comdat = True

    def _create_blocks(self) -> None:
        graph = self.graph
        for sec in self.sections:
            if not sec.flags & SHF_ALLOC or sec.type == SHT_GROUP:
                continue
            prot = MemProt.READ
            if sec.flags & SHF_WRITE:
                prot |= MemProt.WRITE
            if sec.flags & SHF_EXECINSTR:
                prot |= MemProt.EXEC
            gsec = graph.sections.get(sec.name)
            if gsec is None:
                gsec = graph.create_section(sec.name, prot)
                # .tdata/.tbss: the thread-local image (the platform gives each thread a copy).
                gsec.thread_local = bool(sec.flags & SHF_TLS)
            elif gsec.prot != prot:
                raise _malformed(self.name, f"sections named {sec.name} differ in protection")
            # Pre-layout addresses: the file offset keeps blocks of one graph section ordered
            # as in the file (relocatable objects have sh_addr 0 everywhere).
            if sec.type == SHT_NOBITS:
                sec.block = graph.create_zero_fill_block(gsec, sec.size, sec.offset,
                                                         sec.addralign)
            else:
                sec.block = graph.create_content_block(gsec, self.section_data(sec), sec.offset,
                                                       sec.addralign)
            if sec.name.startswith(INIT_FINI_PREFIXES):
                graph.add_anonymous_symbol(sec.block, 0, sec.size, live=True)

    # ------------------------------------------------------------------ symbols

    def _create_symbols(self) -> None:
        graph = self.graph
        raw, strtab = self._symbol_table()
        if raw is None:
            return
        nsections = len(self.sections)
        sections = self.sections
        symbols = self.symbols
        symbol_names = self.symbol_names
        externals = graph.external_symbols
        strtab_size = len(strtab)
        ordinary_limit = min(nsections, SHN_LORESERVE)
        # An all-ASCII string table (the usual case) is decoded once; names are then str
        # slices with the same offsets. Otherwise each name is decoded on its own.
        text = strtab.decode("ascii") if strtab.isascii() else None
        linkage_scope = _LINKAGE_SCOPE
        for index, (st_name, st_info, st_other, st_shndx, st_value, st_size) in enumerate(
                struct.iter_unpack("<IBBHQQ", raw)):
            if text is not None:
                end = text.find("\0", st_name)
                if st_name >= strtab_size or end < 0:
                    raise _malformed(self.name, f"symbol {index} has a bad name offset")
                name = text[st_name:end]
            else:
                end = strtab.find(b"\0", st_name)
                if st_name >= strtab_size or end < 0:
                    raise _malformed(self.name, f"symbol {index} has a bad name offset")
                name = strtab[st_name:end].decode("utf-8", "surrogateescape")
            symbol_names.append(name)
            bind, stype = st_info >> 4, st_info & 0xF
            sym: Symbol | None = None
            if st_shndx == SHN_UNDEF and index and stype != STT_FILE:
                if bind == STB_LOCAL:
                    raise _malformed(self.name, f"local symbol {name} is undefined")
                # add_external_symbol, inline: one Symbol per name.
                sym = externals.get(name)
                if sym is None:
                    sym = externals[name] = Symbol(name, _EXTERNAL, None, 0, 0, _STRONG,
                                                   _DEFAULT, False, False, 0, bind == STB_WEAK)
                elif bind != STB_WEAK:
                    sym.weakly_referenced = False
                symbols.append(sym)
                continue
            if 0 < st_shndx < ordinary_limit and index and stype < STT_SECTION:
                # The common case: a named (or anonymous) object, function or untyped symbol
                # in a section of this object (what add_defined_symbol does, inline).
                sec = sections[st_shndx]
                block = sec.block
                if block is not None:
                    if st_value > sec.size:
                        raise _malformed(self.name, f"symbol {name} lies outside its section "
                                                    f"{sec.name}")
                    if bind == STB_LOCAL:
                        sym = Symbol(name or None, _DEFINED, block, st_value, st_size, _STRONG,
                                     _LOCAL, stype == STT_FUNC)
                    else:
                        found = linkage_scope.get((bind, st_other & 3, sec.comdat))
                        linkage, scope = found if found is not None else \
                            self._linkage_scope(bind, st_other & 3, sec.comdat)
                        sym = Symbol(name or None, _DEFINED, block, st_value, st_size, linkage,
                                     scope, stype == STT_FUNC, scope is not _LOCAL)
                    block.section.symbols.append(sym)
                symbols.append(sym)
                continue
            vis = st_other & 3
            if index == 0 or stype == STT_FILE:
                pass
            elif st_shndx == SHN_ABS:
                sym = graph.add_absolute_symbol(name or None, st_value, st_size,
                                                *self._linkage_scope(bind, vis, False),
                                                live=bind != STB_LOCAL)
            elif st_shndx == SHN_COMMON or (st_shndx == SHN_X86_64_LCOMMON and
                                            self.machine == EM_X86_64):
                # A tentative definition: a weak zero-fill definition that a strong one of the
                # same name overrides (LLVM's ELFLinkGraphBuilder does the same).
                common_section = graph.get_or_create_section(
                    COMMON_SECTION if st_shndx == SHN_COMMON else LARGE_COMMON_SECTION,
                    MemProt.READ | MemProt.WRITE)
                align = st_value or 1
                if align & (align - 1):
                    raise _malformed(self.name, f"common symbol {name} alignment {align}")
                block = graph.create_zero_fill_block(common_section, st_size, 0, align)
                scope = Scope.HIDDEN if vis in (STV_HIDDEN, STV_INTERNAL) else Scope.DEFAULT
                sym = graph.add_defined_symbol(block, 0, name, st_size, Linkage.WEAK, scope,
                                               live=True)
            elif st_shndx >= SHN_LORESERVE:
                raise UnsupportedObject(
                    f"symbol {name} has unsupported section index {st_shndx:#x}", self.name)
            elif st_shndx >= nsections:
                raise _malformed(self.name, f"symbol {name} has section index {st_shndx} out "
                                            f"of range")
            else:
                sec = self.sections[st_shndx]
                if sec.block is not None:
                    offset = st_value
                    if offset > sec.size:
                        raise _malformed(self.name, f"symbol {name} lies outside its section "
                                                    f"{sec.name}")
                    if stype == STT_SECTION:
                        sym = graph.add_anonymous_symbol(sec.block, 0)
                    else:
                        linkage, scope = self._linkage_scope(bind, vis, sec.comdat)
                        sym = graph.add_defined_symbol(
                            sec.block, offset, name or None, st_size, linkage, scope,
                            callable=stype in (STT_FUNC, STT_GNU_IFUNC),
                            live=scope is not Scope.LOCAL)
                        if stype == STT_GNU_IFUNC:
                            # The symbol is its resolver until a pass lowers it (an
                            # executor that runs resolvers: executors/linux/ifunc.py);
                            # otherwise check_ifuncs rejects the graph.
                            ifuncs = graph.target_data.setdefault(IFUNC_SYMBOLS, [])
                            ifuncs.append(sym)  # type: ignore[attr-defined]
            symbols.append(sym)

    @staticmethod
    def _linkage_scope(bind: int, vis: int, comdat: bool) -> tuple[Linkage, Scope]:
        if bind == STB_LOCAL:
            return Linkage.STRONG, Scope.LOCAL
        # COMDAT members: the first definition wins, which is weak-definition semantics.
        linkage = Linkage.WEAK if bind in (STB_WEAK, STB_GNU_UNIQUE) or comdat else \
            Linkage.STRONG
        # STV_INTERNAL is "hidden, and more" (gABI); gcc emits it, so treat it as hidden
        # rather than rejecting the object as llvm-jitlink 19 does.
        scope = Scope.HIDDEN if vis in (STV_HIDDEN, STV_INTERNAL) else Scope.DEFAULT
        return linkage, scope

    # ------------------------------------------------------------------ relocations

    def _add_relocations(self) -> None:
        nsymbols = len(self.symbols)
        for rsec in self.sections:
            if rsec.type not in (SHT_RELA, SHT_REL):
                continue
            if rsec.info >= len(self.sections):
                raise _malformed(self.name, f"relocation section {rsec.name} targets section "
                                            f"{rsec.info}")
            target_sec = self.sections[rsec.info]
            if target_sec.type in _NOT_RELOCATABLE:
                # LLVM refuses these too (getSection fails for index 0; no graph block for
                # the others): e.g. a .rela.text whose sh_info names itself, which would
                # otherwise leave .text unrelocated and crash at run time.
                raise _malformed(self.name, f"relocation section {rsec.name} applies to "
                                            f"section {rsec.info} ({target_sec.name or 'null'}"
                                            f"), which holds no code or data")
            block = target_sec.block
            if block is None:
                if not target_sec.flags & SHF_ALLOC and \
                        target_sec.flags & (SHF_WRITE | SHF_EXECINSTR):
                    raise _malformed(self.name, f"relocation section {rsec.name} applies to "
                                                f"section {target_sec.name}, which is "
                                                f"writable or executable but not allocated")
                continue  # debug info and other non-allocated sections
            if rsec.type == SHT_REL:
                raise UnsupportedObject(f"SHT_REL relocation section {rsec.name} is not "
                                        f"supported (expected SHT_RELA)", self.name)
            raw = self.section_data(rsec)
            if len(raw) % 24:
                raise _malformed(self.name, f"relocation section {rsec.name} size is not a "
                                            f"multiple of 24")
            handler = self.handler
            plain = self.plain_relocations
            symbols = self.symbols
            edges = block.edges
            size = target_sec.size if target_sec.type != SHT_NOBITS else 1 << 64
            for r_offset, r_info, r_addend in struct.iter_unpack("<QQq", raw):
                rtype = r_info & 0xFFFFFFFF
                symindex = r_info >> 32
                # The common case first: a type that maps to one edge kind with no quirk.
                simple = plain.get(rtype)
                if simple is not None and r_offset < size and symindex < nsymbols:
                    target = symbols[symindex]
                    if target is not None:
                        edges.append(Edge(simple[0], r_offset, target, r_addend + simple[1]))
                        continue
                if r_offset >= size:
                    raise _malformed(self.name, f"relocation at offset {r_offset:#x} lies "
                                                f"outside section {target_sec.name}")
                if symindex >= nsymbols:
                    raise _malformed(self.name, f"relocation at {target_sec.name}+"
                                                f"{r_offset:#x} names symbol {symindex}")
                target = self.symbols[symindex]
                if target is None:
                    if rtype == 0:
                        continue
                    raise _malformed(self.name, f"relocation at {target_sec.name}+"
                                                f"{r_offset:#x} targets symbol "
                                                f"{self.symbol_names[symindex]!r}, which is "
                                                f"not in an allocated section")
                handler(self, target_sec, block, r_offset, rtype, target, r_addend)

    def unsupported(self, sec: ELFSection, offset: int, rtype: int,
                    why: str = "unsupported relocation") -> UnsupportedRelocation:
        """UnsupportedRelocation for ``rtype`` at ``offset`` in ``sec``, in LLVM's words."""
        return UnsupportedRelocation(self.name, sec.name, offset, self.relocation_type_name(rtype),
                                     why, ARCHITECTURES[self.graph.arch].label)


# (bind, visibility, COMDAT member) -> _linkage_scope's answer, for the bindings a defined
# global has: one dict probe per symbol instead of a method call.
_LINKAGE_SCOPE = {(bind, vis, comdat): ELFLinkGraphBuilder._linkage_scope(bind, vis, comdat)
                  for bind in (STB_GLOBAL, STB_WEAK, STB_GNU_UNIQUE) for vis in range(4)
                  for comdat in (False, True)}


# ELF64 file header after e_ident (gABI, "ELF Header"): e_type .. e_shstrndx.
_EHDR_FIELDS = ("e_type", "e_machine", "e_version", "e_entry", "e_phoff", "e_shoff",
                "e_flags", "e_ehsize", "e_phentsize", "e_phnum", "e_shentsize", "e_shnum",
                "e_shstrndx")
ET_REL = 1
_ET_NAMES = {0: "ET_NONE", 1: "ET_REL", 2: "ET_EXEC", 3: "ET_DYN", 4: "ET_CORE"}
_NOT_RELOCATABLE_TYPES = {2: "an executable", 3: "a shared object", 4: "a core file"}


def read_elf_header(data: bytes, name: str) -> dict:
    """The ELF64 little-endian file header (field name -> value, ``e_type`` as pyelftools
    names it, e.g. "ET_REL"); errors for anything else.

    Raises MalformedObject for a file too short or not ELF, UnsupportedObject for 32-bit,
    big-endian or non-relocatable files. Unpacked with struct: importing pyelftools'
    construct-based parser costs more than a whole small link.
    """
    if len(data) < 64 or not data.startswith(b"\x7fELF"):
        raise _malformed(name, "file is too small for an ELF header (truncated?)"
                         if data.startswith(b"\x7fELF") else "not an ELF file")
    if data[4] != 2 or data[5] != 1:
        raise UnsupportedObject("only 64-bit little-endian ELF objects are supported", name)
    header: dict = dict(zip(_EHDR_FIELDS, struct.unpack_from("<HHIQQQIHHHHHH", data, 16)))
    e_type = header["e_type"]
    if e_type != ET_REL:
        raise UnsupportedObject(f"not a relocatable object (it is "
                                f"{_NOT_RELOCATABLE_TYPES.get(e_type, 'not ET_REL')})", name)
    header["e_type"] = _ET_NAMES[e_type]
    return header


def read_elf_machine(data: bytes, name: str) -> int:
    """``e_machine`` of an ELF64 little-endian relocatable file; MalformedObject otherwise."""
    read_elf_header(data, name)
    return struct.unpack_from("<H", data, 18)[0]


def scan_elf_interface(data: bytes, name: str, target: ObjectTarget) -> ObjectInterface:
    """What the ELF object offers (see ELFLinkGraphBuilder.scan_interface), without a graph
    of its blocks; errors as a build would give for its headers and symbol table."""
    graph = LinkGraph(name, target.arch, object_format=target.object_format)
    return ELFLinkGraphBuilder(data, name, graph, _no_relocations, str).scan_interface()


def _no_relocations(*args: object) -> None:  # pragma: no cover - never called by a scan
    raise AssertionError("an interface scan reads no relocations")


# Every name elf_section_boundary recognises starts with one of these.
ELF_SECTION_BOUNDARY_PREFIXES = ("__start_", "__stop_")


def elf_section_boundary(name: str) -> tuple[str, bool] | None:
    """``__start_X`` / ``__stop_X``: the start / end of section X (GNU ld's rule, for
    sections whose names are C identifiers)."""
    if name.startswith("__start_"):
        return (name[8:], True) if len(name) > 8 else None
    if name.startswith("__stop_"):
        return (name[7:], False) if len(name) > 7 else None
    return None
