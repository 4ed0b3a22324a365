"""Seeing inside JIT'd code (issue 12): fault reports with backtraces and source lines
(natively and emulated), -timeout, GDB's JIT interface, perf maps and jitdump, -write-symtab
and -symbolicate-with.

The program is testdata/crash (-g -O0; x86-64 and AArch64 objects). Oracles: the source
file's own lines (the statements marked in crash.c), the gcc-linked build's exit status
(testdata/crash/expected), addr2line over the relocatable object, gdb itself, and the
addresses the link reports (-show-addrs, the symbol table).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

CRASH = Path(__file__).resolve().parents[2] / "testdata" / "crash"
SOURCE = (CRASH / "src" / "crash.c").read_text().splitlines()
X86 = "O0-g/crash.o"
A64 = "a64-O0-g/crash.o"


def _line(marker: str) -> int:
    """1-based number of the first source line containing ``marker``."""
    return next(i for i, text in enumerate(SOURCE, 1) if marker in text)


def _call_line(caller: str, callee: str) -> int:
    """The line of ``caller``'s body that calls ``callee(``."""
    start = next(i for i, t in enumerate(SOURCE) if re.match(rf"\w.* {caller}\(", t))
    return next(i for i, t in enumerate(SOURCE[start:], start + 1) if f"{callee}(" in t)


def _run(*args: str, timeout: float = 120, **kwargs) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    return subprocess.run([sys.executable, "-m", "pyjitlink", *args], cwd=CRASH,
                          capture_output=True, text=True, timeout=timeout, **kwargs)


def _expected_rc(run: str) -> int:
    return int((CRASH / "expected" / f"{run}.rc").read_text())


def _frames(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("  #")]


# ---------------------------------------------------------------- fault reports

FAULT_CASES = [("native", X86, ()), ("emulated-x86_64", X86, ("-emulate",)),
               ("emulated-aarch64", A64, ())]


@pytest.mark.parametrize("name,obj,options", FAULT_CASES, ids=[c[0] for c in FAULT_CASES])
def test_null_store_two_calls_deep(name: str, obj: str, options: tuple[str, ...]) -> None:
    result = _run(*options, obj, "-args", "crash")
    assert result.stdout == (CRASH / "expected" / "segv.stdout").read_text()
    first, *rest = result.stderr.splitlines()
    assert first.startswith(f"pyjitlink: error: {obj}: Segmentation fault: write of 4 bytes "
                            f"at unmapped address 0x0 by ")
    assert "(store+0x" in first
    frames = _frames(result.stderr)
    assert rest == frames, result.stderr
    if name != "native":  # emulated, the frames go on through glibc's start-up
        assert [re.search(r" in (\w+)\+", f).group(1) for f in frames[3:]] == [  # type: ignore[union-attr]
            "__libc_start_call_main", "__libc_start_main", "_start"], result.stderr
        frames = frames[:3]
    assert len(frames) == 3, result.stderr
    assert re.match(rf"  #0 0x[0-9a-f]+ in store\+0x[0-9a-f]+ \({re.escape(obj)}\) at "
                    rf"crash.c:{_line('FAULT:')}$", frames[0])
    assert re.match(rf"  #1 0x[0-9a-f]+ in middle\+0x[0-9a-f]+ \({re.escape(obj)}\) at "
                    rf"crash.c:{_call_line('middle', 'store')}$", frames[1])
    assert re.match(rf"  #2 0x[0-9a-f]+ in main\+0x[0-9a-f]+ \({re.escape(obj)}\) at "
                    rf"crash.c:{_call_line('main', 'middle')}$", frames[2])
    assert "Traceback" not in result.stderr
    if name == "native":  # the process dies of the signal itself, as the program would
        assert result.returncode == -signal.SIGSEGV
    else:
        assert result.returncode == _expected_rc("segv") == 139


