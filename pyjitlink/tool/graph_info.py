"""What the tool remembers of each linked graph: for -check, -show-addrs and the dumps.

After fixups, a post-fixup pass records each graph's named symbols, sections, GOT entries and
stubs (by target name), with views of their linked bytes in working memory. This is the
tool's side of the checker's CheckerEnvironment (llvm-jitlink's registerELFGraphInfo).
"""

from __future__ import annotations

import bisect
import os
import threading
from dataclasses import dataclass, field
from collections.abc import Callable
from typing import TextIO

from pyjitlink.check.environment import MemoryRegion
from pyjitlink.jitlink.graph import Block, LinkGraph, Scope

GOT_SECTION = "$__GOT"
STUBS_SECTION = "$__STUBS"


@dataclass
class Region:
    """A linked range: target address, size in bytes, and a view of its bytes (None: zero)."""

    address: int
    size: int
    content: memoryview | None

    def region(self) -> MemoryRegion:
        data = bytes(self.content) if self.content is not None else None
        return MemoryRegion(self.address, self.size, data)


@dataclass
class FileInfo:
    sections: dict[str, Region] = field(default_factory=dict)
    got: dict[str, Region] = field(default_factory=dict)
    stubs: dict[str, list[Region]] = field(default_factory=dict)


def _block_view(block: Block, offset: int = 0, size: int | None = None) -> memoryview | None:
    if block.content is None:
        return None
    view = memoryview(block.content)
    end = block.size if size is None else offset + size
    return view[offset:end]


def _host_address(view: memoryview) -> int:
    """Address of the first byte of ``view`` in this process (for -show-addrs)."""
    import ctypes

    if view.readonly or len(view) == 0:
        return 0
    return ctypes.addressof(ctypes.c_char.from_buffer(view))


def _got_target(block: Block) -> tuple[str, int] | None:
    """(target name, addend) of a GOT entry block's pointer edge."""
    for edge in block.edges:
        if edge.offset == 0 and edge.target.name:
            return edge.target.name, edge.addend
    return None


