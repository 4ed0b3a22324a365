"""Mach-O x86-64 objects run on Linux: C library names bound without their leading "_",
"_main" as the default entry, the same output as the ELF build; mixing formats is refused."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CLANG = shutil.which("clang-14") or shutil.which("clang")
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
