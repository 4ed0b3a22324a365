"""Native execution: copy relocations stay sound, JIT'd frames unwind, memory is never W+X."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"
FLAVOURS = ["-fno-pic", "-fpie", "-fPIC", "-mcmodel=large"]

pytestmark = pytest.mark.skipif(shutil.which("gcc") is None, reason="gcc is not installed")


def _compile(tmp_path: Path, flags: str, source: str = "native_probe.c") -> Path:
    obj = tmp_path / "probe.o"
    subprocess.run(["gcc", "-O1", *flags.split(), "-c", str(DATA / source), "-o", str(obj)],
                   check=True)
    return obj


def _gcc_reference(tmp_path: Path, flags: str, args: list[str]) -> subprocess.CompletedProcess:
    exe = tmp_path / "probe"
    link = ["-no-pie"] if "no-pic" in flags else []
    subprocess.run(["gcc", "-O1", *flags.split(), *link, str(DATA / "native_probe.c"), "-o",
                    str(exe)], check=True)
    # exec -a: the executable sees argv[0] = args[0], as the JIT'd program does.
    return subprocess.run(["bash", "-c", 'exec -a "$0" "$@"', args[0], str(exe), *args[1:]],
                          capture_output=True, text=True)


@pytest.mark.parametrize("flags", FLAVOURS)
def test_getopt_and_environ_through_copied_variables(tmp_path: Path, flags: str) -> None:
    """optind/optarg are libc variables written by libc and read by the program (PC32 in
    -fno-pic and PIE code): the copy and libc must be one variable."""
    obj = _compile(tmp_path, flags)
    args = ["prog", "-a", "-b", "xyz", "rest"]
    ours = subprocess.run([sys.executable, "-m", "pyjitlink", str(obj), "-args", *args],
                          capture_output=True, text=True, timeout=60)
    ref = _gcc_reference(tmp_path, flags, args)
    first = lambda text: text.splitlines()[:2]  # noqa: E731 - frame counts differ by design
    assert "a=1 b=xyz optind=4 rest=rest" in ours.stdout
    assert first(ours.stdout) == first(ref.stdout)
    assert ours.stderr == ref.stderr == "to stderr\n"
    assert ours.returncode == ref.returncode == 7


def test_backtrace_unwinds_through_jit_frames(tmp_path: Path) -> None:
    """With .eh_frame registered, backtrace() walks from JIT'd code out into the host: far
    more than the one frame it finds when the unwinder knows nothing of JIT'd code."""
    obj = _compile(tmp_path, "-O0")
    ours = subprocess.run([sys.executable, "-m", "pyjitlink", str(obj), "-args", "p"],
                          capture_output=True, text=True, timeout=60)
    frames = int(re.search(r"frames=(\d+)", ours.stdout).group(1))
    assert frames >= 6  # depth(0..3) + main + host frames


def test_jit_memory_is_never_writable_and_executable(tmp_path: Path) -> None:
    obj = _compile(tmp_path, "-fpie")
    from pyjitlink.tool.driver import build_session

    session = build_session([("input", str(obj))])
    session.lookup("main")
    arena = session.executor.arena
    lo, hi = arena.base, arena.base + arena.size
    seen = set()
    for line in Path("/proc/self/maps").read_text().splitlines():
        span, perms = line.split()[:2]
        start, end = (int(x, 16) for x in span.split("-"))
        if start < hi and end > lo:
            seen.add(perms[:3])
            assert not ("w" in perms and "x" in perms), line
    assert "r-x" in seen and "r--" in seen
