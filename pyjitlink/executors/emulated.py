"""Emulated execution under Unicorn: AArch64 (or x86-64 with ``-emulate``) on any host.

The emulated process's address space lies below 2 GiB (so ``-fno-pic`` x86-64 code's 32-bit
absolute addresses work too)::

    0x00010000  sentinel page  R-X  where a call from Python returns (host_bridge)
    0x01000000  linked code    per segment: R--, RW-, R-X  (the TargetArena below)
    0x40000000  brk and mmap   (executors/linux/process.py)
    0x7f7f0000  stack          RW-  8 MiB; argv and envp at its top

Linked segments are mapped with their final protection when finalized; nothing is ever
writable and executable. ``call`` and ``run_void`` run to a return *sentinel*. The C
library is the target's own, linked with the program (executors/linux/process.py, the
subclass every session uses); nothing here serves C library calls. Faults end the run as a
crashed process ends (exit 128 + signal) with one line naming the address, the symbol and
the instruction.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence

from pyjitlink.errors import ExecutionError, JITLinkError
from pyjitlink.executors.host_bridge import (
    ABIS,
    SIGILL,
    SIGSEGV,
    UC_ERR_EXCEPTION,
    UC_ERR_FETCH_PROT,
    UC_ERR_FETCH_UNALIGNED,
    UC_ERR_FETCH_UNMAPPED,
    UC_ERR_INSN_INVALID,
    UC_ERR_OK,
    UC_ERR_READ_PROT,
    UC_ERR_READ_UNALIGNED,
    UC_ERR_READ_UNMAPPED,
    UC_ERR_WRITE_PROT,
    UC_ERR_WRITE_UNALIGNED,
    UC_ERR_WRITE_UNMAPPED,
    UC_MEM_FETCH_PROT,
    UC_MEM_FETCH_UNMAPPED,
    UC_MEM_WRITE_PROT,
    UC_MEM_WRITE_UNMAPPED,
    UC_PROT_READ,
    UC_PROT_WRITE,
    Engine,
    GuestFault,
    GuestTermination,
    HostBridge,
    LimitExceeded,
    Memory,
    ProgramExit,
)
from pyjitlink.executors.abi import target_for
from pyjitlink.executors.base import TLSService
from pyjitlink.executors.services import ExecutorServices
from pyjitlink.executors.symbolizer import SymbolMap, Symbolizer
from pyjitlink.jitlink.graph import LinkGraph, MemProt
from pyjitlink.jitlink.memory import (
    BasicLayout,
    FinalizedAlloc,
    InFlightAlloc,
    MemoryManager,
    align_up,
    protection_bits,
    take_first_fit,
)
from pyjitlink.jitlink.unwind import ARCH_REGISTERS, backtrace

__all__ = ["EmulatedExecutor", "GuestFault", "GuestTermination", "LimitExceeded",
           "ProgramExit", "SymbolMap"]

TRAP_BASE, TRAP_SIZE = 0x10000, 0x1000  # the return sentinel's page
ARENA_BASE, ARENA_LIMIT = 0x1000000, 0x40000000
STACK_SIZE = 8 << 20
STACK_TOP = 0x7FFF0000
STACK_BASE = STACK_TOP - STACK_SIZE


def _bytes(count: int) -> str:
    return "1 byte" if count == 1 else f"{count} bytes"


class EmulatedArena:
    """A TargetArena over the emulator's address space: segments mapped with their
    protection when committed, unmapped (and their translated code dropped) on release."""

    page_size = 4096

    def __init__(self, memory: Memory, base: int = ARENA_BASE, limit: int = ARENA_LIMIT
                 ) -> None:
        self.memory = memory
        self.base = base
        self.limit = limit
        self.next = base
        self.free: list[tuple[int, int]] = []
        self.committed: dict[int, int] = {}  # address -> size
        self.lock = threading.Lock()

    def reserve(self, size: int) -> int:
        size = align_up(max(size, 1), self.page_size)
        with self.lock:
            reused = take_first_fit(self.free, size)
            if reused is not None:
                return reused
            address = self.next
            if address + size > self.limit:
                raise JITLinkError(f"out of emulated memory: {size:#x} bytes requested, "
                                   f"{self.limit - address:#x} left")
            self.next = address + size
            return address

    def commit(self, address: int, data: bytes | bytearray, size: int, prot: MemProt) -> None:
        size = align_up(size, self.page_size)
        with self.lock:
            if address in self.committed:
                self.memory.unmap(address, self.committed.pop(address))
            buffer = self.memory.buffer
            buffer[address:address + len(data)] = data
            if len(data) < size:
                buffer[address + len(data):address + size] = bytes(size - len(data))
            self.memory.map(address, size, protection_bits(prot))
            self.committed[address] = size

    def release(self, address: int, size: int) -> None:
        size = align_up(size, self.page_size)
        with self.lock:
            for start in [a for a in self.committed if address <= a < address + size]:
                self.memory.unmap(start, self.committed.pop(start))
            self.free.append((address, size))


class SegmentPools:
    """Linked segments placed by protection in large regions mapped once (the emulated
    memory manager's placement; see EmulatedMemoryManager).

    Unicorn keeps one memory region (a QEMU RAMBlock and flat-view range) per mapping: every
    map re-renders the flat view (quadratic over a link of hundreds of graphs, 1.5 ms a map
    at 1,200 regions), and every translation-block lookup that misses its one-entry cache
    searches the RAMBlocks linearly (18% of an emulated -libc=target run with glibc's 552
    graphs each mapped on their own). Segments of one protection share regions instead,
    mapped with that protection when first needed: code pages never hold writable data,
    nothing is writable and executable, and a run touches a handful of regions.

    A protection's first region is ``FIRST_CHUNK`` bytes and each next one twice the last,
    up to ``CHUNK``: a small program's code, constants and data stay within 1 MiB of each
    other, as AArch64's tiny code model (ADR, LDR literal: +-1 MiB) needs; a segment larger
    than ``CHUNK`` / 4 gets a region of its own. A released segment's pages are unmapped (a
    later access faults, and its translated code is dropped) and mapped again, zeroed, for
    a later segment of that protection: only removal and reuse add regions.
    """

    FIRST_CHUNK = 256 << 10
    CHUNK = 4 << 20

    def __init__(self, arena: EmulatedArena) -> None:
        self.arena = arena
        self.lock = threading.Lock()
        self.current: dict[int, tuple[int, int]] = {}  # UC_PROT_* -> (next, end)
        self.chunk: dict[int, int] = {}  # UC_PROT_* -> size of its next region
        self.free: dict[int, list[tuple[int, int]]] = {}  # UC_PROT_* -> [(address, size)]
        self.own: dict[int, int] = {}  # segments with a region of their own: address -> size

    def place(self, size: int, prot: MemProt) -> int:
        """A page-aligned address for ``size`` bytes of ``prot``, mapped (and zero)."""
        size = align_up(max(size, 1), self.arena.page_size)
        bits = protection_bits(prot)
        with self.lock:
            reused = take_first_fit(self.free.setdefault(bits, []), size)
            if reused is not None:
                self.arena.memory.map(reused, size, bits)
                return reused
            if size > self.CHUNK // 4:
                address = self.arena.reserve(size)
                self.arena.memory.map(address, size, bits)
                self.own[address] = size
                return address
            start, end = self.current.get(bits, (0, 0))
            if start + size > end:  # the rest of the region stays unused
                chunk = self.chunk.get(bits, self.FIRST_CHUNK)
                while chunk < size:
                    chunk *= 2
                self.chunk[bits] = min(chunk * 2, self.CHUNK)
                start = self.arena.reserve(chunk)
                end = start + chunk
                self.arena.memory.map(start, chunk, bits)
            self.current[bits] = (start + size, end)
            return start

    def release(self, address: int, size: int, prot: MemProt) -> None:
        size = align_up(max(size, 1), self.arena.page_size)
        memory = self.arena.memory
        with self.lock:
            if self.own.pop(address, None) is not None:
                memory.unmap(address, size)
                self.arena.release(address, size)
                return
            memory.unmap_range(address, size)  # zeroes the pages, drops their translations
            self.free.setdefault(protection_bits(prot), []).append((address, size))


class PooledAlloc(InFlightAlloc):
    """A graph's memory placed segment by segment (SegmentPools): contents copied into
    already-mapped regions when finalized, each segment returned to its pool on release."""

    def __init__(self, pools: SegmentPools, layout: BasicLayout) -> None:
        super().__init__(pools.arena, layout, 0, 0)
        self.pools = pools

    def finalize(self, on_finalized: Callable[[FinalizedAlloc | Exception], None]) -> None:
        buffer = self.pools.arena.memory.buffer
        segments = []
        for seg in self.layout.segments:
            buffer[seg.address:seg.address + seg.content_size] = seg.working[:seg.content_size]
            segments.append((seg.address, seg.size, seg.prot))
        on_finalized(PooledFinalizedAlloc(self.pools, segments))

    def abandon(self) -> None:
        for seg in self.layout.segments:
            self.pools.release(seg.address, seg.size, seg.prot)


class PooledFinalizedAlloc(FinalizedAlloc):
    def __init__(self, pools: SegmentPools, segments: list[tuple[int, int, MemProt]]) -> None:
        super().__init__(pools.arena, segments[0][0] if segments else 0,
                         sum(align_up(max(s[1], 1), pools.arena.page_size) for s in segments),
                         segments)
        self.pools = pools

    def release(self) -> None:
        if not self.released:
            self.released = True
            for address, size, prot in self.segments:
                self.pools.release(address, size, prot)


class EmulatedMemoryManager:
    """The emulated executor's MemoryManager, for every emulated run (-libc=python, and
    -libc=target's LinuxProcessExecutor with its hundreds of runtime graphs): BasicLayout's
    segments, each placed by its protection in SegmentPools (instead of one range per graph,
    mapped segment by segment)."""

    def __init__(self, arena: EmulatedArena) -> None:
        self.pools = SegmentPools(arena)
        self.page_size = arena.page_size

    def allocate(self, graph: LinkGraph,
                 on_allocated: Callable[[InFlightAlloc | Exception], None]) -> None:
        try:
            layout = BasicLayout(graph)
            for segment in layout.segments:
                if segment.alignment > self.page_size:
                    raise JITLinkError(f"segment alignment {segment.alignment} exceeds page "
                                       f"size {self.page_size}", graph.name)
            placed = []
            try:
                for segment in layout.segments:
                    placed.append((self.pools.place(segment.size, segment.prot), segment))
            except JITLinkError:
                for address, segment in placed:
                    self.pools.release(address, segment.size, segment.prot)
                raise
            layout.apply(0, self.page_size, [address for address, _ in placed])
            result: InFlightAlloc | Exception = PooledAlloc(self.pools, layout)
        except JITLinkError as err:
            if err.file is None:
                err.file = graph.name
            result = err
        on_allocated(result)


class _Watchdog:
    """Stops the emulator when ``-timeout`` expires or on Ctrl-C (which Python cannot act on
    while Unicorn runs: the signal's wakeup byte arrives on a pipe this thread watches)."""

    def __init__(self, engine: Engine, deadline: float | None) -> None:
        self.engine = engine
        self.deadline = deadline
        self.expired = False
        self.interrupted = False
        self._done = False
        self._wakeup_r, self._wakeup_w = os.pipe()
        os.set_blocking(self._wakeup_w, False)
        self._previous_wakeup: int | None = None
        if threading.current_thread() is threading.main_thread():
            with contextlib.suppress(ValueError):
                self._previous_wakeup = signal.set_wakeup_fd(self._wakeup_w)
        self._thread = threading.Thread(target=self._watch, name="pyjitlink-watchdog",
                                        daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._done:
            wait = 0.05 if self.expired or self.interrupted else None
            if self.deadline is not None and not self.expired:
                wait = max(0.0, self.deadline - time.monotonic())
            ready, _, _ = select.select([self._wakeup_r], [], [], wait)
            if self._done:
                break
            if ready:
                data = os.read(self._wakeup_r, 64)
                if signal.SIGINT in data:
                    self.interrupted = True
            if self.deadline is not None and time.monotonic() >= self.deadline:
                self.expired = True
            if self.expired or self.interrupted:
                # Repeated: a stop that lands between two emu_start calls is forgotten.
                self.engine.stop()

    def close(self) -> None:
        self._done = True
        with contextlib.suppress(OSError):
            os.write(self._wakeup_w, b"\0")
        self._thread.join(1)
        if self._previous_wakeup is not None:
            with contextlib.suppress(ValueError):
                signal.set_wakeup_fd(self._previous_wakeup)
        os.close(self._wakeup_r)
        os.close(self._wakeup_w)


class EmulatedExecutor:
    """Runs AArch64 or x86-64 code inside Unicorn: memory, calls from Python to a return
    sentinel, fault reports and backtraces, ``-timeout``. It has no C library: the session
    uses its subclass LinuxProcessExecutor (executors/linux/process.py), whose program runs
    on the target's own C runtime, with ``tls`` and ``host_symbol`` of its own.

    ``platform`` records whose objects run ("linux" or "darwin"; see ``set_platform``).
    ``timeout`` (seconds) and ``max_instructions`` bound a run (LimitExceeded, exit 124);
    the instruction limit counts from each entry into emulated code and slows emulation,
    since Unicorn then counts in a hook.
    """

    tls: TLSService  # the subclass's (a process's static TLS)

    def __init__(self, arch: str, timeout: float | None = None,
                 max_instructions: int | None = None, platform: str = "linux") -> None:
        if (arch, platform) not in ABIS:
            raise ExecutionError(f"cannot emulate {arch} for {platform} (only aarch64 and "
                                 f"x86_64, for linux or darwin)")
        self.arch = arch
        self.target = target_for(arch)
        self.platform = platform
        self.engine = Engine(self.target)
        self.memory = Memory(self.engine)
        self.abi = ABIS[arch, platform](self.engine, self.memory)
        self.bridge = HostBridge(self.engine, self.memory, self.abi, TRAP_BASE, TRAP_SIZE)
        self.memory.map(STACK_BASE, STACK_SIZE, UC_PROT_READ | UC_PROT_WRITE)
        self.arena = EmulatedArena(self.memory)
        self.memory_manager: MemoryManager = EmulatedMemoryManager(self.arena)
        self.symbolizer = Symbolizer()
        self.symbols = self.symbolizer.symbols
        self.timeout = timeout
        self._deadline: float | None = None
        self._watchdog: _Watchdog | None = None
        self.bridge.max_instructions = max_instructions or 0
        # Top-level calls (initializers, finalizers) run below main's argv and environment.
        self.bridge.default_sp = STACK_TOP - (1 << 20)
        self.bridge.check_stop = self._check_stop
        self.bridge.on_stopped = self._stopped
        self._invalid: tuple[int, int, int] | None = None
        self._interrupt: tuple[int, int] | None = None
        self.engine.hook_invalid_memory(self._record_invalid)
        self.engine.hook_interrupt(self._record_interrupt)

    def _set_thread_pointer(self, address: int) -> None:
        self.engine.write(getattr(self.abi.regs, self.target.thread_pointer), address)

    def services(self) -> ExecutorServices:
        """The fault reports' symbol map (what orc.plugins builds this executor's plugins
        from)."""
        return ExecutorServices(symbol_map=self.symbolizer)

    def set_platform(self, platform: str) -> None:
        """Record whose objects run ("linux" or "darwin"); the session says so from its
        first object's platform (orc.platforms). Calls from Python into emulated code
        follow the target's C convention either way (they pass integers only); Mach-O
        code reaches glibc through the Darwin layer (executors/darwin/libc_layer.py)."""
        if (self.arch, platform) not in ABIS:
            raise ExecutionError(f"cannot emulate {self.arch} for {platform}")
        self.platform = platform

    def close(self) -> None:
        """Free the Unicorn instance and the emulated address space; idempotent."""
        if self._watchdog is not None:
            self._watchdog.close()
            self._watchdog = None
        self.engine.close()
        self.memory.close()

    # ------------------------------------------------------------------ symbols

    def host_symbol(self, name: str) -> int | None:
        """None: no name resolves outside the linked code (the subclass answers the
        static-link symbols)."""
        return None

    def after_link(self) -> None:
        """Called when a link that ran while the program runs has finished (a -lazy
        body's, or a lookup from Python): nothing here (see the subclass)."""

    def describe(self, address: int, returning: bool = False) -> str:
        """``symbol+0xN`` (or the bare address) for messages.

        With ``returning``, ``address`` is a return address: the call before it is what
        places it (a call to a noreturn function may be a function's last instruction).
        """
        found = self.symbols.find(address - 1 if returning else address)
        if found is not None and returning:
            found = (found[0], found[1] + 1, found[2])
        if found is None:
            return f"{address:#x}"
        symbol, offset, _ = found
        return f"{symbol}+{offset:#x}" if offset else symbol

    def file_of(self, address: int, returning: bool = False) -> str | None:
        found = self.symbols.find(address - 1 if returning else address)
        return found[2] if found else None

    def _instruction(self, address: int) -> str | None:
        if not self.memory.is_mapped(address):
            return None
        try:
            md = self.target.disassembler()
            code = self.memory.buffer[address:address + 16]
            for insn in md.disasm(code, address):
                return f"{insn.mnemonic} {insn.op_str}".strip()
        except (ImportError, Exception):  # noqa: BLE001 - a message detail only
            return None
        return None

    # ------------------------------------------------------------------ faults

    def _record_invalid(self, access: int, address: int, size: int) -> None:
        self._invalid = (access, address, size)

    def _record_interrupt(self, intno: int) -> None:
        self._interrupt = (intno, self.abi.pc)
        self.engine.stop()

    def _where(self, pc: int) -> str:
        insn = self._instruction(pc)
        return f"{f'by {insn!r} ' if insn else ''}at {pc:#x} ({self.describe(pc)})"

    def _stopped(self, err: int) -> BaseException:
        """The error for an emulation that ended other than at its sentinel; a fault's
        message is followed by the backtrace."""
        error = self._stopped_error(err)
        if isinstance(error, GuestFault):
            self._add_backtrace(error, self.abi.pc)
        return error

    def _stopped_error(self, err: int) -> BaseException:
        pc = self.abi.pc
        invalid, self._invalid = self._invalid, None
        interrupt, self._interrupt = self._interrupt, None
        file = self.file_of(pc)
        if self._watchdog is not None and self._watchdog.interrupted:
            return KeyboardInterrupt()
        if self._watchdog is not None and self._watchdog.expired:
            return LimitExceeded(f"timed out after {self.timeout:g} seconds at {pc:#x} "
                                 f"({self.describe(pc)})", file)
        memory_errors = {UC_ERR_READ_UNMAPPED, UC_ERR_WRITE_UNMAPPED, UC_ERR_FETCH_UNMAPPED,
                         UC_ERR_READ_PROT, UC_ERR_WRITE_PROT, UC_ERR_FETCH_PROT,
                         UC_ERR_READ_UNALIGNED, UC_ERR_WRITE_UNALIGNED, UC_ERR_FETCH_UNALIGNED}
        if err in memory_errors:
            access, address, size = invalid if invalid is not None else (0, 0, 0)
            if err in (UC_ERR_FETCH_UNMAPPED, UC_ERR_FETCH_PROT) or access in (
                    UC_MEM_FETCH_UNMAPPED, UC_MEM_FETCH_PROT):
                caller = self._return_address()
                came = f" (return address {self.describe(caller, True)})" if caller else ""
                what = "non-executable" if err == UC_ERR_FETCH_PROT else "unmapped"
                return GuestFault(SIGSEGV, f"Segmentation fault: execution of {what} address "
                                           f"{pc:#x}{came}",
                                  self.file_of(caller, True) if caller else file)
            kind = "write" if access in (UC_MEM_WRITE_UNMAPPED, UC_MEM_WRITE_PROT) or err in (
                UC_ERR_WRITE_UNMAPPED, UC_ERR_WRITE_PROT) else "read"
            what = "unmapped" if err in (UC_ERR_READ_UNMAPPED, UC_ERR_WRITE_UNMAPPED) else \
                "protected"
            return GuestFault(SIGSEGV, f"Segmentation fault: {kind} of {_bytes(size)} at "
                                       f"{what} address {address:#x} {self._where(pc)}", file)
        if err == UC_ERR_INSN_INVALID:
            return GuestFault(SIGILL, f"Illegal instruction {self._where(pc)}", file)
        if interrupt is not None or err == UC_ERR_EXCEPTION:
            intno, at = interrupt if interrupt is not None else (-1, pc)
            number, text = self.target.interrupts.get(intno, (SIGILL, f"CPU exception {intno}"))
            at += self.target.trap_pc_adjust.get(intno, 0)  # traps report the next instruction
            return GuestFault(number, f"{text} {self._where(at)}", self.file_of(at))
        if err == UC_ERR_OK and self.bridge.max_instructions:
            return LimitExceeded(f"stopped after {self.bridge.max_instructions} instructions "
                                 f"(-max-instructions) at {pc:#x} ({self.describe(pc)})", file)
        if err == UC_ERR_OK:
            # x86 ``hlt`` and similar privileged instructions end emulation quietly; in a
            # Linux process they raise SIGSEGV.
            quiet = self.target.quiet_stop
            if quiet is not None and self._instruction(pc - 1) == quiet:
                return GuestFault(SIGSEGV, f"Segmentation fault: privileged instruction "
                                           f"{self._where(pc - 1)}", self.file_of(pc - 1))
            return GuestFault(SIGILL, f"emulation stopped unexpectedly {self._where(pc)}", file)
        return GuestFault(SIGSEGV, f"emulation failed (unicorn error {err}) "
                                   f"{self._where(pc)}", file)

    def _return_address(self) -> int | None:
        sp = self.abi.sp
        if self.target.return_address_on_stack and not self.memory.is_mapped(sp):
            return None
        address = self.abi.return_address()
        return address if self.memory.is_mapped(address) else None

    # ------------------------------------------------------------------ backtraces

    def _read_target(self, address: int, size: int) -> bytes:
        memory = self.memory
        if size <= 0 or not (memory.is_mapped(address) and memory.is_mapped(address + size - 1)):
            raise LookupError(f"{address:#x} is not mapped")
        return bytes(memory.buffer[address:address + size])

    def _dwarf_registers(self) -> dict[int, int]:
        """The integer registers by DWARF number (AArch64: x0-x30, 31 sp; x86-64: rax, rdx,
        rcx, rbx, rsi, rdi, rbp, rsp, r8-r15)."""
        r = self.abi.regs
        return {number: self.engine.read(getattr(r, name))
                for number, name in enumerate(self.target.dwarf_registers)}

    def backtrace_lines(self, pc: int) -> list[str]:
        """The frames from ``pc`` up, one line each (see Symbolizer.frame_line): unwound with
        the linked ``.eh_frame``'s CFI in emulated memory, else the frame-pointer chain."""
        registers = self._dwarf_registers()
        sp_reg = ARCH_REGISTERS[self.arch][0]
        frames = [pc]
        if not self.memory.is_mapped(pc):
            # At a bad address: the caller is one return address away, with the stack as
            # the call left it.
            caller = self._return_address()
            if caller is None:
                return self._frame_lines(frames)
            if self.target.return_address_on_stack:
                registers[sp_reg] += 8  # the call pushed it
            frames.append(caller)
            pc = caller - 1
        symbolizer = self.symbolizer
        frames += backtrace(self._read_target,
                            lambda at: symbolizer.find_fde(self._read_target, at),
                            pc, registers, self.arch)
        return self._frame_lines(frames)

    def _frame_lines(self, frames: list[int]) -> list[str]:
        """One line per frame, up to the first that is not linked code (the run's return
        sentinel); none if no frame is (a jump to an address outside everything: the fault
        line says all there is)."""
        lines = []
        named = False
        for number, address in enumerate(frames):
            known = self.symbolizer.find(address - 1 if number else address) is not None
            named = named or known
            if number and not known:
                break  # out of the linked code: the run's return sentinel
            lines.append(self.symbolizer.frame_line(number, address, number > 0))
        return lines if named else []

    def _add_backtrace(self, fault: GuestFault, pc: int) -> GuestFault:
        try:
            lines = self.backtrace_lines(pc)
        except Exception:  # noqa: BLE001 - a report detail: never hide the fault itself
            lines = []
        fault.details = tuple(lines)
        return fault

    def _check_stop(self) -> None:
        watchdog = self._watchdog
        if watchdog is not None:
            if watchdog.interrupted:
                raise KeyboardInterrupt
            if watchdog.expired:
                raise LimitExceeded(f"timed out after {self.timeout:g} seconds")

    # ------------------------------------------------------------------ running

    @staticmethod
    def flush_host_streams() -> None:
        """Flush Python's streams, so the tool's output precedes the program's."""
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()

    @contextlib.contextmanager
    def _top_level(self) -> Iterator[None]:
        """Around a run from outside the emulator: the watchdog (-timeout, Ctrl-C)."""
        self.flush_host_streams()
        if self._deadline is None and self.timeout:
            self._deadline = time.monotonic() + self.timeout
        self._watchdog = _Watchdog(self.engine, self._deadline)
        try:
            yield
        finally:
            self._watchdog.close()
            self._watchdog = None

    def _run(self, address: int, args: Sequence[int], sp: int | None) -> int:
        if self.bridge.depth:
            return self.bridge.call(address, args, sp)
        with self._top_level():
            return self.bridge.call(address, args, sp)

    def run_void(self, address: int) -> None:
        """Call ``void f(void)`` (an initializer or finalizer)."""
        self._run(address, [], None)

    def call(self, address: int, args: Sequence[int] = ()) -> int:
        """Call a function of integer arguments; its 64-bit integer result."""
        return self._run(address, args, None)
