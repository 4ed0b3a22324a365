"""The emulated memory manager's placement: segments pooled by protection in few regions.
It serves every emulated run (the LinuxProcessExecutor on the target's C runtime), whose
hundreds of runtime graphs are why regions are shared.

The oracle is Unicorn's own list of mapped regions (``uc_mem_regions``), read from the
same engine handle.
"""

from __future__ import annotations

import ctypes

import pytest

pytest.importorskip("unicorn")

from pyjitlink.errors import JITLinkError  # noqa: E402
from pyjitlink.executors.emulated import EmulatedExecutor, SegmentPools  # noqa: E402
from pyjitlink.executors.host_bridge import (  # noqa: E402
    _library,
    UC_PROT_READ,
    UC_PROT_WRITE,
)
from pyjitlink.jitlink.graph import LinkGraph, MemProt  # noqa: E402
from pyjitlink.jitlink.memory import FinalizedAlloc, InFlightAlloc  # noqa: E402

RX = MemProt.READ | MemProt.EXEC
RW = MemProt.READ | MemProt.WRITE
PAGE = 4096


class _Region(ctypes.Structure):
    _fields_ = [("begin", ctypes.c_uint64), ("end", ctypes.c_uint64),
                ("perms", ctypes.c_uint32)]


def _unicorn_regions(executor: EmulatedExecutor) -> list[tuple[int, int, int]]:
    """Unicorn's own list of mapped regions (``uc_mem_regions``): (start, end, perms)."""
    lib = _library()
    regions = ctypes.POINTER(_Region)()
    count = ctypes.c_uint32()
    err = lib.uc_mem_regions(ctypes.c_void_p(executor.engine.handle), ctypes.byref(regions),
                             ctypes.byref(count))
    assert err == 0
    found = [(regions[i].begin, regions[i].end + 1, regions[i].perms)
             for i in range(count.value)]
    lib.uc_free(regions)
    return found


def _region_of(executor: EmulatedExecutor, address: int) -> tuple[int, int, int]:
    for start, end, prot in _unicorn_regions(executor):
        if start <= address < end:
            return start, end, prot
    raise AssertionError(f"{address:#x} is not mapped")


