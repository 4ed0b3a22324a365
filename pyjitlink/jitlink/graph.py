"""The LinkGraph: sections of blocks of bytes, symbols naming places in them, edges between them.

Follows LLVM JITLink's model (llvm/ExecutionEngine/JITLink/JITLink.h): a Block is a run of bytes
with an alignment and a target address; a Symbol names an offset in a Block (defined), an
address (absolute) or nothing yet (external); an Edge says "write a value computed from this
target symbol and addend at this offset of my block", with the formula given by its kind.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum, IntEnum, IntFlag

from pyjitlink.errors import FixupOutOfRange, JITLinkError
from pyjitlink.jitlink.target import Arch, ObjectFormat


class Linkage(Enum):
    """How a definition combines with others of the same name (ELF STB_GLOBAL vs STB_WEAK)."""

    STRONG = 0
    WEAK = 1


class Scope(Enum):
    """Who may bind to a symbol: everyone, only its own JITDylib, or only its own graph."""

    DEFAULT = 0
    HIDDEN = 1
    LOCAL = 2


class MemProt(IntFlag):
    """Memory protection of a section or segment. Never WRITE and EXEC at once when finalized."""

    NONE = 0
    READ = 1
    WRITE = 2
    EXEC = 4

    def __str__(self) -> str:
        return ("R" if self & MemProt.READ else "-") + ("W" if self & MemProt.WRITE else "-") + (
            "X" if self & MemProt.EXEC else "-")


class MemLifetime(Enum):
    """STANDARD memory lives until the code is removed; NO_ALLOC is never given memory."""

    STANDARD = 0
    NO_ALLOC = 2


class GenericEdgeKind(IntEnum):
    """Edge kinds every architecture shares; architecture kinds start at FIRST_RELOCATION."""

    Invalid = 0
    KeepAlive = 1  # no fixup: only keeps the target alive for dead-stripping


FIRST_RELOCATION = 2


class SymbolKind(Enum):
    DEFINED = 0
    EXTERNAL = 1
    ABSOLUTE = 2


@dataclass(slots=True, eq=False)
class Edge:
    """A fixup at ``offset`` bytes into its block, from ``target`` and a signed ``addend``."""

    kind: int
    offset: int
    target: Symbol
    addend: int


@dataclass(slots=True, eq=False)
class Block:
    """A contiguous run of bytes placed as a unit.

    ``content`` is immutable ``bytes`` until a pass asks for a mutable copy; after allocation it
    is a writable view of working memory. ``content is None`` means zero-fill of ``size`` bytes.
    ``address`` is the target address once allocated; ``alignment`` is a power of two and the
    block's address satisfies ``address % alignment == alignment_offset``.
    """

    section: Section
    size: int
    alignment: int = 1
    alignment_offset: int = 0
    content: bytes | bytearray | memoryview | None = None
    address: int = 0
    edges: list[Edge] = field(default_factory=list)

    @property
    def is_zero_fill(self) -> bool:
        return self.content is None

    def mutable_content(self) -> bytearray | memoryview:
        """The block's bytes as a writable buffer, copying them once if they are immutable."""
        content = self.content
        if content is None:
            content = self.content = bytearray(self.size)
        elif isinstance(content, bytes):
            content = self.content = bytearray(content)
        return content

    def add_edge(self, kind: int, offset: int, target: Symbol, addend: int) -> Edge:
        edge = Edge(kind, offset, target, addend)
        self.edges.append(edge)
        return edge

    def __repr__(self) -> str:
        return f"<Block {self.section.name} @{self.address:#x} size={self.size:#x}>"


@dataclass(slots=True, eq=False)
class Symbol:
    """A name (or none, for anonymous symbols) bound to a place.

    Defined symbols have a ``block`` and ``offset``; external ones get ``address`` from lookup;
    absolute ones carry ``address`` from the start. ``size`` is in bytes (0 if unknown).
    """

    name: str | None
    kind: SymbolKind
    block: Block | None = None
    offset: int = 0
    size: int = 0
    linkage: Linkage = Linkage.STRONG
    scope: Scope = Scope.LOCAL
    callable: bool = False
    live: bool = False
    absolute_address: int = 0
    weakly_referenced: bool = False  # an external that may stay unresolved (address 0)

    @property
    def address(self) -> int:
        if self.block is not None:
            return self.block.address + self.offset
        return self.absolute_address

    @property
    def is_defined(self) -> bool:
        return self.kind is SymbolKind.DEFINED

    @property
    def is_external(self) -> bool:
        return self.kind is SymbolKind.EXTERNAL

    @property
    def is_absolute(self) -> bool:
        return self.kind is SymbolKind.ABSOLUTE

    def display_name(self) -> str:
        if self.name:
            return self.name
        if self.block is not None:
            return f"<anonymous {self.block.section.name}+{self.offset:#x}>"
        return "<anonymous>"

    def __repr__(self) -> str:
        return f"<Symbol {self.display_name()} {self.kind.name.lower()} @{self.address:#x}>"


