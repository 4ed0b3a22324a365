#!/usr/bin/env python3
"""Interleaved CPU-time comparison of a few commands (A/B of two pyjitlink builds).

    python bench/compare.py REPS CWD -- [PYTHONPATH=DIR] CMD ARGS... -- [PYTHONPATH=DIR] CMD ...

Runs every command REPS times, interleaved (A B C A B C ...), each as a fresh child in CWD
with output to /dev/null, and prints per command the median CPU time (user + system, from
``os.wait4``'s rusage of that child), its ratio to the first command's, and the median wall
time.  A leading ``PYTHONPATH=DIR`` word sets that variable for the command only, so two
installed copies of pyjitlink can be compared:

    cd bench/out/gen-100x2000-s1
    python ../../compare.py 5 . -- PYTHONPATH=/tmp/old python -m pyjitlink -noexec *.o \\
        -- PYTHONPATH=/tmp/new python -m pyjitlink -noexec *.o

CPU time suffers far less than wall time from other load on the machine, but cache and
frequency effects still move it; compare ratios from one run.  Every command must exit 0.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time


def main(argv: list[str]) -> int:
    if len(argv) < 4 or argv[2] != "--":
        print(__doc__, file=sys.stderr)
        return 2
    reps, cwd = int(argv[0]), argv[1]
    commands: list[list[str]] = []
    for word in argv[2:]:
        if word == "--":
            commands.append([])
        else:
            commands[-1].append(word)
    cpu: list[list[float]] = [[] for _ in commands]
    wall: list[list[float]] = [[] for _ in commands]
    for _ in range(reps):
        for i, command in enumerate(commands):
            env = dict(os.environ)
            if command[0].startswith("PYTHONPATH="):
                env["PYTHONPATH"] = command[0].split("=", 1)[1]
                command = command[1:]
            t0 = time.perf_counter()
            child = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            _, status, usage = os.wait4(child.pid, 0)
            wall[i].append(time.perf_counter() - t0)
            if os.waitstatus_to_exitcode(status) != 0:
                print(f"failed: {' '.join(command)}", file=sys.stderr)
                return 1
            cpu[i].append(usage.ru_utime + usage.ru_stime)
    base = statistics.median(cpu[0])
    for i, command in enumerate(commands):
        median = statistics.median(cpu[i])
        print(f"cpu median {median * 1e3:8.1f} ms  (x{median / base:.2f})  wall median "
              f"{statistics.median(wall[i]) * 1e3:8.1f} ms  {' '.join(command)[:100]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
