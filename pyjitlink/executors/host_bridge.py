"""Emulated code calling Python: Unicorn held close, emulated memory, trap addresses, the ABIs.

* ``Engine``: a small ctypes binding of the Unicorn calls this executor needs (the Python
  binding's per-call wrappers cost several microseconds; a host call reads 8 registers).
* ``Memory``: the emulated address space below 2 GiB, backed by one host mapping, so host
  functions read and write emulated memory as Python buffers; it knows which ranges are
  mapped (and how), so a bad pointer handed to ``strlen`` is a segmentation fault, as in C.
* ``HostBridge``: each host function gets a *trap address*: a ``ret`` in a page only a
  ``UC_HOOK_CODE`` watches. Code elsewhere runs with no per-instruction hook. The hook reads
  the arguments by the target ABI, runs Python, writes the result, and the ``ret`` returns to
  the caller. Python calls emulated code (qsort comparators, atexit handlers) with a nested
  ``emu_start`` that ends at a sentinel address. An exception raised in a hook is stored, the
  emulation stopped, and the exception re-raised where ``emu_start`` returns (STYLE.md 6).
* ``AArch64ABI`` / ``X86_64ABI``: AAPCS64 and SysV argument registers, stack arguments,
  ``...`` (Linux AAPCS64 passes variadic arguments like named ones) and ``va_list`` layouts;
  ``DarwinAArch64ABI``: Apple's arm64 variant for Mach-O code (every variadic argument on
  the stack, ``va_list`` a ``char *``, ``long double`` a double). ``ABIS`` chooses one by
  (architecture, platform).
"""

from __future__ import annotations

import bisect
import contextlib
import ctypes
import functools
import math
import mmap
import struct
import threading
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

from pyjitlink.errors import ExecutionError
from pyjitlink.executors.abi import Target
from pyjitlink.executors.abi.aarch64 import AARCH64
from pyjitlink.executors.abi.x86_64 import X86_64

MASK64 = (1 << 64) - 1
SIGILL, SIGTRAP, SIGABRT, SIGFPE, SIGSEGV, SIGTERM = 4, 5, 6, 8, 11, 15
SIGNAL_NAMES = {SIGILL: "Illegal instruction", SIGTRAP: "Trace/breakpoint trap",
                SIGABRT: "Aborted", SIGFPE: "Floating point exception",
                SIGSEGV: "Segmentation fault", SIGTERM: "Terminated"}

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
UC_CTL_TB_REMOVE_CACHE, UC_CTL_IO_WRITE = 9, 1

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
    """A signal: a fault of the emulated CPU, or one a host function raised (abort)."""

    def __init__(self, signal: int, message: str, file: str | None = None) -> None:
        super().__init__(message, file)
        self.signal = signal
        self.exit_code = 128 + signal


class UnsupportedFunction(GuestTermination):
    """The program called a C library function hostlib does not provide."""

    flush = True

    def __init__(self, name: str, file: str | None = None) -> None:
        super().__init__(f"call to unsupported C library function '{name}'", file)
        self.name = name


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


