"""A Session's lifetime: a context manager, released by close() and by garbage collection,
and remove() forgets what it removed (issue 17).

Memory is measured as the kernel counts it (/proc/self/status VmRSS and VmSize): an emulated
session reserves a 2 GiB mapping for the emulated address space and a Unicorn instance, so a
leaked session shows as gigabytes of VmSize.
"""

from __future__ import annotations

import ctypes
import gc
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import pyjitlink


def status() -> dict[str, int]:
    """VmRSS and VmSize of this process, in KiB."""
    found = {}
    with open("/proc/self/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmSize"):
                found[key] = int(value.split()[0])
    return found


def compile_c(tmp: Path, compiler: str, source: str) -> bytes:
    path = shutil.which(compiler)
    assert path is not None, f"{compiler} is not on PATH (see .ci/run)"
    src, obj = tmp / "prog.c", tmp / f"prog-{compiler}.o"
    src.write_text(source)
    subprocess.run([path, "-O1", "-c", str(src), "-o", str(obj)], check=True)
    return obj.read_bytes()


PROGRAM = "int main(int argc, char **argv) { return argc + 41; }\n"


@pytest.fixture(scope="module")
def a64_object(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return compile_c(tmp_path_factory.mktemp("a64"), "aarch64-linux-gnu-gcc", PROGRAM)


def emulated_cycle(data: bytes, close: bool) -> None:
    # main called as a function: it needs no C library, so no cycle links the target's C
    # runtime (run_main's start-up through glibc costs about a second each; the sessions
    # below that run_main free the same executor).
    session = pyjitlink.Session(arch="aarch64")
    session.add_object(session.main_jd, data, "prog.o")
    assert session.executor.call(session.lookup("main"), [1, 0]) == 42
    if close:
        session.close()


@pytest.mark.parametrize("close", [True, False], ids=["close", "garbage-collected"])
def test_emulated_session_cycles_keep_memory_flat(a64_object: bytes, close: bool) -> None:
    # 2,000 cycles measured flat (README); 200 here. Before, each session kept about 1 GiB of
    # address space until process exit.
    for _ in range(20):
        emulated_cycle(a64_object, close)
    gc.collect()
    before = status()
    for _ in range(200):
        emulated_cycle(a64_object, close)
    gc.collect()
    after = status()
    assert after["VmSize"] - before["VmSize"] < 256 << 10, (before, after)
    assert after["VmRSS"] - before["VmRSS"] < 64 << 10, (before, after)


def test_dropped_emulated_session_is_freed_without_a_collection(a64_object: bytes) -> None:
    # No reference cycle runs through the session: dropping the last reference releases
    # the emulator's 2 GiB mapping at once, not at some later garbage collection.
    gc.collect()
    gc.disable()
    try:
        session = pyjitlink.Session(arch="aarch64")
        session.add_object(session.main_jd, a64_object, "prog.o")
        assert session.run_main("main", ["prog"]) == 42
        alive = status()["VmSize"]
        del session
        freed = status()["VmSize"]
    finally:
        gc.enable()
    assert alive - freed > 1 << 20, (alive, freed)  # KiB: more than 1 GiB returned


def test_session_is_a_context_manager(a64_object: bytes) -> None:
    with pyjitlink.Session(arch="aarch64") as session:
        session.add_object(session.main_jd, a64_object, "prog.o")
        assert session.run_main("main", ["prog", "x"]) == 43
        engine = session.executor.engine
        assert engine.handle
    assert not engine.handle  # the Unicorn instance is closed
    session.close()  # idempotent


def test_close_runs_finalizers_of_initialized_code_and_unmaps_it(tmp_path: Path) -> None:
    data = compile_c(tmp_path, "gcc", """
        #include <stdio.h>
        int answer(void) { return 42; }
        __attribute__((destructor)) static void bye(void) { puts("bye from fini"); fflush(stdout); }
    """)
    script = tmp_path / "run.py"
    obj = tmp_path / "fini.o"
    obj.write_bytes(data)
    script.write_text(f"""
import ctypes, pyjitlink
with pyjitlink.Session() as s:
    s.add_object(s.main_jd, open({str(obj)!r}, "rb").read(), "fini.o")
    f = s.function("answer", ctypes.CFUNCTYPE(ctypes.c_int))
    print(f(), flush=True)
    arena, before = s.executor.arena, len(s.executor.arena.free)
print("closed", len(arena.free) > before, flush=True)
""")
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["42", "bye from fini", "closed True"]


def test_remove_forgets_linked_files(tmp_path: Path) -> None:
    data = compile_c(tmp_path, "gcc", "int seven(void) { return 7; }\n")
    session = pyjitlink.Session(noexec=True, slab=(1 << 20, 0x10000000, 4096))
    for i in range(3):
        jd = session.create_jd(f"lib{i}")
        session.add_object(jd, data, f"seven{i}.o", tracker=jd.create_resource_tracker())
    session.link_all()
    assert session.linked_files == [("lib0", "seven0.o"), ("lib1", "seven1.o"),
                                    ("lib2", "seven2.o")]
    lib1 = session.es.get_jit_dylib("lib1")
    session.es.clear_jit_dylib(lib1)
    assert session.linked_files == [("lib0", "seven0.o"), ("lib2", "seven2.o")]
    session.close()
    assert session.linked_files == []


def test_native_remove_then_close(tmp_path: Path) -> None:
    data = compile_c(tmp_path, "gcc", "int seven(void) { return 7; }\n")
    with pyjitlink.Session() as session:
        tracker = session.main_jd.create_resource_tracker()
        session.add_object(session.main_jd, data, "seven.o", tracker)
        assert session.function("seven", ctypes.CFUNCTYPE(ctypes.c_int))() == 7
        assert session.linked_files == [("main", "seven.o")]
        session.remove(tracker)
        assert session.linked_files == []


def test_emulated_add_run_remove_cycles_keep_nothing(a64_object: bytes) -> None:
    # One session, code added, run and removed again and again: what Python allocates stays
    # flat (before, every cycle kept its linked_files entry and more).
    import tracemalloc

    session = pyjitlink.Session(arch="aarch64")
    prototype = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int, ctypes.c_void_p)

    def cycle() -> None:
        # main called as a function, in a process started once (start_for_calls): an
        # emulated process runs its C runtime's start-up and exit once.
        tracker = session.main_jd.create_resource_tracker()
        session.add_object(session.main_jd, a64_object, "prog.o", tracker)
        assert session.function("main", prototype)(1, 0) == 42
        session.remove(tracker)

    for _ in range(30):
        cycle()
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(200):
            cycle()
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 200 * 200, grown  # under 200 bytes a cycle
    # What remains linked is the C runtime (crt1.o, libc.a's members), which the start-up
    # needed; every removed prog.o is forgotten.
    assert [name for _, name in session.linked_files if name == "prog.o"] == []
    assert session.linked_files
    session.close()


def test_session_released_after_its_executor_was_closed(a64_object: bytes) -> None:
    # The older way to free an emulator (executor.close()) followed by close() or by the
    # session's release: removing code from a closed emulator unmaps nothing and must not
    # touch the freed Unicorn instance (that crashed the process).
    for how in ("close", "drop"):
        session = pyjitlink.Session(arch="aarch64")
        session.add_object(session.main_jd, a64_object, "prog.o")
        assert session.run_main("main", ["prog"]) == 42
        session.executor.close()
        session.executor.close()
        if how == "close":
            session.close()
        del session
        gc.collect()