UNWIND_CASES = [
    # -O2 without frame pointers: only the CFI (.eh_frame) describes the frames.
    ("x86_64-O2-cfi", "gcc", ["-O2", "-fno-inline", "-fno-optimize-sibling-calls"], ()),
    ("x86_64-O2-cfi-emulated", "gcc", ["-O2", "-fno-inline", "-fno-optimize-sibling-calls"],
     ("-emulate",)),
    ("aarch64-O2-cfi", "aarch64-linux-gnu-gcc",
     ["-O2", "-fno-inline", "-fno-optimize-sibling-calls"], ()),
    # No unwind tables at all: the frame-pointer chain (rbp) instead.
    ("x86_64-O0-frame-pointers", "gcc",
     ["-O0", "-fno-asynchronous-unwind-tables", "-fno-unwind-tables"], ()),
]


@pytest.mark.parametrize("name,cc,flags,options", UNWIND_CASES, ids=[c[0] for c in UNWIND_CASES])
def test_backtrace_through_optimized_code_and_without_unwind_tables(
        tmp_path: Path, name: str, cc: str, flags: list[str], options: tuple[str, ...]) -> None:
    compiler = shutil.which(cc)
    assert compiler is not None, f"{cc} is needed"
    obj = tmp_path / "crash.o"
    subprocess.run([compiler, "-g", *flags, "-c", "crash.c", "-o", str(obj)],
                   cwd=CRASH / "src", check=True)
    result = _run(*options, str(obj), "-args", "crash")
    frames = _frames(result.stderr)
    names = [re.search(r" in (\w+)", f).group(1) for f in frames]  # type: ignore[union-attr]
    if names[3:] == ["__libc_start_call_main", "__libc_start_main", "_start"]:
        names = names[:3]  # emulated: then glibc's start-up
    assert names == ["store", "middle", "main"], result.stderr
    assert frames[0].endswith(f"at crash.c:{_line('FAULT:')}")
    assert frames[1].endswith(f"at crash.c:{_call_line('middle', 'store')}")


def test_native_crash_exit_status_in_a_shell_is_139() -> None:
    result = subprocess.run(["sh", "-c", f"ulimit -c 0; {sys.executable} -m pyjitlink {X86} "
                                         f"-args crash; echo status=$?"],
                            cwd=CRASH, capture_output=True, text=True, timeout=120)
    assert f"status={_expected_rc('segv')}" in result.stdout


@pytest.mark.parametrize("name,obj,options", FAULT_CASES, ids=[c[0] for c in FAULT_CASES])
def test_abort_names_the_c_function_and_its_callers(name: str, obj: str,
                                                    options: tuple[str, ...]) -> None:
    result = _run(*options, obj, "-args", "crash", "abort")
    frames = _frames(result.stderr)
    names = [m.group(1) if (m := re.search(r" in ([\w.]+)\+", f)) else "" for f in frames]
    if name == "native":
        assert result.stderr.splitlines()[0].startswith(
            f"pyjitlink: error: {obj}: Aborted (in 'abort' called from check+0x")
        assert "C library function 'abort'" in frames[0]
        assert names[1:] == ["check", "middle", "main"]
    else:
        # Emulated, abort is the target glibc's own: its raise, then the program's frames,
        # then glibc's start-up.
        assert re.match(r"pyjitlink: error: \S+\(pthread_kill\.o\): Aborted$",
                        result.stderr.splitlines()[0]), result.stderr
        at = names.index("abort")
        assert names[at:at + 4] == ["abort", "check", "middle", "main"]
        assert names[-1] == "_start"
        frames = frames[at:]
    assert frames[1].endswith(f"at crash.c:{_line('abort();')}")
    expected = -signal.SIGABRT if name == "native" else _expected_rc("abort")
    assert result.returncode == expected


@pytest.mark.parametrize("options", [(), ("-emulate",)], ids=["native", "emulated"])
def test_integer_division_by_zero(options: tuple[str, ...]) -> None:
    result = _run(*options, X86, "-args", "crash", "fpe")
    assert result.stderr.startswith(f"pyjitlink: error: {X86}: Floating point exception: "
                                    f"integer division error by 'idiv ")
    frames = _frames(result.stderr)
    assert frames[0].endswith(f"at crash.c:{_line('value / by')}")
    assert result.returncode in (-signal.SIGFPE, _expected_rc("fpe"))