@functools.cache
def _library() -> Any:
    """libunicorn, as loaded by the ``unicorn`` package, with our own prototypes."""
    import unicorn  # noqa: F401 - finds and loads libunicorn

    try:
        from unicorn.unicorn_py3 import unicorn as binding  # unicorn >= 2.1

        path = binding.uclib._name
    except ImportError:  # unicorn 2.0
        from unicorn import unicorn as binding  # type: ignore[no-redef]

        path = binding._uc._name  # type: ignore[attr-defined]
    lib = ctypes.CDLL(path)
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
        # Code once translated at these addresses must not outlive them.
        self.lib.uc_ctl(self.handle, UC_CTL_TB_REMOVE_CACHE | (2 << 26) | (UC_CTL_IO_WRITE << 30),
                        ctypes.c_uint64(address), ctypes.c_uint64(address + size))

    def protect(self, address: int, size: int, prot: int) -> None:
        self._check(self.lib.uc_mem_protect(self.handle, address, size, prot),
                    f"protecting {size:#x} bytes at {address:#x}")

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
    ``regions`` records what Unicorn maps, so host functions fault where C would.
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
        regions (page-aligned): what mprotect does."""
        self.engine.protect(address, size, prot)
        self._carve(address, size, prot)

    def unmap_range(self, address: int, size: int) -> None:
        """Unmap [address, address + size), any page-aligned part of mapped regions (what
        munmap does); the host pages behind it are dropped."""
        self.engine.unmap(address, size)
        self._carve(address, size, None)
        if not self.buffer.closed:
            self.buffer.madvise(mmap.MADV_DONTNEED, address, size)

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

    def fill(self, address: int, value: int, size: int) -> None:
        self.check(address, size, True)
        self.buffer[address:address + size] = bytes([value]) * size if value else bytes(size)

    def move(self, dst: int, src: int, size: int) -> None:
        self.check(src, size)
        self.check(dst, size, True)
        self.buffer.move(dst, src, size)

    def u8(self, address: int) -> int:
        self.check(address, 1)
        return self.buffer[address]

    def u32(self, address: int) -> int:
        self.check(address, 4)
        return int.from_bytes(self.buffer[address:address + 4], "little")

    def i32(self, address: int) -> int:
        self.check(address, 4)
        return int.from_bytes(self.buffer[address:address + 4], "little", signed=True)

    def u64(self, address: int) -> int:
        self.check(address, 8)
        return int.from_bytes(self.buffer[address:address + 8], "little")

    def put_u32(self, address: int, value: int) -> None:
        self.write(address, (value & 0xFFFFFFFF).to_bytes(4, "little"))

    def put_u64(self, address: int, value: int) -> None:
        self.write(address, (value & MASK64).to_bytes(8, "little"))

    def put_int(self, address: int, value: int, size: int) -> None:
        self.write(address, (value & ((1 << (8 * size)) - 1)).to_bytes(size, "little"))

    def f64(self, address: int) -> float:
        return struct.unpack("<d", self.read(address, 8))[0]

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


# ---------------------------------------------------------------------------- floats


def f64_bits(value: float) -> int:
    return struct.unpack("<Q", struct.pack("<d", value))[0]


def bits_f64(bits: int) -> float:
    return struct.unpack("<d", struct.pack("<Q", bits & MASK64))[0]


def bits_f32(bits: int) -> float:
    return struct.unpack("<f", struct.pack("<I", bits & 0xFFFFFFFF))[0]


def f32_bits(value: float) -> int:
    try:
        return struct.unpack("<I", struct.pack("<f", value))[0]
    except OverflowError:
        return struct.unpack("<I", struct.pack("<f", math.copysign(math.inf, value)))[0]


def binary128_to_float(bits: int) -> float:
    """IEEE binary128 (AArch64 ``long double``) to the nearest double."""
    sign = -1.0 if bits >> 127 else 1.0
    exponent = (bits >> 112) & 0x7FFF
    mantissa = bits & ((1 << 112) - 1)
    if exponent == 0x7FFF:
        return sign * math.inf if mantissa == 0 else math.copysign(math.nan, sign)
    if exponent == 0:
        value = Fraction(mantissa, 1 << 112) * Fraction(2) ** (1 - 16383)
    else:
        value = Fraction((1 << 112) | mantissa, 1 << 112) * Fraction(2) ** (exponent - 16383)
    try:
        return sign * float(value)
    except OverflowError:
        return sign * math.inf


def float_to_binary128(value: float) -> int:
    """A double as IEEE binary128 (exact)."""
    bits = f64_bits(value)
    sign = bits >> 63
    exponent = (bits >> 52) & 0x7FF
    mantissa = bits & ((1 << 52) - 1)
    if exponent == 0x7FF:
        return (sign << 127) | (0x7FFF << 112) | (mantissa << 60)
    if exponent == 0:
        if mantissa == 0:
            return sign << 127
        shift = 53 - mantissa.bit_length()  # normalise the subnormal
        mantissa = (mantissa << shift) & ((1 << 52) - 1)
        exponent = 1 - shift
    return (sign << 127) | ((exponent - 1023 + 16383) << 112) | (mantissa << 60)


def x87_to_float(bits: int) -> float:
    """x87 80-bit extended (x86-64 ``long double``) to the nearest double."""
    sign = -1.0 if (bits >> 79) & 1 else 1.0
    exponent = (bits >> 64) & 0x7FFF
    mantissa = bits & MASK64
    if exponent == 0x7FFF:
        return sign * math.inf if mantissa << 1 & MASK64 == 0 else math.copysign(math.nan, sign)
    value = Fraction(mantissa) * Fraction(2) ** ((exponent or 1) - 16383 - 63)
    try:
        return sign * float(value)
    except OverflowError:
        return sign * math.inf


def float_to_x87(value: float) -> int:
    """A double as x87 80-bit extended (exact)."""
    bits = f64_bits(value)
    sign = bits >> 63
    exponent = (bits >> 52) & 0x7FF
    mantissa = bits & ((1 << 52) - 1)
    if exponent == 0x7FF:
        return (sign << 79) | (0x7FFF << 64) | (1 << 63) | (mantissa << 11)
    if exponent == 0:
        if mantissa == 0:
            return sign << 79
        shift = 53 - mantissa.bit_length()
        return (sign << 79) | ((1 - shift - 1023 + 16383) << 64) | (mantissa << (11 + shift))
    return (sign << 79) | ((exponent - 1023 + 16383) << 64) | (1 << 63) | (mantissa << 11)


# ---------------------------------------------------------------------------- ABIs


class ArgCursor:
    """Reads the variadic arguments of one call (or a ``va_list``) in order."""

    def int(self) -> int:  # noqa: A003 - the C name
        raise NotImplementedError

    def double(self) -> float:
        raise NotImplementedError

    def long_double(self) -> float:
        raise NotImplementedError


class RegisterArgs(ArgCursor):
    """Arguments after the named ones: the remaining argument registers, then the stack.

    Both Linux AAPCS64 and SysV x86-64 pass variadic arguments exactly like named ones:
    integers in the next general register, doubles in the next vector register, the rest
    in 8-byte stack slots (16-byte aligned for ``long double`` on the stack).
    """

    def __init__(self, abi: ABI, int_used: int, fp_used: int, stack: int) -> None:
        self.abi = abi
        self.gp = int_used
        self.fp = fp_used
        self.stack = stack
        self._ints: list[int] | None = None

    def _stack(self, size: int, align: int = 8) -> int:
        self.stack = (self.stack + align - 1) & -align
        address = self.stack
        self.stack += size
        return address

    def int(self) -> int:  # noqa: A003
        abi = self.abi
        if self.gp < len(abi.int_regs):
            if self._ints is None:
                self._ints = abi.read_ints(len(abi.int_regs))
            value = self._ints[self.gp]
            self.gp += 1
            return value
        return abi.memory.u64(self._stack(8))

    def double(self) -> float:
        if self.fp < len(self.abi.fp_regs):
            value = bits_f64(self.abi.engine.read(self.abi.fp_regs[self.fp]))
            self.fp += 1
            return value
        return self.abi.memory.f64(self._stack(8))

    def long_double(self) -> float:
        return self.abi.varargs_long_double(self)


class ABI:
    """What a host function needs of the calling convention; one subclass per target.

    ``name`` is the architecture, ``target`` its descriptor (executors/abi: instruction
    bytes and CPU behaviour such as the default NaN); ``convention`` the calling
    convention's own name.
    """

    name = ""
    target: Target
    convention = ""
    regs: Any  # the unicorn constants module of the architecture
    int_regs: list[int]
    fp_regs: list[int]
    vec_regs: list[int]  # 128-bit views of fp_regs
    sp_reg: int
    pc_reg: int
    return_reg: int
    jmp_buf_size = 0

    preserved: list[int]  # what a nested call must give back: the interrupted sp (and lr)

    def __init__(self, engine: Engine, memory: Memory) -> None:
        self.engine = engine
        self.memory = memory
        self.read_ints = engine.batch(self.int_regs)
        self.read_preserved = engine.batch(self.preserved)
        self.write_preserved = engine.writer(self.preserved)
        self.read_pc_and_result = engine.batch([self.pc_reg, self.return_reg])
        self._enter_writers: dict[int, Callable[[list[int]], None]] = {}

    def _enter_writer(self, count: int, extra: Sequence[int]) -> Callable[[list[int]], None]:
        writer = self._enter_writers.get(count)
        if writer is None:
            writer = self._enter_writers[count] = self.engine.writer(
                list(self.int_regs[:count]) + list(extra))
        return writer

    def ints(self, count: int) -> list[int]:
        return self.read_ints(count) if count else []

    def fp_bits(self, count: int) -> list[int]:
        """The low 64 bits of the first ``count`` vector argument registers."""
        read = self.engine.read
        return [read(reg) for reg in self.fp_regs[:count]]

    def set_int(self, value: int) -> None:
        self.engine.write(self.return_reg, value)

    def set_double(self, value: float) -> None:
        self.engine.write(self.fp_regs[0], f64_bits(value))

    def set_float(self, value: float) -> None:
        self.engine.write(self.fp_regs[0], f32_bits(value))

    def varargs(self, int_used: int, fp_used: int) -> ArgCursor:
        return RegisterArgs(self, int_used, fp_used, self.stack_args())

    def stack_args(self) -> int:
        raise NotImplementedError

    def return_address(self) -> int:
        raise NotImplementedError

    def va_list(self, address: int) -> ArgCursor:
        raise NotImplementedError

    def varargs_long_double(self, cursor: RegisterArgs) -> float:
        raise NotImplementedError

    def long_double_bytes(self, value: float) -> bytes:
        """``value`` as the target's ``long double`` object (what ``scanf("%Lf")`` stores)."""
        raise NotImplementedError

    def enter(self, address: int, args: Sequence[int], sp: int, sentinel: int) -> None:
        """Set up a call of ``address`` with integer ``args``, returning to ``sentinel``."""
        raise NotImplementedError

    def setjmp(self, env: int) -> None:
        raise NotImplementedError

    def longjmp(self, env: int, value: int) -> None:
        raise NotImplementedError

    @property
    def pc(self) -> int:
        return self.engine.read(self.pc_reg)

    @property
    def sp(self) -> int:
        return self.engine.read(self.sp_reg)


