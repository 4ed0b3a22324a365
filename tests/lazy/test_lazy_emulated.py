"""-lazy under emulation (AArch64, and x86-64 with -emulate): first calls link bodies once
from inside the emulator's hook, with arguments intact; function pointers stay equal; a
body that fails to link ends the program with one error line; lazy testdata programs give
the expected outputs. The oracle for each small program is its eager run."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lazy_testdata import TESTDATA, assert_expected, lazy_inputs, program_runs

COMPILERS = {"aarch64": shutil.which("aarch64-linux-gnu-gcc"), "x86_64": shutil.which("gcc")}
ARCHES = pytest.mark.parametrize("arch", ["aarch64", "x86_64"])


def cc(tmp_path: Path, arch: str, name: str, source: str) -> str:
    compiler = COMPILERS[arch]
    if compiler is None:
        pytest.skip(f"no C compiler for {arch}")
    src, obj = tmp_path / f"{name}.c", tmp_path / f"{arch}-{name}.o"
    src.write_text(source)
    subprocess.run([compiler, "-O1", "-c", str(src), "-o", str(obj)], check=True)
    return str(obj)


def run(arch: str, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    emulate = ["-emulate"] if arch == "x86_64" else []
    return subprocess.run([sys.executable, "-m", "pyjitlink", *emulate, *args],
                          capture_output=True, text=True, timeout=300, check=False, cwd=cwd)


def linked(result: subprocess.CompletedProcess, tmp_path: Path) -> list[str]:
    """The test's own objects in the order -show-linked-files names them (the target C
    runtime's members, crt1.o and libc.a's, are linked too)."""
    return [line.split()[1] for line in result.stdout.splitlines()
            if line.startswith("Linking ") and line.split()[1].startswith(str(tmp_path))]


MAIN = r"""
#include <stdio.h>
#include <stdlib.h>
int f(int); int (*get_f(void))(int);
int is_even(unsigned); int vsum(int n, ...);
double mix(int a, double b, int c, double d, int e, double f2, int g, double h, int i,
           double j, int k, double l, int m, double n2, int o, double p, int q, double r);
int cmp_ints(const void *, const void *);
int main(int argc, char **argv) {
    int (*before)(int) = f;
    int first = f(20);
    int (*after)(int) = f;
    printf("f=%d equal=%d %d\n", first, before == after, get_f() == after);
    printf("even(10)=%d even(7)=%d\n", is_even(10), is_even(7));
    printf("vsum=%d\n", vsum(5, 1, 2, 3, 4, 5));
    printf("mix=%.3f\n", mix(1, 0.5, 2, 0.25, 3, 0.125, 4, 1.5, 5, 2.5, 6, 3.5, 7, 4.5, 8,
                             5.5, 9, 6.5));
    int v[6] = {5, 3, 9, 1, 7, 2};
    qsort(v, 6, sizeof v[0], cmp_ints);
    printf("sorted=%d%d%d%d%d%d\n", v[0], v[1], v[2], v[3], v[4], v[5]);
    return 0;
}
"""
LIB_F = "int f(int x) { return x * 2 + 2; }\nint (*get_f(void))(int) { return f; }\n"
EVEN = "int is_odd(unsigned); int is_even(unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }\n"
ODD = "int is_even(unsigned); int is_odd(unsigned n) { return n == 0 ? 0 : is_even(n - 1); }\n"
VARIADIC = r"""
#include <stdarg.h>
int vsum(int n, ...) { va_list ap; va_start(ap, n); int s = 0;
    for (int i = 0; i < n; i++) s += va_arg(ap, int); va_end(ap); return s; }
double mix(int a, double b, int c, double d, int e, double f, int g, double h, int i,
           double j, int k, double l, int m, double n, int o, double p, int q, double r) {
    return a + b + c + d + e + f + g + h + i + j + k + l + m + n + o + p + q + r; }
