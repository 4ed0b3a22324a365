"""The Darwin layer onto glibc (executors/darwin/libc_layer.py): Mach-O programs under
-libc=target run on the target's own glibc, with Darwin's names and arm64 calling
convention bridged by machine-code shims.

testdata/darwin/layer.c reaches every kind of shim (variadic calls with integers, doubles and
strings mixed, va_list functions, sscanf, __stdoutp/__stderrp, __error, ___sincos_stret and
___sincosf_stret, __assert_rtn, the stack protector's guard). It is built by clang for macOS
(no SDK: its __APPLE__ branch declares what macOS's headers would) and run by pyjitlink; the
oracle is the same source built by gcc -static for Linux and run natively (x86-64) or under
qemu-aarch64. The shims' code is checked against capstone's disassembly of the instructions
their comments name. Missing tools fail these tests (.ci/run installs them)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from toolchain import find_clang, find_tool

from pyjitlink.executors.darwin.libc_layer import (
    ARM64_ASSERT_RTN,
    ARM64_SINCOS,
    X86_64_SINCOS,
    arm64_one_anonymous_shim,
    arm64_open_shim,
    arm64_va_list_shim,
    arm64_variadic_shim,
    glibc_name,
    x86_64_open_shim,
)

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "testdata" / "darwin" / "layer.c"
TRIPLES = {"aarch64": "arm64-apple-macos11", "x86_64": "x86_64-apple-macos11"}
# What the Mach-O object must reference, so the runs below test what they claim to.
SHIMMED = {"___stdoutp", "___stderrp", "___error", "___sincos_stret", "___sincosf_stret",
           "___assert_rtn", "___stack_chk_guard", "_printf", "_fprintf", "_snprintf",
           "_sprintf", "_sscanf", "_vfprintf", "_vsnprintf"}


def _tool(name: str) -> str:
    path = find_clang() if name == "clang" else (shutil.which(name) or find_tool(name))
    assert path is not None, f"{name} is needed by this test"
    return path


def _macho_object(arch: str, out: Path) -> Path:
    obj = out / f"layer-{arch}.o"
    subprocess.run([_tool("clang"), f"--target={TRIPLES[arch]}", "-O2", "-c", str(SOURCE),
                    "-o", str(obj)], check=True)
    undefined = subprocess.run([_tool("llvm-nm"), "-u", str(obj)], check=True,
                               capture_output=True, text=True).stdout.split()
    assert set(undefined) >= SHIMMED, SHIMMED - set(undefined)
    return obj


def _reference(arch: str, out: Path, args: list[str]) -> tuple[str, str, int]:
    """The Linux build's run with argv[0] "layer": gcc natively, or the cross gcc's static
    executable under qemu-aarch64."""
    exe = out / f"layer-{arch}-static"
    cc = _tool("gcc" if arch == "x86_64" else "aarch64-linux-gnu-gcc")
    subprocess.run([cc, "-O2", "-static", str(SOURCE), "-o", str(exe), "-lm"], check=True)
    if arch == "x86_64":
        done = subprocess.run(["layer", *args], executable=str(exe), capture_output=True,
                              text=True, timeout=60, cwd=out)
    else:
        done = subprocess.run([_tool("qemu-aarch64"), "-0", "layer", str(exe), *args],
                              capture_output=True, text=True, timeout=60, cwd=out)
    code = done.returncode
    return done.stdout, done.stderr, 128 - code if code < 0 else code


def _darwin_and_linux_builds(arch: str, name: str, out: Path) -> tuple[Path, list[str]]:
    """testdata/darwin/NAME.c as a Mach-O object for ``arch`` (clang) and the command that
    runs its Linux build: gcc's static executable natively, or the cross gcc's under
    qemu-aarch64."""
    source = ROOT / "testdata" / "darwin" / f"{name}.c"
    obj = out / f"{name}.o"
    subprocess.run([_tool("clang"), f"--target={TRIPLES[arch]}", "-O2", "-c", str(source),
                    "-o", str(obj)], check=True)
    exe = out / f"{name}-static"
    cc = _tool("gcc" if arch == "x86_64" else "aarch64-linux-gnu-gcc")
    subprocess.run([cc, "-O2", "-w", "-static", str(source), "-o", str(exe)], check=True)
    return obj, [str(exe)] if arch == "x86_64" else [_tool("qemu-aarch64"), str(exe)]


def _ours(obj: Path, args: list[str]) -> tuple[str, str, int]:
    done = subprocess.run([sys.executable, "-m", "pyjitlink", "-libc=target", str(obj),
                           "-args", "layer", *args], capture_output=True, text=True,
                          timeout=300, cwd=obj.parent, env=dict(os.environ))
    return done.stdout, done.stderr, done.returncode


@pytest.mark.parametrize("arch", ["aarch64", "x86_64"])
def test_every_shim_kind_matches_the_glibc_build(tmp_path: Path, arch: str) -> None:
    obj = _macho_object(arch, tmp_path)
    args = ["x", "0.7"]
    ours, theirs = _ours(obj, args), _reference(arch, tmp_path, args)
    assert ours == theirs
    out = ours[0]
    # Anonymous arguments beyond the registers, in Darwin's stack slots, reach glibc intact.
    assert out.startswith("str|42|2.500000|-7|x|1.000e+10|-1234567890123|end|4000000000|"
                          "beef|-0.1|1099511627776\n1 1.50 2 2.50")
    assert "sincos(0.7): 0.644217687 0.764842187\n" in out  # the pair, in order
    assert "fopen: failed, errno 2\n" in out  # errno through __error
    # Darwin's O_CREAT|O_TRUNC, O_APPEND and O_EXCL as Linux's (EEXIST is 17 on both).
    assert "O_EXCL: -1, errno 17\nread 8: one two\n" in out
    assert not (tmp_path / "darwin-layer.tmp").exists()
    assert ours[1] == "to stderr: 3\n"  # stderr through __stderrp


@pytest.mark.parametrize("arch", ["aarch64", "x86_64"])
def test_assert_rtn_is_glibcs_assert_failure(tmp_path: Path, arch: str) -> None:
    obj = _macho_object(arch, tmp_path)
    out, err, code = _ours(obj, ["assert"])
    ref_out, ref_err, ref_code = _reference(arch, tmp_path, ["assert"])
    assert (out, code) == (ref_out, ref_code) == (ref_out, 134)
    # glibc's message, then (ours) the abort's report and backtrace.
    line = SOURCE.read_text().splitlines().index("        CHECK(argc == 1);") + 1
    assert err.splitlines()[:2] == ref_err.splitlines()[:2] == [
        "to stderr: 3", f"layer: layer.c:{line}: main: Assertion `argc == 1' failed."]
    assert "Aborted" in err.splitlines()[2]


def test_refused_variadic_function_stays_undefined(tmp_path: Path) -> None:
    """An arm64 variadic function without a shim is not bound (glibc would read its
    arguments from registers): the link reports the Mach-O name as not found."""
    source = tmp_path / "execl.c"
    source.write_text("int execl(const char *, const char *, ...);\n"
                      "int main(void) { return execl(\"/bin/true\", \"true\", (char *)0); }\n")
    obj = tmp_path / "execl.o"
    subprocess.run([_tool("clang"), "--target=arm64-apple-macos11", "-c", str(source), "-o",
                    str(obj)], check=True)
    out, err, code = _ours(obj, [])
    assert (out, code) == ("", 1)
    assert err.startswith("pyjitlink: error: ") and "Symbols not found: [ _execl ]" in err
    assert glibc_name("x86_64", "execl") == "execl"  # System V on both sides: as it is


def test_names_reach_glibc() -> None:
    assert glibc_name("aarch64", "__error") == "__darwin$__error"  # translates errno
    assert glibc_name("x86_64", "strerror") == "__darwin$strerror"
    assert glibc_name("x86_64", "__stdoutp") == "stdout"
    assert glibc_name("aarch64", "printf") == "__darwin$printf"
    assert glibc_name("x86_64", "printf") == "printf"
    assert glibc_name("x86_64", "__stack_chk_guard") == "__darwin$__stack_chk_guard"
    assert glibc_name("aarch64", "__stack_chk_guard") == "__stack_chk_guard"  # glibc's own
    assert glibc_name("x86_64", "fopen$DARWIN_EXTSN") == "fopen"
    assert glibc_name("aarch64", "stat$INODE64") is None  # Darwin's struct stat
    assert glibc_name("aarch64", "stat") is glibc_name("x86_64", "readdir") is None


def _disassemble(arch: str, code: bytes) -> list[str]:
    import capstone

    cs = capstone.Cs(*((capstone.CS_ARCH_ARM64, capstone.CS_MODE_ARM) if arch == "aarch64"
                       else (capstone.CS_ARCH_X86, capstone.CS_MODE_64)))
    if arch == "x86_64":
        cs.syntax = capstone.CS_OPT_SYNTAX_ATT
    return [f"{i.mnemonic} {i.op_str}".strip() for i in cs.disasm(code, 0)]


def test_shims_are_the_instructions_their_comments_name() -> None:
    code, branch = arm64_variadic_shim(3)
    assert _disassemble("aarch64", code) == [
        "stp x29, x30, [sp, #-0x30]!", "mov x29, sp", "add x9, sp, #0x30",
        "stp x9, x9, [sp, #0x10]", "stp x9, xzr, [sp, #0x20]", "add x3, sp, #0x10",
        "bl #0x18", "ldp x29, x30, [sp], #0x30", "ret"]
    assert branch == 24
    code, branch = arm64_va_list_shim(2)
    assert _disassemble("aarch64", code) == [
        "stp x29, x30, [sp, #-0x30]!", "mov x29, sp", "stp x2, x2, [sp, #0x10]",
        "stp x2, xzr, [sp, #0x20]", "add x2, sp, #0x10", "bl #0x14",
        "ldp x29, x30, [sp], #0x30", "ret"]
    assert branch == 20
    assert _disassemble("aarch64", arm64_one_anonymous_shim(3)[0]) == ["ldr x3, [sp]", "b #4"]
    # open: O_CREAT (Darwin bit 9) to Linux's bit 6; O_DIRECTORY (20) to arm64 Linux's 14.
    code, branch = arm64_open_shim(1, 2)
    text = _disassemble("aarch64", code)
    assert text[0] == "and w9, w1, #3" and text[-3:] == ["mov w1, w9", "ldr x2, [sp]",
                                                         f"b #{branch:#x}"]
    pairs = list(zip(text[1:-3:2], text[2:-3:2]))
    assert ("ubfx w10, w1, #9, #1", "orr w9, w9, w10, lsl #6") in pairs
    assert ("ubfx w10, w1, #0x14, #1", "orr w9, w9, w10, lsl #14") in pairs
    code, rel32 = x86_64_open_shim(2)
    text = _disassemble("x86_64", code)
    assert text[:2] == ["movl %edx, %r11d", "andl $3, %r11d"]
    assert text[-2:] == ["movl %r11d, %edx", f"jmp {len(code):#x}"] and rel32 == len(code) - 4
    assert text[2 + 5 * 4:2 + 5 * 5] == [  # the fifth flag: O_CREAT, bit 9 to bit 6
        "movl %edx, %r10d", "shrl $9, %r10d", "andl $1, %r10d", "shll $6, %r10d",
        "orl %r10d, %r11d"]
    assert _disassemble("aarch64", ARM64_SINCOS[0]) == [
        "stp x29, x30, [sp, #-0x20]!", "mov x29, sp", "add x0, sp, #0x10",
        "add x1, sp, #0x18", "bl #0x10", "ldp d0, d1, [sp, #0x10]",
        "ldp x29, x30, [sp], #0x20", "ret"]
    assert _disassemble("aarch64", ARM64_ASSERT_RTN[0]) == [
        "mov x9, x0", "mov x0, x3", "mov x3, x9", "b #0xc"]
    assert _disassemble("x86_64", X86_64_SINCOS[0]) == [
        "subq $0x18, %rsp", "movq %rsp, %rdi", "leaq 8(%rsp), %rsi", "callq 0x11",
        "movsd (%rsp), %xmm0", "movsd 8(%rsp), %xmm1", "addq $0x18, %rsp", "retq"]
    assert X86_64_SINCOS[0][X86_64_SINCOS[1] - 1] == 0xE8  # the edge is the call's rel32


TLV_ATEXIT = r"""
extern "C" int printf(const char *, ...);
struct Noisy {
    int id;
    Noisy(int i) : id(i) {}
    ~Noisy();
};
Noisy::~Noisy() { printf("destroyed %d\n", id); }
thread_local Noisy noisy{7};
int main() {
    printf("value %d\n", noisy.id);
    return 0;
}
"""


@pytest.mark.parametrize("arch", list(TRIPLES))
def test_tlv_atexit_runs_thread_local_destructors(tmp_path: Path, arch: str) -> None:
    """A C++ thread_local with a destructor: clang for macOS registers it with
    ``_tlv_atexit``, which the layer sends to glibc's ``__cxa_thread_atexit_impl``; exit runs
    it, as the same source built by g++ -static for Linux does."""
    source = tmp_path / "tlv.cpp"
    source.write_text(TLV_ATEXIT)
    obj = tmp_path / f"tlv-{arch}.o"
    subprocess.run([_tool("clang"), f"--target={TRIPLES[arch]}", "-O1", "-fno-exceptions",
                    "-c", str(source), "-o", str(obj)], check=True, capture_output=True)
    undefined = subprocess.run([_tool("llvm-nm"), "-u", str(obj)], check=True,
                               capture_output=True, text=True).stdout.split()
    assert "__tlv_atexit" in undefined
    emulate = ["-emulate"] if arch == "x86_64" else []
    done = subprocess.run([sys.executable, "-m", "pyjitlink", "-libc=target", *emulate,
                           str(obj)], capture_output=True, text=True, timeout=300)
    exe = tmp_path / "tlv"
    subprocess.run([_tool("g++"), "-static", str(source), "-o", str(exe)], check=True,
                   capture_output=True)
    native = subprocess.run([str(exe)], capture_output=True, text=True)
    assert (done.stdout, done.stderr, done.returncode) == (native.stdout, "", 0)
    assert native.stdout == "value 7\ndestroyed 7\n"


def test_long_double_is_right_on_x86_64_darwin(tmp_path: Path) -> None:
    """x86-64 Darwin's ``long double`` is the x87 80-bit type passed in memory, as in glibc:
    ``%Lf`` needs no translation there (arm64's, a double, is not translated: README)."""
    source = tmp_path / "ld.c"
    source.write_text('int printf(const char *, ...);\n'
                      'int main(int argc, char **argv) {\n'
                      '    volatile long double x = 1.5L * argc;\n'
                      '    printf("%Lf %d %s\\n", x * 3, (int)sizeof x, "end");\n'
                      '    return 0;\n}\n')
    obj = tmp_path / "ld.o"
    subprocess.run([_tool("clang"), f"--target={TRIPLES['x86_64']}", "-O1", "-c", str(source),
                    "-o", str(obj)], check=True)
    done = subprocess.run([sys.executable, "-m", "pyjitlink", "-libc=target", "-emulate",
                           str(obj), "-args", "ld"], capture_output=True, text=True,
                          timeout=300)
    assert (done.stdout, done.stderr, done.returncode) == ("4.500000 16 end\n", "", 0)


ERRNO = r"""
#ifdef __APPLE__
int *__error(void);
#define errno (*__error())
#define ENAMETOOLONG 63
#define ERANGE 34
#define ENOTEMPTY 66
#define ENOENT 2
#define O_NONBLOCK 4
#define EWHAT 35
int printf(const char *, ...);
char *strerror(int);
void perror(const char *);
int pipe(int *);
long read(int, void *, unsigned long);
int fcntl(int, int, ...);
int mkdir(const char *, int);
int rmdir(const char *);
int open(const char *, int, ...);
int close(int);
int unlink(const char *);
long strtol(const char *, char **, int);
#define F_SETFL 4
#define O_CREAT 0x200
#define O_WRONLY 1
#else
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#endif
int main(void) {
    char name[400];
    for (int i = 0; i < 399; i++)
        name[i] = 'x';
    name[399] = 0;
    errno = 0;
    int fd = open(name, O_WRONLY);
    int e = errno;
    printf("open %d ENAMETOOLONG %d again %d: %s\n", fd, e == ENAMETOOLONG,
           errno == ENAMETOOLONG, strerror(errno));
    perror("perror");
    mkdir("errno-dir-test", 0700);
    fd = open("errno-dir-test/f", O_CREAT | O_WRONLY, 0600);
    close(fd);
    errno = 0;
    int r = rmdir("errno-dir-test");
    printf("rmdir %d ENOTEMPTY %d\n", r, errno == ENOTEMPTY);
    printf("strerror: %s\n", strerror(errno));
    unlink("errno-dir-test/f");
    rmdir("errno-dir-test");
    errno = 0;
    strtol("12", 0, 10);
    printf("errno after success %d\n", errno);
    errno = ERANGE;
    printf("stored ERANGE reads back %d: %s\n", errno == ERANGE, strerror(errno));
    return 0;
}
"""


def test_errno_tables() -> None:
    """Darwin's numbers (xnu's <sys/errno.h>) against Linux's: the two that swap (EAGAIN
    and EDEADLK), one above 34, and values only one side has stay."""
    from pyjitlink.executors.darwin.libc_layer import errno_tables

    to_darwin, to_linux = errno_tables()
    assert (to_darwin[11], to_darwin[35], to_darwin[39], to_darwin[95]) == (35, 11, 66, 45)
    assert (to_linux[35], to_linux[11], to_linux[66], to_linux[102]) == (11, 35, 39, 95)
    assert all(to_darwin[n] == n for n in range(1, 35) if n != 11)
    assert to_linux[67] == 67  # EPROCLIM: Darwin's alone


@pytest.mark.parametrize("arch", list(TRIPLES))
def test_errno_values_are_darwin_values(tmp_path: Path, arch: str) -> None:
    """errno above 34 reads as Darwin's constants (ENAMETOOLONG 63, ENOTEMPTY 66; Linux 36
    and 39), read twice, after the program stores 0 and ERANGE; strerror and perror take
    them back: the output is the same source's built by gcc -static for Linux."""
    source = tmp_path / "errno.c"
    source.write_text(ERRNO)
    obj = tmp_path / f"errno-{arch}.o"
    subprocess.run([_tool("clang"), f"--target={TRIPLES[arch]}", "-O1", "-c", str(source),
                    "-o", str(obj)], check=True)
    emulate = ["-emulate"] if arch == "x86_64" else []
    done = subprocess.run([sys.executable, "-m", "pyjitlink", "-libc=target", *emulate,
                           str(obj)], capture_output=True, text=True, timeout=300, cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    exe = tmp_path / "errno"
    subprocess.run([_tool("gcc"), "-static", str(source), "-o", str(exe)], check=True,
                   capture_output=True)
    native = subprocess.run([str(exe)], capture_output=True, text=True, cwd=tmp_path)
    assert (done.stdout, done.stderr, done.returncode) == (native.stdout, native.stderr, 0)
    assert "ENOTEMPTY 1" in native.stdout and native.stderr == "perror: File name too long\n"


@pytest.mark.parametrize("arch", ["aarch64", "x86_64"])
def test_entry_of_a_macho_program_runs_after_the_start_up(tmp_path: Path, arch: str) -> None:
    """-entry _alt on a Mach-O program under -libc=target: glibc's start-up, then _alt in
    _main's place (argc, argv; its result the exit status)."""
    source, obj = tmp_path / "entry.c", tmp_path / "entry.o"
    source.write_text("int printf(const char *, ...);\n"
                      "int alt(int argc, char **argv) {\n"
                      "    printf(\"alt %d %s\\n\", argc, argv[argc - 1]);\n"
                      "    return 5;\n}\n"
                      "int main(void) { printf(\"main\\n\"); return 0; }\n")
    subprocess.run([_tool("clang"), f"--target={TRIPLES[arch]}", "-O1", "-c", str(source),
                    "-o", str(obj)], check=True)
    emulate = ["-emulate"] if arch == "x86_64" else []

    def ours(*options: str) -> tuple[str, str, int]:
        done = subprocess.run([sys.executable, "-m", "pyjitlink", "-libc=target", *emulate,
                               *options, str(obj), "-args", "entry", "x"],
                              capture_output=True, text=True, timeout=300, cwd=tmp_path)
        return done.stdout, done.stderr, done.returncode

    assert ours("-entry", "_alt") == ("alt 2 x\n", "", 5)
    assert ours() == ("main\n", "", 0)


@pytest.mark.parametrize("arch", ["aarch64", "x86_64"])
def test_long_double_in_the_printf_and_scanf_families(tmp_path: Path, arch: str) -> None:
    """testdata/darwin/long_double.c: %Lf, %Le, %Lg in printf, fprintf, sprintf, snprintf,
    asprintf, dprintf, vsnprintf, vprintf, and %Lf/%La in sscanf, vsscanf, scanf (from
    stdin), match the Linux build's output. On arm64 Darwin's long double is a double and
    glibc's a quad: the layer's shims call glibc's engines with PRINTF_LDBL_IS_DBL /
    SCANF_LDBL_IS_DBL (before, %Lf printed what the next slots held)."""
    obj, command = _darwin_and_linux_builds(arch, "long_double", tmp_path)
    stdin = "7.5 3\n"
    command.append("stdin")
    theirs = subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=60)
    ours = subprocess.run([sys.executable, "-m", "pyjitlink", "-libc=target",
                           *(["-emulate"] if arch == "x86_64" else []), str(obj), "-args",
                           "long_double", "stdin"], input=stdin, capture_output=True,
                          text=True, timeout=300, cwd=tmp_path)
    assert (ours.stdout, ours.stderr, ours.returncode) == (theirs.stdout, "", 0)
    assert ours.stdout.startswith("printf: 3.250000 7 -1.234e+03 s 0.125 2.500000 3.25 -3 "
                                  "-1234.500000\n")
    assert "sscanf: 4: 2.500000 -1000.000000 42 0.125000\nvsscanf: 2: 6.750000 8\n" \
        "scanf: 2: 7.500 3\n" in ours.stdout


def test_long_double_shims_are_the_instructions_their_comments_name() -> None:
    from pyjitlink.executors.darwin.libc_layer import arm64_ldbl_shim, arm64_sscanf_shim

    code, edges = arm64_ldbl_shim(None, 1, "stdout", 1)  # printf
    assert _disassemble("aarch64", code) == [
        "stp x29, x30, [sp, #-0x30]!", "mov x29, sp", "add x9, sp, #0x30",
        "stp x9, x9, [sp, #0x10]", "stp x9, xzr, [sp, #0x20]", "mov x1, x0", "adrp x0, #0",
        "ldr x0, [x0]", "add x2, sp, #0x10", "mov w3, #1", "bl #0x28",
        "ldp x29, x30, [sp], #0x30", "ret"]
    assert [(offset, symbol) for offset, _, symbol in edges] == [
        (24, "stdout"), (28, "stdout"), (40, None)]
    code, _ = arm64_ldbl_shim(2, 2, "-1", 1)  # vsprintf(s, format, ap)
    assert _disassemble("aarch64", code)[2:8] == [
        "stp x2, x2, [sp, #0x10]", "stp x2, xzr, [sp, #0x20]", "mov x2, x1", "mov x1, #-1",
        "add x3, sp, #0x10", "mov w4, #1"]
    code, edges = arm64_sscanf_shim(None, 3)
    text = _disassemble("aarch64", code)
    assert text[:6] == ["stp x29, x30, [sp, #-0x130]!", "mov x29, sp", "add x9, sp, #0x130",
                        "stp x9, x9, [sp, #0x10]", "stp x9, xzr, [sp, #0x20]",
                        "stp x1, x0, [sp, #0x30]"]
    assert "str xzr, [sp, #0xc8]" in text and "str x9, [sp, #0x118]" in text
    assert text[-7:] == ["add x0, sp, #0x40", "ldr x1, [sp, #0x30]", "add x2, sp, #0x10",
                         "mov w3, #3", "bl #0x64", "ldp x29, x30, [sp], #0x130", "ret"]
    assert [symbol for _, _, symbol in edges] == [
        "_IO_no_init", "_IO_str_jumps", "_IO_str_jumps", "_IO_str_init_static_internal",
        "__vfscanf_internal"]


@pytest.mark.parametrize("arch", ["aarch64", "x86_64"])
def test_fcntl_and_ioctl_use_darwins_values(tmp_path: Path, arch: str) -> None:
    """testdata/darwin/fcntl_ioctl.c, in macOS's values: F_GETFL/F_SETFL with O_NONBLOCK
    and O_APPEND, FIONBIO, FIONREAD, FIOCLEX/FIONCLEX, F_SETFD, F_DUPFD(_CLOEXEC),
    TIOCGWINSZ's ENOTTY on a pipe, F_SETLK/F_GETLK with Darwin's struct flock (seen from a
    forked child): the same output as the Linux build (before, Darwin's F_GETLK, 7, was
    Linux's F_SETLKW and the run hung)."""
    obj, command = _darwin_and_linux_builds(arch, "fcntl_ioctl", tmp_path)
    (tmp_path / "theirs").mkdir()
    theirs = subprocess.run(command, capture_output=True, text=True, timeout=60,
                            cwd=tmp_path / "theirs")
    ours = subprocess.run([sys.executable, "-m", "pyjitlink", "-libc=target",
                           *(["-emulate"] if arch == "x86_64" else []), str(obj)],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert (ours.stdout, ours.stderr, ours.returncode) == (theirs.stdout, "", 0)
    out = ours.stdout
    assert "F_GETFL: O_NONBLOCK 1, O_APPEND 0\nread of the empty pipe: -1, EAGAIN 1\n" in out
    assert "FIONREAD: 0, 5 bytes\n" in out and "FIOCLEX: 0, F_GETFD: 1\n" in out
    assert "TIOCGWINSZ on a pipe: -1, ENOTTY 1\n" in out
    assert "child F_GETLK: 0, write lock 1, start 0, len 10, pid is parent's 1\n" in out
    assert not (tmp_path / "fcntl_ioctl.tmp").exists()


@pytest.mark.parametrize("arch", ["aarch64", "x86_64"])
def test_fcntl_ioctl_code_is_its_source_compiled(tmp_path: Path, arch: str) -> None:
    """FCNTL_IOCTL is pyjitlink/executors/darwin/fcntl_ioctl.c compiled by clang 19 with
    the flags its comment names: the same .text, calls and entry points."""
    from pyjitlink import build_link_graph
    from pyjitlink.executors.darwin.libc_layer import FCNTL_IOCTL

    source = ROOT / "pyjitlink" / "executors" / "darwin" / "fcntl_ioctl.c"
    clang = shutil.which("clang-19") or "/usr/lib/llvm-19/bin/clang"
    assert Path(clang).exists() or shutil.which(clang), "clang-19 is needed (.ci/run)"
    obj = tmp_path / f"fcntl_ioctl-{arch}.o"
    subprocess.run([clang, f"--target={arch}-linux-gnu", "-O2", "-fno-pic",
                    "-fno-stack-protector", "-fno-jump-tables",
                    "-fno-asynchronous-unwind-tables", "-ffreestanding", "-c", str(source),
                    "-o", str(obj)], check=True)
    graph = build_link_graph(obj.read_bytes(), str(obj))
    text = next(b for b in graph.blocks() if b.section.name == ".text")
    calls: dict[str, list[int]] = {}
    for edge in sorted(text.edges, key=lambda e: e.offset):
        calls.setdefault(edge.target.name, []).append(edge.offset)
    entries = {s.name.removeprefix("darwin_"): s.offset for s in graph.defined_symbols()
               if s.block is text and s.name.startswith("darwin_")}
    code, expected_calls, expected_entries = FCNTL_IOCTL[arch]
    assert bytes(text.content) == code
    assert calls == {name: list(offsets) for name, offsets in expected_calls.items()}
    assert entries == expected_entries
