"""-libc=target runs C++: testdata/cxxrt (exceptions thrown in one object and caught in
another through several frames, iostream and fstream, std::string, static constructors and
destructors of three objects, a function-local static, atexit, four std::threads with a
mutex, a thread_local and an exception caught inside each thread) on the target's own
libstdc++, libgcc_eh and glibc. The oracle is the same committed objects linked ``-static``
by the target's g++ and run under qemu-aarch64 (AArch64) or natively (x86-64 under
-emulate), and the recorded outputs in testdata/cxxrt/expected. Missing tools fail."""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from pyjitlink.executors.linux.eh_frame_hdr import EHFrameHeader

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = ROOT / "testdata" / "cxxrt"
RUNS = [line.split(None, 1) for line in (PROGRAM / "target-runs.txt").read_text().splitlines()
        if line.strip()]


def _tool(name: str, package: str) -> str:
    path = shutil.which(name)
    assert path is not None, f"{name} is needed ({package})"
    return path


def _status(code: int) -> int:
    return 128 - code if code < 0 else code


def _run(command: list[str]) -> tuple[str, str, int]:
    done = subprocess.run(command, cwd=PROGRAM, capture_output=True, text=True, timeout=600,
                          stdin=subprocess.DEVNULL)
    return done.stdout, done.stderr, _status(done.returncode)


def _expected(run: str) -> tuple[str, str, int]:
    expected = PROGRAM / "expected"
    return ((expected / f"{run}.stdout").read_text(), (expected / f"{run}.stderr").read_text(),
            int((expected / f"{run}.rc").read_text()))


@pytest.fixture(scope="module")
def static_builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The committed objects of each flavour linked -static by the target's g++."""
    out = tmp_path_factory.mktemp("cxxrt")
    builds = {}
    for flavour, cxx, package in (("a64-O2", "aarch64-linux-gnu-g++", "g++-aarch64-linux-gnu"),
                                  ("O2", "g++", "g++")):
        exe = out / f"cxxrt-{flavour}"
        objects = sorted(str(p) for p in (PROGRAM / flavour).glob("*.o"))
        subprocess.run([_tool(cxx, package), "-static", *objects, "-o", str(exe)], check=True)
        builds[flavour] = exe
    return builds


@pytest.mark.parametrize("lazy", [False, True], ids=["eager", "lazy"])
@pytest.mark.parametrize(("run", "args"), RUNS, ids=[r[0] for r in RUNS])
def test_aarch64_cxx_matches_qemu(static_builds: dict[str, Path], run: str, args: str,
                                  lazy: bool) -> None:
    qemu = _tool("qemu-aarch64", "qemu-user")
    theirs = _run([qemu, "-0", "cxxrt", str(static_builds["a64-O2"]), *args.split()])
    objects = sorted(str(p) for p in (PROGRAM / "a64-O2").glob("*.o"))
    ours = _run([sys.executable, "-m", "pyjitlink", "-libc=target", *(["-lazy"] if lazy else []),
                 *objects, "-args", "cxxrt", *args.split()])
    assert ours == theirs
    assert ours == _expected(run)


@pytest.mark.parametrize(("run", "args"), RUNS, ids=[r[0] for r in RUNS])
def test_x86_64_emulated_cxx_matches_the_static_build(static_builds: dict[str, Path],
                                                      run: str, args: str) -> None:
    theirs = _run([str(static_builds["O2"]), *args.split()])
    objects = sorted(str(p) for p in (PROGRAM / "O2").glob("*.o"))
    ours = _run([sys.executable, "-m", "pyjitlink", "-emulate", "-libc=target", *objects,
                 "-args", str(static_builds["O2"]), *args.split()])
    assert ours == theirs
    assert ours == _expected(run)


def test_what_the_cxx_program_shows() -> None:
    """The recorded run covers what the issue asks for (so the comparison above means it)."""
    stdout, stderr, status = _expected("file")
    lines = stdout.splitlines()
    assert lines[:3] == ["construct main.cpp global", "construct registry.cpp global",
                         "construct shapes.cpp global"]  # init_array in link order
    assert lines[-4:] == ["atexit: farewell", "destroy shapes.cpp global",
                          "destroy registry.cpp global", "destroy main.cpp global"]
    assert "  4: logic error: division by zero" in lines  # thrown in registry.o
    assert "  5: parse error at line 5: unknown command 'nope'" in lines  # shapes.o
    assert "caught again with catch (...)" in lines
    assert stderr == "error: sum overflows\n" and status == 6


def test_eh_frame_hdr_layout() -> None:
    """LSB's .eh_frame_hdr: version 1, eh_frame_ptr pcrel|sdata4, fde_count udata4, table
    datarel|sdata4 of (initial location, FDE) offsets from the header, sorted."""
    buffer = bytearray(0x3000)
    header = EHFrameHeader(buffer, 0x1000, 4)
    header.write([(0x100, 0x180, 0x2000), (0x2800, 0x2900, 0x2010)])
    version, ptr_enc, count_enc, table_enc, eh_frame_ptr, count = \
        struct.unpack_from("<BBBBiI", buffer, 0x1000)
    assert (version, ptr_enc, count_enc, table_enc, count) == (1, 0x1B, 0x03, 0x3B, 2)
    terminator = 0x1004 + eh_frame_ptr
    assert terminator == 0x1000 + EHFrameHeader.size_for(4) - 4
    assert buffer[terminator:terminator + 4] == bytes(4)
    assert struct.unpack_from("<4i", buffer, 0x100C) == (0x100 - 0x1000, 0x2000 - 0x1000,
                                                        0x2800 - 0x1000, 0x2010 - 0x1000)
    with pytest.raises(Exception, match="more than 4 FDEs"):
        header.write([(i, i + 1, 0) for i in range(5)])
