"""The IRELATIVE table glibc's static start-up applies, for the emulated Linux process: the
IRelativeService (executors/services.py) that orc/plugins/ifunc.py's IFuncPlugin fills with
one (slot, resolver) per lowered IFUNC symbol. glibc's ``apply_irel`` calls each resolver
with the AT_HWCAP the process advertises and stores the result in the slot, before ``main``
and before TLS set-up (csu/libc-start.c).
"""

from __future__ import annotations

import struct
import threading

from pyjitlink.errors import ExecutionError
from pyjitlink.executors.abi import target_for



class IRelativeTable:
    """``capacity`` Elf64_Rela records at ``address`` (emulated memory, written through
    ``buffer``) between ``__rela_iplt_start`` and ``__rela_iplt_end``. Unused records are
    IRELATIVE too (glibc rejects any other type): their resolver is ``noop`` (a ``ret``)
    and their slot ``scratch``."""

    def __init__(self, arch: str, buffer, address: int, capacity: int,  # type: ignore[no-untyped-def]
                 noop: int, scratch: int) -> None:
        self.arch = arch
        self.relocation = target_for(arch).irelative  # R_*_IRELATIVE
        self.buffer = buffer
        self.address = address
        self.capacity = capacity
        self.count = 0
        self.lock = threading.Lock()
        # Once glibc's apply_irel has run (the process started), a later IFUNC (a -lazy
        # body's, or linked for a call from Python) waits here for ``take_late``.
        self.started = False
        self.late: list[tuple[int, int]] = []
        for index in range(capacity):
            self._write(index, scratch, noop)

    @property
    def end(self) -> int:
        return self.address + 24 * self.capacity

    def _write(self, index: int, slot: int, resolver: int) -> None:
        at = self.address + 24 * index
        self.buffer[at:at + 24] = struct.pack("<QQq", slot, self.relocation, resolver)

    def add(self, slot: int, resolver: int, name: str) -> None:
        with self.lock:
            if self.count == self.capacity:
                raise ExecutionError(f"more than {self.capacity} IFUNC symbols: the "
                                     f"emulated process's IRELATIVE table is full", name)
            self._write(self.count, slot, resolver)
            self.count += 1
            if self.started:
                self.late.append((slot, resolver))

    def snapshot(self) -> list[tuple[int, int]]:
        """The (slot, resolver) addresses added so far, in order, for ``restore``."""
        with self.lock:
            return [struct.unpack_from("<QQq", self.buffer, self.address + 24 * index)[::2]
                    for index in range(self.count)]

    def restore(self, entries: list[tuple[int, int]], name: str) -> None:
        """``add`` each (slot, resolver) of a ``snapshot()`` (``name`` for errors)."""
        for slot, resolver in entries:
            self.add(slot, resolver, name)

    def take_late(self) -> list[tuple[int, int]]:
        """The (slot, resolver) pairs added since the process started, once each."""
        with self.lock:
            late, self.late = self.late, []
            return late
