"""Native execution on an x86-64 host: mmap'd memory, mprotect'd segments, ctypes calls.

Placement. All JIT'd memory comes from one arena mapped in the low 2 GiB of the address space
(``MAP_32BIT``). That satisfies both kinds of 32-bit references real gcc objects make:
``-fno-pic`` code uses R_X86_64_32/32S absolute addresses of its own code and data (which must
lie below 2 GiB), and every object reaches its own and other objects' code and data with
R_X86_64_PC32 (which must lie within 2 GiB of each other: one arena guarantees it).

What one arena cannot place is the C library: it is mapped near the top of the address space,
yet non-PIC and PIE code reads libc's variables (``stdout``, ``stderr``, ``optind``) with
PC32, relying on ld's *copy relocations*. pyjitlink does what ld and ld.so do: for an external
variable a 32-bit reference cannot reach, it makes a copy inside the arena (size and type from
the defining library's symbol table, via ``dladdr1``), binds the whole graph to the copy, and
redirects the GOT slots of every loaded library that refers to that variable (R_X86_64_GLOB_DAT
and R_X86_64_64 relocations) to the copy, so libc and the program share one variable, as
after a copy relocation. A far *function* gets a jump stub in the arena instead (a canonical
PLT entry). On removal the slots are restored and the copy's value written back.
"""

from __future__ import annotations

import contextlib
import array
import ctypes
import os
import struct
import sys
import threading
from collections.abc import Callable, Mapping, Sequence

from pyjitlink.arch.x86_64 import NEAR_TARGET_KINDS, EdgeKind
from pyjitlink.errors import ExecutionError, JITLinkError
from pyjitlink.executors.native_faults import DlInfo, NativeFaultHandler, host_mappings
from pyjitlink.executors.native_tls import NativeTLS
from pyjitlink.executors.services import ExecutorServices
from pyjitlink.executors.symbolizer import Symbolizer
from pyjitlink.jitlink.graph import MemProt
from pyjitlink.jitlink.memory import (
    ArenaMemoryManager,
    align_up,
    protection_bits,
    take_first_fit,
)

PROT_NONE, PROT_READ, PROT_WRITE, PROT_EXEC = 0, 1, 2, 4
MAP_PRIVATE, MAP_ANONYMOUS, MAP_32BIT, MAP_NORESERVE = 0x2, 0x20, 0x40, 0x4000
MADV_DONTNEED = 4
MAP_FAILED = ctypes.c_void_p(-1).value

_libc = ctypes.CDLL(None, use_errno=True)
_mmap = _libc.mmap
_mmap.restype = ctypes.c_void_p
_mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                  ctypes.c_long]
_mprotect = _libc.mprotect
_mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
_munmap = _libc.munmap
_munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
_madvise = _libc.madvise
_madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
_fflush = _libc.fflush
_fflush.argtypes = [ctypes.c_void_p]


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise JITLinkError(f"{what} failed: {os.strerror(err)}")


class NativeArena:
    """A reserved range of host address space below 2 GiB, handed out page by page.

    Pages are PROT_NONE until committed; ``commit`` makes them writable just long enough to copy
    working memory in, then applies the final protection (never writable and executable at
    once). Released ranges are returned to the kernel (MADV_DONTNEED) and reused.
    """

    def __init__(self, size: int = 512 << 20) -> None:
        self.page_size = os.sysconf("SC_PAGE_SIZE")
        base = None
        while size >= (16 << 20):
            addr = _mmap(None, size, PROT_NONE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_32BIT, -1, 0)
            if addr not in (None, MAP_FAILED):
                base = addr
                break
            size //= 2
        if base is None:
            raise JITLinkError("could not reserve JIT memory below 2 GiB (mmap MAP_32BIT)")
        self.base = base
        self.size = size
        self.next = base
        self.free: list[tuple[int, int]] = []  # (address, size) of released ranges
        self.lock = threading.Lock()

    def reserve(self, size: int) -> int:
        size = align_up(size, self.page_size)
        with self.lock:
            reused = take_first_fit(self.free, size)
            if reused is not None:
                return reused
            address = self.next
            if address + size > self.base + self.size:
                raise JITLinkError(f"out of JIT memory: {size:#x} bytes requested, "
                                   f"{self.base + self.size - address:#x} left in the arena")
            self.next = address + size
            return address

    def commit(self, address: int, data: bytes | bytearray, size: int, prot: MemProt) -> None:
        _check(_mprotect(address, size, PROT_READ | PROT_WRITE), "mprotect")
        if data:
            buf = (ctypes.c_char * len(data)).from_buffer(data) if isinstance(
                data, bytearray) else data
            ctypes.memmove(address, buf, len(data))
        if len(data) < size:
            ctypes.memset(address + len(data), 0, size - len(data))
        _check(_mprotect(address, size, protection_bits(prot)), "mprotect")

    def release(self, address: int, size: int) -> None:
        size = align_up(size, self.page_size)
        _mprotect(address, size, PROT_NONE)
        _madvise(address, size, MADV_DONTNEED)
        with self.lock:
            self.free.append((address, size))


