"""Thread-local storage natively: the two-object counters program (testdata/tls) gives the
gcc-linked executable's output in every TLS model gcc and clang use, a C++ thread_local with
a constructor works, and threads that existed before the link get their own copies."""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from pyjitlink.jitlink.tls import StaticTLSUnavailable
from pyjitlink.tool.session import Session

TLS = Path(__file__).resolve().parents[2] / "testdata" / "tls"
SOURCES = [TLS / "counters.c", TLS / "other.c"]
# The TLS models each flavour's code uses: local/initial exec (PIE, -fno-pic), general and
# local dynamic (-fPIC), TLS descriptors (gnu2). clang 14 has no -mtls-dialect: clang-19.
FLAVOURS = {"pie": "-fpie", "pic": "-fPIC", "gnu2": "-fPIC -mtls-dialect=gnu2",
            "nopic": "-fno-pic"}
COMPILERS = {"gcc": "gcc", "clang": "clang-19"}


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path is not None, f"{name} is not installed (see .ci/run)"
    return path


def _compile(cc: str, flags: list[str], sources: list[Path], out: Path) -> list[Path]:
    objects = []
    for source in sources:
        obj = out / (source.stem + ".o")
        subprocess.run([_tool(cc), *flags, "-c", str(source), "-o", str(obj)], check=True)
        objects.append(obj)
    return objects


def _pyjitlink(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pyjitlink", *args], capture_output=True,
                          text=True, timeout=120, env=env)


@pytest.mark.parametrize("opt", ["-O0", "-O2"])
@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("compiler", COMPILERS)
def test_counters_match_gcc_linked_program(tmp_path: Path, compiler: str, flavour: str,
                                           opt: str) -> None:
    flags = [opt, *FLAVOURS[flavour].split()]
    objects = [str(o) for o in _compile(COMPILERS[compiler], flags, SOURCES, tmp_path)]
    exe = tmp_path / "counters"
    link = ["-no-pie"] if flavour == "nopic" else []
    subprocess.run([_tool("gcc"), *link, "-pthread", *objects, "-o", str(exe)], check=True)
    expected = subprocess.run([str(exe)], capture_output=True, text=True, timeout=60)
    assert expected.returncode == 0 and expected.stdout.count("own=1") == 9
    ours = _pyjitlink(*objects)
    assert (ours.stdout, ours.stderr, ours.returncode) == (expected.stdout, "", 0)


def test_static_tls_that_does_not_fit_is_a_clear_error(tmp_path: Path) -> None:
    """Without the restart (here refused), an initial-exec program whose 4 KiB of TLS do not
    fit glibc's default surplus fails with one line naming the variable and the size."""
    objects = [str(o) for o in _compile("gcc", ["-O2", "-fpie"], SOURCES, tmp_path)]
    env = {k: v for k, v in os.environ.items() if k != "GLIBC_TUNABLES"}
    env["PYJITLINK_STATIC_TLS_RETRY"] = "1"
    ours = _pyjitlink(*objects, env=env)
    assert ours.returncode == 1 and ours.stdout == ""
    assert ours.stderr.count("\n") == 1
    assert ours.stderr.startswith(f"pyjitlink: error: {objects[0]}: thread-local variable ")
    size = re.search(r"object's (\d+) bytes of thread-local storage", ours.stderr)
    assert size is not None and 4096 < int(size.group(1)) < 4096 + 64, ours.stderr
    assert "-ftls-model=global-dynamic" in ours.stderr


