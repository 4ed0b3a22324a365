"""The testdata programs with every object but main.o lazy, shared by the native and
emulated -lazy tests: the cases, the inputs and the comparison with expected/."""

from __future__ import annotations

import subprocess
from pathlib import Path

TESTDATA = Path(__file__).resolve().parents[2] / "testdata"


def program_runs(flavours: tuple[str, ...]) -> list[tuple[str, str, str, str]]:
    """(program, flavour, run name, arguments) for every run of every program."""
    cases = []
    for prog in ("calc", "textstat", "dsbench"):
        runs = [line.split(None, 1) for line in
                (TESTDATA / prog / "runs.txt").read_text().splitlines() if line.strip()]
        for flavour in flavours:
            if (TESTDATA / prog / flavour).is_dir():
                cases += [(prog, flavour, name, args) for name, args in runs]
    return cases


def lazy_inputs(prog: str, flavour: str) -> list[str]:
    """The flavour's objects in sorted order, as the eager runs take them (Mach-O
    constructors run in input order), each but main.o behind ``-lazy``; relative to the
    program's directory."""
    directory = TESTDATA / prog
    objects = sorted(str(p.relative_to(directory)) for p in (directory / flavour).glob("*.o"))
    main = f"{flavour}/main.o"
    return [a for o in objects for a in ((o,) if o == main else ("-lazy", o))]


def assert_expected(result: subprocess.CompletedProcess, prog: str, name: str) -> None:
    expected = TESTDATA / prog / "expected"
    assert result.stderr == (expected / f"{name}.stderr").read_text()
    assert result.stdout == (expected / f"{name}.stdout").read_text()
    assert result.returncode == int((expected / f"{name}.rc").read_text())
