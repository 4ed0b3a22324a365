#!/usr/bin/env python3
"""Eager vs -lazy time to finish, on a program where laziness matters.

    python bench/lazy.py [--commands 40] [--functions 60] [--reps 7]

Generates (with gcc, into bench/out/dispatch-*) a command dispatcher: main.o dispatches its
argument to one of N subcommands, each in its own object of F functions that call each other.
One run uses one subcommand, so a lazy link (`-lazy` before every object but main.o) links
main.o and that one object, where an eager link links all N. Checks both against the
gcc-linked executable's output first, then prints median and min wall times and the number
of objects each mode linked (from -show-linked-files). Stdlib only; needs gcc.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent


def generate(out: Path, commands: int, functions: int, seed: int = 1) -> list[Path]:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    sources = {}
    for c in range(commands):
        lines = ["#include <stdio.h>", "#include <string.h>"]
        for f in range(functions):
            lines.append(f"int cmd{c}_f{f}(int x);")
        for f in range(functions):
            callees = [rng.randrange(f + 1, functions) for _ in range(2) if f + 1 < functions]
            body = " + ".join(f"cmd{c}_f{g}(x + {k})" for k, g in enumerate(callees)) or "x"
            lines.append(f"int cmd{c}_f{f}(int x) {{ if (x > {f + 40}) return x % 97; "
                         f"return ({body}) % 1000003 + {rng.randrange(100)}; }}")
        lines.append(f'int command_{c}(const char *arg) {{ int r = cmd{c}_f0((int)strlen(arg));'
                     f' printf("command {c}: %d\\n", r); return 0; }}')
        sources[f"cmd{c}"] = "\n".join(lines) + "\n"
    table = ", ".join(f"command_{c}" for c in range(commands))
    decls = "\n".join(f"int command_{c}(const char *);" for c in range(commands))
    sources["main"] = f"""#include <stdio.h>
#include <stdlib.h>
{decls}
static int (*const commands[])(const char *) = {{ {table} }};
int main(int argc, char **argv) {{
    int which = atoi(argv[argc - 1]);
    if (which < 0 || which >= {commands}) {{ fprintf(stderr, "no such command\\n"); return 2; }}
    return commands[which](argv[argc - 1]);
}}
"""
    objects = []
    for name, text in sources.items():
        src, obj = out / f"{name}.c", out / f"{name}.o"
        if not obj.exists() or src.read_text() if src.exists() else text != "":
            src.write_text(text)
            subprocess.run(["gcc", "-O1", "-c", str(src), "-o", str(obj)], check=True)
        objects.append(obj)
    subprocess.run(["gcc", "-o", str(out / "prog"), *map(str, objects)], check=True)
    return objects


def timed(cmd: list[str]) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    return time.perf_counter() - start, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=40)
    parser.add_argument("--functions", type=int, default=60)
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--which", type=int, default=3, help="the subcommand a run uses")
    args = parser.parse_args()
    if shutil.which("gcc") is None:
        print("bench/lazy.py needs gcc", file=sys.stderr)
        return 1
    out = BENCH / "out" / f"dispatch-{args.commands}x{args.functions}"
    objects = generate(out, args.commands, args.functions)
    main_obj, rest = objects[-1], objects[:-1]
    tool = [sys.executable, "-m", "pyjitlink"]
    eager = [*tool, str(main_obj), *map(str, rest), "-args", str(args.which)]
    lazy = [*tool, str(main_obj), *[a for o in rest for a in ("-lazy", str(o))], "-args",
            str(args.which)]
    reference = subprocess.run([str(out / "prog"), str(args.which)], capture_output=True,
                               text=True, check=False)
    for name, cmd in (("eager", eager), ("lazy", lazy)):
        _, result = timed(cmd)
        if (result.stdout, result.returncode) != (reference.stdout, reference.returncode):
            print(f"{name}: output differs from the gcc build", file=sys.stderr)
            return 1
        linked = timed(cmd[:3] + ["-show-linked-files"] + cmd[3:])[1].stdout.count("Linking ")
        print(f"{name}: links {linked} of {len(objects)} objects")
    times: dict[str, list[float]] = {"eager": [], "lazy": []}
    for _ in range(args.reps):
        for name, cmd in (("eager", eager), ("lazy", lazy)):
            times[name].append(timed(cmd)[0])
    print(f"{args.commands} subcommands x {args.functions} functions, run uses one; "
          f"{args.reps} reps")
    for name, values in times.items():
        print(f"  {name:5}  median {statistics.median(values) * 1000:8.1f} ms   "
              f"min {min(values) * 1000:8.1f} ms")
    ratio = statistics.median(times["eager"]) / statistics.median(times["lazy"])
    print(f"  eager / lazy = {ratio:.2f}x")
    print(f"command: python bench/lazy.py --commands {args.commands} --functions "
          f"{args.functions} --reps {args.reps}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