def test_cxx_thread_local_with_constructor(tmp_path: Path) -> None:
    source = tmp_path / "ctor.cpp"
    source.write_text(r"""
#include <cstdio>
#include <thread>
#include <vector>
struct Counter {
  static int made;
  int value, serial;
  Counter() : value(100), serial(__atomic_fetch_add(&made, 1, __ATOMIC_SEQ_CST)) {}
};
int Counter::made = 0;
thread_local Counter counter;
thread_local std::vector<int> seen{1, 2, 3};
int main() {
  std::vector<std::thread> threads;
  int results[4];
  for (int i = 0; i < 4; i++)
    threads.emplace_back([i, &results] {
      counter.value += i; seen.push_back(i); results[i] = counter.value * 10 + (int)seen.size();
    });
  for (auto &t : threads) t.join();
  counter.value += 50;
  for (int i = 0; i < 4; i++) std::printf("thread %d: %d\n", i, results[i]);
  std::printf("main: %d %zu made=%d\n", counter.value, seen.size(), Counter::made);
}
""")
    for flags in (["-O2", "-fpie"], ["-O0", "-fPIC"]):
        obj, exe = tmp_path / "ctor.o", tmp_path / "ctor"
        subprocess.run([_tool("g++"), *flags, "-c", str(source), "-o", str(obj)], check=True)
        subprocess.run([_tool("g++"), "-pthread", str(obj), "-o", str(exe)], check=True)
        expected = subprocess.run([str(exe)], capture_output=True, text=True, timeout=60)
        assert "made=5" in expected.stdout  # main's and each thread's constructor ran
        libdir = subprocess.run([_tool("g++"), "-print-file-name=libstdc++.so"],
                                capture_output=True, text=True, check=True).stdout.strip()
        ours = _pyjitlink(str(obj), f"-L{Path(libdir).parent}", "-lstdc++")
        assert (ours.stdout, ours.stderr, ours.returncode) == (expected.stdout, "", 0)


THREADED = r"""
_Thread_local int counter = 41;
_Thread_local char zeros[64];
static _Thread_local int calls;
int bump(void) { zeros[calls] += 1; return ++counter * 1000 + zeros[calls++] * 10 + calls; }
"""


@pytest.mark.parametrize("flags", ["-fpie", "-fPIC", "-fPIC -mtls-dialect=gnu2"])
def test_threads_from_before_the_link_get_their_own_copies(tmp_path: Path,
                                                           flags: str) -> None:
    """A thread that exists before the link (and has never seen the TLS module) gets a
    fresh copy initialised from .tdata / zeroed for .tbss, as does the main thread, and
    neither sees the other's updates (static models: glibc copied the image into every
    thread when the module was loaded; dynamic ones: on first use)."""
    source = tmp_path / "bump.c"
    source.write_text(THREADED)
    (obj,) = _compile("gcc", ["-O2", *flags.split()], [source], tmp_path)
    go, done = threading.Event(), threading.Event()
    seen: list[int] = []

    def early() -> None:
        go.wait(60)
        bump = ctypes.CFUNCTYPE(ctypes.c_int)(address)
        seen.extend(bump() for _ in range(3))
        done.set()

    thread = threading.Thread(target=early)
    thread.start()
    session = Session()
    try:
        session.add_object_file(session.main_jd, str(obj))
        address = session.lookup("bump")
        bump = ctypes.CFUNCTYPE(ctypes.c_int)(address)
        mine = [bump(), bump()]
        go.set()
        assert done.wait(60)
        thread.join()
        mine.append(bump())
    finally:
        go.set()
    assert mine == [42011, 43012, 44013]
    assert seen == [42011, 43012, 44013]


def test_static_model_without_room_names_variable_and_size(tmp_path: Path) -> None:
    """In a process whose static TLS surplus is used up, an initial-exec access fails with
    StaticTLSUnavailable naming the variable; a general-dynamic one still links."""
    source = tmp_path / "big.c"
    source.write_text("_Thread_local char big[1 << 20];\n"
                      "char *get(int i) { return &big[i]; }\n")
    (obj,) = _compile("gcc", ["-O2", "-fpie"], [source], tmp_path)
    session = Session()
    session.add_object_file(session.main_jd, str(obj))
    with pytest.raises(StaticTLSUnavailable) as info:
        session.lookup("get")
    assert "thread-local variable big" in info.value.message
    assert f"{1 << 20} bytes" in info.value.message and info.value.size == 1 << 20


# ----------------------------------------------------------------------------- emulated

