#!/usr/bin/env python3
"""Emulated AArch64 (pyjitlink, Unicorn) against qemu-aarch64 on the same objects.

    python bench/emulation.py [--reps N] [--programs lua-fib,dsbench,...] [--libc target]
        [--variant NAME:VAR=VALUE ...]

Every program is compiled once with ``aarch64-linux-gnu-gcc`` into ``bench/out/emu/NAME/``;
qemu runs the ``-static`` link of those objects, pyjitlink links and runs the objects
themselves (``-libc=target``, the only C library since ``-libc=python``, pyjitlink's C
library in Python, was removed: the target's glibc on the emulated Linux system-call layer).
Each command's output must equal qemu's once (verification run), then the commands are
timed alternately (qemu, target, qemu, ...) ``--reps`` times as fresh processes; the table
gives median wall and CPU
(user + system of the child) seconds, each pyjitlink/qemu ratio (CPU time: the machine is
shared, so wall time includes waiting for a core) and the geometric mean of the ratios.

pyjitlink is timed as users run it: a regular install of this checkout, byte-compiled
(run.py's ``install_pyjitlink``, in ``bench/out/install``), with ``PYTHONDONTWRITEBYTECODE``
unset. ``--pyjitlink-path DIR`` times another installed copy (for A/B of two builds);
``--variant NAME:VAR=VALUE`` times the same install again with an environment variable set,
in the same alternation (e.g. ``unpatched:PYJITLINK_UNICORN_PATCH=0``).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tarfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import run  # noqa: E402

TESTDATA = run.TESTDATA
CC = "aarch64-linux-gnu-gcc"
QEMU = "qemu-aarch64"

# Recursive fib: n chosen so qemu takes over a second on this machine.
LUA_FIB = """\
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
print(fib(tonumber(arg[1]) or 30))
"""
# A table- and string-heavy Lua script (allocation, hashing, string building, sort).
LUA_TABLES = """\
local n = tonumber(arg[1]) or 200000
local t, words = {}, {}
for i = 1, n do t[i] = (i * 7919) % 100003 end
table.sort(t)
local counts = {}
for i = 1, n do
  local k = "k" .. (t[i] % 5000)
  counts[k] = (counts[k] or 0) + 1
