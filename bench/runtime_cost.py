#!/usr/bin/env python3
"""What the target's C runtime costs: testdata's programs emulated with -libc=python and
-libc=target, CPU time of each, and the ratio.

    python bench/runtime_cost.py [--reps N] [--programs calc,dsbench,...] [--json FILE]
    python bench/runtime_cost.py --members     # how many archive members each run links

Issue 15 asks that the emulated run of each real program costs no more with the target's
own C runtime (``-libc=target``: crt1.o, libc.a, libm.a, libgcc.a, libgcc_eh.a and, for C++,
libstdc++.a linked into the emulated process) than it did with pyjitlink's C library in
Python (``-libc=python``). The programs are testdata's own AArch64 ones with the inputs of
their ``runs.txt`` (small: these runs are dominated by fixed costs, which is what this
measures; ``bench/emulation.py`` has long-running inputs). Each command's stdout and exit
status are first checked once against ``testdata/<prog>/expected/``; then the two commands of
every program are timed alternately, ``--reps`` times, each a fresh process; the table gives
the median CPU time (user + system of the child, from ``os.wait4``) and the median wall
time of each, and target/python of the CPU medians.

pyjitlink is timed as users run it: a regular install of this checkout, byte-compiled
(bench/run.py's ``install_pyjitlink``), with ``PYTHONDONTWRITEBYTECODE`` unset;
``--pyjitlink-path DIR`` times another installed copy. ``-libc=python`` was removed from
pyjitlink once the target's runtime became the default, so its runs use an install of the
last revision that had it (``--python-libc-rev``, default 6862b24; ``git archive`` of this
repository, installed the same way into ``OUT/install-python-libc``).
``--members`` runs each program once with ``-show-linked-files`` and counts the runtime
archive members linked per archive.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import run  # noqa: E402

TESTDATA = run.TESTDATA
LIBCS = ("python", "target")
PYTHON_LIBC_REV = "6862b24ee5ea41cb6b69bee536276f1abec6c010"  # the last with -libc=python


def install_revision(rev: str, outdir: Path) -> Path:
    """A regular, byte-compiled install of revision ``rev`` of this repository in
    outdir/install-python-libc (reused when it is already that revision)."""
    target = outdir / "install-python-libc"
    stamp = target / ".revision"
    if stamp.exists() and stamp.read_text() == rev:
        return target
    source = outdir / "python-libc-src"
    for d in (target, source):
        if d.exists():
            shutil.rmtree(d)
    source.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(run.ROOT), "archive", rev],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(source)], input=archive, check=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--target", str(target), str(source)], check=True)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(target / "pyjitlink")],
                   check=True, capture_output=True)
    stamp.write_text(rev)
    return target


@dataclass
class Program:
    name: str      # shown in the table: program/flavour:run
    cwd: Path
    objects: list[str]
    args: list[str]  # argv, argv[0] first
    expected: Path   # testdata/<prog>/expected/<run>: .stdout and .rc beside it
    times: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    broken: dict[str, str] = field(default_factory=dict)


# (program, flavour, run name from runs.txt): ELF PIC and non-PIC builds, and a Mach-O one
# (which -libc=target runs on glibc through the Darwin layer).
DEFAULT_RUNS = (
    ("calc", "a64-O2-pic", "basic"),
    ("calc", "a64-O0-nopic", "basic"),
    ("dsbench", "a64-O2-pic", "medium"),
    ("dsbench", "a64-O2-pie", "small"),
    ("textstat", "a64-O2-pic", "prose"),
    ("textstat", "a64-O2-nopic", "source"),
    ("calc", "macho-a64-O2", "basic"),
)


def programs() -> list[Program]:
    out = []
    for prog, flavour, run_name in DEFAULT_RUNS:
        cwd = TESTDATA / prog
        runs = dict(line.split(None, 1) for line in (cwd / "runs.txt").read_text().splitlines()
                    if line.strip())
        objects = sorted(str(p.relative_to(cwd)) for p in (cwd / flavour).glob("*.o"))
        out.append(Program(f"{prog}/{flavour}:{run_name}", cwd, objects,
                           [prog, *runs[run_name].split()], cwd / "expected" / run_name))
    return out


def command(prog: Program, pyj: list[str], libc: str, *extra: str) -> list[str]:
    return [*pyj, f"-libc={libc}", *extra, *prog.objects, "-args", *prog.args]


def measure(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds: user + system of the child)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(p.pid, 0)
    return time.perf_counter() - t0, usage.ru_utime + usage.ru_stime


def count_members(progs: list[Program], pyj: list[str], env: dict[str, str]) -> None:
    member = re.compile(r"(lib[\w+-]*\.a)\(")
    for p in progs:
        res = subprocess.run(command(p, pyj, "target", "-show-linked-files"), cwd=p.cwd,
                             env=env, capture_output=True, text=True)
        counts = collections.Counter(m.group(1) for m in member.finditer(res.stdout))
        detail = ", ".join(f"{n} {a}" for a, n in sorted(counts.items()))
        print(f"{p.name:32} {sum(counts.values()):4d} members ({detail})")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--programs", default="",
                    help="comma-separated program names or name prefixes (default: all)")
    ap.add_argument("--out", type=Path, default=run.DEFAULT_OUT)
    ap.add_argument("--pyjitlink-path", type=Path, default=None,
                    help="an installed pyjitlink to time (default: install this checkout)")
    ap.add_argument("--python-libc-rev", default=PYTHON_LIBC_REV,
                    help="the pyjitlink revision whose -libc=python is timed")
    ap.add_argument("--members", action="store_true",
                    help="count the runtime archive members each program links, then stop")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    progs = programs()
    if args.programs:
        wanted = args.programs.split(",")
        progs = [p for p in progs if any(p.name.startswith(w) for w in wanted)]
    path = (args.pyjitlink_path or run.install_pyjitlink(args.out)).resolve()
    env = dict(os.environ, PYTHONPATH=str(path))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    old = install_revision(args.python_libc_rev, args.out.resolve())
    envs = {"target": env, "python": dict(env, PYTHONPATH=str(old))}
    print(f"-libc=python from {old} (revision {args.python_libc_rev[:12]})")
    pyj = [sys.executable, "-m", "pyjitlink"]
    print(f"pyjitlink from {path}")
    if args.members:
        count_members(progs, pyj, envs["target"])
        return 0
    for p in progs:  # verify once (this also fills the runtime path cache)
        want_out = p.expected.with_suffix(".stdout").read_bytes()
        want_rc = int(p.expected.with_suffix(".rc").read_text())
        for libc in LIBCS:
            got = subprocess.run(command(p, pyj, libc), cwd=p.cwd, env=envs[libc],
                                 capture_output=True)
            if (got.stdout, got.returncode) != (want_out, want_rc):
                err = got.stderr.decode(errors="replace").strip().splitlines()
                p.broken[libc] = err[-1] if err else f"output differs (rc {got.returncode})"
                print(f"{p.name} -libc={libc}: not as expected: {p.broken[libc]}")
    for rep in range(args.reps):
        for p in progs:
            for libc in LIBCS:
                if libc not in p.broken:
                    p.times.setdefault(libc, []).append(
                        measure(command(p, pyj, libc), p.cwd, envs[libc]))
        print(f"rep {rep + 1}/{args.reps} done", flush=True)
    print()
    print(f"{'program':32} {'python cpu':>10} {'target cpu':>10} {'ratio':>6} "
          f"{'python wall':>11} {'target wall':>11}")
    results = []
    ratios = []
    for p in progs:
        if p.broken:
            print(f"{p.name:32} n/a ({', '.join(p.broken)} not as expected)")
            continue
        cpu = {libc: statistics.median(t[1] for t in p.times[libc]) for libc in LIBCS}
        wall = {libc: statistics.median(t[0] for t in p.times[libc]) for libc in LIBCS}
        ratio = cpu["target"] / cpu["python"]
        ratios.append(ratio)
        print(f"{p.name:32} {cpu['python']:10.3f} {cpu['target']:10.3f} {ratio:5.2f}x "
              f"{wall['python']:11.3f} {wall['target']:11.3f}")
        results.append({"name": p.name, "args": p.args, "times": p.times, "ratio": ratio})
    if ratios:
        print(f"target/python CPU: max {max(ratios):.2f}x, median "
              f"{statistics.median(ratios):.2f}x over {len(ratios)} runs "
              f"({sum(r <= 1 for r in ratios)} at or below 1)")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
