"""executors/linux/memory.py: a graph's segments go to one stripe, each into the area of its
protection; a stripe is three emulator regions (never W+X) holding many graphs; released
segments are zeroed and reused; large graphs get their own segments."""

from __future__ import annotations

import pytest

from pyjitlink.errors import JITLinkError
from pyjitlink.executors.abi import target_for
from pyjitlink.executors.emulated import EmulatedArena
from pyjitlink.executors.host_bridge import (
    UC_PROT_EXEC,
    UC_PROT_READ,
    UC_PROT_WRITE,
    Engine,
    Memory,
)
from pyjitlink.executors.linux.memory import AREAS, STRIPE, StripedMemoryManager
from pyjitlink.jitlink.graph import LinkGraph, MemProt
from pyjitlink.jitlink.memory import FinalizedAlloc, InFlightAlloc

RX, R, RW = MemProt.READ | MemProt.EXEC, MemProt.READ, MemProt.READ | MemProt.WRITE


def _graph(name: str, code: bytes) -> LinkGraph:
    graph = LinkGraph(name, "aarch64")
    graph.create_content_block(graph.get_or_create_section(".text", RX), code, alignment=4)
    graph.create_content_block(graph.get_or_create_section(".rodata", R), b"ro" + name.encode())
    graph.create_zero_fill_block(graph.get_or_create_section(".bss", RW), 5000, alignment=8)
    return graph


def _link(manager: StripedMemoryManager, graph: LinkGraph) -> FinalizedAlloc:
    allocated: list[InFlightAlloc | Exception] = []
    manager.allocate(graph, allocated.append)
    alloc = allocated[0]
    assert isinstance(alloc, InFlightAlloc)
    finalized: list[FinalizedAlloc | Exception] = []
    alloc.finalize(finalized.append)
    if isinstance(finalized[0], Exception):
        raise finalized[0]
    return finalized[0]


def test_segments_by_protection_in_few_mappings() -> None:
    memory = Memory(Engine(target_for("aarch64")))
    try:
        manager = StripedMemoryManager(memory, EmulatedArena(memory))
        graphs = [_graph(f"g{i}", bytes([i % 256]) * 8) for i in range(300)]
        allocs = [_link(manager, g) for g in graphs]
        texts = [g.sections[".text"].blocks[0].address for g in graphs]
        first = manager.stripes[0][RX].limit - AREAS[0][2]
        per_stripe = AREAS[1][2] // 4096  # one read-only page per graph fills it first
        assert texts[:per_stripe] == [first + 4096 * i for i in range(per_stripe)]
        for graph in graphs:  # each graph's segments within one stripe
            addresses = [s.blocks[0].address for s in graph.sections.values()]
            assert max(addresses) - min(addresses) < STRIPE
        # 300 graphs x 3 segments: three regions per stripe, not 900 regions.
        regions = memory._regions
        assert len(manager.stripes) == -(-300 // per_stripe)
        assert len(regions) == 3 * len(manager.stripes)
        protections = {start: prot for start, _, prot in regions}
        assert protections[first] == UC_PROT_READ | UC_PROT_EXEC
        assert protections[manager.stripes[0][RW].limit - AREAS[2][2]] == \
            UC_PROT_READ | UC_PROT_WRITE
        assert all(prot & 6 != 6 for _, _, prot in regions)  # never W+X
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


def test_large_graphs_get_their_own_segments_and_memory_runs_out_cleanly() -> None:
    memory = Memory(Engine(target_for("aarch64")))
    try:
        manager = StripedMemoryManager(memory, EmulatedArena(memory))
        big = LinkGraph("big", "aarch64")
        big.create_content_block(big.get_or_create_section(".text", RX), b"\x01" * 8)
        big.create_zero_fill_block(big.get_or_create_section(".bss", RW), 1 << 20)
        _link(manager, big)
        assert manager.stripes == []  # not striped: consecutive segments, mapped each
        text = big.sections[".text"].blocks[0].address
        assert memory.buffer[text:text + 8] == b"\x01" * 8
        huge = LinkGraph("huge", "aarch64")
        huge.create_zero_fill_block(huge.get_or_create_section(".bss", RW), 1 << 30)
        results: list[InFlightAlloc | Exception] = []
        manager.allocate(huge, results.append)
        assert isinstance(results[0], JITLinkError)
        assert "out of emulated memory" in str(results[0]) and results[0].file == "huge"
    finally:
        memory.close()


def test_write_and_execute_is_refused() -> None:
    memory = Memory(Engine(target_for("aarch64")))
    try:
        manager = StripedMemoryManager(memory, EmulatedArena(memory))
        graph = LinkGraph("wx", "aarch64")
        graph.create_content_block(graph.get_or_create_section(
            ".wx", MemProt.READ | MemProt.WRITE | MemProt.EXEC), b"\0" * 4)
        with pytest.raises(JITLinkError, match="writable and executable"):
            _link(manager, graph)
    finally:
        memory.close()