class GraphInfo:
    """Registry of linked graphs; a ``CheckerEnvironment`` for the checker."""

    def __init__(self, arch: str = "x86_64") -> None:
        self.arch = arch
        self.files: dict[str, FileInfo] = {}
        self.symbols: dict[str, tuple[Region, bool]] = {}  # name -> (region, is local)
        self.absolutes: dict[str, int] = {}
        self._blocks: list[tuple[int, int, Block]] = []  # (start, end, block), sorted
        self._lock = threading.Lock()
        # Host memory outside any graph that checks may read (lazy stubs, slots, thunks),
        # with the function that reads it: (start, end) ranges.
        self.host_regions: list[tuple[int, int]] = []
        self.host_reader: Callable[[int, int], bytes] | None = None
        self.host_symbols: dict[str, tuple[int, int]] = {}

    # ------------------------------------------------------------------ recording

    def record_graph(self, graph: LinkGraph) -> None:
        """Post-fixup pass: remember ``graph``'s symbols, sections, GOT entries and stubs."""
        self.arch = graph.arch  # what decode_operand disassembles as
        info = FileInfo()
        for section in graph.sections.values():
            if not section.blocks:
                continue
            start = min(b.address for b in section.blocks)
            end = max(b.address + b.size for b in section.blocks)
            content = None
            if len(section.blocks) == 1 and section.blocks[0].content is not None:
                content = _block_view(section.blocks[0])
            elif any(b.content is not None for b in section.blocks):
                buf = bytearray(end - start)
                for b in section.blocks:
                    if b.content is not None:
                        buf[b.address - start:b.address - start + b.size] = b.content
                content = memoryview(buf)
            info.sections[section.name] = Region(start, end - start, content)
        got = graph.sections.get(GOT_SECTION)
        by_entry: dict[int, str] = {}
        if got is not None:
            for block in got.blocks:
                found = _got_target(block)
                if found is not None:
                    target, addend = found
                    # got_addr(file, sym) names the entry for sym itself: one for sym + A
                    # (AArch64 GOT entries hold S + A) never replaces it.
                    if addend == 0 or target not in info.got:
                        info.got[target] = Region(block.address, block.size,
                                                  _block_view(block))
                    by_entry[id(block)] = target
        stubs = graph.sections.get(STUBS_SECTION)
        if stubs is not None:
            for block in stubs.blocks:
                for edge in block.edges:
                    entry = edge.target.block
                    stub_target = by_entry.get(id(entry)) if entry is not None else None
                    if stub_target is None and edge.target.name:
                        stub_target = edge.target.name
                    if stub_target is not None:
                        info.stubs.setdefault(stub_target, []).append(
                            Region(block.address, block.size, _block_view(block)))
                        break
        with self._lock:
            self.files[os.path.basename(graph.name)] = info
            for sym in graph.defined_symbols():
                if not sym.name or sym.block is None:
                    continue
                local = sym.scope is Scope.LOCAL
                existing = self.symbols.get(sym.name)
                if existing is not None and not existing[1] and local:
                    continue  # a global keeps its name against same-named locals elsewhere
                block = sym.block
                # The symbol's own bytes, as LLVM's checker sees them (getSymbolContent):
                # decode_operand and next_pc on a symbol without a size find nothing.
                self.symbols[sym.name] = (Region(sym.address, sym.size,
                                                 _block_view(block, sym.offset, sym.size)),
                                          local)
            for sym in graph.absolute_symbols:
                if sym.name:
                    self.absolutes[sym.name] = sym.address
            for block in graph.blocks():
                bisect.insort(self._blocks, (block.address, block.address + block.size,
                                             block), key=lambda t: (t[0], t[1]))

    def record_absolute(self, name: str, address: int) -> None:
        self.absolutes[name] = address

    def record_host_symbol(self, name: str, address: int, size: int) -> None:
        """A symbol whose bytes live in host memory outside any graph (a lazy entry stub);
        ``host_reader`` must be set."""
        with self._lock:
            self.host_regions.append((address, address + size))
            self.absolutes[name] = address
            self.host_symbols[name] = (address, size)

    def record_host_region(self, address: int, size: int) -> None:
        with self._lock:
            self.host_regions.append((address, address + size))

    # ------------------------------------------------------------------ -show-addrs

    def dump_addresses(self, out: TextIO) -> None:
        """llvm-jitlink's ``-show-addrs`` (dumpSessionInfo): symbols, then per file its
        sections, GOT entries and stubs. "content" gives the range of working memory that
        holds the bytes (host addresses), as llvm-jitlink does."""

        def line(region: Region) -> str:
            if region.content is None:
                lo, hi = 0, region.size
            else:
                lo = _host_address(region.content)
                hi = lo + region.size
            return (f"target addr = {region.address:#018x}, content: {lo:#x} -- {hi:#x} "
                    f"({region.size} bytes)")

        out.write("Registered addresses:\nSymbols:\n")
        for name, address in self.absolutes.items():
            out.write(f'  "{name}" target addr = {address:#018x}, content: 0x0 -- 0x0 '
                      f"(0 bytes)\n")
        for name, (region, _) in self.symbols.items():
            out.write(f'  "{name}" {line(region)}\n')
        for file, info in self.files.items():
            out.write(f'File "{file}":\n')
            for name, region in info.sections.items():
                out.write(f'  Section "{name}": {line(region)}\n')
            for name, region in info.got.items():
                out.write(f'  GOT "{name}": {line(region)}\n')
            for name, regions in info.stubs.items():
                out.write(f'  Stubs "{name}":' + "".join(f" {line(r)}" for r in regions) + "\n")

    # ------------------------------------------------------------------ CheckerEnvironment

    def symbol(self, name: str) -> MemoryRegion | None:
        found = self.symbols.get(name)
        if found is not None:
            return found[0].region()
        host = self.host_symbols.get(name)
        if host is not None:
            return MemoryRegion(host[0], host[1], self.read(host[0], host[1]))
        if name in self.absolutes:
            return MemoryRegion(self.absolutes[name], 0, b"")
        return None

    def section(self, file: str, name: str) -> MemoryRegion | None:
        info = self.files.get(file)
        region = info.sections.get(name) if info is not None else None
        return region.region() if region is not None else None

    def stub(self, file: str, name: str, kind: str) -> MemoryRegion | None:
        info = self.files.get(file)
        regions = info.stubs.get(name) if info is not None else None
        return regions[0].region() if regions else None

    def got_entry(self, file: str, name: str) -> MemoryRegion | None:
        info = self.files.get(file)
        region = info.got.get(name) if info is not None else None
        return region.region() if region is not None else None

    def read(self, address: int, size: int) -> bytes | None:
        if self.host_reader is not None and any(lo <= address and address + size <= hi
                                                for lo, hi in self.host_regions):
            return self.host_reader(address, size)
        out = bytearray()
        cursor = address
        end = address + size
        index = bisect.bisect_right(self._blocks, (cursor, 1 << 64), key=lambda t: (t[0], t[1]))
        index = max(index - 1, 0)
        while cursor < end:
            while index < len(self._blocks) and self._blocks[index][1] <= cursor:
                index += 1
            if index >= len(self._blocks) or self._blocks[index][0] > cursor:
                return None
            start, stop, block = self._blocks[index]
            take = min(stop, end) - cursor
            if block.content is None:
                out += bytes(take)
            else:
                out += bytes(memoryview(block.content)[cursor - start:cursor - start + take])
            cursor += take
        return bytes(out)


class GraphInfoPlugin:
    """Records every graph into a GraphInfo after its fixups."""

    def __init__(self, info: GraphInfo) -> None:
        self.info = info

    def modify_pass_config(self, mr, graph: LinkGraph, config) -> None:  # type: ignore[no-untyped-def]
        config.post_fixup_passes.append(self.info.record_graph)

    def notify_emitted(self, mr, graph, alloc) -> None:  # type: ignore[no-untyped-def]
        pass

    def notify_remove_resources(self, tracker) -> None:  # type: ignore[no-untyped-def]
        pass
