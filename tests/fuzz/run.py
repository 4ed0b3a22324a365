"""Run the fuzzer: ``python -m tests.fuzz.run --seed 1 --cases 100000`` (from the repository).

A supervisor starts a worker process (this module with ``--worker``) that runs cases in
order and reports each one on a pipe before and after it runs. A worker that dies (a crash:
a signal, or exit without reporting) is recorded as a crash of the case it was running and a
new worker resumes after it. Every case that is not ``ok``/``error`` is printed with the
command that replays it (``--cases 1 --start N``); ``--save DIR`` also writes its bytes.
The exit status is 0 when there were no bugs, hangs or crashes.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from .harness import KINDS, load_seeds, make_case, run_cases

BAD = ("bug", "hang", "crash")


def worker(args: argparse.Namespace) -> None:
    if args.memory_limit:
        limit = args.memory_limit << 20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    seeds = load_seeds(lit=args.lit_seeds)
    out = sys.stdout
    for index, kind, outcome in _with_start(run_cases(args.seed, args.start, args.cases,
                                                      args.timeout, seeds), out):
        out.write(json.dumps({"index": index, "kind": kind, "outcome": outcome.kind,
                              "detail": outcome.detail, "mutations": outcome.mutations,
                              "seed": outcome.seed_name}) + "\n")
        out.flush()


def _with_start(cases, out):  # type: ignore[no-untyped-def]
    """Announce each case before it runs, so a crash can be pinned on it."""
    iterator = iter(cases)
    index = None
    while True:
        if index is not None:
            out.write(json.dumps({"start": index + 1}) + "\n")
            out.flush()
        try:
            item = next(iterator)
        except StopIteration:
            return
        index = item[0]
        yield item


def supervise(args: argparse.Namespace) -> int:
    counts: dict[str, collections.Counter[str]] = {k: collections.Counter() for k in KINDS}
    bad: list[dict] = []
    next_case = args.start
    end = args.start + args.cases
    started = time.monotonic()
    last_report = started
    env = dict(os.environ)
    while next_case < end:
        cmd = [sys.executable, "-m", "tests.fuzz.run", "--worker", "--seed", str(args.seed),
               "--start", str(next_case), "--cases", str(end - next_case),
               "--timeout", str(args.timeout), "--memory-limit", str(args.memory_limit)]
        if args.lit_seeds:
            cmd.append("--lit-seeds")
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env,
                                cwd=Path(__file__).resolve().parents[2])
        assert proc.stdout is not None
        running = next_case
        for line in proc.stdout:
            record = json.loads(line)
            if "start" in record:
                running = record["start"]
                continue
            counts[record["kind"]][record["outcome"]] += 1
            next_case = record["index"] + 1
            running = next_case
            if record["outcome"] in BAD:
                bad.append(record)
                print(f"{record['outcome'].upper()} case {record['index']} ({record['kind']}, "
                      f"{record['seed']}, {'+'.join(record['mutations'])}): "
                      f"{record['detail']}", flush=True)
            now = time.monotonic()
            if now - last_report > args.progress:
                last_report = now
                done = next_case - args.start
                print(f"... {done} cases, {done / (now - started):.0f}/s, "
                      f"{len(bad)} bad", flush=True)
        code = proc.wait()
        if next_case < end:
            kind = KINDS[running % len(KINDS)]
            counts[kind]["crash"] += 1
            record = {"index": running, "kind": kind, "outcome": "crash",
                      "detail": f"worker exited with status {code}", "mutations": [],
                      "seed": ""}
            bad.append(record)
            print(f"CRASH case {running} ({kind}): worker exited with status {code}",
                  flush=True)
            next_case = running + 1
    elapsed = time.monotonic() - started
    print(f"\nseed {args.seed}, cases {args.start}..{end - 1}: {end - args.start} cases in "
          f"{elapsed:.0f} s")
    total: collections.Counter[str] = collections.Counter()
    for kind in KINDS:
        c = counts[kind]
        total.update(c)
        print(f"  {kind:13} " + "  ".join(f"{o} {c[o]}" for o in ("ok", "error", *BAD)))
    print(f"  {'total':13} " + "  ".join(f"{o} {total[o]}" for o in ("ok", "error", *BAD)))
    if args.save and bad:
        seeds = load_seeds(lit=args.lit_seeds)
        os.makedirs(args.save, exist_ok=True)
        for record in bad:
            _, name, data, _ = make_case(seeds, args.seed, record["index"])
            Path(args.save, f"seed{args.seed}-case{record['index']}.bin").write_bytes(data)
    for record in bad:
        print(f"replay: python -m tests.fuzz.run --seed {args.seed} --start {record['index']} "
              f"--cases 1{' --lit-seeds' if args.lit_seeds else ''}")
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz.run", description=__doc__)
    parser.add_argument("--seed", type=int, default=1, help="run seed (default 1)")
    parser.add_argument("--cases", type=int, default=10000, help="number of cases")
    parser.add_argument("--start", type=int, default=0, help="first case index")
    parser.add_argument("--timeout", type=float, default=10.0,
                        help="seconds per case before it counts as a hang (default 10)")
    parser.add_argument("--memory-limit", type=int, default=4096,
                        help="address-space limit of the worker in MiB (default 4096; 0: none)")
    parser.add_argument("--progress", type=float, default=60.0,
                        help="seconds between progress lines")
    parser.add_argument("--save", metavar="DIR", help="write the bytes of bad cases here")
    parser.add_argument("--lit-seeds", action="store_true",
                        help="also seed with the objects tests/lit assembles (needs llvm-mc)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args)
        return 0
    return supervise(args)


if __name__ == "__main__":
    sys.exit(main())