class _AArch64VaList(ArgCursor):
    """AAPCS64 ``va_list``: {void *stack; void *gr_top; void *vr_top; int gr_offs, vr_offs}."""

    def __init__(self, memory: Memory, address: int) -> None:
        self.memory = memory
        data = memory.read(address, 32)
        self.stack, self.gr_top, self.vr_top, self.gr_offs, self.vr_offs = struct.unpack(
            "<QQQii", data)

    def _stack(self, size: int, align: int = 8) -> int:
        self.stack = (self.stack + align - 1) & -align
        address = self.stack
        self.stack += size
        return address

    def int(self) -> int:  # noqa: A003
        if self.gr_offs < 0:
            address = self.gr_top + self.gr_offs
            self.gr_offs += 8
            if self.gr_offs <= 0:
                return self.memory.u64(address)
        return self.memory.u64(self._stack(8))

    def double(self) -> float:
        if self.vr_offs < 0:
            address = self.vr_top + self.vr_offs
            self.vr_offs += 16
            if self.vr_offs <= 0:
                return self.memory.f64(address)
        return self.memory.f64(self._stack(8))

    def long_double(self) -> float:
        if self.vr_offs < 0:
            address = self.vr_top + self.vr_offs
            self.vr_offs += 16
            if self.vr_offs <= 0:
                return binary128_to_float(int.from_bytes(self.memory.read(address, 16),
                                                         "little"))
        address = self._stack(16, 16)
        return binary128_to_float(int.from_bytes(self.memory.read(address, 16), "little"))


