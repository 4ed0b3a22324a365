"""-libc=target: AArch64 programs run on the target's own static glibc in an emulated Linux
process (executors/linux). The oracle is the same source linked ``-static`` by
aarch64-linux-gnu-gcc and run under qemu-aarch64 (stdout, stderr, exit status), and the
testdata programs' recorded gcc-linked outputs. Missing tools fail these tests (.ci/run
installs them)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pyjitlink.executors.linux.runtime import (
    expand_library,
    find_runtime,
    is_linker_script,
    linker_script_inputs,
)

ROOT = Path(__file__).resolve().parents[2]
TESTDATA = ROOT / "testdata"
A64_CC = shutil.which("aarch64-linux-gnu-gcc")
QEMU = shutil.which("qemu-aarch64")


def _tools() -> tuple[str, str]:
    assert A64_CC is not None, "aarch64-linux-gnu-gcc is needed (gcc-aarch64-linux-gnu)"
    assert QEMU is not None, "qemu-aarch64 is needed (qemu-user)"
    return A64_CC, QEMU


def _build(source: Path, out: Path) -> tuple[Path, Path]:
    """The object pyjitlink links, and the -static executable qemu runs."""
    cc, _ = _tools()
    obj, exe = out / f"{source.stem}.o", out / f"{source.stem}-static"
    subprocess.run([cc, "-O2", "-c", str(source), "-o", str(obj)], check=True)
    subprocess.run([cc, "-O2", "-static", str(source), "-o", str(exe)], check=True)
    return obj, exe


def _status(code: int) -> int:
    return 128 - code if code < 0 else code


def _run(command: list[str], cwd: Path, stdin: str = "", env: dict[str, str] | None = None
         ) -> tuple[str, str, int]:
    done = subprocess.run(command, cwd=cwd, input=stdin, capture_output=True, text=True,
                          timeout=300, env={**os.environ, **(env or {})})
    return done.stdout, done.stderr, _status(done.returncode)


def _pyjitlink(*args: str) -> list[str]:
    return [sys.executable, "-m", "pyjitlink", "-libc=target", *args]


@pytest.mark.parametrize("lazy", [False, True], ids=["eager", "lazy"])
def test_files_stat_environment_stdin_drand48_match_qemu(tmp_path: Path, lazy: bool) -> None:
    obj, exe = _build(TESTDATA / "linux" / "files_env.c", tmp_path)
    ours_dir, qemu_dir = tmp_path / "ours", tmp_path / "qemu"
    ours_dir.mkdir()
    qemu_dir.mkdir()
    env = {"FILES_ENV_GREETING": "hello there"}
    stdin = "1 2 3.5\n4 -7.25\n"
    lazy_option = ["-lazy"] if lazy else []
    ours = _run(_pyjitlink(*lazy_option, str(obj), "-args", "files_env", "a1"), ours_dir,
                stdin, env)
    theirs = _run([_tools()[1], "-0", "files_env", str(exe), "a1"], qemu_dir, stdin, env)
    assert ours == theirs
    assert ours[2] == 7 and "read 5 numbers, sum 3.250" in ours[0]
    assert "entry: notes.txt\nentry: sub\n" in ours[0]
    assert os.listdir(ours_dir) == []  # the program removed what it made, on the host


def test_x86_64_emulate_on_the_host_static_glibc(tmp_path: Path) -> None:
    """x86-64 under -emulate: the host's libc.a; the oracle is the -static build, native."""
    gcc = shutil.which("gcc")
    assert gcc is not None
    source = TESTDATA / "linux" / "files_env.c"
    obj, exe = tmp_path / "fe.o", tmp_path / "fe-static"
    subprocess.run([gcc, "-O2", "-c", str(source), "-o", str(obj)], check=True)
    subprocess.run([gcc, "-O2", "-static", str(source), "-o", str(exe)], check=True)
    ours_dir, native_dir = tmp_path / "ours", tmp_path / "native"
    ours_dir.mkdir()
    native_dir.mkdir()
    env = {"FILES_ENV_GREETING": "x86"}
    stdin = "10 20 30\n"
    ours = _run(_pyjitlink("-emulate", str(obj), "-args", "files_env", "b2"), ours_dir, stdin,
                env)
    theirs = _run(["bash", "-c", 'exec -a files_env "$0" b2', str(exe)], native_dir, stdin, env)
    assert ours == theirs
    assert ours[2] == 7 and "read 3 numbers, sum 60.000" in ours[0]


