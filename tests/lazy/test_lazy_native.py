"""-lazy natively on x86-64: first calls link bodies once, from any thread, with arguments
intact; function pointers stay equal; failures end the program with a clear error."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lazy_testdata import TESTDATA, assert_expected, lazy_inputs, program_runs

GCC = shutil.which("gcc")
pytestmark = pytest.mark.skipif(GCC is None, reason="gcc is not installed")


def cc(tmp_path: Path, name: str, source: str) -> str:
    src, obj = tmp_path / f"{name}.c", tmp_path / f"{name}.o"
    src.write_text(source)
    subprocess.run([GCC, "-O1", "-pthread", "-c", str(src), "-o", str(obj)], check=True)
    return str(obj)


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pyjitlink", *args], capture_output=True,
                          text=True, timeout=120, check=False)


def linked(result: subprocess.CompletedProcess) -> list[str]:
    return [line.split()[1] for line in result.stdout.splitlines()
            if line.startswith("Linking ")]


MAIN = r"""
#include <stdio.h>
#include <stdlib.h>
#include <stdarg.h>
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


def test_lazy_semantics_match_eager(tmp_path: Path) -> None:
    objs = [cc(tmp_path, n, s) for n, s in (("main", MAIN), ("libf", LIB_F), ("even", EVEN),
                                            ("odd", ODD), ("variadic", VARIADIC))]
    eager = run(*objs)
    assert (eager.returncode, eager.stdout, eager.stderr) == (0, EXPECTED, "")
    lazy_args = [objs[0]] + [a for o in objs[1:] for a in ("-lazy", o)]
    lazy = run(*lazy_args)
    assert (lazy.returncode, lazy.stdout, lazy.stderr) == (0, EXPECTED, "")


def test_unreached_lazy_inputs_are_never_linked(tmp_path: Path) -> None:
    main = cc(tmp_path, "main", "int used(void); int unused(void);\n"
                                "int main(int argc, char **argv) {\n"
                                "  return argc > 5 ? unused() : used(); }\n")
    used = cc(tmp_path, "used", "int used(void) { return 3; }\n")
    unused = cc(tmp_path, "unused", "int unused(void) { return 4; }\n")
    result = run("-show-linked-files", main, "-lazy", used, "-lazy", unused)
    assert result.returncode == 3
    assert linked(result) == [main, used]


def test_a_lazy_body_that_fails_to_link_ends_the_program_clearly(tmp_path: Path) -> None:
    main = cc(tmp_path, "main", '#include <stdio.h>\nint broken(void);\n'
                                'int main(void) { puts("before"); fflush(stdout);\n'
                                '  return broken(); }\n')
    broken = cc(tmp_path, "broken", "int missing_symbol_xyz(void);\n"
                                    "int broken(void) { return missing_symbol_xyz(); }\n")
    result = run(main, "-lazy", broken)
    assert result.returncode == 1
    assert result.stdout == "before\n"
    assert result.stderr.count("\n") == 1
    assert "lazy call to 'broken' failed" in result.stderr
    assert "Symbols not found: [ missing_symbol_xyz ]" in result.stderr


THREADS = r"""
#include <pthread.h>
#include <stdio.h>
int work_a(int); int work_b(int); int other(int);
static pthread_barrier_t barrier;
static int results[8];
static void *thread_main(void *arg) {
    long i = (long)arg;
    pthread_barrier_wait(&barrier);
    results[i] = MODE == 0 ? work_a((int)i) :
                 MODE == 1 ? (i % 2 ? work_a((int)i) : work_b((int)i)) :
                             (i % 2 ? work_a((int)i) : other((int)i));
    return 0;
}
int main(void) {
    pthread_t t[8];
    pthread_barrier_init(&barrier, 0, 8);
    for (long i = 0; i < 8; i++) pthread_create(&t[i], 0, thread_main, (void *)i);
    for (int i = 0; i < 8; i++) pthread_join(t[i], 0);
    int sum = 0;
    for (int i = 0; i < 8; i++) sum += results[i];
    printf("%d\n", sum);
    return 0;
}
"""


@pytest.mark.parametrize("mode", [0, 1, 2], ids=["same-function", "same-input",
                                                  "different-inputs"])
def test_eight_threads_make_the_first_call_at_once(tmp_path: Path, mode: int) -> None:
    main = cc(tmp_path, "main", f"#define MODE {mode}\n" + THREADS)
    work = cc(tmp_path, "work", "int work_a(int i) { return i * 10; }\n"
                                "int work_b(int i) { return i * 100; }\n")
    other = cc(tmp_path, "other", "int other(int i) { return i * 1000; }\n")
    values = [i * 10 if mode == 0 or i % 2 else (i * 100 if mode == 1 else i * 1000)
              for i in range(8)]
    for _ in range(15):
        result = run("-show-linked-files", main, "-lazy", work, "-lazy", other)
        lines = result.stdout.splitlines()
        assert (result.returncode, result.stderr, lines[-1]) == (0, "", str(sum(values)))
        names = linked(result)
        # Each body linked exactly once, however many threads raced for it.
        assert names.count(work) == 1 and names.count(main) == 1
        assert names.count(other) == (1 if mode == 2 else 0)


def test_first_call_from_a_caller_with_an_8_byte_aligned_stack(tmp_path: Path) -> None:
    """gcc calls functions of its own file without re-aligning the stack to 16 bytes when
    it knows they do not need it (here f0 pushes two registers, then calls f1 and f2):
    the re-entry trampoline must align the stack itself before calling into Python."""
    lib = cc(tmp_path, "chain", """
        int f1(int x); int f2(int x);
        int f0(int x) { if (x > 40) return x % 97; return (f1(x) + f2(x + 1)) % 1000003 + 5; }
        int f1(int x) { if (x > 41) return x % 97; return (f2(x) + f2(x + 1)) % 1000003 + 7; }
        int f2(int x) { if (x > 42) return x % 97; return x + 3; }
        int entry(int x) { return f0(x); }
    """)
    objdump = shutil.which("objdump")
    if objdump is not None:  # the premise: f0 calls with two pushes and no sub
        text = subprocess.run([objdump, "-d", lib], capture_output=True, text=True,
                              check=True).stdout
        body = text.split("<f0>:", 1)[1].split("\n\n", 1)[0]
        assert body.count("push") == 2 and "sub " not in body.split("call", 1)[0]
    main = cc(tmp_path, "main", "int entry(int); int main(void) { return entry(3) & 0x7f; }")
    eager, lazy = run(main, lib), run(main, "-lazy", lib)
    assert eager.stderr == lazy.stderr == ""
    assert lazy.returncode == eager.returncode


NATIVE_RUNS = program_runs(("O2-pie", "O0-nopic", "macho-O2"))


@pytest.mark.parametrize("prog,flavour,name,args", NATIVE_RUNS,
                         ids=[f"{p}-{f}-{n}" for p, f, n, _ in NATIVE_RUNS])
def test_testdata_programs_with_every_object_but_main_lazy(prog: str, flavour: str,
                                                           name: str, args: str) -> None:
    # ELF and Mach-O alike.
    result = subprocess.run([sys.executable, "-m", "pyjitlink", *lazy_inputs(prog, flavour),
                             "-args", *args.split()], capture_output=True, text=True,
                            timeout=120, cwd=TESTDATA / prog, check=False)
    assert_expected(result, prog, name)