class AArch64ABI(ABI):
    """AAPCS64 as Linux uses it: x0-x7, v0-v7, the stack from sp; return to x30."""

    name = "aarch64"
    target = AARCH64
    convention = "aapcs64"
    jmp_buf_size = 21 * 8  # x19-x30, sp, d8-d15

    def __init__(self, engine: Engine, memory: Memory) -> None:
        from unicorn import arm64_const as r

        self.regs = r
        self.int_regs = [getattr(r, f"UC_ARM64_REG_X{i}") for i in range(8)]
        self.fp_regs = [getattr(r, f"UC_ARM64_REG_D{i}") for i in range(8)]
        self.vec_regs = [getattr(r, f"UC_ARM64_REG_Q{i}") for i in range(8)]
        self.sp_reg, self.pc_reg = r.UC_ARM64_REG_SP, r.UC_ARM64_REG_PC
        self.return_reg = r.UC_ARM64_REG_X0
        self.lr = r.UC_ARM64_REG_X30
        self.preserved = [self.sp_reg, self.lr]
        self.callee_saved = [getattr(r, f"UC_ARM64_REG_X{i}") for i in range(19, 31)] + [
            r.UC_ARM64_REG_SP] + [getattr(r, f"UC_ARM64_REG_D{i}") for i in range(8, 16)]
        super().__init__(engine, memory)

    def stack_args(self) -> int:
        return self.sp

    def return_address(self) -> int:
        return self.engine.read(self.lr)

    def va_list(self, address: int) -> ArgCursor:
        return _AArch64VaList(self.memory, address)

    def varargs_long_double(self, cursor: RegisterArgs) -> float:
        if cursor.fp < len(self.vec_regs):
            value = self.engine.read128(self.vec_regs[cursor.fp])
            cursor.fp += 1
        else:
            value = int.from_bytes(self.memory.read(cursor._stack(16, 16), 16), "little")
        return binary128_to_float(value)

    def long_double_bytes(self, value: float) -> bytes:
        return float_to_binary128(value).to_bytes(16, "little")

    def enter(self, address: int, args: Sequence[int], sp: int, sentinel: int) -> None:
        # The program counter is emu_start's to set.
        # (x29 is callee-saved: a nested call leaves it to the callee.)
        self._enter_writer(len(args), [self.sp_reg, self.lr])([*args, sp & -16, sentinel])

    def setjmp(self, env: int) -> None:
        read = self.engine.read
        self.memory.write(env, struct.pack("<21Q", *[read(reg) for reg in self.callee_saved]))

    def longjmp(self, env: int, value: int) -> None:
        # The trap's ``ret`` then returns to the restored x30: where setjmp returned.
        saved = struct.unpack("<21Q", self.memory.read(env, 21 * 8))
        for reg, saved_value in zip(self.callee_saved, saved):
            self.engine.write(reg, saved_value)
        self.set_int(value or 1)


