"""A Linux system-call layer in Python, for an emulated static executable.

The program sees the host's file system, working directory and file descriptors (as under
qemu-user): a guest descriptor is the host's. Memory calls (brk, mmap, munmap, mprotect)
manage the emulated address space. Numbers are data, per architecture (AArch64 uses the
kernel's generic table, include/uapi/asm-generic/unistd.h; x86-64 its own,
arch/x86/entry/syscalls/syscall_64.tbl); a call without a handler returns -ENOSYS and is
named once on stderr. Results are the kernel's: a value, or -errno.
"""

from __future__ import annotations

import errno
import os
import struct
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from pyjitlink.executors.host_bridge import UC_PROT_EXEC, UC_PROT_READ, UC_PROT_WRITE
from pyjitlink.jitlink.target import Arch

if TYPE_CHECKING:
    from pyjitlink.executors.host_bridge import Memory

PAGE = 4096
AT_FDCWD = -100
AT_EMPTY_PATH = 0x1000
AT_SYMLINK_NOFOLLOW = 0x100
AT_REMOVEDIR = 0x200
MAP_FIXED, MAP_ANONYMOUS = 0x10, 0x20
O_CLOEXEC = 0x80000  # one value on both targets
TCGETS = 0x5401
POLLIN, POLLOUT = 0x1, 0x4
# ioctl requests passed to the host (asm-generic/ioctls.h: one set for AArch64, x86-64 and
# the host) -> the size of what their argument points to (0: the argument is a value).
HOST_IOCTLS = {
    0x5451: 0, 0x5450: 0,  # FIOCLEX, FIONCLEX
    0x541B: 4, 0x5421: 4, 0x5452: 4,  # FIONREAD, FIONBIO, FIOASYNC (int *)
    0x5413: 8, 0x5414: 8,  # TIOCGWINSZ, TIOCSWINSZ (struct winsize)
    0x540F: 4, 0x5410: 4, 0x5411: 4,  # TIOCGPGRP, TIOCSPGRP, TIOCOUTQ
    0x540E: 0, 0x5422: 0, 0x540C: 0, 0x540D: 0,  # TIOCSCTTY, TIOCNOTTY, TIOCEXCL, TIOCNXCL
}
MSG_DONTWAIT = 0x40

AARCH64_SYSCALLS = {
    17: "getcwd", 23: "dup", 24: "dup3", 25: "fcntl", 29: "ioctl", 34: "mkdirat",
    49: "chdir", 50: "fchdir", 59: "pipe2", 95: "waitid", 133: "rt_sigsuspend",
    137: "rt_sigtimedwait", 154: "setpgid", 155: "getpgid", 156: "getsid", 157: "setsid",
    166: "umask", 221: "execve", 260: "wait4", 281: "execveat", 73: "ppoll",
    36: "symlinkat", 37: "linkat", 43: "statfs", 44: "fstatfs", 45: "truncate",
    46: "ftruncate", 52: "fchmod", 53: "fchmodat", 54: "fchownat", 55: "fchown", 72: "pselect6",
    82: "fsync", 83: "fdatasync", 88: "utimensat", 102: "getitimer", 103: "setitimer",
    122: "sched_setaffinity", 123: "sched_getaffinity", 140: "setpriority",
    141: "getpriority", 153: "times", 158: "getgroups", 165: "getrusage", 167: "prctl",
    227: "msync", 228: "mlock", 229: "munlock", 232: "mincore",
    35: "unlinkat", 38: "renameat", 48: "faccessat", 56: "openat", 57: "close",
    61: "getdents64", 62: "lseek", 63: "read", 64: "write", 65: "readv", 66: "writev",
    67: "pread64", 68: "pwrite64", 78: "readlinkat", 79: "newfstatat", 80: "fstat",
    93: "exit", 94: "exit_group", 96: "set_tid_address", 98: "futex", 99: "set_robust_list",
    101: "nanosleep", 113: "clock_gettime", 114: "clock_getres", 115: "clock_nanosleep",
    124: "sched_yield", 129: "kill", 130: "tkill", 131: "tgkill", 132: "sigaltstack",
    134: "rt_sigaction", 135: "rt_sigprocmask", 136: "rt_sigpending", 139: "rt_sigreturn",
    160: "uname",
    163: "getrlimit", 169: "gettimeofday", 172: "getpid", 173: "getppid", 174: "getuid",
    175: "geteuid", 176: "getgid", 177: "getegid", 178: "gettid", 179: "sysinfo", 214: "brk",
    215: "munmap", 216: "mremap", 220: "clone", 222: "mmap", 226: "mprotect",
    233: "madvise", 261: "prlimit64", 278: "getrandom", 293: "rseq", 435: "clone3",
    439: "faccessat2", 199: "socketpair", 206: "sendto", 207: "recvfrom", 210: "shutdown",
}
X86_64_SYSCALLS = {
    0: "read", 1: "write", 2: "open", 3: "close", 4: "stat", 5: "fstat", 6: "lstat",
    8: "lseek", 9: "mmap", 10: "mprotect", 11: "munmap", 12: "brk", 13: "rt_sigaction",
    14: "rt_sigprocmask", 15: "rt_sigreturn", 16: "ioctl", 17: "pread64", 18: "pwrite64",
    19: "readv",
    20: "writev", 21: "access", 24: "sched_yield", 25: "mremap", 28: "madvise", 32: "dup",
    35: "nanosleep", 39: "getpid", 56: "clone", 60: "exit", 62: "kill", 63: "uname",
    72: "fcntl",
    79: "getcwd", 82: "rename", 83: "mkdir", 84: "rmdir",
    87: "unlink", 89: "readlink", 96: "gettimeofday", 97: "getrlimit", 99: "sysinfo",
    102: "getuid", 127: "rt_sigpending",
    104: "getgid", 107: "geteuid", 108: "getegid", 110: "getppid", 131: "sigaltstack",
    158: "arch_prctl", 186: "gettid", 200: "tkill", 202: "futex", 217: "getdents64",
    218: "set_tid_address",
    228: "clock_gettime", 229: "clock_getres", 230: "clock_nanosleep", 231: "exit_group",
    234: "tgkill",
    257: "openat", 258: "mkdirat", 262: "newfstatat", 263: "unlinkat", 264: "renameat",
    267: "readlinkat", 269: "faccessat", 273: "set_robust_list", 302: "prlimit64",
    318: "getrandom", 334: "rseq", 435: "clone3", 439: "faccessat2",
    22: "pipe", 33: "dup2", 34: "pause", 57: "fork", 58: "vfork", 59: "execve", 61: "wait4",
    80: "chdir", 81: "fchdir", 95: "umask", 109: "setpgid", 111: "getpgrp", 112: "setsid",
    121: "getpgid", 124: "getsid", 128: "rt_sigtimedwait", 130: "rt_sigsuspend",
    247: "waitid", 292: "dup3", 293: "pipe2", 322: "execveat", 7: "poll", 271: "ppoll",
    23: "select", 26: "msync", 36: "getitimer", 37: "alarm", 38: "setitimer",
    74: "fsync", 75: "fdatasync", 76: "truncate", 77: "ftruncate", 86: "link", 88: "symlink",
    90: "chmod", 91: "fchmod", 92: "chown", 93: "fchown", 94: "lchown", 98: "getrusage",
    100: "times", 115: "getgroups", 137: "statfs", 138: "fstatfs", 140: "getpriority",
    141: "setpriority", 149: "mlock", 150: "munlock", 157: "prctl", 201: "time",
    203: "sched_setaffinity", 204: "sched_getaffinity", 260: "fchownat", 265: "linkat",
    266: "symlinkat", 268: "fchmodat", 270: "pselect6", 280: "utimensat", 27: "mincore",
    53: "socketpair", 44: "sendto", 45: "recvfrom", 48: "shutdown",
}
SYSCALL_TABLES: dict[str, dict[int, str]] = {Arch.AARCH64: AARCH64_SYSCALLS,
                                             Arch.X86_64: X86_64_SYSCALLS}

