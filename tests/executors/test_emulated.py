"""Emulated execution (Unicorn): AArch64 objects on this host, and x86-64 ones with -emulate.

The oracles are independent of pyjitlink: the same C program built by gcc for the host and
run natively (glibc formats printf, sorts, parses), and, when qemu-aarch64 is installed,
built statically by aarch64-linux-gnu-gcc and run under qemu. The programs are in
tests/data/emulated/. AArch64 tests skip without the cross compiler; everything skips
without the ``unicorn`` package.
"""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data" / "emulated"
TESTDATA = Path(__file__).resolve().parents[2] / "testdata"
A64_CC = shutil.which("aarch64-linux-gnu-gcc")
GCC = shutil.which("gcc")
QEMU = shutil.which("qemu-aarch64")

pytest.importorskip("unicorn")

# Where an emulated program runs: AArch64 objects (emulated because the host is x86-64), or
# x86-64 objects with -emulate.
TARGETS = ["aarch64", "x86_64"]


def _require(target: str) -> None:
    if target == "aarch64" and A64_CC is None:
        pytest.skip("aarch64-linux-gnu-gcc is not installed")
    if GCC is None:
        pytest.skip("gcc is not installed")


class Builds:
    """Compiles each test program once per flavour: objects for pyjitlink, executables for
    the oracles."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.cache: dict[tuple[str, str, str], Path] = {}

    def get(self, program: str, kind: str, flags: str = "-O2") -> Path:
        key = (program, kind, flags)
        if key not in self.cache:
            source = DATA / f"{program}.c"
            stem = f"{program}-{kind}-{flags.replace(' ', '').replace('-', '_')}"
            if kind == "aarch64":
                out, command = self.root / f"{stem}.o", [A64_CC, *flags.split(), "-c"]
            elif kind == "x86_64":
                out, command = self.root / f"{stem}.o", [GCC, *flags.split(), "-c"]
            elif kind == "native":
                link = ["-no-pie"] if "-fno-pic" in flags else []
                out, command = self.root / stem, [GCC, *flags.split(), *link]
            elif kind == "static":  # what -emulate runs: the host's static glibc
                out, command = self.root / stem, [GCC, *flags.split(), "-static"]
            else:  # qemu: a static AArch64 executable
                out, command = self.root / stem, [A64_CC, *flags.split(), "-static"]
            libs = ["-lm"] if kind in ("native", "static", "qemu") else []
            subprocess.run([*command, str(source), "-o", str(out), *libs], check=True,
                           capture_output=True)
            self.cache[key] = out
        return self.cache[key]


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    return Builds(tmp_path_factory.mktemp("emulated"))


def _status(code: int) -> int:
    """A shell's view of an exit status: 128 + signal for a process killed by one."""
    return 128 - code if code < 0 else code