# ---------------------------------------------------------------------------- dladdr1


class _Elf64Sym(ctypes.Structure):
    _fields_ = [("st_name", ctypes.c_uint32), ("st_info", ctypes.c_ubyte),
                ("st_other", ctypes.c_ubyte), ("st_shndx", ctypes.c_uint16),
                ("st_value", ctypes.c_uint64), ("st_size", ctypes.c_uint64)]


_dladdr1 = _libc.dladdr1
_dladdr1.argtypes = [ctypes.c_void_p, ctypes.POINTER(DlInfo), ctypes.POINTER(ctypes.c_void_p),
                     ctypes.c_int]
RTLD_DL_SYMENT = 1
STT_OBJECT, STT_FUNC, STT_GNU_IFUNC = 1, 2, 10


def host_symbol_info(address: int) -> tuple[int, int] | None:
    """(ELF symbol type, size in bytes) of the host symbol at ``address``, if the loader knows."""
    info = DlInfo()
    extra = ctypes.c_void_p()
    if not _dladdr1(address, ctypes.byref(info), ctypes.byref(extra), RTLD_DL_SYMENT):
        return None
    if not extra.value or info.dli_saddr != address:
        return None
    sym = ctypes.cast(extra, ctypes.POINTER(_Elf64Sym)).contents
    return sym.st_info & 0xF, sym.st_size


# ---------------------------------------------------------------------------- GOT redirection


class _DlPhdrInfo(ctypes.Structure):
    _fields_ = [("dlpi_addr", ctypes.c_uint64), ("dlpi_name", ctypes.c_char_p),
                ("dlpi_phdr", ctypes.c_void_p), ("dlpi_phnum", ctypes.c_uint16)]


_PHDR_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(_DlPhdrInfo), ctypes.c_size_t,
                                  ctypes.c_void_p)
_dl_iterate_phdr = _libc.dl_iterate_phdr
_dl_iterate_phdr.argtypes = [_PHDR_CALLBACK, ctypes.c_void_p]

PT_DYNAMIC = 2
DT_NULL, DT_PLTRELSZ, DT_STRTAB, DT_SYMTAB, DT_RELA, DT_RELASZ, DT_JMPREL = 0, 2, 5, 6, 7, 8, 23
R_X86_64_64, R_X86_64_GLOB_DAT = 1, 6


def _loaded_objects() -> list[tuple[int, int]]:
    """(load bias, address of PT_DYNAMIC) of every loaded ELF object that has one."""
    found: list[tuple[int, int]] = []

    def visit(info_p, size, data):  # type: ignore[no-untyped-def]
        info = info_p.contents
        for i in range(info.dlpi_phnum):
            p_type, _, _, p_vaddr = struct.unpack_from(
                "<IIQQ", ctypes.string_at(info.dlpi_phdr + i * 56, 24))
            if p_type == PT_DYNAMIC:
                found.append((info.dlpi_addr, info.dlpi_addr + p_vaddr))
        return 0

    callback = _PHDR_CALLBACK(visit)
    _dl_iterate_phdr(callback, None)
    return found


DT_STRSZ = 10