# open flags that differ from the host's (x86-64) values on AArch64 (asm-generic/fcntl.h vs
# arch/arm64/include/uapi/asm/fcntl.h): guest bit -> host bit.
_AARCH64_OPEN_FLAGS = {0x4000: os.O_DIRECTORY, 0x8000: os.O_NOFOLLOW, 0x10000: 0x4000,
                       0x20000: 0}
_FLAG_MASK_AARCH64 = 0x4000 | 0x8000 | 0x10000 | 0x20000
UNAME_MACHINE: dict[str, bytes] = {Arch.AARCH64: b"aarch64", Arch.X86_64: b"x86_64"}


def _s32(value: int) -> int:
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value & 0x80000000 else value


def _s64(value: int) -> int:
    value &= (1 << 64) - 1
    return value - (1 << 64) if value >> 63 else value


class LinuxSyscalls:
    """The system calls of one emulated process of ``arch``.

    ``memory`` is the emulated address space; ``brk_base`` where the program break starts
    (page aligned); ``mmap_range`` the (start, end) addresses anonymous and file mappings
    take; ``set_fs_base`` sets x86-64's FS base (arch_prctl). ``dispatch(number, args)``
    returns the call's result (an int, -errno on failure). The process's threads and
    signals (exit, clone, futex, rt_sigaction, ...) are executors/linux/threads.py's
    handlers, added with ``add_handlers``.
    """

    def __init__(self, arch: str, memory: Memory, brk_base: int, mmap_range: tuple[int, int],
                 set_fs_base: Callable[[int], None] | None = None) -> None:
        self.arch = arch
        self.memory = memory
        self.names = SYSCALL_TABLES[arch]
        self.brk_start = self.brk = self.brk_mapped = brk_base
        self.mmap_start, self.mmap_end = mmap_range
        self.mmap_next = self.mmap_start
        self.mappings: dict[int, int] = {}  # address -> length (page multiples)
        self.free: list[tuple[int, int]] = []
        self.set_fs_base = set_fs_base
        self.reported: set[str] = set()
        self.exe = ""  # what /proc/self/exe names: the program's argv[0], made absolute
        self.thread_name = b"pyjitlink"  # prctl(PR_SET_NAME)
        # A write to a pipe nobody reads: the writing thread gets SIGPIPE (Python ignores
        # it, so the host returns EPIPE alone).
        self.on_broken_pipe: Callable[[], None] | None = None
        # A call that would block the host process on a descriptor while other threads
        # could run waits in the scheduler instead (threads.Scheduler.wait_for_descriptors:
        # (fd, poll events) pairs, deadline, the result register's value at the call).
        self.wait_for_descriptors: Callable[..., bool] | None = None
        # Whether such a call may wait (Scheduler.can_wait_for_descriptors), and the bytes a
        # blocking write wrote before its last wait (Scheduler.take_progress).
        self.can_wait_for_descriptors: Callable[[list[tuple[int, int]]], bool] | None = None
        self.take_progress: Callable[[], int] | None = None
        self.restart_register = 0  # the running call's: x0 on AArch64, its number on x86-64
        self.stack_top = 0x7FFF0000  # where the first thread's stack ends (/proc/self/maps)
        self.count = 0
        self.handlers: dict[str, Callable[..., int]] = {
            name[3:]: getattr(self, name) for name in dir(self) if name.startswith("sc_")}

    def add_handlers(self, handlers: dict[str, Callable[..., int]]) -> None:
        """Serve the named calls with ``handlers`` (the process's threads and signals,
        executors/linux/threads.py), in place of any of this layer's."""
        self.handlers.update(handlers)

    # ------------------------------------------------------------------ dispatch

    def dispatch(self, number: int, args: list[int]) -> int:
        self.count += 1
        self.restart_register = args[0] if self.arch == Arch.AARCH64 else number
        name = self.names.get(number)
        handler = self.handlers.get(name) if name else None
        if handler is None:
            label = name or f"#{number}"
            if label not in self.reported:
                self.reported.add(label)
                sys.stderr.write(f"pyjitlink: warning: unimplemented system call {label} "
                                 f"({self.arch}): returns ENOSYS\n")
                sys.stderr.flush()
            return -errno.ENOSYS
        try:
            return handler(*args)
        except OSError as err:
            if err.errno == errno.EPIPE and self.on_broken_pipe is not None:
                self.on_broken_pipe()  # the kernel's SIGPIPE with the EPIPE
            return -(err.errno or errno.EIO)

    # ------------------------------------------------------------------ helpers

    def _path(self, address: int) -> bytes:
        return self.memory.cstring(address)

    def _dirfd(self, fd: int) -> int | None:
        fd = _s32(fd)
        return None if fd == AT_FDCWD else fd

    def _open_flags(self, flags: int) -> int:
        if self.arch != Arch.AARCH64:
            return flags & ~0x8000  # O_LARGEFILE: implied on the 64-bit host
        host = flags & ~_FLAG_MASK_AARCH64
        for guest, value in _AARCH64_OPEN_FLAGS.items():
            if flags & guest:
                host |= value
        return host

    def _stat_bytes(self, st: os.stat_result) -> bytes:
        times = []
        for ns in (st.st_atime_ns, st.st_mtime_ns, st.st_ctime_ns):
            times += [ns // 1_000_000_000, ns % 1_000_000_000]
        if self.arch == Arch.AARCH64:  # asm-generic/stat.h, 128 bytes
            return struct.pack("<QQIIIIQQqiiq6qII", st.st_dev, st.st_ino, st.st_mode,
                               st.st_nlink, st.st_uid, st.st_gid, st.st_rdev, 0, st.st_size,
                               st.st_blksize, 0, st.st_blocks, *times, 0, 0)
        return struct.pack("<QQQIIIIQqqq6q3q", st.st_dev, st.st_ino, st.st_nlink,  # x86-64
                           st.st_mode, st.st_uid, st.st_gid, 0, st.st_rdev, st.st_size,
                           st.st_blksize, st.st_blocks, *times, 0, 0, 0)

    def _stat_to(self, address: int, st: os.stat_result) -> int:
        self.memory.write(address, self._stat_bytes(st))
        return 0

    # ------------------------------------------------------------------ files

    def _waits(self, fd: int, events: int) -> bool:
        """Whether this call on ``fd`` (poll ``events``) waits in the scheduler instead of
        blocking the host process (it then runs again once ``fd`` is ready)."""
        wait = self.wait_for_descriptors
        return wait is not None and wait([(_s32(fd), events)], None, self.restart_register)

    def sc_read(self, fd: int, buf: int, count: int, *_: int) -> int:
        self.memory.check(buf, count, True)
        if self._waits(fd, POLLIN):
            return 0
        data = os.read(_s32(fd), count)
        self.memory.write(buf, data)
        return len(data)

    def _write_waiting(self, fd: int, read: Callable[[], bytes],
                       write: Callable[[bytes, bool], int], sigpipe: bool = True) -> int:
        """A blocking write of the bytes ``read()`` gives to ``fd`` (a pipe or socket):
        ``write(data, block)`` writes some, without blocking when ``block`` is false (0 for
        EAGAIN). While other threads could run, it writes only what fits, then waits in the
        scheduler for room (POLLOUT) and runs again from what it wrote, until all is
        written (Linux's pipe_write and unix stream sends: the full count, or the partial
        one when a signal for a handler interrupts a wait or the reader goes, with SIGPIPE
        if ``sigpipe``). Otherwise it blocks the host."""
        waits = self.can_wait_for_descriptors
        if waits is None or self.wait_for_descriptors is None or \
                not waits([(fd, POLLOUT)]):
            return write(read(), True)
        data = read()
        done = self.take_progress() if self.take_progress is not None else 0
        while True:
            try:
                wrote = write(data[done:], False)
            except OSError as err:
                if not done:
                    raise
                if err.errno == errno.EPIPE and sigpipe and self.on_broken_pipe is not None:
                    self.on_broken_pipe()  # SIGPIPE, with the count of what was written
                return done
            done += wrote
            if done >= len(data):
                return done
            if self.wait_for_descriptors([(fd, POLLOUT)], None, self.restart_register,
                                         done=done):
                return 0  # the scheduler writes the result when the call ends
            if not wrote:  # ready, yet nothing fits: finish as a plain blocking write
                return done + write(data[done:], True)

    def _host_write(self, fd: int, data: bytes, block: bool) -> int:
        """os.write, with ``fd`` made O_NONBLOCK for this one write unless ``block``
        (0 for EAGAIN)."""
        if block:
            return os.write(fd, data)
        import fcntl

        flags = fcntl.fcntl(fd, fcntl.F_GETFL)
        fcntl.fcntl(fd, fcntl.F_SETFL, flags | os.O_NONBLOCK)
        try:
            return os.write(fd, data)
        except BlockingIOError:
            return 0
        finally:
            fcntl.fcntl(fd, fcntl.F_SETFL, flags)

    def sc_write(self, fd: int, buf: int, count: int, *_: int) -> int:
        return self._write_waiting(_s32(fd), lambda: self.memory.read(buf, count),
                                   lambda data, block: self._host_write(_s32(fd), data, block))

    def sc_pread64(self, fd: int, buf: int, count: int, offset: int, *_: int) -> int:
        data = os.pread(_s32(fd), count, offset)
        self.memory.write(buf, data)
        return len(data)

    def sc_pwrite64(self, fd: int, buf: int, count: int, offset: int, *_: int) -> int:
        return os.pwrite(_s32(fd), self.memory.read(buf, count), offset)

    def _iovecs(self, iov: int, count: int) -> list[tuple[int, int]]:
        return [(self.memory.u64(iov + 16 * i), self.memory.u64(iov + 16 * i + 8))
                for i in range(_s32(count))]

    def sc_writev(self, fd: int, iov: int, count: int, *_: int) -> int:
        # One write of the iovecs' bytes in order: a wait for room keeps the progress
        # across them.
        return self._write_waiting(
            _s32(fd), lambda: b"".join(self.memory.read(base, length)
                                       for base, length in self._iovecs(iov, count)),
            lambda data, block: self._host_write(_s32(fd), data, block) if data else 0)

    def sc_readv(self, fd: int, iov: int, count: int, *_: int) -> int:
        if self._waits(fd, POLLIN):
            return 0
        vecs = self._iovecs(iov, count)
        data = os.read(_s32(fd), sum(length for _, length in vecs))
        done = 0
        for base, length in vecs:
            piece = data[done:done + length]
            self.memory.write(base, piece)
            done += len(piece)
        return done

    # Sockets: a pair of connected host sockets (socketpair's AF_UNIX), and send/recv on
    # them (glibc's send and recv are sendto/recvfrom without an address). The flag
    # values (SOCK_CLOEXEC, SOCK_NONBLOCK, MSG_*) are one on both targets and the host.

    def _libc(self):  # type: ignore[no-untyped-def]
        import ctypes

        return ctypes, ctypes.CDLL(None, use_errno=True)

    def sc_socketpair(self, domain: int, kind: int, protocol: int, fds: int, *_: int
                      ) -> int:
        ctypes, libc = self._libc()
        pair = (ctypes.c_int * 2)()
        if libc.socketpair(_s32(domain), _s32(kind), _s32(protocol), pair) < 0:
            return -ctypes.get_errno()
        self.memory.write(fds, struct.pack("<ii", pair[0], pair[1]))
        return 0

    def sc_sendto(self, fd: int, buf: int, length: int, flags: int, address: int,
                  size: int) -> int:
        if address:
            return -errno.EISCONN  # only connected sockets (socketpair) are emulated
        ctypes, libc = self._libc()
        libc.send.restype = ctypes.c_ssize_t

        def send(data: bytes, block: bool) -> int:
            more = 0 if block else MSG_DONTWAIT
            sent = libc.send(_s32(fd), data, ctypes.c_size_t(len(data)), _s32(flags) | more)
            if sent >= 0:
                return int(sent)
            code = ctypes.get_errno()
            if code in (errno.EAGAIN, errno.EWOULDBLOCK) and not block:
                return 0
            raise OSError(code, os.strerror(code))

        def read() -> bytes:
            return bytes(self.memory.read(buf, length))

        try:
            if flags & MSG_DONTWAIT:
                return send(read(), True)  # its own non-blocking send: EAGAIN as it is
            return self._write_waiting(_s32(fd), read, send, sigpipe=False)
        except OSError as err:  # as the host's send says it (no SIGPIPE, as before)
            return -(err.errno or errno.EIO)

    def sc_recvfrom(self, fd: int, buf: int, length: int, flags: int, address: int,
                    size: int) -> int:
        if not flags & MSG_DONTWAIT and self._waits(fd, POLLIN):
            return 0
        ctypes, libc = self._libc()
        scratch = ctypes.create_string_buffer(max(length, 1))
        libc.recv.restype = ctypes.c_ssize_t
        got = libc.recv(_s32(fd), scratch, ctypes.c_size_t(length), _s32(flags))
        if got < 0:
            return -ctypes.get_errno()
        self.memory.write(buf, scratch.raw[:got])
        if address and size:
            self.memory.write(size, struct.pack("<I", 0))  # an unnamed AF_UNIX peer
        return got

    def sc_shutdown(self, fd: int, how: int, *_: int) -> int:
        ctypes, libc = self._libc()
        return -ctypes.get_errno() if libc.shutdown(_s32(fd), _s32(how)) < 0 else 0

    def sc_openat(self, dirfd: int, path: int, flags: int, mode: int, *_: int) -> int:
        name = self._path(path)
        if name in (b"/proc/self/maps", f"/proc/{os.getpid()}/maps".encode()):
            return self._proc_maps()
        fd = os.open(name, self._open_flags(_s32(flags)), mode & 0o7777,
                     dir_fd=self._dirfd(dirfd))
        if not flags & O_CLOEXEC:  # Python's os.open adds it: an execve must keep the file
            os.set_inheritable(fd, True)
        return fd

    def sc_open(self, path: int, flags: int, mode: int, *_: int) -> int:
        return self.sc_openat(AT_FDCWD, path, flags, mode)

    def _proc_maps(self) -> int:
        """/proc/self/maps of the emulated process (as qemu-user shows it, not Python's):
        its mappings, the one holding the stack pointer's stack named ``[stack]``
        (glibc's pthread_getattr_np looks for it); a read-only in-memory file."""
        merged: list[list[int]] = []
        for start, end, prot in self.memory._regions:  # host_bridge.Memory's record
            if merged and merged[-1][1] == start and merged[-1][2] == prot:
                merged[-1][1] = end
            else:
                merged.append([start, end, prot])
        lines = []
        for start, end, prot in merged:
            perms = ("r" if prot & UC_PROT_READ else "-") + ("w" if prot & UC_PROT_WRITE
                                                              else "-") + \
                ("x" if prot & UC_PROT_EXEC else "-") + "p"
            name = "[stack]" if start <= self.stack_top - 1 < end else ""
            lines.append(f"{start:08x}-{end:08x} {perms} 00000000 00:00 0"
                         f"{' ' * 10}{name}".rstrip() + "\n")
        fd = os.memfd_create("maps", os.MFD_CLOEXEC)
        os.write(fd, "".join(lines).encode())
        os.lseek(fd, 0, os.SEEK_SET)
        return fd

    def sc_close(self, fd: int, *_: int) -> int:
        os.close(_s32(fd))
        return 0

    def sc_lseek(self, fd: int, offset: int, whence: int, *_: int) -> int:
        return os.lseek(_s32(fd), _s64(offset), whence)

    def sc_fstat(self, fd: int, address: int, *_: int) -> int:
        return self._stat_to(address, os.fstat(_s32(fd)))

    def sc_newfstatat(self, dirfd: int, path: int, address: int, flags: int, *_: int) -> int:
        name = self._path(path)
        if not name and flags & AT_EMPTY_PATH:
            return self.sc_fstat(dirfd, address)
        st = os.stat(name, dir_fd=self._dirfd(dirfd),
                     follow_symlinks=not flags & AT_SYMLINK_NOFOLLOW)
        return self._stat_to(address, st)

    def sc_stat(self, path: int, address: int, *_: int) -> int:
        return self._stat_to(address, os.stat(self._path(path)))

    def sc_lstat(self, path: int, address: int, *_: int) -> int:
        return self._stat_to(address, os.lstat(self._path(path)))

    def sc_faccessat(self, dirfd: int, path: int, mode: int, *_: int) -> int:
        ok = os.access(self._path(path), mode, dir_fd=self._dirfd(dirfd))
        return 0 if ok else -errno.EACCES if os.path.exists(self._path(path)) else \
            -errno.ENOENT

    def sc_faccessat2(self, dirfd: int, path: int, mode: int, flags: int, *_: int) -> int:
        return self.sc_faccessat(dirfd, path, mode)

    def sc_access(self, path: int, mode: int, *_: int) -> int:
        return self.sc_faccessat(AT_FDCWD, path, mode)

    def sc_readlinkat(self, dirfd: int, path: int, buf: int, size: int, *_: int) -> int:
        name = self._path(path)
        if name == b"/proc/self/exe":
            target = os.fsencode(self.exe)
        else:
            target = os.fsencode(os.readlink(name, dir_fd=self._dirfd(dirfd)))
        target = target[:size]
        self.memory.write(buf, target)
        return len(target)

    def sc_readlink(self, path: int, buf: int, size: int, *_: int) -> int:
        return self.sc_readlinkat(AT_FDCWD, path, buf, size)

    def sc_getdents64(self, fd: int, buf: int, size: int, *_: int) -> int:
        # Read the host's records with the same layout (linux_dirent64 is one for all).
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        scratch = ctypes.create_string_buffer(size)
        got = libc.syscall(217, _s32(fd), scratch, size)  # host (x86-64) getdents64
        if got < 0:
            return -ctypes.get_errno()
        self.memory.write(buf, scratch.raw[:got])
        return got

    def sc_unlinkat(self, dirfd: int, path: int, flags: int, *_: int) -> int:
        if flags & AT_REMOVEDIR:
            os.rmdir(self._path(path), dir_fd=self._dirfd(dirfd))
        else:
            os.unlink(self._path(path), dir_fd=self._dirfd(dirfd))
        return 0

    def sc_mkdirat(self, dirfd: int, path: int, mode: int, *_: int) -> int:
        os.mkdir(self._path(path), mode & 0o7777, dir_fd=self._dirfd(dirfd))
        return 0

    def sc_renameat(self, olddir: int, old: int, newdir: int, new: int, *_: int) -> int:
        os.rename(self._path(old), self._path(new), src_dir_fd=self._dirfd(olddir),
                  dst_dir_fd=self._dirfd(newdir))
        return 0

    def sc_mkdir(self, path: int, mode: int, *_: int) -> int:  # x86-64's own calls
        return self.sc_mkdirat(AT_FDCWD, path, mode)

    def sc_rmdir(self, path: int, *_: int) -> int:
        return self.sc_unlinkat(AT_FDCWD, path, AT_REMOVEDIR)

    def sc_unlink(self, path: int, *_: int) -> int:
        return self.sc_unlinkat(AT_FDCWD, path, 0)

    def sc_rename(self, old: int, new: int, *_: int) -> int:
        return self.sc_renameat(AT_FDCWD, old, AT_FDCWD, new)

    def sc_getcwd(self, buf: int, size: int, *_: int) -> int:
        cwd = os.fsencode(os.getcwd()) + b"\0"
        if len(cwd) > size:
            return -errno.ERANGE
        self.memory.write(buf, cwd)
        return len(cwd)

    def sc_ioctl(self, fd: int, request: int, arg: int, *_: int) -> int:
        if request & 0xFFFFFFFF == TCGETS:
            if not os.isatty(_s32(fd)):
                os.fstat(_s32(fd))  # EBADF for a closed descriptor
                return -errno.ENOTTY
            import termios

            attrs = termios.tcgetattr(_s32(fd))
            iflag, oflag, cflag, lflag = attrs[:4]
            cc = bytes(c if isinstance(c, int) else c[0] for c in attrs[6])[:19]
            self.memory.write(arg, struct.pack("<IIIIB19s", iflag, oflag, cflag, lflag, 0,
                                               cc.ljust(19, b"\0")))
            return 0
        size = HOST_IOCTLS.get(request & 0xFFFFFFFF, -1)
        if size < 0:
            return -errno.ENOTTY
        import fcntl

        if not size:
            return fcntl.ioctl(_s32(fd), request & 0xFFFFFFFF, _s32(arg))
        buffer = bytearray(self.memory.read(arg, size))
        result = fcntl.ioctl(_s32(fd), request & 0xFFFFFFFF, buffer, True)
        self.memory.write(arg, bytes(buffer))
        return result

    def sc_fcntl(self, fd: int, cmd: int, arg: int, *_: int) -> int:
        """F_DUPFD, F_GETFD, F_SETFD, F_GETFL, F_SETFL, F_GETLK, F_SETLK, F_SETLKW,
        F_SETOWN, F_GETOWN and F_DUPFD_CLOEXEC (one numbering, and one ``struct flock``,
        on both targets and the host); others EINVAL."""
        import fcntl

        command = _s32(cmd)
        if command in (5, 6, 7):  # the locks: struct flock, 32 bytes
            result = fcntl.fcntl(_s32(fd), command, bytes(self.memory.read(arg, 32)))
            if command == 5:
                self.memory.write(arg, result)
            return 0
        return fcntl.fcntl(_s32(fd), command, _s32(arg)) \
            if command in (0, 1, 2, 3, 4, 8, 9, 1030) else -errno.EINVAL

    def sc_dup(self, fd: int, *_: int) -> int:
        new = os.dup(_s32(fd))
        os.set_inheritable(new, True)  # Python's os.dup makes it close-on-exec
        return new

    def sc_dup2(self, fd: int, new: int, *_: int) -> int:  # x86-64's own
        if _s32(fd) == _s32(new):
            os.fstat(_s32(fd))  # EBADF for a closed descriptor
            return _s32(new)
        return os.dup2(_s32(fd), _s32(new))

    def sc_dup3(self, fd: int, new: int, flags: int, *_: int) -> int:
        if _s32(fd) == _s32(new) or flags & ~O_CLOEXEC:
            return -errno.EINVAL
        return os.dup2(_s32(fd), _s32(new), inheritable=not flags & O_CLOEXEC)

    def sc_ftruncate(self, fd: int, length: int, *_: int) -> int:
        os.truncate(_s32(fd), _s64(length))
        return 0

    def sc_truncate(self, path: int, length: int, *_: int) -> int:
        os.truncate(self._path(path), _s64(length))
        return 0

    def sc_fsync(self, fd: int, *_: int) -> int:
        os.fsync(_s32(fd))
        return 0

    def sc_fdatasync(self, fd: int, *_: int) -> int:
        os.fdatasync(_s32(fd))
        return 0

    def sc_symlinkat(self, target: int, dirfd: int, path: int, *_: int) -> int:
        os.symlink(self._path(target), self._path(path), dir_fd=self._dirfd(dirfd))
        return 0

    def sc_symlink(self, target: int, path: int, *_: int) -> int:  # x86-64's own
        return self.sc_symlinkat(target, AT_FDCWD, path)

    def sc_linkat(self, olddir: int, old: int, newdir: int, new: int, flags: int, *_: int
                  ) -> int:
        os.link(self._path(old), self._path(new), src_dir_fd=self._dirfd(olddir),
                dst_dir_fd=self._dirfd(newdir), follow_symlinks=bool(flags & 0x400))
        return 0

    def sc_link(self, old: int, new: int, *_: int) -> int:  # x86-64's own
        return self.sc_linkat(AT_FDCWD, old, AT_FDCWD, new, 0)

    def sc_fchmodat(self, dirfd: int, path: int, mode: int, *_: int) -> int:
        os.chmod(self._path(path), mode & 0o7777, dir_fd=self._dirfd(dirfd))
        return 0

    def sc_chmod(self, path: int, mode: int, *_: int) -> int:  # x86-64's own
        return self.sc_fchmodat(AT_FDCWD, path, mode)

    def sc_fchmod(self, fd: int, mode: int, *_: int) -> int:
        os.fchmod(_s32(fd), mode & 0o7777)
        return 0

    def sc_fchownat(self, dirfd: int, path: int, uid: int, gid: int, flags: int, *_: int
                    ) -> int:
        name = self._path(path)
        if not name and flags & AT_EMPTY_PATH:
            return self.sc_fchown(dirfd, uid, gid)
        os.chown(name, _s32(uid), _s32(gid), dir_fd=self._dirfd(dirfd),
                 follow_symlinks=not flags & AT_SYMLINK_NOFOLLOW)
        return 0

    def sc_chown(self, path: int, uid: int, gid: int, *_: int) -> int:  # x86-64's own
        return self.sc_fchownat(AT_FDCWD, path, uid, gid, 0)

    def sc_lchown(self, path: int, uid: int, gid: int, *_: int) -> int:  # x86-64's own
        return self.sc_fchownat(AT_FDCWD, path, uid, gid, AT_SYMLINK_NOFOLLOW)

    def sc_fchown(self, fd: int, uid: int, gid: int, *_: int) -> int:
        os.fchown(_s32(fd), _s32(uid), _s32(gid))
        return 0

    def _host_call(self, name: str, *args: object) -> int:
        """A C library function of the host whose structures have the targets' layout
        (statfs, utimensat: one layout on every 64-bit Linux); its result, or -errno."""
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        result = getattr(libc, name)(*args)
        return -ctypes.get_errno() if result < 0 else result

    def sc_statfs(self, path: int, buf: int, *_: int) -> int:
        import ctypes

        scratch = ctypes.create_string_buffer(120)
        result = self._host_call("statfs", self._path(path), scratch)
        if result == 0:
            self.memory.write(buf, scratch.raw)
        return result

    def sc_fstatfs(self, fd: int, buf: int, *_: int) -> int:
        import ctypes

        scratch = ctypes.create_string_buffer(120)
        result = self._host_call("fstatfs", _s32(fd), scratch)
        if result == 0:
            self.memory.write(buf, scratch.raw)
        return result

    def sc_utimensat(self, dirfd: int, path: int, times: int, flags: int, *_: int) -> int:
        import ctypes

        stamps = ctypes.create_string_buffer(self.memory.read(times, 32), 32) if times \
            else None
        name = self._path(path) if path else None
        return self._host_call("utimensat", _s32(dirfd), name, stamps, _s32(flags))

    def sc_getgroups(self, size: int, address: int, *_: int) -> int:
        groups = os.getgroups()
        if _s32(size) == 0:
            return len(groups)
        if _s32(size) < len(groups):
            return -errno.EINVAL
        self.memory.write(address, struct.pack(f"<{len(groups)}I", *groups))
        return len(groups)

    def sc_getpriority(self, which: int, who: int, *_: int) -> int:
        return 20 - os.getpriority(_s32(which), _s32(who))  # the kernel's 40..1 form

    def sc_setpriority(self, which: int, who: int, value: int, *_: int) -> int:
        os.setpriority(_s32(which), _s32(who), _s32(value))
        return 0

    def sc_sched_getaffinity(self, pid: int, size: int, address: int, *_: int) -> int:
        cpus = os.sched_getaffinity(_s32(pid))
        words = max(1, (max(cpus, default=0) + 64) // 64)
        if size < 8 * words:
            return -errno.EINVAL
        mask = sum(1 << cpu for cpu in cpus)
        self.memory.write(address, mask.to_bytes(8 * words, "little"))
        return 8 * words

    def sc_sched_setaffinity(self, *_: int) -> int:
        return 0  # one emulated CPU runs every thread

    def sc_times(self, address: int, *_: int) -> int:
        ticks = os.sysconf("SC_CLK_TCK")
        now = os.times()
        if address:
            self.memory.write(address, struct.pack(
                "<4q", *(int(v * ticks) for v in (now.user, now.system, now.children_user,
                                                  now.children_system))))
        return int(now.elapsed * ticks)

    def sc_getrusage(self, who: int, address: int, *_: int) -> int:
        import resource

        usage = resource.getrusage(_s32(who))

        def timeval(seconds: float) -> tuple[int, int]:
            micro = int(seconds * 1_000_000)
            return micro // 1_000_000, micro % 1_000_000

        self.memory.write(address, struct.pack(
            "<4q14q", *timeval(usage.ru_utime), *timeval(usage.ru_stime), usage.ru_maxrss,
            usage.ru_ixrss, usage.ru_idrss, usage.ru_isrss, usage.ru_minflt, usage.ru_majflt,
            usage.ru_nswap, usage.ru_inblock, usage.ru_oublock, usage.ru_msgsnd,
            usage.ru_msgrcv, usage.ru_nsignals, usage.ru_nvcsw, usage.ru_nivcsw))
        return 0

    def sc_time(self, address: int, *_: int) -> int:  # x86-64's own
        now = int(time.time())
        if address:
            self.memory.write(address, struct.pack("<q", now))
        return now

    def sc_prctl(self, option: int, arg2: int, *_: int) -> int:
        """PR_SET_NAME/PR_GET_NAME (the name is kept, 16 bytes); others EINVAL."""
        if option == 15:  # PR_SET_NAME
            self.thread_name = self.memory.cstring(arg2, 16)[:15]
            return 0
        if option == 16:  # PR_GET_NAME
            self.memory.write(arg2, self.thread_name.ljust(16, b"\0"))
            return 0
        return -errno.EINVAL

    def sc_msync(self, *_: int) -> int:
        return 0  # file mappings are copies: nothing to write back

    def sc_mlock(self, *_: int) -> int:
        return 0

    def sc_munlock(self, *_: int) -> int:
        return 0

    def sc_mincore(self, address: int, length: int, vector: int, *_: int) -> int:
        pages = (length + PAGE - 1) // PAGE
        if not all(self.memory.is_mapped(address + PAGE * i) for i in range(pages)):
            return -errno.ENOMEM
        self.memory.write(vector, b"\1" * pages)
        return 0

    # ------------------------------------------------------------------ memory

    def _map(self, address: int, length: int, prot: int) -> None:
        self.memory.map(address, length, prot)
        self.memory.zero(address, length)

    def sc_brk(self, address: int, *_: int) -> int:
        if address <= self.brk_start:
            return self.brk
        end = (address + PAGE - 1) & -PAGE
        if end > self.mmap_start:
            return self.brk
        if end > self.brk_mapped:
            self._map(self.brk_mapped, end - self.brk_mapped, UC_PROT_READ | UC_PROT_WRITE)
            self.brk_mapped = end
        self.brk = address
        return self.brk

    @staticmethod
    def _prot(prot: int) -> int:
        return ((UC_PROT_READ if prot & 1 else 0) | (UC_PROT_WRITE if prot & 2 else 0) |
                (UC_PROT_EXEC if prot & 4 else 0))

    def _reserve(self, length: int) -> int | None:
        for i, (address, size) in enumerate(self.free):
            if size >= length:
                if size == length:
                    del self.free[i]
                else:
                    self.free[i] = (address + length, size - length)
                return address
        if self.mmap_next + length > self.mmap_end:
            return None
        address = self.mmap_next
        self.mmap_next += length
        return address

    def sc_mmap(self, address: int, length: int, prot: int, flags: int, fd: int, offset: int
                ) -> int:
        length = (length + PAGE - 1) & -PAGE
        if length == 0:
            return -errno.EINVAL
        if flags & MAP_FIXED:
            if address & (PAGE - 1):
                return -errno.EINVAL
            # Only inside a mapping this layer made: its pages are reused in place.
            start = next((a for a, n in self.mappings.items() if a <= address and
                          address + length <= a + n), None)
            if start is None:
                return -errno.ENOMEM
            self.memory.zero(address, length)
            self.memory.protect(address, length, self._prot(prot))
            where = address
        else:
            found = self._reserve(length)
            if found is None:
                return -errno.ENOMEM
            where = found
            self._map(where, length, self._prot(prot) or UC_PROT_READ)
            if not self._prot(prot):
                self.memory.protect(where, length, 0)
            self.mappings[where] = length
        if not flags & MAP_ANONYMOUS:
            data = os.pread(_s32(fd), length, offset)
            self.memory.buffer[where:where + len(data)] = data
        return where

    def sc_munmap(self, address: int, length: int, *_: int) -> int:
        """Any page-aligned part of mappings this layer made (glibc trims the unaligned
        ends of a thread arena's reservation); other pages are left alone."""
        if address & (PAGE - 1):
            return -errno.EINVAL
        end = address + ((length + PAGE - 1) & -PAGE)
        for start, size in sorted(self.mappings.items()):
            stop = start + size
            if stop <= address or start >= end:
                continue
            low, high = max(start, address), min(stop, end)
            del self.mappings[start]
            if start < low:
                self.mappings[start] = low - start
            if high < stop:
                self.mappings[high] = stop - high
            self.memory.unmap_range(low, high - low)
            self.free.append((low, high - low))
        return 0

    def sc_mprotect(self, address: int, length: int, prot: int, *_: int) -> int:
        length = (length + PAGE - 1) & -PAGE
        if not all(self.memory.is_mapped(page) for page in range(address, address + length,
                                                                  PAGE)):
            return -errno.ENOMEM
        self.memory.protect(address, length, self._prot(prot))
        return 0

    def sc_madvise(self, *_: int) -> int:
        return 0

    def sc_mremap(self, old: int, old_size: int, new_size: int, flags: int, *_: int) -> int:
        if not flags & 1:  # MREMAP_MAYMOVE
            return -errno.ENOMEM
        size = self.mappings.get(old)
        if size is None:
            return -errno.EINVAL
        new = self.sc_mmap(0, new_size, 3, MAP_ANONYMOUS, -1, 0)
        if new < 0:
            return new
        keep = min(old_size, new_size)
        self.memory.view[new:new + keep] = self.memory.view[old:old + keep]  # one memcpy
        self.sc_munmap(old, size)
        return new

    # ------------------------------------------------------------------ process

    def sc_rseq(self, *_: int) -> int:
        return -errno.ENOSYS  # glibc then runs without restartable sequences

    def sc_getpid(self, *_: int) -> int:
        return os.getpid()

    def sc_getppid(self, *_: int) -> int:
        return os.getppid()

    def sc_getuid(self, *_: int) -> int:
        return os.getuid()

    def sc_geteuid(self, *_: int) -> int:
        return os.geteuid()

    def sc_getgid(self, *_: int) -> int:
        return os.getgid()

    def sc_getegid(self, *_: int) -> int:
        return os.getegid()

    def sc_prlimit64(self, pid: int, resource: int, new: int, old: int, *_: int) -> int:
        if old:
            import resource as res

            try:
                soft, hard = res.getrlimit(_s32(resource))
            except (ValueError, OSError):
                return -errno.EINVAL
            if _s32(resource) == res.RLIMIT_STACK:
                soft = 8 << 20  # the emulated stack's size
            infinity = (1 << 64) - 1
            self.memory.write(old, struct.pack("<QQ", infinity if soft < 0 else soft,
                                               infinity if hard < 0 else hard))
        return 0

    def sc_getrlimit(self, resource: int, old: int, *_: int) -> int:
        return self.sc_prlimit64(0, resource, 0, old)

    def sc_uname(self, address: int, *_: int) -> int:
        host = os.uname()
        fields = [b"Linux", os.fsencode(host.nodename), os.fsencode(host.release),
                  os.fsencode(host.version), UNAME_MACHINE[self.arch], b"(none)"]
        self.memory.write(address, b"".join(f[:64].ljust(65, b"\0") for f in fields))
        return 0

    def sc_getrandom(self, buf: int, count: int, flags: int, *_: int) -> int:
        self.memory.write(buf, os.urandom(count))
        return count

    def sc_clock_gettime(self, clock: int, address: int, *_: int) -> int:
        try:
            ns = time.clock_gettime_ns(_s32(clock))
        except OSError:
            return -errno.EINVAL
        self.memory.write(address, struct.pack("<qq", ns // 1_000_000_000, ns % 1_000_000_000))
        return 0

    def sc_clock_getres(self, clock: int, address: int, *_: int) -> int:
        if address:
            self.memory.write(address, struct.pack("<qq", 0, 1))
        return 0

    def sc_gettimeofday(self, address: int, tz: int, *_: int) -> int:
        ns = time.time_ns()
        if address:
            self.memory.write(address, struct.pack("<qq", ns // 1_000_000_000,
                                                   ns % 1_000_000_000 // 1000))
        return 0

    def sc_sysinfo(self, address: int, *_: int) -> int:
        pages, page = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
        free = os.sysconf("SC_AVPHYS_PAGES")
        uptime = int(time.clock_gettime(time.CLOCK_BOOTTIME))
        self.memory.write(address, struct.pack("<q3Q6QHH4xQQI4x", uptime, 0, 0, 0,
                                               pages * page, free * page, 0, 0, 0, 0, 1, 0,
                                               0, 0, 1).ljust(112, b"\0"))
        return 0

    def sc_arch_prctl(self, code: int, address: int, *_: int) -> int:
        if code == 0x1002 and self.set_fs_base is not None:  # ARCH_SET_FS
            self.set_fs_base(address)
            return 0
        return -errno.EINVAL

