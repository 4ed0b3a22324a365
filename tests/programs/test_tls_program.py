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
    emulated process's __tls_get_addr (trad) in an AArch64 static TLS block."""
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


# ----------------------------------------------------------------------------- Mach-O

MACHO_TARGETS = {"x86_64": "x86_64-apple-macos11", "arm64": "arm64-apple-macos11"}
MACHO_INCLUDE = TLS.parent / "macho-include"


def _clang_macho(target: str, flags: list[str], sources: list[Path], out: Path) -> list[str]:
    clang = shutil.which("clang") or _tool("clang-14")
    objects = []
    for source in sources:
        obj = out / f"{source.stem}.o"
        subprocess.run([clang, f"--target={MACHO_TARGETS[target]}", "-nostdlibinc",
                        "-isystem", str(MACHO_INCLUDE), *flags, "-c", str(source), "-o",
                        str(obj)], check=True)
        objects.append(str(obj))
    return objects


@pytest.fixture(scope="module")
def main_thread_reference(tmp_path_factory: pytest.TempPathFactory) -> str:
    exe = tmp_path_factory.mktemp("tls_ref") / "counters"
    subprocess.run([_tool("gcc"), "-O2", "-DMAIN_THREAD_ONLY", *map(str, SOURCES), "-o",
                    str(exe)], check=True)
    return subprocess.run([str(exe)], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("opt", ["-O0", "-O2"])
@pytest.mark.parametrize("target,run", [("x86_64", "native"), ("x86_64", "emulate"),
                                        ("arm64", "emulated"), ("x86_64", "target"),
                                        ("arm64", "target")])
def test_macho_thread_local_variables(tmp_path: Path, main_thread_reference: str,
                                      target: str, run: str, opt: str) -> None:
    """Mach-O TLV descriptors (__thread_vars) and their getter: x86-64 natively (glibc TLS
    modules) and under -emulate, arm64 emulated, as the ELF program's main thread; under
    -libc=target in glibc's static TLS (the Darwin layer's getter)."""
    objects = _clang_macho(target, [opt, "-DMAIN_THREAD_ONLY"], SOURCES, tmp_path)
    options = {"emulate": ["-emulate"], "target": ["-libc=target"]}.get(run, [])
    ours = _pyjitlink(*options, *objects)
    assert (ours.stdout, ours.stderr, ours.returncode) == (main_thread_reference, "", 0)


MACHO_THREADS = r"""
typedef unsigned long pthread_t;
int pthread_create(pthread_t *, const void *, void *(*)(void *), void *);
int pthread_join(pthread_t, void **);
int printf(const char *, ...);
_Thread_local int counter = 5;
_Thread_local long zeros[4];
static void *bump(void *arg) {
  long n = (long)arg;
  for (int i = 0; i < 1000; i++) { counter += (int)n; zeros[n % 4]++; }
  return (void *)(long)(counter * 100 + zeros[n % 4] / 1000);
}
int main(void) {
  pthread_t t[4];
  void *r[4];
  for (long i = 0; i < 4; i++) pthread_create(&t[i], 0, bump, (void *)i);
  for (int i = 0; i < 4; i++) pthread_join(t[i], &r[i]);
  counter += 1;
  for (int i = 0; i < 4; i++) printf("thread %d: %ld\n", i, (long)r[i]);
  printf("main: %d %ld\n", counter, zeros[0]);
  return 0;
}
"""


@pytest.mark.parametrize("target,run", [("x86_64", "native"), ("x86_64", "target"),
                                        ("arm64", "target")])
def test_macho_thread_locals_per_thread_natively(tmp_path: Path, target: str,
                                                 run: str) -> None:
    """Each thread's getter call finds its own copy (the output of the same C linked by gcc
    as ELF): natively, and under -libc=target with glibc's pthreads in the emulated process
    (the Darwin layer's getter reads each thread's thread pointer)."""
    source = tmp_path / "threads.c"
    source.write_text(MACHO_THREADS)
    exe = tmp_path / "threads"
    subprocess.run([_tool("gcc"), "-O2", "-pthread", str(source), "-o", str(exe)], check=True)
    expected = subprocess.run([str(exe)], capture_output=True, text=True, check=True).stdout
    assert "thread 3: 300501" in expected
    objects = _clang_macho(target, ["-O2"], [source], tmp_path)
    ours = _pyjitlink(*(["-libc=target"] if run == "target" else []), *objects)
    assert (ours.stdout, ours.stderr, ours.returncode) == (expected, "", 0)


def test_thread_local_initialised_with_an_address(tmp_path: Path) -> None:
    """A .tdata word relocated to a definition in its own object holds that address in
    every thread's copy (the image is relocated before its module is made)."""
    source = tmp_path / "pointer.c"
    source.write_text("int target = 42;\n_Thread_local int *pointer = &target;\n"
                      "int get(void) { return *pointer + (pointer == &target); }\n")
    (obj,) = _compile("gcc", ["-O2", "-fPIC"], [source], tmp_path)
    session = Session()
    session.add_object_file(session.main_jd, str(obj))
    get = ctypes.CFUNCTYPE(ctypes.c_int)(session.lookup("get"))
    assert get() == 43
    values: list[int] = []
    thread = threading.Thread(target=lambda: values.append(get()))
    thread.start()
    thread.join()
    assert values == [43]


def test_thread_local_initialised_with_an_external_address_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "external.c"
    source.write_text("extern int elsewhere;\n_Thread_local int *pointer = &elsewhere;\n"
                      "int get(void) { return *pointer; }\n")
    (obj,) = _compile("gcc", ["-O2", "-fPIC"], [source], tmp_path)
    ours = _pyjitlink("-noexec", str(obj), "-abs", "elsewhere=0x1000", "-entry", "get")
    assert ours.returncode == 1
    assert ours.stderr == (f"pyjitlink: error: {obj}: thread-local initializer in .tdata "
                           f"refers to elsewhere, defined in another object: not supported\n")


def test_removed_thread_local_code_can_be_linked_again(tmp_path: Path) -> None:
    """Removing a tracker forgets its graphs' TLS blocks; the object linked again gets a
    module of its own, initialised afresh."""
    source = tmp_path / "again.c"
    source.write_text("_Thread_local int counter = 10;\nint bump(void) { return ++counter; }\n")
    (obj,) = _compile("gcc", ["-O2", "-fPIC"], [source], tmp_path)
    session = Session()
    results = []
    for _ in range(2):
        tracker = session.main_jd.create_resource_tracker()
        session.add_object_file(session.main_jd, str(obj), tracker)
        bump = ctypes.CFUNCTYPE(ctypes.c_int)(session.lookup("bump"))
        results.append([bump(), bump()])
        session.remove(tracker)
    assert results == [[11, 12], [11, 12]]


def test_restart_for_static_tls_keeps_the_programs_environment(tmp_path: Path) -> None:
    """The command that started over with more static TLS runs the program with the
    user's environment: the raised tunable and the restart marker are gone again."""
    source = tmp_path / "env.c"
    source.write_text(r"""
#include <stdio.h>
#include <stdlib.h>
_Thread_local char big[8192];
int main(void) {
  big[1] = 1;
  const char *t = getenv("GLIBC_TUNABLES"), *m = getenv("PYJITLINK_STATIC_TLS_RETRY");
  printf("tunables=%s marker=%s %d\n", t ? t : "(none)", m ? m : "(none)", big[1]);
  return 0;
}
""")
    (obj,) = _compile("gcc", ["-O2", "-fpie"], [source], tmp_path)
    base = {k: v for k, v in os.environ.items()
            if k not in ("GLIBC_TUNABLES", "PYJITLINK_STATIC_TLS_RETRY")}
    ours = _pyjitlink(str(obj), env=base)
    assert (ours.stdout, ours.stderr) == ("tunables=(none) marker=(none) 1\n", "")
    ours = _pyjitlink(str(obj), env={**base, "GLIBC_TUNABLES": "glibc.malloc.check=0"})
    assert (ours.stdout, ours.stderr) == ("tunables=glibc.malloc.check=0 marker=(none) 1\n",
                                          "")


MACHO_CXX = r"""
extern "C" int printf(const char *, ...);
typedef unsigned long pthread_t;
extern "C" int pthread_create(pthread_t *, const void *, void *(*)(void *), void *);
extern "C" int pthread_join(pthread_t, void **);
static int made;
struct Counter {
  int value, serial;
#ifdef MAIN_THREAD_ONLY
  Counter() : value(100), serial(made++) {}
#else
  Counter() : value(100), serial(__atomic_fetch_add(&made, 1, __ATOMIC_SEQ_CST)) {}
#endif
  ~Counter() { printf("destroyed %d: %d\n", serial, value); }
};
thread_local Counter counter;
static void *work(void *arg) {
  counter.value += (int)(long)arg;
  return (void *)(long)counter.value;
}
int main() {
  void *r[3];
#ifdef MAIN_THREAD_ONLY
  for (long i = 0; i < 3; i++) r[i] = (void *)(101 + i);
#else
  pthread_t t[3];
  for (long i = 0; i < 3; i++) {
    pthread_create(&t[i], 0, work, (void *)(i + 1));
    pthread_join(t[i], &r[i]);
  }
#endif
  counter.value += 50;
  for (int i = 0; i < 3; i++) printf("thread %d: %ld\n", i, (long)r[i]);
  printf("main: %d made=%d\n", counter.value, made);
  return 0;
}
"""


@pytest.mark.parametrize("target,run", [("x86_64", "native"), ("x86_64", "emulate"),
                                        ("arm64", "emulated")])
def test_macho_cxx_thread_local_with_constructor_and_destructor(tmp_path: Path, target: str,
                                                                run: str) -> None:
    """clang's Mach-O thread_local: the TLS wrapper constructs each thread's object on
    first use and registers its destructor with _tlv_atexit (natively glibc's
    __cxa_thread_atexit_impl: run as each thread ends; emulated, at exit before atexit
    handlers). Natively with three threads; emulated, main alone."""
    source = tmp_path / "counter.cpp"
    source.write_text(MACHO_CXX)
    defines = [] if run == "native" else ["-DMAIN_THREAD_ONLY"]
    exe = tmp_path / "counter"
    subprocess.run([_tool("g++"), "-O1", "-pthread", *defines, str(source), "-o", str(exe)],
                   check=True)
    expected = subprocess.run([str(exe)], capture_output=True, text=True, check=True).stdout
    assert expected.endswith("destroyed 3: 150\n" if run == "native" else
                             "destroyed 0: 150\n")
    clang = shutil.which("clang++") or _tool("clang++-14")
    obj = tmp_path / "counter.o"
    subprocess.run([clang, f"--target={MACHO_TARGETS[target]}", "-O1", *defines, "-c",
                    str(source), "-o", str(obj)], check=True, capture_output=True)
    ours = _pyjitlink(*(["-emulate"] if run == "emulate" else []), str(obj))
    assert (ours.stdout, ours.stderr, ours.returncode) == (expected, "", 0)


def test_cxx_thread_local_destructor_emulated_aarch64(tmp_path: Path) -> None:
    """g++'s thread_local with a destructor: libstdc++.a's __cxa_thread_atexit hands it to
    the target glibc's __cxa_thread_atexit_impl, which runs it at exit; qemu's run
    of the static build is the reference."""
    source = tmp_path / "counter.cpp"
    source.write_text(MACHO_CXX)
    gxx = _tool("aarch64-linux-gnu-g++")
    obj, exe = tmp_path / "counter.o", tmp_path / "counter"
    subprocess.run([gxx, "-O1", "-DMAIN_THREAD_ONLY", "-c", str(source), "-o", str(obj)],
                   check=True)
    subprocess.run([gxx, "-static", str(obj), "-o", str(exe)], check=True)
    expected = subprocess.run([_tool("qemu-aarch64"), str(exe)], capture_output=True,
                              text=True, timeout=120, check=True).stdout
    assert expected.endswith("destroyed 0: 150\n")
    libraries = [subprocess.run([gxx, f"-print-file-name={name}"], capture_output=True,
                                text=True, check=True).stdout.strip()
                 for name in ("libstdc++.a", "libgcc_eh.a", "libgcc.a")]
    ours = _pyjitlink(str(obj), *libraries)
    assert (ours.stdout, ours.stderr, ours.returncode) == (expected, "", 0)