class _SysVVaList(ArgCursor):
    """SysV x86-64 ``va_list``: {unsigned gp_offset, fp_offset; void *overflow_arg_area,
    *reg_save_area}."""

    def __init__(self, memory: Memory, address: int) -> None:
        self.memory = memory
        self.gp_offset, self.fp_offset, self.overflow, self.save = struct.unpack(
            "<IIQQ", memory.read(address, 24))

    def _overflow(self, size: int, align: int = 8) -> int:
        self.overflow = (self.overflow + align - 1) & -align
        address = self.overflow
        self.overflow += size
        return address

    def int(self) -> int:  # noqa: A003
        if self.gp_offset < 48:
            address = self.save + self.gp_offset
            self.gp_offset += 8
            return self.memory.u64(address)
        return self.memory.u64(self._overflow(8))

    def double(self) -> float:
        if self.fp_offset < 176:
            address = self.save + self.fp_offset
            self.fp_offset += 16
            return self.memory.f64(address)
        return self.memory.f64(self._overflow(8))

    def long_double(self) -> float:
        address = self._overflow(16, 16)
        return x87_to_float(int.from_bytes(self.memory.read(address, 10), "little"))


class X86_64ABI(ABI):
    """SysV x86-64: rdi, rsi, rdx, rcx, r8, r9, xmm0-7, the stack above the return address."""

    name = "x86_64"
    target = X86_64
    convention = "sysv"
    jmp_buf_size = 8 * 8  # rbx, rbp, r12-r15, rsp, return address

    def __init__(self, engine: Engine, memory: Memory) -> None:
        from unicorn import x86_const as r

        self.regs = r
        self.int_regs = [r.UC_X86_REG_RDI, r.UC_X86_REG_RSI, r.UC_X86_REG_RDX,
                         r.UC_X86_REG_RCX, r.UC_X86_REG_R8, r.UC_X86_REG_R9]
        self.fp_regs = [getattr(r, f"UC_X86_REG_XMM{i}") for i in range(8)]
        self.vec_regs = self.fp_regs
        self.sp_reg, self.pc_reg = r.UC_X86_REG_RSP, r.UC_X86_REG_RIP
        self.return_reg = r.UC_X86_REG_RAX
        self.preserved = [self.sp_reg]
        self.callee_saved = [r.UC_X86_REG_RBX, r.UC_X86_REG_RBP, r.UC_X86_REG_R12,
                             r.UC_X86_REG_R13, r.UC_X86_REG_R14, r.UC_X86_REG_R15]
        super().__init__(engine, memory)

    def fp_bits(self, count: int) -> list[int]:
        read = self.engine.read128
        return [read(reg) & MASK64 for reg in self.fp_regs[:count]]

    def stack_args(self) -> int:
        return self.sp + 8

    def return_address(self) -> int:
        return self.memory.u64(self.sp)

    def va_list(self, address: int) -> ArgCursor:
        return _SysVVaList(self.memory, address)

    def varargs_long_double(self, cursor: RegisterArgs) -> float:
        # x87 long double is class MEMORY: always on the stack, 16-byte aligned.
        address = cursor._stack(16, 16)
        return x87_to_float(int.from_bytes(self.memory.read(address, 10), "little"))

    def long_double_bytes(self, value: float) -> bytes:
        return float_to_x87(value).to_bytes(16, "little")  # 10 bytes, padded to 16

    def enter(self, address: int, args: Sequence[int], sp: int, sentinel: int) -> None:
        sp = (sp & -16) - 8  # as after ``call``: the return address below a 16-byte boundary
        self.memory.put_u64(sp, sentinel)
        # rax: the vector register count of a variadic call (none).
        self._enter_writer(len(args), [self.sp_reg, self.return_reg])([*args, sp, 0])

    def setjmp(self, env: int) -> None:
        read = self.engine.read
        sp = self.sp
        values = [read(reg) for reg in self.callee_saved] + [sp + 8, self.memory.u64(sp)]
        self.memory.write(env, struct.pack("<8Q", *values))

    def longjmp(self, env: int, value: int) -> None:
        saved = struct.unpack("<8Q", self.memory.read(env, 64))
        for reg, saved_value in zip(self.callee_saved, saved):
            self.engine.write(reg, saved_value)
        # The trap's ``ret`` pops the saved return address from just below the saved rsp.
        sp = saved[6] - 8
        self.memory.put_u64(sp, saved[7])
        self.engine.write(self.sp_reg, sp)
        self.set_int(value or 1)


