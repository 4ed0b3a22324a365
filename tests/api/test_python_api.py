"""The documented Python API: sessions, JITDylibs, calls into JIT'd code, removable code."""

from __future__ import annotations

import ctypes
import gc
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import pyjitlink

GCC = shutil.which("gcc")
pytestmark = pytest.mark.skipif(GCC is None, reason="gcc is not installed")
BINOP = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int, ctypes.c_int)


def _cc(tmp_path: Path, name: str, source: str) -> bytes:
    src, obj = tmp_path / f"{name}.c", tmp_path / f"{name}.o"
    src.write_text(source)
    subprocess.run([GCC, "-O1", "-c", str(src), "-o", str(obj)], check=True)
    return obj.read_bytes()


def test_call_a_function_across_jitdylibs(tmp_path: Path) -> None:
    session = pyjitlink.Session()
    lib = session.create_jd("lib")
    session.add_object(lib, _cc(tmp_path, "add", "int add(int a, int b) { return a + b; }"),
                       "add.o")
    session.add_object(session.main_jd, _cc(
        tmp_path, "twice", "int add(int, int); int twice(int a, int b) "
                           "{ return 2 * add(a, b); }"), "twice.o")
    with pytest.raises(pyjitlink.SymbolsNotFound):  # main does not link against lib yet
        session.lookup("twice", session.main_jd)
    session2 = pyjitlink.Session()
    lib2 = session2.create_jd("lib")
    session2.link_against(session2.main_jd, lib2)
    session2.add_object(lib2, _cc(tmp_path, "add2", "int add(int a, int b) { return a + b; }"),
                        "add.o")
    session2.add_object(session2.main_jd, _cc(
        tmp_path, "twice2", "int add(int, int); int twice(int a, int b) "
                            "{ return 2 * add(a, b); }"), "twice.o")
    assert session2.function("twice", BINOP, session2.main_jd)(20, 1) == 42


def test_remove_and_readd_a_changed_object_keeps_memory_flat(tmp_path: Path) -> None:
    """Add, run, remove, re-add a changed version: a thousand times. The JIT arena's mapped
    memory (its high-water mark, and the mappings and bytes inside it in /proc/self/maps)
    must stay flat: removal really unmaps and the space is reused. (The whole process's
    VmSize is not used: other tests' objects are garbage-collected meanwhile.) The arena is
    the process's, shared by every native session, so sessions of earlier tests that the
    garbage collector frees meanwhile release their pages in it too: collect before each
    measurement, or their pages count at cycle 100 and are gone by cycle 999."""
    versions = [_cc(tmp_path, f"v{k}", f"""
        static int calls;
        __attribute__((constructor)) static void init(void) {{ calls = {k}; }}
        int f(int a, int b) {{ return a * {k + 2} + b + calls; }}""") for k in range(3)]
    session = pyjitlink.Session()
    jd = session.main_jd
    arena = session.executor.arena

    def arena_mappings() -> tuple[int, int, int]:
        lo, hi = arena.base, arena.base + arena.size
        count = accessible = 0
        for line in Path("/proc/self/maps").read_text().splitlines():
            start, end = (int(x, 16) for x in line.split()[0].split("-"))
            if start < hi and end > lo:
                count += 1
                if not line.split()[1].startswith("---"):
                    accessible += min(end, hi) - max(start, lo)
        return count, accessible, arena.next

    sizes = []
    for i in range(1000):
        k = i % 3
        tracker = jd.create_resource_tracker()
        session.add_object(jd, versions[k], f"v{k}.o", tracker)
        f = session.function("f", BINOP)
        assert f(10, 1) == 10 * (k + 2) + 1 + k
        session.remove(tracker)
        assert "f" not in jd.symbols
        if i in (100, 999):
            gc.collect()
            sizes.append(arena_mappings())
    assert sizes[0] == sizes[1]


def test_removed_code_is_unmapped(tmp_path: Path) -> None:
    session = pyjitlink.Session()
    tracker = session.main_jd.create_resource_tracker()
    session.add_object(session.main_jd, _cc(tmp_path, "g", "int g(int a, int b) "
                                                         "{ return a - b; }"), "g.o", tracker)
    address = session.lookup("g")
    session.remove(tracker)
    maps = Path("/proc/self/maps").read_text().splitlines()
    for line in maps:
        lo, hi = (int(x, 16) for x in line.split()[0].split("-"))
        if lo <= address < hi:
            assert line.split()[1].startswith("---"), line  # no access left
            break


def test_import_is_lazy() -> None:
    out = subprocess.run([sys.executable, "-c", "import sys, pyjitlink; "
                          "print(any(m.startswith('pyjitlink.') for m in sys.modules))"],
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_readme_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Python example in README.md, run as written, in a directory with its add.o."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    example = readme.split("```python\n", 1)[1].split("```", 1)[0]
    _cc(tmp_path, "add", "int add(int a, int b) { return a + b; }")
    monkeypatch.chdir(tmp_path)
    printed: list[str] = []
    exec(compile(example, "README.md", "exec"), {"print": lambda *a: printed.append(a)})
    assert printed == [(5,)]


def test_transfer_to_moves_ownership(tmp_path: Path) -> None:
    session = pyjitlink.Session()
    jd = session.main_jd
    first, second = jd.create_resource_tracker(), jd.create_resource_tracker()
    session.add_object(jd, _cc(tmp_path, "m", "int m(int a, int b) { return a * b; }"), "m.o",
                       first)
    assert session.function("m", BINOP)(6, 7) == 42
    first.transfer_to(second)
    session.remove(first)  # owns nothing now
    assert session.function("m", BINOP)(3, 3) == 9
    session.remove(second)
    assert "m" not in jd.symbols


def test_jitdylib_clear_removes_everything(tmp_path: Path) -> None:
    session = pyjitlink.Session()
    jd = session.create_jd("scratch")
    session.add_object(jd, _cc(tmp_path, "c", "int c1(int a, int b) { return a; }"), "c.o")
    address = session.lookup("c1", jd)
    jd.clear()
    assert jd.symbols == {}
    with pytest.raises(pyjitlink.SymbolsNotFound):
        session.lookup("c1", jd)
    for line in Path("/proc/self/maps").read_text().splitlines():
        lo, hi = (int(x, 16) for x in line.split()[0].split("-"))
        if lo <= address < hi:
            assert line.split()[1].startswith("---"), line
