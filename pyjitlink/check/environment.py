"""What the checker may ask of a linked session: the CheckerEnvironment protocol.

The checker imports nothing else of pyjitlink; the tool (or a test) supplies an object with
these methods. Addresses are target addresses; contents are the linked bytes from working
memory (after fixups), so checks work with -noexec and for any target architecture.
"""

from __future__ import annotations

from typing import NamedTuple, Protocol


class MemoryRegion(NamedTuple):
    """A target address, the region's size in bytes, and its bytes (None for zero-fill)."""

    address: int
    size: int
    content: bytes | None


class CheckerEnvironment(Protocol):
    """Lookups behind the jitlink-check expression language (RuntimeDyldChecker's callbacks).

    ``arch`` is "x86_64" or "aarch64". ``symbol(name)`` gives the symbol's address and the
    bytes from it to the end of its block (None if no such symbol was linked). ``section``,
    ``stub`` and ``got_entry`` take the file's basename as written in the check (``stub``'s
    ``kind`` is "" for the default stub kind); each returns None if there is no such thing.
    ``read(address, size)`` returns ``size`` bytes of linked memory, or None if any byte is
    outside every linked block.
    """

    arch: str

    def symbol(self, name: str) -> MemoryRegion | None: ...

    def section(self, file: str, name: str) -> MemoryRegion | None: ...

    def stub(self, file: str, name: str, kind: str) -> MemoryRegion | None: ...

    def got_entry(self, file: str, name: str) -> MemoryRegion | None: ...

    def read(self, address: int, size: int) -> bytes | None: ...
