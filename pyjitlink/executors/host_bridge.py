"""Python and emulated code: Unicorn held close, emulated memory, calls into emulated code.

* ``Engine``: a small ctypes binding of the Unicorn calls the emulated executors need (the
  Python binding's per-call wrappers cost several microseconds).
* ``Memory``: the emulated address space below 2 GiB, backed by one host mapping, so Python
  (the system-call layer) reads and writes emulated memory as buffers; it knows which
  ranges are mapped (and how), so a bad pointer handed to a system call is EFAULT.
* ``HostBridge``: Python calls emulated code (initializers, finalizers, ``Session.function``,
  the C runtime's start-up) with an ``emu_start`` that ends at a *sentinel* address, the
  call's return address. An exception raised in a hook (a system call's) is stored, the
  emulation stopped, and the exception re-raised where ``emu_start`` returns (STYLE.md 6).
* ``AArch64ABI`` / ``X86_64ABI``: AAPCS64 and SysV integer argument registers and the
  return address, for those calls. ``ABIS`` chooses one by (architecture, platform); Mach-O
  code's own convention is the Darwin layer's concern (executors/darwin/libc_layer.py).

The C library itself is never Python's: an emulated program runs on the target's own C
runtime (executors/linux/process.py).
"""

from __future__ import annotations

import bisect
import contextlib
import ctypes
import functools
import importlib
import importlib.util
import mmap
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from pyjitlink.errors import ExecutionError
from pyjitlink.executors import fast_stores
from pyjitlink.executors.abi import Target
from pyjitlink.executors.abi.aarch64 import AARCH64
from pyjitlink.executors.abi.x86_64 import X86_64

MASK64 = (1 << 64) - 1
SIGILL, SIGSEGV = 4, 11

# Unicorn constants (unicorn.h), so this module imports nothing of unicorn until an engine is
# made: pyjitlink's start-up must not pay for it.
UC_PROT_NONE, UC_PROT_READ, UC_PROT_WRITE, UC_PROT_EXEC = 0, 1, 2, 4
UC_HOOK_INTR, UC_HOOK_CODE = 1, 4
UC_HOOK_MEM_INVALID = 0x3F0  # every unmapped and protection-violating access
UC_MEM_READ, UC_MEM_WRITE, UC_MEM_FETCH = 16, 17, 18
UC_MEM_READ_UNMAPPED, UC_MEM_WRITE_UNMAPPED, UC_MEM_FETCH_UNMAPPED = 19, 20, 21
UC_MEM_WRITE_PROT, UC_MEM_READ_PROT, UC_MEM_FETCH_PROT = 22, 23, 24
UC_ERR_OK, UC_ERR_INSN_INVALID, UC_ERR_EXCEPTION = 0, 10, 21
UC_ERR_READ_UNMAPPED, UC_ERR_WRITE_UNMAPPED, UC_ERR_FETCH_UNMAPPED = 6, 7, 8
UC_ERR_WRITE_PROT, UC_ERR_READ_PROT, UC_ERR_FETCH_PROT = 12, 13, 14
UC_ERR_READ_UNALIGNED, UC_ERR_WRITE_UNALIGNED, UC_ERR_FETCH_UNALIGNED = 15, 16, 17
UC_CTL_TB_REMOVE_CACHE, UC_CTL_TLB_FLUSH, UC_CTL_IO_WRITE = 9, 11, 1

PAGE = 4096


# ---------------------------------------------------------------------------- errors


class GuestTermination(ExecutionError):
    """The emulated program ended as a real process would by a signal or a fatal error.

    ``exit_code`` is what the shell would see (128 + signal for a signal), ``flush`` says
    whether the program's buffered output is written first (a signal loses it, as in C).
    """

    exit_code = 1
    flush = False


class GuestFault(GuestTermination):
    """A signal: a fault of the emulated CPU, or one the program raised (abort)."""

    def __init__(self, signal: int, message: str, file: str | None = None) -> None:
        super().__init__(message, file)
        self.signal = signal
        self.exit_code = 128 + signal


class LimitExceeded(GuestTermination):
    """``-timeout`` or ``-max-instructions`` stopped the program (exit 124, as timeout(1))."""

    exit_code = 124


