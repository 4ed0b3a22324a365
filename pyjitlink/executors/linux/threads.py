"""Threads and signals of the emulated Linux process: ``clone`` makes a thread (its own CPU
context over the shared memory), a deterministic scheduler runs one thread at a time, and
``futex`` is the one way threads wait for each other, as glibc's pthreads expect.

Scheduling (all of it decided here, none by host threads or timing): the running thread keeps
the CPU until it blocks (a futex wait whose word still holds the expected value,
nanosleep, a read, write, poll or select on a host descriptor that is not ready:
``wait_for_descriptors``), yields (sched_yield), exits, or has run ``SLICE`` instructions
while another thread could run (Unicorn's instruction count; a lone thread runs without it, at full
speed). The next thread is the first runnable one after the current in creation order.
A thread whose futex wait or sleep times out becomes runnable at its deadline (real time,
so clocks the program reads agree); a thread waiting on descriptors becomes runnable when
poll says one is ready (checked whenever a thread is chosen). When every thread waits and
none has a deadline or a descriptor, the run ends with a ``Deadlock`` error naming the
waits, instead of hanging.

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

import contextlib
import ctypes
import errno
import signal as host_signal
import struct
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pyjitlink.errors import ExecutionError
from pyjitlink.executors.host_bridge import GuestFault, unicorn_constants
from pyjitlink.executors.linux.syscalls import _s32, _s64
from pyjitlink.executors.linux.signals import (
    DEFAULT_IGNORED,
    SA_NODEFER,
    SA_RESETHAND,
    SA_RESTART,
    SI_TKILL,
    SI_KERNEL,
    SI_USER,
    SIGALRM,
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
FUTEX_WAITERS, FUTEX_OWNER_DIED, FUTEX_TID_MASK = 0x80000000, 0x40000000, 0x3FFFFFFF
ROBUST_LIST_LIMIT = 2048
# Signals whose host disposition stays the host's: the faults (Python's own), SIGINT (the
# watchdog's Ctrl-C), SIGKILL/SIGSTOP, and glibc's two internal real-time signals.
NOT_MIRRORED = frozenset({2, 4, 5, 7, 8, 9, 11, 19, 32, 33})
TIMER_ABSTIME = 1
CLOCK_REALTIME = 0
SIG_BLOCK, SIG_UNBLOCK, SIG_SETMASK = 0, 1, 2

RUNNABLE, WAITING, DEAD = "runnable", "waiting", "dead"
# select's three sets as poll events: readable (POLLIN | POLLHUP | POLLERR), writable
# (POLLOUT | POLLERR), exceptional (POLLPRI), as the kernel's fs/select.c.
POLL_READ, POLL_WRITE, POLL_PRIORITY = 0x1 | 0x10 | 0x8, 0x4 | 0x8, 0x2
_POLL_ALWAYS = 0x38  # POLLERR | POLLHUP | POLLNVAL: reported whatever was asked


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
    futex: int = 0  # the word a WAITING thread waits on (0: sleeping or a signal)
    bitset: int = 0
    deadline: float | None = None  # time.monotonic() at which the wait times out
    timeout_result: int = 0
    waits_at: int = 0  # the program counter of its blocking system call
    wait_order: int = 0  # when it began to wait: futex waiters wake first in, first out
    result: int | None = None  # the pending system call's result, written when it runs
    mask: int = 0
    pending: dict[int, bytes] = field(default_factory=dict)  # signal -> siginfo
    altstack: tuple[int, int, int] = (0, SS_DISABLE, 0)  # ss_sp, ss_flags, ss_size
    suspend_mask: int | None = None  # the mask rt_sigsuspend restores after the handler
    for_signal: bool = False  # waits in rt_sigsuspend, pause or rt_sigtimedwait
    sigwait: tuple[int, int] | None = None  # rt_sigtimedwait's (set, siginfo address)
    restart_pc: int | None = None  # where its system call starts again after a wait
    # A wait on host descriptors ((fd, poll events) pairs): ready, its call runs again,
    # with ``restart_value`` in the result register; at its deadline it returns 0.
    fds: list[tuple[int, int]] | None = None
    restart_value: int = 0
    # A read, write, recv or send (not poll or select): a handler with SA_RESTART has it
    # run again after the handler instead of failing with -EINTR (signal(7)).
    restartable: bool = False
    # The bytes a blocking write (write, writev, send) wrote before it waited for room: its
    # call continues from there when run again; a signal ends it with this count.
    done: int = 0


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
        # A clone without CLONE_THREAD (a new process: executors/linux/children.py).
        self.new_process: Callable[[int, int, int, int, int], int] | None = None
        # kill(2) to another host process: (pid, signal) -> 0 or -errno.
        self.kill_other: Callable[[int, int], int] | None = None
        # Signals from other processes: a handler the program installs is also the host
        # process's (mirror_host_signals), which queues the signal here.
        self.mirror_host_signals = False
        self.alarm_at: float | None = None  # ITIMER_REAL's expiry (time.monotonic())
        self.alarm_interval = 0.0
        self.host_pending: list[int] = []
        self._host_originals: dict[int, object] = {}
        self.describe: Callable[[int], str] = hex  # an address as "symbol+offset"
        # The frames from a program counter up, as fault reports show them.
        self.backtrace_lines: Callable[[int], list[str]] = lambda pc: []
        if arch == Arch.AARCH64:
            r = unicorn_constants("arm64_const")
            self.result_reg, self.sp_reg = r.UC_ARM64_REG_X0, r.UC_ARM64_REG_SP
            self.pc_reg, self.tp_reg = r.UC_ARM64_REG_PC, r.UC_ARM64_REG_TPIDR_EL0
        else:
            x = unicorn_constants("x86_const")
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
        """Free the saved CPU contexts; give the host process its own signal handlers
        back."""
        for thread in self.threads.values():
            self._free(thread)
        for number, handler in self._host_originals.items():
            with contextlib.suppress(OSError, ValueError, RuntimeError, TypeError):
                host_signal.signal(number, handler)  # type: ignore[arg-type]
        self._host_originals.clear()

    def _free(self, thread: Thread) -> None:
        if thread.context is not None and self.engine.handle:
            self.engine.lib.uc_context_free(thread.context)
        thread.context = None

    def after_fork(self, pid: int) -> None:
        """In a forked child: only the running thread survives (POSIX), as the process's
        first thread, ``pid``; no signal is pending."""
        current = self.current
        for thread in self.threads.values():
            if thread is not current:
                self._free(thread)
        current.tid = pid
        current.pending.clear()
        current.sigwait = None
        self.threads = {pid: current}
        self.pid = pid
        self.next_tid = pid + 1

    def restart_later(self, register: int, delay: float) -> None:
        """Let the other threads run for ``delay`` seconds, then run the running thread's
        system call again (the kernel's restart: the program counter back on the
        ``svc``/``syscall``; ``register`` is what the result register held at the call: the
        first argument on AArch64, the call's number on x86-64). A signal for a handler
        ends the wait with -EINTR instead."""
        thread = self.current
        self._block(0, 0, time.monotonic() + delay, register)
        # AArch64's svc hook sees the pc past the svc; x86-64's syscall hook (Unicorn's
        # helper_syscall) runs before rip moves past the instruction.
        pc = self.engine.read(self.pc_reg)
        thread.restart_pc = pc - 4 if self.arch == Arch.AARCH64 else pc

    def request_stop(self) -> None:
        """Have the emulator stop after this system call and continue where it was."""
        self._request()

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
        self._drain_host()
        self._check_alarm()
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
        if thread.restart_pc is not None:
            self.engine.write(self.pc_reg, thread.restart_pc)
            thread.restart_pc = None
        self._drain_host()
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
                    self._wake(thread, thread.timeout_result, timed_out=True)
            polled = [t for t in order if t.state == WAITING and t.fds is not None]
            if polled:
                self._poll_waiters(polled, 0)
            if current.state == RUNNABLE and not switch:
                return current
            start = order.index(current)
            for offset in range(1, len(order) + 1):
                thread = order[(start + offset) % len(order)]
                if thread.state == RUNNABLE:
                    return thread
            deadlines = [t.deadline for t in order if t.state == WAITING and
                         t.deadline is not None]
            if self.alarm_at is not None:
                deadlines.append(self.alarm_at)
            if not deadlines:
                if not (polled or self._host_originals and any(
                        t.for_signal for t in order if t.state == WAITING)):
                    raise self._deadlock(order)
                # A signal from another process, or its write to a descriptor, may wake it.
                deadlines = [now + 0.05]
            check_stop()
            wait = min(max(0.0, min(deadlines) - now), 0.05)
            if polled:
                self._poll_waiters(polled, wait)
            else:
                time.sleep(wait)
            self._drain_host()
            self._check_alarm()

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

    def _poll_waiters(self, waiters: list[Thread], wait: float) -> None:
        """Wake each of ``waiters`` (threads waiting on host descriptors) one of whose
        descriptors is ready, waiting up to ``wait`` seconds for one: its call runs again.
        Hang-up, error and a closed descriptor count as ready (the call then says so)."""
        import select

        poller = select.poll()
        wanted: dict[int, int] = {}
        for thread in waiters:
            for fd, events in thread.fds or ():
                wanted[fd] = wanted.get(fd, 0) | events
        for fd, events in wanted.items():
            poller.register(fd, events)
        try:
            ready = dict(poller.poll(int(wait * 1000)))
        except InterruptedError:
            return
        if not ready:
            return
        for thread in waiters:
            if any(ready.get(fd, 0) & (events | _POLL_ALWAYS) for fd, events in
                   thread.fds or ()):
                self._wake(thread, thread.restart_value, ready=True)

    def can_wait_for_descriptors(self, fds: list[tuple[int, int]],
                                 blocking_only: bool = True) -> bool:
        """Whether a call on ``fds`` ((fd, poll events) pairs) that would block may wait in
        the scheduler (``wait_for_descriptors``): while another thread lives or an
        ITIMER_REAL timer is armed, and (``blocking_only``) no descriptor is in O_NONBLOCK
        mode or closed."""
        if self.live() < 2 and self.alarm_at is None:
            return False
        if blocking_only:
            import fcntl
            import os

            try:
                if any(fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_NONBLOCK for fd, _ in fds):
                    return False
            except OSError:
                return False  # a closed descriptor: the call itself says EBADF
        return True

    def take_progress(self) -> int:
        """The bytes the running thread's blocking write wrote before its last wait for
        room (0 for a new call), now forgotten: the call runs again after the wait."""
        thread = self.current
        done, thread.done = thread.done, 0
        return done

    def wait_for_descriptors(self, fds: list[tuple[int, int]], deadline: float | None,
                             register: int, blocking_only: bool = True, done: int = 0
                             ) -> bool:
        """The running thread's system call would block the host process on descriptors
        ``fds`` ((fd, poll events) pairs, e.g. a read of an empty pipe: POLLIN): whether it
        waits in the scheduler instead, as on a futex, so the other threads run (the
        kernel's model: one blocked thread, not the process). It waits only while another
        thread lives or an ITIMER_REAL timer is armed, and only when no descriptor is ready
        now. Once one is, the call runs again (``register`` is what the result register
        held at the call, as for ``restart_later``); at ``deadline`` (time.monotonic()) it
        returns 0 (poll's timeout); a signal for a handler ends the wait with -EINTR, except
        that with SA_RESTART and ``blocking_only`` (read, write, recv, send: the calls the
        kernel restarts) the call runs again after the handler. With ``blocking_only``, a
        descriptor in O_NONBLOCK mode never waits (the call answers EAGAIN itself).
        ``done`` is what a write wrote before this wait (``take_progress`` gives it back
        when the call runs again); a signal then ends the call with that count instead of
        -EINTR or a restart, as Linux's pipe_write returns a partial count."""
        if not self.can_wait_for_descriptors(fds, blocking_only):
            return False
        import select

        poller = select.poll()
        for fd, events in fds:
            poller.register(fd, events)
        if poller.poll(0):
            return False
        thread = self.current
        self._block(0, 0, deadline, 0)
        thread.fds = fds
        thread.restart_value = register
        thread.restartable = blocking_only
        thread.done = done
        pc = self.engine.read(self.pc_reg)
        thread.restart_pc = pc - 4 if self.arch == Arch.AARCH64 else pc  # as restart_later
        return True

    def _wake(self, thread: Thread, result: int, timed_out: bool = False,
              ready: bool = False) -> None:
        if not (ready or timed_out and thread.fds is None):
            # A signal interrupts a restartable wait (-EINTR); a descriptor wait's timeout
            # returns 0.
            thread.restart_pc = None
            thread.done = 0
        thread.fds = None
        thread.state = RUNNABLE
        thread.result = result
        thread.futex = 0
        thread.deadline = None
        thread.for_signal = False
        thread.sigwait = None

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
            if thread.done:
                # Room came for a write that wrote some, but a handler runs first: the
                # write ends with that count (the pc past its svc/syscall), as on Linux.
                pc = self.engine.read(self.pc_reg)
                self.engine.write(self.pc_reg, pc + (4 if self.arch == Arch.AARCH64 else 2))
                self.engine.write(self.result_reg, thread.done)
                thread.done = 0
            self._enter_handler(thread, number, action, info)
            return
        if thread.suspend_mask is not None:  # woken, but no handler ran: sigsuspend ends
            thread.mask, thread.suspend_mask = thread.suspend_mask, None

    def _enter_handler(self, thread: Thread, number: int, action: SigAction, info: bytes,
                       fault_address: int = 0) -> None:
        # In rt_sigsuspend the frame keeps the mask from before it (sigreturn restores it).
        saved = thread.mask if thread.suspend_mask is None else thread.suspend_mask
        self.frames.push(number, action, info, saved, thread.altstack, fault_address)
        thread.suspend_mask = None
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

    def _queue(self, thread: Thread, number: int, code: int, pid: int | None = None
               ) -> None:
        info = self.frames.siginfo(number, code, self.pid if pid is None else pid, _uid())
        if thread.sigwait is not None and thread.sigwait[0] & (1 << (number - 1)):
            if thread.sigwait[1]:
                self.memory.write(thread.sigwait[1], info)
            self._wake(thread, number)  # rt_sigtimedwait takes it
            return
        thread.pending.setdefault(number, info)
        if thread.state == WAITING and not thread.mask & (1 << (number - 1)) and \
                not self._ignored(number):
            if thread.fds is not None and thread.done:
                self._wake(thread, thread.done)  # a write that wrote some: its count
            elif thread.fds is not None and thread.restartable and \
                    self.actions.get(number, SigAction()).flags & SA_RESTART:
                # The handler runs, then the call again (its frame saves the restart pc and
                # register), as the kernel's -ERESTARTSYS with SA_RESTART.
                self._wake(thread, thread.restart_value, ready=True)
            else:
                self._wake(thread, -errno.EINTR)
        if thread is self.current:
            self._request()

    def thread_signal(self, number: int) -> None:
        """Send ``number`` to the running thread, as the kernel does (SIGPIPE of a write
        to a pipe without readers)."""
        self._queue(self.current, number, SI_USER)

    def _ignored(self, number: int) -> bool:
        action = self.actions.get(number, SigAction())
        return action.handler == SIG_IGN or (action.handler == SIG_DFL and
                                             number in DEFAULT_IGNORED)

    def _process_signal(self, number: int, code: int, pid: int | None = None) -> None:
        """A process-directed signal: to a thread waiting for it in rt_sigtimedwait, else
        the running thread unless it blocks it, else the first thread that does not."""
        bit = 1 << (number - 1)
        live = [t for t in self.threads.values() if t.state != DEAD]
        thread = next((t for t in live if t.sigwait is not None and t.sigwait[0] & bit),
                      None)
        if thread is None:
            thread = self.current
            if thread.mask & bit or thread.state == DEAD:
                thread = next((t for t in live if not t.mask & bit), thread)
        self._queue(thread, number, code, pid)

    def _host_signal(self, number: int, frame: object) -> None:
        """The host's handler of a signal the program handles: queued for resume()."""
        self.host_pending.append(number)
        self._request()

    def _drain_host(self) -> None:
        while self.host_pending:
            self._process_signal(self.host_pending.pop(0), SI_USER, 0)

    def _mirror(self, number: int, action: SigAction) -> None:
        """Make the host process's disposition of ``number`` follow the program's: its
        handler queues the signal here; SIG_IGN is ignored (SIGCHLD's children are then
        reaped by the kernel, as natively); SIG_DFL gives the host its own back."""
        if not self.mirror_host_signals or number in NOT_MIRRORED:
            return
        if action.handler == SIG_DFL:
            if number not in self._host_originals:
                return
            wanted: object = self._host_originals.pop(number)
        else:
            wanted = host_signal.SIG_IGN if action.handler == SIG_IGN else self._host_signal
        with contextlib.suppress(OSError, ValueError, RuntimeError, TypeError):
            previous = host_signal.signal(number, wanted)  # type: ignore[arg-type]
            if action.handler != SIG_DFL:
                self._host_originals.setdefault(number, previous)

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
        if not flags & CLONE_THREAD:
            if self.new_process is None:
                return -errno.ENOSYS
            return self.new_process(flags, stack, parent_tid, child_tid, tls)
        if not flags & CLONE_VM:
            return -errno.EINVAL  # the kernel's rule: CLONE_THREAD needs CLONE_SIGHAND, VM
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
        if thread.robust_list:
            self._exit_robust_list(thread)
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

    def _exit_robust_list(self, thread: Thread) -> None:
        """The kernel's exit_robust_list (kernel/futex/core.c): every robust futex the
        exiting thread still owns (its tid in the word) gets FUTEX_OWNER_DIED, keeping
        FUTEX_WAITERS, and one waiter is woken, so the next locker sees EOWNERDEAD. The list
        is ``struct robust_list_head {list, futex_offset, list_op_pending}``; an entry's
        low bit marks a PI futex (not emulated: left alone); at most ROBUST_LIST_LIMIT."""
        read = self.memory.u64
        try:
            head = thread.robust_list
            entry, offset, pending = read(head), _s64(read(head + 8)), read(head + 16)
            for _ in range(ROBUST_LIST_LIMIT):
                if entry == head:
                    break
                following = read(entry & ~1)
                if entry != pending and not entry & 1:
                    self._futex_death((entry & ~1) + offset, thread.tid)
                entry = following
            if pending and not pending & 1:
                self._futex_death((pending & ~1) + offset, thread.tid)
        except (ExecutionError, GuestFault):
            pass  # an unreadable list: the kernel stops walking it too

    def _futex_death(self, address: int, tid: int) -> None:
        if address & 3:
            return
        word = self.memory.u32(address)
        if word & FUTEX_TID_MASK != tid:
            return
        self.memory.write(address, struct.pack("<I", (word & FUTEX_WAITERS) |
                                               FUTEX_OWNER_DIED))
        if word & FUTEX_WAITERS:
            self._futex_wake(address, 1, 0xFFFFFFFF)

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
            self._mirror(number, action)
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
            if self.kill_other is None:
                return -errno.EPERM
            return self.kill_other(pid, number)  # another host process
        if number:
            self._process_signal(number, SI_USER)
        return 0

    def sc_rt_sigsuspend(self, mask: int, size: int, *_: int) -> int:
        """Wait with the mask at ``mask`` until a signal runs a handler; -EINTR, with the
        mask from before restored when the handler returns (its frame keeps it)."""
        if size != 8:
            return -errno.EINVAL
        thread = self.current
        thread.suspend_mask = thread.mask
        thread.mask = self.memory.u64(mask) & ~UNBLOCKABLE
        return self._wait_for_signal(thread)

    def sc_pause(self, *_: int) -> int:  # x86-64's own
        thread = self.current
        thread.suspend_mask = thread.mask
        return self._wait_for_signal(thread)

    def sc_ppoll(self, fds: int, count: int, timeout: int, mask: int, size: int, *_: int
                 ) -> int:
        """poll on the host's descriptors (blocking the process, as a read does); with no
        descriptors (glibc's AArch64 ``pause``), a wait for a signal or the timeout."""
        if count:
            return self._host_poll(fds, count, self._deadline_or_none(timeout),
                                   self._restart_register("ppoll", fds))
        try:
            deadline = self._deadline(timeout, 1, False)
        except _Invalid:
            return -errno.EINVAL
        thread = self.current
        if mask:
            if size != 8:
                return -errno.EINVAL
            thread.suspend_mask = thread.mask
            thread.mask = self.memory.u64(mask) & ~UNBLOCKABLE
        if deadline is None:
            if not mask:
                thread.suspend_mask = thread.mask
            return self._wait_for_signal(thread)
        return self._block(0, 0, deadline, 0)

    def sc_poll(self, fds: int, count: int, timeout_ms: int, *_: int) -> int:  # x86-64's
        milliseconds = _s32(timeout_ms)
        if not count:
            if milliseconds < 0:
                thread = self.current
                thread.suspend_mask = thread.mask
                return self._wait_for_signal(thread)
            return self._block(0, 0, time.monotonic() + milliseconds / 1000, 0)
        return self._host_poll(fds, count, None if milliseconds < 0 else
                               time.monotonic() + milliseconds / 1000,
                               self._restart_register("poll", fds))

    def _deadline_or_none(self, timeout: int) -> float | None:
        try:
            return self._deadline(timeout, 1, False)
        except _Invalid:
            return time.monotonic()

    def _restart_register(self, name: str, first: int) -> int:
        """What the result register held at the call ``name`` whose first argument is
        ``first``: that argument on AArch64, the call's number on x86-64."""
        if self.arch == Arch.AARCH64:
            return first
        from pyjitlink.executors.linux.syscalls import SYSCALL_TABLES

        return next(n for n, label in SYSCALL_TABLES[self.arch].items() if label == name)

    def _host_poll(self, fds: int, count: int, deadline: float | None, register: int
                   ) -> int:
        import select

        entries = [struct.unpack("<ihh", self.memory.read(fds + 8 * i, 8))
                   for i in range(_s32(count))]
        if deadline is None or deadline > time.monotonic():
            watched = [(fd, events & 0xFFFF) for fd, events, _ in entries if fd >= 0]
            if self.wait_for_descriptors(watched, deadline, register, blocking_only=False):
                for i in range(len(entries)):  # what a timeout leaves: no event
                    self.memory.write(fds + 8 * i + 6, bytes(2))
                return 0
        poller = select.poll()
        for fd, events, _revents in entries:
            if fd >= 0:
                poller.register(fd, events & 0xFFFF)
        wait = None if deadline is None else max(0, int((deadline - time.monotonic()) * 1000))
        ready = dict(poller.poll(wait))
        for i, (fd, _events, _revents) in enumerate(entries):
            self.memory.write(fds + 8 * i + 6, struct.pack("<h", _s16(ready.get(fd, 0))))
        return sum(1 for fd, _, _ in entries if ready.get(fd))

    def _check_alarm(self) -> None:
        if self.alarm_at is not None and time.monotonic() >= self.alarm_at:
            self.alarm_at = (self.alarm_at + self.alarm_interval if self.alarm_interval
                             else None)
            self._process_signal(SIGALRM, SI_KERNEL, 0)

    def sc_setitimer(self, which: int, new: int, old: int, *_: int) -> int:
        """ITIMER_REAL: SIGALRM when it expires (checked whenever the scheduler runs, and
        every SLICE instructions while it is armed); the other timers EINVAL."""
        if _s32(which) != 0:
            return -errno.EINVAL
        if old:
            self.sc_getitimer(which, old)
        interval_s, interval_us, value_s, value_us = struct.unpack(
            "<4q", self.memory.read(new, 32))
        value = value_s + value_us / 1e6
        self.alarm_interval = interval_s + interval_us / 1e6
        self.alarm_at = time.monotonic() + value if value > 0 else None
        self._request()  # the next run counts instructions (a lone thread would not)
        return 0

    def sc_getitimer(self, which: int, address: int, *_: int) -> int:
        if _s32(which) != 0:
            return -errno.EINVAL
        left = 0.0 if self.alarm_at is None else max(0.0, self.alarm_at - time.monotonic())
        micro, interval = int(left * 1e6), int(self.alarm_interval * 1e6)
        self.memory.write(address, struct.pack("<4q", interval // 1_000_000,
                                               interval % 1_000_000, micro // 1_000_000,
                                               micro % 1_000_000))
        return 0

    def sc_alarm(self, seconds: int, *_: int) -> int:  # x86-64's own
        left = 0.0 if self.alarm_at is None else max(0.0, self.alarm_at - time.monotonic())
        seconds &= 0xFFFFFFFF
        self.alarm_at = time.monotonic() + seconds if seconds else None
        self.alarm_interval = 0.0
        self._request()
        return int(left + 0.999999) if left else 0

    def sc_pselect6(self, count: int, readfds: int, writefds: int, exceptfds: int,
                    timeout: int, *_: int) -> int:
        return self._select(count, (readfds, writefds, exceptfds),
                            self._deadline_or_none(timeout),
                            self._restart_register("pselect6", count))

    def sc_select(self, count: int, readfds: int, writefds: int, exceptfds: int,
                  timeout: int, *_: int) -> int:  # x86-64's own
        deadline = None
        if timeout:
            sec, usec = struct.unpack("<qq", self.memory.read(timeout, 16))
            deadline = time.monotonic() + sec + usec / 1e6
        return self._select(count, (readfds, writefds, exceptfds), deadline,
                            self._restart_register("select", count))

    def _select(self, count: int, sets: tuple[int, int, int], deadline: float | None,
                register: int) -> int:
        """select on the host's descriptors (blocking the process, as a read does); with
        none, a sleep until the deadline or a signal."""
        import select

        count = _s32(count)
        if count < 0:
            return -errno.EINVAL
        size = (count + 63) // 64 * 8
        wanted = [[fd for fd in range(count) if address and
                   int.from_bytes(self.memory.read(address, size), "little") >> fd & 1]
                  for address in sets]
        if not any(wanted):
            if deadline is None:
                thread = self.current
                thread.suspend_mask = thread.mask
                return self._wait_for_signal(thread)
            return self._block(0, 0, deadline, 0)
        if deadline is None or deadline > time.monotonic():
            watched = [(fd, events) for fds, events in zip(wanted, (POLL_READ, POLL_WRITE,
                                                                    POLL_PRIORITY))
                       for fd in fds]
            if self.wait_for_descriptors(watched, deadline, register, blocking_only=False):
                for address in sets:  # what a timeout leaves: empty sets
                    if address:
                        self.memory.write(address, bytes(size))
                return 0
        wait = None if deadline is None else max(0.0, deadline - time.monotonic())
        ready = select.select(wanted[0], wanted[1], wanted[2], wait)
        total = 0
        for address, fds in zip(sets, ready):
            if address:
                self.memory.write(address, sum(1 << fd for fd in fds).to_bytes(size,
                                                                                "little"))
                total += len(fds)
        return total

    def _wait_for_signal(self, thread: Thread) -> int:
        if any(not thread.mask & (1 << (n - 1)) and not self._ignored(n)
               for n in thread.pending):
            self._request()
            return -errno.EINTR
        self._block(0, 0, None, -errno.EINTR)
        thread.for_signal = True
        thread.result = -errno.EINTR
        return -errno.EINTR

    def sc_rt_sigtimedwait(self, wanted: int, info: int, timeout: int, size: int, *_: int
                           ) -> int:
        """Take a pending signal of the set at ``wanted`` (its siginfo to ``info``), or
        wait for one until ``timeout`` (relative; EAGAIN when it passes)."""
        if size != 8:
            return -errno.EINVAL
        thread = self.current
        bits = self.memory.u64(wanted) & ~UNBLOCKABLE
        ready = [n for n in sorted(thread.pending) if bits & (1 << (n - 1))]
        if ready:
            data = thread.pending.pop(ready[0])
            if info:
                self.memory.write(info, data)
            return ready[0]
        try:
            deadline = self._deadline(timeout, 1, False)
        except _Invalid:
            return -errno.EINVAL
        if deadline is not None and deadline <= time.monotonic():
            return -errno.EAGAIN
        self._block(0, 0, deadline, -errno.EAGAIN)
        thread.for_signal = True
        thread.sigwait = (bits, info)
        return -errno.EAGAIN

    def sc_tgkill(self, tgid: int, tid: int, sig: int, *_: int) -> int:
        if _s32(tgid) != self.pid:
            # Another process: its first thread (tid == tgid) is the process to the host.
            number = self._signal_number(sig)
            if number is None:
                return -errno.EINVAL
            if _s32(tid) != _s32(tgid) or self.kill_other is None or _s32(tgid) <= 0:
                return -errno.ESRCH
            return self.kill_other(tgid, number)
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


def _s16(value: int) -> int:
    value &= 0xFFFF
    return value - (1 << 16) if value & 0x8000 else value