ENTRY = r"""
#include <stdio.h>
#include <stdlib.h>
static void bye(void) { puts("atexit handler"); }
__attribute__((constructor)) static void init(void) { puts("constructor"); atexit(bye); }
int alt(int argc, char **argv, char **envp) {
    printf("alt: argc %d, argv[0] %s, last %s, ENTRY_TEST=%s\n", argc, argv[0],
           argv[argc - 1], envp[0] && getenv("ENTRY_TEST") ? getenv("ENTRY_TEST") : "-");
    return 3;
}
int main(void) { puts("main"); return 0; }
"""


@pytest.mark.parametrize("arch", ["aarch64", "x86_64"])
def test_entry_is_called_as_main_after_the_start_up(tmp_path: Path, arch: str) -> None:
    """-entry alt: glibc's start-up runs (constructors, atexit), then alt in main's place
    (argc, argv, envp; its result to exit). The oracle: the same object with alt renamed
    main (objcopy), linked -static, run under qemu-aarch64 or natively."""
    cc = A64_CC if arch == "aarch64" else shutil.which("gcc")
    objcopy = shutil.which("aarch64-linux-gnu-objcopy" if arch == "aarch64" else "objcopy")
    assert cc is not None and objcopy is not None, "the (cross) binutils are needed"
    source, obj, renamed = tmp_path / "entry.c", tmp_path / "entry.o", tmp_path / "ref.o"
    source.write_text(ENTRY)
    subprocess.run([cc, "-O2", "-c", str(source), "-o", str(obj)], check=True)
    subprocess.run([objcopy, "--redefine-sym", "main=unused_main", "--redefine-sym",
                    "alt=main", str(obj), str(renamed)], check=True)
    exe = tmp_path / "entry-static"
    subprocess.run([cc, "-static", str(renamed), "-o", str(exe)], check=True)
    env = {"ENTRY_TEST": "set"}
    emulate = ["-emulate"] if arch == "x86_64" else []
    for lazy in ([], ["-lazy"]):
        ours = _run(_pyjitlink(*emulate, *lazy, "-entry", "alt", str(obj), "-args", "entry",
                               "a", "b"), tmp_path, env=env)
        theirs = _run([_tools()[1], "-0", "entry", str(exe), "a", "b"] if arch == "aarch64"
                      else ["bash", "-c", 'exec -a entry "$0" a b', str(exe)], tmp_path,
                      env=env)
        assert ours == theirs
        assert ours == ("constructor\nalt: argc 3, argv[0] entry, last b, ENTRY_TEST=set\n"
                        "atexit handler\n", "", 3)
    # Without -entry: main.
    assert _run(_pyjitlink(*emulate, str(obj)), tmp_path) == (
        "constructor\nmain\natexit handler\n", "", 0)


def test_run_main_twice_in_an_emulated_session_is_an_error(tmp_path: Path) -> None:
    """One process per emulated session: a second run_main (or one after start_for_calls)
    is an ExecutionError, not a second start-up on an exited glibc; a new Session runs the
    program again. Also run_main with another entry than main (-entry's semantics)."""
    import pyjitlink

    source, obj = tmp_path / "entry.c", tmp_path / "entry.o"
    source.write_text(ENTRY)
    subprocess.run([_tools()[0], "-O2", "-c", str(source), "-o", str(obj)], check=True)
    for entry, status in (("main", 0), ("alt", 3)):
        with pyjitlink.Session(arch="aarch64") as session:
            session.add_object_file(session.main_jd, str(obj))
            assert session.run_main(entry, ["entry"]) == status
            with pytest.raises(pyjitlink.ExecutionError,
                               match="cannot run main again: this emulated session's "
                                     "process has run already"):
                session.run_main(entry, ["entry"])
    with pyjitlink.Session(arch="aarch64") as session:
        session.add_object_file(session.main_jd, str(obj))
        session.start_for_calls()
        with pytest.raises(pyjitlink.ExecutionError, match="started for calls from Python"):
            session.run_main("main", ["entry"])