class _DarwinStackArgs(ArgCursor):
    """Apple arm64 variadic arguments, and its ``va_list``: one 8-byte stack slot each.

    Apple's "Writing ARM64 code for Apple platforms" (section "Update code that passes
    arguments to variadic functions"): the caller puts every variadic argument on the stack,
    each in its own 8-byte-aligned slot (C's promotions make integers at least ``int`` and
    floats ``double``; the slot's unused bytes are undefined, so an ``int`` is only the low
    32 bits of ``int()``, as printf's conversions take it), and ``va_list`` is a plain
    ``char *`` to the next slot (clang's ``AArch64ABIInfo::EmitDarwinVAArg``: load from the
    pointer, advance it by the 8-byte slot). ``long double`` is ``double`` there.
    """

    def __init__(self, memory: Memory, address: int) -> None:
        self.memory = memory
        self.next = address

    def _slot(self) -> int:
        address = self.next
        self.next += 8
        return address

    def int(self) -> int:  # noqa: A003
        return self.memory.u64(self._slot())

    def double(self) -> float:
        return self.memory.f64(self._slot())

    def long_double(self) -> float:
        return self.memory.f64(self._slot())


class DarwinAArch64ABI(AArch64ABI):
    """Apple's arm64 calling convention (DarwinPCS), for code built from Mach-O objects.

    It is AAPCS64 with the differences Apple's "Writing ARM64 code for Apple platforms"
    lists; those a C library call can see:

    * named arguments use x0-x7 and v0-v7 (then the stack) as in AAPCS64, but every
      *variadic* argument is on the stack, from sp at the call (``printf(fmt, a, b, 2.5)``:
      fmt in x0, a, b and 2.5 at [sp], [sp+8], [sp+16]). Regular arguments that do not fit
      the registers would come first on the stack; no C library function of hostlib names
      that many, so the variadic ones start at sp;
    * ``va_list`` is a ``char *`` (so ``vprintf`` and friends receive the pointer itself,
      not the address of AAPCS64's five-field structure);
    * ``long double`` is the same type as ``double`` (8 bytes, in d registers).

    Calls from Python into emulated code (qsort and bsearch comparators, atexit handlers)
    pass named integer arguments only, so ``enter`` is AAPCS64's; the return registers,
    the callee-saved registers (hence setjmp's buffer, 168 bytes of Darwin's 192-byte
    ``jmp_buf``) and the link register are the same too.
    """

    convention = "darwin-arm64"

    def varargs(self, int_used: int, fp_used: int) -> ArgCursor:
        return _DarwinStackArgs(self.memory, self.stack_args())

    def va_list(self, address: int) -> ArgCursor:
        return _DarwinStackArgs(self.memory, address)

    def long_double_bytes(self, value: float) -> bytes:
        return struct.pack("<d", value)