class ProgramExit(SystemExit):
    """The emulated program called ``exit`` (its handlers have run, its streams are flushed).

    A SystemExit, so that it ends the tool the way ``exit`` ends a native run.
    """

    def __init__(self, status: int) -> None:
        super().__init__(status & 0xFF)
        self.status = status & 0xFF


class EmulatorError(ExecutionError):
    """Unicorn refused a request (mapping, registers) or stopped with an error."""

    def __init__(self, errno: int, what: str) -> None:
        super().__init__(f"{what}: {_library().uc_strerror(errno).decode()} (unicorn error "
                         f"{errno})")
        self.errno = errno


# ---------------------------------------------------------------------------- the engine


# libunicorn's file name in the unicorn package's lib/ directory, per sys.platform (as the
# package's own loader names it).
_LIBRARY_NAMES = {"linux": "libunicorn.so.2", "darwin": "libunicorn.2.dylib"}


def _package_file(*parts: str) -> str | None:
    """A file of the installed ``unicorn`` package, found without importing the package
    (its ``__init__`` loads its own binding and every architecture's constants: ~10 ms of
    a small emulated run); None if there is none."""
    spec = importlib.util.find_spec("unicorn")
    for directory in (spec.submodule_search_locations or []) if spec else []:
        path = os.path.join(directory, *parts)
        if os.path.isfile(path):
            return path
    return None


def _library_path() -> str:
    """The libunicorn the ``unicorn`` package loads: the one in its own ``lib/`` directory
    when ``$LIBUNICORN_PATH`` (the package's first choice) is unset and it is there, else
    the package's answer."""
    name = _LIBRARY_NAMES.get(sys.platform)
    path = _package_file("lib", name) if name and not os.environ.get("LIBUNICORN_PATH") \
        else None
    if path is not None:
        return path
    import unicorn  # noqa: F401 - finds and loads libunicorn
    from unicorn.unicorn_py3 import unicorn as binding  # unicorn >= 2.1 (pyproject.toml)

    return str(binding.uclib._name)


@functools.cache
def unicorn_constants(module: str) -> Any:
    """unicorn's constants module ``module`` (``"arm64_const"``, ``"x86_const"``: register
    numbers): run from its file without importing the package (see ``_package_file``),
    or imported when the package is loaded already or the file is not found."""
    path = None if "unicorn" in sys.modules else _package_file(f"{module}.py")
    if path is None:
        return importlib.import_module(f"unicorn.{module}")
    spec = importlib.util.spec_from_file_location(f"_pyjitlink_unicorn_{module}", path)
    assert spec is not None and spec.loader is not None
    constants = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(constants)
    return constants


@functools.cache
def _library() -> Any:
    """libunicorn, the library the ``unicorn`` package loads, with our own prototypes."""
    lib = ctypes.CDLL(_library_path())
    c_int, u64, vp, size_t = ctypes.c_int, ctypes.c_uint64, ctypes.c_void_p, ctypes.c_size_t
    for name, res, args in (
            ("uc_open", c_int, [ctypes.c_uint, ctypes.c_uint, ctypes.POINTER(vp)]),
            ("uc_close", c_int, [vp]),
            ("uc_strerror", ctypes.c_char_p, [c_int]),
            ("uc_mem_map_ptr", c_int, [vp, u64, size_t, ctypes.c_uint32, vp]),
            ("uc_mem_unmap", c_int, [vp, u64, size_t]),
            ("uc_mem_protect", c_int, [vp, u64, size_t, ctypes.c_uint32]),
            ("uc_reg_read", c_int, [vp, c_int, vp]),
            ("uc_reg_write", c_int, [vp, c_int, vp]),
            ("uc_reg_read_batch", c_int, [vp, vp, vp, c_int]),
            ("uc_reg_write_batch", c_int, [vp, vp, vp, c_int]),
            ("uc_hook_add", c_int, [vp, vp, c_int, vp, vp, u64, u64]),
            ("uc_emu_start", c_int, [vp, u64, u64, u64, size_t]),
            ("uc_emu_stop", c_int, [vp]),
            ("uc_ctl", c_int, [vp, c_int])):  # variadic: the rest as given
        function = getattr(lib, name)
        function.restype = res
        function.argtypes = args
    return lib


_HOOK_CODE = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_uint64, ctypes.c_uint32,
                              ctypes.c_void_p)
