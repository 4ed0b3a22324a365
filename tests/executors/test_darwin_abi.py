"""Apple's arm64 calling convention (DarwinPCS) at the host-call bridge, for Mach-O code.

Apple's "Writing ARM64 code for Apple platforms": variadic arguments are all on the stack,
one 8-byte slot each from sp at the call (never in x0-x7/v0-v7), ``va_list`` is a ``char *``
to the next slot, ``long double`` is ``double``. The routines below are assembled by llvm-mc
as ELF AArch64 objects whose calls follow that convention (as clang-14 --target=
arm64-apple-macos11 -O2 emits them: ``stp x8, x9, [sp]; str d0, [sp, #16]; bl _printf``) and
run in an emulated process switched to the Darwin convention, as a session switches it for
Mach-O inputs. Before each call every argument register an AAPCS64 reader would look at holds
junk. The oracle is the host's glibc: the same format and arguments through ctypes.
"""

from __future__ import annotations

import ctypes
import shutil
import struct
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from toolchain import find_clang, find_tool

pytest.importorskip("unicorn")

LLVM_MC = find_tool("llvm-mc")
CLANG = find_clang()
GCC = shutil.which("gcc")
LIBC = ctypes.CDLL(None)
JUNK = 0x4141_4141_4141_4141  # in x0-x7 and d0-d7 before each call (as a double: 2.26e6)
BUFFER_SIZE = 512

needs_llvm_mc = pytest.mark.skipif(LLVM_MC is None, reason="llvm-mc is not on PATH")

# A variadic argument: (kind, value). Kinds: "i" int (the slot's upper half is junk, as the
# convention allows), "u" unsigned int, "l" long, "d" double, "L" long double (a double on
# Darwin), "s" a string (a pointer to it in the slot).
Arg = tuple[str, Any]

CASES: dict[str, tuple[str, list[Arg]]] = {
    "mixed": ("%s|%d|%f|%d|%c|%.3e|%ld|%s|%u|%x|%Lf|%g",
              [("s", "str"), ("i", 42), ("d", 2.5), ("i", -7), ("i", ord("x")), ("d", 1e10),
               ("l", -1234567890123), ("s", "end"), ("u", 4000000000), ("u", 0xBEEF),
               ("L", 2.25), ("d", -0.1)]),
    # 12 integers and 10 doubles: more than x0-x7 and v0-v7 could have held.
    "many": (" ".join(["%d %.2f"] * 10) + " %d %d",
             [a for i in range(10) for a in (("i", i * 11 - 50), ("d", i / 4 - 1))]
             + [("i", 1 << 30), ("i", -(1 << 31))]),
    "stars": ("[%*d|%-*s|%.*f|%0*ld]",
              [("i", 6), ("i", -42), ("i", 7), ("s", "ab"), ("i", 3), ("d", 3.14159),
               ("i", 12), ("l", 99)]),
    "strings": ("%s, %s and %s: %5.1s%%", [("s", "one"), ("s", "two"), ("s", ""),
                                           ("s", "four")]),
}


# ---------------------------------------------------------------------------- assembly


def _mov(reg: str, value: int) -> list[str]:
    """movz/movk of a 64-bit constant into ``reg``."""
    value &= (1 << 64) - 1
    lines = [f"movz {reg}, #{value & 0xFFFF}"]
    lines += [f"movk {reg}, #{(value >> shift) & 0xFFFF}, lsl #{shift}"
              for shift in (16, 32, 48) if (value >> shift) & 0xFFFF]
    return lines


def _address(reg: str, label: str) -> list[str]:
    return [f"adrp {reg}, {label}", f"add {reg}, {reg}, :lo12:{label}"]


