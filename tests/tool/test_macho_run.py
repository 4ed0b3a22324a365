"""Mach-O x86-64 objects run on Linux: C library names bound without their leading "_",
"_main" as the default entry, the same output as the ELF build; mixing formats is refused."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest
from toolchain import find_clang, find_tool

CLANG = find_clang()
pytestmark = pytest.mark.skipif(CLANG is None, reason="clang is not installed")

SOURCE = r"""
int printf(const char *, ...);
int puts(const char *);
void *malloc(unsigned long);
static int counter = 3;
static const char *names[] = { "zero", "one", "two" };
int twice(int x) { return 2 * x; }
int main(int argc, char **argv) {
    int *p = malloc(sizeof *p);
    *p = twice(counter) + argc;
    printf("mach-o says %d %s %s %.2f\n", *p, names[argc % 3], argv[0], 1.5 * *p);
    puts("done");
    return *p;
}
"""


def compile_for(tmp_path: Path, target: str, name: str) -> str:
    src, obj = tmp_path / "prog.c", tmp_path / name
    src.write_text(SOURCE)
    subprocess.run([CLANG, f"--target={target}", "-O1", "-c", str(src), "-o", str(obj)],
                   check=True)
    return str(obj)


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pyjitlink", *args], capture_output=True,
                          text=True, timeout=120, check=False)


def test_macho_program_runs_like_its_elf_build(tmp_path: Path) -> None:
    macho = compile_for(tmp_path, "x86_64-apple-macos11", "prog_macho.o")
    elf = compile_for(tmp_path, "x86_64-unknown-linux-gnu", "prog_elf.o")
    ours, reference = run(macho, "-args", "arg"), run(elf, "-args", "arg")
    assert reference.stdout == "mach-o says 7 one arg 10.50\ndone\n"
    assert (ours.returncode, ours.stdout, ours.stderr) == (reference.returncode,
                                                           reference.stdout, "")


def test_mixing_elf_and_macho_is_refused(tmp_path: Path) -> None:
    macho = compile_for(tmp_path, "x86_64-apple-macos11", "prog_macho.o")
    elf = compile_for(tmp_path, "x86_64-unknown-linux-gnu", "prog_elf.o")
    result = run("-noexec", macho, elf)
    assert result.returncode == 1
    assert result.stderr == (f"pyjitlink: error: {elf}: cannot mix ELF and Mach-O objects "
                             f"in one session\n")


INIT_SOURCE = r"""
int printf(const char *, ...);
static int order = 0;
__attribute__((constructor(101))) static void first(void) { printf("ctor101 %d\n", order++); }
__attribute__((constructor)) static void last(void) { printf("ctor %d\n", order++); }
__attribute__((constructor(102))) static void second(void) { printf("ctor102 %d\n", order++); }
__attribute__((destructor)) static void bye(void) { printf("dtor %d\n", order); }
int main(void) { printf("main %d\n", order++); return 0; }
"""


@pytest.mark.parametrize("target", ["x86_64-apple-macos11", "arm64-apple-macos11"])
def test_mod_init_func_runs_constructors_then_destructors(tmp_path: Path, target: str) -> None:
    # clang sorts a file's constructors by priority into __mod_init_func and registers
    # destructors with __cxa_atexit from a generated initializer; arm64 runs emulated.
    src, obj = tmp_path / "init.c", tmp_path / "init.o"
    src.write_text(INIT_SOURCE)
    subprocess.run([CLANG, f"--target={target}", "-O2", "-c", str(src), "-o", str(obj)],
                   check=True)
    result = run(str(obj))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "ctor101 0\nctor102 1\nctor 2\nmain 3\ndtor 4\n"


LIPO = find_tool("llvm-lipo")


@pytest.mark.skipif(LIPO is None, reason="llvm-lipo is not installed")
def test_universal_file_contributes_the_slice_for_the_target(tmp_path: Path) -> None:
    x86 = compile_for(tmp_path, "x86_64-apple-macos11", "x86.o")
    arm = compile_for(tmp_path, "arm64-apple-macos11", "arm.o")
    fat, arm_only = str(tmp_path / "fat.o"), str(tmp_path / "arm-only.o")
    subprocess.run([LIPO, "-create", arm, x86, "-output", fat], check=True)
    subprocess.run([LIPO, "-create", arm, "-output", arm_only], check=True)
    # Alone, the host's (x86-64) slice runs natively, though arm64 comes first in the file.
    native = run(fat, "-args", "arg")
    assert (native.returncode, native.stdout) == (7, "mach-o says 7 one arg 10.50\ndone\n")
    shown = run("-noexec", "-show-graphs", ".*", fat)
    assert "Branch26PCRel" not in shown.stdout and "BranchPCRel32" in shown.stdout
    # Without an x86-64 slice, the arm64 one is used, under emulation.
    emulated = run(arm_only, "-args", "arg")
    assert (emulated.returncode, emulated.stdout) == (7, native.stdout)
    # After an arm64 input, a universal file contributes its arm64 slice...
    after_arm = run("-noexec", "-show-graphs", ".*", arm_only, fat)
    # (the two define the same symbols: that it gets that far shows the slice was arm64's)
    assert after_arm.returncode == 1
    assert "Duplicate definition of symbol" in after_arm.stderr
    # ...and one without the session's architecture is refused.
    missing = run("-noexec", x86, arm_only)
    assert (missing.returncode, missing.stderr) == (
        1, f"pyjitlink: error: {arm_only}: universal file has no slice for x86_64 (it has: "
           f"aarch64)\n")


def test_objects_of_another_architecture_are_refused(tmp_path: Path) -> None:
    x86 = compile_for(tmp_path, "x86_64-apple-macos11", "x86.o")
    arm = compile_for(tmp_path, "arm64-apple-macos11", "arm.o")
    result = run("-noexec", x86, arm)
    assert (result.returncode, result.stderr) == (
        1, f"pyjitlink: error: {arm}: aarch64 object cannot be linked in a session for "
           f"x86_64 (-triple or the first input chooses the architecture)\n")


BACKTRACE_SOURCE = r"""
int backtrace(void **, int);
int printf(const char *, ...);
int common_var;  /* a tentative definition: a common symbol, which no FDE may claim */
__attribute__((noinline)) int depth3(void) {
    void *b[64]; common_var++; return backtrace(b, 64);
}
__attribute__((noinline)) int depth2(void) { return depth3() + 0; }
__attribute__((noinline)) int depth1(void) { return depth2() + 0; }
int main(void) { int n = depth1(); printf("%d\n", n >= 5); return 0; }
"""


def test_eh_frame_is_registered_and_stack_protector_works(tmp_path: Path) -> None:
    # clang's default for macOS: __eh_frame records (PC-begin resolved by the assembler)
    # and -fstack-protector, whose canary is the variable ___stack_chk_guard. backtrace()
    # from JIT'd code climbs past main only when libgcc knows the JIT'd frames.
    src, obj = tmp_path / "bt.c", tmp_path / "bt.o"
    src.write_text(BACKTRACE_SOURCE)
    subprocess.run([CLANG, "--target=x86_64-apple-macos11", "-O1", "-fstack-protector-all",
                    "-fcommon", "-c", str(src), "-o", str(obj)], check=True)
    result = run(str(obj))
    assert (result.returncode, result.stdout, result.stderr) == (0, "1\n", "")


MACOS_NAMES_SOURCE = r"""
/* As macOS's headers declare them. */
typedef struct __sFILE FILE;
extern FILE *__stdoutp, *__stderrp;
#define stdout __stdoutp
#define stderr __stderrp
int fprintf(FILE *, const char *, ...);
int fputs(const char *, FILE *);
int fflush(FILE *);
extern int *__error(void);
#define errno (*__error())
void __assert_rtn(const char *, const char *, int, const char *) __attribute__((noreturn));
#define assert(e) ((void)((e) ? 0 : (__assert_rtn(__func__, "darwin.c", __LINE__, #e), 0)))
double strtod(const char *, char **);
__attribute__((noinline)) int big_frame(int n) {
    volatile char big[200000];
    big[0] = (char)n; big[199999] = 2;
    return big[0] + big[199999];
}
int main(int argc, char **argv) {
    fprintf(stdout, "out %d\n", argc);
    fputs("err\n", stderr);
    errno = 0;
    strtod("1e999", 0);
    fprintf(stdout, "errno %d\n", errno);
    fprintf(stdout, "big %d\n", big_frame(40));
    fflush(stdout);
    assert(argc < 2);
    return 0;
}
"""


@pytest.mark.parametrize("target", ["x86_64-apple-macos11", "arm64-apple-macos11"])
def test_macos_c_library_names(tmp_path: Path, target: str) -> None:
    # What code built against Apple's headers calls: __stdoutp/__stderrp (the stdio
    # streams), __error() (errno), __assert_rtn (assert, arguments in macOS's order).
    src, obj = tmp_path / "darwin.c", tmp_path / "darwin.o"
    src.write_text(MACOS_NAMES_SOURCE)
    subprocess.run([CLANG, f"--target={target}", "-O2", "-c", str(src), "-o", str(obj)],
                   check=True)
    fine = run(str(obj))
    assert (fine.returncode, fine.stdout, fine.stderr) == (0, "out 0\nerrno 34\nbig 42\n",
                                                           "err\n")
    failed = run(str(obj), "-args", "a", "b")
    # abort(): natively the process dies of SIGABRT; emulated, pyjitlink exits 128 + 6.
    aborted = 134 if target.startswith("arm64") else -signal.SIGABRT
    assert (failed.returncode, failed.stdout) == (aborted, "out 2\nerrno 34\nbig 42\n")
    assert failed.stderr.startswith("err\n")
    line = MACOS_NAMES_SOURCE.splitlines().index("    assert(argc < 2);") + 1
    assert f": darwin.c:{line}: main: Assertion `argc < 2' failed.\n" in failed.stderr


CHKSTK = {
    "x86_64-apple-macos11": "_main:\n  movl $4096, %eax\n  callq ___chkstk_darwin\n"
                            "  cmpl $4096, %eax\n  jne 1f\n  movl $7, %eax\n1:\n  retq\n",
    "arm64-apple-macos11": "_main:\n  stp x29, x30, [sp, #-16]!\n  mov x15, #256\n"
                           "  bl ___chkstk_darwin\n  cmp x15, #256\n  mov w0, #7\n"
                           "  csel w0, w0, wzr, eq\n  ldp x29, x30, [sp], #16\n  ret\n",
}


@pytest.mark.parametrize("target", list(CHKSTK))
def test_chkstk_darwin_preserves_registers(tmp_path: Path, target: str) -> None:
    # The stack probe before a large frame takes its size in rax / x15 and must keep it.
    src, obj = tmp_path / "probe.s", tmp_path / "probe.o"
    src.write_text("  .globl _main\n  .p2align 2\n" + CHKSTK[target])
    subprocess.run([CLANG, f"--target={target}", "-c", str(src), "-o", str(obj)], check=True)
    result = run(str(obj))
    assert (result.returncode, result.stderr) == (7, "")