IFUNC_ABORT = r"""
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
static int add_generic(int a, int b) { return a + b; }
static int (*resolve_add(void))(int, int) { return add_generic; }
int add(int, int) __attribute__((ifunc("resolve_add")));
int main(int argc, char **argv) {
    char a[64], b[64];
    memset(a, 'q', sizeof a); memcpy(b, a, sizeof b); b[63] = 0;
    printf("add=%d len=%zu\n", add(2, 40), strlen(b));
    long r = syscall(999);
    printf("syscall 999: %ld %s\n", r, strerror(errno));
    fflush(stdout);
    if (argc > 1) abort();
    return 0;
}
"""


def test_ifunc_unknown_system_call_and_abort(tmp_path: Path) -> None:
    source = tmp_path / "ifunc_abort.c"
    source.write_text(IFUNC_ABORT)
    obj, exe = _build(source, tmp_path)
    for args in (["p"], ["p", "abort"]):
        out, err, code = _run(_pyjitlink(str(obj), "-args", *args), tmp_path)
        q_out, _, q_code = _run([_tools()[1], "-0", "p", str(exe), *args[1:]], tmp_path)
        assert (out, code) == (q_out, q_code)
        # An unimplemented call is named once, and returns ENOSYS.
        assert err.count("unimplemented system call #999") == 1
    assert code == 134 and "Aborted" in err and "in abort+" in err and "in main+" in err
    # Without -libc=target: the same process (the target's C library is the default).
    default = _run([sys.executable, "-m", "pyjitlink", str(obj), "-args", "p"], tmp_path)
    q_out, _, q_code = _run([_tools()[1], "-0", "p", str(exe)], tmp_path)
    assert (default[0], default[2]) == (q_out, q_code)


def _testdata_cases() -> list[tuple[str, str, str, str]]:
    cases = []
    for prog in ("calc", "textstat", "dsbench"):
        runs = [line.split(None, 1) for line in
                (TESTDATA / prog / "runs.txt").read_text().splitlines() if line.strip()]
        # (Every a64-* flavour runs on the target's libc in tests/programs, the default.)
        for flavour in ("O2-pie",):
            cases += [(prog, flavour, run, args) for run, args in runs]
    return cases


@pytest.mark.parametrize("prog,flavour,run,args", _testdata_cases(),
                         ids=[f"{p}-{f}-{r}" for p, f, r, _ in _testdata_cases()])
def test_testdata_programs_on_the_target_libc(prog: str, flavour: str, run: str,
                                               args: str) -> None:
    directory = TESTDATA / prog
    objects = sorted(str(p.relative_to(directory)) for p in (directory / flavour).glob("*.o"))
    emulate = [] if flavour.startswith("a64-") else ["-emulate"]
    out, err, code = _run(_pyjitlink(*emulate, *objects, "-args", *args.split()), directory)
    expected = directory / "expected"
    assert err == (expected / f"{run}.stderr").read_text()
    assert out == (expected / f"{run}.stdout").read_text()
    assert code == int((expected / f"{run}.rc").read_text())


# ---------------------------------------------------------------------------- the runtime


DEBIAN_LIBC_SO = """/* GNU ld script
   Use the shared library, but some functions are only in
   the static library, so try that secondarily.  */
OUTPUT_FORMAT(elf64-littleaarch64)
GROUP ( /usr/aarch64-linux-gnu/lib/libc.so.6 /usr/aarch64-linux-gnu/lib/libc_nonshared.a \
 AS_NEEDED ( /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 ) )
"""