_HOOK_INTR = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_uint32, ctypes.c_void_p)
_HOOK_MEM_INVALID = ctypes.CFUNCTYPE(ctypes.c_bool, ctypes.c_void_p, ctypes.c_int,
                                     ctypes.c_uint64, ctypes.c_int, ctypes.c_int64,
                                     ctypes.c_void_p)


class Engine:
    """One Unicorn instance: registers, mappings, hooks, starting and stopping."""

    def __init__(self, target: Target) -> None:
        self.lib = lib = _library()
        handle = ctypes.c_void_p()
        uc_arch, mode = target.unicorn
        self._check(lib.uc_open(uc_arch, mode, ctypes.byref(handle)), "uc_open")
        self.handle = handle.value
        self.arch = target.name
        # Guest stores to writable pages inline, not through Unicorn's helpers (see
        # executors/fast_stores.py: about half of the run time of store-heavy programs).
        fast_stores.enable(lib, self.arch)
        self._buffer = (ctypes.c_uint64 * 2)()  # one register (16 bytes for vectors)
        self._address = ctypes.addressof(self._buffer)
        self._callbacks: list[Any] = []  # ctypes callbacks, alive as long as the engine

    def _check(self, err: int, what: str) -> None:
        if err != UC_ERR_OK:
            raise EmulatorError(err, what)

    def close(self) -> None:
        if self.handle:
            self.lib.uc_close(self.handle)
            self.handle = None  # type: ignore[assignment]

    def __del__(self) -> None:
        # An engine nobody closed (its executor was dropped) still frees its Unicorn instance.
        with contextlib.suppress(Exception):
            self.close()

    # registers
    def read(self, reg: int) -> int:
        self.lib.uc_reg_read(self.handle, reg, self._address)
        return self._buffer[0]

    def read128(self, reg: int) -> int:
        self._buffer[1] = 0
        self.lib.uc_reg_read(self.handle, reg, self._address)
        return self._buffer[0] | (self._buffer[1] << 64)

    def write(self, reg: int, value: int) -> None:
        self._buffer[0] = value & MASK64
        self._buffer[1] = 0
        self.lib.uc_reg_write(self.handle, reg, self._address)

    def batch(self, regs: Sequence[int]) -> Callable[[int], list[int]]:
        """A reader of the first ``n`` of ``regs`` (64-bit each) in one engine call."""
        count = len(regs)
        ids = (ctypes.c_int * count)(*regs)
        values = (ctypes.c_uint64 * count)()
        base = ctypes.addressof(values)
        pointers = (ctypes.c_void_p * count)(*[base + 8 * i for i in range(count)])
        read_batch, handle = self.lib.uc_reg_read_batch, self.handle
        self._callbacks.append((ids, values, pointers))

        def read(n: int) -> list[int]:
            read_batch(handle, ids, pointers, n)
            return values[:n]
        return read

    def writer(self, regs: Sequence[int]) -> Callable[[list[int]], None]:
        """A writer of ``regs`` (64-bit general registers) in one engine call."""
        count = len(regs)
        ids = (ctypes.c_int * count)(*regs)
        values: Any = (ctypes.c_uint64 * count)()
        base = ctypes.addressof(values)
        pointers = (ctypes.c_void_p * count)(*[base + 8 * i for i in range(count)])
        write_batch, handle = self.lib.uc_reg_write_batch, self.handle
        self._callbacks.append((ids, values, pointers))

        def write(new: list[int]) -> None:
            values[:count] = new  # ctypes wraps negative values to 64 bits
            write_batch(handle, ids, pointers, count)
        return write

    # memory
    def map(self, address: int, size: int, prot: int, host: int) -> None:
        self._check(self.lib.uc_mem_map_ptr(self.handle, address, size, prot, host),
                    f"mapping {size:#x} bytes at {address:#x}")

    def unmap(self, address: int, size: int) -> None:
        if not self.handle:
            return  # closed: nothing is mapped any more (a session released after close)
        self._check(self.lib.uc_mem_unmap(self.handle, address, size),
                    f"unmapping {size:#x} bytes at {address:#x}")
        self.drop_translations(address, size)

    def drop_translations(self, address: int, size: int) -> None:
        """Forget code translated from [address, address + size): it must not outlive the
        bytes it came from (an unmapped or reused range)."""
        self.lib.uc_ctl(self.handle, UC_CTL_TB_REMOVE_CACHE | (2 << 26) | (UC_CTL_IO_WRITE << 30),
                        ctypes.c_uint64(address), ctypes.c_uint64(address + size))

    def protect(self, address: int, size: int, prot: int) -> None:
        self._check(self.lib.uc_mem_protect(self.handle, address, size, prot),
                    f"protecting {size:#x} bytes at {address:#x}")

    def writable_code(self) -> None:
        """Memory is about to be mapped writable and executable at once: guest stores must
        invalidate the code translated from it again (fast_stores.restore), including
        through the TLB entries made so far: flushed whether or not this call restored the
        instruction, since another engine of this process may have done so after this one
        filled entries without the flag."""
        fast_stores.restore(self.arch)
        self.lib.uc_ctl(self.handle, UC_CTL_TLB_FLUSH | (UC_CTL_IO_WRITE << 30))

    # hooks
    def hook_code(self, begin: int, end: int, callback: Callable[[int], None]) -> None:
        self._hook(UC_HOOK_CODE, _HOOK_CODE(lambda uc, address, size, data: callback(address)),
                   begin, end)

    def hook_interrupt(self, callback: Callable[[int], None]) -> None:
        self._hook(UC_HOOK_INTR, _HOOK_INTR(lambda uc, intno, data: callback(intno)), 1, 0)

    def hook_invalid_memory(self, callback: Callable[[int, int, int], None]) -> None:
        def invalid(uc: int, access: int, address: int, size: int, value: int,
                    data: int) -> bool:
            callback(access, address, size)
            return False
        self._hook(UC_HOOK_MEM_INVALID, _HOOK_MEM_INVALID(invalid), 1, 0)

    def _hook(self, kind: int, callback: Any, begin: int, end: int) -> None:
        self._callbacks.append(callback)
        hook = ctypes.c_size_t()
        self._check(self.lib.uc_hook_add(self.handle, ctypes.byref(hook), kind,
                                         ctypes.cast(callback, ctypes.c_void_p), None,
                                         begin, end), "uc_hook_add")

    # running
    def start(self, begin: int, until: int, timeout_us: int = 0, count: int = 0) -> int:
        """Run from ``begin`` until ``until``; the Unicorn error code (0: stopped cleanly)."""
        return self.lib.uc_emu_start(self.handle, begin, until, timeout_us, count)

    def stop(self) -> None:
        self.lib.uc_emu_stop(self.handle)


