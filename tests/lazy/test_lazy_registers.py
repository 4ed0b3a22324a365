"""-lazy is transparent to every register: gcc -O2's interprocedural register allocation
(-fipa-ra) keeps a caller's values in call-clobbered registers (r11, r10, rcx, xmm8-11...)
across calls to functions of its own file that it knows leave them alone. A lazy entry
point reached from its own object (the call goes through the callee's stub, whose first
use enters the re-entry trampoline) must preserve them all. The oracle is the same
objects linked by gcc and run; objdump shows the registers are live across the calls, so
the test provokes what it claims to."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

GCC = shutil.which("gcc") or "gcc"
OBJDUMP = shutil.which("objdump") or "objdump"

# Callees that touch few registers, and callers with more values live across their calls
# than there are callee-saved registers.
LAZY_PART = r"""
__attribute__((noinline)) int helper(int x) { return x * 3 + 1; }

__attribute__((noinline)) long mix(long a, long b, long c, long d, long e, long f)
{
    long g = a * 7, h = b * 11, i = c * 13, j = d * 17, k = e * 19, l = f * 23;
    long m = a ^ b, n = c ^ d, o = e ^ f, p = a + f;
    long s = helper((int)a);
    s += helper((int)(s + b));
    return s + a + b + c + d + e + f + g + h + i + j + k + l + m + n + o + p;
}

__attribute__((noinline)) double scale(double x) { return x * 1.5; }

__attribute__((noinline)) double fmix(double a, double b, double c, double d, double e,
                                      double f, double g, double h)
{
    double s = scale(a);
    s += scale(s + b);
    return s + a * b + c * d + e * f + g * h + a + b + c + d + e + f + g + h;
}
"""
MAIN = r"""
#include <stdio.h>
long mix(long, long, long, long, long, long);
double fmix(double, double, double, double, double, double, double, double);
int main(int argc, char **argv)
{
    for (int round = 0; round < 2; round++) {  /* the first calls link, the second don't */
        long r = mix(argc, argc + 1, argc + 2, argc + 3, argc + 4, argc + 5);
        double q = fmix(argc, 0.5, 0.25, 2.0, 3.0, 0.75, 1.25, 4.0);
        printf("mix=%ld fmix=%.6f\n", r, q);
    }
    return 0;
}
"""


def compile_objects(tmp_path: Path) -> tuple[Path, Path]:
    objects = []
    for name, source in (("main", MAIN), ("lazy_part", LAZY_PART)):
        src = tmp_path / f"{name}.c"
        src.write_text(source)
        obj = tmp_path / f"{name}.o"
        subprocess.run([GCC, "-O2", "-fipa-ra", "-c", str(src), "-o", str(obj)], check=True)
        objects.append(obj)
    return objects[0], objects[1]


def function_lines(obj: Path, name: str) -> list[str]:
    """objdump's instruction text (AT&T) of function ``name`` in ``obj``."""
    out = subprocess.run([OBJDUMP, "-d", "--no-show-raw-insn", str(obj)], check=True,
                         capture_output=True, text=True).stdout
    body = out.split(f"<{name}>:\n", 1)[1].split("\n\n", 1)[0]
    return [line.split("\t", 1)[1].strip() for line in body.splitlines() if "\t" in line]


def live_across_call(lines: list[str], register: str) -> bool:
    """``register`` (e.g. ``%r11``) is written before the function's first call and read
    after its last one, before any new write: a value kept in it across the calls."""
    calls = [i for i, text in enumerate(lines) if text.startswith("call")]
    written = re.compile(rf",{re.escape(register)}d?$")
    read = re.compile(rf"{re.escape(register)}d?,")
    if not calls or not any(written.search(t) for t in lines[:calls[0]]):
        return False
    for text in lines[calls[-1] + 1:]:
        if read.search(text):
            return True
        if written.search(text):
            return False
    return False


def test_gcc_keeps_values_in_call_clobbered_registers(tmp_path: Path) -> None:
    _, lazy_part = compile_objects(tmp_path)
    mix = function_lines(lazy_part, "mix")
    assert live_across_call(mix, "%r11"), "\n".join(mix)
    assert live_across_call(mix, "%r10"), "\n".join(mix)
    fmix = function_lines(lazy_part, "fmix")
    assert any(live_across_call(fmix, f"%xmm{n}") for n in range(8, 16)), "\n".join(fmix)


def test_lazy_entry_preserves_every_register(tmp_path: Path) -> None:
    main, lazy_part = compile_objects(tmp_path)
    exe = tmp_path / "reference"
    subprocess.run([GCC, str(main), str(lazy_part), "-o", str(exe)], check=True)
    expected = subprocess.run([str(exe), "x"], capture_output=True, text=True, check=True)
    assert expected.stdout.count("\n") == 2
    # As in llvm-jitlink, -args gives argv whole (no program name is prepended).
    for lazy in ((), ("-lazy",)):
        got = subprocess.run([sys.executable, "-m", "pyjitlink", str(main), *lazy,
                              str(lazy_part), "-args", str(exe), "x"],
                             capture_output=True, text=True, timeout=120, check=False)
        assert (got.returncode, got.stdout, got.stderr) == (0, expected.stdout, ""), lazy