# The calling convention of an emulated process by (architecture, platform of its objects):
# ELF objects are "linux", Mach-O ones "darwin". x86-64 macOS uses the System V ABI
# unchanged (Apple, "Writing 64-bit Intel code for Apple Platforms").
ABIS: dict[tuple[str, str], type[ABI]] = {
    ("aarch64", "linux"): AArch64ABI,
    ("aarch64", "darwin"): DarwinAArch64ABI,
    ("x86_64", "linux"): X86_64ABI,
    ("x86_64", "darwin"): X86_64ABI,
}


# ---------------------------------------------------------------------------- the bridge

# Argument kinds of a host function's signature (see ``HostFunction``).
INT, UINT, LONG, ULONG, PTR, DOUBLE, FLOAT, VARARGS, VALIST = (
    "i", "I", "l", "L", "p", "d", "f", "...", "va")
VOID = "v"


class HostFunction:
    """A Python implementation of a C function: ``impl(*args)`` with arguments converted
    by ``args`` kinds; ``ret`` the kind of its result (VOID: none, or the impl writes it)."""

    __slots__ = ("name", "impl", "args", "ret", "fixed", "int_count", "fp_count", "variadic",
                 "simple", "converters")

    def __init__(self, name: str, impl: Callable[..., Any], args: Sequence[str],
                 ret: str) -> None:
        self.name = name
        self.impl = impl
        self.args = tuple(args)
        self.ret = ret
        self.variadic = VARARGS in self.args
        self.fixed = tuple(a for a in self.args if a != VARARGS)
        self.int_count = sum(1 for a in self.fixed if a not in (DOUBLE, FLOAT))
        self.fp_count = sum(1 for a in self.fixed if a in (DOUBLE, FLOAT))
        # Pointers and unsigned longs need no conversion: the registers are the arguments.
        self.simple = all(a in (PTR, ULONG) for a in self.args)
        # Integer-only signatures convert each register by its kind.
        self.converters = [_CONVERTERS[a] for a in self.args] if all(
            a in _CONVERTERS for a in self.args) else None


def _to_int(value: int) -> int:
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value & 0x80000000 else value


def _to_uint(value: int) -> int:
    return value & 0xFFFFFFFF


def _to_long(value: int) -> int:
    return value - (1 << 64) if value >> 63 else value


def _same(value: int) -> int:
    return value


_CONVERTERS: dict[str, Callable[[int], int]] = {INT: _to_int, UINT: _to_uint, LONG: _to_long,
                                                ULONG: _same, PTR: _same}