def test_linker_script_inputs() -> None:
    assert is_linker_script(DEBIAN_LIBC_SO.encode())
    assert not is_linker_script(b"!<arch>\n") and not is_linker_script(b"\x7fELF\x02")
    assert linker_script_inputs(DEBIAN_LIBC_SO) == [
        ("/usr/aarch64-linux-gnu/lib/libc.so.6", False),
        ("/usr/aarch64-linux-gnu/lib/libc_nonshared.a", False),
        ("/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1", True)]
    assert linker_script_inputs("INPUT(a.a, -lm)\nGROUP(b.a AS_NEEDED(c.a) d.a)") == [
        ("a.a", False), ("-lm", False), ("b.a", False), ("c.a", True), ("d.a", False)]


def _fake_sysroot(root: Path) -> None:
    lib = root / "usr" / "aarch64-linux-gnu" / "lib"
    gcc = root / "usr" / "lib" / "gcc-cross" / "aarch64-linux-gnu"
    for directory in (lib, gcc / "9", gcc / "12"):
        directory.mkdir(parents=True)
    for name in ("crt1.o", "libc.a", "libm-2.36.a", "libmvec.a"):
        (lib / name).write_bytes(b"!<arch>\n")
    (lib / "libm.a").write_text("/* GNU ld script */\nGROUP ( /usr/aarch64-linux-gnu/lib/"
                                "libm-2.36.a /usr/aarch64-linux-gnu/lib/libmvec.a )\n")
    for version in ("9", "12"):
        for name in ("libgcc.a", "libgcc_eh.a"):
            (gcc / version / name).write_bytes(b"!<arch>\n")


def test_sysroot_and_linker_scripts(tmp_path: Path) -> None:
    _fake_sysroot(tmp_path)
    runtime = find_runtime("aarch64", str(tmp_path))
    lib = tmp_path / "usr" / "aarch64-linux-gnu" / "lib"
    gcc = tmp_path / "usr" / "lib" / "gcc-cross" / "aarch64-linux-gnu" / "12"  # newest
    assert runtime.crt1 == str(lib / "crt1.o")
    assert list(runtime.archives) == [str(lib / "libm-2.36.a"), str(lib / "libmvec.a"),
                                      str(lib / "libc.a"), str(gcc / "libgcc.a"),
                                      str(gcc / "libgcc_eh.a")]
    assert expand_library(str(lib / "libc.a")) == [str(lib / "libc.a")]


def test_the_installed_runtime_is_found_as_gcc_finds_it() -> None:
    cc, _ = _tools()
    runtime = find_runtime("aarch64")
    by_name = {os.path.basename(p): p for p in runtime.archives}
    assert list(by_name)[:3] == ["libstdc++.a", "libm.a", "libc.a"]  # g++'s link order
    for name, path in (("crt1.o", runtime.crt1), ("libc.a", by_name["libc.a"]),
                       ("libgcc.a", by_name["libgcc.a"]), ("libstdc++.a", by_name["libstdc++.a"])):
        asked = subprocess.run([cc, f"-print-file-name={name}"], capture_output=True,
                               text=True, check=True).stdout.strip()
        assert path == os.path.normpath(asked)


