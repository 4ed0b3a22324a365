"""Linker sets: C code walks a section from its start symbol to its end symbol (ELF's
``__start_X``/``__stop_X``, Mach-O's ``section$start$SEG$SECT``/``section$end$...``), with
entries nothing else refers to. The JIT'd run prints what the same objects print when
linked by ld (ELF), natively or emulated."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from toolchain import find_clang

CLANG = find_clang()
GCC = shutil.which("gcc")
pytestmark = pytest.mark.skipif(CLANG is None or GCC is None, reason="needs clang and gcc")

SOURCE = r"""
int printf(const char *, ...);
struct entry { const char *name; int value; };
#define ENTRY(n, v) static const struct entry entry_##n \
    __attribute__((section(SET_SECTION), used)) = { #n, v }
ENTRY(alpha, 1);
ENTRY(beta, 20);
ENTRY(gamma, 300);
extern const struct entry set_start[] __asm(SET_START);
extern const struct entry set_end[] __asm(SET_END);
int main(void) {
    int sum = 0;
    for (const struct entry *e = set_start; e < set_end; e++) {
        printf("%s=%d\n", e->name, e->value);
        sum += e->value;
    }
    printf("count=%d sum=%d\n", (int)(set_end - set_start), sum);
    return 0;
}
"""
ELF = ['-DSET_SECTION="myset"', '-DSET_START="__start_myset"', '-DSET_END="__stop_myset"']
MACHO = ['-DSET_SECTION="__DATA,__myset"', '-DSET_START="section$start$__DATA$__myset"',
         '-DSET_END="section$end$__DATA$__myset"']


def compile_for(tmp_path: Path, target: str, defines: list[str]) -> Path:
    src, obj = tmp_path / "set.c", tmp_path / f"set-{target}.o"
    src.write_text(SOURCE)
    assert CLANG is not None
    subprocess.run([CLANG, f"--target={target}", "-O2", *defines, "-c", str(src), "-o",
                    str(obj)], check=True)
    return obj


@pytest.fixture(scope="module")
def expected(tmp_path_factory: pytest.TempPathFactory) -> str:
    tmp = tmp_path_factory.mktemp("set")
    obj = compile_for(tmp, "x86_64-linux-gnu", ELF)
    exe = tmp / "set"
    assert GCC is not None
    subprocess.run([GCC, str(obj), "-o", str(exe)], check=True)
    out = subprocess.run([str(exe)], capture_output=True, text=True, check=True).stdout
    assert out.endswith("count=3 sum=321\n")
    return out


@pytest.mark.parametrize("target", ["x86_64-linux-gnu", "aarch64-linux-gnu",
                                    "x86_64-apple-macos11", "arm64-apple-macos11"])
def test_a_section_walked_from_start_to_end(tmp_path: Path, target: str,
                                            expected: str) -> None:
    obj = compile_for(tmp_path, target, MACHO if "apple" in target else ELF)
    result = subprocess.run([sys.executable, "-m", "pyjitlink", str(obj)], capture_output=True,
                            text=True, timeout=120, check=False)
    assert (result.returncode, result.stderr, result.stdout) == (0, "", expected)
