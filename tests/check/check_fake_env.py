"""A dict-backed CheckerEnvironment for the checker's tests."""

from __future__ import annotations

from dataclasses import dataclass, field

from pyjitlink.check.environment import MemoryRegion


@dataclass
class FakeEnv:
    """Blocks of linked memory by address; symbols, sections, stubs and GOT entries by name.

    ``blocks`` maps a block's address to its bytes (None: ``size`` zero bytes given in
    ``zero_fill``). A symbol's region runs from its address to the end of its block, like the
    tool's. ``sections``/``stubs``/``got`` map ``(file, name)`` to an address.
    """

    blocks: dict[int, bytes] = field(default_factory=dict)
    symbols: dict[str, int] = field(default_factory=dict)
    sections: dict[tuple[str, str], int] = field(default_factory=dict)
    stubs: dict[tuple[str, str], int] = field(default_factory=dict)
    got: dict[tuple[str, str], int] = field(default_factory=dict)
    zero_fill: dict[int, int] = field(default_factory=dict)
    arch: str = "x86_64"
    reads: list[tuple[int, int]] = field(default_factory=list)

    def _region(self, address: int) -> MemoryRegion:
        for start, data in self.blocks.items():
            if start <= address < start + len(data):
                return MemoryRegion(address, start + len(data) - address, data[address - start:])
        for start, size in self.zero_fill.items():
            if start <= address < start + size:
                return MemoryRegion(address, start + size - address, None)
        return MemoryRegion(address, 0, b"")

    def symbol(self, name: str) -> MemoryRegion | None:
        address = self.symbols.get(name)
        return None if address is None else self._region(address)

    def section(self, file: str, name: str) -> MemoryRegion | None:
        address = self.sections.get((file, name))
        return None if address is None else self._region(address)

    def stub(self, file: str, name: str, kind: str) -> MemoryRegion | None:
        address = self.stubs.get((file, name))
        return None if address is None else self._region(address)

    def got_entry(self, file: str, name: str) -> MemoryRegion | None:
        address = self.got.get((file, name))
        return None if address is None else self._region(address)

    def read(self, address: int, size: int) -> bytes | None:
        self.reads.append((address, size))
        for start, data in self.blocks.items():
            if start <= address and address + size <= start + len(data):
                return data[address - start:address - start + size]
        for start, zsize in self.zero_fill.items():
            if start <= address and address + size <= start + zsize:
                return bytes(size)
        return None