def _data_slots(names: set[str]) -> dict[str, list[int]]:
    """Addresses of GOT/data slots that loaded libraries bind to each of ``names``.

    Reads each library's dynamic relocations (DT_RELA, DT_JMPREL) from memory and keeps the
    R_X86_64_GLOB_DAT / R_X86_64_64 slots whose symbol is one of ``names``; the symbol and
    string tables are copied out once per library (DT_STRSZ bounds the strings).
    """
    wanted = {n.encode(): n for n in names}
    slots: dict[str, list[int]] = {n: [] for n in names}
    for bias, dynamic in _loaded_objects():
        tags: dict[int, int] = {}
        offset = 0
        while True:
            tag, value = struct.unpack("<qQ", ctypes.string_at(dynamic + offset, 16))
            if tag == DT_NULL:
                break
            tags.setdefault(tag, value)
            offset += 16
        symtab, strtab, strsz = tags.get(DT_SYMTAB), tags.get(DT_STRTAB), tags.get(DT_STRSZ)
        if not symtab or not strtab or not strsz:
            continue
        # The loader has already relocated these d_ptr entries to absolute addresses (glibc
        # does so for every object but the vDSO, whose entries stay relative).
        if symtab < bias:
            symtab, strtab = symtab + bias, strtab + bias
        strings = ctypes.string_at(strtab, strsz)
        # Every place a wanted name could start in the string table (a symbol's st_name; a
        # linker may share a string's tail, so "environ" may be the end of "__environ").
        offsets: dict[int, str] = {}
        for raw, wanted_name in wanted.items():
            at = strings.find(raw + b"\0")
            while at != -1:
                offsets[at] = wanted_name
                at = strings.find(raw + b"\0", at + 1)
        if not offsets:
            continue  # no symbol of that name: nothing here can refer to it
        # Relocation tables as arrays of (r_offset, r_info, r_addend) words: the scans below
        # run over C arrays, since a library like libpython has tens of thousands of entries.
        tables = []
        for start_tag, size_tag in ((DT_RELA, DT_RELASZ), (DT_JMPREL, DT_PLTRELSZ)):
            start, size = tags.get(start_tag), tags.get(size_tag)
            if not start or not size:
                continue
            if start < bias:
                start += bias
            words = array.array("Q", ctypes.string_at(start, size - size % 24))
            if words:
                tables.append(words)
        if not tables:
            continue
        count = max(max(words[1::3]) >> 32 for words in tables) + 1  # symbols referred to
        st_names = array.array("I", ctypes.string_at(symtab, 24 * count))[0::6].tobytes()
        infos: dict[int, str] = {}
        for at, wanted_name in offsets.items():
            for index in _positions(st_names, struct.pack("<I", at)):
                if index:
                    for rtype in (R_X86_64_GLOB_DAT, R_X86_64_64):
                        infos[index << 32 | rtype] = wanted_name
        for words in tables:
            column = words[1::3].tobytes()  # r_info of every relocation
            hits = sorted((position, wanted_name) for info, wanted_name in infos.items()
                          for position in _positions(column, struct.pack("<Q", info)))
            for position, wanted_name in hits:  # in table order
                slots[wanted_name].append(bias + words[3 * position])
    return slots