end
local parts = {}
for k, v in pairs(counts) do parts[#parts + 1] = k .. "=" .. v end
table.sort(parts)
local s = table.concat(parts, ",")
for w in s:gmatch("k(%d+)=") do words[#words + 1] = tonumber(w) end
print(#parts, #s, #words, t[1], t[n], string.format("%.3f", #s / #parts))
"""
DRIVERS = BENCH / "emu"  # driver mains, Lua and JS scripts (committed)
SDISTS = {  # PyPI sdists that carry self-contained C, downloaded once with pip
    "brotli": "brotli==1.2.1", "zstandard": "zstandard==0.25.0", "lz4": "lz4==4.4.5",
    "zopfli": "zopfli==0.4.3", "xxhash": "xxhash==4.1.0", "quickjs": "quickjs==1.19.4",
    "cmarkgfm": "cmarkgfm==2025.10.22", "sqlean-py": "sqlean-py==3.50.4.5"}
WORDS = ("the", "of", "and", "to", "in", "is", "that", "for", "it", "as", "with", "was", "on",
         "be", "by", "this", "are", "from", "at", "or", "an", "which", "have", "not", "had",
         "one", "were", "all", "their", "there", "been", "if", "more", "when", "will", "would",
         "who", "so", "linker", "symbol", "section", "relocation", "graph", "emulated",
         "memory", "thread", "signal", "program", "address", "value", "table", "string",
         "number", "function", "object", "archive", "library", "runtime")


@dataclass
class Program:
    name: str
    cwd: Path
    objects: list[str]   # relative to cwd
    args: list[str]      # argv, argv[0] first
    exe: Path            # the -static link, run under qemu
    libcs: tuple[str, ...] = ("target",)
    times: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)


def object_name(src: Path, sources: list[Path]) -> str:
    """``src``'s object: its stem, with its directory's name before it where two sources
    share a stem (brotli's dec/ and enc/ both have static_init.c)."""
    same = sum(1 for other in sources if other.stem == src.stem)
    return f"{src.parent.name}-{src.stem}.o" if same > 1 else f"{src.stem}.o"


def compile_all(sources: list[Path], outdir: Path, cflags: list[str], jobs: int = 2
                ) -> list[str]:
    outdir.mkdir(parents=True, exist_ok=True)

    def cc(src: Path) -> tuple[Path, subprocess.CompletedProcess]:
        obj = outdir / object_name(src, sources)
        return obj, subprocess.run([CC, *cflags, "-c", str(src), "-o", str(obj)],
                                   capture_output=True, text=True)

    objs = []
    with ThreadPoolExecutor(jobs) as pool:
        for obj, res in pool.map(cc, sources):
            if res.returncode:
                raise SystemExit(f"{CC} failed on {obj.stem}.c: {res.stderr.strip()}")
            objs.append(obj.name)
    return objs


def static_link(d: Path, objs: list[str], libs: list[str]) -> Path:
    exe = d.resolve() / "prog"
    subprocess.run([CC, "-static", "-o", str(exe), *objs, *libs], cwd=d, check=True)
    return exe


def lua_programs(outdir: Path) -> list[Program]:
    d = outdir / "emu" / "lua54"
    objs = [f"{n}.o" for n in run.LUA_SOURCES]
    if not (d / "prog").exists():
        src = d / "src"
        run.extract_lua_sources(run.lupa_sdist(outdir), src)
        print(f"{d}: compiling Lua with {CC} -O2", flush=True)
        compile_all([src / f"{n}.c" for n in run.LUA_SOURCES], d,
                    ["-O2", "-std=gnu99", "-DLUA_USE_POSIX"])
        static_link(d, objs, ["-lm"])
    (d / "fib.lua").write_text(LUA_FIB)
    (d / "tables.lua").write_text(LUA_TABLES)
    exe = d / "prog"
    return [Program("lua-fib", d, objs, ["lua", "fib.lua", "32"], exe),
            Program("lua-tables", d, objs, ["lua", "tables.lua", "200000"], exe),
            Program("lua-strings", d, objs, ["lua", str(DRIVERS / "strings.lua"), "50000"], exe),
            Program("lua-closures", d, objs, ["lua", str(DRIVERS / "closures.lua"), "40000"],
                    exe),
            Program("lua-sort", d, objs, ["lua", str(DRIVERS / "sort.lua"), "20000"], exe)]


def testdata_programs(outdir: Path) -> list[Program]:
    """testdata's own AArch64 programs (objects as committed), with bigger inputs."""
    out = []
    for name, flavour, args in (("dsbench", "a64-O2-pie", ["dsbench", "50000"]),
                                ("calc", "a64-O2-pie", ["calc", "big.calc"]),
                                ("textstat", "a64-O2-pie", ["textstat", "big.txt"])):
        cwd = TESTDATA / name
        objs = sorted(str(p.relative_to(cwd)) for p in (cwd / flavour).glob("*.o"))
        d = outdir / "emu" / name
        d.mkdir(parents=True, exist_ok=True)
        exe = d / "prog"
        if not exe.exists():
            subprocess.run([CC, "-static", "-o", str(exe), *objs, "-lm"], cwd=cwd, check=True)
        prog = Program(name, cwd, objs, args, exe)
        if name == "calc":
            script = d / "big.calc"
            if not script.exists():
                base = (cwd / "inputs" / "basic.calc").read_text()
                script.write_text(base * 300)
            prog.args = ["calc", str(script)]
        if name == "textstat":
            text = d / "big.txt"
            if not text.exists():
                text.write_text((cwd / "inputs" / "prose.txt").read_text() * 15000)
            prog.args = ["textstat", str(text)]
        out.append(prog)
    return out


def corpus(path: Path, size: int, markdown: bool = False) -> Path:
    """Deterministic English-like text of about ``size`` bytes (an LCG over WORDS); with
    ``markdown``, in headings, paragraphs with emphasis and links, lists, tables and code."""
    if path.exists():
        return path
    seed, out, total, para = 12345, [], 0, 0

    def rnd(m: int) -> int:
        nonlocal seed
        seed = (seed * 1103515245 + 12345) % (1 << 31)
        return seed % m

    while total < size:
        words = [WORDS[rnd(len(WORDS))] for _ in range(8 + rnd(60))]
        if markdown:
            para += 1
            kind = para % 6
            if kind == 0:
                text = "## " + " ".join(words[:6]).title()
            elif kind == 1:
                text = "\n".join(f"- {w} *{words[(i + 1) % len(words)]}* `{i}`"
                                 for i, w in enumerate(words[:8]))
            elif kind == 2:
                text = "| a | b | c |\n|---|:-:|--:|\n" + "\n".join(
                    f"| {w} | **{i}** | {len(w)} |" for i, w in enumerate(words[:6]))
            elif kind == 3:
                text = "```\n" + "\n".join(words[:5]) + "\n```"
            else:
                words[rnd(len(words))] = f"[{words[0]}](https://example.org/{rnd(999)})"
                words[rnd(len(words))] = f"**{words[1]}**"
                text = " ".join(words) + "."
        else:
            text = " ".join(words).capitalize() + "."
        out.append(text + "\n\n")
        total += len(text) + 2
    path.write_text("".join(out))
    return path


def sdist(outdir: Path, name: str) -> Path:
    """``name``'s sdist from PyPI (pip download, once) unpacked in outdir/emu/src; the
    unpacked directory."""
    d = outdir / "emu" / "src"
    d.mkdir(parents=True, exist_ok=True)
    spec = SDISTS[name]
    project, version = spec.split("==")
    stem = f"{project.replace('-', '_')}-{version}"
    unpacked = d / stem
    if unpacked.exists():
        return unpacked
    archive = next(d.glob(f"{stem}.tar.gz"), None) or next(
        d.glob(f"{project}-{version}.tar.gz"), None)
    if archive is None:
        print(f"pip download {spec}", flush=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary",
                        project, "-d", str(d), spec], check=True, capture_output=True)
        archive = next(d.glob(f"{stem}.tar.gz"), None) or next(
            d.glob(f"{project}-{version}.tar.gz"))
    with tarfile.open(archive) as tar:
        tar.extractall(d, filter="data")
    return unpacked


def c_program(outdir: Path, name: str, sources: list[Path], cflags: list[str],
              libs: list[str] = ()) -> tuple[Path, list[str], Path]:
    """Compile ``sources`` into outdir/emu/NAME (once) and link the -static build; the
    directory, its objects and the executable."""
    d = outdir / "emu" / name
    exe = d / "prog"
    objs = [object_name(src, sources) for src in sources]
    if not exe.exists():
        print(f"{d}: compiling {len(sources)} files with {CC} -O2", flush=True)
        compile_all(sources, d, ["-O2", *cflags])
        static_link(d, objs, list(libs))
    return d, objs, exe


def sdist_programs(outdir: Path) -> list[Program]:
    """Real C programs and libraries from PyPI sdists, each with a driver from bench/emu
    where the sdist carries no main."""
    text = corpus(outdir / "emu" / "corpus.txt", 1 << 20)
    mid = corpus(outdir / "emu" / "corpus-384k.txt", 384 << 10)
    small = corpus(outdir / "emu" / "corpus-96k.txt", 96 << 10)
    markdown = corpus(outdir / "emu" / "corpus.md", 2 << 20, markdown=True)
    out = []
    inc = ["-I", str(DRIVERS)]

    src = sdist(outdir, "brotli") / "c"
    files = sorted([*(src / "common").glob("*.c"), *(src / "dec").glob("*.c"),
                    *(src / "enc").glob("*.c"), src / "tools" / "brotli.c"])
    d, objs, exe = c_program(outdir, "brotli", files, ["-I", str(src / "include")], ["-lm"])
    out.append(Program("brotli", d, objs, ["brotli", "-c", "-q", "10", str(mid)], exe))

    src = sdist(outdir, "zstandard") / "zstd"
    d, objs, exe = c_program(outdir, "zstd", [src / "zstd.c", DRIVERS / "zstd_bench.c"],
                             ["-I", str(src), *inc])
    out.append(Program("zstd", d, objs, ["zstd", str(text), "0", "3", "19"], exe))
    # The same with two worker threads: the emulated process's thread scheduler at work.
    out.append(Program("zstd-mt", d, objs, ["zstd", str(text), "2", "3", "19"], exe))

    src = sdist(outdir, "lz4") / "lz4libs"
    d, objs, exe = c_program(outdir, "lz4", [*sorted(src.glob("*.c")),
                                             DRIVERS / "lz4_bench.c"], ["-I", str(src), *inc])
    out.append(Program("lz4", d, objs, ["lz4", str(text), "2", "9", "12"], exe))

    src = sdist(outdir, "zopfli") / "zopfli" / "src" / "zopfli"
    d, objs, exe = c_program(outdir, "zopfli", [*sorted(src.glob("*.c")),
                                                DRIVERS / "zopfli_bench.c"],
                             ["-I", str(src), *inc], ["-lm"])
    out.append(Program("zopfli", d, objs, ["zopfli", str(small), "5"], exe))

    src = sdist(outdir, "xxhash") / "deps" / "xxhash"
    d, objs, exe = c_program(outdir, "xxhash", [src / "xxhash.c", DRIVERS / "xxhash_bench.c"],
                             ["-I", str(src), *inc])
    out.append(Program("xxhash", d, objs, ["xxhash", str(text), "800"], exe))

    src = sdist(outdir, "quickjs") / "upstream-quickjs"
    version = (src / "VERSION").read_text().strip()
    d, objs, exe = c_program(
        outdir, "quickjs", [src / f"{n}.c" for n in ("quickjs", "libregexp", "libunicode",
                                                     "cutils")] + [DRIVERS / "quickjs_bench.c"],
        ["-I", str(src), *inc, "-D_GNU_SOURCE", f"-DCONFIG_VERSION=\"{version}\""], ["-lm"])
    out.append(Program("quickjs", d, objs, ["qjs", str(DRIVERS / "bench.js"), "20000"], exe))

    root = sdist(outdir, "cmarkgfm")
    src, ext = root / "third_party" / "cmark" / "src", root / "third_party" / "cmark" / "extensions"
    d, objs, exe = c_program(
        outdir, "cmark-gfm", sorted([*src.glob("*.c"), *ext.glob("*.c")]),
        ["-I", str(src), "-I", str(ext), "-I", str(root / "generated" / "unix"),
         "-DCMARK_GFM_STATIC_DEFINE", "-DCMARK_GFM_EXTENSIONS_STATIC_DEFINE"])
    out.append(Program("cmark-gfm", d, objs,
                       ["cmark-gfm", "-e", "table", "-e", "strikethrough", "-e", "autolink",
                        "-e", "tasklist", "--to", "html", str(markdown), str(markdown)], exe))

    src = sdist(outdir, "sqlean-py") / "sqlite"
    amalgamation = outdir / "emu" / "src" / "sqlite3.c"
    if not amalgamation.exists():  # sqlite's own amalgamation, without sqlean's hook
        whole = (src / "sqlite3.c").read_text(errors="surrogateescape")
        end = "/************************** End of sqlite3.c ******************************/"
        amalgamation.write_text(whole[:whole.index(end) + len(end)] + "\n",
                                errors="surrogateescape")
    d, objs, exe = c_program(outdir, "sqlite", [amalgamation, src / "shell.c"],
                             ["-I", str(src), "-DSQLITE_THREADSAFE=0",
                              "-DSQLITE_OMIT_LOAD_EXTENSION"], ["-lm"])
    sql = (DRIVERS / "bench.sql").read_text()
    out.append(Program("sqlite", d, objs, ["sqlite3", ":memory:", sql], exe))
    return out


PROGRAMS = {"lua": lua_programs, "testdata": testdata_programs,
            "sdist": sdist_programs}


def commands(prog: Program, pyj: list[str], variants: dict[str, dict[str, str]] | None = None
             ) -> dict[str, tuple[list[str], dict[str, str]]]:
    """Each timed command by column: qemu's, then pyjitlink's per C library, then the same
    again per ``variants`` entry (column ``LIBC/NAME``, run with its environment)."""
    cmds = {"qemu": ([QEMU, str(prog.exe), *prog.args[1:]], {})}
    for libc in prog.libcs:
        libs = ["-lm"] if libc == "target" else []  # -libc=python has libm built in
        cmd = [*pyj, f"-libc={libc}", *prog.objects, *libs, "-args", *prog.args]
        cmds[libc] = (cmd, {})
        for name, env in (variants or {}).items():
            cmds[f"{libc}/{name}"] = (cmd, env)
    return cmds


def parse_variant(text: str) -> tuple[str, dict[str, str]]:
    """``NAME:VAR=VALUE[,VAR=VALUE...]`` -> (NAME, environment)."""
    name, _, assignments = text.partition(":")
    env = dict(item.split("=", 1) for item in assignments.split(",") if item)
    if not name or not env:
        raise SystemExit(f"--variant {text!r}: expected NAME:VAR=VALUE[,VAR=VALUE...]")
    return name, env


def measure(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float, int]:
    import time
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    return time.perf_counter() - t0, ru.ru_utime + ru.ru_stime, os.waitstatus_to_exitcode(
        status)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--programs", default="", help="comma-separated names (default: all)")
    ap.add_argument("--libc", default="target",
                    help="target (the target's glibc; -libc=python was removed)")
    ap.add_argument("--skip", default="",
                    help="comma-separated PROGRAM:LIBC pairs not to run (e.g. calc:python)")
    ap.add_argument("--out", type=Path, default=run.DEFAULT_OUT)
    ap.add_argument("--pyjitlink-path", type=Path, default=None,
                    help="an installed pyjitlink to time (default: install this checkout)")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--variant", action="append", default=[], metavar="NAME:VAR=VALUE",
                    help="also time pyjitlink with these environment variables, as column "
                         "LIBC/NAME (e.g. unpatched:PYJITLINK_UNICORN_PATCH=0); repeatable")
    args = ap.parse_args(argv)
    variants = dict(map(parse_variant, args.variant))
    outdir = args.out.resolve()
    programs = [p for make in PROGRAMS.values() for p in make(outdir)]
    if args.programs:
        wanted = args.programs.split(",")
        programs = [p for p in programs if p.name in wanted]
    libcs = tuple(args.libc.split(","))
    skip = {tuple(pair.split(":", 1)) for pair in args.skip.split(",") if pair}
    for p in programs:
        p.libcs = tuple(libc for libc in libcs if (p.name, libc) not in skip)
    path = args.pyjitlink_path or run.install_pyjitlink(outdir)
    env = dict(os.environ, PYTHONPATH=str(path))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    pyj = [sys.executable, "-m", "pyjitlink"]
    qemu_version = subprocess.run([QEMU, "--version"], capture_output=True, text=True)
    print(f"pyjitlink from {path}; {qemu_version.stdout.splitlines()[0]}")
    # Verify: every command's stdout and status equal qemu's.
    for p in programs:
        cmds = commands(p, pyj, variants)
        want = subprocess.run(cmds["qemu"][0], cwd=p.cwd, capture_output=True, env=env)
        for key, (cmd, extra) in cmds.items():
            if key == "qemu":
                continue
            got = subprocess.run(cmd, cwd=p.cwd, capture_output=True, env={**env, **extra})
            if (got.stdout, got.returncode) != (want.stdout, want.returncode):
                err = got.stderr.decode(errors="replace").strip().splitlines()
                p.skipped[key] = (err[-1] if err else f"output differs (rc {got.returncode})")
                print(f"{p.name} -libc={key}: differs from qemu: {p.skipped[key]}")
    # Time, alternating.
    for rep in range(args.reps):
        for p in programs:
            for key, (cmd, extra) in commands(p, pyj, variants).items():
                if key in p.skipped:
                    continue
                wall, cpu, rc = measure(cmd, p.cwd, {**env, **extra})
                p.times.setdefault(key, []).append((wall, cpu))
        print(f"rep {rep + 1}/{args.reps} done", flush=True)
    print()
    libcs = tuple(key for libc in libcs for key in (libc, *(f"{libc}/{n}" for n in variants)))
    for p in programs:
        p.libcs = tuple(key for libc in p.libcs for key in (libc, *(f"{libc}/{n}"
                                                                     for n in variants)))
    print(f"{'program':12} {'qemu wall':>9} {'qemu cpu':>9} | " + " | ".join(
        f"{'-libc=' + libc:>14} {'wall':>6} {'cpu':>6} {'ratio':>6}" for libc in libcs))
    ratios: dict[str, list[float]] = {libc: [] for libc in libcs}
    results = []
    for p in programs:
        q = p.times["qemu"]
        qw, qc = statistics.median(t[0] for t in q), statistics.median(t[1] for t in q)
        row = f"{p.name:12} {qw:9.2f} {qc:9.2f} | "
        cells = []
        entry = {"name": p.name, "args": p.args, "qemu": q}
        for libc in libcs:
            if libc in p.skipped or libc not in p.libcs:
                cells.append(f"{'':>14} {'n/a':>6} {'':>6} {'':>6}")
                continue
            t = p.times[libc]
            w, c = statistics.median(x[0] for x in t), statistics.median(x[1] for x in t)
            ratio = c / qc
            ratios[libc].append(ratio)
            entry[libc] = t
            cells.append(f"{'':>14} {w:6.2f} {c:6.2f} {ratio:5.1f}x")
        results.append(entry)
        print(row + " | ".join(cells))
    for libc in libcs:
        r = ratios[libc]
        if r:
            geo = math.exp(sum(map(math.log, r)) / len(r))
            print(f"-libc={libc}: geometric mean of CPU-time ratios {geo:.2f}x over {len(r)} "
                  f"programs (max {max(r):.1f}x)")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