A64_FLAVOURS = {"default": "", "pic": "-fPIC", "trad": "-fPIC -mtls-dialect=trad"}


@pytest.fixture(scope="module")
def aarch64_reference(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The main-thread program's output: linked statically by the cross compiler, run by
    qemu-aarch64."""
    out = tmp_path_factory.mktemp("tls_a64")
    exe = out / "counters"
    subprocess.run([_tool("aarch64-linux-gnu-gcc"), "-O2", "-static", "-DMAIN_THREAD_ONLY",
                    *map(str, SOURCES), "-o", str(exe)], check=True)
    run = subprocess.run([_tool("qemu-aarch64"), str(exe)], capture_output=True, text=True,
                         timeout=120, check=True)
    assert run.stdout.startswith("main 8: initialised=8999 ")
    return run.stdout


@pytest.mark.parametrize("flavour", A64_FLAVOURS)
def test_counters_main_thread_emulated_aarch64(tmp_path: Path, aarch64_reference: str,
                                               flavour: str) -> None:
    """Local/initial exec (default), TLS descriptors (-fPIC) and general dynamic through the
    emulated C library's __tls_get_addr (trad) in an AArch64 static TLS block."""
    flags = ["-O2", "-DMAIN_THREAD_ONLY", *A64_FLAVOURS[flavour].split()]
    objects = _compile("aarch64-linux-gnu-gcc", flags, SOURCES, tmp_path)
    ours = _pyjitlink(*map(str, objects))
    assert (ours.stdout, ours.stderr, ours.returncode) == (aarch64_reference, "", 0)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_counters_main_thread_emulated_x86_64(tmp_path: Path, flavour: str) -> None:
    flags = ["-O2", "-DMAIN_THREAD_ONLY", *FLAVOURS[flavour].split()]
    objects = [str(o) for o in _compile("gcc", flags, SOURCES, tmp_path)]
    exe = tmp_path / "counters"
    link = ["-no-pie"] if flavour == "nopic" else []
    subprocess.run([_tool("gcc"), *link, *objects, "-o", str(exe)], check=True)
    expected = subprocess.run([str(exe)], capture_output=True, text=True, timeout=60)
    ours = _pyjitlink("-emulate", *objects)
    assert (ours.stdout, ours.stderr, ours.returncode) == (expected.stdout, "", 0)


def test_cross_libstdcxx_thread_locals_emulated_aarch64(tmp_path: Path) -> None:
    """libstdc++.a's eh_globals.o keeps each thread's exception state in a TLSDESC-accessed
    thread-local: it links and runs emulated, with the output qemu gives."""
    source = tmp_path / "globals.cpp"
    source.write_text(r"""
#include <cstdio>
#include <exception>
#include <cxxabi.h>
int main() {
  __cxxabiv1::__cxa_eh_globals *g = __cxxabiv1::__cxa_get_globals();
  std::printf("uncaught=%d current=%d same=%d\n", std::uncaught_exceptions(),
              __cxxabiv1::__cxa_current_exception_type() != nullptr,
              g == __cxxabiv1::__cxa_get_globals_fast());
  return 0;
}
""")
    gxx = _tool("aarch64-linux-gnu-g++")
    obj, exe = tmp_path / "globals.o", tmp_path / "globals"
    subprocess.run([gxx, "-O1", "-c", str(source), "-o", str(obj)], check=True)
    subprocess.run([gxx, "-static", str(obj), "-o", str(exe)], check=True)
    expected = subprocess.run([_tool("qemu-aarch64"), str(exe)], capture_output=True,
                              text=True, timeout=120, check=True)
    libraries = [subprocess.run([gxx, f"-print-file-name={name}"], capture_output=True,
                                text=True, check=True).stdout.strip()
                 for name in ("libstdc++.a", "libgcc_eh.a", "libgcc.a")]
    ours = _pyjitlink(str(obj), *libraries)
    assert (ours.stdout, ours.stderr, ours.returncode) == (expected.stdout, "", 0)
    assert ours.stdout == "uncaught=0 current=0 same=1\n"