class Program:
    """An assembly file: routines in .text, strings in .rodata, a buffer in .bss."""

    def __init__(self) -> None:
        self.text: list[str] = []
        self.strings: dict[str, str] = {}

    def string(self, text: str) -> str:
        label = self.strings.get(text)
        if label is None:
            label = self.strings[text] = f".Lstr{len(self.strings)}"
        return label

    def routine(self, name: str, body: list[str], frame: int = 0) -> None:
        """``name`` with a frame record and ``frame`` bytes of outgoing-argument area at sp."""
        frame = (frame + 15) & -16
        self.text += [f".globl {name}", ".p2align 2", f"{name}:",
                      "stp x29, x30, [sp, #-16]!", "mov x29, sp"]
        if frame:
            self.text.append(f"sub sp, sp, #{frame}")
        self.text += body
        self.text += ["mov sp, x29", "ldp x29, x30, [sp], #16", "ret"]

    def variadic_call(self, name: str, function: str, named: list[list[str]],
                      args: list[Arg]) -> None:
        """A routine calling ``function`` with named arguments (each the instructions that
        load x0, x1, ...) and ``args`` Darwin-style: slot i at [sp + 8 * i]."""
        body = ["bl junk"]
        for index, (kind, value) in enumerate(args):
            if kind == "s":
                body += _address("x9", self.string(value))
            elif kind in ("d", "L"):
                body += _mov("x9", struct.unpack("<Q", struct.pack("<d", value))[0])
            elif kind in ("i", "u"):
                body += _mov("x9", (JUNK & ~0xFFFFFFFF) | (value & 0xFFFFFFFF))
            else:
                body += _mov("x9", value)
            body.append(f"str x9, [sp, #{8 * index}]")
        for loads in named:
            body += loads
        body.append(f"bl {function}")
        self.routine(name, body, 8 * len(args))

    def source(self) -> str:
        junk = _mov("x9", JUNK) + [f"mov x{i}, x9" for i in range(8)] + [
            f"fmov d{i}, x9" for i in range(8)] + ["ret"]
        lines = [".text", ".p2align 2", "junk:", *junk, *self.text, ".section .rodata"]
        for text, label in self.strings.items():
            escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            lines += [f"{label}:", f'.asciz "{escaped}"']
        lines += [".bss", ".p2align 4", ".globl buffer", "buffer:", f".zero {BUFFER_SIZE}",
                  ".globl scratch", "scratch:", ".zero 64"]
        return "".join(f"    {line}\n" if not line.endswith(":") else f"{line}\n"
                       for line in lines)


def _buffer() -> list[str]:
    return _address("x0", "buffer")


def _stdout(reg: str) -> list[str]:
    return [f"adrp {reg}, :got:stdout", f"ldr {reg}, [{reg}, :got_lo12:stdout]",
            f"ldr {reg}, [{reg}]"]


