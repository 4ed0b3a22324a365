"""The emulated process's ``.eh_frame_hdr``: how the target's unwinder finds JIT'd FDEs.

A static executable's libgcc_eh (gcc 12 and later, on glibc 2.35 and later) finds the FDE
of a PC with glibc's ``_dl_find_object``, which in a static program covers each PT_LOAD of
the program headers (``l_contiguous`` is 0) and answers with the PT_GNU_EH_FRAME address.
``_Unwind_Find_FDE`` then reads that header (LSB "Exception Frame Header"): version 1, the
``eh_frame_ptr`` encoding, the FDE count encoding and the table encoding; with a
``DW_EH_PE_datarel | DW_EH_PE_sdata4`` table (offsets from the header's own address,
sorted by initial location) it binary-searches the table, so the FDEs themselves may lie
anywhere: in every linked graph's ``.eh_frame``.

The header sits at an address fixed at start-up (glibc copies it once, in
``_dl_find_object_init``); the process's EHFrameRegistrar collects each linked section's
FDEs, and once the process runs a graph linked later (``-lazy``) rewrites the table, up to
the capacity chosen at start-up.
"""

from __future__ import annotations

import struct
import threading
from collections.abc import Callable

from pyjitlink.errors import ExecutionError
from pyjitlink.jitlink.unwind import fde_table

DW_EH_PE_udata4, DW_EH_PE_sdata4, DW_EH_PE_pcrel, DW_EH_PE_datarel = 0x03, 0x0B, 0x10, 0x30
HEADER_SIZE = 12  # version, 3 encodings, eh_frame_ptr (sdata4), fde_count (udata4)
SPARE_ENTRIES = 16384  # room for FDEs of graphs linked after start-up


class EHFrameHeader:
    """An ``.eh_frame_hdr`` with a sorted search table at ``address`` (emulated memory,
    written through ``buffer``), for at most ``capacity`` FDEs. ``address + size - 4`` holds
    a zero word: the (empty) ``.eh_frame`` the ``eh_frame_ptr`` field names, which only a
    table-less search would walk."""

    def __init__(self, buffer, address: int, capacity: int) -> None:  # type: ignore[no-untyped-def]
        self.buffer = buffer
        self.address = address
        self.capacity = capacity

    @staticmethod
    def size_for(capacity: int) -> int:
        """Bytes of a header with room for ``capacity`` FDEs (and the terminator word)."""
        return HEADER_SIZE + 8 * capacity + 4

    def write(self, fdes: list[tuple[int, int, int]]) -> None:
        """Write the header for ``fdes``, (pc_begin, pc_end, FDE address) sorted by pc_begin
        (``jitlink.unwind.fde_table``'s rows); ExecutionError if they exceed the capacity."""
        if len(fdes) > self.capacity:
            raise ExecutionError(f"more than {self.capacity} FDEs: the emulated process's "
                                 f".eh_frame_hdr is full")
        base = self.address
        terminator = base + self.size_for(self.capacity) - 4
        eh_frame_ptr = terminator - (base + 4)  # pcrel: from the field itself
        table = bytearray(8 * len(fdes))
        for i, (begin, _end, fde) in enumerate(fdes):
            struct.pack_into("<ii", table, 8 * i, begin - base, fde - base)
        header = struct.pack("<BBBBiI", 1, DW_EH_PE_pcrel | DW_EH_PE_sdata4, DW_EH_PE_udata4,
                             DW_EH_PE_datarel | DW_EH_PE_sdata4, eh_frame_ptr, len(fdes))
        self.buffer[base:base + HEADER_SIZE] = header
        self.buffer[base + HEADER_SIZE:base + HEADER_SIZE + len(table)] = table
        self.buffer[terminator:terminator + 4] = bytes(4)


class LinuxEHFrameRegistrar:
    """The emulated process's EHFrameRegistrar (executors/services.py): each registered
    ``.eh_frame`` section's FDEs join the table; once the process has started (``header``
    is set), every registration or deregistration rewrites the header. ``read(address,
    size)`` reads emulated memory."""

    def __init__(self, read: Callable[[int, int], bytes]) -> None:
        self.read = read
        self.sections: dict[tuple[int, int], list[tuple[int, int, int]]] = {}
        self.header: EHFrameHeader | None = None
        self.lock = threading.Lock()

    def fdes(self) -> list[tuple[int, int, int]]:
        """Every registered FDE's (pc_begin, pc_end, address), sorted."""
        with self.lock:
            return sorted(row for rows in self.sections.values() for row in rows)

    def register_eh_frame(self, address: int, size: int) -> None:
        data = self.read(address, size)
        records = []
        at = 0
        while at + 4 <= len(data):
            length = struct.unpack_from("<I", data, at)[0]
            if length == 0:  # the terminator, or padding between aligned records
                at += 4
                continue
            if length == 0xFFFFFFFF:  # 64-bit DWARF: not emitted for these targets
                break
            records.append(address + at)
            at += 4 + length
        end = address + len(data)

        def read(at: int, count: int) -> bytes:
            # The records lie in the section just read (a CIE in another section, never
            # emitted by these compilers, is read from emulated memory).
            if address <= at and at + count <= end:
                return data[at - address:at - address + count]
            return self.read(at, count)

        rows = fde_table(read, records)
        with self.lock:
            self.sections[address, size] = rows
        self._rewrite()

    def snapshot(self) -> dict[tuple[int, int], list[tuple[int, int, int]]]:
        """The registered sections: (address, size) -> their FDEs' (pc_begin, pc_end,
        address) rows, emulated addresses; for ``restore``."""
        with self.lock:
            return {key: list(rows) for key, rows in self.sections.items()}

    def restore(self, sections: dict[tuple[int, int], list[tuple[int, int, int]]]) -> None:
        """Register the sections of a ``snapshot()`` again without reading them (their
        records are where the snapshot's process had them)."""
        with self.lock:
            self.sections.update(sections)
        self._rewrite()

    def deregister_eh_frame(self, address: int, size: int) -> None:
        with self.lock:
            self.sections.pop((address, size), None)
        self._rewrite()

    def _rewrite(self) -> None:
        if self.header is not None:
            self.header.write(self.fdes())