class HostBridge:
    """Trap addresses for host functions, the hook that serves them, calls into emulated code.

    The trap area is ``size`` bytes at ``base``: the first slot is the return *sentinel*
    (where emulation stops when a call from Python returns); every later 4-byte slot holds a
    ``ret`` and belongs to one host function. Only the slots are hooked.
    """

    SLOT = 4

    def __init__(self, engine: Engine, memory: Memory, abi: ABI, base: int, size: int) -> None:
        self.engine = engine
        self.memory = memory
        self.abi = abi
        self.base = base
        self.size = size
        self.sentinel = base
        self.first_slot = base + 16
        memory.buffer[base:base + size] = abi.target.trap_slot * (size // 4)
        memory.map(base, size, UC_PROT_READ | UC_PROT_EXEC)
        self.slots: list[tuple[str, HostFunction | None]] = []
        self.by_name: dict[str, int] = {}
        self.functions: dict[str, HostFunction] = {}
        self._lock = threading.Lock()
        self.pending: BaseException | None = None
        self.depth = 0  # nested emulations running
        # Per host call being served: the registers its ``ret`` needs (None until the first
        # call into emulated code from it clobbers them).
        self._preserved: list[list[int] | None] = []
        self.default_sp = 0
        self.current: str | None = None  # the host function being served
        self.on_unsupported: Callable[[str], BaseException] = UnsupportedFunction
        self.max_instructions = 0
        self.check_stop: Callable[[], None] = lambda: None
        self.on_stopped: Callable[[int], BaseException] = self._stopped
        engine.hook_code(self.first_slot, base + size - 1, self._hook)

    def register(self, function: HostFunction) -> None:
        self.functions[function.name] = function

    def address_of(self, name: str) -> int:
        """The trap address of ``name`` (a fresh slot on first request). Names without an
        implementation get one too: calling it is the error, not linking against it."""
        with self._lock:  # links on several threads may ask at once
            address = self.by_name.get(name)
            if address is None:
                index = len(self.slots)
                address = self.first_slot + index * self.SLOT
                if address + self.SLOT > self.base + self.size:
                    raise ExecutionError(f"too many host functions (more than {index})")
                self.slots.append((name, self.functions.get(name)))
                self.by_name[name] = address
            return address

    def name_at(self, address: int) -> str | None:
        index = (address - self.first_slot) // self.SLOT
        if address >= self.first_slot and index < len(self.slots):
            return self.slots[index][0]
        return None

    # serving host calls
    def _hook(self, address: int) -> None:
        preserved = self._preserved
        preserved.append(None)
        try:
            name, function = self.slots[(address - self.first_slot) // self.SLOT]
            previous, self.current = self.current, name
            if function is None:
                raise self.on_unsupported(name)
            self._serve(function)
            self.current = previous
        except BaseException as err:  # noqa: BLE001 - stored, re-raised after emu_start
            if self.pending is None:
                self.pending = err
            self.engine.stop()
        finally:
            saved = preserved.pop()
            if saved is not None:
                self.abi.write_preserved(saved)

    def _serve(self, function: HostFunction) -> None:
        abi = self.abi
        ints = abi.read_ints(function.int_count) if function.int_count else []
        if function.simple:
            args: list[Any] = ints
        elif function.converters is not None:
            args = [convert(value) for convert, value in zip(function.converters, ints)]
        else:
            fps = abi.fp_bits(function.fp_count) if function.fp_count else []
            args = []
            gp = fp = 0
            for kind in function.fixed:
                if kind == DOUBLE:
                    args.append(bits_f64(fps[fp]))
                    fp += 1
                elif kind == FLOAT:
                    args.append(bits_f32(fps[fp]))
                    fp += 1
                elif kind == VALIST:
                    args.append(abi.va_list(ints[gp]))
                    gp += 1
                else:
                    args.append(_CONVERTERS[kind](ints[gp]))
                    gp += 1
            if function.variadic:
                args.append(abi.varargs(function.int_count, function.fp_count))
        result = function.impl(*args)
        ret = function.ret
        if ret == VOID:
            return
        if ret == DOUBLE:
            abi.set_double(result)
        elif ret == FLOAT:
            abi.set_float(result)
        else:
            abi.set_int(result)

    # calling emulated code
    def call(self, address: int, args: Sequence[int] = (), sp: int | None = None) -> int:
        """Run the emulated function at ``address`` with integer ``args`` to its return;
        its integer result. Nested inside a hook, the interrupted state is restored after."""
        abi = self.abi
        if sp is None:
            if self._preserved:
                # Inside a hook: the interrupted host call returns through its ``ret`` when
                # the hook ends, so its stack pointer (and AArch64's link register) are kept
                # for then. Other registers are the callee's to keep (callee-saved) or the
                # caller's to lose.
                saved = self._preserved[-1]
                if saved is None:
                    saved = self._preserved[-1] = abi.read_preserved(len(abi.preserved))
                # Below the interrupted frame, leaving its red zone (x86-64: 128 bytes).
                sp = saved[0] - 256
            else:
                sp = self.default_sp
        abi.enter(address, args, sp, self.sentinel)
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
