"""Natively, libraries are found as the gcc driver finds them: ``-lm`` through Debian's
libm.so linker script, ``-lstdc++`` in gcc's own directory (no ``-L``), and libgcc.a's
compiler helpers (``__muldc3``, ``__addtf3``, ...) without naming libgcc. The oracle is
the same object linked by gcc/g++ and run."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pyjitlink.orc.generators import find_library

ROOT = Path(__file__).resolve().parents[2]
TESTDATA = ROOT / "testdata"


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path is not None, f"{name} is needed"
    return path


def _run(command: list[str], cwd: Path) -> tuple[str, str, int]:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300,
                          stdin=subprocess.DEVNULL)
    return done.stdout, done.stderr, done.returncode


@pytest.mark.parametrize("libm", [[], ["-lm"]], ids=["no-lm", "lm"])
def test_complex_and_float128_helpers_come_from_libgcc(tmp_path: Path, libm: list[str]) -> None:
    gcc = _tool("gcc")
    obj, exe = tmp_path / "complex_float.o", tmp_path / "complex_float"
    subprocess.run([gcc, "-O2", "-c", str(TESTDATA / "linux" / "complex_float.c"), "-o",
                    str(obj)], check=True)
    undefined = subprocess.run(["nm", "-u", str(obj)], capture_output=True, text=True,
                               check=True).stdout
    for helper in ("__muldc3", "__divdc3", "__mulxc3", "__addtf3", "__divtf3",
                   "__extendxftf2", "__trunctfdf2"):
        assert helper in undefined
    subprocess.run([gcc, str(obj), "-lm", "-o", str(exe)], check=True)
    theirs = _run([str(exe), "x", "y"], tmp_path)
    ours = _run([sys.executable, "-m", "pyjitlink", str(obj), *libm, "-args", str(exe), "x",
                 "y"], tmp_path)
    assert ours == theirs
    assert "p = 3.250000-13.000000i" in ours[0]  # (3.5 - 1.25i)(2 - 3i), argc 3


def test_cxx_program_with_dash_lstdcxx_and_no_dash_L() -> None:
    program = TESTDATA / "cxxrt"
    objects = sorted(str(p) for p in (program / "O2").glob("*.o"))
    ours = _run([sys.executable, "-m", "pyjitlink", *objects, "-lstdc++", "-args", "cxxrt",
                 "inputs/commands.txt"], program)
    expected = tuple((program / "expected" / f"file.{kind}").read_text()
                     for kind in ("stdout", "stderr"))
    assert ours == (*expected, int((program / "expected" / "file.rc").read_text()))


def test_find_library_reads_linker_scripts_and_gcc_directories() -> None:
    gcc = _tool("gcc")
    kind, path = find_library("m", [])
    assert kind == "shared" and Path(path).name.startswith("libm.so.")  # libm.so is a script
    kind, path = find_library("m", [], archives_only=True)
    assert kind == "archive" and Path(path).read_bytes()[:8] == b"!<arch>\n"
    kind, path = find_library("stdc++", [])
    printed = subprocess.run([gcc, "-print-file-name=libstdc++.so"], capture_output=True,
                             text=True, check=True).stdout.strip()
    assert (kind, Path(path).resolve()) == ("shared", Path(printed).resolve())


def test_libgcc_is_read_member_by_member_once_its_index_is_cached(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    """A native session's libgcc.a index is cached (as the target runtime's are): the first
    session in a fresh cache parses the archive once, a later one parses none and reads
    only the members the program needs, and __muldc3 and friends still link."""
    from pyjitlink.formats import archive as archive_module
    from pyjitlink.orc.lljit import LLJIT

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    obj = tmp_path / "complex_float.o"
    subprocess.run([_tool("gcc"), "-O2", "-c", str(TESTDATA / "linux" / "complex_float.c"),
                    "-o", str(obj)], check=True)
    parsed: list[str] = []
    real_init = archive_module.Archive.__init__

    def counting_init(self: archive_module.Archive, data: bytes, path: str) -> None:
        parsed.append(path)
        real_init(self, data, path)

    monkeypatch.setattr(archive_module.Archive, "__init__", counting_init)

    def run_once() -> tuple[str, int]:
        with LLJIT() as session:
            session.add_object_file(session.main_jd, str(obj))
            code = session.run_main("main", ["complex_float", "x", "y"])
            session.flush_output()
        return capfd.readouterr().out, code

    first = run_once()
    assert [Path(p).name for p in parsed] == ["libgcc.a"]
    parsed.clear()
    assert run_once() == first
    assert parsed == []
    assert "p = 3.250000-13.000000i" in first[0]
