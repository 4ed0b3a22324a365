#!/usr/bin/env python3
"""Benchmark pyjitlink against llvm-jitlink.

    python bench/run.py [--reps 10] [--quick] [--inputs lua,calc,...] [--json FILE]
    python bench/run.py --profile

Times ``pyjitlink -version`` against ``python -c pass`` (start-up), and
``pyjitlink -noexec OBJS`` (link only) and ``pyjitlink OBJS -args ARG``
(link and run) on

* lua      Lua 5.4 from the lupa sdist (33 objects), ``lua bench.lua``
* calc     testdata/calc/O2-pie/*.o, ``-args inputs/basic.calc`` (only with --inputs)
* gen100   the generated 100-object / 2,000-function program (bench/gen_program.py)
* gen1000  the generated 1,000-object program (not with --quick)

and the same with every llvm-jitlink found on PATH or where Debian installs
it (llvm-jitlink-19, llvm-jitlink-14, llvm-jitlink).  Each command is first checked once against
the gcc-linked executable (stdout, stderr and exit code must be identical);
a reference tool that fails is reported as n/a.  Each timed run is a fresh
process; wall time is measured around fork/exec/wait and peak RSS comes
from os.wait4()'s rusage for that one child.  Repetitions are interleaved
across commands so slow drift affects every tool alike.

Generated programs and the gcc-linked references live in bench/out/
(gitignored).  Stdlib only; needs gcc to generate the programs.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
TESTDATA = ROOT / "testdata"
DEFAULT_OUT = BENCH / "out"
# What every pyjitlink command imports before linking (driver imports lazily).
STARTUP_IMPORTS = "import pyjitlink.tool.cli, pyjitlink.tool.driver"
REFERENCE_TOOLS = ("llvm-jitlink-19", "llvm-jitlink-14", "llvm-jitlink")
# Where Debian/Ubuntu's llvm-19 / llvm-14 packages install the tool (not on PATH).
REFERENCE_PATHS = ("/usr/lib/llvm-19/bin/llvm-jitlink", "/usr/lib/llvm-14/bin/llvm-jitlink")
LUPA_VERSION = "2.8"
# Lua 5.4's library and interpreter (lua.c: main) from the lupa sdist: 33 objects.
LUA_SOURCES = (
    "lapi", "lauxlib", "lbaselib", "lcode", "lcorolib", "lctype", "ldblib", "ldebug", "ldo",
    "ldump", "lfunc", "lgc", "linit", "liolib", "llex", "lmathlib", "lmem", "loadlib",
    "lobject", "lopcodes", "loslib", "lparser", "lstate", "lstring", "lstrlib", "ltable",
    "ltablib", "ltm", "lua", "lundump", "lutf8lib", "lvm", "lzio",
)
LUA_SCRIPT = """\
-- bench/run.py: a small Lua program (closures, tables, strings, sort, string.format)
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
local t = {}
for i = 1, 200 do t[i] = (i * 7919) % 1009 end
table.sort(t)
local words = {}
for w in ("the quick brown fox jumps over the lazy dog"):gmatch("%a+") do
  words[#words + 1] = w:upper()
end
print(string.format("fib(20)=%d min=%d max=%d sum=%d", fib(20), t[1], t[#t],
  (function() local s = 0 for _, v in ipairs(t) do s = s + v end return s end)()))
print(table.concat(words, ","), #words, math.floor(math.pi * 1000))
"""

sys.path.insert(0, str(BENCH))
import gen_program  # noqa: E402


# --------------------------------------------------------------------------- inputs

@dataclass
class Input:
    name: str
    cwd: Path
    objects: list[str]            # paths relative to cwd
    args: list[str]               # program arguments (after -args)
    reference_exe: Path | None    # gcc-linked executable
    description: str
    glob: str                     # shell form of `objects`, for printing
    relocations: int | None = None
    object_bytes: int = 0
    expected: tuple[bytes, bytes, int] | None = None   # stdout, stderr, rc
    exe_args: list[str] | None = None   # reference_exe's arguments, if not `args`


def gcc_link(objs: list[Path], out: Path, ldflags: list[str]) -> Path | None:
    if shutil.which("gcc") is None:
        return None
    out.parent.mkdir(parents=True, exist_ok=True)
    res = subprocess.run(["gcc", "-o", str(out), *map(str, objs), *ldflags],
                         capture_output=True, text=True)
    if res.returncode != 0:
        print(f"warning: gcc link of {out} failed: {res.stderr.strip()}", file=sys.stderr)
        return None
    return out


def calc_input(outdir: Path) -> Input:
    cwd = TESTDATA / "calc"
    flavour = "O2-pie"
    objs = sorted((cwd / flavour).glob("*.o"))
    ldflags = ["-pie", "-lm"]
    cf = cwd / flavour / "cflags"
    if cf.exists():
        for line in cf.read_text().splitlines():
            if line.startswith("ldflags:"):
                ldflags = line.split(":", 1)[1].split()
    exe = gcc_link(objs, outdir / f"calc-{flavour}" / "prog", ldflags)
    inp = Input("calc", cwd, [str(o.relative_to(cwd)) for o in objs], ["inputs/basic.calc"],
                exe, f"testdata/calc/{flavour} ({len(objs)} objects)", f"{flavour}/*.o")
    if exe is None:  # fall back to the committed expected output
        exp = cwd / "expected"
        inp.expected = ((exp / "basic.stdout").read_bytes(), (exp / "basic.stderr").read_bytes(),
                        int((exp / "basic.rc").read_text()))
    return inp


def extract_lua_sources(sdist: Path, src: Path,
                        edit: Callable[[str, bytes], bytes] | None = None) -> None:
    """Write the lupa sdist's third-party/lua54 *.c and *.h files into ``src`` (made if
    missing), each through ``edit(file name, bytes)`` when given."""
    import tarfile

    src.mkdir(parents=True, exist_ok=True)
    with tarfile.open(sdist) as tar:
        for member in tar.getmembers():
            parts = member.name.split("/")
            if len(parts) == 4 and parts[1:3] == ["third-party", "lua54"] and \
                    member.isfile() and parts[3].endswith((".c", ".h")):
                extracted = tar.extractfile(member)
                assert extracted is not None  # a regular file
                text = extracted.read()
                (src / parts[3]).write_bytes(edit(parts[3], text) if edit else text)

def lupa_sdist(outdir: Path) -> Path:
    """The lupa sdist (it carries Lua 5.4's sources), downloaded once with pip into
    outdir/lupa; a lupa-*.tar.gz already there is used as is."""
    d = outdir / "lupa"
    found = sorted(d.glob("lupa-*.tar.gz"))
    if found:
        return found[-1]
    d.mkdir(parents=True, exist_ok=True)
    # pip download of an sdist prepares its metadata, which builds lupa's build
    # requirements (Cython) from source: minutes on a slow machine.
    print(f"downloading the lupa {LUPA_VERSION} sdist (pip download) ...", flush=True)
    res = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary",
                          ":all:", f"lupa=={LUPA_VERSION}", "-d", str(d)])
    found = sorted(d.glob("lupa-*.tar.gz"))
    if res.returncode != 0 or not found:
        raise SystemExit(f"could not download the lupa sdist into {d} (put lupa-*.tar.gz "
                         f"there by hand, e.g. from https://pypi.org/project/lupa/#files)")
    return found[-1]


def lua_input(outdir: Path, jobs: int) -> Input:
    """Lua 5.4 (lupa's third-party/lua54): 33 objects gcc -O2 -c, running a small script."""
    from concurrent.futures import ThreadPoolExecutor

    d = outdir / "lua54"
    objs = [f"{n}.o" for n in LUA_SOURCES]
    stamp = d / "built-hidden"  # objects built with the luaconf.h patch below
    if not all((d / o).exists() for o in objs) or not (d / "prog").exists() or \
            not stamp.exists():
        src = d / "src"

        def hidden(name: str, text: bytes) -> bytes:
            if name == "luaconf.h":
                # LUAI_FUNC marks Lua's internal functions STV_INTERNAL, which
                # llvm-jitlink rejects ("Unrecognized symbol visibility 1");
                # hidden is the same for a static link.
                return text.replace(b'visibility("internal")', b'visibility("hidden")')
            return text

        extract_lua_sources(lupa_sdist(outdir), src, hidden)
        print(f"{d}: compiling {len(LUA_SOURCES)} Lua files with gcc -O2", flush=True)

        def cc(n: str) -> subprocess.CompletedProcess:
            return subprocess.run(["gcc", "-O2", "-std=gnu99", "-DLUA_USE_POSIX", "-c",
                                   str(src / f"{n}.c"), "-o", str(d / f"{n}.o")],
                                  capture_output=True, text=True)

        with ThreadPoolExecutor(max(1, jobs)) as pool:
            for n, res in zip(LUA_SOURCES, pool.map(cc, LUA_SOURCES)):
                if res.returncode != 0:
                    raise SystemExit(f"gcc failed on {n}.c: {res.stderr.strip()}")
        if gcc_link([d / o for o in objs], d / "prog", ["-lm"]) is None:
            raise SystemExit("gcc link of Lua failed")
        stamp.write_text("")
    (d / "bench.lua").write_text(LUA_SCRIPT)
    # -args' first word is the program's argv[0] (as llvm-jitlink's).
    inp = Input("lua", d, objs, ["lua", "bench.lua"], d / "prog",
                f"Lua 5.4 from the lupa {LUPA_VERSION} sdist ({len(objs)} objects, gcc -O2)",
                "*.o")
    inp.exe_args = ["bench.lua"]
    return inp


def install_pyjitlink(outdir: Path) -> Path:
    """A regular (non-editable) install of this checkout in outdir/install, byte-compiled.

    An editable install in an environment with PYTHONDONTWRITEBYTECODE=1 compiles every
    module from source on every run; an installed package has its .pyc files."""
    target = outdir / "install"
    if target.exists():
        shutil.rmtree(target)
    res = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                          "--target", str(target), str(ROOT)],
                         capture_output=True, text=True)
    if res.returncode != 0:
        raise SystemExit(f"pip install --target {target} failed:\n{res.stderr}")
    res = subprocess.run([sys.executable, "-m", "compileall", "-q", str(target / "pyjitlink")],
                         capture_output=True, text=True)
    if res.returncode != 0:
        raise SystemExit(f"compileall failed:\n{res.stdout}{res.stderr}")
    return target


def generated_input(name: str, outdir: Path, objects: int, functions: int, seed: int,
                    depth: int, jobs: int) -> Input:
    d = outdir / f"gen-{objects}x{functions}-s{seed}"
    gen_program.build(d, objects, functions, seed, "gcc", ["-O1"], jobs, force=False,
                      quiet=False)
    objs = sorted(p.name for p in d.glob("*.o"))
    return Input(name, d, objs, [str(depth)], d / "prog",
                 f"generated: {objects} objects, {functions} functions, gcc -O1", "*.o")


def count_relocations(inp: Input) -> int | None:
    paths = [str(inp.cwd / o) for o in inp.objects]
    if shutil.which("readelf"):
        total = 0
        for i in range(0, len(paths), 200):
            res = subprocess.run(["readelf", "-rW", *paths[i:i + 200]], capture_output=True,
                                 text=True)
            if res.returncode != 0:
                break
            total += sum(1 for line in res.stdout.splitlines() if " R_X86_64_" in line)
        else:
            return total
    try:
        from elftools.elf.elffile import ELFFile
        from elftools.elf.relocation import RelocationSection
    except ImportError:
        return None
    total = 0
    for p in paths:
        with open(p, "rb") as f:
            for sec in ELFFile(f).iter_sections():
                if isinstance(sec, RelocationSection):
                    total += sec.num_relocations()
    return total


# --------------------------------------------------------------------------- tools

@dataclass
class Tool:
    name: str
    argv: list[str]
    version: str = ""

    @property
    def is_reference(self) -> bool:
        return self.name != "pyjitlink"

    def command(self, inp: Input, mode: str, extra: list[str] = (), shell: bool = False
                ) -> list[str]:
        objs = [inp.glob] if shell else inp.objects
        if mode == "noexec":
            return [*self.argv, "-noexec", *objs, *extra]
        return [*self.argv, *objs, *extra, "-args", *inp.args]


ATEXIT_SHIM = """\
/* bench/run.py: atexit() for llvm-jitlink, which resolves against the process's
   exported symbols; glibc's atexit lives in libc_nonshared.a, not libc.so. */
int __cxa_atexit(void (*)(void *), void *, void *);
int atexit(void (*f)(void)) { return __cxa_atexit((void (*)(void *))f, 0, 0); }
"""


def atexit_shim(outdir: Path) -> Path | None:
    obj = outdir / "shim" / "atexit_shim.o"
    if obj.exists():
        return obj
    if shutil.which("gcc") is None:
        return None
    obj.parent.mkdir(parents=True, exist_ok=True)
    src = obj.with_suffix(".c")
    src.write_text(ATEXIT_SHIM)
    res = subprocess.run(["gcc", "-O1", "-c", str(src), "-o", str(obj)], capture_output=True)
    return obj if res.returncode == 0 else None


def find_tools(pyjitlink_cmd: str | None, want_refs: bool) -> list[Tool]:
    if pyjitlink_cmd:
        py = pyjitlink_cmd.split()
    elif shutil.which("pyjitlink"):
        py = [shutil.which("pyjitlink")]
    else:
        py = [sys.executable, "-m", "pyjitlink"]
    tools = [Tool("pyjitlink", py)]
    seen = set()
    if want_refs:
        candidates = [(name, shutil.which(name)) for name in REFERENCE_TOOLS]
        candidates += [(f"llvm-jitlink-{p.split('/')[3].split('-')[1]}", p)
                       for p in REFERENCE_PATHS if os.access(p, os.X_OK)]
        for name, path in candidates:
            if path is None:
                continue
            real = os.path.realpath(path)
            if real in seen:
                continue
            seen.add(real)
            tools.append(Tool(name, [path]))
    for t in tools:
        try:
            res = subprocess.run([*t.argv, "--version"], capture_output=True, text=True,
                                 timeout=60)
            lines = [x.strip() for x in (res.stdout + res.stderr).splitlines() if x.strip()]
            t.version = next((x for x in lines if "version" in x.lower()), lines[0] if lines
                             else "?")
        except (OSError, subprocess.TimeoutExpired):
            t.version = "?"
    return tools


# --------------------------------------------------------------------------- measuring

def run_capture(cmd: list[str], cwd: Path, timeout: float = 600) -> tuple[bytes, bytes, int]:
    res = subprocess.run(cmd, cwd=cwd, capture_output=True, timeout=timeout)
    return res.stdout, res.stderr, res.returncode


def measure(cmd: list[str], cwd: Path) -> tuple[float, float, float, int]:
    """Run cmd once as a fresh child; return (wall seconds, CPU seconds (user + system),
    peak RSS MiB, exit code).  CPU time suffers less than wall time from other load on
    the machine (it still grows with cache and frequency effects)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    t1 = time.perf_counter()
    p.returncode = os.waitstatus_to_exitcode(status)
    # Linux reports ru_maxrss in KiB.
    return t1 - t0, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024.0, p.returncode


def first_error_line(stderr: bytes) -> str:
    lines = [x for x in stderr.decode(errors="replace").splitlines() if x.strip()]
    for x in lines:
        if "error" in x.lower() or "not found" in x.lower():
            return x.strip()
    return lines[0].strip() if lines else "(no stderr)"


def describe_mismatch(got: tuple[bytes, bytes, int], want: tuple[bytes, bytes, int]) -> str:
    parts = []
    for label, g, w in (("stdout", got[0], want[0]), ("stderr", got[1], want[1])):
        if g != w:
            gl, wl = g.splitlines(), w.splitlines()
            i = next((i for i, (a, b) in enumerate(zip(gl, wl)) if a != b), min(len(gl), len(wl)))
            ga = gl[i].decode(errors="replace") if i < len(gl) else "<eof>"
            wa = wl[i].decode(errors="replace") if i < len(wl) else "<eof>"
            parts.append(f"{label} differs at line {i + 1}: got {ga[:70]!r}, "
                         f"want {wa[:70]!r}")
    if got[2] != want[2]:
        parts.append(f"exit code {got[2]}, want {want[2]}")
    return "; ".join(parts)


@dataclass
class Row:
    input: str
    tool: str
    mode: str
    cmd: list[str]
    ok: bool = True
    note: str = ""
    times: list[float] = field(default_factory=list)   # seconds
    cpu: list[float] = field(default_factory=list)     # seconds, user + system
    rss: list[float] = field(default_factory=list)     # MiB
    ratio: dict[str, float] = field(default_factory=dict)       # median wall / ref's
    cpu_ratio: dict[str, float] = field(default_factory=dict)   # median CPU / ref's
    rss_ratio: dict[str, float] = field(default_factory=dict)   # peak RSS / ref's
    shell: str = ""          # printable form of cmd
    shim: bool = False       # an atexit shim object was added (reference tools only)

    @property
    def median_ms(self) -> float | None:
        return statistics.median(self.times) * 1e3 if self.times else None

    @property
    def cpu_ms(self) -> float | None:
        return statistics.median(self.cpu) * 1e3 if self.cpu else None

    @property
    def min_ms(self) -> float | None:
        return min(self.times) * 1e3 if self.times else None

    @property
    def peak_rss(self) -> float | None:
        return max(self.rss) if self.rss else None


def check_row(row: Row, inp: Input, reference: bool) -> None:
    """Run row.cmd once; set row.ok / row.note.  `run` rows must reproduce inp.expected."""
    want = inp.expected
    try:
        got = run_capture(row.cmd, inp.cwd)
    except subprocess.TimeoutExpired:
        got = (b"", b"timeout", -1)
    row.ok, row.note = True, ""
    if row.mode == "noexec":
        if got[2] != 0:
            row.ok, row.note = False, first_error_line(got[1])
    elif got != want:
        row.ok = False
        if reference and got[2] != want[2] and got[1] != want[1]:
            row.note = first_error_line(got[1])
        else:
            row.note = "OUTPUT MISMATCH: " + describe_mismatch(got, want)


def verify(inp: Input, tools: list[Tool], outdir: Path) -> list[Row]:
    """Check every tool once on inp; return one Row per (tool, mode), ok or n/a."""
    if inp.expected is None:
        if inp.reference_exe is None:
            raise SystemExit(f"{inp.name}: no reference executable and no expected output")
        # argv[0] of the gcc-linked program is the program path; the programs only
        # read argv[argc - 1], like under -args.
        args = inp.args if inp.exe_args is None else inp.exe_args
        inp.expected = run_capture([str(inp.reference_exe), *args], inp.cwd)
    rows = []
    for tool in tools:
        for mode in ("noexec", "run"):
            row = Row(inp.name, tool.name, mode, tool.command(inp, mode))
            row.shell = " ".join(tool.command(inp, mode, shell=True))
            check_row(row, inp, tool.is_reference)
            if tool.is_reference and not row.ok and "atexit" in row.note:
                # llvm-jitlink resolves against libc.so's exports, which lack atexit.
                # Retry with a one-function shim so that at least the link is timed.
                shim = atexit_shim(outdir)
                if shim is not None:
                    first = row.note
                    row.cmd = tool.command(inp, mode, [str(shim)])
                    row.shell = " ".join(tool.command(inp, mode, [str(shim)], shell=True))
                    check_row(row, inp, True)
                    row.shim = True
                    row.note = (f"{first}; with atexit shim: "
                                + ("ok" if row.ok else row.note))
            rows.append(row)
            status = "ok" if row.ok else ("n/a" if tool.is_reference else "FAIL")
            extra = f": {row.note}" if row.note else ""
            print(f"  verify {inp.name:8} {tool.name:16} {mode:7} {status}{extra}", flush=True)
    return rows


def show_times(inp: Input, tool: Tool) -> None:
    """Print pyjitlink's own phase times (-show-times), if it supports them."""
    try:
        res = subprocess.run([*tool.argv, "-noexec", "-show-times", *inp.objects], cwd=inp.cwd,
                             capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired:
        return
    text = (res.stdout + res.stderr).rstrip()
    if res.returncode == 0 and text:
        print(f"  {inp.name}: pyjitlink -noexec -show-times:")
        for line in text.splitlines():
            print(f"    {line}")


def time_rows(rows: list[Row], cwd_of: dict[str, Path], reps: int, warmup: int) -> None:
    live = [r for r in rows if r.ok]
    for _ in range(warmup):
        for r in live:
            measure(r.cmd, cwd_of[r.input])
    for rep in range(reps):
        for r in live:
            t, cpu, rss, rc = measure(r.cmd, cwd_of[r.input])
            if rc != 0:  # every benchmark input exits 0 (checked by verify)
                r.ok = False
                r.note = f"exit code {rc} during timing (rep {rep + 1})"
                continue
            r.times.append(t)
            r.cpu.append(cpu)
            r.rss.append(rss)
        print(f"  rep {rep + 1}/{reps} done", flush=True)


def compute_ratios(rows: list[Row]) -> None:
    by_key = {(r.input, r.tool, r.mode): r for r in rows}
    for r in rows:
        if r.tool != "pyjitlink" or r.median_ms is None:
            continue
        for (inp, tool, mode), ref in by_key.items():
            if inp == r.input and mode == r.mode and tool != "pyjitlink" and ref.median_ms:
                r.ratio[tool] = r.median_ms / ref.median_ms
                if ref.cpu_ms and r.cpu_ms is not None:
                    r.cpu_ratio[tool] = r.cpu_ms / ref.cpu_ms
                if ref.peak_rss and r.peak_rss is not None:
                    r.rss_ratio[tool] = r.peak_rss / ref.peak_rss


def fmt(x: float | None, nd: int = 1) -> str:
    return "n/a" if x is None else f"{x:.{nd}f}"


def print_table(rows: list[Row], ref_names: list[str]) -> None:
    hdr = ["input", "tool", "mode", "median ms", "min ms", "CPU ms", "peak RSS MiB"]
    for n in ref_names:
        hdr += [f"pyj/{n}", "cpu", "rss"]
    table = [hdr]
    for r in rows:
        mode = r.mode + ("*" if r.shim and r.ok else "")
        line = [r.input, r.tool, mode, fmt(r.median_ms), fmt(r.min_ms), fmt(r.cpu_ms),
                fmt(r.peak_rss)]
        for n in ref_names:
            for ratios in (r.ratio, r.cpu_ratio, r.rss_ratio):
                line.append(f"{ratios[n]:.2f}x" if n in ratios else "")
        table.append(line)
    widths = [max(len(row[i]) for row in table) for i in range(len(hdr))]
    left = {0, 1, 2}
    for i, row in enumerate(table):
        cells = [c.ljust(widths[j]) if j in left else c.rjust(widths[j]) for j, c in enumerate(row)]
        print("  ".join(cells).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))
    notes = [r for r in rows if r.note]
    if notes:
        print()
        if any(r.shim and r.ok for r in rows):
            print("*: with bench's atexit shim object added (see notes)")
        for r in notes:
            print(f"note: {r.input} {r.tool} {r.mode}: {r.note}")


# --------------------------------------------------------------------------- profile

def _short(filename: str) -> str:
    """Make a profile file name readable: repo-relative or package-relative."""
    if filename.startswith(str(ROOT) + os.sep):
        return filename[len(str(ROOT)) + 1:]
    for marker in ("site-packages" + os.sep, os.sep + "install" + os.sep):
        i = filename.rfind(marker)
        if i >= 0:
            return filename[i + len(marker):].lstrip(os.sep)
    m = re.search(r"/lib/python3\.\d+/", filename)
    if m:
        return "stdlib/" + filename[m.end():]
    return filename


def _func_label(func: tuple[str, int, str]) -> str:
    filename, line, name = func
    if filename == "~":
        return name                                   # built-in, e.g. {method 'append' ...}
    return f"{_short(filename)}:{line}({name})"


def print_profile(prof: Path, top: int) -> None:
    import pstats

    st = pstats.Stats(str(prof))
    total = st.total_tt
    entries = []  # (label, ncalls, tottime, cumtime, file)
    for func, (cc, nc, tt, ct, _callers) in st.stats.items():
        calls = f"{nc}" if nc == cc else f"{nc}/{cc}"
        entries.append((_func_label(func), calls, tt, ct, func[0]))

    def table(rows, title):
        print(f"\n===== {title} =====")
        print(f"{'ncalls':>12} {'tottime s':>10} {'cumtime s':>10} {'cum %':>6}  function")
        for label, calls, tt, ct, _ in rows:
            print(f"{calls:>12} {tt:>10.3f} {ct:>10.3f} {100 * ct / total:>5.1f}%  {label}")

    pkg = os.sep + "pyjitlink" + os.sep   # this checkout's package or an installed copy
    own = [e for e in entries if pkg in e[4]
           and not e[4].endswith(("__main__.py", os.sep + "cli.py", os.sep + "entry.py"))]
    table(sorted(own, key=lambda e: -e[3])[:top],
          f"top {top} pyjitlink functions by cumulative time (of {total:.3f} s profiled)")
    table(sorted(entries, key=lambda e: -e[2])[:top],
          f"top {top} functions by total (own) time, all code")
    by_file: dict[str, float] = {}
    for _label, _calls, tt, _ct, filename in entries:
        key = _short(filename) if filename != "~" else "(built-ins)"
        by_file[key] = by_file.get(key, 0.0) + tt
    print("\n===== own time by file (top 15) =====")
    for key, tt in sorted(by_file.items(), key=lambda kv: -kv[1])[:15]:
        print(f"{tt:>10.3f} s {100 * tt / total:>5.1f}%  {key}")


# cProfile with a CPU-time timer (time.process_time): on a loaded machine the default
# wall-clock timer charges other processes' time to whatever function was running.
PROFILE_SCRIPT = """\
import cProfile, sys, time
out = sys.argv[1]
sys.argv = ["pyjitlink", *sys.argv[2:]]
from pyjitlink.tool.entry import main
prof = cProfile.Profile(time.process_time)
try:
    prof.runcall(main)
except SystemExit as exc:
    if exc.code:
        raise
prof.dump_stats(out)
"""


def profile(inp: Input, outdir: Path, top: int) -> None:
    prof = outdir / f"profile-{inp.name}-noexec.prof"
    outdir.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-c", PROFILE_SCRIPT, str(prof), "-noexec", *inp.objects]
    shown = [sys.executable, "-c", "'<cProfile.Profile(time.process_time) of pyjitlink>'",
             str(prof), "-noexec", inp.glob]
    print(f"$ cd {inp.cwd} && {' '.join(shown)}")
    t0 = time.perf_counter()
    res = subprocess.run(cmd, cwd=inp.cwd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if res.returncode != 0 or not prof.exists():
        sys.stderr.write(res.stdout + res.stderr)
        raise SystemExit("profiling run failed")
    print(f"profiled run: {wall * 1e3:.0f} ms wall (with profiler overhead); CPU-time "
          f"profile saved to {prof}")
    print_profile(prof, top)


# --------------------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n\n", 1)[1])
    ap.add_argument("--reps", type=int, default=10, help="timed repetitions (default 10)")
    ap.add_argument("--warmup", type=int, default=1, help="untimed runs per command (default 1)")
    ap.add_argument("--big", action="store_true",
                    help="(the default now) also the 1,000-object program")
    ap.add_argument("--quick", action="store_true", help="without the 1,000-object program")
    ap.add_argument("--big-functions", type=int, default=20000,
                    help="functions in the --big program (default 20000)")
    ap.add_argument("--objects", type=int, default=100, help="objects of gen100 (default 100)")
    ap.add_argument("--functions", type=int, default=2000,
                    help="functions of gen100 (default 2000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--depth", type=int, default=3,
                    help="argument (call depth) for the generated programs (default 3)")
    ap.add_argument("--inputs", default=None,
                    help="comma-separated subset of lua,calc,gen100,gen1000")
    ap.add_argument("--no-ref", action="store_true", help="skip the llvm-jitlink tools")
    ap.add_argument("--no-startup", action="store_true",
                    help="skip the python start-up floor row")
    ap.add_argument("--pyjitlink", default=None,
                    help="pyjitlink command (default: python -m pyjitlink from a fresh "
                         "non-editable install of this checkout in OUTDIR/install)")
    ap.add_argument("--outdir", type=Path, default=DEFAULT_OUT,
                    help="where generated programs go (default bench/out)")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1,
                    help="parallel gcc jobs when generating")
    ap.add_argument("--json", type=Path, default=None, help="write results to this JSON file")
    ap.add_argument("--profile", action="store_true",
                    help="instead of timing, profile pyjitlink -noexec on gen100 with cProfile")
    ap.add_argument("--profile-input", default="gen100", help="input for --profile")
    ap.add_argument("--top", type=int, default=25, help="entries per profile listing")
    args = ap.parse_args(argv)
    outdir = args.outdir.resolve()

    names = ["lua", "gen100"] + ([] if args.quick else ["gen1000"])
    if args.inputs:
        names = [n.strip() for n in args.inputs.split(",") if n.strip()]
    if args.profile:
        names = [args.profile_input]

    inputs: list[Input] = []
    for n in names:
        if n == "calc":
            inputs.append(calc_input(outdir))
        elif n == "lua":
            inputs.append(lua_input(outdir, args.jobs))
        elif n == "gen100":
            inputs.append(generated_input(n, outdir, args.objects, args.functions, args.seed,
                                          args.depth, args.jobs))
        elif n == "gen1000":
            inputs.append(generated_input(n, outdir, 1000, args.big_functions, args.seed,
                                          args.depth, args.jobs))
        else:
            raise SystemExit(f"unknown input {n!r}")

    if args.profile:
        profile(inputs[0], outdir, args.top)
        return 0

    pyjitlink_cmd = args.pyjitlink
    if pyjitlink_cmd is None:
        target = install_pyjitlink(outdir)
        # Children (pyjitlink, and python -c pass alike) import this install first.
        os.environ["PYTHONPATH"] = str(target)
        pyjitlink_cmd = f"{sys.executable} -m pyjitlink"
        print(f"installed this checkout (non-editable, byte-compiled) in {target}")
    tools = find_tools(pyjitlink_cmd, not args.no_ref)
    print("tools:")
    for t in tools:
        print(f"  {t.name:16} {' '.join(t.argv)}  ({t.version})")
    print("inputs:")
    for inp in inputs:
        inp.relocations = count_relocations(inp)
        inp.object_bytes = sum((inp.cwd / o).stat().st_size for o in inp.objects)
        print(f"  {inp.name:8} {inp.description}; {len(inp.objects)} .o, "
              f"{inp.object_bytes / 1024:.0f} KiB, {inp.relocations} relocations; "
              f"cwd {inp.cwd}; args {' '.join(inp.args)}")

    print("verifying (output must equal the gcc-linked executable's):")
    rows: list[Row] = []
    for inp in inputs:
        rows += verify(inp, tools, outdir)
    for inp in inputs:
        show_times(inp, tools[0])
    bad = [r for r in rows if r.tool == "pyjitlink" and not r.ok]

    if not args.no_startup:
        # Start-up: pyjitlink -version against a bare interpreter and llvm-jitlink --version;
        # the import floor of a link (interpreter + the link path's imports) for reference.
        start = [Row("startup", "python", "startup", [sys.executable, "-c", "pass"])]
        start += [Row("startup", t.name, "startup",
                      [*t.argv, "-version" if t.name == "pyjitlink" else "--version"])
                  for t in tools]
        floor = Row("startup", "imports", "startup", [sys.executable, "-c", STARTUP_IMPORTS])
        floor.note = f"python -c '{STARTUP_IMPORTS}': interpreter + a link's imports"
        start.append(floor)
        for r in start:
            r.shell = r.shell or " ".join(r.cmd)
        rows[:0] = start
    print(f"timing: {args.reps} reps, {args.warmup} warm-up, interleaved")
    cwd_of = {inp.name: inp.cwd for inp in inputs}
    cwd_of["startup"] = ROOT
    time_rows(rows, cwd_of, args.reps, args.warmup)
    compute_ratios(rows)

    ref_names = [t.name for t in tools if t.is_reference]
    if not args.no_startup:
        ref_names.append("python")
    print()
    print_table(rows, ref_names)
    print("\ncommands (cwd = input directory):")
    if os.environ.get("PYTHONPATH"):
        print(f"  PYTHONPATH={os.environ['PYTHONPATH']}")
    for r in rows:
        if r.input == "startup":
            print(f"  startup: {r.shell}")
    for inp in inputs:
        print(f"  {inp.name}: cd {inp.cwd}")
        for r in rows:
            if r.input == inp.name:
                print(f"    {r.shell}")

    if args.json:
        data = {
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "host": {"machine": platform.machine(), "python": platform.python_version(),
                     "cpus": os.cpu_count(), "platform": platform.platform()},
            "git": subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
                                  capture_output=True, text=True).stdout.strip(),
            "reps": args.reps, "warmup": args.warmup,
            "tools": [{"name": t.name, "argv": t.argv, "version": t.version} for t in tools],
            "inputs": [{"name": i.name, "description": i.description, "cwd": str(i.cwd),
                        "objects": len(i.objects), "object_bytes": i.object_bytes,
                        "relocations": i.relocations, "args": i.args} for i in inputs],
            "results": [{"input": r.input, "tool": r.tool, "mode": r.mode, "ok": r.ok,
                         "note": r.note, "median_ms": r.median_ms, "min_ms": r.min_ms,
                         "peak_rss_mib": r.peak_rss, "times_ms": [t * 1e3 for t in r.times],
                         "cpu_ms": [t * 1e3 for t in r.cpu], "cpu_median_ms": r.cpu_ms,
                         "rss_mib": r.rss, "ratio_vs": r.ratio, "cpu_ratio_vs": r.cpu_ratio,
                         "rss_ratio_vs": r.rss_ratio, "command": r.shell,
                         "atexit_shim": r.shim}
                        for r in rows],
        }
        args.json.write_text(json.dumps(data, indent=1) + "\n")
        print(f"\nwrote {args.json}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