def test_faults_outside_jit_code_go_to_the_previous_handler() -> None:
    """Once the handler is installed, a fault in the interpreter (here ctypes reading NULL)
    is not reported as the program's: Python's faulthandler, installed before, reports it."""
    script = (f"import ctypes, pyjitlink\n"
              f"s = pyjitlink.Session()\n"
              f"s.add_object(s.main_jd, open({str(CRASH / X86)!r}, 'rb').read(), 'crash.o')\n"
              f"s.function('divide', ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int, "
              f"ctypes.c_int))(6, 3)\n"
              f"ctypes.string_at(0)\n")
    result = subprocess.run([sys.executable, "-X", "faulthandler", "-c", script],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == -signal.SIGSEGV
    assert "Fatal Python error: Segmentation fault" in result.stderr
    assert "pyjitlink: error" not in result.stderr


# ---------------------------------------------------------------- -timeout, -max-instructions


def test_native_timeout_ends_a_spin_loop_with_124() -> None:
    started = time.monotonic()
    result = _run("-timeout", "2", X86, "-args", "crash", "spin", timeout=60)
    elapsed = time.monotonic() - started
    assert result.returncode == 124
    assert 2 <= elapsed < 10
    assert result.stderr.startswith(f"pyjitlink: error: {X86}: timed out after 2 seconds at ")
    frames = _frames(result.stderr)
    assert " in spin" in frames[0] and frames[0].endswith(f"at crash.c:{_line('sink++')}")


def test_native_max_instructions_is_refused() -> None:
    result = _run("-max-instructions", "1000", X86)
    assert result.returncode == 1
    assert result.stderr == ("pyjitlink: error: -max-instructions: -max-instructions needs an "
                             "emulated run (-emulate): native code runs uncounted\n")


# ---------------------------------------------------------------- debug objects


def test_debug_object_lines_match_addr2line() -> None:
    """The relocated debug object's line table at a chosen .text address gives what
    addr2line says for the same offset in the relocatable object."""
    from pyjitlink.formats.elf_debug import LineTable, relocate_debug_object

    addr2line = shutil.which("addr2line")
    assert addr2line is not None, "addr2line (binutils) is needed"
    for obj in (X86, A64):
        data = (CRASH / obj).read_bytes()
        base = 0x5000000
        table = LineTable(relocate_debug_object(data, {1: base}))  # section 1 is .text
        offsets = list(range(0, 0x100, 4))
        expected = subprocess.run([addr2line, "-e", str(CRASH / obj)] +
                                  [hex(o) for o in offsets], capture_output=True, text=True,
                                  check=True).stdout.splitlines()
        for offset, want in zip(offsets, expected):
            found = table.lookup(base + offset)
            got = f"{os.path.basename(found[0])}:{found[1]}" if found else "??:0"
            assert got == re.sub(r" \(discriminator \d+\)", "", os.path.basename(want)), \
                (obj, hex(offset))


def test_gdb_jit_registration_and_removal() -> None:
    """Each linked object is in the descriptor's list as an ELF whose .text sh_addr is where
    the code landed; remove() takes it out."""
    script = f"""
import ctypes, struct, pyjitlink
from pyjitlink.executors.gdb_jit import GDBJITInterface
s = pyjitlink.Session()
t = s.main_jd.create_resource_tracker()
s.add_object(s.main_jd, open({str(CRASH / X86)!r}, 'rb').read(), 'crash.o', t)
store = s.lookup('store')
gdb = GDBJITInterface.get()
(address, size), = gdb.registered()
image = ctypes.string_at(address, size)
shoff, = struct.unpack_from('<Q', image, 0x28)
text_addr, = struct.unpack_from('<Q', image, shoff + 64 + 0x10)
print(text_addr == store, gdb.descriptor.version, image[:4] == b'\\x7fELF')
s.remove(t)
print(gdb.registered())
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120)
    assert result.stdout == "True 1 True\n[]\n", result.stderr


GDB = shutil.which("gdb")


def _gdb(*commands: str, args: list[str]) -> str:
    assert GDB is not None, "gdb is needed (Debian package gdb; .ci/run installs it)"
    argv = [GDB, "-nx", "-batch", "-ex", "set breakpoint pending on",
            "-ex", "set auto-load safe-path /nonexistent"]
    for command in commands:
        argv += ["-ex", command]
    result = subprocess.run(argv + ["--args", sys.executable, *args], cwd=CRASH,
                            capture_output=True, text=True, timeout=300,
                            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    return result.stdout + result.stderr


def test_gdb_breaks_on_a_jit_function_by_name_and_shows_its_source() -> None:
    output = _gdb("break store", "run", "bt 3",
                  args=["-m", "pyjitlink", X86, "-args", "crash", "ok"])
    assert "Breakpoint 1, store (where=" in output, output
    assert re.search(rf"^#0  store \(.*\) at crash.c:{_line('FAULT:')}$", output, re.M), output
    assert re.search(rf"^#1  0x[0-9a-f]+ in middle \(.*\) at crash.c:"
                     rf"{_call_line('middle', 'store')}$", output, re.M), output
    assert re.search(r"^#2  0x[0-9a-f]+ in main \(", output, re.M), output


def test_gdb_breaks_at_a_source_line_of_jit_code() -> None:
    line = _line("FAULT:")
    output = _gdb(f"break crash.c:{line}", "run", "bt 2",
                  args=["-m", "pyjitlink", X86, "-args", "crash", "ok"])
    assert re.search(rf"^Breakpoint 1, store \(.*\) at crash.c:{line}$", output, re.M), output
    assert re.search(r"^#1  0x[0-9a-f]+ in middle \(", output, re.M), output


def test_gdb_forgets_removed_code() -> None:
    script = f"""
import os, signal, pyjitlink
signal.signal(signal.SIGUSR1, lambda *a: None)
s = pyjitlink.Session()
t = s.main_jd.create_resource_tracker()
s.add_object(s.main_jd, open({str(CRASH / X86)!r}, 'rb').read(), 'crash.o', t)
s.lookup('store')
os.kill(os.getpid(), signal.SIGUSR1)
s.remove(t)
os.kill(os.getpid(), signal.SIGUSR1)
"""
    output = _gdb("run", "info line store", "continue", "info line store",
                  args=["-c", script])
    signal_stop = "Program received signal SIGUSR1"
    assert output.count(signal_stop) == 2, output
    before, after = output.split(signal_stop)[1:]
    assert re.search(r'Line \d+ of "crash.c" starts at address', before), output
    assert 'Function "store" not defined' in after, output


def test_debugger_support_can_be_turned_off() -> None:
    output = _gdb("break store", "run", args=["-m", "pyjitlink", "-debugger-support=false",
                                               X86, "-args", "crash", "ok"])
    assert "Breakpoint 1, store" not in output and "ok 42" in output, output


# ---------------------------------------------------------------- perf


def _symbol_addresses(text: str) -> dict[str, int]:
    found = {}
    for name, address in re.findall(r'"(\w+)" target addr = (0x[0-9a-f]+)', text):
        found[name] = int(address, 16)
    return found


def test_perf_map_and_jitdump(tmp_path: Path) -> None:
    result = _run("-perf-support", "-show-addrs", X86, "-args", "crash", "ok",
                  env={**os.environ, "JITDUMPDIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    pid = next(int(p.name[4:-5]) for p in tmp_path.glob("jit-*.dump"))
    addresses = _symbol_addresses(result.stdout)
    perf_map = Path(f"/tmp/perf-{pid}.map")
    try:
        entries = {}
        for line in perf_map.read_text().splitlines():
            start, size, name = line.split(" ", 2)
            entries[name] = (int(start, 16), int(size, 16))
    finally:
        perf_map.unlink()
    functions = {"store", "check", "divide", "spin", "middle", "main"}
    assert set(entries) == functions
    for name in functions:
        assert entries[name][0] == addresses[name]
    # Sizes from the object's symbol table (readelf's oracle: st_size).
    readelf = subprocess.run(["readelf", "-sW", str(CRASH / X86)], capture_output=True,
                             text=True, check=True).stdout
    sizes = {f[7]: int(f[2]) for f in (line.split() for line in readelf.splitlines())
             if len(f) == 8 and f[3] == "FUNC"}
    assert {n: s for n, (_, s) in entries.items()} == sizes
    dump = (tmp_path / f"jit-{pid}.dump").read_bytes()
    magic, version, header_size, machine, _, dump_pid = struct.unpack_from("<6I", dump)
    assert (magic, version, header_size, machine, dump_pid) == (0x4A695444, 1, 40, 62, pid)
    at, loads = 40, {}
    while at < len(dump):
        kind, total = struct.unpack_from("<II", dump, at)
        if kind == 0:  # JIT_CODE_LOAD
            vma, code_addr, code_size = struct.unpack_from("<QQQ", dump, at + 24)
            name_end = dump.index(b"\0", at + 56)
            name = dump[at + 56:name_end].decode()
            code = dump[name_end + 1:at + total]
            assert len(code) == code_size == entries[name][1] and vma == code_addr
            loads[name] = vma
        at += total
    assert loads == {n: entries[n][0] for n in functions}


def test_perf_support_is_refused_emulated() -> None:
    result = _run("-perf-support", A64)
    assert result.returncode == 1
    assert result.stderr.startswith("pyjitlink: error: -perf-support: -perf-support needs a "
                                    "native run")


# ---------------------------------------------------------------- -write-symtab


def test_write_symtab_and_symbolicate(tmp_path: Path) -> None:
    table = tmp_path / "symtab"
    result = _run("-write-symtab", str(table), "-show-addrs", "-noexec", X86)
    assert result.returncode == 0, result.stderr
    addresses = _symbol_addresses(result.stdout)
    rows = table.read_text().splitlines()
    assert rows[0] == f'"{X86}"'
    written = dict((name, int(address, 16)) for address, name in
                   (row.split(" ", 1) for row in rows[1:]))
    for name in ("store", "middle", "main", "sink"):
        assert written[name] == addresses[name]
    trace = (f"frame one {addresses['middle'] + 0x10:#x}\n"
             f"  bare {addresses['store']:x}\n"
             f"not an address zz\n"
             f"far 0x{addresses['main'] + (1 << 32):x}\n")
    result = _run("-symbolicate-with", str(table), input=trace)
    assert result.stdout == (f"frame one {addresses['middle'] + 0x10:#x} middle + 16 ({X86})\n"
                             f"  bare {addresses['store']:x} store ({X86})\n"
                             f"not an address zz\n"
                             f"far 0x{addresses['main'] + (1 << 32):x}\n"
                             f"\n")
    trace_file = tmp_path / "trace"
    trace_file.write_text(f"#0 {addresses['main']:#x}")
    result = _run("-symbolicate-with", str(table), str(trace_file))
    assert result.stdout == f"#0 {addresses['main']:#x} main ({X86})\n"


def test_symbolicate_with_a_missing_table() -> None:
    result = _run("-symbolicate-with", "/nonexistent/table", input="")
    assert result.returncode == 1
    assert result.stderr == ("pyjitlink: error: /nonexistent/table: No such file or "
                             "directory\n")


def test_alternate_stack_survives_a_stack_overflow(tmp_path: Path) -> None:
    """Unbounded recursion in JIT'd code: the handler runs on its own stack and reports."""
    gcc = shutil.which("gcc")
    assert gcc is not None
    src = tmp_path / "deep.c"
    src.write_text("int deep(int n) { volatile char pad[256]; pad[0] = n; "
                   "return deep(n + 1) + pad[0]; }\n"
                   "int main(void) { return deep(0); }\n")
    subprocess.run([gcc, "-O0", "-c", str(src), "-o", str(tmp_path / "deep.o")], check=True)
    result = subprocess.run([sys.executable, "-m", "pyjitlink", str(tmp_path / "deep.o")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == -signal.SIGSEGV
    assert "Segmentation fault" in result.stderr and " in deep" in result.stderr
