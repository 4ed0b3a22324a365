"""Hostile inputs through the real command (issue 17): each gives exactly one line
``pyjitlink: error: <file>: ...`` and exit status 1, quickly, never an internal error, a hang
or unbounded memory; pipes and FIFOs work as inputs.

Every test runs ``python -m pyjitlink`` in a subprocess with a timeout. Objects are built
with gcc, aarch64-linux-gnu-gcc or llvm-mc and then damaged byte by byte where the test says.
"""

from __future__ import annotations

import os
import resource
import shutil
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

PREFIX = "pyjitlink: error: "
FAST = 30.0  # seconds: generous for a loaded machine; each case takes about one


def tool(name: str) -> str:
    path = shutil.which(name)
    assert path is not None, f"{name} is not on PATH (see .ci/run)"
    return path


def pyjitlink(*args: object, env: dict[str, str] | None = None, cwd: Path | None = None,
              pass_fds: tuple[int, ...] = (), preexec_fn=None  # type: ignore[no-untyped-def]
              ) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "pyjitlink", *map(str, args)],
                          capture_output=True, text=True, timeout=120, cwd=cwd,
                          env={**os.environ, **(env or {})}, pass_fds=pass_fds,
                          preexec_fn=preexec_fn)
    return proc, time.monotonic() - started


def assert_one_error(result: tuple[subprocess.CompletedProcess[str], float], file: object,
                     *needles: str) -> str:
    proc, elapsed = result
    assert proc.returncode == 1, (proc.returncode, proc.stdout, proc.stderr)
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    line = lines[0]
    assert line.startswith(f"{PREFIX}{file}: "), line
    assert "internal error" not in line and "Traceback" not in proc.stderr, line
    for needle in needles:
        assert needle in line, (needle, line)
    assert elapsed < FAST, elapsed
    return line


def gcc(tmp: Path, name: str, source: str, compiler: str = "gcc") -> Path:
    src, obj = tmp / f"{name}.c", tmp / f"{name}.o"
    src.write_text(source)
    subprocess.run([tool(compiler), "-O1", "-c", str(src), "-o", str(obj)], check=True)
    return obj