@dataclass(slots=True, eq=False)
class Section:
    """A named list of blocks sharing one protection; layout keeps the blocks' order."""

    name: str
    prot: MemProt
    lifetime: MemLifetime = MemLifetime.STANDARD
    blocks: list[Block] = field(default_factory=list)
    symbols: list[Symbol] = field(default_factory=list)
    ordinal: int = 0
    # The section is a thread-local template (ELF SHF_TLS, Mach-O __thread_data/__thread_bss):
    # its blocks are an initialisation image that each thread gets its own copy of.
    thread_local: bool = False

    def __repr__(self) -> str:
        return f"<Section {self.name} {self.prot}>"


def make_target_out_of_range_error(graph: LinkGraph, block: Block, edge: Edge,
                                   value: int) -> FixupOutOfRange:
    """FixupOutOfRange for ``edge`` of ``block`` whose computed ``value`` does not fit,
    described as LLVM's makeTargetOutOfRangeError does (target, fixup address, block)."""
    section = block.section
    start = min((b.address for b in section.blocks), default=block.address)
    # The block's best name: the widest scope, then the strongest linkage (as LLVM chooses),
    # so a function's name wins over an AArch64 mapping symbol ($x, $d) at the same place.
    candidates = [s for s in section.symbols if s.block is block and s.offset == 0 and s.name]
    best = min(candidates, key=lambda s: (s.scope.value, s.linkage.value), default=None)
    target = edge.target
    if target.name:
        target_name = target.name
    elif target.block is not None:
        target_name = f"{target.block.section.name} + {target.offset:#x}"
    else:
        target_name = target.display_name()
    return FixupOutOfRange(graph.name, section.name, block.address + edge.offset - start,
                           block.address + edge.offset, graph.edge_kind_name(edge.kind),
                           target_name, value, target.address, block.address,
                           best.name if best is not None else None, edge.offset,
                           quote_target=bool(target.name))