def test_segments_of_one_protection_share_a_region_and_never_a_page() -> None:
    executor = EmulatedExecutor("aarch64")
    try:
        pools: SegmentPools = executor.memory_manager.pools  # type: ignore[attr-defined]
        before = len(_unicorn_regions(executor))
        code = [pools.place(100, RX) for _ in range(200)]
        data = [pools.place(5000, RW) for _ in range(200)]
        # 200 + 200 segments (0.8 and 1.6 MiB): regions of 256 KiB, 512 KiB, 1 MiB...
        # for each protection, not 400.
        assert len(_unicorn_regions(executor)) - before == 3 + 3
        assert len({_region_of(executor, a)[:2] for a in code}) == 3
        assert {_region_of(executor, a)[2] for a in code} == {5}  # UC_PROT_READ | EXEC
        assert {_region_of(executor, a)[2] for a in data} == {UC_PROT_READ | UC_PROT_WRITE}
        pages = [a // PAGE for a in code] + [p for a in data for p in (a // PAGE,
                                                                          a // PAGE + 1)]
        assert len(pages) == len(set(pages))  # no page holds two segments
        assert all(a % PAGE == 0 for a in code + data)
    finally:
        executor.close()


def test_a_released_segment_is_unmapped_then_reused_zeroed_by_its_protection_only() -> None:
    executor = EmulatedExecutor("aarch64")
    try:
        pools: SegmentPools = executor.memory_manager.pools  # type: ignore[attr-defined]
        address = pools.place(PAGE, RW)
        executor.memory.buffer[address:address + 4] = b"\x11\x22\x33\x44"
        pools.release(address, PAGE, RW)
        assert all(not start <= address < end for start, end, _ in _unicorn_regions(executor))
        assert not executor.memory.is_mapped(address)
        assert pools.place(PAGE, RX) != address
        again = pools.place(PAGE, RW)
        assert again == address
        assert executor.memory.read(again, 4) == bytes(4)
    finally:
        executor.close()


def test_a_segment_larger_than_a_quarter_of_the_largest_region_gets_its_own() -> None:
    executor = EmulatedExecutor("aarch64")
    try:
        pools: SegmentPools = executor.memory_manager.pools  # type: ignore[attr-defined]
        size = SegmentPools.CHUNK
        address = pools.place(size, RW)
        assert _region_of(executor, address)[:2] == (address, address + size)
        pools.release(address, size, RW)
        assert all(not start <= address < end for start, end, _ in _unicorn_regions(executor))
    finally:
        executor.close()


def test_a_small_programs_code_and_data_stay_within_tiny_model_reach() -> None:
    """AArch64's tiny code model reaches +-1 MiB (ADR): constants, data and code of a
    small program are placed that close together."""
    executor = EmulatedExecutor("aarch64")
    try:
        pools: SegmentPools = executor.memory_manager.pools  # type: ignore[attr-defined]
        placed = [pools.place(20 * PAGE, prot) for _ in range(3)
                  for prot in (MemProt.READ, RW, RX)]
        assert max(placed) + 20 * PAGE - min(placed) < 1 << 20
    finally:
        executor.close()


def _graph(name: str, code: bytes) -> LinkGraph:
    graph = LinkGraph(name, "aarch64")
    graph.create_content_block(graph.get_or_create_section(".text", RX), code, alignment=4)
    graph.create_content_block(graph.get_or_create_section(".rodata", MemProt.READ),
                               b"ro" + name.encode())
    graph.create_zero_fill_block(graph.get_or_create_section(".bss", RW), 5000, alignment=8)
    return graph


def _link(executor: EmulatedExecutor, graph: LinkGraph) -> FinalizedAlloc:
    allocated: list[InFlightAlloc | Exception] = []
    executor.memory_manager.allocate(graph, allocated.append)
    alloc = allocated[0]
    if isinstance(alloc, Exception):
        raise alloc
    finalized: list[FinalizedAlloc | Exception] = []
    alloc.finalize(finalized.append)
    if isinstance(finalized[0], Exception):
        raise finalized[0]
    return finalized[0]


@pytest.mark.parametrize("libc", ["python", "target"])
def test_hundreds_of_graphs_make_a_few_regions_and_release_to_zeroed_reuse(libc: str) -> None:
    """300 graphs of three segments each (as -libc=target links glibc's members): a few
    regions per protection, not 900; contents where the graphs' blocks say; a released
    graph's pages zeroed, and its code's place taken by the next graph's code."""
    if libc == "target":
        from pyjitlink.executors.linux.process import LinuxProcessExecutor

        executor: EmulatedExecutor = LinuxProcessExecutor("aarch64")
    else:
        executor = EmulatedExecutor("aarch64")
    try:
        before = len(_unicorn_regions(executor))
        graphs = [_graph(f"g{i}", bytes([i % 256]) * 8) for i in range(300)]
        allocs = [_link(executor, g) for g in graphs]
        # 300 pages of code and of constants (1.2 MiB each): regions of 256, 512 and
        # 1024 KiB; 600 pages of data (2.4 MiB): a fourth region of 2 MiB.
        regions = _unicorn_regions(executor)
        assert len(regions) - before == 3 + 3 + 4
        assert all(prot & 6 != 6 for _, _, prot in regions)  # never W+X
        texts = [g.sections[".text"].blocks[0].address for g in graphs]
        assert {_region_of(executor, a)[2] for a in texts} == {5}  # UC_PROT_READ | EXEC
        buffer = executor.memory.buffer
        assert buffer[texts[7]:texts[7] + 8] == bytes([7]) * 8
        rodata = graphs[9].sections[".rodata"].blocks[0].address
        assert buffer[rodata:rodata + 4] == b"rog9"
        assert _region_of(executor, rodata)[2] == UC_PROT_READ
        allocs[7].release()
        assert not executor.memory.is_mapped(texts[7])
        again = _graph("again", b"\xaa" * 8)
        _link(executor, again)
        assert again.sections[".text"].blocks[0].address == texts[7]
        bss = again.sections[".bss"].blocks[0].address
        assert buffer[bss:bss + 5000] == bytes(5000)
    finally:
        executor.close()


def test_write_and_execute_is_refused_and_memory_runs_out_cleanly() -> None:
    executor = EmulatedExecutor("aarch64")
    try:
        graph = LinkGraph("wx", "aarch64")
        graph.create_content_block(graph.get_or_create_section(
            ".wx", MemProt.READ | MemProt.WRITE | MemProt.EXEC), b"\0" * 4)
        with pytest.raises(JITLinkError, match="writable and executable"):
            _link(executor, graph)
        huge = LinkGraph("huge", "aarch64")
        huge.create_zero_fill_block(huge.get_or_create_section(".bss", RW), 1 << 30)
        with pytest.raises(JITLinkError, match="out of emulated memory") as caught:
            _link(executor, huge)
        assert caught.value.file == "huge"
    finally:
        executor.close()