# ---------------------------------------------------------------------------- memory


class Memory:
    """The emulated address space [0, 2 GiB), backed by one host mapping reserved up front.

    Emulated address A is byte A of ``buffer``; the host pages are touched only when used.
    ``regions`` records what Unicorn maps, so a system call given a bad pointer fails
    (EFAULT) where the kernel's would.
    """

    SIZE = 1 << 31

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        flags = mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | getattr(mmap, "MAP_NORESERVE", 0x4000)
        self.buffer = mmap.mmap(-1, self.SIZE, flags=flags)
        self.host = ctypes.addressof(ctypes.c_char.from_buffer(self.buffer))
        self.view = memoryview(self.buffer)
        self._starts: list[int] = []
        self._regions: list[tuple[int, int, int]] = []  # (start, end, UC_PROT_*)
        self.fault: Callable[[int, int, bool], None] = self._default_fault

    def close(self) -> None:
        """Unmap the host memory behind the emulated address space; idempotent. If some
        view of it is still exported, its pages are dropped instead (the mapping goes when
        the last view does)."""
        self.view.release()
        if self.buffer.closed:
            return
        try:
            self.buffer.close()
        except BufferError:
            self.buffer.madvise(mmap.MADV_DONTNEED, 0, self.SIZE)

    # mapping
    def map(self, address: int, size: int, prot: int) -> None:
        """Map [address, address + size) into the emulator with ``prot`` (page-aligned)."""
        assert address % PAGE == 0 and size % PAGE == 0 and address + size <= self.SIZE
        if prot & UC_PROT_WRITE and prot & UC_PROT_EXEC:
            self.engine.writable_code()
        self.engine.map(address, size, prot, self.host + address)
        index = bisect.bisect(self._starts, address)
        self._starts.insert(index, address)
        self._regions.insert(index, (address, address + size, prot))

    def unmap(self, address: int, size: int) -> None:
        self.engine.unmap(address, size)
        index = self._starts.index(address)
        del self._starts[index], self._regions[index]
        if not self.buffer.closed:
            self.buffer.madvise(mmap.MADV_DONTNEED, address, size)

    def _carve(self, address: int, size: int, prot: int | None) -> None:
        """Cut [address, address + size) out of the recorded regions; with ``prot``, record
        it again with that protection (a part of a region reprotected or unmapped)."""
        end = address + size
        kept: list[tuple[int, int, int]] = []
        for start, stop, old in self._regions:
            if stop <= address or start >= end:
                kept.append((start, stop, old))
                continue
            if start < address:
                kept.append((start, address, old))
            if stop > end:
                kept.append((end, stop, old))
        if prot is not None:
            kept.append((address, end, prot))
        kept.sort()
        self._regions = kept
        self._starts = [start for start, _, _ in kept]

    def protect(self, address: int, size: int, prot: int) -> None:
        """Set ``prot`` on [address, address + size), which may be any part of mapped
        regions (page-aligned): what mprotect does. Code translated from a range that becomes
        executable is dropped: it may have been rewritten while it was not (guest stores do
        not invalidate translations, executors/fast_stores.py). So is code translated from a
        range that stops being executable, before it does (Unicorn finds the code to drop
        only while it is executable): a branch from other translated code would otherwise
        still run it, where the kernel faults (SIGSEGV)."""
        if prot & UC_PROT_WRITE and prot & UC_PROT_EXEC:
            self.engine.writable_code()
        if not prot & UC_PROT_EXEC:
            end = address + size
            for start, stop, old in self._regions:
                if old & UC_PROT_EXEC and start < end and stop > address:
                    low = max(start, address)
                    self.engine.drop_translations(low, min(stop, end) - low)
        self.engine.protect(address, size, prot)
        self._carve(address, size, prot)
        if prot & UC_PROT_EXEC:
            end = address + size
            for start, stop, _ in self._regions:
                if start < end and stop > address:
                    low = max(start, address)
                    self.engine.drop_translations(low, min(stop, end) - low)

    def unmap_range(self, address: int, size: int) -> None:
        """Unmap [address, address + size), any page-aligned part of mapped regions (what
        munmap does); the host pages behind it are dropped."""
        self.engine.unmap(address, size)
        self._carve(address, size, None)
        if not self.buffer.closed:
            self.buffer.madvise(mmap.MADV_DONTNEED, address, size)

    def regions(self) -> list[tuple[int, int, int]]:
        """A copy of the mapped ranges: (start, end, UC_PROT_* bits) each, sorted by start;
        emulated addresses, ``end`` exclusive, page-aligned."""
        return list(self._regions)

    def is_mapped(self, address: int) -> bool:
        index = bisect.bisect(self._starts, address) - 1
        return index >= 0 and address < self._regions[index][1]

    def check(self, address: int, size: int, write: bool = False) -> None:
        """Fault (SIGSEGV) unless [address, address + size) is mapped readable (writable)."""
        index = bisect.bisect(self._starts, address) - 1
        if index >= 0:
            start, end, prot = self._regions[index]
            need = UC_PROT_WRITE if write else UC_PROT_READ
            if address + size <= end and prot & need:
                return
            if address + size > end and prot & need and size > 0:
                # Spanning regions: check page by page (rare: large copies).
                next_start = end
                while index + 1 < len(self._regions) and self._regions[index + 1][0] == \
                        next_start and self._regions[index + 1][2] & need:
                    index += 1
                    next_start = self._regions[index][1]
                    if address + size <= next_start:
                        return
        if size == 0:
            return
        self.fault(address, size, write)

    @staticmethod
    def _default_fault(address: int, size: int, write: bool) -> None:
        raise GuestFault(SIGSEGV, f"Segmentation fault: invalid {'write' if write else 'read'}"
                                  f" of {size} bytes at {address:#x}")

    # access
    def read(self, address: int, size: int) -> bytes:
        self.check(address, size)
        return self.buffer[address:address + size]

    def write(self, address: int, data: bytes | bytearray | memoryview) -> None:
        self.check(address, len(data), True)
        self.buffer[address:address + len(data)] = data

    def zero(self, address: int, size: int) -> None:
        """Zero [address, address + size) (page-aligned) as a fresh anonymous mapping is:
        the host pages are dropped (MADV_DONTNEED), not written, so pages never touched cost
        nothing (a guest mmap or brk of many megabytes used to write them all)."""
        assert address % PAGE == 0 and size % PAGE == 0
        self.buffer.madvise(mmap.MADV_DONTNEED, address, size)

    def fill(self, address: int, value: int, size: int) -> None:
        self.check(address, size, True)
        self.buffer[address:address + size] = bytes([value]) * size if value else bytes(size)

    def u32(self, address: int) -> int:
        self.check(address, 4)
        return int.from_bytes(self.buffer[address:address + 4], "little")

    def u64(self, address: int) -> int:
        self.check(address, 8)
        return int.from_bytes(self.buffer[address:address + 8], "little")

    def put_u32(self, address: int, value: int) -> None:
        self.write(address, (value & 0xFFFFFFFF).to_bytes(4, "little"))

    def put_u64(self, address: int, value: int) -> None:
        self.write(address, (value & MASK64).to_bytes(8, "little"))

    def strlen(self, address: int, limit: int | None = None) -> int:
        """Length of the C string at ``address`` (at most ``limit``), faulting past the end
        of its mapping as C would."""
        index = bisect.bisect(self._starts, address) - 1
        end = self._regions[index][1] if index >= 0 else 0
        if index < 0 or address >= end or not self._regions[index][2] & UC_PROT_READ:
            self.fault(address, 1, False)
        # A string may run on into the next region; follow adjacent readable regions.
        while True:
            stop = end if limit is None else min(end, address + limit)
            found = self.buffer.find(b"\0", address, stop)
            if found >= 0:
                return found - address
            if limit is not None and stop == address + limit:
                return limit
            index += 1
            if index >= len(self._regions) or self._regions[index][0] != end or \
                    not self._regions[index][2] & UC_PROT_READ:
                self.fault(end, 1, False)
            end = self._regions[index][1]

    def cstring(self, address: int, limit: int | None = None) -> bytes:
        """The bytes of the C string at ``address`` (no NUL), at most ``limit`` of them."""
        length = self.strlen(address, limit)
        return self.buffer[address:address + length]