def _positions(column: bytes, value: bytes) -> list[int]:
    """Indexes of the ``len(value)``-byte elements of ``column`` equal to ``value``
    (bytes.find runs in C; a match must start on an element boundary)."""
    width = len(value)
    found = []
    at = column.find(value)
    while at != -1:
        if at % width == 0:
            found.append(at // width)
            at = column.find(value, at + width)
        else:
            at = column.find(value, at + 1)
    return found


class NearProxies:
    """Copies of far host variables and jump stubs to far host functions, inside the arena.

    See the module docstring for why and how; one proxy per name for the whole session.
    """

    STUB_SIZE = 16  # jmp *0(%rip); .quad target; 2 bytes padding
    arch = "x86_64"  # the architecture of the edge kinds below (NearProxyService)

    def __init__(self, arena: NativeArena) -> None:
        self.arena = arena
        self.lock = threading.Lock()
        self.proxies: dict[str, int] = {}
        self.redirected: list[tuple[int, int]] = []  # (slot address, original value)
        self.copies: list[tuple[int, int, int]] = []  # (original, copy, size)
        self._stub_page = 0
        self._stub_used = 0
        self._stub_bytes = bytearray()

    @staticmethod
    def reachable(kind: int, place: int, target: int) -> bool:
        """False when a 32-bit edge of ``kind`` at ``place`` cannot encode ``target``."""
        return kind not in NEAR_TARGET_KINDS or _fits(kind, place, target)

    @staticmethod
    def is_data_reference(kind: int) -> bool:
        return kind in _DATA_KINDS

    @staticmethod
    def is_host_symbol(address: int) -> bool:
        return host_symbol_info(address) is not None

    def proxies_for(self, far: Mapping[str, int]) -> dict[str, int]:
        """In-arena stand-ins for host symbols ``far`` (name -> address), made once each."""
        with self.lock:
            variables: dict[str, tuple[int, int]] = {}
            for name, address in far.items():
                if name in self.proxies:
                    continue
                info = host_symbol_info(address)
                if info is not None and info[0] == STT_OBJECT and info[1] > 0:
                    variables[name] = (address, info[1])
                else:
                    self.proxies[name] = self._stub(address)
            if variables:
                slots = _data_slots(set(variables))
                for name, (address, size) in variables.items():
                    self.proxies[name] = self._copy(address, size, slots[name])
            return {name: self.proxies[name] for name in far}

    def _copy(self, address: int, size: int, slots: list[int]) -> int:
        page = self.arena.reserve(size)
        data = bytearray(ctypes.string_at(address, size))
        self.arena.commit(page, data, align_up(size, self.arena.page_size),
                          MemProt.READ | MemProt.WRITE)
        for slot in slots:
            current = ctypes.c_uint64.from_address(slot).value
            if current == address:
                self._write_slot(slot, page)
                self.redirected.append((slot, address))
        self.copies.append((address, page, size))
        return page

    def _write_slot(self, slot: int, value: int) -> None:
        page_size = self.arena.page_size
        page = slot & -page_size
        # GOT slots usually live in RELRO memory, read-only after relocation: lift that briefly.
        relro = self._is_read_only(slot)
        if relro:
            _check(_mprotect(page, page_size, PROT_READ | PROT_WRITE), "mprotect")
        ctypes.c_uint64.from_address(slot).value = value
        if relro:
            _check(_mprotect(page, page_size, PROT_READ), "mprotect")

    @staticmethod
    def _is_read_only(slot: int) -> bool:
        for lo, hi, perms in host_mappings():
            if lo <= slot < hi:
                return "w" not in perms
        return False

    def _stub(self, address: int) -> int:
        page_size = self.arena.page_size
        if not self._stub_page or self._stub_used + self.STUB_SIZE > page_size:
            self._stub_page = self.arena.reserve(page_size)
            self._stub_used = 0
            self._stub_bytes = bytearray(page_size)
        offset = self._stub_used
        self._stub_bytes[offset:offset + self.STUB_SIZE] = (
            bytes([0xFF, 0x25, 0, 0, 0, 0]) + struct.pack("<Q", address) + b"\xcc\xcc")
        self._stub_used += self.STUB_SIZE
        # Rewritten whole: the page goes RW only while no stub in it can be running.
        self.arena.commit(self._stub_page, self._stub_bytes, page_size,
                          MemProt.READ | MemProt.EXEC)
        return self._stub_page + offset

    def restore(self) -> None:
        """Point libraries back at their own variables, carrying the copies' values back."""
        with self.lock:
            for original, copy, size in self.copies:
                ctypes.memmove(original, copy, size)
            for slot, value in reversed(self.redirected):
                self._write_slot(slot, value)
            self.redirected.clear()
            self.copies.clear()


def _fits(kind: int, place: int, target: int) -> bool:
    if kind in (EdgeKind.Pointer32, ):
        return 0 <= target < (1 << 32)
    if kind == EdgeKind.Pointer32Signed:
        return 0 <= target < (1 << 31)
    # PC-relative 32-bit: leave a margin for addends.
    return abs(target - place) < (1 << 31) - (1 << 24)


# The 32-bit kinds of NEAR_TARGET_KINDS that hold a value, not a branch's destination.
_DATA_KINDS = frozenset({EdgeKind.Pointer32, EdgeKind.Pointer32Signed, EdgeKind.Delta32})


class LibgccEHFrameRegistrar:
    """The host's EHFrameRegistrar (executors/services.py): libgcc's ``__register_frame``
    and ``__deregister_frame``, which take the address of a zero-terminated ``.eh_frame``.
    Without libgcc_s (no such host library) registration does nothing."""

    def __init__(self) -> None:
        try:
            libgcc = ctypes.CDLL("libgcc_s.so.1")
            self._register = getattr(libgcc, "__register_frame")
            self._deregister = getattr(libgcc, "__deregister_frame")
            self._register.argtypes = [ctypes.c_void_p]
            self._deregister.argtypes = [ctypes.c_void_p]
        except (OSError, AttributeError):
            self._register = self._deregister = None

    def register_eh_frame(self, address: int, size: int) -> None:
        if self._register is not None:
            self._register(address)

    def deregister_eh_frame(self, address: int, size: int) -> None:
        if self._deregister is not None:
            self._deregister(address)


# ---------------------------------------------------------------------------- the executor

_MAIN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int, ctypes.POINTER(ctypes.c_char_p),
                         ctypes.POINTER(ctypes.c_char_p))
