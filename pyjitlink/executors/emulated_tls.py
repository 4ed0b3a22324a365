"""Thread-local storage for emulated programs: a static TLS area laid out as the ABI says.

The emulated process has one thread, so every module goes into static TLS: on the first
module, a TLS area is mapped and the thread pointer (FS base, TPIDR_EL0) moved into it with
the TCB the C library set up (x86-64 keeps the TCB's own address at %fs:0 and the stack
canary at %fs:0x28: both are copied). Variant I (AArch64): TP points at a 16-byte TCB and the
blocks follow; variant II (x86-64): the blocks lie below TP (Drepper 3.4.1, 3.4.2; the layout
itself is executors/static_tls.py). Each module's block is filled with its image then zeros.
The emulated C library's ``__tls_get_addr`` (general/local dynamic) finds the blocks here,
and TLS descriptors use a resolver in emulated memory that returns their static offset.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from pyjitlink.errors import JITLinkError
from pyjitlink.executors.abi import target_for
from pyjitlink.executors.base import ImagesAtCreation, TLSModule
from pyjitlink.executors.static_tls import StaticTLSLayout
from pyjitlink.jitlink.graph import MemProt

if TYPE_CHECKING:
    from pyjitlink.executors.emulated import EmulatedArena
    from pyjitlink.executors.host_bridge import Memory

AREA_SIZE = 4 << 20  # bytes of static TLS the emulated thread has (blocks, then/after TCB)
TCB_SIZE = 0x100  # what is copied of the C library's TCB (x86-64 uses up to 0x30)


class EmulatedTLS(ImagesAtCreation):
    """The emulated executor's TLSService (see executors.base.TLSService).

    ``arena`` maps memory (reserve/commit, as EmulatedArena), ``memory`` is the emulated
    address space, ``tcb`` the C library's thread control block (the thread
    pointer's current value), ``set_thread_pointer`` moves the thread pointer, and
    ``blocks`` (module id -> block address) is the C library's table for __tls_get_addr,
    ``host_symbol`` finds the C library's functions (its ``_tlv_bootstrap``).
    """

    def __init__(self, arch: str, arena: EmulatedArena, memory: Memory, tcb: int,
                 set_thread_pointer: Callable[[int], None], blocks: dict[int, int],
                 host_symbol: Callable[[str], int | None]) -> None:
        self.arch = arch
        self.arena = arena
        self.buffer = memory.buffer
        self.tcb = tcb
        self.set_thread_pointer = set_thread_pointer
        self.blocks = blocks
        self.host_symbol = host_symbol
        self.layout = StaticTLSLayout(arch)
        self.thread_pointer: int | None = None
        self._resolver: int | None = None

    def _area(self) -> int:
        """The thread pointer, after mapping the TLS area and moving the TCB on first use."""
        if self.thread_pointer is None:
            arena = self.arena
            base = arena.reserve(AREA_SIZE + TCB_SIZE)
            arena.commit(base, b"", AREA_SIZE + TCB_SIZE,
                         MemProt.READ | MemProt.WRITE)
            # Variant I: TP at the bottom, blocks above; variant II: TP at the top, blocks
            # below. Either way TP is page aligned, so every block alignment holds.
            tp = base if self.layout.variant == 1 else base + AREA_SIZE
            self.buffer[tp:tp + TCB_SIZE] = self.buffer[self.tcb:self.tcb + TCB_SIZE]
            if self.layout.variant == 2:  # the TCB's first word is its own address
                self.buffer[tp:tp + 8] = tp.to_bytes(8, "little")
            self.set_thread_pointer(tp)
            self.thread_pointer = tp
        return self.thread_pointer

    def create_module(self, image: bytes, size: int, alignment: int, name: str) -> TLSModule:
        tp = self._area()
        module = self.layout.create_module(image, size, alignment, name)
        assert module.tp_offset is not None
        limit = AREA_SIZE if self.layout.variant == 2 else AREA_SIZE + TCB_SIZE
        if self.layout.used > limit:
            raise JITLinkError(f"thread-local storage of {size} bytes does not fit in the "
                               f"emulated thread's {AREA_SIZE >> 20} MiB static TLS area", name)
        block = tp + module.tp_offset
        self.buffer[block:block + size] = image + bytes(size - len(image))
        self.blocks[module.module_id] = block
        return module

    def tlsdesc_resolvers(self) -> tuple[int, int]:
        if self._resolver is None:
            arena = self.arena
            page = arena.reserve(4096)
            # glibc's _dl_tlsdesc_return: the descriptor's second word.
            arena.commit(page, target_for(self.arch).tlsdesc_return, 4096,
                         MemProt.READ | MemProt.EXEC)
            self._resolver = page
        # Every emulated module is in static TLS: the dynamic resolver is never chosen.
        return self._resolver, self._resolver

    def tlv_bootstrap(self) -> int:
        """The emulated C library's Mach-O getter (see hostlib's ``_tlv_bootstrap``)."""
        address = self.host_symbol("_tlv_bootstrap")
        assert address is not None
        return address
