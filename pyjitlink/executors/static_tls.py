"""Static TLS layout: where a program's TLS modules sit relative to the thread pointer.

"ELF Handling For Thread-Local Storage" (Drepper) 3.4: in variant I (AArch64) the thread
pointer points at a TCB (16 bytes on AArch64, AAELF64 / glibc) and module blocks follow it;
in variant II (x86-64) the blocks lie below the thread pointer, the first module's nearest,
and the TCB starts at it. Module ids count from 1, in load order.
"""

from __future__ import annotations

import threading

from pyjitlink.executors.abi import target_for
from pyjitlink.executors.base import ImagesAtCreation, TLSModule
from pyjitlink.jitlink.memory import align_up

# The size of the TCB a variant I thread pointer points at (the variant, where static TLS
# blocks lie relative to the thread pointer, is the target's: executors/abi).
VARIANT_I_TCB_SIZE = 16


class StaticTLSLayout(ImagesAtCreation):
    """A TLSService with no process behind it: modules at static TLS offsets as ``arch``'s
    variant places them, descriptor resolvers at address 0 (``-noexec``, ``-check``).
    Executors that have memory build on it (``used`` is how many bytes the blocks take)."""

    def __init__(self, arch: str) -> None:
        self.variant = target_for(arch).tls_variant
        self.used = VARIANT_I_TCB_SIZE if self.variant == 1 else 0
        self.count = 0
        self._lock = threading.Lock()

    def create_module(self, image: bytes, size: int, alignment: int, name: str) -> TLSModule:
        with self._lock:
            self.count += 1
            if self.variant == 1:
                offset = align_up(self.used, alignment)
                self.used = offset + size
            else:
                self.used = align_up(self.used + size, alignment)
                offset = -self.used
            return TLSModule(self.count, offset)

    def snapshot(self) -> tuple[int, int]:
        """(``used``: bytes the blocks take, counted from the thread pointer as the variant
        lays them out; ``count``: modules made, the last module id), for ``restore``."""
        with self._lock:
            return self.used, self.count

    def restore(self, snapshot: tuple[int, int]) -> None:
        """Continue from a ``snapshot()``: later modules are placed after its blocks and
        numbered after its modules, as if they had been made here."""
        with self._lock:
            self.used, self.count = snapshot

    def tlsdesc_resolvers(self) -> tuple[int, int]:
        return 0, 0

    def tlv_bootstrap(self) -> int:
        return 0
