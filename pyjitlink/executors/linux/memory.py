"""Memory for the emulated process's graphs: segments grouped by protection in stripes.

A program on the target's C runtime links a few hundred graphs (one per archive member).
Placing each graph's R--, RW- and R-X segments side by side, as ArenaMemoryManager does,
makes three emulator regions per graph, and Unicorn's cost per mapped region grows with the
number of regions (each ``uc_mem_map`` rebuilds its address-space view): 1,680 one-page
maps take about 2 s, one map of the same pages under 1 ms.

Here the address space is taken in *stripes* of ``STRIPE`` bytes, each with one area per
protection (``AREAS``), mapped once with that protection when the stripe is made: memory is
still never writable and executable at once. A graph's segments all go to one stripe, each
into the area of its protection, so a stripe holds many graphs in three regions, and a
graph's segments stay within ``STRIPE`` bytes of each other (AArch64's tiny code model
reaches +-1 MiB). A graph with a segment larger than its area, or of another protection,
gets its own consecutive segments as ArenaMemoryManager places them. Pages of an area past
its segments are mapped but hold zeros.

Released segments are zeroed (their host pages dropped), their translated code forgotten,
and their space reused by later segments of the same protection.
"""

from __future__ import annotations

import mmap
import threading
from collections.abc import Callable

from pyjitlink.errors import JITLinkError
from pyjitlink.executors.host_bridge import Memory
from pyjitlink.jitlink.graph import LinkGraph, MemProt
from pyjitlink.jitlink.memory import (
    ArenaMemoryManager,
    BasicLayout,
    InFlightAlloc,
    TargetArena,
    align_up,
    protection_bits,
    take_first_fit,
)

RX, R, RW = MemProt.READ | MemProt.EXEC, MemProt.READ, MemProt.READ | MemProt.WRITE
# (protection, offset in the stripe, size): code first, then read-only data, then data.
AREAS = ((RX, 0, 256 << 10), (R, 256 << 10, 128 << 10), (RW, 384 << 10, 256 << 10))
STRIPE = 640 << 10


class _Area:
    """[base, limit) of one stripe for segments of one protection."""

    def __init__(self, base: int, size: int) -> None:
        self.next = base
        self.limit = base + size
        self.free: list[tuple[int, int]] = []

    def fits(self, size: int) -> bool:
        return self.next + size <= self.limit or any(n >= size for _, n in self.free)

    def take(self, size: int) -> int:
        reused = take_first_fit(self.free, size)
        if reused is not None:
            return reused
        address, self.next = self.next, self.next + size
        return address


class StripedMemoryManager:
    """A MemoryManager (jitlink.memory) for the emulated process: BasicLayout's segments
    placed by protection in stripes (see the module's description). ``arena`` gives stripes
    their address space (EmulatedArena: ``reserve``, and ``commit``/``release`` for graphs
    too large for a stripe); ``memory`` is the emulated address space."""

    page_size = 4096

    def __init__(self, memory: Memory, arena: TargetArena) -> None:
        self.memory = memory
        self.arena = arena
        self.large = ArenaMemoryManager(arena)
        self.stripes: list[dict[MemProt, _Area]] = []
        self.owners: dict[int, _Area] = {}  # a placed segment's address -> its area
        self.lock = threading.Lock()

    def _new_stripe(self) -> dict[MemProt, _Area]:
        base = self.arena.reserve(STRIPE)
        for prot, offset, size in AREAS:
            self.memory.map(base + offset, size, protection_bits(prot))
        stripe = {prot: _Area(base + offset, size) for prot, offset, size in AREAS}
        self.stripes.append(stripe)
        return stripe

    def allocate(self, graph: LinkGraph,
                 on_allocated: Callable[[InFlightAlloc | Exception], None]) -> None:
        try:
            layout = BasicLayout(graph)
            sizes = [(s.prot, align_up(max(s.size, 1), self.page_size))
                     for s in layout.segments]
            areas = dict((prot, size) for prot, _, size in AREAS)
            if any(prot not in areas or size > areas[prot] for prot, size in sizes):
                self.large.allocate(graph, on_allocated)  # its own consecutive segments
                return
            with self.lock:
                stripe = next((s for s in self.stripes
                               if all(s[prot].fits(size) for prot, size in sizes)), None)
                if stripe is None:
                    stripe = self._new_stripe()
                placed = []
                for prot, size in sizes:
                    address = stripe[prot].take(size)
                    self.owners[address] = stripe[prot]
                    placed.append((address, size))
            layout.apply(0, self.page_size, [address for address, _ in placed])
            result: InFlightAlloc | Exception = InFlightAlloc(
                _Allocation(self, placed), layout, min(a for a, _ in placed),
                sum(s for _, s in placed))
        except JITLinkError as err:
            if err.file is None:
                err.file = graph.name
            result = err
        on_allocated(result)

    def commit(self, address: int, data: bytes | bytearray, size: int) -> None:
        """Copy ``data`` to ``address``, the rest of ``size`` zero (the stripe is mapped)."""
        buffer = self.memory.buffer
        buffer[address:address + len(data)] = data
        if len(data) < size:
            buffer[address + len(data):address + size] = bytes(size - len(data))

    def release(self, segments: list[tuple[int, int]]) -> None:
        """Zero ``segments`` (address, size), forget their translated code, reuse them."""
        with self.lock:
            for address, size in segments:
                if not self.memory.buffer.closed:
                    self.memory.buffer.madvise(mmap.MADV_DONTNEED, address, size)
                if self.memory.engine.handle:
                    self.memory.engine.drop_translations(address, size)
                area = self.owners.pop(address, None)
                if area is not None:
                    area.free.append((address, size))


class _Allocation:
    """The TargetArena one graph's InFlightAlloc and FinalizedAlloc see: commits copy into
    its stripe, and releasing it (whatever range it is given) releases the graph's
    segments."""

    page_size = StripedMemoryManager.page_size

    def __init__(self, manager: StripedMemoryManager, segments: list[tuple[int, int]]) -> None:
        self.manager = manager
        self.segments = segments
        self.released = False

    def reserve(self, size: int) -> int:
        raise JITLinkError("a graph's allocation cannot grow")

    def commit(self, address: int, data: bytes | bytearray, size: int, prot: MemProt) -> None:
        self.manager.commit(address, data, size)

    def release(self, address: int, size: int) -> None:
        if not self.released:
            self.released = True
            self.manager.release(self.segments)
