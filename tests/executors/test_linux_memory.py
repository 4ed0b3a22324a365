"""executors/linux/memory.py: each graph segment goes to the zone of its protection, zones are
mapped in a few doubling chunks with that protection (never W+X), released segments are
zeroed and reused."""

from __future__ import annotations

import pytest

from pyjitlink.errors import JITLinkError
from pyjitlink.executors.emulated import EmulatedArena
from pyjitlink.executors.host_bridge import (
    UC_PROT_EXEC,
    UC_PROT_READ,
    UC_PROT_WRITE,
    Engine,
    Memory,
)
from pyjitlink.executors.linux.memory import CHUNK, ZonedMemoryManager
from pyjitlink.jitlink.graph import LinkGraph, MemProt
from pyjitlink.jitlink.memory import FinalizedAlloc, InFlightAlloc

RX, R, RW = MemProt.READ | MemProt.EXEC, MemProt.READ, MemProt.READ | MemProt.WRITE


def _graph(name: str, code: bytes) -> LinkGraph:
    graph = LinkGraph(name, "aarch64")
    graph.create_content_block(graph.get_or_create_section(".text", RX), code, alignment=4)
    graph.create_content_block(graph.get_or_create_section(".rodata", R), b"ro" + name.encode())
    graph.create_zero_fill_block(graph.get_or_create_section(".bss", RW), 5000, alignment=8)
    return graph


def _link(manager: ZonedMemoryManager, graph: LinkGraph) -> FinalizedAlloc:
    allocated: list[InFlightAlloc | Exception] = []
    manager.allocate(graph, allocated.append)
    alloc = allocated[0]
    assert isinstance(alloc, InFlightAlloc)
    finalized: list[FinalizedAlloc | Exception] = []
    alloc.finalize(finalized.append)
    assert isinstance(finalized[0], FinalizedAlloc)
    return finalized[0]


def test_segments_by_protection_in_few_mappings() -> None:
    memory = Memory(Engine("aarch64"))
    try:
        manager = ZonedMemoryManager(memory, EmulatedArena(memory).reserve)
        graphs = [_graph(f"g{i}", bytes([i % 256]) * 8) for i in range(300)]
        allocs = [_link(manager, g) for g in graphs]
        texts = [g.sections[".text"].blocks[0].address for g in graphs]
        zone = manager.zones[RX]
        assert texts == [zone.base + 4096 * i for i in range(300)]  # code next to code
        # 300 graphs x 3 segments: each zone mapped in a handful of chunks, not 900 regions.
        regions = memory._regions
        assert len(regions) <= 3 * 4
        protections = {start: prot for start, _, prot in regions}
        assert protections[zone.base] == UC_PROT_READ | UC_PROT_EXEC
        assert protections[manager.zones[RW].base] == UC_PROT_READ | UC_PROT_WRITE
        assert all(prot & 6 != 6 for _, _, prot in regions)  # never W+X
        assert regions[0][1] - regions[0][0] >= CHUNK
        assert memory.buffer[texts[7]:texts[7] + 8] == bytes([7]) * 8
        rodata = graphs[9].sections[".rodata"].blocks[0].address
        assert memory.buffer[rodata:rodata + 4] == b"rog9"
        # Released: zeroed, and the next graph's code goes where it was.
        allocs[7].release()
        assert memory.buffer[texts[7]:texts[7] + 8] == bytes(8)
        again = _graph("again", b"\xaa" * 8)
        _link(manager, again)
        assert again.sections[".text"].blocks[0].address == texts[7]
    finally:
        memory.close()


def test_a_full_zone_is_a_link_error() -> None:
    memory = Memory(Engine("aarch64"))
    try:
        manager = ZonedMemoryManager(memory, EmulatedArena(memory).reserve)
        graph = LinkGraph("huge", "aarch64")
        graph.create_zero_fill_block(graph.get_or_create_section(".bss", RW), 1 << 30)
        results: list[InFlightAlloc | Exception] = []
        manager.allocate(graph, results.append)
        assert isinstance(results[0], JITLinkError)
        assert "out of emulated memory" in str(results[0]) and results[0].file == "huge"
    finally:
        memory.close()


@pytest.mark.parametrize("prot", [MemProt.READ | MemProt.WRITE | MemProt.EXEC])
def test_write_and_execute_is_refused(prot: MemProt) -> None:
    memory = Memory(Engine("aarch64"))
    try:
        manager = ZonedMemoryManager(memory, EmulatedArena(memory).reserve)
        graph = LinkGraph("wx", "aarch64")
        graph.create_content_block(graph.get_or_create_section(".wx", prot), b"\0" * 4)
        results: list[InFlightAlloc | Exception] = []
        manager.allocate(graph, results.append)
        assert isinstance(results[0], JITLinkError)
    finally:
        memory.close()