@pytest.fixture(scope="module")
def program(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A small C program and what it prints and returns when gcc links and runs it."""
    tmp = tmp_path_factory.mktemp("program")
    obj = gcc(tmp, "hello", '#include <stdio.h>\nint twice(int x) { return 2 * x; }\n'
                            'int main(int argc, char **argv) {\n'
                            '  printf("hello from %d\\n", twice(21)); return 7; }\n')
    exe = tmp / "hello"
    subprocess.run([tool("gcc"), str(obj), "-o", str(exe)], check=True)
    ran = subprocess.run([str(exe)], capture_output=True, text=True)
    assert ran.returncode == 7
    return obj, ran.stdout


# ============================================================================ ar archives


def member_header(name: bytes, size: bytes) -> bytes:
    return (name.ljust(16) + b"0".ljust(12) + b"0".ljust(6) + b"0".ljust(6) + b"644".ljust(8)
            + size.ljust(10) + b"`\n")


@pytest.mark.parametrize("size", [b"-60", b"-61", b"-1", b"+4", b"0x10", b""])
@pytest.mark.parametrize("through", ["input", "-l"])
def test_archive_member_size_that_is_not_a_decimal_number(tmp_path: Path, program,  # type: ignore[no-untyped-def]
                                                          size: bytes, through: str) -> None:
    # 132 bytes: the magic, one header, a 64-byte body. A size of -60 used to step back onto
    # the same header forever, memory growing.
    archive = tmp_path / "libbad.a"
    archive.write_bytes(b"!<arch>\n" + member_header(b"x.o/", size) + b"x" * 64)
    assert archive.stat().st_size == 132
    obj, _ = program
    args = [archive, obj] if through == "input" else [obj, "-L", tmp_path, "-lbad"]
    assert_one_error(pyjitlink("-noexec", *args), archive,
                     "truncated or malformed archive",
                     f"size field in archive member header are not all decimal numbers: "
                     f"'{size.decode()}'", "offset 8")


def test_archive_bsd_long_name_length_that_is_not_a_number(tmp_path: Path, program) -> None:  # type: ignore[no-untyped-def]
    archive = tmp_path / "bsd.a"
    archive.write_bytes(b"!<arch>\n" + member_header(b"#1/abc", b"10") + b"x" * 10)
    assert_one_error(pyjitlink("-noexec", archive, program[0]), archive,
                     "long name length after the #1/ are not all decimal numbers: 'abc'")


def test_archive_bsd_long_name_longer_than_its_member(tmp_path: Path, program) -> None:  # type: ignore[no-untyped-def]
    archive = tmp_path / "bsd.a"
    archive.write_bytes(b"!<arch>\n" + member_header(b"#1/20", b"10") + b"x" * 10)
    assert_one_error(pyjitlink("-noexec", archive, program[0]), archive,
                     "long name length 20 is larger than the member (10 bytes)")


def test_archive_member_size_past_the_end_of_the_file(tmp_path: Path, program) -> None:  # type: ignore[no-untyped-def]
    archive = tmp_path / "short.a"
    archive.write_bytes(b"!<arch>\n" + member_header(b"x.o/", b"4000") + b"x" * 64)
    assert_one_error(pyjitlink("-noexec", archive, program[0]), archive,
                     "archive member of 4000 bytes extends past the end of the file")


def test_archive_gnu_long_name_offset_out_of_range(tmp_path: Path, program) -> None:  # type: ignore[no-untyped-def]
    archive = tmp_path / "gnu.a"
    names = b"a_long_member_name.o/\n"
    archive.write_bytes(b"!<arch>\n" + member_header(b"//", str(len(names)).encode()) +
                        names + member_header(b"/999", b"4") + b"xxxx")
    assert_one_error(pyjitlink("-noexec", archive, program[0]), archive,
                     "long name offset 999 is past the end of the string table")


# ============================================================================ lookup cycles


@pytest.mark.parametrize("threads", [0, 1, 4])
def test_alias_cycle_as_entry_point(program, threads: int) -> None:  # type: ignore[no-untyped-def]
    assert_one_error(pyjitlink("-noexec", "-num-threads", threads, program[0],
                               "-alias", "a=b", "-alias", "b=a", "-entry", "a"),
                     "-alias", "cycle", "[ a, b ]")


@pytest.mark.parametrize("threads", [0, 2])
def test_longer_alias_cycle_and_an_alias_waiting_on_it(program, threads: int) -> None:  # type: ignore[no-untyped-def]
    # Executing, so the cycle is met by a real run's lookup; d waits on the cycle.
    assert_one_error(pyjitlink("-num-threads", threads, program[0], "-alias", "a=b",
                               "-alias", "b=c", "-alias", "c=a", "-alias", "d=a", "-entry", "d"),
                     "-alias", "[ a, b, c, d ]")


def test_alias_chain_without_a_cycle_still_runs(program) -> None:  # type: ignore[no-untyped-def]
    obj, expected = program
    proc, _ = pyjitlink("-num-threads", 2, obj, "-alias", "start=middle", "-alias",
                        "middle=main", "-entry", "start")
    assert (proc.returncode, proc.stdout, proc.stderr) == (7, expected, "")


# ============================================================================ names as bytes


def non_utf8_undefined(tmp: Path, compiler: str) -> Path:
    """An object that calls ``foo\\xff\\xa9``: a name that is not UTF-8."""
    obj = gcc(tmp, "u", "extern int foo\\u00e9(void);\nint main(void) { return foo\\u00e9(); }\n",
              compiler)
    data = bytearray(obj.read_bytes())
    at = data.find("fooé".encode())
    assert at > 0
    data[at + 3] = 0xFF  # 0xC3 0xA9 -> 0xFF 0xA9
    obj.write_bytes(bytes(data))
    return obj


@pytest.mark.parametrize("mode", ["native", "-emulate", "aarch64"])
def test_undefined_symbol_whose_name_is_not_utf8(tmp_path: Path, mode: str) -> None:
    compiler = "aarch64-linux-gnu-gcc" if mode == "aarch64" else "gcc"
    obj = non_utf8_undefined(tmp_path, compiler)
    args = ["-emulate"] if mode == "-emulate" else []
    assert_one_error(pyjitlink(*args, obj), obj, "Symbols not found: [ foo\\xff\\xa9 ]")


# ============================================================================ inputs: read once


def test_dev_zero_as_input() -> None:
    assert_one_error(pyjitlink("-noexec", "/dev/zero"), "/dev/zero",
                     "larger than 256 MiB, the limit for reading an input from a pipe or device")


def test_dev_zero_as_check_file(program) -> None:  # type: ignore[no-untyped-def]
    assert_one_error(pyjitlink("-noexec", program[0], "-check", "/dev/zero"), "/dev/zero",
                     "the limit for reading a check file from a pipe or device")


def test_directory_as_input(tmp_path: Path) -> None:
    assert_one_error(pyjitlink("-noexec", tmp_path), tmp_path, "Is a directory")


def test_fifo_without_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    assert_one_error(pyjitlink("-noexec", fifo, env={"PYJITLINK_FIFO_WAIT": "1"}), fifo,
                     "no data from the FIFO within 1 s")


def test_fifo_with_a_writer_runs_the_program(tmp_path: Path, program) -> None:  # type: ignore[no-untyped-def]
    obj, expected = program
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)

    def write() -> None:
        # Once pyjitlink has opened the FIFO (it waits for data); a writer's non-blocking
        # open fails with ENXIO until a reader is there. Never block: the test must end.
        deadline = time.monotonic() + 60
        while True:
            try:
                fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
                break
            except OSError:
                if time.monotonic() > deadline:
                    return
                time.sleep(0.05)
        time.sleep(0.3)  # let the reader wait for data a little
        os.set_blocking(fd, True)
        with os.fdopen(fd, "wb") as f:
            f.write(obj.read_bytes())

    writer = threading.Thread(target=write)
    writer.start()
    proc, _ = pyjitlink(fifo)
    writer.join()
    assert (proc.returncode, proc.stdout, proc.stderr) == (7, expected, "")


def test_object_through_a_pipe_as_dev_fd(program) -> None:  # type: ignore[no-untyped-def]
    # What a shell's process substitution does: pyjitlink <(cat x.o). A pipe can be read
    # only once, so the input must not be opened twice (once to sniff its architecture).
    obj, expected = program
    read_end, write_end = os.pipe()

    def write() -> None:
        with os.fdopen(write_end, "wb") as f:
            f.write(obj.read_bytes())

    writer = threading.Thread(target=write)
    writer.start()
    try:
        proc, _ = pyjitlink(f"/dev/fd/{read_end}", pass_fds=(read_end,))
    finally:
        writer.join()
        os.close(read_end)
    assert (proc.returncode, proc.stdout, proc.stderr) == (7, expected, "")


def test_process_substitution_in_a_shell(program) -> None:  # type: ignore[no-untyped-def]
    obj, expected = program
    proc = subprocess.run([tool("bash"), "-c", f'"{sys.executable}" -m pyjitlink <(cat "{obj}")'],
                          capture_output=True, text=True, timeout=120)
    assert (proc.returncode, proc.stdout, proc.stderr) == (7, expected, "")


# ============================================================================ ELF relocations


def test_relocation_section_that_applies_to_itself(tmp_path: Path, program) -> None:  # type: ignore[no-untyped-def]
    data = bytearray(program[0].read_bytes())
    shoff, = struct.unpack_from("<Q", data, 40)
    shnum, = struct.unpack_from("<H", data, 60)
    for index in range(shnum):
        header = shoff + 64 * index
        sh_type, = struct.unpack_from("<I", data, header + 4)
        if sh_type == 4:  # SHT_RELA: the first is .rela.text
            struct.pack_into("<I", data, header + 44, index)
            break
    bad = tmp_path / "selfrel.o"
    bad.write_bytes(bytes(data))
    assert_one_error(pyjitlink(bad), bad, f"applies to section {index} (.rela.text), which "
                                          f"holds no code or data")


# ============================================================================ -check rules


@pytest.mark.parametrize("rule", [
    "+".join(["1"] * 1000) + " = 1000",
    "(" * 500 + "main" + ")" * 500 + " = main",
    "(" * 300 + "main" + ")[63:0]" * 300 + " = main",
], ids=["sum-of-1000", "500-parentheses", "300-slices"])
def test_long_and_deep_check_rules_evaluate(tmp_path: Path, program, rule: str) -> None:  # type: ignore[no-untyped-def]
    checks = tmp_path / "checks.txt"
    checks.write_text(f"# jitlink-check: {rule}\n")
    proc, elapsed = pyjitlink("-noexec", program[0], "-check", checks)
    assert (proc.returncode, proc.stderr) == (0, ""), proc.stderr
    assert elapsed < FAST


@pytest.mark.parametrize("rule", ["(" * 500 + "main = main", "+".join(["1"] * 1000) + "+ = 1",
                                  "*{8}" * 500 + "(main = 0"],
                         ids=["unclosed-parentheses", "trailing-plus", "unclosed-loads"])
def test_long_and_deep_broken_check_rules_fail_cleanly(tmp_path: Path, program,  # type: ignore[no-untyped-def]
                                                       rule: str) -> None:
    checks = tmp_path / "checks.txt"
    checks.write_text(f"# jitlink-check: {rule}\n")
    proc, elapsed = pyjitlink("-noexec", program[0], "-check", checks)
    assert proc.returncode == 1 and elapsed < FAST, proc.stderr
    lines = proc.stderr.splitlines()
    assert lines[-1] == f"{PREFIX}{checks}: Some checks in {checks} failed", proc.stderr
    assert "internal error" not in proc.stderr and "recursion" not in proc.stderr


def test_check_rule_length_costs_linear_time(tmp_path: Path, program) -> None:  # type: ignore[no-untyped-def]
    # 100,000 terms: quadratic parsing took minutes; linear parsing takes about a second.
    checks = tmp_path / "checks.txt"
    checks.write_text("# jitlink-check: " + "+".join(["1"] * 100000) + " = 100000\n")
    proc, elapsed = pyjitlink("-noexec", program[0], "-check", checks)
    assert (proc.returncode, proc.stderr) == (0, "")
    assert elapsed < FAST


# ============================================================================ errors name a file


def test_missing_entry_point_names_the_first_input(program) -> None:  # type: ignore[no-untyped-def]
    assert_one_error(pyjitlink("-noexec", program[0], "-entry", "nothere"), program[0],
                     "entry point 'nothere' not found: Symbols not found: [ nothere ]")


def test_bad_show_graphs_regex_is_a_usage_error(program) -> None:  # type: ignore[no-untyped-def]
    proc, elapsed = pyjitlink("-noexec", program[0], "-show-graphs", "(")
    assert proc.returncode == 1 and elapsed < FAST
    assert proc.stderr.splitlines() == [
        f"{PREFIX}-show-graphs: invalid regular expression '(': missing ), unterminated "
        f"subpattern at position 0"]


def test_out_of_memory_names_the_first_input(tmp_path: Path) -> None:
    big = tmp_path / "big.o"
    with open(big, "wb") as f:
        f.truncate(1 << 30)  # sparse: 1 GiB to read, no disk used

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (400 << 20, 400 << 20))

    assert_one_error(pyjitlink("-noexec", big, preexec_fn=limit), big, "out of memory")


def test_emulated_fault_outside_any_graph_names_the_first_input(tmp_path: Path) -> None:
    # main jumps to 0x1234 with a return address (0x4000) outside every linked graph.
    src, obj = tmp_path / "g.s", tmp_path / "g.o"
    src.write_text(".globl main\nmain:\n  mov x0, #0x1234\n  mov x30, #0x4000\n  br x0\n")
    subprocess.run([tool("llvm-mc"), "-filetype=obj", "-triple=aarch64-linux-gnu", str(src),
                    "-o", str(obj)], check=True)
    proc, _ = pyjitlink(obj)
    assert proc.returncode == 139, proc.stderr
    # The error line, then the crash report's backtrace.
    assert proc.stderr.splitlines()[0] == (
        f"{PREFIX}{obj}: Segmentation fault: execution of unmapped address 0x1234")


# ============================================================================ review findings


def non_utf8_defined(tmp: Path) -> Path:
    """An object that defines and calls ``h\\xff\\xa9`` (not UTF-8) and returns 5."""
    obj = gcc(tmp, "d", "int h\\u00e9(void) { return 5; }\n"
                        "int main(void) { return h\\u00e9(); }\n")
    data = bytearray(obj.read_bytes())
    at = data.find("hé".encode())
    assert at > 0
    data[at + 1] = 0xFF  # 0xC3 0xA9 -> 0xFF 0xA9
    obj.write_bytes(bytes(data))
    return obj


def test_non_utf8_names_are_written_back_as_their_bytes(tmp_path: Path) -> None:
    obj = non_utf8_defined(tmp_path)
    symtab, graphs = tmp_path / "syms.txt", tmp_path / "graphs.txt"
    proc, _ = pyjitlink("-write-symtab", symtab, "-graph-output", graphs, "-show-graphs", ".",
                        "-perf-support", obj)
    assert (proc.returncode, proc.stderr) == (5, ""), proc.stderr
    assert b" h\xff\xa9\n" in symtab.read_bytes()
    assert b"h\xff\xa9" in graphs.read_bytes()


def test_a_full_symbol_table_file_is_an_error_naming_it(program) -> None:  # type: ignore[no-untyped-def]
    assert_one_error(pyjitlink("-write-symtab", "/dev/full", program[0]), "/dev/full",
                     "No space left on device")


def test_double_dash_ends_the_options(program) -> None:  # type: ignore[no-untyped-def]
    obj, expected = program
    proc, _ = pyjitlink("--", obj)
    assert (proc.returncode, proc.stdout, proc.stderr) == (7, expected, "")
    assert_one_error(pyjitlink("-noexec", "--", "-x.o"), "-x.o", "No such file or directory")


def test_symbolicate_reads_its_files_bounded(program) -> None:  # type: ignore[no-untyped-def]
    assert_one_error(pyjitlink("-symbolicate-with", "/dev/zero"), "/dev/zero",
                     "larger than")


def test_the_gdb_helper_is_loaded_only_from_a_private_directory(tmp_path: Path) -> None:
    shared = tmp_path / f"pyjitlink-{os.getuid()}"
    shared.mkdir()
    shared.chmod(0o777)  # another user could swap the object between its check and its load
    code = ("from pyjitlink.executors.shared_object import load_shared_object\n"
            "try:\n    load_shared_object(b'x', 'a.so')\n"
            "except OSError as err:\n    print('refused:', err)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "TMPDIR": str(tmp_path)}, timeout=60)
    assert proc.stdout == f"refused: {shared} is not a private directory of this user\n"


def test_no_static_tls_restart_after_reading_a_pipe_or_printing(tmp_path: Path) -> None:
    # 64 KiB of initial-exec TLS needs a restart with a raised glibc tunable; a pipe read once
    # would be empty the second time, and -show-linked-files would print twice: the error
    # stands then. From a regular file, the restarted command runs the program.
    src, obj = tmp_path / "tl.c", tmp_path / "tl.o"
    src.write_text("__thread char big[65536];\n"
                   "int main(void) { big[5] = 3; return big[5] + big[6]; }\n")
    subprocess.run([tool("gcc"), "-O1", "-fPIE", "-c", str(src), "-o", str(obj)], check=True)
    proc, _ = pyjitlink(obj)
    assert (proc.returncode, proc.stderr) == (3, "")
    read_end, write_end = os.pipe()
    writer = threading.Thread(target=lambda: (os.write(write_end, obj.read_bytes()),
                                              os.close(write_end)))
    writer.start()
    try:
        result = pyjitlink(f"/dev/fd/{read_end}", pass_fds=(read_end,))
    finally:
        writer.join()
        os.close(read_end)
    assert_one_error(result, f"/dev/fd/{read_end}", "65536 bytes of thread-local storage")
    proc, _ = pyjitlink("-show-linked-files", obj)
    assert proc.returncode == 1 and proc.stdout.count("Linking") == 1, proc.stdout
    assert "65536 bytes of thread-local storage" in proc.stderr