_VOID = ctypes.CFUNCTYPE(None)


def _libc_address(name: str) -> int:
    """Where the C library's ``name`` (a function or a variable) is in this process."""
    address = ctypes.cast(getattr(_libc, name), ctypes.c_void_p).value
    assert address is not None
    return address


class _Process:
    """What every native session of this process shares: the one low arena (all JIT'd code
    must be within 2 GiB of each other and of the copies), the copies and stubs (GOT slot
    redirection is process-wide), and the libc shims."""

    _instance: _Process | None = None
    _lock = threading.Lock()

    def __init__(self) -> None:
        self.arena = NativeArena()
        self.proxies = NearProxies(self.arena)
        self.runtime = self._make_runtime()
        self.symbolizer = Symbolizer()
        arena = self.arena
        self.faults = NativeFaultHandler(
            self.symbolizer, lambda a: arena.base <= a < arena.base + arena.size)
        self.tls = NativeTLS(self.arena)
        self.eh_frames = LibgccEHFrameRegistrar()

    @classmethod
    def get(cls) -> _Process:
        with cls._lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def _make_runtime(self) -> dict[str, int]:
        """Shims for libc_nonshared.a's functions, which no shared library exports, the
        stack protector's canary variable, and macOS's names of C library functions and
        variables (for Mach-O code).

        ``atexit(f)`` is ``__cxa_atexit(f, NULL, &__dso_handle)``; ``at_quick_exit`` likewise
        with ``__cxa_at_quick_exit``. ``__dso_handle`` gets the shim page's address.
        """
        page = self.arena.reserve(self.arena.page_size)
        code = bytearray()
        symbols: dict[str, int] = {}

        def shim(name: str, body: bytes) -> None:
            symbols[name] = page + len(code)
            code.extend(body + b"\xcc" * (-len(body) % 16))

        for name, target in (("atexit", "__cxa_atexit"),
                             ("at_quick_exit", "__cxa_at_quick_exit")):
            # xor %esi,%esi ; movabs $dso,%rdx ; movabs $target,%rax ; jmp *%rax
            shim(name, b"\x31\xf6" + b"\x48\xba" + struct.pack("<Q", page) + b"\x48\xb8" +
                 struct.pack("<Q", _libc_address(target)) + b"\xff\xe0")
        symbols["__dso_handle"] = page
        # macOS's C library names, for Mach-O code built against Apple's headers:
        # __assert_rtn(func, file, line, expr) is glibc's __assert_fail(expr, file, line,
        # func): mov %rdi,%rax ; mov %rcx,%rdi ; mov %rax,%rcx ; movabs $target,%rax ;
        # jmp *%rax. ___chkstk_darwin probes the stack below a large frame, preserving every
        # register: Linux grows the main stack on demand, so a bare ret.
        shim("__assert_rtn", b"\x48\x89\xf8" + b"\x48\x89\xcf" + b"\x48\x89\xc1" + b"\x48\xb8" +
             struct.pack("<Q", _libc_address("__assert_fail")) + b"\xff\xe0")
        shim("__chkstk_darwin", b"\xc3")
        # _tlv_atexit(f, obj), how Darwin's C++ registers a thread_local's destructor, is
        # glibc's __cxa_thread_atexit_impl(f, obj, &__dso_handle): movabs $dso,%rdx ;
        # movabs $target,%rax ; jmp *%rax.
        shim("_tlv_atexit", b"\x48\xba" + struct.pack("<Q", page) + b"\x48\xb8" +
             struct.pack("<Q", _libc_address("__cxa_thread_atexit_impl")) + b"\xff\xe0")
        # __error() is __errno_location(); __stdinp/__stdoutp/__stderrp are glibc's
        # stdin/stdout/stderr variables themselves (each a FILE *).
        for name, target in (("__error", "__errno_location"), ("__stdinp", "stdin"),
                             ("__stdoutp", "stdout"), ("__stderrp", "stderr")):
            symbols[name] = _libc_address(target)
        self.arena.commit(page, code, self.arena.page_size, MemProt.READ | MemProt.EXEC)
        # Mach-O (and AArch64) code compiled with a stack protector reads its canary from
        # the variable ``__stack_chk_guard``, which x86-64 glibc does not export (its own code
        # reads %fs:0x28): a read-only copy of a random canary, low byte zero as glibc's.
        guard = self.arena.reserve(self.arena.page_size)
        canary = b"\0" + os.urandom(7)
        self.arena.commit(guard, canary, self.arena.page_size, MemProt.READ)
        symbols["__stack_chk_guard"] = guard
        return symbols


