"""Emulated execution under Unicorn: AArch64 (or x86-64 with ``-emulate``) on any host.

The emulated process's address space lies below 2 GiB (so ``-fno-pic`` x86-64 code's 32-bit
absolute addresses work too)::

    0x00010000  trap page      R-X  one ``ret`` per C library function (host_bridge)
    0x00100000  libc data      RW-  stdin/stdout/stderr, errno, ctype tables, TLS block...
    0x01000000  linked code    per segment: R--, RW-, R-X  (the TargetArena below)
    0x40000000  heap           RW-  malloc's, mapped as it grows
    0x7f7f0000  stack          RW-  8 MiB; argv and envp at its top

Linked segments are mapped with their final protection when finalized; nothing is ever
writable and executable. ``run_as_main`` and ``run_void`` run to a return *sentinel* with
no per-instruction hook outside the trap page. Faults end the run as a crashed process ends
(exit 128 + signal) with one line naming the address, the symbol and the instruction.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import select
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence

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
    UnsupportedFunction,
)
from pyjitlink.executors.abi import target_for
from pyjitlink.executors.base import TLSService
from pyjitlink.executors.emulated_tls import EmulatedTLS
from pyjitlink.executors.hostlib import HostLib
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
           "ProgramExit", "SymbolMap", "UnsupportedFunction"]

TRAP_BASE, TRAP_SIZE = 0x10000, 0x10000
DATA_BASE, DATA_SIZE = 0x100000, 0x100000
ARENA_BASE, ARENA_LIMIT = 0x1000000, 0x40000000
HEAP_BASE, HEAP_LIMIT = 0x40000000, 0x70000000
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


class ExternalReferences:
    """The emulated process's ExternalReferenceService (executors/services.py): which C
    names linked code refers to only weakly (those stay NULL when nothing defines them)."""

    def __init__(self) -> None:
        self.strong: set[str] = set()
        self.weak: set[str] = set()
        self.lock = threading.Lock()

    def add_references(self, strong: Iterable[str], weak: Iterable[str]) -> None:
        with self.lock:
            self.strong.update(strong)
            self.weak.update(weak)

    def weak_only(self, name: str) -> bool:
        with self.lock:
            return name in self.weak and name not in self.strong


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
    """Runs AArch64 or x86-64 code inside Unicorn, with hostlib as its C library.

    ``platform`` chooses the calling convention host calls are read by: "linux" (AAPCS64,
    SysV x86-64) or "darwin" (Apple's arm64 variant, for Mach-O code; see ``set_platform``).

    ``timeout`` (seconds) and ``max_instructions`` bound a run (LimitExceeded, exit 124);
    the instruction limit counts from each entry into emulated code (main, or a callback
    such as a qsort comparator) and slows emulation, since Unicorn then counts in a hook.
    """

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
        self.lib = HostLib(self.memory, self.abi, self.bridge, (DATA_BASE, DATA_SIZE),
                           (HEAP_BASE, HEAP_LIMIT), self.terminate)
        self.memory.map(STACK_BASE, STACK_SIZE, UC_PROT_READ | UC_PROT_WRITE)
        self._set_thread_pointer(self.lib.tls)
        self.arena = EmulatedArena(self.memory)
        self.memory_manager: MemoryManager = EmulatedMemoryManager(self.arena)
        self.symbolizer = Symbolizer()
        self.symbols = self.symbolizer.symbols
        self.references = ExternalReferences()
        # The TLSService: a static TLS area for the one emulated thread.
        self.tls: TLSService = EmulatedTLS(arch, self.arena, self.memory, self.lib.tls,
                               self._set_thread_pointer, self.lib.tls_blocks,
                               self.host_symbol)
        self.timeout = timeout
        self._deadline: float | None = None
        self._watchdog: _Watchdog | None = None
        self.bridge.max_instructions = max_instructions or 0
        # Top-level calls (initializers, finalizers) run below main's argv and environment.
        self.bridge.default_sp = STACK_TOP - (1 << 20)
        self.bridge.check_stop = self._check_stop
        self.bridge.on_stopped = self._stopped
        self.bridge.on_unsupported = self._unsupported
        self.memory.fault = self._host_fault
        self._invalid: tuple[int, int, int] | None = None
        self._interrupt: tuple[int, int] | None = None
        self.engine.hook_invalid_memory(self._record_invalid)
        self.engine.hook_interrupt(self._record_interrupt)

    def _set_thread_pointer(self, address: int) -> None:
        self.engine.write(getattr(self.abi.regs, self.target.thread_pointer), address)

    def services(self) -> ExecutorServices:
        """The fault reports' symbol map and the external references hostlib's answers
        depend on (what orc.plugins builds this executor's plugins from)."""
        return ExecutorServices(symbol_map=self.symbolizer,
                                external_references=self.references)

    def set_platform(self, platform: str) -> None:
        """Serve host calls by ``platform``'s calling convention ("linux", or "darwin":
        Apple's arm64 variant, see host_bridge.DarwinAArch64ABI), for the C library and any
        later call into emulated code. The session chooses it from its first object's
        platform (orc.platforms), before any code runs."""
        abi_class = ABIS.get((self.arch, platform))
        if abi_class is None:
            raise ExecutionError(f"cannot emulate {self.arch} for {platform}")
        self.platform = platform
        if type(self.abi) is not abi_class:
            self.abi = self.bridge.abi = self.lib.abi = abi_class(self.engine, self.memory)

    def close(self) -> None:
        """Free the Unicorn instance and the emulated address space; idempotent."""
        if self._watchdog is not None:
            self._watchdog.close()
            self._watchdog = None
        self.engine.close()
        self.memory.close()

    # ------------------------------------------------------------------ symbols

    def host_symbol(self, name: str) -> int | None:
        """Where ``name`` resolves in the emulated process: a C library variable, a trap
        address for a function (also for a C library function hostlib lacks: calling it is
        the error), or None for a name that is no C library's (undefined, as natively) or
        only weakly referenced (it stays NULL, as with ld)."""
        address = self.lib.data_symbols.get(name)
        if address is not None:
            return address
        if name in self.bridge.functions:
            return self.bridge.address_of(name)
        if not self.references.weak_only(name) and _c_library_exports(name):
            return self.bridge.address_of(name)  # a C library function hostlib lacks
        return None

    @property
    def runtime_symbols(self) -> dict[str, int]:
        return dict(self.lib.data_symbols)

    def describe(self, address: int, returning: bool = False) -> str:
        """``symbol+0xN`` (or the C library function, or the bare address) for messages.

        With ``returning``, ``address`` is a return address: the call before it is what
        places it (a call to a noreturn function may be a function's last instruction).
        """
        name = self.bridge.name_at(address)
        if name is not None:
            return f"C library function '{name}'"
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

    def _host_fault(self, address: int, size: int, write: bool) -> None:
        """A C library function was handed a bad pointer: SIGSEGV, as in C."""
        caller = self.abi.return_address()
        raise self._add_backtrace(GuestFault(
            SIGSEGV, f"Segmentation fault: invalid {'write' if write else 'read'} of "
                     f"{_bytes(size)} at {address:#x} in C library function "
                     f"'{self.bridge.current}' called from {self.describe(caller, True)}",
            self.file_of(caller, True)), self.abi.pc)

    def _unsupported(self, name: str) -> BaseException:
        return UnsupportedFunction(name, self.file_of(self.abi.return_address(), True))

    def terminate(self, signal: int, message: str) -> GuestFault:
        """A host function ends the program with ``signal`` (abort, a failed check)."""
        caller = self.abi.return_address()
        return self._add_backtrace(GuestFault(
            signal, f"{message} (in '{self.bridge.current}' called from "
                    f"{self.describe(caller, True)})", self.file_of(caller, True)), self.abi.pc)

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
        if self.bridge.name_at(pc) is not None or not self.memory.is_mapped(pc):
            # In a C library (trap) function or at a bad address: its caller is one return
            # address away, with the stack as the call left it.
            caller = self._return_address()
            if caller is None:
                return self._frame_lines(frames)
            if self.target.return_address_on_stack:
                registers[sp_reg] += 8  # the C library function's ret pops it
            frames.append(caller)
            pc = caller - 1
        symbolizer = self.symbolizer
        frames += backtrace(self._read_target,
                            lambda at: symbolizer.find_fde(self._read_target, at),
                            pc, registers, self.arch)
        return self._frame_lines(frames)

    def _frame_lines(self, frames: list[int]) -> list[str]:
        """One line per frame, up to the first that is neither linked code nor a C library
        function (the run's return sentinel); none if no frame is either (a jump to an
        address outside everything: the fault line says all there is)."""
        lines = []
        named = False
        for number, address in enumerate(frames):
            known = self.symbolizer.find(address - 1 if number else address) is not None
            name = self.bridge.name_at(address)
            named = named or known or name is not None
            if number and not known and name is None:
                break  # out of the linked code: the run's return sentinel
            outside = f"C library function '{name}'" if name else None
            lines.append(self.symbolizer.frame_line(number, address, number > 0,
                                                    functools.partial(_constant, outside)))
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
        """Around a run from outside the emulator: the watchdog (-timeout, Ctrl-C) and, for
        an error that ends the program like ``exit`` would, its buffered output."""
        self.flush_host_streams()
        if self._deadline is None and self.timeout:
            self._deadline = time.monotonic() + self.timeout
        self._watchdog = _Watchdog(self.engine, self._deadline)
        try:
            yield
        except GuestTermination as err:
            if err.flush:
                self.lib.flush_all()
            raise
        finally:
            self._watchdog.close()
            self._watchdog = None

    def _run(self, address: int, args: Sequence[int], sp: int | None) -> int:
        if self.bridge.depth:
            return self.bridge.call(address, args, sp)
        with self._top_level():
            return self.bridge.call(address, args, sp)

    def run_as_main(self, address: int, args: Sequence[str]) -> int:
        """Call ``int main(int argc, char **argv, char **envp)`` with ``args`` as argv."""
        mem = self.memory
        strings = [os.fsencode(a) for a in args]
        env = [os.fsencode(k) + b"=" + os.fsencode(v) for k, v in os.environ.items()]
        top = STACK_TOP - 16
        addresses = []
        for text in strings + env:
            top -= len(text) + 1
            mem.buffer[top:top + len(text) + 1] = text + b"\0"
            addresses.append(top)
        top &= -16
        table_size = 8 * (len(addresses) + 2)
        table = (top - table_size) & -16
        argv = table
        envp = table + 8 * (len(strings) + 1)
        pointers = addresses[:len(strings)] + [0] + addresses[len(strings):] + [0]
        mem.buffer[table:table + 8 * len(pointers)] = b"".join(
            p.to_bytes(8, "little") for p in pointers)
        environment = {e.split(b"=", 1)[0]: a for e, a in zip(env, addresses[len(strings):])}
        self.lib.setup_process(strings[0] if strings else b"", envp, environment)
        result = self._run(address, [len(strings), argv, envp], table - 64)
        result &= 0xFFFFFFFF
        return result - (1 << 32) if result & 0x80000000 else result

    def run_void(self, address: int) -> None:
        """Call ``void f(void)`` (an initializer or finalizer)."""
        self._run(address, [], None)

    def call(self, address: int, args: Sequence[int] = ()) -> int:
        """Call a function of integer arguments; its 64-bit integer result."""
        return self._run(address, args, None)

    def register_finalizers_with_atexit(self, addresses: Sequence[int]) -> None:
        """Have the program's ``exit`` call ``addresses`` (in order) after its own atexit
        handlers, as an executable's ``.fini_array`` runs after them."""
        for address in reversed(list(addresses)):
            self.lib.atexit.append((address, 0))

    def exit_process(self, code: int) -> None:
        """End the program as ``exit(code)``: atexit handlers and finalizers, flushed stdio.

        Raises ProgramExit (a SystemExit) with the status, or the error a handler raised.
        """
        with self._top_level():
            self.lib.run_exit_handlers()
        self.lib.flush_all()
        raise ProgramExit(code)


def _constant(value: str | None, address: int) -> str | None:
    return value


@functools.lru_cache(maxsize=None)
def _c_library_exports(name: str) -> bool:
    """Whether the C, math or C++ runtime library of this host exports ``name``: the
    stand-in for "a real C library function" when hostlib does not implement one. (The C++
    runtime's names, ``__cxa_throw``, ``_ZTIi``, link as llvm-jitlink links them against
    its own process; calling one is the unsupported-function error.) Names are kept as
    text with undecodable bytes escaped (surrogateescape): such a name, or one with a NUL,
    is no library's."""
    if not name.isascii() and not _is_utf8(name) or "\0" in name:
        return False
    for library in _c_libraries():
        try:
            getattr(library, name)
            return True
        except AttributeError:
            continue
    return False


def _is_utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@functools.lru_cache(maxsize=1)
def _c_libraries() -> list[ctypes.CDLL]:
    libraries = [ctypes.CDLL(None)]
    for soname in ("libc.so.6", "libm.so.6", "libstdc++.so.6", "libgcc_s.so.1"):
        try:
            libraries.append(ctypes.CDLL(soname))
        except OSError:
            continue
    return libraries
