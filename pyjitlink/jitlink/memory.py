"""Memory for linked graphs: segment layout by protection, working memory, target arenas.

A graph's sections are grouped into segments by protection (R--, RW-, R-X), each segment
page-aligned, content blocks before zero-fill blocks (LLVM's BasicLayout). Fixups are applied to
*working memory*: one host ``bytearray`` per segment, with each block's ``content`` a view into
it. Finalizing hands each segment's bytes to a ``TargetArena`` (host mmap, an emulator, or
nowhere), which copies them to the target address and applies the final protection. Working
memory is never executed, so nothing is ever mapped writable and executable at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from operator import attrgetter
from dataclasses import dataclass, field
from typing import Protocol

from pyjitlink.errors import JITLinkError
from pyjitlink.jitlink.graph import Block, LinkGraph, MemLifetime, MemProt


def align_up(value: int, alignment: int) -> int:
    return (value + alignment - 1) & -alignment


def take_first_fit(free: list[tuple[int, int]], size: int) -> int | None:
    """First fit over ``free``, a list of released (address, size in bytes) ranges: the
    address of ``size`` bytes cut from the front of the first range that holds them (the
    range shrinks, or goes when used up), or None when no range is large enough."""
    for i, (address, length) in enumerate(free):
        if length >= size:
            if length == size:
                del free[i]
            else:
                free[i] = (address + size, length - size)
            return address
    return None


def protection_bits(prot: MemProt) -> int:
    """``prot`` as the R=1, W=2, X=4 bits that mprotect's PROT_* and Unicorn's UC_PROT_*
    both use. Raises JITLinkError for writable-and-executable: memory is never W+X."""
    bits = int(prot) & 7
    if bits & 6 == 6:
        raise JITLinkError(f"refusing to map memory writable and executable ({prot})")
    return bits


@dataclass(slots=True, eq=False)
class Segment:
    """Blocks sharing one protection, placed contiguously; sizes and offsets in bytes."""

    prot: MemProt
    content_blocks: list[Block] = field(default_factory=list)
    zero_fill_blocks: list[Block] = field(default_factory=list)
    alignment: int = 1
    content_size: int = 0
    zero_fill_size: int = 0
    address: int = 0
    working: bytearray = field(default_factory=bytearray)

    @property
    def size(self) -> int:
        return self.content_size + self.zero_fill_size


_by_address = attrgetter("address")


class BasicLayout:
    """Groups a graph's blocks into segments by protection and computes offsets within each."""

    def __init__(self, graph: LinkGraph) -> None:
        self.graph = graph
        by_prot: dict[MemProt, Segment] = {}
        for section in sorted(graph.sections.values(), key=lambda s: s.ordinal):
            if section.lifetime is MemLifetime.NO_ALLOC or not section.blocks:
                continue
            segment = by_prot.get(section.prot)
            if segment is None:
                segment = by_prot[section.prot] = Segment(section.prot)
            blocks = sorted(section.blocks, key=_by_address) if len(
                section.blocks) > 1 else section.blocks
            content_blocks = segment.content_blocks
            zero_fill_blocks = segment.zero_fill_blocks
            for block in blocks:
                if block.content is None:
                    zero_fill_blocks.append(block)
                else:
                    content_blocks.append(block)
        # Segment order by protection value: R--, RW-, R-X (then anything else).
        self.segments = [by_prot[p] for p in sorted(by_prot)]
        for segment in self.segments:
            offset = 0
            alignment = segment.alignment
            for blocks in (segment.content_blocks, segment.zero_fill_blocks):
                for block in blocks:
                    # The first offset >= offset where the block may start (its alignment
                    # and alignment offset), inline: one step per block of every graph.
                    align = block.alignment
                    offset += (block.alignment_offset % align - offset) % align
                    block.address = offset  # segment-relative until apply()
                    offset += block.size
                    if align > alignment:
                        alignment = align
                if blocks is segment.content_blocks:
                    segment.content_size = offset
            segment.alignment = alignment
            segment.zero_fill_size = offset - segment.content_size

    def total_size(self, page_size: int) -> int:
        """Bytes needed when every segment starts on a page boundary."""
        return sum(align_up(max(s.size, 1), page_size) for s in self.segments)

    def apply(self, base: int, page_size: int, addresses: Sequence[int] | None = None) -> None:
        """Give segments consecutive page-aligned addresses from ``base`` (or, with
        ``addresses``, one page-aligned address per segment, in ``segments`` order); fill
        working memory.

        Afterwards each block's ``address`` is its target address and its ``content`` a writable
        memoryview into its segment's working memory (zero-fill blocks included).
        """
        address = base
        for index, segment in enumerate(self.segments):
            if addresses is not None:
                address = addresses[index]
            if segment.alignment > page_size:
                raise JITLinkError(
                    f"segment alignment {segment.alignment} exceeds page size {page_size}",
                    self.graph.name)
            segment.address = address
            working = segment.working = bytearray(segment.size)
            view = memoryview(working)
            for block in segment.content_blocks:
                start = block.address
                assert block.content is not None
                working[start:start + block.size] = block.content
                block.content = view[start:start + block.size]
                block.address = address + start
            for block in segment.zero_fill_blocks:
                start = block.address
                block.content = view[start:start + block.size]
                block.address = address + start
            address += align_up(max(segment.size, 1), page_size)