_ran_code = [False]  # set once linked code has run in this process


def native_code_has_run() -> bool:
    """True once any NativeExecutor of this process has called into linked code (after
    that, the process cannot start over, e.g. to get more static TLS)."""
    return _ran_code[0]


class NativeExecutor:
    """Runs x86-64 code in this process. Only usable on an x86-64 host.

    Sessions in one process share one arena and one set of copies/stubs (see ``_Process``);
    each session's memory manager hands out and takes back its own allocations from it.
    """

    arch = "x86_64"

    def __init__(self, timeout: float | None = None) -> None:
        process = _Process.get()
        self.arena = process.arena
        self.memory_manager = ArenaMemoryManager(self.arena)
        self.proxies = process.proxies
        # Symbols, source lines and unwind records of the linked code, for fault reports.
        self.symbolizer = process.symbolizer
        self.eh_frames = process.eh_frames
        self._runtime = process.runtime
        self.timeout = timeout  # seconds from the first call into JIT'd code; exit 124
        self._faults = process.faults
        self.tls = process.tls  # the TLSService: glibc TLS modules, descriptor resolvers

    def services(self) -> ExecutorServices:
        """Near proxies, libgcc's eh-frame registration and the fault reports' symbol map
        (what orc.plugins builds this executor's plugins from)."""
        return ExecutorServices(symbol_map=self.symbolizer, eh_frames=self.eh_frames,
                                near_proxies=self.proxies)

    def host_symbol(self, name: str) -> int | None:
        return self._runtime.get(name)

    @property
    def runtime_symbols(self) -> dict[str, int]:
        return dict(self._runtime)

    @staticmethod
    def flush_host_streams() -> None:
        """Flush Python's and C's stdio so output keeps its order across the boundary."""
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        _fflush(None)

    def _arm(self) -> None:
        """Before calling JIT'd code: fault reports on, and the -timeout clock running."""
        self._faults.install()
        if self.timeout:
            self._faults.arm_timeout(self.timeout)

    def run_as_main(self, address: int, args: Sequence[str]) -> int:
        self._arm()
        argv = (ctypes.c_char_p * (len(args) + 1))(*[os.fsencode(a) for a in args], None)
        env = [os.fsencode(f"{k}={v}") for k, v in os.environ.items()]
        envp = (ctypes.c_char_p * (len(env) + 1))(*env, None)
        self.flush_host_streams()
        _ran_code[0] = True
        result = _MAIN(address)(len(args), argv, envp)
        _fflush(None)
        return result

    def run_void(self, address: int) -> None:
        self._arm()
        self.flush_host_streams()
        _ran_code[0] = True
        _VOID(address)()
        _fflush(None)

    def register_finalizers_with_atexit(self, addresses: Sequence[int]) -> None:
        """Have libc's ``exit`` call ``addresses`` (in the given order) after later handlers.

        Registered before initializers run, they run after every ``atexit`` handler the
        program registers, as an executable's ``.fini_array`` does.
        """
        cxa_atexit = getattr(_libc, "__cxa_atexit")  # (a literal would be name-mangled)
        cxa_atexit.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
        for address in reversed(list(addresses)):
            if cxa_atexit(address, None, self._runtime["__dso_handle"]) != 0:
                raise ExecutionError("__cxa_atexit failed")

    @staticmethod
    def exit_process(code: int) -> None:
        """End the process through libc's ``exit``: atexit handlers, finalizers, stdio flush."""
        NativeExecutor.flush_host_streams()
        _libc.exit.argtypes = [ctypes.c_int]
        _libc.exit(code & 0xFF)


