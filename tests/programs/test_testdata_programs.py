"""Every testdata program, in every flavour, behaves under pyjitlink as its gcc-linked build.

The oracle is the gcc-linked executable's stdout, stderr and exit code, recorded by
testdata/build.sh (testdata/<prog>/expected/<run>.*). pyjitlink runs the same objects with the
run's argument after -args, in the program's directory. The Mach-O flavours (macho-*, built by
clang for macOS and never linked: there is no Mach-O linker or macOS here) must give the same
output as the ELF builds: natively (x86-64, also under -emulate) or emulated (arm64).
Every emulated run (a64-*, macho-a64-*, -emulate) is on the target's own C runtime.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

TESTDATA = Path(__file__).resolve().parents[2] / "testdata"


def _flavour_info(directory: Path) -> dict[str, str]:
    """The `key: value` lines of a flavour's cflags file (format, arch, cc, cflags, ...)."""
    info = {}
    for line in (directory / "cflags").read_text().splitlines():
        key, _, value = line.partition(":")
        info[key.strip()] = value.strip()
    return info


def _cases(select: str = "") -> list[tuple[str, str, str, str]]:
    """(program, flavour, run, argument) for every run of every flavour whose cflags file
    has the `key=value` ``select`` (every flavour if empty)."""
    key, _, value = select.partition("=")
    cases = []
    for prog in sorted(p for p in TESTDATA.iterdir() if (p / "runs.txt").is_file()):
        runs = [line.split(None, 1) for line in (prog / "runs.txt").read_text().splitlines()
                if line.strip()]
        flavours = sorted(d.name for d in prog.iterdir() if (d / "cflags").is_file()
                          and (not key or _flavour_info(d).get(key) == value))
        for flavour in flavours:
            for run, args in runs:
                cases.append((prog.name, flavour, run, args))
    return cases


CASES = _cases()
MACHO_CASES = _cases("format=macho")


def _ids(cases: list[tuple[str, str, str, str]]) -> list[str]:
    return [f"{p}-{f}-{r}" for p, f, r, _ in cases]


def _run_and_compare(prog: str, flavour: str, run: str, args: str, *options: str) -> None:
    directory = TESTDATA / prog
    objects = sorted(str(p.relative_to(directory)) for p in (directory / flavour).glob("*.o"))
    result = subprocess.run([sys.executable, "-m", "pyjitlink", *options, *objects, "-args",
                             *args.split()], cwd=directory, capture_output=True, timeout=300)
    expected = directory / "expected"
    assert result.stderr.decode() == (expected / f"{run}.stderr").read_text()
    assert result.stdout.decode() == (expected / f"{run}.stdout").read_text()
    assert result.returncode == int((expected / f"{run}.rc").read_text())


def test_there_is_real_input() -> None:
    assert len({c[0] for c in CASES}) >= 3
    assert len(CASES) >= 100
    # Each program in Mach-O for both architectures, at -O0 and -O2.
    macho = {(p, _flavour_info(TESTDATA / p / f)["arch"]) for p, f, _, _ in MACHO_CASES}
    assert macho == {(p, a) for p in ("calc", "textstat", "dsbench")
                     for a in ("x86_64", "aarch64")}


MACHO_FLAVOURS = sorted({(p, f) for p, f, _, _ in MACHO_CASES})


@pytest.mark.parametrize("prog,flavour", MACHO_FLAVOURS,
                         ids=[f"{p}-{f}" for p, f in MACHO_FLAVOURS])
def test_macho_flavour_holds_macho_objects_of_its_arch(prog: str, flavour: str) -> None:
    """Checks the corpus itself: 64-bit Mach-O relocatables (MH_OBJECT) of the arch its
    cflags file names, one per source file, so the runs below test what they claim to."""
    directory = TESTDATA / prog / flavour
    cputype = {"x86_64": 0x01000007, "aarch64": 0x0100000C}[_flavour_info(directory)["arch"]]
    objects = sorted(p.stem for p in directory.glob("*.o"))
    assert objects == sorted(p.stem for p in (TESTDATA / prog / "src").glob("*.c"))
    for name in objects:
        header = (directory / f"{name}.o").read_bytes()[:16]
        magic, cpu, _subtype, filetype = (int.from_bytes(header[i:i + 4], "little")
                                          for i in range(0, 16, 4))
        assert (magic, cpu, filetype) == (0xFEEDFACF, cputype, 1), name


@pytest.mark.parametrize("prog,flavour,run,args", CASES, ids=_ids(CASES))
def test_program_matches_gcc_build(prog: str, flavour: str, run: str, args: str) -> None:
    _run_and_compare(prog, flavour, run, args)


# The x86-64 Mach-O flavours also under -emulate (as tests/executors does for some ELF
# x86-64 flavours): on the host's static glibc through the Darwin layer
# (executors/darwin/libc_layer.py), as the arm64 flavours run above on the cross sysroot's.
MACHO_X86_64_CASES = [c for c in MACHO_CASES
                      if _flavour_info(TESTDATA / c[0] / c[1])["arch"] == "x86_64"]


@pytest.mark.parametrize("prog,flavour,run,args", MACHO_X86_64_CASES,
                         ids=_ids(MACHO_X86_64_CASES))
def test_macho_x86_64_program_under_emulate(prog: str, flavour: str, run: str,
                                             args: str) -> None:
    _run_and_compare(prog, flavour, run, args, "-emulate")
