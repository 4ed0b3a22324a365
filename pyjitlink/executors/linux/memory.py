"""Memory for the emulated process's graphs: segments grouped by protection into zones.

A program on the target's C runtime links a few hundred graphs (one per archive member).
Placing each graph's R--, RW- and R-X segments side by side, as ArenaMemoryManager does,
makes three emulator regions per graph, and Unicorn's cost per mapped region grows with the
number of regions (each ``uc_mem_map`` rebuilds its address-space view): 1,680 one-page
maps take about 2 s, one map of the same pages under 1 ms. Here every segment is placed in
the zone of its protection, and each zone is mapped in the emulator in a few growing chunks
(``CHUNK`` bytes, doubling), with that protection: memory is still never writable and
executable at once. Pages of a zone past the last segment are mapped but hold zeros.

Released segments are zeroed (their host pages dropped), their translated code forgotten,
and their addresses reused by later segments of the same protection.
"""

from __future__ import annotations

import mmap
import threading
from collections.abc import Callable

from pyjitlink.errors import JITLinkError
from pyjitlink.executors.host_bridge import Memory
from pyjitlink.jitlink.graph import LinkGraph, MemProt
from pyjitlink.jitlink.memory import BasicLayout, InFlightAlloc, align_up, protection_bits

CHUNK = 1 << 20  # first emulator mapping of a zone; each later one doubles the mapped size
# Zone sizes by protection (bytes of address space, reserved up front).
ZONE_SIZES = {MemProt.READ | MemProt.EXEC: 192 << 20, MemProt.READ: 96 << 20,
              MemProt.READ | MemProt.WRITE: 384 << 20}
OTHER_ZONE_SIZE = 16 << 20


class _Zone:
    """Address space [base, limit) for segments of one protection; [base, mapped) is mapped
    in the emulator."""

    def __init__(self, base: int, size: int, prot: MemProt) -> None:
        self.base = self.next = self.mapped = base
        self.limit = base + size
        self.prot = prot
        self.free: list[tuple[int, int]] = []

    def take(self, size: int) -> int | None:
        for i, (address, length) in enumerate(self.free):
            if length >= size:
                self.free[i] = (address + size, length - size)
                if length == size:
                    del self.free[i]
                return address
        if self.next + size > self.limit:
            return None
        address, self.next = self.next, self.next + size
        return address


class ZonedMemoryManager:
    """A MemoryManager (jitlink.memory) for the emulated process: BasicLayout's segments,
    each placed in the zone of its protection. ``reserve(size)`` gives a zone its address
    space (the executor's arena); ``memory`` is the emulated address space."""

    page_size = 4096

    def __init__(self, memory: Memory, reserve: Callable[[int], int]) -> None:
        self.memory = memory
        self.reserve = reserve
        self.zones: dict[MemProt, _Zone] = {}
        self.lock = threading.Lock()

    def _zone(self, prot: MemProt) -> _Zone:
        zone = self.zones.get(prot)
        if zone is None:
            protection_bits(prot)  # refuses W+X
            size = ZONE_SIZES.get(prot, OTHER_ZONE_SIZE)
            zone = self.zones[prot] = _Zone(self.reserve(size), size, prot)
        return zone

    def allocate(self, graph: LinkGraph,
                 on_allocated: Callable[[InFlightAlloc | Exception], None]) -> None:
        try:
            layout = BasicLayout(graph)
            placed: list[tuple[int, int]] = []
            with self.lock:
                for segment in layout.segments:
                    size = align_up(max(segment.size, 1), self.page_size)
                    zone = self._zone(segment.prot)
                    address = zone.take(size)
                    if address is None:
                        for taken in placed:
                            self._give_back(*taken)
                        raise JITLinkError(f"out of emulated memory: {size:#x} bytes of "
                                           f"{segment.prot} segments requested")
                    placed.append((address, size))
            layout.apply(0, self.page_size, [address for address, _ in placed])
            start = min((a for a, _ in placed), default=0)
            size = sum(s for _, s in placed)
            result: InFlightAlloc | Exception = InFlightAlloc(
                _Allocation(self, placed), layout, start, size)
        except JITLinkError as err:
            if err.file is None:
                err.file = graph.name
            result = err
        on_allocated(result)

    def commit(self, address: int, data: bytes | bytearray, size: int, prot: MemProt) -> None:
        """Copy ``data`` to ``address`` (the rest of ``size`` zero) and make sure the
        emulator maps it, with its zone's protection."""
        buffer = self.memory.buffer
        buffer[address:address + len(data)] = data
        if len(data) < size:
            buffer[address + len(data):address + size] = bytes(size - len(data))
        with self.lock:
            zone = self._zone(prot)
            end = address + size
            if end > zone.mapped:
                grow = max(end - zone.mapped, zone.mapped - zone.base, CHUNK)
                grow = align_up(min(grow, zone.limit - zone.mapped), self.page_size)
                self.memory.map(zone.mapped, grow, protection_bits(prot))
                zone.mapped += grow

    def _give_back(self, address: int, size: int) -> None:
        for zone in self.zones.values():
            if zone.base <= address < zone.limit:
                zone.free.append((address, size))
                return

    def release(self, segments: list[tuple[int, int]]) -> None:
        """Zero ``segments`` (address, size), forget their translated code, reuse them."""
        with self.lock:
            for address, size in segments:
                if not self.memory.buffer.closed:
                    self.memory.buffer.madvise(mmap.MADV_DONTNEED, address, size)
                if self.memory.engine.handle:
                    self.memory.engine.drop_translations(address, size)
                self._give_back(address, size)


class _Allocation:
    """The TargetArena one graph's InFlightAlloc and FinalizedAlloc see: commits go to the
    zones, and releasing it (whatever range it is given) releases the graph's segments."""

    page_size = ZonedMemoryManager.page_size

    def __init__(self, manager: ZonedMemoryManager, segments: list[tuple[int, int]]) -> None:
        self.manager = manager
        self.segments = segments
        self.released = False

    def reserve(self, size: int) -> int:
        raise JITLinkError("a graph's allocation cannot grow")

    def commit(self, address: int, data: bytes | bytearray, size: int, prot: MemProt) -> None:
        self.manager.commit(address, data, size, prot)

    def release(self, address: int, size: int) -> None:
        if not self.released:
            self.released = True
            self.manager.release(self.segments)
