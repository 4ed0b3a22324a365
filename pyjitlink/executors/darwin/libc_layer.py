"""The Darwin layer onto glibc: how Mach-O programs run on the target's own C library
(-libc=target), with one C library implementation (glibc's) and no call into Python.

A Mach-O object names C functions as macOS's libSystem does. Most names are glibc's once
the platform strips the leading ``_`` (``_printf`` -> ``printf``). The rest differ in name
or in calling convention, and are answered here:

* **errno** (``errno_graph``): ``__error`` translates glibc's errno to Darwin's numbers,
  ``strerror``/``perror`` back (see ``DARWIN_ERRNO``);
* **names** (``ALIASES``): ``__stdinp``/``__stdoutp``/
  ``__stderrp`` are glibc's ``stdin``/``stdout``/``stderr`` variables themselves (each a
  ``FILE *``, the same type); ``__bzero`` is ``bzero``;
* **shims** (small machine-code functions, each its own LinkGraph, ``shim_graphs``):
  ``__assert_rtn(func, file, line, expr)`` -> ``__assert_fail(expr, file, line, func)``;
  ``__chkstk_darwin`` (the stack probe: the emulated stack is mapped whole) a ``ret``;
  ``__sincos_stret(x)`` / ``__sincosf_stret(x)`` call ``sincos``/``sincosf`` and return the
  pair as Darwin's struct return does (x86-64: xmm0/xmm1, or both floats in xmm0; arm64:
  d0/d1, s0/s1); x86-64's ``__stack_chk_guard`` is a canary variable (x86-64 glibc keeps
  its own at %fs:0x28 and exports none; AArch64 glibc exports one, which it sets from
  AT_RANDOM);
* **arm64 variadic calls** (Apple's "Writing ARM64 code for Apple platforms"): Darwin
  passes every anonymous argument of a variadic call on the stack, in 8-byte slots, and its
  ``va_list`` is a plain pointer to them; AAPCS64 (glibc) passes them in registers and its
  ``va_list`` is a struct {__stack, __gr_top, __vr_top, __gr_offs, __vr_offs}. ``va_arg``
  with ``__gr_offs >= 0`` (or ``__vr_offs >= 0`` for floating point) reads from
  ``__stack`` (AAPCS64, "The va_arg macro"), so a va_list {__stack = the Darwin arguments,
  offsets 0} makes glibc read each anonymous argument from Darwin's slots. Each variadic
  function becomes its ``v`` form: ``printf(fmt, ...)`` builds that va_list over the
  caller's stack arguments and calls ``vprintf(fmt, &va)`` (a va_list, 32 bytes, is passed
  by reference); ``vprintf(fmt, ap)`` from Darwin code wraps its pointer the same way.
  ``open``/``openat``/``fcntl``/``ioctl`` take at most one anonymous integer: it moves
  from the stack to its register (``ldr``). Variadic functions of neither kind (``execl``,
  ``syscall``, ...) are refused for arm64 (``ARM64_VARIADIC_UNSUPPORTED``): they stay
  undefined. x86-64 Darwin follows the System V ABI, as glibc: no variadic shim;
* **open flags**: ``open``/``openat`` (both architectures) translate Darwin's ``O_*`` bits
  (``O_CREAT`` 0x200, ``O_APPEND`` 0x8, ...) to Linux's (``OPEN_FLAG_BITS``);
* **refused**: functions whose structures differ (``LAYOUT_DIFFERS``: ``stat``, ``readdir``,
  ...; Darwin's ``struct stat`` and ``struct dirent`` are not glibc's) stay undefined.
* **fcntl and ioctl** (both architectures): Darwin's fcntl commands, F_GETFL/F_SETFL's
  ``O_*`` flags, ``struct flock`` and the common ioctl requests (FIOCLEX, FIONBIO,
  FIONREAD, TIOCGWINSZ, ...) become Linux's (``fcntl_ioctl.c``, compiled:
  ``FCNTL_IOCTL``); other ioctl requests (termios' TIOCGETA, ...) pass as they are (ENOTTY);
* **arm64 long double** (a double on Darwin, a quad in glibc; x86-64's is x87 on both):
  the printf and scanf families call glibc's engines with its long-double-is-double mode
  (``ARM64_LDBL``, ``arm64_sscanf_shim``); elsewhere (``err``, ``strtold``, libm) not.

Shims are defined in glibc's namespace under ``SHIM_PREFIX`` + the C name
(``__darwin$printf``), so no glibc name is shadowed; the session's ``Process`` JITDylib
re-exports each under its Mach-O name (orc/platforms/darwin_libc.py).

Why a layer onto glibc rather than a second C library: the target's glibc is already the
one implementation whose behaviour the tests compare with (formatting, stdio buffering,
libm's rounding, locale, malloc), it runs at emulation speed with no call into Python, and
it serves ELF programs too; what Darwin's C library differs in is its names and arm64's
variadic convention, a few dozen machine-code shims, not a C library's worth of code.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from pyjitlink.arch import aarch64, x86_64
from pyjitlink.jitlink.graph import Block, Linkage, LinkGraph, MemProt, Scope, Symbol

SHIM_PREFIX = "__darwin$"

# Darwin C name -> glibc's name for the same object or function.
ALIASES: dict[str, str] = {
    "__stdinp": "stdin", "__stdoutp": "stdout", "__stderrp": "stderr",
    "__bzero": "bzero",
}

# arm64: variadic C function -> (number of named arguments, glibc's va_list form).
ARM64_VARIADIC: dict[str, tuple[int, str]] = {
    "err": (2, "verr"), "errx": (2, "verrx"), "warn": (1, "vwarn"), "warnx": (1, "vwarnx"),
    "syslog": (2, "vsyslog"),
    "__sprintf_chk": (4, "__vsprintf_chk"), "__snprintf_chk": (5, "__vsnprintf_chk"),
}
# arm64: function taking a va_list -> the index of that argument.
ARM64_VA_LIST: dict[str, int] = {
    "verr": 2, "verrx": 2,
    "vwarn": 1, "vwarnx": 1, "vsyslog": 2, "__vsprintf_chk": 4, "__vsnprintf_chk": 5,
}
# arm64 ``long double`` is a double on Darwin (Apple's "Writing ARM64 code for Apple
# platforms"), a 128-bit IEEE quad in glibc's AArch64 ABI: ``%Lf`` would read 16 bytes, and
# scanf's ``%Lf`` write them. glibc's printf and scanf engines take mode flags for the
# targets whose long double once was a double (libio/libioP.h): PRINTF_LDBL_IS_DBL and
# SCANF_LDBL_IS_DBL (1), with SCANF_ISOC99_A (2, C99's ``%a``, as Darwin's scanf). So the
# printf and scanf families call glibc's engines themselves, with those flags:
# Darwin name -> (the Darwin va_list argument's index, or None for the variadic form with
# that many named arguments given second; the glibc function; what it takes that Darwin's
# call does not (``stdout``/``stdin``: that FILE * variable, first; ``-1``: sprintf's size,
# second); the mode flags).
PRINTF_LDBL_IS_DBL, SCANF_LDBL_IS_DBL, SCANF_ISOC99_A = 1, 1, 2
_PRINTF, _SCANF = PRINTF_LDBL_IS_DBL, SCANF_LDBL_IS_DBL | SCANF_ISOC99_A
ARM64_LDBL: dict[str, tuple[int | None, int, str, str | None, int]] = {
    "printf": (None, 1, "__vfprintf_internal", "stdout", _PRINTF),
    "vprintf": (1, 1, "__vfprintf_internal", "stdout", _PRINTF),
    "fprintf": (None, 2, "__vfprintf_internal", None, _PRINTF),
    "vfprintf": (2, 2, "__vfprintf_internal", None, _PRINTF),
    "sprintf": (None, 2, "__vsprintf_internal", "-1", _PRINTF),
    "vsprintf": (2, 2, "__vsprintf_internal", "-1", _PRINTF),
    "snprintf": (None, 3, "__vsnprintf_internal", None, _PRINTF),
    "vsnprintf": (3, 3, "__vsnprintf_internal", None, _PRINTF),
    "dprintf": (None, 2, "__vdprintf_internal", None, _PRINTF),
    "vdprintf": (2, 2, "__vdprintf_internal", None, _PRINTF),
    "asprintf": (None, 2, "__vasprintf_internal", None, _PRINTF),
    "vasprintf": (2, 2, "__vasprintf_internal", None, _PRINTF),
    "scanf": (None, 1, "__vfscanf_internal", "stdin", _SCANF),
    "vscanf": (1, 1, "__vfscanf_internal", "stdin", _SCANF),
    "fscanf": (None, 2, "__vfscanf_internal", None, _SCANF),
    "vfscanf": (2, 2, "__vfscanf_internal", None, _SCANF),
}
# arm64: variadic function taking at most one anonymous integer -> its register (fcntl
# and ioctl do this in FCNTL_IOCTL's arm64 entries).
ARM64_ONE_ANONYMOUS: dict[str, int] = {}
# open/openat: the register of the flags (x86-64: esi/edx; arm64: w1/w2), whose Darwin
# O_* bits the shim moves to Linux's; arm64 then moves the mode too, as ARM64_ONE_ANONYMOUS.
OPEN_FLAGS_ARGUMENT: dict[str, int] = {"open": 1, "openat": 2}
# (Darwin <sys/fcntl.h> bit, Linux bit) of each O_* flag both have, besides the access mode
# (bits 0-1 on both). Linux's from asm-generic/fcntl.h, O_DIRECTORY and O_NOFOLLOW from
# each architecture's asm/fcntl.h; O_SYNC is Linux's __O_SYNC | O_DSYNC.
OPEN_FLAG_BITS: dict[str, tuple[tuple[int, int], ...]] = {
    arch: ((2, 11), (3, 10), (7, 12), (7, 20), (9, 6), (10, 9), (11, 7), (17, 8), (22, 12),
           (24, 19), *extra)
    for arch, extra in (("x86_64", ((8, 17), (20, 16))), ("aarch64", ((8, 15), (20, 14))))}
# arm64: glibc's other variadic functions: no shim, so no binding (a wrong one would read
# its arguments from the wrong place).
ARM64_VARIADIC_UNSUPPORTED = frozenset({
    "execl", "execle", "execlp", "syscall", "prctl", "ptrace", "semctl", "ulimit",
    "mq_open", "sem_open", "wprintf", "fwprintf", "swprintf", "wscanf", "fwscanf",
    "swscanf", "error", "error_at_line", "strfmon", "makecontext"})
# Functions whose structures Darwin lays out differently from glibc: bound to glibc's, they
# would write past or misplace fields, so they stay undefined on both architectures.
LAYOUT_DIFFERS = frozenset({"stat", "fstat", "lstat", "fstatat", "statfs", "fstatfs",
                            "readdir", "readdir_r", "getdirentries", "glob", "globfree"})


# ---------------------------------------------------------------- AArch64 encoders

def _stp_sp(rt: int, rt2: int, offset: int) -> int:
    """``stp Xrt, Xrt2, [sp, #offset]`` (signed offset, a multiple of 8)."""
    return 0xA9000000 | ((offset // 8) & 0x7F) << 15 | rt2 << 10 | 31 << 5 | rt


def _add_sp(rd: int, imm: int) -> int:
    """``add Xrd, sp, #imm``."""
    return 0x91000000 | imm << 10 | 31 << 5 | rd


def _ldr_sp(rt: int) -> int:
    """``ldr Xrt, [sp]``."""
    return 0xF94003E0 | rt


XZR, X9 = 31, 9
A64_FRAME48 = 0xA9BD7BFD  # stp x29, x30, [sp, #-48]!
A64_FRAME32 = 0xA9BE7BFD  # stp x29, x30, [sp, #-32]!
A64_MOV_FP = 0x910003FD  # mov x29, sp
A64_UNFRAME48 = 0xA8C37BFD  # ldp x29, x30, [sp], #48
A64_UNFRAME32 = 0xA8C27BFD  # ldp x29, x30, [sp], #32
A64_RET = 0xD65F03C0
A64_BL, A64_B = 0x94000000, 0x14000000  # Branch26PCRel edges fill the offset


def _words(*words: int) -> bytes:
    return struct.pack(f"<{len(words)}I", *words)


def arm64_variadic_shim(named: int) -> tuple[bytes, int]:
    """A variadic function with ``named`` named arguments as its va_list form: the code and
    the offset of its ``bl``. Frame: x29, x30, then the AAPCS64 va_list at sp+16
    {__stack = the caller's stack arguments (sp+48), __gr_top, __vr_top (unused),
    __gr_offs = __vr_offs = 0}; its address is the argument after the named ones."""
    code = _words(A64_FRAME48, A64_MOV_FP,
                  _add_sp(X9, 48),              # x9 = the anonymous arguments
                  _stp_sp(X9, X9, 16),          # __stack, __gr_top
                  _stp_sp(X9, XZR, 32),         # __vr_top; __gr_offs = __vr_offs = 0
                  _add_sp(named, 16),           # x<named> = &va_list
                  A64_BL, A64_UNFRAME48, A64_RET)
    return code, 24


def arm64_va_list_shim(index: int) -> tuple[bytes, int]:
    """A function whose argument ``index`` is a Darwin va_list (a pointer to 8-byte slots)
    as glibc's: the same va_list as ``arm64_variadic_shim``'s over that pointer; the code
    and the offset of its ``bl``."""
    code = _words(A64_FRAME48, A64_MOV_FP,
                  _stp_sp(index, index, 16),    # __stack = ap, __gr_top
                  _stp_sp(index, XZR, 32),      # __vr_top; offsets 0
                  _add_sp(index, 16),           # x<index> = &va_list
                  A64_BL, A64_UNFRAME48, A64_RET)
    return code, 20


def _mov(rd: int, rn: int) -> int:
    """``mov Xrd, Xrn`` (``orr Xrd, xzr, Xrn``)."""
    return 0xAA0003E0 | rn << 16 | rd


def arm64_ldbl_shim(va_index: int | None, named: int, extra: str | None, mode: int
                    ) -> tuple[bytes, list[tuple[int, int, str | None]]]:
    """A printf or scanf family function as a call of glibc's engine with ``mode`` flags
    (``ARM64_LDBL``'s entry): the va_list as ``arm64_variadic_shim`` builds it (from the
    stack arguments, or from the Darwin va_list in x<va_index>), the ``named`` arguments
    moved up one register for ``extra`` (``stdout``/``stdin`` loaded into x0 by ``adrp``
    and ``ldr``; ``-1`` into x1 by ``mov x1, #-1``), then &va_list and ``mode`` (``mov
    w<n>, #mode``). The code, and its edges: (offset, aarch64 edge kind, symbol; None for
    the glibc function the ``bl`` calls)."""
    kind = aarch64.EdgeKind
    words = [A64_FRAME48, A64_MOV_FP]
    if va_index is None:
        words += [_add_sp(X9, 48), _stp_sp(X9, X9, 16), _stp_sp(X9, XZR, 32)]
    else:
        words += [_stp_sp(va_index, va_index, 16), _stp_sp(va_index, XZR, 32)]
    edges: list[tuple[int, int, str | None]] = []
    if extra is not None:
        at = 0 if extra in ("stdout", "stdin") else 1
        words += [_mov(i + 1, i) for i in range(named - 1, at - 1, -1)]
        if at == 0:
            edges += [(4 * len(words), kind.Page21, extra),
                      (4 * len(words) + 4, kind.PageOffset12, extra)]
            words += [0x90000000, 0xF9400000]  # adrp x0, extra; ldr x0, [x0, #:lo12:]
        else:
            words.append(0x92800001)  # mov x1, #-1 (movn x1, #0)
        named += 1
    words += [_add_sp(named, 16), 0x52800000 | mode << 5 | (named + 1)]
    edges.append((4 * len(words), kind.Branch26PCRel, None))
    words += [A64_BL, A64_UNFRAME48, A64_RET]
    return _words(*words), edges


# sscanf/vsscanf: glibc reads a string through a string FILE on the stack (its
# _IO_strfile, libio/strfile.h: the FILE (216 bytes on AArch64, its _lock at 0x88), the
# vtable pointer, two unused words: 240 bytes), as glibc's own vsscanf sets it up:
# _IO_no_init(fp, _IO_USER_LOCK, -1, NULL, NULL); vtable = &_IO_str_jumps;
# _IO_str_init_static_internal(fp, string, 0, NULL); then __vfscanf_internal(fp, format,
# &va_list, mode). Frame (304 bytes): x29, x30; the va_list at sp+16; format and string at
# sp+48 and sp+56; the string FILE at sp+64.
_STRFILE, _STRFILE_LOCK, _STRFILE_VTABLE, _IO_USER_LOCK = 64, 0x88, 0xD8, 0x8000


def _str_sp(rt: int, offset: int) -> int:
    """``str Xrt, [sp, #offset]`` (a multiple of 8; rt 31 is xzr)."""
    return 0xF9000000 | (offset // 8) << 10 | 31 << 5 | rt


def _ldr_sp_at(rt: int, offset: int) -> int:
    """``ldr Xrt, [sp, #offset]`` (a multiple of 8)."""
    return 0xF9400000 | (offset // 8) << 10 | 31 << 5 | rt


def arm64_sscanf_shim(va_index: int | None, mode: int
                      ) -> tuple[bytes, list[tuple[int, int, str]]]:
    """``sscanf(string, format, ...)`` (``va_index`` None) or ``vsscanf(string, format,
    ap)`` (``va_index`` 2) for arm64, with scanf's ``mode`` flags (see the string FILE
    above): the code and its edges (offset, aarch64 edge kind, glibc symbol)."""
    kind = aarch64.EdgeKind
    words = [0xA9800000 | (-38 & 0x7F) << 15 | 30 << 10 | 31 << 5 | 29,  # stp x29, x30,
             A64_MOV_FP]                                                 # [sp, #-304]!
    if va_index is None:
        words += [_add_sp(X9, 304), _stp_sp(X9, X9, 16), _stp_sp(X9, XZR, 32)]
    else:
        words += [_stp_sp(va_index, va_index, 16), _stp_sp(va_index, XZR, 32)]
    words += [_stp_sp(1, 0, 48),                                 # format, string
              _add_sp(0, _STRFILE), _str_sp(XZR, _STRFILE + _STRFILE_LOCK),
              0x52800000 | _IO_USER_LOCK << 5 | 1,               # mov w1, #0x8000
              0x12800002,                                        # mov w2, #-1
              0xD2800003, 0xD2800004]                            # mov x3, #0; mov x4, #0
    edges: list[tuple[int, int, str]] = [(4 * len(words), kind.Branch26PCRel, "_IO_no_init")]
    words += [A64_BL]
    edges += [(4 * len(words), kind.Page21, "_IO_str_jumps"),
              (4 * len(words) + 4, kind.PageOffset12, "_IO_str_jumps")]
    words += [0x90000009, 0x91000129,                            # adrp x9; add x9, x9, lo12
              _str_sp(X9, _STRFILE + _STRFILE_VTABLE),
              _add_sp(0, _STRFILE), _ldr_sp_at(1, 56), 0xD2800002, 0xD2800003]
    edges.append((4 * len(words), kind.Branch26PCRel, "_IO_str_init_static_internal"))
    words += [A64_BL, _add_sp(0, _STRFILE), _ldr_sp_at(1, 48), _add_sp(2, 16),
              0x52800000 | mode << 5 | 3]                        # mov w3, #mode
    edges.append((4 * len(words), kind.Branch26PCRel, "__vfscanf_internal"))
    words += [A64_BL, 0xA8C00000 | 38 << 15 | 30 << 10 | 31 << 5 | 29,  # ldp x29, x30,
              A64_RET]                                                 # [sp], #304
    return _words(*words), edges


def arm64_one_anonymous_shim(register: int) -> tuple[bytes, int]:
    """``ldr x<register>, [sp]`` then a tail call (``b``, offset 4): the one anonymous
    argument (a mode, an ioctl/fcntl argument) from Darwin's stack slot to its AAPCS64
    register. Reading the slot when the caller passed none is harmless (the caller's
    frame)."""
    return _words(_ldr_sp(register), A64_B), 4


def arm64_open_shim(flags: int, mode: int) -> tuple[bytes, int]:
    """``open``/``openat`` for arm64: Darwin's O_* bits in w<flags> become Linux's (``and
    w9, w<flags>, #3``, then per flag ``ubfx w10, w<flags>, #darwin, #1; orr w9, w9, w10,
    lsl #linux``; ``mov w<flags>, w9``), the mode moves from the stack to x<mode>, then a
    tail call; the code and the offset of its ``b``."""
    words = [0x12000409 | flags << 5]
    for darwin, linux in OPEN_FLAG_BITS["aarch64"]:
        words += [0x53000000 | darwin << 16 | darwin << 10 | flags << 5 | 10,
                  0x2A0A0129 | linux << 10]
    words += [0x2A0903E0 | flags, _ldr_sp(mode), A64_B]
    return _words(*words), 4 * (len(words) - 1)


def x86_64_open_shim(flags: int) -> tuple[bytes, int]:
    """``open``/``openat`` for x86-64 (System V on both sides: only the flags differ):
    Darwin's O_* bits in esi (``flags`` 1) or edx (2) become Linux's in r11d (``mov
    r11d, FLAGS; and $3, r11d``, per flag ``mov r10d, FLAGS; shr $darwin, r10d; and $1,
    r10d; shl $linux, r10d; or r10d, r11d``), ``mov r11d, FLAGS``, ``jmp``; the code and
    the offset of the jump's rel32. r10 and r11 are scratch; al (the vector register count
    of a variadic call) is kept."""
    source = {1: 0xF0, 2: 0xD0}[flags]  # ModRM of mov FLAGS, r8-r15 (reg field: esi, edx)
    code = bytearray([0x41, 0x89, source | 3, 0x41, 0x83, 0xE3, 0x03])
    for darwin, linux in OPEN_FLAG_BITS["x86_64"]:
        code += bytes([0x41, 0x89, source | 2, 0x41, 0xC1, 0xEA, darwin, 0x41, 0x83, 0xE2,
                       0x01, 0x41, 0xC1, 0xE2, linux, 0x45, 0x09, 0xD3])
    code += bytes([0x44, 0x89, {1: 0xDE, 2: 0xDA}[flags], 0xE9, 0, 0, 0, 0])
    return bytes(code), len(code) - 4


# __sincos_stret(x): sincos(x, &s, &c) with s at sp+16, c at sp+24, then d0, d1.
ARM64_SINCOS = (_words(A64_FRAME32, A64_MOV_FP, _add_sp(0, 16), _add_sp(1, 24), A64_BL,
                       0x6D4107E0,  # ldp d0, d1, [sp, #16]
                       A64_UNFRAME32, A64_RET), 16)
# __sincosf_stret(x): sincosf(x, &s, &c) with s at sp+16, c at sp+20, then s0, s1.
ARM64_SINCOSF = (_words(A64_FRAME32, A64_MOV_FP, _add_sp(0, 16), _add_sp(1, 20), A64_BL,
                        0x2D4207E0,  # ldp s0, s1, [sp, #16]
                        A64_UNFRAME32, A64_RET), 16)
# __assert_rtn(func, file, line, expr) -> __assert_fail(expr, file, line, func): swap x0
# and x3 (mov x9, x0; mov x0, x3; mov x3, x9), then b.
ARM64_ASSERT_RTN = (_words(0xAA0003E9, 0xAA0303E0, 0xAA0903E3, A64_B), 12)

# _tlv_atexit(dtor, obj) -> __cxa_thread_atexit_impl(dtor, obj, dso): Darwin's registration
# of a thread_local object's destructor (run at thread exit, or by exit for the main
# thread). glibc wants an address inside the registering module as ``dso``; any address of
# the static program does, so the shim passes its own (adr x2, .), then b.
ARM64_TLV_ATEXIT = (_words(0x10000002, A64_B), 4)
# x86-64: lea -7(%rip),%rdx (the lea itself); jmp __cxa_thread_atexit_impl.
X86_64_TLV_ATEXIT = (bytes.fromhex("488d15f9ffffff" "e900000000"), 8)

# x86-64 (System V, as Darwin's): sub $24,%rsp (rsp 16-aligned at the call); s at (%rsp),
# c at 8(%rsp); call; movsd (%rsp),%xmm0; movsd 8(%rsp),%xmm1; add $24,%rsp; ret.
X86_64_SINCOS = (bytes.fromhex("4883ec18" "4889e7" "488d742408" "e800000000"
                               "f20f100424" "f20f104c2408" "4883c418" "c3"), 13)
# __sincosf_stret: struct {float, float} comes back in xmm0's low 8 bytes: movq (%rsp),%xmm0.
X86_64_SINCOSF = (bytes.fromhex("4883ec18" "4889e7" "488d742404" "e800000000"
                                "f30f7e0424" "4883c418" "c3"), 13)
# __assert_rtn: xchg %rcx,%rdi; jmp __assert_fail.
X86_64_ASSERT_RTN = (bytes.fromhex("4887f9" "e900000000"), 4)


class _Shim:
    """One shim: its code, and (offset of the branch, glibc function it calls) or None;
    ``edges``: more references, (offset, edge kind, glibc symbol)."""

    def __init__(self, code: bytes, branch: int | None, target: str | None,
                 edges: tuple[tuple[int, int, str], ...] = ()) -> None:
        self.code = code
        self.branch = branch
        self.target = target
        self.edges = edges


def _ldbl_shim(va_index: int | None, named: int, target: str, extra: str | None,
               mode: int) -> _Shim:
    code, edges = arm64_ldbl_shim(va_index, named, extra, mode)
    branch = next(offset for offset, _, symbol in edges if symbol is None)
    return _Shim(code, branch, target, tuple((offset, kind, symbol) for offset, kind, symbol
                                             in edges if symbol is not None))


def _arm64_shims() -> Iterator[tuple[str, _Shim]]:
    yield "__chkstk_darwin", _Shim(_words(A64_RET), None, None)
    yield "__sincos_stret", _Shim(*ARM64_SINCOS, "sincos")
    yield "__sincosf_stret", _Shim(*ARM64_SINCOSF, "sincosf")
    yield "__assert_rtn", _Shim(*ARM64_ASSERT_RTN, "__assert_fail")
    yield "_tlv_atexit", _Shim(*ARM64_TLV_ATEXIT, "__cxa_thread_atexit_impl")
    for name, (named, vname) in ARM64_VARIADIC.items():
        yield name, _Shim(*arm64_variadic_shim(named), vname)
    for name, index in ARM64_VA_LIST.items():
        yield name, _Shim(*arm64_va_list_shim(index), name)
    for name, (va_index, named, target, extra, mode) in ARM64_LDBL.items():
        yield name, _ldbl_shim(va_index, named, target, extra, mode)
    for name, va_index in (("sscanf", None), ("vsscanf", 2)):
        code, edges = arm64_sscanf_shim(va_index, _SCANF)
        yield name, _Shim(code, None, None, tuple(edges))
    for name, register in ARM64_ONE_ANONYMOUS.items():
        yield name, _Shim(*arm64_one_anonymous_shim(register), name)
    for name, flags in OPEN_FLAGS_ARGUMENT.items():
        yield name, _Shim(*arm64_open_shim(flags, flags + 1), name)


def _x86_64_shims() -> Iterator[tuple[str, _Shim]]:
    for name, flags in OPEN_FLAGS_ARGUMENT.items():
        yield name, _Shim(*x86_64_open_shim(flags), name)
    yield "__chkstk_darwin", _Shim(b"\xc3", None, None)
    yield "__sincos_stret", _Shim(*X86_64_SINCOS, "sincos")
    yield "__sincosf_stret", _Shim(*X86_64_SINCOSF, "sincosf")
    yield "__assert_rtn", _Shim(*X86_64_ASSERT_RTN, "__assert_fail")
    yield "_tlv_atexit", _Shim(*X86_64_TLV_ATEXIT, "__cxa_thread_atexit_impl")


def _arm64_tlv_getter(table: int) -> bytes:
    return _words(0xF9400410,   # ldr x16, [x0, #8]        module id
                  0x580000F1,   # ldr x17, =table          (the literal below)
                  0xF8707A31,   # ldr x17, [x17, x16, lsl #3]
                  0xF9400810,   # ldr x16, [x0, #16]       offset in the module
                  0x8B110210,   # add x16, x16, x17
                  0xD53BD040,   # mrs x0, tpidr_el0
                  0x8B100000,   # add x0, x0, x16
                  A64_RET) + struct.pack("<Q", table)


def _x86_64_tlv_getter(table: int) -> bytes:
    # mov 8(%rdi),%rax; mov table(,%rax,8),%rax; add 16(%rdi),%rax; add %fs:0,%rax; ret
    return (bytes.fromhex("488b4708" "488b04c5") + struct.pack("<I", table) +
            bytes.fromhex("48034710" "6448030425" "00000000" "c3"))


@dataclass(frozen=True)
class DarwinTarget:
    """What the layer does for one architecture: its shims, the edge kind of their calls
    (aarch64 Branch26PCRel; x86-64 BranchPCRel32, S + A - (P + 4), a call's rel32) and how
    it names edge kinds; the Darwin names it refuses; whether it defines its own
    ``__stack_chk_guard`` (x86-64 glibc exports none); the thread-local getter's code."""

    shims: Callable[[], Iterator[tuple[str, _Shim]]]
    branch_kind: int
    edge_kind_name: Callable[[int], str]
    refused: frozenset[str]
    own_stack_guard: bool
    tlv_getter: Callable[[int], bytes]


# Per target (jitlink.target.Arch's values).
TARGETS: dict[str, DarwinTarget] = {
    "aarch64": DarwinTarget(_arm64_shims, aarch64.EdgeKind.Branch26PCRel,
                            aarch64.edge_kind_name, ARM64_VARIADIC_UNSUPPORTED | LAYOUT_DIFFERS,
                            False, _arm64_tlv_getter),
    "x86_64": DarwinTarget(_x86_64_shims, x86_64.EdgeKind.BranchPCRel32,
                           x86_64.edge_kind_name, LAYOUT_DIFFERS, True, _x86_64_tlv_getter),
}


# ---------------------------------------------------------------- errno
#
# Darwin's errno values differ from Linux's above 34, and at 11 (Darwin EDEADLK, Linux
# EAGAIN; Darwin EAGAIN is 35, Linux EDEADLK). glibc stores Linux values; a Darwin program
# reads and writes errno through ``__error()`` and compares with Darwin's constants. The
# layer's ``__error`` translates glibc's errno in place, Linux -> Darwin, and remembers per
# thread (a table keyed by the errno variable's address: one thread runs at a time) the
# value it left there, so a second call does not translate it again; any other value
# (glibc's next error, or one the program stored, such as 0) is translated afresh.
# ``strerror`` and ``perror`` take Darwin values back to Linux's first. Not covered: other
# glibc functions that read errno after the program read it (``err``/``warn``, ``%m``,
# ``strerror_r``), a Linux value equal to the translated one left before it (the rare case
# the table cannot tell apart), and more than ERRNO_THREADS threads (the rest untranslated).
# Darwin's numbers: <sys/errno.h> of xnu; Linux's: Python's errno (the host's glibc).
DARWIN_ERRNO: dict[str, int] = {
    "EDEADLK": 11, "EAGAIN": 35, "EINPROGRESS": 36, "EALREADY": 37, "ENOTSOCK": 38,
    "EDESTADDRREQ": 39, "EMSGSIZE": 40, "EPROTOTYPE": 41, "ENOPROTOOPT": 42,
    "EPROTONOSUPPORT": 43, "ESOCKTNOSUPPORT": 44, "ENOTSUP": 45, "EPFNOSUPPORT": 46,
    "EAFNOSUPPORT": 47, "EADDRINUSE": 48, "EADDRNOTAVAIL": 49, "ENETDOWN": 50,
    "ENETUNREACH": 51, "ENETRESET": 52, "ECONNABORTED": 53, "ECONNRESET": 54, "ENOBUFS": 55,
    "EISCONN": 56, "ENOTCONN": 57, "ESHUTDOWN": 58, "ETOOMANYREFS": 59, "ETIMEDOUT": 60,
    "ECONNREFUSED": 61, "ELOOP": 62, "ENAMETOOLONG": 63, "EHOSTDOWN": 64, "EHOSTUNREACH": 65,
    "ENOTEMPTY": 66, "EUSERS": 68, "EDQUOT": 69, "ESTALE": 70, "EREMOTE": 71, "ENOLCK": 77,
    "ENOSYS": 78, "EOVERFLOW": 84, "ECANCELED": 89, "EIDRM": 90, "ENOMSG": 91, "EILSEQ": 92,
    "EBADMSG": 94, "EMULTIHOP": 95, "ENODATA": 96, "ENOLINK": 97, "ENOSR": 98, "ENOSTR": 99,
    "EPROTO": 100, "ETIME": 101, "EOPNOTSUPP": 102, "ENOTRECOVERABLE": 104,
    "EOWNERDEAD": 105}
LINUX_ERRNO_LIMIT, DARWIN_ERRNO_LIMIT = 134, 107  # table sizes (ELAST + 1 on each side)
ERRNO_THREADS = 64  # (errno address, value left) pairs


def errno_tables() -> tuple[bytes, bytes]:
    """(Linux -> Darwin, Darwin -> Linux) byte tables; a value only one side has stays."""
    import errno as linux

    numbers = {name: getattr(linux, name) for name in DARWIN_ERRNO if hasattr(linux, name)}
    # Linux's EOPNOTSUPP is its ENOTSUP (95): Darwin's ENOTSUP (45) is POSIX's file error.
    numbers["EOPNOTSUPP"] = -1
    to_darwin = bytearray(range(LINUX_ERRNO_LIMIT))
    to_linux = bytearray(range(DARWIN_ERRNO_LIMIT))
    to_darwin[11] = to_darwin[35] = 0  # overwritten below (EAGAIN, EDEADLK)
    for name, darwin in DARWIN_ERRNO.items():
        number = numbers.get(name, -1)
        if 0 <= number < LINUX_ERRNO_LIMIT:
            to_darwin[number] = darwin
            to_linux[darwin] = number
    to_linux[102] = numbers.get("ENOTSUP", 95)
    return bytes(to_darwin), bytes(to_linux)


# The three functions' code, assembled by llvm-mc, with (offset, edge kind, target,
# addend) for each relocation it had. __error(): p = __errno_location(); find p's entry in
# the table (claim a free one, its value -1); unless *p is the value left there, *p =
# l2d[*p] (for 0 <= *p < 134) and remember it; return p. strerror(e): strerror(d2l[e]).
# perror(s): if p's entry says *p is a translated value, *p = d2l[*p] and forget it; then
# perror(s). AArch64: __error at 0, strerror at 0x78, perror at 0x90.
A64_ERRNO_CODE = bytes.fromhex(
    "fd7bbfa9fd0300910000009409000090290100910a0880d22b0140f97f0100eb"
    "20010054ab0000b4294100914a0500f141ffff540f000014200100f90c008012"
    "2c0900b90b0040b92c0940b97f010c6b000100547f190271820000540d000090"
    "ad010091ab696b380b0000b92b0900b9fd7bc1a8c0035fd61fac017182000054"
    "09000090290100912049603800000014fd7bbea9fd030091e00b00f900000094"
    "09000090290100910a0880d22b0140f97f0100eba0000054294100914a0500f1"
    "61ffff540d0000140b0040b92c0940b97f010c6b210100540c0080122c0900b9"
    "7fad0171a20000540d000090ad010091ab696b380b0000b9e00b40f9fd7bc2a8"
    "00000014")
_A64 = aarch64.EdgeKind
A64_ERRNO_EDGES = (
    (0x08, _A64.Branch26PCRel, "__errno_location", 0), (0x0C, _A64.Page21, "table", 0),
    (0x10, _A64.PageOffset12, "table", 0), (0x5C, _A64.Page21, "l2d", 0),
    (0x60, _A64.PageOffset12, "l2d", 0), (0x80, _A64.Page21, "d2l", 0),
    (0x84, _A64.PageOffset12, "d2l", 0), (0x8C, _A64.Branch26PCRel, "strerror", 0),
    (0x9C, _A64.Branch26PCRel, "__errno_location", 0), (0xA0, _A64.Page21, "table", 0),
    (0xA4, _A64.PageOffset12, "table", 0), (0xE8, _A64.Page21, "d2l", 0),
    (0xEC, _A64.PageOffset12, "d2l", 0), (0x100, _A64.Branch26PCRel, "perror", 0))
# x86-64: __error at 0, strerror at 0x54, perror at 0x69. rel32 calls and jumps are
# BranchPCRel32 (the kind applies the -4 itself), RIP-relative leas Delta32 - 4.
X86_64_ERRNO_CODE = bytes.fromhex(
    "53e800000000488d1500000000b940000000488b324839c674194885f6740a48"
    "83c210ffc975ebeb29488902c74208ffffffff8b303b7208741881fe86000000"
    "730b488d0d000000000fb6343189308972085bc383ff6b730b488d0500000000"
    "0fb63c38e900000000534889fbe800000000488d1500000000b940000000488b"
    "324839c6740a4883c210ffc975f0eb208b303b72087519c74208ffffffff83fe"
    "6b730d488d0d000000000fb6343189304889df5be900000000")
_X86 = x86_64.EdgeKind
X86_64_ERRNO_EDGES = (
    (0x02, _X86.BranchPCRel32, "__errno_location", 0), (0x09, _X86.Delta32, "table", -4),
    (0x45, _X86.Delta32, "l2d", -4), (0x5C, _X86.Delta32, "d2l", -4),
    (0x65, _X86.BranchPCRel32, "strerror", 0),
    (0x6E, _X86.BranchPCRel32, "__errno_location", 0), (0x75, _X86.Delta32, "table", -4),
    (0xA6, _X86.Delta32, "d2l", -4), (0xB5, _X86.BranchPCRel32, "perror", 0))
ERRNO_FUNCTIONS = {"aarch64": (A64_ERRNO_CODE, A64_ERRNO_EDGES,
                               {"__error": 0, "strerror": 0x78, "perror": 0x90}),
                   "x86_64": (X86_64_ERRNO_CODE, X86_64_ERRNO_EDGES,
                              {"__error": 0, "strerror": 0x54, "perror": 0x69})}


def _code_graph(name: str, arch: str, code: bytes, entries: dict[str, int],
                edge_kind_name: Callable[[int], str]) -> tuple[LinkGraph, Block]:
    """A graph named ``name`` holding ``code`` as one R-X block (16-byte aligned) and, for
    each of ``entries`` (Darwin C name -> offset in bytes), a live, callable, default-scope
    definition of ``SHIM_PREFIX`` + the name; the block, to add edges to."""
    graph = LinkGraph(name, arch, edge_kind_name=edge_kind_name)
    text = graph.create_section(".text", MemProt.READ | MemProt.EXEC)
    block = graph.create_content_block(text, code, alignment=16)
    for entry, offset in entries.items():
        graph.add_defined_symbol(block, offset, SHIM_PREFIX + entry, 0, Linkage.STRONG,
                                 Scope.DEFAULT, callable=True, live=True)
    return graph, block


def errno_graph(arch: str, edge_kind_name: Callable[[int], str]) -> LinkGraph:
    """The graph of the layer's ``__error``, ``strerror`` and ``perror`` for ``arch``: their
    code, the per-thread table (RW, zero) and the two translation tables (R)."""
    code, edges, entries = ERRNO_FUNCTIONS[arch]
    graph, block = _code_graph("<darwin layer: errno>", arch, code, entries, edge_kind_name)
    data = graph.create_section(".data", MemProt.READ | MemProt.WRITE)
    table = graph.create_zero_fill_block(data, 16 * ERRNO_THREADS, alignment=16)
    rodata = graph.create_section(".rodata", MemProt.READ)
    to_darwin, to_linux = errno_tables()
    tables = graph.create_content_block(rodata, to_darwin + to_linux, alignment=16)
    local = {"table": graph.add_anonymous_symbol(table, 0, 16 * ERRNO_THREADS),
             "l2d": graph.add_anonymous_symbol(tables, 0, len(to_darwin)),
             "d2l": graph.add_anonymous_symbol(tables, len(to_darwin), len(to_linux))}
    external: dict[str, Symbol] = {}
    for offset, kind, target, addend in edges:
        symbol = local.get(target)
        if symbol is None:
            symbol = external.get(target)
            if symbol is None:
                symbol = external[target] = graph.add_external_symbol(target)
        block.add_edge(kind, offset, symbol, addend)
    return graph


# ---------------------------------------------------------------- fcntl and ioctl
#
# Darwin's fcntl commands, F_GETFL/F_SETFL's O_* flags, struct flock (its field order and
# lock types) and ioctl requests (FIOCLEX, FIONBIO, FIONREAD, TIOCGWINSZ, ...) are not
# Linux's. fcntl_ioctl.c (next to this file) translates them and calls glibc's; below is
# that file compiled for each architecture (the command in its comment; the test compiles
# it again and compares): its .text, the offsets of its calls (AArch64 Branch26PCRel,
# x86-64 BranchPCRel32) to glibc's fcntl and ioctl, and where each function begins. arm64
# enters through two stubs in front of it (``ldr x2, [sp]``: Darwin's one anonymous
# argument to its AAPCS64 register, then ``b`` to the function); x86-64 Darwin calls as
# System V does, straight in.
A64_FCNTL_IOCTL_CODE = bytes.fromhex(
    "ff0301d13f100071fd7b02a9fd830091f44f03a92d0500543f1800718d070054"
    "281c00511f0d0071e207005448284079492c4079f30302aa4000c03df403012a"
    "1f0d0071e907007909159f1a1f050071481040b9e903891ae2030091e083803c"
    "e81b00b928080051e103082ae9030079000000949f1e00714108005420080035"
    "e8034079e90740796a008052e083c03c1f050071692e00794901881a1f010071"
    "e81b40b929159f1a6002803d692a0079681200b9330000143f0c0071c3060054"
    "400400543f10007141060054487c0253490400120a808452f44f43a909011533"
    "481d020a4a7c47d3fd7b42a92801082a497c4ad348010c332901141248011433"
    "0201092aff030191000000143f140071200100543f180071c103005401018052"
    "1d0000143f0c017141030054c180805219000014f44f43a921018052fd7b42a9"
    "ff0301910000001461008052000000948001f837082c0b53090980520a7c0d53"
    "0b040012291d400a6809082a4a0119120b7c0c5329010a2a0001092a60010a33"
    "f44f43a9fd7b42a9ff030191c0035fd601008012f44f43a9fd7b42a9ff030191"
    "00000014488e8e528800a8723f0008eb6c020054a8818e520800a4723f0008eb"
    "2d040054088e8e520800a4723f0008eb2c070054c8818e520800a4723f0008eb"
    "20090054288c8e520800a4723f0008ebc1080054c1818a520000001488cf8c52"
    "8800b0723f0008ebad030054a88e8e528800b0723f0008eb2c060054a8cf8c52"
    "8800b0723f0008eb20070054c8cf8c528800b0723f0008eb8106005421848a52"
    "0000001428c08c520800a4723f0008eba006005448c08c520800a4723f0008eb"
    "a0060054a8818e520800a4723f0008ebc104005481818a5200000014688e8e52"
    "8800a8723f0008eb20050054e88e8e528800a8723f0008eb20050054088d8e52"
    "0801a8723f0008eb0103005461828a5200000014288e8e520800a4723f0008eb"
    "a0020054e8cf8c528800a8723f0008ebc101005461838a5200000014c88e8e52"
    "8800b0723f0008eba0010054e88c8e520801b0723f0008eb8100005481828a52"
    "00000014a1818a5200000014418a8a520000001441848a520000001401828a52"
    "00000014218a8a520000001421828a5200000014018a8a5200000014e1818a52"
    "00000014")
A64_FCNTL_IOCTL_CALLS = {
    "fcntl": (112, 264, 324, 332, 416),
    "ioctl": (504, 576, 632, 688, 728, 768, 776, 784, 792, 800, 808, 816, 824, 832),
}
A64_FCNTL_IOCTL_ENTRIES = {"fcntl": 0, "ioctl": 420}
X86_64_FCNTL_IOCTL_CODE = bytes.fromhex(
    "554156534883ec2089f383fe040f8ea000000083fb060f8efe0000008d43f983"
    "f8030f83030100008b42146683f803bd0100000089c10f44cd31f66683f8010f"
    "44ce66890c240fb7421666894424020f10020f114424084989d68b4210894424"
    "188d73fe4889e231c0e80000000083f30709c30f85120100008b0c246683f901"
    "ba030000000f45d16685c90f44d566418956140fb74c24026641894e160f1044"
    "2408410f11068b4c241841894e10e9d800000083fb03730789dee9da0000000f"
    "848600000083fb040f85c600000089d083e00389d183e104c1e10909c189d083"
    "e048c1e00709c889d1c1e90783e10189cec1e61409c6c1e10c09f1c1ea0a81e2"
    "0010000009cabe0400000031c04883c4205b415e5de90000000083fb05741883"
    "fb067570be08000000eb6e83fb437564be06040000eb62be0900000031c04883"
    "c4205b415e5de900000000be0300000031c0e80000000085c0783089c183e103"
    "89c2c1ea0983e20409ca89c1c1e90783e14809d189c2c1ea0d81e28000000009"
    "cac1e00a250000400009d04883c4205b415e5dc3beffffffff31c04883c4205b"
    "415e5de9000000000f1f8400000000004881fe727404407f3c4881fe0d740020"
    "7e734881fe707400200f8fc40000004881fe0e7400200f84f50000004881fe61"
    "7400200f85ed000000be0e54000031c0e900000000b87c6604804839c67e65b8"
    "757404804839c60f8fa4000000b87d6604804839c60f84c2000000b87e660480"
    "4839c60f85ad000000be2154000031c0e9000000004881fe016600200f84bf00"
    "00004881fe026600200f84ca0000004881fe0d740020757ebe0c54000031c0e9"
    "000000004881fe737404400f849c0000004881fe777404400f84a70000004881"
    "fe68740840754fbe1354000031c0e9000000004881fe71740020744d4881fe7f"
    "6604407531be1b54000031c0e900000000b8767404804839c6743ab867740880"
    "4839c67511be1454000031c0e900000000be0d54000031c0e900000000be5254"
    "000031c0e900000000be2254000031c0e900000000be1054000031c0e9000000"
    "00be5154000031c0e900000000be1154000031c0e900000000be5054000031c0"
    "e900000000be0f54000031c0e900000000")
X86_64_FCNTL_IOCTL_CALLS = {
    "fcntl": (106, 278, 327, 339, 420),
    "ioctl": (497, 561, 608, 655, 685, 717, 729, 741, 753, 765, 777, 789, 801, 813),
}
X86_64_FCNTL_IOCTL_ENTRIES = {"fcntl": 0, "ioctl": 432}
FCNTL_IOCTL = {"aarch64": (A64_FCNTL_IOCTL_CODE, A64_FCNTL_IOCTL_CALLS,
                           A64_FCNTL_IOCTL_ENTRIES),
               "x86_64": (X86_64_FCNTL_IOCTL_CODE, X86_64_FCNTL_IOCTL_CALLS,
                          X86_64_FCNTL_IOCTL_ENTRIES)}


def fcntl_ioctl_graph(arch: str, edge_kind_name: Callable[[int], str]) -> LinkGraph:
    """The graph of the layer's ``fcntl`` and ``ioctl`` for ``arch`` (FCNTL_IOCTL)."""
    code, calls, entries = FCNTL_IOCTL[arch]
    kind: int = x86_64.EdgeKind.BranchPCRel32
    starts = dict(entries)
    shift = 0
    if arch == "aarch64":
        kind = aarch64.EdgeKind.Branch26PCRel
        stubs = []
        shift = 8 * len(entries)
        for i, (name, offset) in enumerate(entries.items()):
            stubs += [_ldr_sp(2), A64_B | ((shift + offset - (8 * i + 4)) // 4)]
            starts[name] = 8 * i
        code = _words(*stubs) + code
    graph, block = _code_graph("<darwin layer: fcntl, ioctl>", arch, code, starts,
                               edge_kind_name)
    for target, offsets in calls.items():
        symbol = graph.add_external_symbol(target)
        for offset in offsets:
            block.add_edge(kind, shift + offset, symbol, 0)
    return graph


def shim_names(arch: str) -> frozenset[str]:
    """The Darwin C names ``arch``'s layer answers with a shim (its own definition)."""
    target = TARGETS[arch]
    names = {name for name, _ in target.shims()} | set(ERRNO_FUNCTIONS[arch][2]) | \
        set(FCNTL_IOCTL[arch][2])
    if target.own_stack_guard:
        names.add("__stack_chk_guard")
    return frozenset(names)


def shim_graphs(arch: str, canary: Callable[[], bytes] | None = None) -> Iterator[LinkGraph]:
    """One small ELF-flavoured LinkGraph per shim of ``arch`` ("aarch64" or "x86_64"),
    defining ``SHIM_PREFIX`` + the Darwin C name, its calls external references to glibc's
    names (resolved in the runtime's namespace). x86-64 also gets ``__stack_chk_guard``:
    8 bytes of ``canary()`` (default: random, low byte zero as glibc's)."""
    target = TARGETS[arch]
    for name, shim in target.shims():
        graph = LinkGraph(f"<darwin layer: {name}>", arch,
                          edge_kind_name=target.edge_kind_name)
        text = graph.create_section(".text", MemProt.READ | MemProt.EXEC)
        block = graph.create_content_block(text, shim.code, alignment=16)
        graph.add_defined_symbol(block, 0, SHIM_PREFIX + name, len(shim.code), Linkage.STRONG,
                                 Scope.DEFAULT, callable=True, live=True)
        if shim.branch is not None and shim.target is not None:
            block.add_edge(target.branch_kind, shim.branch,
                           graph.add_external_symbol(shim.target), 0)
        for offset, kind, name in shim.edges:
            block.add_edge(kind, offset, graph.add_external_symbol(name), 0)
        yield graph
    yield errno_graph(arch, target.edge_kind_name)
    yield fcntl_ioctl_graph(arch, target.edge_kind_name)
    if target.own_stack_guard:
        graph = LinkGraph("<darwin layer: __stack_chk_guard>", arch,
                          edge_kind_name=target.edge_kind_name)
        data = graph.create_section(".rodata", MemProt.READ)
        value = (canary or (lambda: b"\0" + os.urandom(7)))()
        block = graph.create_content_block(data, value, alignment=8)
        graph.add_defined_symbol(block, 0, SHIM_PREFIX + "__stack_chk_guard", 8,
                                 Linkage.STRONG, Scope.DEFAULT, live=True)
        yield graph


def glibc_name(arch: str, name: str) -> str | None:
    """Where the Darwin C name ``name`` (the Mach-O symbol without its ``_``) binds in
    glibc's namespace: a shim's name, glibc's own name for it, or None when the layer
    refuses it (an arm64 variadic function without a shim, a function whose structures
    differ). A ``$`` variant suffix (``fopen$DARWIN_EXTSN``, ``fputs$UNIX2003``) selects
    the same glibc function."""
    base, _, variant = name.partition("$")
    if variant and variant not in ("DARWIN_EXTSN", "UNIX2003", "NOCANCEL"):
        return None  # e.g. stat$INODE64: Darwin's struct layout, not glibc's
    if base in shim_names(arch):
        return SHIM_PREFIX + base
    if base in TARGETS[arch].refused:
        return None
    return ALIASES.get(base, base)


# Mach-O thread-local variables in the emulated Linux process: every module sits in static
# TLS (executors/linux/process.py's LinuxTLS), at an offset from the thread pointer that a
# table, indexed by module id, holds (the one executors/linux/tls_get_addr.py's stub reads).
# A descriptor {getter, module id, offset in module} (orc/platforms/macho.py) is called with
# its address in x0 / rdi and returns the variable's address in this thread, clobbering
# nothing else (x16, x17: AArch64's intra-procedure-call scratch, which no caller keeps live
# across a call).


def tlv_getter(arch: str, table: int) -> bytes:
    """The getter's code for ``arch``, reading the table of TP offsets at ``table`` (below
    2 GiB): TP + table[descriptor.module] + descriptor.offset."""
    return TARGETS[arch].tlv_getter(table)