# Hand-written routines. The variadic ones (format, skip_first, to_stdout) are as clang-14
# -O2 --target=arm64-apple-macos11 compiles them: va_start is the first variadic slot, the
# caller's sp, which is x29 + 16 here.
ROUTINES = """
.text
// int format(char *buf, size_t size, const char *fmt, ...): vsnprintf(buf, size, fmt, ap)
.globl format
.p2align 2
format:
    sub sp, sp, #32
    stp x29, x30, [sp, #16]
    add x29, sp, #16
    add x8, x29, #16
    str x8, [sp, #8]
    add x3, x29, #16
    bl vsnprintf
    ldp x29, x30, [sp, #16]
    add sp, sp, #32
    ret

// int skip_first(const char *fmt, ...): va_arg(ap, int) once, then vprintf(fmt, ap)
.globl skip_first
.p2align 2
skip_first:
    stp x29, x30, [sp, #-16]!
    mov x29, sp
    add x1, x29, #16
    add x1, x1, #8
    bl vprintf
    ldp x29, x30, [sp], #16
    ret

// int to_stdout(const char *fmt, ...): vfprintf(stdout, fmt, ap)
.globl to_stdout
.p2align 2
to_stdout:
    stp x29, x30, [sp, #-16]!
    mov x29, sp
    mov x1, x0
    adrp x0, :got:stdout
    ldr x0, [x0, :got_lo12:stdout]
    ldr x0, [x0]
    add x2, x29, #16
    bl vfprintf
    ldp x29, x30, [sp], #16
    ret

// int cmp_int(const void *a, const void *b): snprintf(scratch, 64, "%d<=>%d", *a, *b)
// (a variadic call inside a callback from qsort), then the comparison
.globl cmp_int
.p2align 2
cmp_int:
    stp x29, x30, [sp, #-32]!
    mov x29, sp
    stp x19, x20, [sp, #16]
    sub sp, sp, #16
    ldrsw x19, [x0]
    ldrsw x20, [x1]
    stp x19, x20, [sp]
    adrp x0, scratch
    add x0, x0, :lo12:scratch
    mov x1, #64
    adrp x2, .Lcmp_format
    add x2, x2, :lo12:.Lcmp_format
    bl snprintf
    cmp x19, x20
    cset w0, gt
    csinv w0, w0, wzr, ge
    add sp, sp, #16
    ldp x19, x20, [sp, #16]
    ldp x29, x30, [sp], #32
    ret

// void sort(int *values, size_t count): qsort(values, count, 4, cmp_int)
.globl sort
.p2align 2
sort:
    stp x29, x30, [sp, #-16]!
    mov x29, sp
    mov x2, #4
    adrp x3, cmp_int
    add x3, x3, :lo12:cmp_int
    bl qsort
    ldp x29, x30, [sp], #16
    ret

// int *find(const int *key, const int *values, size_t count): bsearch(..., 4, cmp_int)
.globl find
.p2align 2
find:
    stp x29, x30, [sp, #-16]!
    mov x29, sp
    mov x3, #4
    adrp x4, cmp_int
    add x4, x4, :lo12:cmp_int
    bl bsearch
    ldp x29, x30, [sp], #16
    ret

// int on_exit_register(void): atexit(goodbye)
.globl on_exit_register
.p2align 2
on_exit_register:
    stp x29, x30, [sp, #-16]!
    mov x29, sp
    adrp x0, goodbye
    add x0, x0, :lo12:goodbye
    bl atexit
    ldp x29, x30, [sp], #16
    ret

// void goodbye(void): printf("atexit %d %s %.1f\\n", 7, "handler", 0.5)
.p2align 2
goodbye:
    stp x29, x30, [sp, #-16]!
    mov x29, sp
    sub sp, sp, #32
    mov x8, #7
    adrp x9, .Lhandler
    add x9, x9, :lo12:.Lhandler
    stp x8, x9, [sp]
    fmov d0, #0.5
    str d0, [sp, #16]
    adrp x0, .Lgoodbye_format
    add x0, x0, :lo12:.Lgoodbye_format
    bl printf
    mov sp, x29
    ldp x29, x30, [sp], #16
    ret

.section .rodata
.Lcmp_format: .asciz "%d<=>%d"
.Lhandler: .asciz "handler"
.Lgoodbye_format: .asciz "atexit %d %s %.1f\\n"

.text
// int scan(void): sscanf("2.5e-3 -17 word 0.125", "%Lf %d %s %lf", scratch, scratch + 16,
// scratch + 24, scratch + 40) with the pointers in stack slots; scratch + 8 is a canary.
.globl scan
.p2align 2
scan:
    stp x29, x30, [sp, #-16]!
    mov x29, sp
    sub sp, sp, #32
    bl junk
    adrp x9, scratch
    add x9, x9, :lo12:scratch
    add x10, x9, #16
    stp x9, x10, [sp]
    add x10, x9, #24
    add x11, x9, #40
    stp x10, x11, [sp, #16]
    adrp x0, .Lscan_text
    add x0, x0, :lo12:.Lscan_text
    adrp x1, .Lscan_format
    add x1, x1, :lo12:.Lscan_format
    bl sscanf
    mov sp, x29
    ldp x29, x30, [sp], #16
    ret
.section .rodata
.Lscan_text: .asciz "2.5e-3 -17 word 0.125"
.Lscan_format: .asciz "%Lf %d %s %lf"
"""