class TargetArena(Protocol):
    """Target address space that finalized segments are copied into.

    ``reserve(size)`` returns a page-aligned target address of ``size`` bytes (raises
    ``JITLinkError`` when exhausted); ``commit(address, data, size, prot)`` copies ``data`` to
    ``address`` (the rest of ``size`` is zero) and applies ``prot``; ``release`` frees it.
    """

    page_size: int

    def reserve(self, size: int) -> int: ...

    def commit(self, address: int, data: bytes | bytearray, size: int, prot: MemProt) -> None: ...

    def release(self, address: int, size: int) -> None: ...


class FinalizedAlloc:
    """Memory of a finalized graph; ``release()`` returns it to the arena (once)."""

    def __init__(self, arena: TargetArena, address: int, size: int,
                 segments: list[tuple[int, int, MemProt]]) -> None:
        self.arena = arena
        self.address = address
        self.size = size
        self.segments = segments  # (address, size, prot)
        self.released = False

    def release(self) -> None:
        if not self.released:
            self.released = True
            self.arena.release(self.address, self.size)


class InFlightAlloc:
    """Memory of a graph being linked: addresses fixed, contents still in working memory."""

    def __init__(self, arena: TargetArena, layout: BasicLayout, address: int, size: int) -> None:
        self.arena = arena
        self.layout = layout
        self.address = address
        self.size = size

    def finalize(self, on_finalized: Callable[[FinalizedAlloc | Exception], None]) -> None:
        """Copy each segment to the target with its protection, then call ``on_finalized``."""
        try:
            segments = []
            for seg in self.layout.segments:
                self.arena.commit(seg.address, seg.working[:seg.content_size],
                                  align_up(max(seg.size, 1), self.arena.page_size), seg.prot)
                segments.append((seg.address, seg.size, seg.prot))
            result: FinalizedAlloc | Exception = FinalizedAlloc(self.arena, self.address,
                                                                self.size, segments)
        except JITLinkError as err:
            result = err
        on_finalized(result)

    def abandon(self) -> None:
        self.arena.release(self.address, self.size)


class MemoryManager(Protocol):
    """Allocates target memory for a graph (LLVM's JITLinkMemoryManager)."""

    page_size: int

    def allocate(self, graph: LinkGraph,
                 on_allocated: Callable[[InFlightAlloc | Exception], None]) -> None: ...


class ArenaMemoryManager:
    """A MemoryManager that lays graphs out with BasicLayout and places them in one arena."""

    def __init__(self, arena: TargetArena) -> None:
        self.arena = arena
        self.page_size = arena.page_size

    def allocate(self, graph: LinkGraph,
                 on_allocated: Callable[[InFlightAlloc | Exception], None]) -> None:
        try:
            layout = BasicLayout(graph)
            size = layout.total_size(self.page_size)
            base = self.arena.reserve(size)
            layout.apply(base, self.page_size)
            result: InFlightAlloc | Exception = InFlightAlloc(self.arena, layout, base, size)
        except JITLinkError as err:
            if err.file is None:
                err.file = graph.name
            result = err
        on_allocated(result)


class SlabArena:
    """Target memory that is only address space: for ``-noexec``, nothing is copied anywhere.

    Addresses are handed out upward from ``base`` within ``size`` bytes, as llvm-jitlink's
    ``-slab-allocate``/``-slab-address`` do; exhausting the slab is an error.
    """

    def __init__(self, base: int = 0x10000, size: int = 1 << 40, page_size: int = 4096) -> None:
        self.base = base
        self.limit = base + size
        self.next = base
        self.page_size = page_size
        self.lock = threading.Lock()

    def reserve(self, size: int) -> int:
        with self.lock:
            address = align_up(self.next, self.page_size)
            if address + size > self.limit:
                raise JITLinkError(f"Slab allocator out of memory: request for {size:#x} bytes "
                                   f"exceeds remaining capacity of {self.limit - address:#x} "
                                   f"bytes")
            self.next = address + size
            return address

    def commit(self, address: int, data: bytes | bytearray, size: int, prot: MemProt) -> None:
        pass

    def release(self, address: int, size: int) -> None:
        pass
