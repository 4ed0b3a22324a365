"""Every testdata program, in every flavour, behaves under pyjitlink as its gcc-linked build.

The oracle is the gcc-linked executable's stdout, stderr and exit code, recorded by
testdata/build.sh (testdata/<prog>/expected/<run>.*). pyjitlink runs the same objects with the
run's argument after -args, in the program's directory.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

TESTDATA = Path(__file__).resolve().parents[2] / "testdata"


def _cases() -> list[tuple[str, str, str, str]]:
    cases = []
    for prog in sorted(p for p in TESTDATA.iterdir() if (p / "runs.txt").is_file()):
        runs = [line.split(None, 1) for line in (prog / "runs.txt").read_text().splitlines()
                if line.strip()]
        flavours = sorted(d.name for d in prog.iterdir() if (d / "cflags").is_file())
        for flavour in flavours:
            for run, args in runs:
                cases.append((prog.name, flavour, run, args))
    return cases


CASES = _cases()


def test_there_is_real_input() -> None:
    assert len({c[0] for c in CASES}) >= 3
    assert len(CASES) >= 100


@pytest.mark.parametrize("prog,flavour,run,args", CASES,
                         ids=[f"{p}-{f}-{r}" for p, f, r, _ in CASES])
def test_program_matches_gcc_build(prog: str, flavour: str, run: str, args: str) -> None:
    directory = TESTDATA / prog
    objects = sorted(str(p.relative_to(directory)) for p in (directory / flavour).glob("*.o"))
    result = subprocess.run([sys.executable, "-m", "pyjitlink", *objects, "-args",
                             *args.split()], cwd=directory, capture_output=True, timeout=120)
    expected = directory / "expected"
    assert result.stderr.decode() == (expected / f"{run}.stderr").read_text()
    assert result.stdout.decode() == (expected / f"{run}.stdout").read_text()
    assert result.returncode == int((expected / f"{run}.rc").read_text())