# int values[] in .data, for sort and find.
VALUES = [31, -4, 17, 0, 99, -250, 8, 17, 5, 1 << 20, -1]
DATA = ".data\n.p2align 2\n.globl values\nvalues:\n" + "".join(
    f"    .word {v}\n" for v in VALUES)


def _source() -> str:
    program = Program()
    for name, (fmt, args) in CASES.items():
        f = program.string(fmt)
        size = [f"mov x1, #{BUFFER_SIZE}"]
        program.variadic_call(f"snprintf_{name}", "snprintf",
                              [_buffer(), size, _address("x2", f)], args)
        program.variadic_call(f"sprintf_{name}", "sprintf", [_buffer(), _address("x1", f)],
                              args)
        # Five named arguments (x0-x4), then the variadic ones at sp.
        program.variadic_call(f"snprintf_chk_{name}", "__snprintf_chk",
                              [_buffer(), size, ["mov w2, #1"], [f"mov x3, #{BUFFER_SIZE}"],
                               _address("x4", f)], args)
        program.variadic_call(f"format_{name}", "format",
                              [_buffer(), size, _address("x2", f)], args)
        program.variadic_call(f"printf_{name}", "printf", [_address("x0", f)], args)
        program.variadic_call(f"fprintf_{name}", "fprintf",
                              [_stdout("x0"), _address("x1", f)], args)
        program.variadic_call(f"to_stdout_{name}", "to_stdout", [_address("x0", f)], args)
        program.variadic_call(f"skip_first_{name}", "skip_first", [_address("x0", f)],
                              [("i", 12345), *args])
    return program.source() + ROUTINES + DATA


# ---------------------------------------------------------------------------- harness


def _glibc(fmt: str, args: list[Arg]) -> bytes:
    """The host C library's snprintf of the same format and arguments: the oracle."""
    types = {"i": ctypes.c_int, "u": ctypes.c_uint, "l": ctypes.c_long, "d": ctypes.c_double,
             "L": ctypes.c_longdouble, "s": lambda text: ctypes.c_char_p(text.encode())}
    buffer = ctypes.create_string_buffer(BUFFER_SIZE)
    LIBC.snprintf(buffer, BUFFER_SIZE, fmt.encode(), *[types[k](v) for k, v in args])
    return buffer.value