class LinkGraph:
    """One object file's worth of sections, blocks, symbols and edges.

    ``name`` is the file the graph came from (used in every error about it); ``arch`` is an
    Arch and ``object_format`` an ObjectFormat (their spellings, "x86_64" or "elf", are
    accepted and converted; ValueError for any other); ``pointer_size`` is in bytes;
    ``edge_kind_name`` renders an edge kind.
    """

    def __init__(self, name: str, arch: Arch | str, pointer_size: int = 8,
                 endianness: str = "little",
                 edge_kind_name: Callable[[int], str] | None = None,
                 object_format: ObjectFormat | str = ObjectFormat.ELF) -> None:
        """An empty graph: ``name`` (the object file, named in every error about it), ``arch``
        (an Arch, or its spelling "x86_64" / "aarch64"), ``pointer_size`` and ``endianness`` of
        the target, ``edge_kind_name`` rendering the architecture's edge kinds,
        ``object_format`` (an ObjectFormat, or "elf" / "macho"), as LLVM's LinkGraph
        constructor. ValueError for an architecture or format pyjitlink does not know."""
        self.name = name
        self.arch = Arch(arch)
        self.pointer_size = pointer_size
        self.endianness = endianness
        self.object_format = ObjectFormat(object_format)
        self._edge_kind_name = edge_kind_name
        self.sections: dict[str, Section] = {}
        self.external_symbols: dict[str, Symbol] = {}
        self.absolute_symbols: list[Symbol] = []
        # Filled by passes that make the graph runnable (init/fini functions in run order).
        # Per-link values that an architecture's passes share (e.g. the GOT base symbol).
        self.target_data: dict[str, object] = {}

    # ------------------------------------------------------------------ naming

    def edge_kind_name(self, kind: int) -> str:
        """The name of edge kind ``kind`` (``getEdgeKindName``): the architecture's EdgeKind member
        name, ``KeepAlive``, or ``EdgeKind(n)`` for an unknown one."""
        if kind == GenericEdgeKind.KeepAlive:
            return "KeepAlive"
        if self._edge_kind_name is not None:
            return self._edge_kind_name(kind)
        return f"EdgeKind({kind})"

    # ------------------------------------------------------------------ sections and blocks

    def create_section(self, name: str, prot: MemProt,
                       lifetime: MemLifetime = MemLifetime.STANDARD) -> Section:
        """A new, empty section ``name`` with memory protection ``prot`` and ``lifetime``
        (``LinkGraph::createSection``). JITLinkError if the graph has one of that name."""
        if name in self.sections:
            raise JITLinkError(f"duplicate section {name}", self.name)
        section = Section(name, prot, lifetime, ordinal=len(self.sections))
        self.sections[name] = section
        return section

    def get_or_create_section(self, name: str, prot: MemProt) -> Section:
        """The section ``name``, created with ``prot`` if the graph has none of that name."""
        section = self.sections.get(name)
        return section if section is not None else self.create_section(name, prot)

    def create_content_block(self, section: Section, content: bytes | bytearray, address: int = 0,
                             alignment: int = 1, alignment_offset: int = 0) -> Block:
        """A block in ``section`` holding ``content`` (bytes; its size is len(content)), at
        ``address``, aligned to ``alignment`` bytes plus ``alignment_offset``
        (``LinkGraph::createContentBlock``)."""
        block = Block(section, len(content), alignment, alignment_offset, content, address)
        section.blocks.append(block)
        return block

    def create_zero_fill_block(self, section: Section, size: int, address: int = 0,
                               alignment: int = 1, alignment_offset: int = 0) -> Block:
        """A zero-filled block of ``size`` bytes in ``section``, at ``address``, aligned to
        ``alignment`` bytes plus ``alignment_offset`` (``LinkGraph::createZeroFillBlock``)."""
        block = Block(section, size, alignment, alignment_offset, None, address)
        section.blocks.append(block)
        return block

    def remove_block(self, block: Block) -> None:
        """Take ``block`` out of its section (``LinkGraph::removeBlock``); symbols on it must be
        removed first."""
        block.section.blocks.remove(block)

    def remove_section(self, section: Section) -> None:
        """Take ``section`` and everything in it out of the graph (``LinkGraph::removeSection``)."""
        del self.sections[section.name]

    def blocks(self) -> Iterator[Block]:
        """Every block of every section, in section then block order."""
        for section in self.sections.values():
            yield from section.blocks

    def split_block(self, block: Block, offset: int) -> Block:
        """Split ``block`` at ``offset`` bytes; return the new block holding ``[0, offset)``.

        ``block`` keeps ``[offset, size)``. Edges and symbols move to whichever part holds their
        offset, as in LLVM's LinkGraph::splitBlock. Both parts stay in the section in order.
        """
        if not 0 < offset < block.size:
            raise JITLinkError(f"cannot split block of size {block.size} at {offset}", self.name)
        section = block.section
        content = block.content
        head = Block(section, offset, block.alignment, block.alignment_offset,
                     None if content is None else content[:offset], block.address)
        index = section.blocks.index(block)
        section.blocks.insert(index, head)
        block.size -= offset
        if content is not None:
            block.content = content[offset:]
        block.address += offset
        align = block.alignment
        block.alignment_offset = (block.alignment_offset + offset) % align
        head_edges, tail_edges = [], []
        for edge in block.edges:
            if edge.offset < offset:
                head_edges.append(edge)
            else:
                edge.offset -= offset
                tail_edges.append(edge)
        head.edges, block.edges = head_edges, tail_edges
        for sym in section.symbols:
            if sym.block is block:
                if sym.offset < offset:
                    sym.block = head
                else:
                    sym.offset -= offset
        return head

    def split_block_at(self, block: Block, offsets: Sequence[int]) -> list[Block]:
        """Split ``block`` at every one of ``offsets`` (strictly increasing, each inside the
        block); return the parts in address order, the last being ``block`` itself.

        The same parts, edges and symbols as calling split_block for each cut from the front,
        in one pass over the block's edges and its section's symbols (splitting a block into
        many records, e.g. .eh_frame, costs no more than the block's size).
        """
        size = block.size
        previous = 0
        for offset in offsets:
            if not previous < offset < size:
                raise JITLinkError(f"cannot split block of size {size - previous} at "
                                   f"{offset - previous}", self.name)
            previous = offset
        if not offsets:
            return [block]
        section = block.section
        content = block.content
        align = block.alignment
        align_offset = block.alignment_offset
        address = block.address
        starts = [0, *offsets]
        parts = [Block(section, end - start, align, (align_offset + start) % align,
                       None if content is None else content[start:end], address + start)
                 for start, end in zip(starts, offsets)]
        last = offsets[-1]
        block.size = size - last
        if content is not None:
            block.content = content[last:]
        block.address = address + last
        block.alignment_offset = (align_offset + last) % align
        index = section.blocks.index(block)
        section.blocks[index:index] = parts
        parts.append(block)
        edges: list[list[Edge]] = [[] for _ in parts]
        for edge in block.edges:
            i = bisect_right(offsets, edge.offset)
            edge.offset -= starts[i]
            edges[i].append(edge)
        for part, part_edges in zip(parts, edges):
            part.edges = part_edges
        for sym in section.symbols:
            if sym.block is block:
                i = bisect_right(offsets, sym.offset)
                sym.block = parts[i]
                sym.offset -= starts[i]
        return parts

    # ------------------------------------------------------------------ symbols

    def add_defined_symbol(self, block: Block, offset: int, name: str | None, size: int,
                           linkage: Linkage, scope: Scope, callable: bool = False,
                           live: bool = False) -> Symbol:
        """A symbol ``name`` (None: anonymous) defined at ``offset`` bytes into ``block``, ``size``
        bytes, with ``linkage`` and ``scope``; ``callable`` for functions, ``live`` to keep it from
        dead-stripping (``LinkGraph::addDefinedSymbol``)."""
        sym = Symbol(name, SymbolKind.DEFINED, block, offset, size, linkage, scope, callable, live)
        block.section.symbols.append(sym)
        return sym

    def add_anonymous_symbol(self, block: Block, offset: int, size: int = 0,
                             callable: bool = False, live: bool = False) -> Symbol:
        """A nameless local symbol at ``offset`` into ``block``
        (``LinkGraph::addAnonymousSymbol``)."""
        return self.add_defined_symbol(block, offset, None, size, Linkage.STRONG, Scope.LOCAL,
                                       callable, live)

    def add_external_symbol(self, name: str, weakly_referenced: bool = False) -> Symbol:
        """The external (undefined) symbol ``name``, made once per graph; ``weakly_referenced`` if
        every reference is weak (then it may stay unresolved, at address 0)
        (``LinkGraph::addExternalSymbol``)."""
        sym = self.external_symbols.get(name)
        if sym is None:
            sym = Symbol(name, SymbolKind.EXTERNAL, scope=Scope.DEFAULT,
                         weakly_referenced=weakly_referenced)
            self.external_symbols[name] = sym
        elif not weakly_referenced:
            sym.weakly_referenced = False
        return sym

    def add_absolute_symbol(self, name: str | None, address: int, size: int = 0,
                            linkage: Linkage = Linkage.STRONG, scope: Scope = Scope.LOCAL,
                            live: bool = False) -> Symbol:
        """A symbol ``name`` at the absolute ``address`` (an int)
        (``LinkGraph::addAbsoluteSymbol``)."""
        sym = Symbol(name, SymbolKind.ABSOLUTE, None, 0, size, linkage, scope, False, live,
                     absolute_address=address)
        self.absolute_symbols.append(sym)
        return sym

    def defined_symbols(self) -> Iterator[Symbol]:
        """Every symbol defined in a block, section by section."""
        for section in self.sections.values():
            yield from section.symbols

    def make_external(self, sym: Symbol) -> None:
        """Turn a defined or absolute symbol into an external reference to the same name.

        Used when another definition of the name wins (weak/common resolution, COMDAT); edges
        that pointed at the local definition now bind to the winner.
        """
        assert sym.name, "only named symbols can be made external"
        if sym.kind is SymbolKind.DEFINED:
            assert sym.block is not None
            sym.block.section.symbols.remove(sym)
        elif sym.kind is SymbolKind.ABSOLUTE:
            self.absolute_symbols.remove(sym)
        existing = self.external_symbols.get(sym.name)
        sym.kind = SymbolKind.EXTERNAL
        sym.block = None
        sym.offset = 0
        sym.scope = Scope.DEFAULT
        sym.linkage = Linkage.STRONG
        sym.live = False
        if existing is not None and existing is not sym:
            # Re-point edges at the one external symbol of this name.
            for block in self.blocks():
                for edge in block.edges:
                    if edge.target is sym:
                        edge.target = existing
        else:
            self.external_symbols[sym.name] = sym

    def release(self) -> None:
        """Forget the graph's sections, symbols and edges once its link is over (LLVM frees
        the LinkGraph then). A graph is full of reference cycles (a block's edges reach
        symbols in that block, sections list their blocks, blocks name their section), so
        without this it lives until a full collection of the cyclic garbage collector, which
        a large link's collector thresholds make rare. Blocks and symbols that something
        else still holds (a -check recorder, a plugin) keep their addresses and contents;
        only their edges go. The graph is empty afterwards."""
        for section in self.sections.values():
            for block in section.blocks:
                block.edges = []
            section.blocks = []
            section.symbols = []
        self.sections = {}
        self.external_symbols = {}
        self.absolute_symbols = []
        self.target_data = {}

    def find_symbol(self, name: str) -> Symbol | None:
        """The defined, absolute or external symbol called ``name`` (defined preferred)."""
        for sym in self.defined_symbols():
            if sym.name == name:
                return sym
        for sym in self.absolute_symbols:
            if sym.name == name:
                return sym
        return self.external_symbols.get(name)

    def __repr__(self) -> str:
        return f"<LinkGraph {self.name} {self.arch}>"
