"""-preload LIB: a shared library loaded before linking resolves names as the process's,
as llvm-jitlink 19 does (the oracle: the same objects under llvm-jitlink, and gcc's link)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from toolchain import find_tool

GCC = shutil.which("gcc") or "gcc"

LIB = "int pre_value(int x) { return x * 7 + 1; }\n"
MAIN = ('#include <stdio.h>\nint pre_value(int);\n'
        'int main(void) { printf("pre=%d\\n", pre_value(6)); return 0; }\n')


def build(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "pre.c").write_text(LIB)
    (tmp_path / "main.c").write_text(MAIN)
    lib = tmp_path / "libpre.so"
    subprocess.run([GCC, "-shared", "-fPIC", str(tmp_path / "pre.c"), "-o", str(lib)],
                   check=True)
    obj = tmp_path / "main.o"
    subprocess.run([GCC, "-O1", "-c", str(tmp_path / "main.c"), "-o", str(obj)], check=True)
    return lib, obj


def test_preloaded_library_resolves_names(tmp_path: Path) -> None:
    lib, obj = build(tmp_path)
    exe = tmp_path / "reference"
    subprocess.run([GCC, str(obj), str(lib), "-o", str(exe), f"-Wl,-rpath,{tmp_path}"],
                   check=True)
    expected = subprocess.run([str(exe)], capture_output=True, text=True, check=True).stdout
    assert expected == "pre=43\n"
    ours = subprocess.run([sys.executable, "-m", "pyjitlink", "-preload", str(lib), str(obj)],
                          capture_output=True, text=True, timeout=120)
    assert (ours.returncode, ours.stdout, ours.stderr) == (0, expected, "")
    reference = find_tool("llvm-jitlink")
    assert reference is not None, "llvm-jitlink (19) is not installed"
    theirs = subprocess.run([reference, "-preload", str(lib), str(obj)], capture_output=True,
                            text=True, timeout=120)
    assert (theirs.returncode, theirs.stdout) == (0, expected)


def test_without_preload_the_name_is_undefined(tmp_path: Path) -> None:
    _, obj = build(tmp_path)
    ours = subprocess.run([sys.executable, "-m", "pyjitlink", str(obj)], capture_output=True,
                          text=True, timeout=120)
    assert ours.returncode == 1
    assert "Symbols not found: [ pre_value ]" in ours.stderr