@pytest.fixture(scope="module")
def routines(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if LLVM_MC is None:
        pytest.skip("llvm-mc is not on PATH")
    directory = tmp_path_factory.mktemp("darwin_abi")
    (directory / "routines.s").write_text(_source())
    subprocess.run([LLVM_MC, "-triple=aarch64-linux-gnu", "-filetype=obj",
                    str(directory / "routines.s"), "-o", str(directory / "routines.o")],
                   check=True)
    return directory / "routines.o"


class Process:
    """The routines linked into one emulated AArch64 process (platform as a session sets
    it: "darwin" for Mach-O inputs)."""

    def __init__(self, obj: Path, platform: str) -> None:
        from pyjitlink.tool.session import Session

        self.session = Session(arch="aarch64")
        self.executor: Any = self.session.executor
        self.session.add_object_file(self.session.main_jd, str(obj))
        if platform != "linux":  # after the (ELF) object has set the session's platform
            self.executor.set_platform(platform)

    def call(self, name: str, *args: int) -> int:
        return self.executor.call(self.session.lookup(name), list(args))

    def address(self, name: str) -> int:
        return self.session.lookup(name)

    def string(self, name: str) -> bytes:
        return self.executor.memory.cstring(self.address(name))

    def close(self) -> None:
        self.executor.close()


@pytest.fixture(scope="module")
def darwin(routines: Path) -> Iterator[Process]:
    process = Process(routines, "darwin")
    yield process
    process.close()


# ---------------------------------------------------------------------------- tests


@needs_llvm_mc
@pytest.mark.parametrize("function", ["snprintf", "sprintf", "snprintf_chk", "format"])
@pytest.mark.parametrize("case", list(CASES))
def test_variadic_arguments_are_read_from_stack_slots(darwin: Process, case: str,
                                                      function: str) -> None:
    """snprintf, sprintf, __snprintf_chk (five named arguments) and a variadic routine that
    hands its ``va_list`` (a ``char *`` to the caller's first slot) to vsnprintf."""
    fmt, args = CASES[case]
    length = darwin.call(f"{function}_{case}")
    expected = _glibc(fmt, args)
    assert darwin.string("buffer") == expected
    assert length == len(expected)


@needs_llvm_mc
@pytest.mark.parametrize("function", ["printf", "fprintf", "to_stdout", "skip_first"])
@pytest.mark.parametrize("case", list(CASES))
def test_printf_family_writes_stdout(darwin: Process, case: str, function: str,
                                     capfd: pytest.CaptureFixture[str]) -> None:
    """printf, fprintf(stdout), vfprintf from a variadic routine, and vprintf of a
    ``va_list`` that routine advanced past its first argument (``va_arg(ap, int)``)."""
    fmt, args = CASES[case]
    darwin.call(f"{function}_{case}")
    darwin.executor.lib.flush_all()
    assert capfd.readouterr().out.encode() == _glibc(fmt, args)


@needs_llvm_mc
def test_linux_convention_reads_registers_instead(routines: Path) -> None:
    """Control: the same calls read by AAPCS64 take the junk left in x3 and d0 (so the
    tests above do depend on the Darwin convention)."""
    linux = Process(routines, "linux")
    try:
        linux.call("snprintf_many")
        text = linux.string("buffer").decode()
    finally:
        linux.close()
    junk_double = struct.unpack("<d", JUNK.to_bytes(8, "little"))[0]
    assert text.split()[:2] == [str(JUNK & 0x7FFFFFFF), f"{junk_double:.2f}"]


@needs_llvm_mc
def test_scanf_long_double_is_a_double(darwin: Process) -> None:
    """sscanf's pointers come from stack slots; ``%Lf`` stores 8 bytes (``long double`` is
    ``double`` on Darwin), leaving the canary after them alone."""
    scratch = darwin.address("scratch")
    memory = darwin.executor.memory
    memory.write(scratch, b"\xaa" * 48)
    assert darwin.call("scan") == 4
    expected = ctypes.c_double()
    LIBC.sscanf(b"2.5e-3", b"%lf", ctypes.byref(expected))
    assert memory.read(scratch, 16) == bytes(expected) + b"\xaa" * 8
    assert memory.i32(scratch + 16) == -17
    assert memory.cstring(scratch + 24) == b"word"
    assert memory.f64(scratch + 40) == 0.125


@needs_llvm_mc
def test_qsort_and_bsearch_callbacks(darwin: Process) -> None:
    """Comparators run as nested emulations with their arguments in x0 and x1, and their
    own variadic call (snprintf) reads the comparator's stack."""
    values = darwin.address("values")
    memory = darwin.executor.memory
    count = len(VALUES)
    darwin.call("sort", values, count)
    ordered = [memory.i32(values + 4 * i) for i in range(count)]
    assert ordered == sorted(VALUES)
    left, right = darwin.string("scratch").decode().split("<=>")
    assert int(left) in VALUES and int(right) in VALUES
    key = darwin.address("scratch") + 48
    memory.put_u32(key, 99)
    found = darwin.call("find", key, values, count)
    assert found == values + 4 * ordered.index(99)
    memory.put_u32(key, 98)
    assert darwin.call("find", key, values, count) == 0


@needs_llvm_mc
def test_atexit_handler_makes_a_variadic_call(routines: Path,
                                              capfd: pytest.CaptureFixture[str]) -> None:
    from pyjitlink.executors.emulated import ProgramExit

    process = Process(routines, "darwin")
    try:
        assert process.call("on_exit_register") == 0
        with pytest.raises(ProgramExit) as exited:
            process.executor.exit_process(3)
    finally:
        process.close()
    assert exited.value.status == 3
    assert capfd.readouterr().out == "atexit 7 handler 0.5\n"


# ---------------------------------------------------------------------------- the session


def _macho_header(cputype: int) -> bytes:
    """An empty 64-bit Mach-O object's header (mach_header_64, MH_OBJECT)."""
    return struct.pack("<IiiIIIII", 0xFEEDFACF, cputype, 0, 1, 0, 0, 0, 0)


def _elf_header(machine: int) -> bytes:
    """An empty ELF64 little-endian relocatable object's header (Elf64_Ehdr, ET_REL)."""
    return struct.pack("<16sHHIQQQIHHHHHH", b"\x7fELF\x02\x01\x01" + bytes(9), 1, machine, 1,
                       0, 0, 0, 0, 64, 0, 0, 64, 0, 0)


CPU_TYPE_X86_64, CPU_TYPE_ARM64 = 0x01000007, 0x0100000C
EM_X86_64, EM_AARCH64 = 62, 183


@pytest.mark.parametrize("arch,header,platform,convention", [
    ("aarch64", _macho_header(CPU_TYPE_ARM64), "darwin", "darwin-arm64"),
    ("aarch64", _elf_header(EM_AARCH64), "linux", "aapcs64"),
    ("x86_64", _macho_header(CPU_TYPE_X86_64), "darwin", "sysv"),
    ("x86_64", _elf_header(EM_X86_64), "linux", "sysv"),
], ids=["macho-arm64", "elf-aarch64", "macho-x86_64", "elf-x86_64"])
def test_the_first_object_format_chooses_the_convention(arch: str, header: bytes,
                                                        platform: str,
                                                        convention: str) -> None:
    """Mach-O objects switch an emulated session to Darwin's conventions (x86-64's is SysV
    on both); the C library and the bridge read arguments through the same ABI."""
    from pyjitlink.tool.session import Session

    session = Session(arch=arch, emulate=True)
    executor: Any = session.executor
    assert (executor.platform, executor.abi.convention) == ("linux", "aapcs64" if
                                                            arch == "aarch64" else "sysv")
    session.note_object_format(header, "first.o")
    assert (executor.platform, executor.abi.convention) == (platform, convention)
    assert executor.bridge.abi is executor.abi and executor.lib.abi is executor.abi
    assert session.platform is not None
    assert session.platform.global_prefix == ("_" if platform == "darwin" else "")
    executor.close()


PROGRAM = r"""
typedef __builtin_va_list va_list;
#define va_start(ap, last) __builtin_va_start(ap, last)
#define va_arg(ap, type) __builtin_va_arg(ap, type)
#define va_end(ap) __builtin_va_end(ap)

int printf(const char *, ...);
int puts(const char *);
int vsnprintf(char *, unsigned long, const char *, va_list);
int vprintf(const char *, va_list);
int sscanf(const char *, const char *, ...);
void qsort(void *, unsigned long, unsigned long, int (*)(const void *, const void *));
int atexit(void (*)(void));
extern void optional_hook(void) __attribute__((weak));
extern int optional_setting __attribute__((weak));

static char line[256];
static int compared;

static const char *format(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    return line;
}

static double mixed_sum(int n, ...) {  /* n pairs of (int, double) */
    va_list ap;
    double s = 0;
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        s += va_arg(ap, int);
        s += va_arg(ap, double);
    }
    va_end(ap);
    return s;
}

static void say(const char *tag, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    printf("%s: ", tag);
    vprintf(fmt, ap);
    va_end(ap);
}

static int compare(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    compared++;
    return (x > y) - (x < y);
}

static void goodbye(void) { printf("goodbye %d %s %.2f\n", compared > 0, "now", 0.25); }

int main(int argc, char **argv) {
    int v[] = {5, -3, 12, 0, 7, 7, -100, 42};
    long double ld = 2.5L, scanned_ld = 0;
    double scanned = 0;
    char word[16];
    int k = 0;
    atexit(goodbye);
    printf("%s %d %f %c %ld %u %Lf %x\n", argv[0], argc, 1.5, 'q', -9876543210L, 3000000000u,
           ld, 0xbeef);
    printf("%d %d %d %d %d %d %d %d %d %d %.1f %.1f %.1f %.1f %.1f %.1f %.1f %.1f %.1f %.1f\n",
           1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5);
    puts(format("[%5s|%-4d|%.3e|%x|%s]", "ab", 17, 12345.678, 255, argv[0]));
    printf("mixed %.2f\n", mixed_sum(5, 1, 0.5, 2, 0.25, 3, 0.125, 4, 1.0, -5, -2.0));
    say("say", "%d-%s-%.1f-%ld\n", 3, "x", 9.75, 1L << 40);
    qsort(v, 8, sizeof v[0], compare);
    for (int i = 0; i < 8; i++)
        printf("%d%c", v[i], i == 7 ? '\n' : ' ');
    int n = sscanf("0.75 1.5 33 word", "%lf %Lf %d %15s", &scanned, &scanned_ld, &k, word);
    printf("%d %.2f %.2Lf %d %s %s %s\n", n, scanned, scanned_ld, k, word,
           optional_hook ? "hooked" : "no hook", &optional_setting ? "set" : "unset");
    return 3;
}
"""


@pytest.fixture(scope="module")
def program(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """PROGRAM as Mach-O objects for arm64 and x86-64 macOS (clang), and as a native
    executable (gcc, the oracle: glibc formats, sorts and scans)."""
    if CLANG is None or GCC is None:
        pytest.skip("clang and gcc are needed")
    directory = tmp_path_factory.mktemp("darwin_program")
    source = directory / "program.c"
    source.write_text(PROGRAM)
    built = {"native": directory / "native"}
    subprocess.run([GCC, "-O2", str(source), "-o", str(built["native"])], check=True)
    for arch, target in (("aarch64", "arm64-apple-macos11"), ("x86_64", "x86_64-apple-macos11")):
        built[arch] = directory / f"program-{arch}.o"
        subprocess.run([CLANG, f"--target={target}", "-O2", "-c", str(source), "-o",
                        str(built[arch])], check=True)
    return built


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pyjitlink", *args], capture_output=True,
                          text=True, timeout=120)


def _skip_without_macho(result: subprocess.CompletedProcess[str], arch: str) -> None:
    if result.returncode == 1 and "unsupported Mach-O CPU type" in result.stderr:
        pytest.skip(f"Mach-O {arch} objects are not supported yet")


@pytest.mark.parametrize("arch", ["aarch64", "x86_64"])
def test_macho_program_matches_its_native_build(program: dict[str, Path], arch: str) -> None:
    """clang's own Darwin calling sequences: variadic calls with more than eight integer and
    eight double arguments, variadic functions of the program (``va_arg``, ``va_list``
    handed to vsnprintf and vprintf), ``long double`` through printf and scanf, a qsort
    comparator, an atexit handler, and a weak reference that stays NULL."""
    ours = _run(*(["-emulate"] if arch == "x86_64" else []), str(program[arch]),
                "-args", "arg")
    _skip_without_macho(ours, arch)
    oracle = subprocess.run(["bash", "-c", 'exec -a arg "$0"', str(program["native"])],
                            capture_output=True, text=True, timeout=60)
    assert (ours.stdout, ours.stderr, ours.returncode) == (oracle.stdout, "", 3)
    lines = ours.stdout.splitlines()
    assert lines[0] == "arg 1 1.500000 q -9876543210 3000000000 2.500000 beef"
    assert lines[-2] == "4 0.75 1.50 33 word no hook unset"


def test_tool_session_for_macho_arm64_uses_darwin_convention(program: dict[str, Path]
                                                             ) -> None:
    from pyjitlink.executors.emulated import EmulatedExecutor
    from pyjitlink.executors.host_bridge import DarwinAArch64ABI
    from pyjitlink.tool.driver import build_session

    probe = _run("-noexec", str(program["aarch64"]))
    _skip_without_macho(probe, "aarch64")
    session = build_session([("input", str(program["aarch64"]))])
    executor = session.executor
    assert isinstance(executor, EmulatedExecutor)
    assert isinstance(executor.abi, DarwinAArch64ABI) and executor.platform == "darwin"
    executor.close()