# ---------------------------------------------------------------------------- ABIs


class ABI:
    """What a call from Python into emulated code needs of the calling convention; one
    subclass per target.

    ``name`` is the architecture, ``target`` its descriptor (executors/abi: instruction
    bytes and CPU behaviour); ``convention`` the calling convention's own name.
    """

    name = ""
    target: Target
    convention = ""
    regs: Any  # the unicorn constants module of the architecture
    int_regs: list[int]
    sp_reg: int
    pc_reg: int
    return_reg: int

    def __init__(self, engine: Engine, memory: Memory) -> None:
        self.engine = engine
        self.memory = memory
        self.read_pc_and_result = engine.batch([self.pc_reg, self.return_reg])
        self._enter_writers: dict[int, Callable[[list[int]], None]] = {}

    def _enter_writer(self, count: int, extra: Sequence[int]) -> Callable[[list[int]], None]:
        writer = self._enter_writers.get(count)
        if writer is None:
            writer = self._enter_writers[count] = self.engine.writer(
                list(self.int_regs[:count]) + list(extra))
        return writer

    def return_address(self) -> int:
        raise NotImplementedError

    def enter(self, address: int, args: Sequence[int], sp: int, sentinel: int) -> None:
        """Set up a call of ``address`` with integer ``args``, returning to ``sentinel``."""
        raise NotImplementedError

    @property
    def pc(self) -> int:
        return self.engine.read(self.pc_reg)

    @property
    def sp(self) -> int:
        return self.engine.read(self.sp_reg)


