"""Start-up and exit: ``-version`` is answered without loading the command's libraries
(issue 14); a finished command ends without Python's finalization (issue 15)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import pyjitlink


def _imported_modules(*args: str) -> tuple[str, set[str]]:
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "pyjitlink", *args],
                            capture_output=True, text=True, timeout=60, check=True)
    modules = {line.split("|")[-1].strip() for line in result.stderr.splitlines()
               if line.startswith("import time:")}
    return result.stdout, modules


def test_version_loads_neither_click_nor_the_linker() -> None:
    for spelling in ("-version", "--version"):
        stdout, modules = _imported_modules(spelling)
        assert stdout == f"pyjitlink, version {pyjitlink.__version__}\n"
        heavy = {m for m in modules
                 if m.split(".")[0] in ("click", "elftools", "capstone", "unicorn", "macholib")
                 or m.startswith(("pyjitlink.jitlink", "pyjitlink.tool.cli"))
                 or m == "importlib.metadata"}
        assert not heavy, heavy


def test_version_among_other_options_still_answers() -> None:
    # Not the fast path: click's eager -version option, with the same text.
    result = subprocess.run([sys.executable, "-m", "pyjitlink", "-noexec", "-version"],
                            capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout == f"pyjitlink, version {pyjitlink.__version__}\n"


CALC = Path(__file__).resolve().parents[2] / "testdata" / "calc"
# Runs the command as the console script does, with a Python exit handler that says whether
# Python's finalization ran.
ENTRY = ("import atexit, sys\n"
         "atexit.register(lambda: print('python finalization', file=sys.stderr))\n"
         "sys.argv[0] = 'pyjitlink'\n"
         "from pyjitlink.tool.entry import main\n"
         "main()\n")


@pytest.mark.parametrize("run", ["basic", "runtime-error"])
def test_an_emulated_run_ends_with_the_programs_status_without_finalization(run: str) -> None:
    """The emulated program's exit ends the process at once (its output flushed, its status
    the process's), as a native run ends through libc's exit: Python's finalization would
    free the session object by object."""
    objects = sorted(str(p.relative_to(CALC)) for p in (CALC / "a64-O2-pic").glob("*.o"))
    args = dict(line.split(None, 1) for line in (CALC / "runs.txt").read_text().splitlines()
                if line.strip())[run].split()
    result = subprocess.run([sys.executable, "-c", ENTRY, *objects, "-args", "calc", *args],
                            cwd=CALC, capture_output=True, text=True, timeout=120)
    assert result.stdout == (CALC / "expected" / f"{run}.stdout").read_text()
    assert result.returncode == int((CALC / "expected" / f"{run}.rc").read_text())
    assert "python finalization" not in result.stderr


def test_a_noexec_link_ends_without_finalization() -> None:
    objects = sorted(str(p) for p in (CALC / "a64-O2-pic").glob("*.o"))
    result = subprocess.run([sys.executable, "-c", ENTRY, "-noexec", "-show-linked-files",
                             *objects], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    # Every line reached the pipe: the objects, then glibc's members (-show-linked-files
    # links the runtime from its archives).
    lines = result.stdout.splitlines()
    assert all(line.startswith("Linking ") for line in lines) and len(lines) > 300
    assert {f"Linking {o}" for o in objects} <= set(lines)
    assert "python finalization" not in result.stderr


def test_an_emulated_run_loads_only_what_it_uses() -> None:
    """An emulated ELF run (its runtime found and imaged in the cache by a first run) loads
    neither the native executor, nor the unicorn package (host_bridge loads libunicorn and
    its register numbers itself), nor the libraries only a cache miss needs (subprocess to
    ask gcc; no digest or JSON library at all)."""
    objects = sorted(str(p.relative_to(CALC)) for p in (CALC / "a64-O2-pic").glob("*.o"))
    command = [sys.executable, "-X", "importtime", "-m", "pyjitlink", *objects, "-args", "calc",
               "inputs/basic.calc"]
    subprocess.run(command, cwd=CALC, capture_output=True, timeout=300, check=True)
    result = subprocess.run(command, cwd=CALC, capture_output=True, text=True, timeout=120,
                            check=True)
    assert result.stdout == (CALC / "expected" / "basic.stdout").read_text()
    modules = {line.split("|")[-1].strip() for line in result.stderr.splitlines()
               if line.startswith("import time:")}
    assert "pyjitlink.executors.linux.process" in modules  # the oracle sees the run's imports
    unwanted = {m for m in modules if m.split(".")[0] in ("unicorn", "hashlib", "json",
                                                          "subprocess")
                or m.startswith("pyjitlink.executors.native")}
    assert not unwanted, unwanted
