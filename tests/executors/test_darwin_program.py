"""A Mach-O program of clang's own Darwin calling sequences, run on the target's own glibc
through the Darwin layer (executors/darwin/libc_layer.py): arm64 emulated, x86-64 under
-emulate. The oracle is the same source built by gcc for this host and run natively.
(Converted from the tests of the C library in Python, removed with it.)"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from toolchain import find_clang

CLANG = find_clang()
GCC = shutil.which("gcc")


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
    double ld = 2.5, scanned_ld = 0;
    double scanned = 0;
    char word[16];
    int k = 0;
    atexit(goodbye);
    printf("%s %d %f %c %ld %u %f %x\n", argv[0], argc, 1.5, 'q', -9876543210L, 3000000000u,
           ld, 0xbeef);
    printf("%d %d %d %d %d %d %d %d %d %d %.1f %.1f %.1f %.1f %.1f %.1f %.1f %.1f %.1f %.1f\n",
           1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5);
    puts(format("[%5s|%-4d|%.3e|%x|%s]", "ab", 17, 12345.678, 255, argv[0]));
    printf("mixed %.2f\n", mixed_sum(5, 1, 0.5, 2, 0.25, 3, 0.125, 4, 1.0, -5, -2.0));
    say("say", "%d-%s-%.1f-%ld\n", 3, "x", 9.75, 1L << 40);
    qsort(v, 8, sizeof v[0], compare);
    for (int i = 0; i < 8; i++)
        printf("%d%c", v[i], i == 7 ? '\n' : ' ');
    int n = sscanf("0.75 1.5 33 word", "%lf %lf %d %15s", &scanned, &scanned_ld, &k, word);
    printf("%d %.2f %.2f %d %s %s %s\n", n, scanned, scanned_ld, k, word,
           optional_hook ? "hooked" : "no hook", &optional_setting ? "set" : "unset");
    return 3;
}
"""


@pytest.fixture(scope="module")
def program(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """PROGRAM as Mach-O objects for arm64 and x86-64 macOS (clang), and as a native
    executable (gcc, the oracle: glibc formats, sorts and scans)."""
    assert CLANG is not None and GCC is not None, "clang and gcc are needed (see .ci/run)"
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


@pytest.mark.parametrize("arch", ["aarch64", "x86_64"])
def test_macho_program_matches_its_native_build(program: dict[str, Path], arch: str) -> None:
    """clang's own Darwin calling sequences: variadic calls with more than eight integer and
    eight double arguments, variadic functions of the program (``va_arg``, ``va_list``
    handed to vsnprintf and vprintf), doubles through printf and scanf, a qsort comparator,
    an atexit handler, and a weak reference that stays NULL. (No ``long double``: a double
    on Darwin arm64, 128 bits in glibc, which the Darwin layer does not translate.)"""
    ours = _run(*(["-emulate"] if arch == "x86_64" else []), str(program[arch]),
                "-args", "arg")
    oracle = subprocess.run(["bash", "-c", 'exec -a arg "$0"', str(program["native"])],
                            capture_output=True, text=True, timeout=60)
    assert (ours.stdout, ours.stderr, ours.returncode) == (oracle.stdout, "", 3)
    lines = ours.stdout.splitlines()
    assert lines[0] == "arg 1 1.500000 q -9876543210 3000000000 2.500000 beef"
    assert lines[-2] == "4 0.75 1.50 33 word no hook unset"
