"""Lazy entry points inside Unicorn (``-lazy`` with an emulated program, AArch64 or x86-64).

The emulated counterpart of ``executors.native.NativeLazySupport``. Each lazy symbol gets a
*stub* (its public address, R-X) that jumps through a pointer *slot* (RW-):

* x86-64: ``jmp *slot(%rip)``
* AArch64: ``adrp x16, slot; ldr x16, [x16, :lo12:slot]; br x16`` (x16 is IP0, which a
  call may clobber)

A slot first holds the id's *trap address*: a 4-byte slot in a trap window that one code
hook watches. The hook runs
the manager's re-entry function with the id, which links the body through the ordinary
session lookup (linking maps and writes emulated memory, which Unicorn allows from a hook,
and runs no emulated code), stores the body's address in the slot and sets the program
counter to the body. No register but the PC (and AArch64's x16, in the stub) and nothing on
the stack is touched, so the body runs as if called directly, with the caller's arguments
and return address. A trap's own bytes are never executed (``ud2`` / ``udf`` if they were).

A body that fails to link ends the program: the error is stored, emulation stops, the
program's buffered output is flushed (the session calls glibc's ``fflush(NULL)``) and the
tool prints one error line and exits with status 1.
"""

from __future__ import annotations

import struct
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from pyjitlink.errors import JITLinkError
from pyjitlink.executors.host_bridge import GuestTermination
from pyjitlink.jitlink.graph import MemProt
from pyjitlink.jitlink.memory import align_up

if TYPE_CHECKING:
    from pyjitlink.executors.emulated import EmulatedExecutor



class HostRegionRecorder(Protocol):
    """What -check records lazy entry points in (tool.graph_info.GraphInfo)."""

    host_reader: Callable[[int, int], bytes] | None

    def record_host_symbol(self, name: str, address: int, size: int) -> None: ...

    def record_host_region(self, address: int, size: int) -> None: ...


class LazyCallFailed(GuestTermination):
    """The first call of a lazy function could not link its body (exit status 1, the
    program's buffered output flushed first, as the native ``-lazy`` does)."""

    flush = True


class EmulatedLazySupport:
    """The LazySupport protocol (orc.lazy) for an EmulatedExecutor."""

    STUB_SIZE = 16  # AArch64 needs 12 bytes, x86-64 6; one size keeps the layout simple
    TRAP_SLOT = 4
    TRAP_WINDOW = 1 << 20  # address space reserved for traps: 262144 entry points

    def __init__(self, executor: EmulatedExecutor, reenter: Callable[[int], int]) -> None:
        self.executor = executor
        self.arena = executor.arena
        self.memory = executor.memory
        self.engine = executor.engine
        self.bridge = executor.bridge
        self.pc_reg = executor.abi.pc_reg
        self.reenter = reenter
        self.target = executor.target
        self.lock = threading.Lock()
        self.trap_base = self.arena.reserve(self.TRAP_WINDOW)
        self.trap_next = self.trap_base
        self.trap_committed = self.trap_base  # traps below this are mapped
        self.ids: dict[int, int] = {}  # trap address -> id
        self.engine.hook_code(self.trap_base, self.trap_base + self.TRAP_WINDOW - 1,
                              self._hook)

    def _traps(self, count: int) -> list[int]:
        """``count`` fresh trap addresses, their pages mapped R-X (caller holds the lock)."""
        start = self.trap_next
        end = start + count * self.TRAP_SLOT
        if end > self.trap_base + self.TRAP_WINDOW:
            raise JITLinkError(f"too many lazy entry points (more than "
                               f"{self.TRAP_WINDOW // self.TRAP_SLOT})")
        self.trap_next = end
        page = self.arena.page_size
        # udf #0 (AArch64) / ud2 (x86-64): never run, since the hook moves the PC first.
        filler = self.target.never_run
        while self.trap_committed < end:
            self.arena.commit(self.trap_committed, filler * (page // 4), page,
                              MemProt.READ | MemProt.EXEC)
            self.trap_committed += page
        return [start + i * self.TRAP_SLOT for i in range(count)]

    def create_entry_points(self, ids: list[int]) -> list[tuple[int, int]]:
        """For each id: (stub address, slot address), the slot aimed at the id's trap."""
        n = len(ids)
        page = self.arena.page_size
        code_size = align_up(max(n * self.STUB_SIZE, 1), page)
        data_size = align_up(max(n * 8, 1), page)
        with self.lock:
            traps = self._traps(n)
            for trap, ident in zip(traps, ids):
                self.ids[trap] = ident
        code_base = self.arena.reserve(code_size)
        data_base = self.arena.reserve(data_size)
        code = bytearray(code_size)
        data = bytearray(data_size)
        make_stub = self.target.pointer_jump
        result = []
        for i, trap in enumerate(traps):
            stub = code_base + i * self.STUB_SIZE
            slot = data_base + 8 * i
            body = make_stub(stub, slot)
            code[i * self.STUB_SIZE:i * self.STUB_SIZE + len(body)] = body
            struct.pack_into("<Q", data, 8 * i, trap)
            result.append((stub, slot))
        self.arena.commit(code_base, code, code_size, MemProt.READ | MemProt.EXEC)
        self.arena.commit(data_base, data, data_size, MemProt.READ | MemProt.WRITE)
        return result

    def redirect(self, slot: int, address: int) -> None:
        self.memory.put_u64(slot, address)

    def fatal(self, message: str, file: str | None) -> None:
        """End the program from inside emulated code with one error line (exit status 1).

        Raised inside the hook, the error is stored and re-raised where emulation returns;
        the executor flushes the program's output and the CLI prints the line."""
        raise LazyCallFailed(message, file)

    def recorder(self, info: HostRegionRecorder
                 ) -> Callable[[list[tuple[str, int, int]]], None]:
        """An ``on_entry_points`` callback letting -check read stubs, slots and traps."""
        buffer = self.memory.buffer

        def record(points: list[tuple[str, int, int]]) -> None:
            info.host_reader = lambda address, size: bytes(buffer[address:address + size])
            for entry, stub, slot in points:
                info.record_host_symbol(entry, stub, self.STUB_SIZE)
                info.record_host_region(slot, 8)
                info.record_host_region(self.memory.u64(slot), self.TRAP_SLOT)
        return record

    def _hook(self, address: int) -> None:
        bridge = self.bridge
        if bridge.pending is not None:  # already failing: let the stop take effect
            self.engine.stop()
            return
        try:
            with self.lock:
                ident = self.ids[address]
            target = self.reenter(ident)
            self.executor.after_link()  # e.g. IFUNCs the body brought, resolved now
            # Unicorn leaves the hooked instruction unexecuted and resumes at the new PC.
            self.engine.write(self.pc_reg, target)
        except BaseException as err:  # noqa: BLE001 - stored, re-raised after emu_start
            if bridge.pending is None:
                bridge.pending = err
            self.engine.stop()