def pyjitlink(obj: Path, target: str, args: list[str], *options: str, cwd: Path | None = None,
              merge: bool = False, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    emulate = ["-emulate"] if target == "x86_64" else []
    return subprocess.run([sys.executable, "-m", "pyjitlink", *emulate, *options, str(obj),
                           "-args", *args], capture_output=not merge, text=True, cwd=cwd,
                          stdout=subprocess.PIPE if merge else None,
                          stderr=subprocess.STDOUT if merge else None, timeout=timeout)


def native(exe: Path, args: list[str], cwd: Path | None = None,
           merge: bool = False) -> subprocess.CompletedProcess[str]:
    # exec -a: the executable sees argv[0] = args[0], as the JIT'd program does.
    result = subprocess.run(["bash", "-c", 'exec -a "$0" "$@"', args[0], str(exe), *args[1:]],
                            capture_output=not merge, text=True, cwd=cwd,
                            stdout=subprocess.PIPE if merge else None,
                            stderr=subprocess.STDOUT if merge else None, timeout=120)
    result.returncode = _status(result.returncode)
    return result


def qemu(exe: Path, args: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    assert QEMU is not None
    result = subprocess.run([QEMU, "-0", args[0], str(exe), *args[1:]], capture_output=True,
                            text=True, cwd=cwd, timeout=120)
    result.returncode = _status(result.returncode)
    return result


def _same(ours: subprocess.CompletedProcess[str], oracle: subprocess.CompletedProcess[str],
          stderr: bool = True) -> None:
    assert ours.stdout == oracle.stdout
    if stderr:
        assert ours.stderr == oracle.stderr
    assert ours.returncode == oracle.returncode, ours.stderr


def _compare(builds: Builds, program: str, target: str, args: list[str],
             flags: str = "-O2", cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``program`` emulated for ``target``; it must match the native build and, for
    AArch64 with qemu installed, the static build under qemu."""
    _require(target)
    ours = pyjitlink(builds.get(program, target, flags), target, args, cwd=cwd)
    _same(ours, native(builds.get(program, "native", flags), args, cwd=cwd))
    if target == "aarch64" and QEMU is not None:
        _same(ours, qemu(builds.get(program, "qemu", flags), args, cwd=cwd))
    return ours


# ---------------------------------------------------------------------------- against glibc


@pytest.mark.parametrize("flags", ["-O2", "-O0"])
@pytest.mark.parametrize("target", TARGETS)
def test_printf_formats_match_glibc(builds: Builds, target: str, flags: str) -> None:
    ours = _compare(builds, "printf_table", target, ["printf_table"], flags)
    assert "%a      : 0x0p+0 -0x0p+0 0x1p+0" in ours.stdout  # the table really ran


@pytest.mark.parametrize("target", TARGETS)
def test_string_ctype_conversion_scanf_rand_getopt_math(builds: Builds, target: str,
                                                        monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    monkeypatch.setenv("PYJITLINK_TEST_VAR", "yes")
    args = ["libc_misc", "-a", "-b", "foo", "-cbar", "file1", "-x", "-c", "file2", "--", "-a",
            "last"]
    ours = _compare(builds, "libc_misc", target, args)
    assert "opt ? (optopt x)" in ours.stdout and "rest: file1 file2 -a last" in ours.stdout
    assert ours.stderr == "libc_misc: invalid option -- 'x'\n"


@pytest.mark.parametrize("target", TARGETS)
def test_math_errors_and_nan_signs(builds: Builds, target: str) -> None:
    """NaN signs differ by CPU, so the AArch64 oracle is qemu's only; x86-64's is the static
    build (libm.a's acos returns -nan where libm.so's returns nan)."""
    _require(target)
    ours = pyjitlink(builds.get("math_errors", target), target, ["math_errors"])
    if target == "x86_64":
        _same(ours, native(builds.get("math_errors", "static"), ["math_errors"]))
    elif QEMU is not None:
        _same(ours, qemu(builds.get("math_errors", "qemu"), ["math_errors"]))
    assert ours.returncode == 0 and "inf 34" in ours.stdout
    assert ("-nan" in ours.stdout) == (target == "x86_64")


@pytest.mark.parametrize("flags", ["-O2", "-O0 -fno-pic"])
@pytest.mark.parametrize("target", TARGETS)
def test_qsort_bsearch_callbacks(builds: Builds, target: str, flags: str) -> None:
    """Comparators run as nested emulations, see the same pairs in the same order as under
    glibc's merge sort (one prints ties), and call back into the C library themselves."""
    ours = _compare(builds, "callbacks", target, ["callbacks"], flags)
    assert "ints sorted=1" in ours.stdout and "tie " in ours.stdout


@pytest.mark.parametrize("target", TARGETS)
def test_malloc_stress(builds: Builds, target: str) -> None:
    ours = _compare(builds, "malloc_stress", target, ["malloc_stress", "30000"])
    assert "bad=0" in ours.stdout


@pytest.mark.parametrize("flags", ["-O2", "-O0"])
@pytest.mark.parametrize("target", TARGETS)
def test_setjmp_longjmp(builds: Builds, target: str, flags: str) -> None:
    ours = _compare(builds, "jumps", target, ["jumps"], flags)
    assert "setjmp returned 1 (round 2" in ours.stdout  # longjmp(env, 0) returns 1


@pytest.mark.parametrize("target", TARGETS)
def test_file_io_on_a_real_file(builds: Builds, target: str, tmp_path: Path) -> None:
    ours = _compare(builds, "fileio", target, ["fileio", str(tmp_path / "file.txt")])
    assert "fscanf: 4 -> 4 5 6.50 word" in ours.stdout
    assert not (tmp_path / "file.txt").exists()


@pytest.mark.parametrize("target", TARGETS)
def test_reading_standard_input(builds: Builds, target: str) -> None:
    _require(target)
    data = "1 2 3\n4\n5 six 7\nline\nmore\n" + "".join(f"{i}\n" for i in range(3000))
    ours = subprocess.run([sys.executable, "-m", "pyjitlink",
                           *(["-emulate"] if target == "x86_64" else []),
                           str(builds.get("stdin_scan", target))], input=data,
                          capture_output=True, text=True, timeout=60)
    oracle = subprocess.run([str(builds.get("stdin_scan", "native"))], input=data,
                            capture_output=True, text=True, timeout=60)
    _same(ours, oracle)
    assert ours.stdout == "stopped at word six\ncount=5 total=15 lines=3003 eof=1\n"


@pytest.mark.parametrize("status", [None, "3"])
@pytest.mark.parametrize("target", TARGETS)
def test_constructors_atexit_destructors_in_order(builds: Builds, target: str,
                                                   status: str | None) -> None:
    args = ["exits"] + ([status] if status else [])
    ours = _compare(builds, "exits", target, args)
    assert ours.stdout.splitlines() == [
        "constructor 101", "constructor", f"main with {len(args)} args", "atexit b",
        "atexit a", "destructor"]
    assert ours.returncode == (3 if status else 5)


@pytest.mark.parametrize("target", TARGETS)
def test_stdout_and_stderr_interleave_as_in_c(builds: Builds, target: str) -> None:
    """One pipe for both: stderr is unbuffered, stdout written when flushed or at exit."""
    _require(target)
    ours = pyjitlink(builds.get("exits", target), target, ["exits"], merge=True)
    oracle = native(builds.get("exits", "native"), ["exits"], merge=True)
    assert ours.stdout == oracle.stdout
    assert ours.stdout.startswith("stderr in main\n")


@pytest.mark.parametrize("target", TARGETS)
def test_weak_undefined_references_stay_null(builds: Builds, target: str) -> None:
    ours = _compare(builds, "weak", target, ["weak"])
    assert ours.stdout == "no hook\nsetting absent\n"


# ---------------------------------------------------------------------------- undefined


@pytest.mark.parametrize("target", TARGETS)
def test_names_no_c_library_has_are_undefined(builds: Builds, target: str) -> None:
    _require(target)
    obj = builds.get("undefined", target)
    result = pyjitlink(obj, target, ["undefined"])
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (f"pyjitlink: error: {obj}: Symbols not found: "
                             f"[ no_such_function, no_such_variable ]\n")


# ---------------------------------------------------------------------------- faults


# (argument, exit status, words the message must contain, functions the backtrace names in
# order). A fault inside the C library (the target's glibc) is reported in its member.
FAULTS = [
    ("null", 128 + signal.SIGSEGV, ["Segmentation fault", "address 0x0", "(deref)"],
     ["deref", "__libc_start_main"]),  # main tail-calls deref
    ("ill", 128 + signal.SIGILL, ["Illegal instruction", "(illegal)"], ["illegal", "main"]),
    ("stack", 128 + signal.SIGSEGV, ["Segmentation fault", "recurse"], ["recurse"]),
    ("strlen", 128 + signal.SIGSEGV, ["Segmentation fault", "address 0x0", "(__strlen_"],
     ["main"]),
    ("abort", 128 + signal.SIGABRT, ["Aborted"], ["abort", "main"]),
    ("assert", 128 + signal.SIGABRT, ["Aborted"], ["abort", "__assert_fail", "main"]),
    ("smash", 128 + signal.SIGABRT, ["Aborted"], ["abort", "__fortify_fail", "smash"]),
]
FAULT_FLAGS = "-O2 -fstack-protector-strong"


@pytest.mark.parametrize("what,status,words,calls", FAULTS, ids=[f[0] for f in FAULTS])
@pytest.mark.parametrize("target", TARGETS)
def test_faults_end_the_run_like_a_crashed_process(builds: Builds, target: str, what: str,
                                                   status: int, words: list[str],
                                                   calls: list[str]) -> None:
    _require(target)
    obj = builds.get("faults", target, FAULT_FLAGS)
    ours = pyjitlink(obj, target, ["faults", what])
    assert ours.returncode == status
    assert ours.stdout == f"doing {what}\n"
    lines = ours.stderr.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("pyjitlink: error: "))
    program, message, frames = lines[:at], lines[at], lines[at + 1:]
    assert re.match(rf"pyjitlink: error: ({re.escape(str(obj))}|\S+/libc\.a\(\S+\.o\)): ",
                    message), message
    # Then the backtrace: one "  #N ADDRESS in ..." line per frame.
    assert frames and all(re.match(rf"  #{n} 0x[0-9a-f]+ in ", f) for n, f in enumerate(frames))
    for word in words:
        assert word in message
    # Function names, without gcc's .cold/.constprop suffixes.
    names = [m.group(1) if (m := re.search(r" in (\w+)", f)) else "" for f in frames]
    found = iter(names)
    assert all(call in found for call in calls), names  # in this order
    # What the C library prints itself (the failed assertion, "*** stack smashing
    # detected ***") is glibc's text; the shell's "Segmentation fault" is not part of it.
    oracle = native(builds.get("faults", "native", FAULT_FLAGS), ["faults", what])
    assert (oracle.returncode, oracle.stdout, oracle.stderr.splitlines()) == (
        status, ours.stdout, program)
    if target == "aarch64" and QEMU is not None:
        oracle = qemu(builds.get("faults", "qemu", FAULT_FLAGS), ["faults", what])
        assert oracle.returncode == status
        assert oracle.stderr.splitlines()[:len(program)] == program


@pytest.mark.parametrize("target", TARGETS)
def test_null_dereference_names_the_instruction(builds: Builds, target: str) -> None:
    _require(target)
    ours = pyjitlink(builds.get("faults", target, FAULT_FLAGS), target, ["faults", "null"])
    instruction = "ldr w0, [x0]" if target == "aarch64" else "mov eax, dword ptr [rdi]"
    assert f"'{instruction}'" in ours.stderr


@pytest.mark.parametrize("target", TARGETS)
def test_a_crash_loses_buffered_output_as_in_c(builds: Builds, target: str) -> None:
    _require(target)
    ours = pyjitlink(builds.get("faults", target, FAULT_FLAGS), target, ["faults", "lost"])
    oracle = native(builds.get("faults", "native", FAULT_FLAGS), ["faults", "lost"])
    assert (ours.returncode, ours.stdout) == (oracle.returncode, oracle.stdout) == (139, "")


def test_integer_division_trap_on_x86_64(builds: Builds) -> None:
    _require("x86_64")
    obj = builds.get("faults", "x86_64", FAULT_FLAGS)
    ours = pyjitlink(obj, "x86_64", ["faults", "divide"])
    assert ours.returncode == 128 + signal.SIGFPE
    assert "Floating point exception" in ours.stderr and "(divide+0x" in ours.stderr
    assert "idiv" in ours.stderr
    oracle = native(builds.get("faults", "native", FAULT_FLAGS), ["faults", "divide"])
    assert oracle.returncode == 128 + signal.SIGFPE


@pytest.mark.parametrize("target", TARGETS)
def test_runaway_loop_stopped_by_timeout(builds: Builds, target: str) -> None:
    _require(target)
    obj = builds.get("faults", target, FAULT_FLAGS)
    ours = pyjitlink(obj, target, ["faults", "loop"], "-timeout", "1", timeout=60)
    assert ours.returncode == 124
    assert ours.stdout == "doing loop\n"
    assert "timed out after 1 seconds" in ours.stderr and "spin" in ours.stderr


@pytest.mark.parametrize("target", TARGETS)
def test_runaway_loop_stopped_by_instruction_limit(builds: Builds, target: str) -> None:
    _require(target)
    obj = builds.get("faults", target, FAULT_FLAGS)
    ours = pyjitlink(obj, target, ["faults", "loop"], "-max-instructions", "2000000",
                     timeout=60)
    assert ours.returncode == 124
    assert "stopped after 2000000 instructions" in ours.stderr and "spin" in ours.stderr
    # A program that finishes within the limit is unaffected.
    done = pyjitlink(obj, target, ["faults", "count"], "-max-instructions", "100000000000")
    assert done.returncode == 50000000 & 0x7F


# ---------------------------------------------------------------------------- testdata


def _testdata_runs(flavours: list[str]) -> list[tuple[str, str, str, str]]:
    cases = []
    for prog in ("calc", "textstat", "dsbench"):
        runs = [line.split(None, 1) for line in
                (TESTDATA / prog / "runs.txt").read_text().splitlines() if line.strip()]
        for flavour in flavours:
            if (TESTDATA / prog / flavour).is_dir():
                cases += [(prog, flavour, run, args) for run, args in runs]
    return cases


# The x86-64 flavours under -emulate: one per code model and a few more (the AArch64
# flavours, testdata/<prog>/a64-*, are run by tests/programs like every other flavour).
EMULATE_FLAVOURS = ["O0-pie", "O2-nopic", "O2-large", "O2-medium", "O2-ssp"]


@pytest.mark.parametrize("prog,flavour,run,args", _testdata_runs(EMULATE_FLAVOURS),
                         ids=[f"{p}-{f}-{r}" for p, f, r, _ in
                              _testdata_runs(EMULATE_FLAVOURS)])
def test_testdata_programs_under_emulate(prog: str, flavour: str, run: str, args: str) -> None:
    directory = TESTDATA / prog
    objects = sorted(str(p.relative_to(directory)) for p in (directory / flavour).glob("*.o"))
    result = subprocess.run([sys.executable, "-m", "pyjitlink", "-emulate", *objects, "-args",
                             *args.split()], cwd=directory, capture_output=True, timeout=300)
    expected = directory / "expected"
    assert result.stderr.decode() == (expected / f"{run}.stderr").read_text()
    assert result.stdout.decode() == (expected / f"{run}.stdout").read_text()
    assert result.returncode == int((expected / f"{run}.rc").read_text())


# ---------------------------------------------------------------------------- in-process


def test_architecture_chooses_the_executor(builds: Builds) -> None:
    from pyjitlink.executors.emulated import EmulatedExecutor
    from pyjitlink.executors.native import NativeExecutor
    from pyjitlink.tool.driver import Options, build_session

    _require("x86_64")
    x86 = str(builds.get("weak", "x86_64"))
    assert isinstance(build_session([("input", x86)]).executor, NativeExecutor)
    assert isinstance(build_session([("input", x86)], Options(emulate=True)).executor,
                      EmulatedExecutor)
    if A64_CC is not None:
        a64 = str(builds.get("weak", "aarch64"))
        session = build_session([("input", a64)])
        assert isinstance(session.executor, EmulatedExecutor)
        assert session.executor.arch == "aarch64"


def test_native_runs_do_not_import_unicorn(builds: Builds) -> None:
    _require("x86_64")
    code = ("import sys\nfrom pyjitlink.tool.driver import build_session\n"
            f"build_session([('input', {str(builds.get('weak', 'x86_64'))!r})])"
            ".lookup('main')\nprint('unicorn' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout == "False\n"


def test_emulated_memory_is_never_writable_and_executable(builds: Builds) -> None:
    from pyjitlink.executors.host_bridge import UC_PROT_EXEC, UC_PROT_WRITE
    from pyjitlink.tool.session import Session

    _require("aarch64")
    session = Session(arch="aarch64")
    session.add_object_file(session.main_jd, str(builds.get("callbacks", "aarch64")))
    session.lookup("main")
    regions = session.executor.memory._regions  # type: ignore[union-attr]
    prots = {prot for _, _, prot in regions}
    assert all(prot & (UC_PROT_WRITE | UC_PROT_EXEC) != UC_PROT_WRITE | UC_PROT_EXEC
               for prot in prots)
    assert UC_PROT_EXEC | 1 in prots and 1 in prots  # R-X code, R-- read-only data


def test_python_api_calls_emulated_functions_and_callbacks(builds: Builds,
                                                           tmp_path: Path) -> None:
    """``Session(arch=...)`` links into the emulator; ``function`` calls a function in a
    process whose C runtime has started (start_for_calls): malloc, and qsort calling back
    into the program's comparator, are glibc's."""
    from pyjitlink.tool.session import Session

    _require("aarch64")
    source = tmp_path / "api.c"
    source.write_text(
        "#include <stdlib.h>\n#include <string.h>\n"
        "static int cmp(const void *a, const void *b) { return *(const int *)a - "
        "*(const int *)b; }\n"
        "long sum_sorted(int n) { int *v = malloc(n * sizeof *v); long s = 0;\n"
        "  for (int i = 0; i < n; i++) v[i] = (i * 7919) % n;\n"
        "  qsort(v, n, sizeof *v, cmp);\n"
        "  for (int i = 0; i < n; i++) s = s * 3 + v[i] * (v[i] == i);\n"
        "  free(v); return s; }\n")
    obj = tmp_path / "api.o"
    subprocess.run([A64_CC, "-O2", "-c", str(source), "-o", str(obj)], check=True)
    import ctypes

    session = Session(arch="aarch64")
    session.add_object_file(session.main_jd, str(obj))
    sum_sorted = session.function("sum_sorted", ctypes.CFUNCTYPE(ctypes.c_ulong, ctypes.c_int))
    expected = 0
    for i in range(50):
        expected = expected * 3 + i
    assert sum_sorted(50) == expected & ((1 << 64) - 1)
    assert sum_sorted(7) == sum(i * 3 ** (6 - i) for i in range(7))
    session.close()


def test_removed_code_is_unmapped_and_its_translations_dropped(tmp_path: Path) -> None:
    """Removing a tracker releases its segments (the process's striped memory manager keeps
    the stripe mapped and zeroes them); code linked later at the same addresses runs as
    itself, not as what Unicorn translated there before."""
    from pyjitlink.tool.session import Session

    _require("aarch64")
    objects = []
    for name, body in (("a", "int f(void) { return 1; }"),
                       ("b", "int f(void) { return 2; } int g(void) { return 3; }")):
        (tmp_path / f"{name}.c").write_text(body + "\n")
        subprocess.run([A64_CC, "-O2", "-c", str(tmp_path / f"{name}.c"), "-o",
                        str(tmp_path / f"{name}.o")], check=True)
        objects.append(str(tmp_path / f"{name}.o"))
    session = Session(arch="aarch64")
    executor = session.executor
    tracker = session.main_jd.create_resource_tracker()
    session.add_object_file(session.main_jd, objects[0], tracker)
    first = session.lookup("f")
    assert executor.call(first) == 1  # type: ignore[union-attr]
    session.remove(tracker)
    assert executor.memory.buffer[first:first + 4] == bytes(4)  # type: ignore[union-attr]
    session.add_object_file(session.main_jd, objects[1])
    assert session.lookup("f") == first
    assert executor.call(first) == 2  # type: ignore[union-attr]
    assert executor.call(session.lookup("g")) == 3  # type: ignore[union-attr]
