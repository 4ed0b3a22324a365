"""Threads and signals of the emulated Linux process: ``clone`` makes a thread (its own CPU
context over the shared memory), a deterministic scheduler runs one thread at a time, and
``futex`` is the one way threads wait for each other, as glibc's pthreads expect.

Scheduling (all of it decided here, none by host threads or timing): the running thread keeps
the CPU until it blocks (a futex wait whose word still holds the expected value,
nanosleep), yields (sched_yield), exits, or has run ``SLICE`` instructions while another
thread could run (Unicorn's instruction count; a lone thread runs without it, at full
speed). The next thread is the first runnable one after the current in creation order.
A thread whose futex wait or sleep times out becomes runnable at its deadline (real time,
so clocks the program reads agree); when every thread waits and none has a deadline, the
run ends with a ``Deadlock`` error naming the waits, instead of hanging.

System calls that change which thread runs, or its registers (clone, exit, a blocking
futex, sched_yield, sleeps, rt_sigreturn, a signal to the running thread), only record what
to do and stop the emulator; ``resume`` does it with the CPU state settled (program counter
past the ``svc``/``syscall``), switching CPU contexts with Unicorn's
``uc_context_save``/``uc_context_restore`` (every register, the thread pointer included).

Signals: actions are the process's, masks and pending sets each thread's (the kernel's
model). A pending, unblocked signal is delivered when its thread next resumes: ignored,
the default action (terminate, reported as a fault with exit status 128 + N), or a handler
entered through a signal frame (executors/linux/signals.py).
"""

from __future__ import annotations

import ctypes
import errno
import struct
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pyjitlink.errors import ExecutionError
from pyjitlink.executors.host_bridge import GuestFault
from pyjitlink.executors.linux.signals import (
    DEFAULT_IGNORED,
    SA_NODEFER,
    SA_RESETHAND,
    SI_TKILL,
    SI_USER,
    SIG_DFL,
    SIG_IGN,
    SIGKILL,
    SIGSTOP,
    SS_DISABLE,
    SS_ONSTACK,
    UNBLOCKABLE,
    SigAction,
    SignalFrames,
)
from pyjitlink.jitlink.target import Arch

if TYPE_CHECKING:
    from pyjitlink.executors.host_bridge import Engine, Memory

SLICE = 100_000  # instructions a thread runs before another runnable one gets the CPU
CLONE_VM, CLONE_THREAD, CLONE_SETTLS = 0x100, 0x10000, 0x80000
CLONE_PARENT_SETTID, CLONE_CHILD_CLEARTID, CLONE_CHILD_SETTID = 0x100000, 0x200000, 0x1000000
FUTEX_WAIT, FUTEX_WAKE, FUTEX_REQUEUE, FUTEX_CMP_REQUEUE, FUTEX_WAKE_OP = 0, 1, 3, 4, 5
FUTEX_WAIT_BITSET, FUTEX_WAKE_BITSET = 9, 10
FUTEX_CLOCK_REALTIME, FUTEX_CMD_MASK = 256, 0x7F  # FUTEX_PRIVATE_FLAG (128): one process
TIMER_ABSTIME = 1
CLOCK_REALTIME = 0
SIG_BLOCK, SIG_UNBLOCK, SIG_SETMASK = 0, 1, 2

RUNNABLE, WAITING, DEAD = "runnable", "waiting", "dead"


class Deadlock(ExecutionError):
    """Every thread of the emulated process waits, and none with a timeout."""