# ---------------------------------------------------------------------------- laziness

_REENTRY_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_uint64, ctypes.c_uint64)


# The general registers the re-entry trampoline saves (rbp and rsp are its frame), with
# their push and pop encodings.
_SAVED = ("rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13",
          "r14", "r15")
_REGISTER_NUMBERS = {"rax": 0, "rcx": 1, "rdx": 2, "rbx": 3, "rsi": 6, "rdi": 7, "r8": 8,
                     "r9": 9, "r10": 10, "r11": 11, "r12": 12, "r13": 13, "r14": 14, "r15": 15}
_PUSH = {r: (b"\x41" if n >= 8 else b"") + bytes([0x50 + (n & 7)])
         for r, n in _REGISTER_NUMBERS.items()}
_POP = {r: (b"\x41" if n >= 8 else b"") + bytes([0x58 + (n & 7)])
        for r, n in _REGISTER_NUMBERS.items()}


def _has_xsave() -> bool:
    """Whether the CPU and kernel offer XSAVE (the ``xsave`` flag of /proc/cpuinfo, which
    Linux clears when it does not enable it)."""
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("flags"):
                    return "xsave" in line.split(":", 1)[1].split()
    except OSError:
        pass
    return False


class NativeLazySupport:
    """Redirectable entry points and the re-entry trampoline, as x86-64 machine code.

    Each lazy symbol gets a *stub* ``jmp *slot(%rip)`` (its public address, R-X) and a
    pointer *slot* (RW-). A slot first holds the address of the symbol's *thunk*,
    ``push $id; jmp *reentry(%rip)``, which enters the shared re-entry trampoline. The
    trampoline is transparent to every register, not only the argument registers: gcc's
    interprocedural register allocation (-fipa-ra, on at -O2) keeps a caller's values in
    call-clobbered registers (r11, r10, rcx, xmm8...) across a call to a function of its
    own file that it knows leaves them alone, so a lazy entry point reached from its own
    object must too. It saves the flags, all sixteen general registers and the whole
    vector state (XSAVE of x87, SSE, AVX and AVX-512 state where the CPU has XSAVE, else
    FXSAVE of x87 and xmm0-15), aligns the stack (callers within one gcc file may leave it
    8-byte aligned), calls the Python re-entry function with the id (a ctypes callback;
    ctypes takes the GIL, so any thread may call), writes the address it returns over the
    id on the stack, restores everything and returns to that address, leaving the caller's
    stack and return address as the call made them. Redirecting stores the body's address
    into the slot: one aligned 8-byte store, atomic on x86-64, so other threads see either
    the thunk or the body.
    """

    THUNK_SIZE = 16
    STUB_SIZE = 8
    # XSAVE components saved: x87, SSE, AVX, AVX-512 opmask, ZMM_Hi256, Hi16_ZMM (the CPU
    # saves those XCR0 enables); their standard-format area fits in XSAVE_AREA bytes.
    XSAVE_MASK = 0xE7
    XSAVE_AREA = 3072

    def __init__(self, arena: NativeArena, reenter: Callable[[int], int]) -> None:
        self.arena = arena
        self._callback = _REENTRY_CALLBACK(reenter)  # kept alive as long as the support is
        self.lock = threading.Lock()
        page = arena.page_size
        code_page, data_page = arena.reserve(page), arena.reserve(page)
        callback = ctypes.cast(self._callback, ctypes.c_void_p).value
        code = bytearray()
        # On entry: (%rsp) = id (the thunk's push), 8(%rsp) = the caller's return address.
        code += b"\x55\x48\x89\xe5"  # push %rbp; mov %rsp,%rbp
        code += b"\x9c"  # pushfq
        code += b"".join(_PUSH[r] for r in _SAVED)  # rax ... r15, below the flags
        xsave = _has_xsave()
        if xsave:
            code += b"\x48\x83\xe4\xc0"  # and $-64,%rsp (XSAVE's alignment)
            code += b"\x48\x81\xec" + struct.pack("<I", self.XSAVE_AREA)  # sub $area,%rsp
            # XRSTOR faults on a header (bytes 512-575) it did not expect: zero it first.
            for i in range(8):
                code += b"\x48\xc7\x84\x24" + struct.pack("<II", 512 + 8 * i, 0)
            code += b"\xb8" + struct.pack("<I", self.XSAVE_MASK) + b"\x31\xd2"  # eax, edx
            code += b"\x48\x0f\xae\x24\x24"  # xsave64 (%rsp)
        else:
            code += b"\x48\x83\xe4\xf0"  # and $-16,%rsp
            code += b"\x48\x81\xec\x00\x02\x00\x00"  # sub $512,%rsp
            code += b"\x48\x0f\xae\x04\x24"  # fxsave64 (%rsp)
        code += b"\x48\x8b\x7d\x08"  # mov 8(%rbp),%rdi (the id)
        code += b"\x48\xb8" + struct.pack("<Q", callback)  # movabs $callback,%rax
        code += b"\xff\xd0"  # call *%rax
        code += b"\x48\x89\x45\x08"  # mov %rax,8(%rbp): where to go, over the id
        if xsave:
            code += b"\xb8" + struct.pack("<I", self.XSAVE_MASK) + b"\x31\xd2"
            code += b"\x48\x0f\xae\x2c\x24"  # xrstor64 (%rsp)
        else:
            code += b"\x48\x0f\xae\x0c\x24"  # fxrstor64 (%rsp)
        code += b"\x48\x8d\x65" + struct.pack("<b", -8 * (len(_SAVED) + 1))  # lea ..(%rbp),%rsp
        code += b"".join(_POP[r] for r in reversed(_SAVED))
        code += b"\x9d"  # popfq
        code += b"\x5d"  # pop %rbp
        code += b"\xc3"  # ret: to the body, the caller's return address on top
        arena.commit(code_page, code, page, MemProt.READ | MemProt.EXEC)
        # The pointer every thunk jumps through.
        arena.commit(data_page, struct.pack("<Q", code_page), page,
                     MemProt.READ | MemProt.WRITE)
        self.reentry = code_page
        self.reentry_pointer = data_page

    def create_entry_points(self, ids: list[int]) -> list[tuple[int, int]]:
        """For each id: (stub address, slot address), the slot aimed at the id's thunk."""
        n = len(ids)
        page = self.arena.page_size
        code_size = align_up(max(n * (self.THUNK_SIZE + self.STUB_SIZE), 1), page)
        data_size = align_up(max(n * 8, 1), page)
        with self.lock:
            code_base = self.arena.reserve(code_size)
            data_base = self.arena.reserve(data_size)
        code = bytearray(code_size)
        data = bytearray(data_size)
        result = []
        for i, ident in enumerate(ids):
            thunk = code_base + i * self.THUNK_SIZE
            stub = code_base + n * self.THUNK_SIZE + i * self.STUB_SIZE
            slot = data_base + 8 * i
            t = i * self.THUNK_SIZE
            code[t:t + 5] = b"\x68" + struct.pack("<I", ident)  # push $id
            code[t + 5:t + 11] = b"\xff\x25" + struct.pack(
                "<i", self.reentry_pointer - (thunk + 11))  # jmp *reentry(%rip)
            s = stub - code_base
            code[s:s + 6] = b"\xff\x25" + struct.pack("<i", slot - (stub + 6))
            struct.pack_into("<Q", data, 8 * i, thunk)
            result.append((stub, slot))
        self.arena.commit(code_base, code, code_size, MemProt.READ | MemProt.EXEC)
        self.arena.commit(data_base, data, data_size, MemProt.READ | MemProt.WRITE)
        return result

    @staticmethod
    def redirect(slot: int, address: int) -> None:
        ctypes.c_uint64.from_address(slot).value = address

    @staticmethod
    def fatal(message: str, file: str | None) -> None:
        """End the process from inside JIT'd code with one error line,
        ``pyjitlink: error: <file>: <message>`` (exit status 1)."""
        NativeExecutor.flush_host_streams()
        where = f"{file}: " if file else ""
        sys.stderr.write(f"pyjitlink: error: {where}{message}\n")
        sys.stderr.flush()
        os._exit(1)