def test_missing_runtime_is_one_error_line(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    source = tmp_path / "m.c"
    source.write_text("int main(void) { return 0; }\n")
    cc, _ = _tools()
    subprocess.run([cc, "-c", str(source), "-o", str(tmp_path / "m.o")], check=True)
    out, err, code = _run(_pyjitlink("-sysroot", str(tmp_path / "empty"),
                                     str(tmp_path / "m.o")), tmp_path)
    assert code == 1 and out == ""
    assert err.startswith("pyjitlink: error: ") and "crt1.o was not found below" in err
    assert err.count("\n") == 1
    # Every emulated run needs the runtime: the line says what to install.
    default = _run([sys.executable, "-m", "pyjitlink", "-sysroot", str(tmp_path / "empty"),
                    str(tmp_path / "m.o")], tmp_path)
    assert default[2] == 1 and default[1] == (
        f"pyjitlink: error: {tmp_path / 'm.o'}: an emulated aarch64 program runs on the "
        f"target's C runtime, and its crt1.o was not found below {tmp_path / 'empty'} "
        f"(Debian: install gcc-aarch64-linux-gnu and libc6-dev-arm64-cross; or give "
        f"-sysroot DIR)\n")


@pytest.mark.parametrize(("target", "flags"), [
    ("aarch64", []), ("x86_64", []),
    # General/local-dynamic (__tls_get_addr) across two TLS modules: tls_get_addr.py.
    ("aarch64", ["-fPIC", "-mtls-dialect=trad"]), ("x86_64", ["-fPIC"])],
    ids=["aarch64", "x86_64", "aarch64-trad-pic", "x86_64-pic"])
def test_thread_local_storage_of_program_and_libc(tmp_path: Path, target: str,
                                                  flags: list[str]) -> None:
    """The program's TLS (initial- and local-exec, .tdata and .tbss, across two objects) and
    glibc's (errno, locale) in one PT_TLS segment that glibc's start-up sets up."""
    cc = _tools()[0] if target == "aarch64" else shutil.which("gcc")
    assert cc is not None
    sources = [TESTDATA / "tls" / "counters.c", TESTDATA / "tls" / "other.c"]
    objects = []
    for source in sources:
        obj = tmp_path / f"{source.stem}.o"
        subprocess.run([cc, "-DMAIN_THREAD_ONLY", "-O2", *flags, "-c", str(source), "-o",
                        str(obj)], check=True)
        objects.append(str(obj))
    exe = tmp_path / "tls-static"
    subprocess.run([cc, "-DMAIN_THREAD_ONLY", "-O2", "-static", *map(str, sources), "-o",
                    str(exe)], check=True)
    emulate = ["-emulate"] if target == "x86_64" else []
    ours = _run(_pyjitlink(*emulate, *objects), tmp_path)
    theirs = _run([_tools()[1], str(exe)] if target == "aarch64" else [str(exe)], tmp_path)
    assert ours == theirs
    assert ours[0].startswith("main 8: initialised=8999 ")


def test_dash_l_finds_the_targets_static_libraries() -> None:
    """-lm with -libc=target: the target's libm.a (already linked: nothing more), never the
    host's; an unknown library is LibraryNotFound, one line."""
    directory = TESTDATA / "calc"
    objects = sorted(str(p.relative_to(directory)) for p in (directory / "a64-O2-pie").glob(
        "*.o"))
    out, err, code = _run(_pyjitlink(*objects, "-lm", "-args", "inputs/basic.calc"),
                          directory)
    expected = directory / "expected"
    assert (out, err) == ((expected / "basic.stdout").read_text(),
                          (expected / "basic.stderr").read_text())
    out, err, code = _run(_pyjitlink(*objects, "-lnosuch"), directory)
    assert (out, err, code) == ("", "pyjitlink: error: -lnosuch: While linking main, could "
                                    "not find library for -lnosuch\n", 1)


def test_target_libc_is_an_emulated_elf_process(tmp_path: Path) -> None:
    """-libc=target emulates even host-architecture objects (no -emulate needed), and
    runs Mach-O objects through the Darwin layer."""
    from pyjitlink.executors.linux.process import LinuxProcessExecutor
    from pyjitlink.tool.driver import Options, build_session

    source = tmp_path / "m.c"
    source.write_text("int main(void) { return 0; }\n")
    gcc = shutil.which("gcc")
    assert gcc is not None
    subprocess.run([gcc, "-c", str(source), "-o", str(tmp_path / "m.o")], check=True)
    session = build_session([("input", str(tmp_path / "m.o"))], Options(libc="target"))
    assert isinstance(session.executor, LinuxProcessExecutor)
    assert session.executor.arch == "x86_64"
    # Mach-O objects join the same process, on the same glibc (tests/executors/
    # test_darwin_layer.py); ELF and Mach-O still do not mix in one run.
    directory = TESTDATA / "calc"
    out, err, code = _run(_pyjitlink("macho-a64-O2/main.o", "a64-O2-pie/env.o"), directory)
    assert (out, err, code) == ("", "pyjitlink: error: a64-O2-pie/env.o: cannot mix ELF and "
                                    "Mach-O objects in one session\n", 1)