int cmp_ints(const void *x, const void *y) { return *(const int *)x - *(const int *)y; }
"""
EXPECTED = ("f=42 equal=1 1\neven(10)=1 even(7)=0\nvsum=15\nmix=69.875\n"
            "sorted=123579\n")


@ARCHES
def test_lazy_semantics_match_eager(tmp_path: Path, arch: str) -> None:
    objs = [cc(tmp_path, arch, n, s) for n, s in (("main", MAIN), ("libf", LIB_F),
                                                  ("even", EVEN), ("odd", ODD),
                                                  ("variadic", VARIADIC))]
    eager = run(arch, *objs)
    assert (eager.returncode, eager.stdout, eager.stderr) == (0, EXPECTED, "")
    lazy = run(arch, "-show-linked-files", objs[0],
               *[a for o in objs[1:] for a in ("-lazy", o)])
    assert (lazy.returncode, lazy.stderr) == (0, "")
    assert lazy.stdout.endswith(EXPECTED)
    # main.o at once; each lazy input once, at its first call, in the order main makes them.
    assert linked(lazy, tmp_path) == objs


@ARCHES
def test_unreached_lazy_inputs_are_never_linked(tmp_path: Path, arch: str) -> None:
    main = cc(tmp_path, arch, "main", "int used(void); int unused(void);\n"
                                      "int main(int argc, char **argv) {\n"
                                      "  return argc > 5 ? unused() : used(); }\n")
    used = cc(tmp_path, arch, "used", "int used(void) { return 3; }\n")
    unused = cc(tmp_path, arch, "unused", "int unused(void) { return 4; }\n")
    eager = run(arch, main, used, unused)
    result = run(arch, "-show-linked-files", main, "-lazy", used, "-lazy", unused)
    assert result.returncode == eager.returncode == 3
    assert linked(result, tmp_path) == [main, used]


BROKEN_MAIN = ('#include <stdio.h>\nint broken(void);\n'
               'int main(void) { puts("before"); return broken(); }\n')
# No object and no C library defines it: a reference to it cannot be resolved.
BROKEN = "void no_such_function(void);\nint broken(void) { no_such_function(); return 1; }\n"


@ARCHES
def test_a_lazy_body_that_fails_to_link_ends_the_program_clearly(tmp_path: Path,
                                                                 arch: str) -> None:
    main = cc(tmp_path, arch, "main", BROKEN_MAIN)
    broken = cc(tmp_path, arch, "broken", BROKEN)
    eager = run(arch, main, broken)
    assert eager.returncode == 1 and "Symbols not found: [ no_such_function ]" in eager.stderr
    result = run(arch, main, "-lazy", broken)
    assert result.returncode == 1
    # The program's buffered output is flushed before the error, as exit would.
    assert result.stdout == "before\n"
    assert result.stderr == (f"pyjitlink: error: {broken}: lazy call to 'broken' failed: "
                             f"Symbols not found: [ no_such_function ]\n")


@ARCHES
def test_a_lazy_comparator_that_fails_to_link_inside_qsort(tmp_path: Path,
                                                           arch: str) -> None:
    """The first call comes from inside the C library (glibc's qsort): the failure still
    ends the whole program with the one error line and status 1."""
    main = cc(tmp_path, arch, "main", "#include <stdio.h>\n#include <stdlib.h>\n"
                                      "int cmp(const void *, const void *);\n"
                                      "int main(void) { int v[3] = {3, 1, 2};\n"
                                      "  printf(\"sorting\\n\"); qsort(v, 3, 4, cmp);\n"
                                      "  printf(\"sorted\\n\"); return v[0]; }\n")
    broken = cc(tmp_path, arch, "cmp", "void no_such_function(void);\n"
                                       "int cmp(const void *a, const void *b) {\n"
                                       "  no_such_function(); return 0; }\n")
    result = run(arch, main, "-lazy", broken)
    assert (result.returncode, result.stdout) == (1, "sorting\n")
    assert result.stderr == (f"pyjitlink: error: {broken}: lazy call to 'cmp' failed: "
                             f"Symbols not found: [ no_such_function ]\n")


STUB_CHECKS = {
    # adrp x16, slot; ldr x16, [x16, :lo12:slot]; br x16
    "aarch64": ["(*{4}used) & 0x9f00001f = 0x90000010",
                "(*{4}(used + 4)) & 0xffc003ff = 0xf9400210",
                "*{4}(used + 8) = 0xd61f0200"],
    # jmp *slot(%rip), the slot aimed at a trap (ud2 ud2, never executed: the hook moves on)
    "x86_64": ["*{2}used = 0x25ff",
               "*{4}(*{8}(used + 6+*{4}(used + 2))) = 0x0b0f0b0f"],
}


@ARCHES
def test_entry_point_stubs_seen_by_check(tmp_path: Path, arch: str) -> None:
    main = cc(tmp_path, arch, "main", "int used(void);\nint main(void) { return used(); }\n")
    used = cc(tmp_path, arch, "used", "int used(void) { return 3; }\n")
    checks = tmp_path / "checks.txt"
    checks.write_text("".join(f"# jitlink-check: {c}\n" for c in STUB_CHECKS[arch]))
    result = run(arch, "-noexec", "-show-linked-files", "-check", str(checks), main,
                 "-lazy", used)
    assert (result.returncode, result.stderr) == (0, "")
    assert linked(result, tmp_path) == [main]


EMULATED_RUNS = program_runs(("a64-O2-pie", "O2-pie", "macho-a64-O2", "macho-O2"))


@pytest.mark.parametrize("prog,flavour,name,args", EMULATED_RUNS,
                         ids=[f"{p}-{f}-{n}" for p, f, n, _ in EMULATED_RUNS])
def test_testdata_programs_with_every_object_but_main_lazy(prog: str, flavour: str,
                                                           name: str, args: str) -> None:
    arch = "aarch64" if "a64-" in flavour else "x86_64"
    result = run(arch, *lazy_inputs(prog, flavour), "-args", *args.split(),
                 cwd=TESTDATA / prog)
    assert_expected(result, prog, name)
