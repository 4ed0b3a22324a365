"""Processes of the emulated Linux process: ``fork``/``vfork``/``clone`` of a new process,
``execve``/``execveat``, ``wait4``/``waitid``, ``pipe2``, signals to other processes, as
qemu-user does them.

A new process is a fork of the host (Python) process: the child continues the emulation
with a copy-on-write copy of everything (emulated memory, CPU, open descriptors); only the
thread that forked survives in it (POSIX). ``execve`` is the host's: a host executable
(``/bin/sh`` for ``system()``, ``popen()``, ``posix_spawn``) replaces the child as it would
under qemu-user. A foreign-architecture executable runs only where the host kernel has a
binfmt_misc handler for it (qemu-user-binfmt); elsewhere the host answers ENOEXEC, which the
program gets, with one warning naming the file.

``clone(CLONE_VM | CLONE_VFORK)`` (glibc's ``posix_spawn`` and AArch64's ``vfork``) shares
memory with a parent suspended until the child calls ``execve`` or exits. Here the child is
a host fork that records the pages it writes (a Unicorn write hook, and this layer's own
writes); the parent blocks on a pipe that closes when the child's ``execve`` succeeds
(close-on-exec) or it exits, and takes in the pages the child sent before each ``execve``
attempt and at exit: so the parent sees what the child wrote (``posix_spawn``'s error code),
as with shared memory. ``clone(CLONE_VM)`` without CLONE_VFORK or CLONE_THREAD (a process
running concurrently in the same memory) is not emulated: ENOSYS, named once.

A forked child never returns to the tool: when its emulation ends it flushes nothing the
parent owns, runs no Python ``atexit`` handler (``os._exit``), and a fatal signal ends it
by that host signal, so the parent's ``wait4`` sees what a native child would show.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import platform
import signal as host_signal
import struct
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from pyjitlink.executors.host_bridge import unicorn_constants
from pyjitlink.executors.linux.signals import SIG_IGN, SIGKILL, SIGSTOP
from pyjitlink.executors.linux.syscalls import AT_FDCWD, SYSCALL_TABLES, _s32
from pyjitlink.jitlink.target import Arch

if TYPE_CHECKING:
    from pyjitlink.executors.host_bridge import Engine, Memory
    from pyjitlink.executors.linux.threads import Scheduler

CLONE_VM, CLONE_VFORK, CLONE_THREAD, CLONE_SETTLS = 0x100, 0x4000, 0x10000, 0x80000
CLONE_PARENT_SETTID, CLONE_CHILD_CLEARTID, CLONE_CHILD_SETTID = 0x100000, 0x200000, 0x1000000
O_CLOEXEC = 0x80000
WNOHANG = 1
POLL_INTERVAL = 0.005  # seconds a thread waiting for a child lets the others run
PAGE = 4096
UC_HOOK_MEM_WRITE = 1 << 11
UC_CTL_TB_FLUSH, UC_CTL_IO_WRITE = 10, 1
ELF_MACHINES = {62: "x86-64", 183: "AArch64", 3: "i386", 40: "ARM", 243: "RISC-V"}
HOST_MACHINES = {"x86_64": 62, "aarch64": 183, "arm64": 183}

_HOOK_MEM = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int, ctypes.c_uint64,
                             ctypes.c_int, ctypes.c_int64, ctypes.c_void_p)


def _host_syscall(name: str) -> int | None:
    """The host's number of system call ``name`` (the host is an x86-64 or AArch64 Linux)."""
    arch = {"x86_64": Arch.X86_64, "aarch64": Arch.AARCH64}.get(platform.machine())
    if arch is None:
        return None
    return next((n for n, label in SYSCALL_TABLES[arch].items() if label == name), None)