@dataclass(slots=True, eq=False)
class Thread:
    """One thread: its id, saved CPU context (None while it runs or before its first run),
    what clone set up for its first run, and its kernel state."""

    tid: int
    context: ctypes.c_void_p | None = None
    first_registers: dict[int, int] | None = None  # written when it first runs
    clear_child_tid: int = 0
    robust_list: int = 0
    state: str = RUNNABLE
    futex: int = 0  # the word a WAITING thread waits on (0: sleeping)
    bitset: int = 0
    deadline: float | None = None  # time.monotonic() at which the wait times out
    timeout_result: int = 0
    waits_at: int = 0  # the program counter of its blocking system call
    wait_order: int = 0  # when it began to wait: futex waiters wake first in, first out
    result: int | None = None  # the pending system call's result, written when it runs
    mask: int = 0
    pending: dict[int, bytes] = field(default_factory=dict)  # signal -> siginfo
    altstack: tuple[int, int, int] = (0, SS_DISABLE, 0)  # ss_sp, ss_flags, ss_size


class Scheduler:
    """The threads of one emulated process of ``arch`` on ``engine``; ``pid`` is the process
    id and the first thread's id. ``frames`` builds signal frames; ``sigtramp`` is where a
    handler returns without SA_RESTORER. ``handlers()`` are its system calls, for
    LinuxSyscalls."""

    def __init__(self, arch: str, engine: Engine, memory: Memory, pid: int,
                 frames: SignalFrames) -> None:
        self.arch = arch
        self.engine = engine
        self.memory = memory
        self.pid = pid
        self.frames = frames
        main = Thread(pid)
        self.threads: dict[int, Thread] = {pid: main}  # creation order
        self.current = main
        self.next_tid = pid + 1
        self.actions: dict[int, SigAction] = {}
        self.exit_status: int | None = None
        self.stop_requested = False  # a system call asked resume() to act
        self._switch = False
        self._sigreturn = False
        self._warned: set[str] = set()
        self._waits = 0
        self.describe: Callable[[int], str] = hex  # an address as "symbol+offset"
        # The frames from a program counter up, as fault reports show them.
        self.backtrace_lines: Callable[[int], list[str]] = lambda pc: []
        if arch == Arch.AARCH64:
            from unicorn import arm64_const as r

            self.result_reg, self.sp_reg = r.UC_ARM64_REG_X0, r.UC_ARM64_REG_SP
            self.pc_reg, self.tp_reg = r.UC_ARM64_REG_PC, r.UC_ARM64_REG_TPIDR_EL0
        else:
            from unicorn import x86_const as x

            self.result_reg, self.sp_reg = x.UC_X86_REG_RAX, x.UC_X86_REG_RSP
            self.pc_reg, self.tp_reg = x.UC_X86_REG_RIP, x.UC_X86_REG_FS_BASE
        lib = engine.lib
        void_p = ctypes.c_void_p
        lib.uc_context_alloc.argtypes = [void_p, ctypes.POINTER(void_p)]
        lib.uc_context_alloc.restype = ctypes.c_int
        for name in ("uc_context_save", "uc_context_restore"):
            getattr(lib, name).argtypes = [void_p, void_p]
            getattr(lib, name).restype = ctypes.c_int
        lib.uc_context_free.argtypes = [void_p]
        lib.uc_context_free.restype = ctypes.c_int

    # ------------------------------------------------------------------ bookkeeping

    def handlers(self) -> dict[str, Callable[..., int]]:
        """Its system calls by name (the ``sc_`` methods)."""
        return {name[3:]: getattr(self, name) for name in dir(self) if name.startswith("sc_")}

    def live(self) -> int:
        """How many threads have not exited."""
        return sum(1 for t in self.threads.values() if t.state != DEAD)

    def close(self) -> None:
        """Free the saved CPU contexts."""
        for thread in self.threads.values():
            self._free(thread)

    def _free(self, thread: Thread) -> None:
        if thread.context is not None and self.engine.handle:
            self.engine.lib.uc_context_free(thread.context)
        thread.context = None

    def _request(self, switch: bool = False) -> None:
        """Have the emulator stop after this system call, for resume() to act."""
        self.stop_requested = True
        self._switch = self._switch or switch
        self.engine.stop()

    def _save(self, thread: Thread) -> None:
        if thread.context is None:
            context = ctypes.c_void_p()
            err = self.engine.lib.uc_context_alloc(self.engine.handle, ctypes.byref(context))
            if err:
                raise ExecutionError(f"cannot save a thread's registers (unicorn error {err})")
            thread.context = context
        self.engine.lib.uc_context_save(self.engine.handle, thread.context)

    def _warn_once(self, what: str) -> None:
        if what not in self._warned:
            self._warned.add(what)
            sys.stderr.write(f"pyjitlink: warning: {what}\n")
            sys.stderr.flush()

    # ------------------------------------------------------------------ running

    def preempt(self) -> None:
        """The running thread used its slice: let the next runnable one run."""
        self._switch = True

    def resume(self, fatal: Callable[[int], BaseException],
               check_stop: Callable[[], None]) -> int:
        """Act on what the last system calls asked (new threads' contexts, sigreturn, a
        switch), choose the thread to run, deliver its pending signal; the program counter
        to continue at. ``fatal(signal)`` is the error for a signal whose default action
        ends the process; ``check_stop`` raises when the run must end (-timeout, Ctrl-C)
        while every thread sleeps."""
        self.stop_requested = False
        current = self.current
        for thread in self.threads.values():
            if thread.first_registers is not None and thread.context is None:
                self._save(thread)  # a clone child starts from its parent's registers
        if self._sigreturn:
            self._sigreturn = False
            current.mask = self.frames.pop() & ~UNBLOCKABLE
        switch, self._switch = self._switch, False
        chosen = self._choose(current, switch, check_stop)
        if chosen is not current:
            if current.state != DEAD:
                self._save(current)
            else:
                self._free(current)
            assert chosen.context is not None
            self.engine.lib.uc_context_restore(self.engine.handle, chosen.context)
            self.current = chosen
        elif current.state == DEAD:
            self._free(current)
        for tid in [t.tid for t in self.threads.values() if t.state == DEAD and
                    t is not self.current]:
            del self.threads[tid]  # its context is freed; a signal to it is ESRCH
        thread = self.current
        if thread.first_registers is not None:
            for reg, value in thread.first_registers.items():
                self.engine.write(reg, value)
            thread.first_registers = None
        if thread.result is not None:
            self.engine.write(self.result_reg, thread.result)
            thread.result = None
        self._deliver(thread, fatal)
        return self.engine.read(self.pc_reg)

    def _choose(self, current: Thread, switch: bool, check_stop: Callable[[], None]
                ) -> Thread:
        order = list(self.threads.values())
        while True:
            now = time.monotonic()
            for thread in order:
                if thread.state == WAITING and thread.deadline is not None and \
                        now >= thread.deadline:
                    self._wake(thread, thread.timeout_result)
            if current.state == RUNNABLE and not switch:
                return current
            start = order.index(current)
            for offset in range(1, len(order) + 1):
                thread = order[(start + offset) % len(order)]
                if thread.state == RUNNABLE:
                    return thread
            deadlines = [t.deadline for t in order if t.state == WAITING and
                         t.deadline is not None]
            if not deadlines:
                raise self._deadlock(order)
            check_stop()
            time.sleep(min(max(0.0, min(deadlines) - now), 0.05))

    def _deadlock(self, threads: list[Thread]) -> Deadlock:
        waiting = [t for t in threads if t.state == WAITING]
        waits = [f"thread {t.tid} in {self.describe(t.waits_at)} on the futex at "
                 f"{t.futex:#x}" for t in waiting]
        details: list[str] = []
        for thread in waiting:
            details.append(f"  thread {thread.tid}:")
            details += [f"  {line}" for line in self.backtrace(thread)]
        error = Deadlock(f"deadlock: every thread waits and none can wake it "
                         f"({', '.join(waits)})")
        error.details = tuple(details)
        return error

    def backtrace(self, thread: Thread) -> list[str]:
        """``thread``'s frames, one line each (the executor's backtrace from its saved
        registers); the CPU is left with the running thread's registers."""
        if thread is not self.current:
            self._save(self.current)
            assert thread.context is not None
            self.engine.lib.uc_context_restore(self.engine.handle, thread.context)
        try:
            return self.backtrace_lines(self.engine.read(self.pc_reg))
        except Exception:  # noqa: BLE001 - a report detail: never hide the deadlock itself
            return []
        finally:
            if thread is not self.current:
                assert self.current.context is not None
                self.engine.lib.uc_context_restore(self.engine.handle, self.current.context)

    def _wake(self, thread: Thread, result: int) -> None:
        thread.state = RUNNABLE
        thread.result = result
        thread.futex = 0
        thread.deadline = None

    def _block(self, futex: int, bitset: int, deadline: float | None, timeout_result: int
               ) -> int:
        thread = self.current
        thread.state, thread.futex, thread.bitset = WAITING, futex, bitset
        thread.deadline, thread.timeout_result = deadline, timeout_result
        self._waits += 1
        thread.wait_order = self._waits
        thread.waits_at = self.engine.read(self.pc_reg)
        thread.result = 0  # woken: 0, unless the waker says otherwise
        self._request(switch=True)
        return 0

    # ------------------------------------------------------------------ signals

    def _deliver(self, thread: Thread, fatal: Callable[[int], BaseException]) -> None:
        while True:
            ready = [n for n in sorted(thread.pending) if not thread.mask & (1 << (n - 1))]
            if not ready:
                return
            number = ready[0]
            info = thread.pending.pop(number)
            action = self.actions.get(number, SigAction())
            if action.handler == SIG_IGN or (action.handler == SIG_DFL and
                                             number in DEFAULT_IGNORED):
                continue
            if action.handler == SIG_DFL:
                raise fatal(number)
            self._enter_handler(thread, number, action, info)
            return

    def _enter_handler(self, thread: Thread, number: int, action: SigAction, info: bytes,
                       fault_address: int = 0) -> None:
        self.frames.push(number, action, info, thread.mask, thread.altstack, fault_address)
        thread.mask |= action.mask | (0 if action.flags & SA_NODEFER else 1 << (number - 1))
        thread.mask &= ~UNBLOCKABLE
        if action.flags & SA_RESETHAND:
            self.actions[number] = SigAction()

    def deliver_fault(self, number: int, code: int, address: int) -> bool:
        """A synchronous fault (SIGSEGV, SIGBUS, SIGILL) in the running thread: whether a
        handler now runs for it. Blocked, ignored or default, it ends the process."""
        thread = self.current
        action = self.actions.get(number, SigAction())
        if action.handler in (SIG_DFL, SIG_IGN) or thread.mask & (1 << (number - 1)):
            return False
        info = self.frames.siginfo(number, code, address=address)
        try:
            self._enter_handler(thread, number, action, info, address)
        except GuestFault:  # no stack for the frame: the kernel forces the default action
            return False
        return True

    def _queue(self, thread: Thread, number: int, code: int) -> None:
        thread.pending.setdefault(number, self.frames.siginfo(number, code, self.pid,
                                                              _uid()))
        if thread is self.current:
            self._request()
        elif thread.state == WAITING and not thread.mask & (1 << (number - 1)):
            self._wake(thread, -errno.EINTR)

    def _signal_number(self, value: int) -> int | None:
        number = _s32(value)
        return number if 0 <= number <= 64 else None

    # ------------------------------------------------------------------ system calls

    def sc_clone(self, flags: int, stack: int, parent_tid: int, fourth: int, fifth: int,
                 *_: int) -> int:
        # The kernel's argument order differs: AArch64 (CONFIG_CLONE_BACKWARDS) passes tls
        # before child_tid, x86-64 after it.
        child_tid, tls = (fifth, fourth) if self.arch == Arch.AARCH64 else (fourth, fifth)
        return self._clone(flags, stack, parent_tid, child_tid, tls)

    def sc_clone3(self, args: int, size: int, *_: int) -> int:
        if size < 64:
            return -errno.EINVAL
        flags, _pidfd, child_tid, parent_tid, _exit, stack, stack_size, tls = struct.unpack(
            "<8Q", self.memory.read(args, 64))
        return self._clone(flags, stack + stack_size if stack else 0, parent_tid, child_tid,
                           tls)

    def _clone(self, flags: int, stack: int, parent_tid: int, child_tid: int, tls: int
               ) -> int:
        if not flags & CLONE_VM or not flags & CLONE_THREAD:
            self._warn_once("clone without CLONE_VM|CLONE_THREAD (a new process) is not "
                            "emulated: returns ENOSYS")
            return -errno.ENOSYS
        tid = self.next_tid
        self.next_tid += 1
        registers = {self.result_reg: 0}
        if stack:
            registers[self.sp_reg] = stack
        if flags & CLONE_SETTLS:
            registers[self.tp_reg] = tls
        thread = Thread(tid, first_registers=registers, mask=self.current.mask)
        if flags & CLONE_PARENT_SETTID:
            self.memory.write(parent_tid, struct.pack("<I", tid))
        if flags & CLONE_CHILD_SETTID:
            self.memory.write(child_tid, struct.pack("<I", tid))
        if flags & CLONE_CHILD_CLEARTID:
            thread.clear_child_tid = child_tid
        self.threads[tid] = thread
        self._request()  # resume() saves the parent's registers for the child
        return tid

    def sc_exit(self, status: int, *_: int) -> int:
        """One thread ends; its clear_child_tid word is zeroed and woken (pthread_join's
        wait). The last thread's status is the process's."""
        thread = self.current
        thread.state = DEAD
        thread.pending.clear()
        if thread.clear_child_tid:
            try:
                self.memory.write(thread.clear_child_tid, bytes(4))
                self._futex_wake(thread.clear_child_tid, 1, 0xFFFFFFFF)
            except ExecutionError:
                pass  # unmapped: the kernel ignores it too
        if not self.live():
            self.exit_status = status & 0xFF
        self._request(switch=True)
        return 0

    def sc_exit_group(self, status: int, *_: int) -> int:
        self.exit_status = status & 0xFF
        self._request()
        return 0

    def sc_gettid(self, *_: int) -> int:
        return self.current.tid

    def sc_set_tid_address(self, address: int, *_: int) -> int:
        self.current.clear_child_tid = address
        return self.current.tid

    def sc_set_robust_list(self, head: int, size: int, *_: int) -> int:
        self.current.robust_list = head
        return 0

    def sc_sched_yield(self, *_: int) -> int:
        if self.live() > 1:
            self._request(switch=True)
        return 0

    def _deadline(self, address: int, clock: int, absolute: bool) -> float | None:
        if not address:
            return None
        sec, nsec = struct.unpack("<qq", self.memory.read(address, 16))
        if sec < 0 or not 0 <= nsec < 1_000_000_000:
            raise _Invalid
        value = sec + nsec / 1e9
        if absolute:  # on ``clock``: as a time.monotonic() value
            now = time.clock_gettime(clock) if clock != CLOCK_REALTIME else time.time()
            return time.monotonic() + (value - now)
        return time.monotonic() + value

    def sc_nanosleep(self, request: int, remain: int, *_: int) -> int:
        return self.sc_clock_nanosleep(1, 0, request, remain)  # CLOCK_MONOTONIC

    def sc_clock_nanosleep(self, clock: int, flags: int, request: int, remain: int, *_: int
                           ) -> int:
        try:
            deadline = self._deadline(request, _s32(clock), bool(flags & TIMER_ABSTIME))
        except _Invalid:
            return -errno.EINVAL
        assert deadline is not None
        if remain and not flags & TIMER_ABSTIME:
            self.memory.write(remain, bytes(16))
        return self._block(0, 0, deadline, 0)

    def sc_futex(self, address: int, op: int, value: int, timeout: int, address2: int,
                 value3: int) -> int:
        command = op & FUTEX_CMD_MASK
        value, value3 = value & 0xFFFFFFFF, value3 & 0xFFFFFFFF
        if address & 3:
            return -errno.EINVAL
        if command in (FUTEX_WAIT, FUTEX_WAIT_BITSET):
            bitset = 0xFFFFFFFF if command == FUTEX_WAIT else value3
            if not bitset:
                return -errno.EINVAL
            clock = CLOCK_REALTIME if op & FUTEX_CLOCK_REALTIME else 1  # else MONOTONIC
            try:
                deadline = self._deadline(timeout, clock, command == FUTEX_WAIT_BITSET)
            except _Invalid:
                return -errno.EINVAL
            if self.memory.u32(address) != value:
                return -errno.EAGAIN
            return self._block(address, bitset, deadline, -errno.ETIMEDOUT)
        if command in (FUTEX_WAKE, FUTEX_WAKE_BITSET):
            bitset = 0xFFFFFFFF if command == FUTEX_WAKE else value3
            if not bitset:
                return -errno.EINVAL
            return self._futex_wake(address, value, bitset)
        if command in (FUTEX_REQUEUE, FUTEX_CMP_REQUEUE):
            if command == FUTEX_CMP_REQUEUE and self.memory.u32(address) != value3:
                return -errno.EAGAIN
            woken = self._futex_wake(address, value, 0xFFFFFFFF)
            moved = 0
            for thread in self._waiters(address, 0xFFFFFFFF):
                if moved >= (timeout & 0x7FFFFFFF):  # val2 travels in the timeout argument
                    break
                thread.futex = address2
                moved += 1
            return woken + moved
        if command == FUTEX_WAKE_OP:
            return self._futex_wake_op(address, value, timeout & 0x7FFFFFFF, address2,
                                       value3)
        self._warn_once(f"futex operation {command} is not emulated: returns ENOSYS")
        return -errno.ENOSYS

    def _waiters(self, address: int, bitset: int) -> list[Thread]:
        return sorted((t for t in self.threads.values() if t.state == WAITING and
                       t.futex == address and t.bitset & bitset), key=lambda t: t.wait_order)

    def _futex_wake(self, address: int, count: int, bitset: int) -> int:
        woken = 0
        for thread in self._waiters(address, bitset):
            if woken >= count:
                break
            self._wake(thread, 0)
            woken += 1
        return woken

    def _futex_wake_op(self, address: int, count: int, count2: int, address2: int,
                       encoded: int) -> int:
        """FUTEX_WAKE_OP (futex(2)): ``*address2 = *address2 OP oparg``, wake ``count`` on
        ``address`` and, if the old value compares true, ``count2`` on ``address2``."""
        op, cmp = (encoded >> 28) & 0xF, (encoded >> 24) & 0xF
        oparg, cmparg = (encoded >> 12) & 0xFFF, encoded & 0xFFF
        if op & 8:  # FUTEX_OP_OPARG_SHIFT
            oparg = 1 << (oparg & 31)
            op &= 7
        old = self.memory.u32(address2)
        new = {0: oparg, 1: old + oparg, 2: old | oparg, 3: old & ~oparg,
               4: old ^ oparg}.get(op)
        if new is None or cmp > 5:
            return -errno.ENOSYS
        self.memory.write(address2, struct.pack("<I", new & 0xFFFFFFFF))
        signed_old = _s32(old)
        take = (signed_old == cmparg, signed_old != cmparg, signed_old < cmparg,
                signed_old <= cmparg, signed_old > cmparg, signed_old >= cmparg)[cmp]
        woken = self._futex_wake(address, count, 0xFFFFFFFF)
        if take:
            woken += self._futex_wake(address2, count2, 0xFFFFFFFF)
        return woken

    def sc_rt_sigaction(self, signum: int, act: int, oldact: int, size: int, *_: int) -> int:
        number = self._signal_number(signum)
        if number is None or number == 0 or size != 8 or act and number in (SIGKILL,
                                                                             SIGSTOP):
            return -errno.EINVAL
        previous = self.actions.get(number, SigAction())
        if act:
            action = SigAction.unpack(self.memory.read(act, 32))
            action.mask &= ~UNBLOCKABLE
            self.actions[number] = action
        if oldact:
            self.memory.write(oldact, previous.pack())
        return 0

    def sc_rt_sigprocmask(self, how: int, new: int, old: int, size: int, *_: int) -> int:
        thread = self.current
        if size != 8:
            return -errno.EINVAL
        previous = thread.mask
        if new:
            value = self.memory.u64(new)
            how = _s32(how)
            if how == SIG_BLOCK:
                thread.mask |= value
            elif how == SIG_UNBLOCK:
                thread.mask &= ~value
            elif how == SIG_SETMASK:
                thread.mask = value
            else:
                return -errno.EINVAL
            thread.mask &= ~UNBLOCKABLE
        if old:
            self.memory.write(old, struct.pack("<Q", previous))
        if any(not thread.mask & (1 << (n - 1)) for n in thread.pending):
            self._request()  # a signal it unblocked is delivered now
        return 0

    def sc_rt_sigpending(self, address: int, size: int, *_: int) -> int:
        if size != 8:
            return -errno.EINVAL
        bits = sum(1 << (n - 1) for n in self.current.pending)
        self.memory.write(address, struct.pack("<Q", bits))
        return 0

    def sc_rt_sigreturn(self, *_: int) -> int:
        self._sigreturn = True
        self._request()
        return 0

    def sc_sigaltstack(self, new: int, old: int, *_: int) -> int:
        thread = self.current
        sp, flags, size = thread.altstack
        if old:
            on = SS_ONSTACK if size and sp <= self.engine.read(self.sp_reg) < sp + size \
                else 0
            self.memory.write(old, struct.pack("<QiiQ", sp, flags | on, 0, size))
        if new:
            sp, flags, _pad, size = struct.unpack("<QiiQ", self.memory.read(new, 24))
            thread.altstack = (sp, flags & SS_DISABLE, size)
        return 0

    def sc_kill(self, pid: int, sig: int, *_: int) -> int:
        number = self._signal_number(sig)
        if number is None:
            return -errno.EINVAL
        if _s32(pid) not in (self.pid, 0, -1, -self.pid):
            return -errno.EPERM  # another process: not this emulation's to signal
        if number:
            # Process-directed: the running thread, unless it blocks the signal.
            thread = self.current
            if thread.mask & (1 << (number - 1)):
                thread = next((t for t in self.threads.values() if t.state != DEAD and
                               not t.mask & (1 << (number - 1))), thread)
            self._queue(thread, number, SI_USER)
        return 0

    def sc_tgkill(self, tgid: int, tid: int, sig: int, *_: int) -> int:
        if _s32(tgid) != self.pid:
            return -errno.ESRCH
        return self.sc_tkill(tid, sig)

    def sc_tkill(self, tid: int, sig: int, *_: int) -> int:
        number = self._signal_number(sig)
        thread = self.threads.get(_s32(tid))
        if number is None:
            return -errno.EINVAL
        if thread is None or thread.state == DEAD:
            return -errno.ESRCH
        if number:
            self._queue(thread, number, SI_TKILL)
        return 0


class _Invalid(Exception):
    """A malformed timespec (EINVAL)."""


def _uid() -> int:
    import os

    return os.getuid()


def _s32(value: int) -> int:
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value & 0x80000000 else value