class AArch64ABI(ABI):
    """AAPCS64: x0-x7, return to x30."""

    name = "aarch64"
    target = AARCH64
    convention = "aapcs64"

    def __init__(self, engine: Engine, memory: Memory) -> None:
        r = unicorn_constants("arm64_const")
        self.regs = r
        self.int_regs = [getattr(r, f"UC_ARM64_REG_X{i}") for i in range(8)]
        self.sp_reg, self.pc_reg = r.UC_ARM64_REG_SP, r.UC_ARM64_REG_PC
        self.return_reg = r.UC_ARM64_REG_X0
        self.lr = r.UC_ARM64_REG_X30
        super().__init__(engine, memory)

    def return_address(self) -> int:
        return self.engine.read(self.lr)

    def enter(self, address: int, args: Sequence[int], sp: int, sentinel: int) -> None:
        # The program counter is emu_start's to set.
        self._enter_writer(len(args), [self.sp_reg, self.lr])([*args, sp & -16, sentinel])


class X86_64ABI(ABI):
    """SysV x86-64: rdi, rsi, rdx, rcx, r8, r9; the return address on the stack."""

    name = "x86_64"
    target = X86_64
    convention = "sysv"

    def __init__(self, engine: Engine, memory: Memory) -> None:
        r = unicorn_constants("x86_const")
        self.regs = r
        self.int_regs = [r.UC_X86_REG_RDI, r.UC_X86_REG_RSI, r.UC_X86_REG_RDX,
                         r.UC_X86_REG_RCX, r.UC_X86_REG_R8, r.UC_X86_REG_R9]
        self.sp_reg, self.pc_reg = r.UC_X86_REG_RSP, r.UC_X86_REG_RIP
        self.return_reg = r.UC_X86_REG_RAX
        super().__init__(engine, memory)

    def return_address(self) -> int:
        return self.memory.u64(self.sp)

    def enter(self, address: int, args: Sequence[int], sp: int, sentinel: int) -> None:
        sp = (sp & -16) - 8  # as after ``call``: the return address below a 16-byte boundary
        self.memory.put_u64(sp, sentinel)
        # rax: the vector register count of a variadic call (none).
        self._enter_writer(len(args), [self.sp_reg, self.return_reg])([*args, sp, 0])