class ChildProcesses:
    """The process calls of one emulated process of ``arch``: ``scheduler`` is its threads
    (executors/linux/threads.py), ``memory``/``engine`` its address space and CPU.
    ``handlers()`` are the system calls (for LinuxSyscalls); ``new_process`` is the
    Scheduler's clone of a process. ``forked`` says whether this host process is a fork
    made here (its run ends with ``end_child``)."""

    def __init__(self, arch: str, engine: Engine, memory: Memory, scheduler: Scheduler,
                 after_fork: Callable[[], None]) -> None:
        self.arch = arch
        self.engine = engine
        self.memory = memory
        self.scheduler = scheduler
        self.after_fork = after_fork  # the executor's own state in a new child
        self.forked = False
        self.enabled = False  # fork only while the process runs (start_process)
        self._vfork_pipe: int | None = None  # a vfork child's pipe to its parent
        self._dirty: set[int] = set()  # pages a vfork child wrote
        self._warned: set[str] = set()
        self._libc = ctypes.CDLL(None, use_errno=True)
        if arch == Arch.AARCH64:
            r = unicorn_constants("arm64_const")
            self.sp_reg, self.tp_reg = r.UC_ARM64_REG_SP, r.UC_ARM64_REG_TPIDR_EL0
        else:
            x = unicorn_constants("x86_const")
            self.sp_reg, self.tp_reg = x.UC_X86_REG_RSP, x.UC_X86_REG_FS_BASE

    def handlers(self) -> dict[str, Callable[..., int]]:
        """Its system calls by name (the ``sc_`` methods)."""
        return {name[3:]: getattr(self, name) for name in dir(self) if name.startswith("sc_")}

    def _warn_once(self, what: str) -> None:
        if what not in self._warned:
            self._warned.add(what)
            sys.stderr.write(f"pyjitlink: warning: {what}\n")
            sys.stderr.flush()

    # ------------------------------------------------------------------ fork

    def new_process(self, flags: int, stack: int, parent_tid: int, child_tid: int,
                    tls: int) -> int:
        """clone without CLONE_THREAD: a host fork; the child's pid, or 0 in the child."""
        if flags & CLONE_VM and not flags & CLONE_VFORK:
            self._warn_once("clone(CLONE_VM) of a process that shares the parent's memory "
                            "(without CLONE_VFORK) is not emulated: returns ENOSYS")
            return -errno.ENOSYS
        if not self.enabled:
            self._warn_once("fork outside the program's run (a call from Python) is not "
                            "emulated: returns ENOSYS")
            return -errno.ENOSYS
        for stream in (sys.stdout, sys.stderr):  # nothing of ours is written twice
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        wait_r = wait_w = -1
        if flags & CLONE_VFORK:
            wait_r, wait_w = os.pipe()  # close-on-exec: EOF when the child's execve works
        pid = os.fork()
        if pid:  # the parent
            if flags & CLONE_PARENT_SETTID:
                self.memory.write(parent_tid, struct.pack("<I", pid))
            if wait_r >= 0:
                os.close(wait_w)
                self._wait_for_vfork_child(wait_r)
            return pid
        # The child: this host process is now the emulated child.
        self.forked = True
        pid = os.getpid()
        self.scheduler.after_fork(pid)
        self.after_fork()
        if flags & CLONE_CHILD_SETTID:
            self.memory.write(child_tid, struct.pack("<I", pid))
        self.scheduler.current.clear_child_tid = child_tid if flags & CLONE_CHILD_CLEARTID \
            else 0
        if stack:
            self.engine.write(self.sp_reg, stack)
        if flags & CLONE_SETTLS:
            self.engine.write(self.tp_reg, tls)
        if wait_r >= 0:
            os.close(wait_r)
            self._vfork_pipe = wait_w
            if flags & CLONE_VM:
                self._track_writes()
        return 0

    def sc_fork(self, *_: int) -> int:  # x86-64's own
        return self.new_process(17, 0, 0, 0, 0)

    def sc_vfork(self, *_: int) -> int:  # x86-64's own
        return self.new_process(CLONE_VM | CLONE_VFORK | 17, 0, 0, 0, 0)

    def _track_writes(self) -> None:
        """Record the pages this vfork child writes: a Unicorn write hook (translated code
        is dropped, so every store reaches it) and the system calls' writes."""
        dirty = self._dirty
        memory = self.memory
        write, fill = memory.write, memory.fill

        def on_write(uc: int, access: int, address: int, size: int, value: int,
                     data: int) -> None:
            dirty.add(address // PAGE)
            dirty.add((address + size - 1) // PAGE)

        def write_tracked(address: int, data: bytes | bytearray | memoryview) -> None:
            dirty.update(range(address // PAGE, (address + max(len(data), 1) - 1) // PAGE + 1))
            write(address, data)

        def fill_tracked(address: int, value: int, size: int) -> None:
            dirty.update(range(address // PAGE, (address + max(size, 1) - 1) // PAGE + 1))
            fill(address, value, size)

        memory.write = write_tracked  # type: ignore[method-assign]
        memory.fill = fill_tracked  # type: ignore[method-assign]
        engine = self.engine
        callback = _HOOK_MEM(on_write)
        engine._callbacks.append(callback)
        hook = ctypes.c_size_t()
        err = engine.lib.uc_hook_add(engine.handle, ctypes.byref(hook), UC_HOOK_MEM_WRITE,
                                     ctypes.cast(callback, ctypes.c_void_p), None,
                                     ctypes.c_uint64(1), ctypes.c_uint64(0))
        if err:
            raise OSError(errno.ENOSYS, f"cannot hook memory writes (unicorn error {err})")
        # Stores in code translated before the hook existed would not call it.
        engine.lib.uc_ctl(engine.handle, UC_CTL_TB_FLUSH | (UC_CTL_IO_WRITE << 30))
        self.scheduler.request_stop()

    def _send_pages(self) -> None:
        """A vfork child: send the pages it wrote since the last time to its parent."""
        pipe = self._vfork_pipe
        if pipe is None or not self._dirty:
            return
        buffer = self.memory.buffer
        chunks = []
        for page in sorted(self._dirty):
            address = page * PAGE
            if self.memory.is_mapped(address):
                chunks.append(struct.pack("<Q", address) + buffer[address:address + PAGE])
        self._dirty.clear()
        data = b"".join(chunks)
        view = memoryview(data)
        while view:
            try:
                view = view[os.write(pipe, view):]
            except InterruptedError:
                continue
            except OSError:
                return  # the parent is gone
        return

    def _wait_for_vfork_child(self, pipe: int) -> None:
        """The parent of a vfork: blocked until the child's execve works or it exits; the
        pages it wrote become the parent's."""
        chunks = []
        while True:
            try:
                data = os.read(pipe, 1 << 16)
            except InterruptedError:
                continue
            if not data:
                break
            chunks.append(data)
        os.close(pipe)
        data = b"".join(chunks)
        buffer = self.memory.buffer
        record = 8 + PAGE
        for at in range(0, len(data) - record + 1, record):
            address = struct.unpack_from("<Q", data, at)[0]
            if self.memory.is_mapped(address):
                buffer[address:address + PAGE] = data[at + 8:at + record]

    # ------------------------------------------------------------------ the end of a child

    def end_child(self, status: int) -> None:
        """A forked child's emulation ended with exit ``status``: leave the host process
        now (never through the tool, which would print its reports again)."""
        self._send_pages()
        os._exit(status & 0xFF)

    def end_child_by_error(self, err: BaseException) -> None:
        """A forked child's emulation ended with ``err``: its one-line report (and details)
        on stderr, then the host process ends as the program would have: by the signal of
        a fault, else with the error's exit status."""
        self._send_pages()
        if isinstance(err, SystemExit):
            code = err.code if isinstance(err.code, int) else 1
            os._exit(code & 0xFF)
        if isinstance(err, KeyboardInterrupt):
            os._exit(130)
        message = getattr(err, "message", None) or f"internal error: {type(err).__name__}: " \
                                                     f"{err}"
        file = getattr(err, "file", None)
        lines = [f"pyjitlink: error: {file + ': ' if file else ''}{message}"]
        lines += list(getattr(err, "details", ()) or ())
        with contextlib.suppress(OSError):
            os.write(2, ("\n".join(lines) + "\n").encode("utf-8", "backslashreplace"))
        number = getattr(err, "signal", 0)
        if number:
            with contextlib.suppress(Exception):
                import resource

                resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # no core file of Python
                host_signal.signal(number, host_signal.SIG_DFL)
                host_signal.pthread_sigmask(host_signal.SIG_UNBLOCK, [number])
                os.kill(os.getpid(), number)
        os._exit(getattr(err, "exit_code", 1) & 0xFF)

    # ------------------------------------------------------------------ execve

    def _strings(self, address: int) -> list[bytes]:
        strings = []
        while address:
            pointer = self.memory.u64(address)
            if not pointer:
                break
            strings.append(self.memory.cstring(pointer))
            address += 8
        return strings

    def sc_execve(self, path: int, argv: int, envp: int, *_: int) -> int:
        return self.sc_execveat(AT_FDCWD, path, argv, envp, 0)

    def sc_execveat(self, dirfd: int, path: int, argv: int, envp: int, flags: int, *_: int
                    ) -> int:
        """The host's execveat with the program's strings: this host process becomes the
        new program (qemu-user's behaviour for a host executable); on failure, -errno."""
        name = self.memory.cstring(path)
        args, env = self._strings(argv), self._strings(envp)

        def vector(strings: list[bytes]) -> ctypes.Array[ctypes.c_char_p]:
            return (ctypes.c_char_p * (len(strings) + 1))(*strings, None)

        c_args, c_env = vector(args), vector(env)
        self._send_pages()
        saved = self._host_signals_for_exec()
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        execveat = getattr(self._libc, "execveat", None)
        if execveat is not None:
            execveat(_s32(dirfd), name, c_args, c_env, _s32(flags))
        elif _s32(dirfd) == AT_FDCWD and not flags:
            self._libc.execve(name, c_args, c_env)
        else:
            ctypes.set_errno(errno.ENOSYS)
        failure = ctypes.get_errno() or errno.ENOEXEC
        self._restore_host_signals(saved)
        if failure == errno.ENOEXEC:
            self._explain_noexec(dirfd, name)
        return -failure

    def _explain_noexec(self, dirfd: int, name: bytes) -> None:
        try:
            fd = os.open(name, os.O_RDONLY, dir_fd=None if _s32(dirfd) == AT_FDCWD else
                         _s32(dirfd))
        except OSError:
            return
        try:
            head = os.read(fd, 20)
        finally:
            os.close(fd)
        if head[:4] != b"\x7fELF" or len(head) < 20:
            return
        machine = struct.unpack_from("<H", head, 18)[0]
        host = HOST_MACHINES.get(platform.machine())
        if machine != host:
            label = ELF_MACHINES.get(machine, f"e_machine {machine}")
            self._warn_once(f"execve of {os.fsdecode(name)}: an {label} executable does not "
                            f"run on this {platform.machine()} host without a binfmt_misc "
                            f"handler for it (qemu-user-binfmt), as under qemu-user: "
                            f"ENOEXEC")

    def _host_signals_for_exec(self) -> tuple[dict[int, object], set[int]] | None:
        """Give the host process the emulated thread's signal mask and ignored signals, which
        execve keeps (Python ignores SIGPIPE and handles SIGINT itself); what to restore."""
        if sys.platform != "linux":
            return None
        scheduler = self.scheduler
        previous: dict[int, object] = {}
        for number in range(1, 65):
            if number in (SIGKILL, SIGSTOP, 32, 33):
                continue
            action = scheduler.actions.get(number)
            wanted = host_signal.SIG_IGN if action is not None and action.handler == SIG_IGN \
                else host_signal.SIG_DFL
            with contextlib.suppress(OSError, ValueError, RuntimeError):
                previous[number] = host_signal.signal(number, wanted)
        mask = scheduler.current.mask
        blocked = {n for n in range(1, 65) if mask & (1 << (n - 1)) and n not in (32, 33)}
        old_mask: set[int] = set()
        with contextlib.suppress(OSError, ValueError):
            old_mask = set(host_signal.pthread_sigmask(host_signal.SIG_SETMASK, blocked))
        return previous, old_mask

    @staticmethod
    def _restore_host_signals(saved: tuple[dict[int, object], set[int]] | None) -> None:
        if saved is None:
            return
        previous, old_mask = saved
        for number, handler in previous.items():
            with contextlib.suppress(OSError, ValueError, RuntimeError, TypeError):
                host_signal.signal(number, handler)  # type: ignore[arg-type]
        with contextlib.suppress(OSError, ValueError):
            host_signal.pthread_sigmask(host_signal.SIG_SETMASK, old_mask)

    # ------------------------------------------------------------------ waiting

    def sc_wait4(self, pid: int, status: int, options: int, rusage: int, *_: int) -> int:
        """The host's wait4 (the children are host processes); the status word and
        ``struct rusage`` have one layout on both targets. With other threads alive a
        blocking wait polls, so they run while it waits."""
        raw_status = ctypes.c_int()
        usage = ctypes.create_string_buffer(144)
        poll = self._polls(options)
        got = self._libc.wait4(_s32(pid), ctypes.byref(raw_status),
                               _s32(options) | (WNOHANG if poll else 0), usage)
        if got < 0:
            return -ctypes.get_errno()
        if got == 0 and poll:
            return self._restart("wait4", pid)
        if got and status:
            self.memory.write(status, struct.pack("<i", raw_status.value))
        if rusage:
            self.memory.write(rusage, usage.raw)
        return int(got)

    def sc_waitid(self, idtype: int, ident: int, info: int, options: int, rusage: int,
                  *_: int) -> int:
        number = _host_syscall("waitid")
        if number is None:
            return -errno.ENOSYS
        siginfo = ctypes.create_string_buffer(128)
        usage = ctypes.create_string_buffer(144)
        self._libc.syscall.restype = ctypes.c_long
        poll = self._polls(options)
        got = self._libc.syscall(ctypes.c_long(number), ctypes.c_long(_s32(idtype)),
                                 ctypes.c_long(_s32(ident)), siginfo,
                                 ctypes.c_long(_s32(options) | (WNOHANG if poll else 0)),
                                 usage)
        if got < 0:
            return -ctypes.get_errno()
        if poll and not struct.unpack_from("<i", siginfo.raw, 12)[0]:  # si_pid 0: none
            return self._restart("waitid", idtype)
        if info:
            self.memory.write(info, siginfo.raw)
        if rusage:
            self.memory.write(rusage, usage.raw)
        return int(got)

    def _polls(self, options: int) -> bool:
        """Whether a blocking wait polls instead (other threads could run meanwhile)."""
        return not options & WNOHANG and self.scheduler.live() > 1

    def _restart(self, name: str, first: int) -> int:
        """No child is ready and other threads can run: they do, for POLL_INTERVAL, then the
        call runs again (scheduler.restart_later)."""
        number = next(n for n, label in SYSCALL_TABLES[self.arch].items() if label == name)
        self.scheduler.restart_later(first if self.arch == Arch.AARCH64 else number,
                                     POLL_INTERVAL)
        return 0

    # ------------------------------------------------------------------ descriptors

    def sc_pipe2(self, fds: int, flags: int, *_: int) -> int:
        read_end, write_end = os.pipe2(_s32(flags) & (O_CLOEXEC | os.O_NONBLOCK))
        self.memory.write(fds, struct.pack("<ii", read_end, write_end))
        return 0

    def sc_pipe(self, fds: int, *_: int) -> int:  # x86-64's own
        return self.sc_pipe2(fds, 0)

    def sc_chdir(self, path: int, *_: int) -> int:
        os.chdir(self.memory.cstring(path))
        return 0

    def sc_fchdir(self, fd: int, *_: int) -> int:
        os.fchdir(_s32(fd))
        return 0

    def sc_umask(self, mask: int, *_: int) -> int:
        return os.umask(mask & 0o777)

    def sc_setpgid(self, pid: int, pgid: int, *_: int) -> int:
        os.setpgid(_s32(pid), _s32(pgid))
        return 0

    def sc_getpgid(self, pid: int, *_: int) -> int:
        return os.getpgid(_s32(pid))

    def sc_getpgrp(self, *_: int) -> int:  # x86-64's own
        return os.getpgrp()

    def sc_setsid(self, *_: int) -> int:
        os.setsid()
        return os.getpid()  # the new session's id

    def sc_getsid(self, pid: int, *_: int) -> int:
        return os.getsid(_s32(pid))

    def kill_other(self, pid: int, number: int) -> int:
        """kill(2) to another process (or process group) of the host: the signal numbers
        are one on both targets and the host (x86-64 and asm-generic agree)."""
        pid = _s32(pid)
        try:
            if pid < -1:
                os.killpg(-pid, number)
            else:
                os.kill(pid, number)
        except OSError as err:
            return -(err.errno or errno.EPERM)
        return 0
