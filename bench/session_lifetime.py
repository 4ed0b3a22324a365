"""Memory over many emulated Session create/run/release cycles (issue 17).

    python bench/session_lifetime.py --cycles 2000 --mode close

Each cycle creates an emulated AArch64 session, adds a small object, runs its ``main`` and
releases the session: ``close`` (session.close()), ``with`` (a with-block) or ``drop`` (the
last reference dropped; garbage collection only). Prints VmRSS and VmSize (KiB, from
/proc/self/status) after a warm-up of 20 cycles and then five times along the way; flat
numbers mean nothing is kept per session.
"""

from __future__ import annotations

import argparse
import gc
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pyjitlink

SOURCE = "int main(int argc, char **argv) { return argc + 41; }\n"


def status() -> dict[str, int]:
    found = {}
    with open("/proc/self/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmSize"):
                found[key] = int(value.split()[0])
    return found


def build_object() -> bytes:
    compiler = shutil.which("aarch64-linux-gnu-gcc")
    if compiler is None:
        raise SystemExit("aarch64-linux-gnu-gcc is needed to build the AArch64 object")
    with tempfile.TemporaryDirectory() as tmp:
        src, obj = Path(tmp, "m.c"), Path(tmp, "m.o")
        src.write_text(SOURCE)
        subprocess.run([compiler, "-O2", "-c", str(src), "-o", str(obj)], check=True)
        return obj.read_bytes()


def cycle(data: bytes, mode: str) -> None:
    if mode == "with":
        with pyjitlink.Session(arch="aarch64") as session:
            session.add_object(session.main_jd, data, "m.o")
            assert session.run_main("main", ["m"]) == 42
        return
    session = pyjitlink.Session(arch="aarch64")
    session.add_object(session.main_jd, data, "m.o")
    assert session.run_main("main", ["m"]) == 42
    if mode == "close":
        session.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cycles", type=int, default=2000)
    parser.add_argument("--mode", choices=["close", "with", "drop"], default="close")
    args = parser.parse_args()
    data = build_object()
    started = time.monotonic()
    for _ in range(20):
        cycle(data, args.mode)
    gc.collect()
    base = status()
    print(f"after 20 warm-up cycles: {base}", flush=True)
    step = max(1, args.cycles // 5)
    for i in range(args.cycles):
        cycle(data, args.mode)
        if (i + 1) % step == 0:
            gc.collect()
            print(f"{i + 1:6} cycles: {status()}  {time.monotonic() - started:.1f} s", flush=True)
    end = status()
    print(f"growth: VmRSS {end['VmRSS'] - base['VmRSS']:+} KiB, "
          f"VmSize {end['VmSize'] - base['VmSize']:+} KiB")


if __name__ == "__main__":
    main()