# The calling convention of calls into an emulated process by (architecture, platform of
# its objects): ELF objects are "linux", Mach-O ones "darwin". Those calls pass integers
# only, where Apple's arm64 variant is AAPCS64; x86-64 macOS uses the System V ABI
# unchanged (Apple, "Writing 64-bit Intel code for Apple Platforms").
ABIS: dict[tuple[str, str], type[ABI]] = {
    ("aarch64", "linux"): AArch64ABI,
    ("aarch64", "darwin"): AArch64ABI,
    ("x86_64", "linux"): X86_64ABI,
    ("x86_64", "darwin"): X86_64ABI,
}


# ---------------------------------------------------------------------------- calls


class HostBridge:
    """Calls from Python into emulated code: each runs from its entry to a *sentinel*
    address (its return address, at ``base``, in a page of ``size`` bytes mapped R-X) where
    emulation stops. ``pending`` holds an exception a hook raised (re-raised once
    ``emu_start`` returns); ``depth`` counts the emulations running."""

    def __init__(self, engine: Engine, memory: Memory, abi: ABI, base: int, size: int) -> None:
        self.engine = engine
        self.memory = memory
        self.abi = abi
        self.sentinel = base
        memory.buffer[base:base + size] = abi.target.trap_slot * (size // 4)
        memory.map(base, size, UC_PROT_READ | UC_PROT_EXEC)
        self.pending: BaseException | None = None
        self.depth = 0  # nested emulations running
        self.default_sp = 0
        self.max_instructions = 0
        self.check_stop: Callable[[], None] = lambda: None
        self.on_stopped: Callable[[int], BaseException] = self._stopped

    def call(self, address: int, args: Sequence[int] = (), sp: int | None = None) -> int:
        """Run the emulated function at ``address`` with integer ``args`` to its return
        (at ``sp``, default ``default_sp``); its integer result."""
        abi = self.abi
        abi.enter(address, args, self.default_sp if sp is None else sp, self.sentinel)
        self.depth += 1
        self.pending = None
        try:
            self.check_stop()
            # (No Unicorn timeout: it starts a thread per emu_start; the executor's watchdog
            # stops the engine instead.)
            err = self.engine.start(address, self.sentinel, 0, self.max_instructions)
            pending, self.pending = self.pending, None
            if pending is not None:
                raise pending
            if err != UC_ERR_OK:
                raise self.on_stopped(err)
            pc, result = abi.read_pc_and_result(2)
            if pc != self.sentinel:
                raise self.on_stopped(UC_ERR_OK)
        finally:
            self.depth -= 1
        return result

    @staticmethod
    def _stopped(err: int) -> BaseException:
        return ExecutionError(f"emulation stopped unexpectedly (unicorn error {err})")
