#!/usr/bin/env python3
"""A floor for a pure-Python link: the cost in this interpreter of the work no link can skip.

    python bench/floor.py [--reps N] [--pyjitlink DIR] [--ref LLVM_JITLINK] DIR ...

For each DIR of ELF x86-64 objects (bench/out/lua54, bench/out/gen-100x2000-s1, ...) it
measures, as CPU time (user + system):

* start-up + imports  a fresh ``python -c "import ..."`` of exactly the modules loaded at
                      the end of ``pyjitlink -noexec DIR/*.o`` (the copy on
                      ``--pyjitlink``, default this checkout): the interpreter's own start-up
                      and the code a link runs must both be paid by any Python linker
* read tables         in-process: read each file, unpack its section headers, and decode its
                      symbol table and every SHT_RELA table with ``struct.iter_unpack`` into
                      lists (what any builder must look at once), no objects per entry
* write fixups        in-process: one ``pack_into`` per relocation of its field width into a
                      copy of the section's bytes, with a value computed as S + A - P from
                      plain ints (no range checks, no symbol resolution)

and compares their sum with ``llvm-jitlink -noexec`` (LLVM 19 by default) and with
``pyjitlink -noexec`` on the same objects (fresh processes; minimum of ``--reps``). The
floor leaves out everything a linker does besides: symbol resolution across objects,
dead-stripping, GOT/PLT, layout, the session's bookkeeping. If the floor alone is more than
twice llvm-jitlink's time, no pure-Python link can reach 2x on that input.
"""

from __future__ import annotations

import argparse
import os
import struct
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
REFERENCE = "/usr/lib/llvm-19/bin/llvm-jitlink"
SHT_SYMTAB, SHT_RELA = 2, 4
# x86-64 relocation types by field width in bytes (psABI, "Relocation Types").
_WIDTH = {1: 8, 2: 4, 4: 4, 9: 4, 10: 4, 11: 4, 24: 8, 26: 4, 41: 4, 42: 4, 19: 4, 21: 4,
          22: 4, 23: 4, 32: 4, 33: 8, 10000: 8}
_PACK = {4: struct.Struct("<i").pack_into, 8: struct.Struct("<q").pack_into}
_SHDR = struct.Struct("<IIQQQQIIQQ")


def child_cpu_ms(argv: list[str], env: dict[str, str] | None = None,
                 cwd: Path | None = None) -> float:
    """CPU time (user + system) of one run of ``argv`` in ms; its output is discarded."""
    pid = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL).pid
    _, status, usage = os.wait4(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv[:3])} ... failed with {status}")
    return (usage.ru_utime + usage.ru_stime) * 1e3


def best(reps: int, run) -> float:  # type: ignore[no-untyped-def]
    return min(run() for _ in range(reps))


def imported_modules(objects: list[str], env: dict[str, str]) -> list[str]:
    """The modules loaded at the end of ``pyjitlink -noexec objects`` (``sys.modules``;
    ``tool.cli.main`` given its arguments ends through ``sys.exit``, so atexit runs)."""
    code = ("import atexit, sys\n"
            "atexit.register(lambda: sys.stderr.write('MODULES ' + ' '.join(sys.modules)))\n"
            "import pyjitlink.tool.entry\n"
            "from pyjitlink.tool.cli import main\n"
            f"main(['-noexec', *{objects!r}])\n")  # with argv: returns through sys.exit
    res = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True)
    line = res.stderr[res.stderr.rindex("MODULES "):]
    return [m for m in line.split()[1:] if m not in ("__main__", "atexit")]


def read_tables(paths: list[str]) -> list[tuple[bytes, list, list[tuple[int, list]]]]:
    """Each file's bytes, symbol entries and (section index, relocation entries)."""
    out = []
    for path in paths:
        with open(path, "rb") as f:
            data = f.read()
        shoff, = struct.unpack_from("<Q", data, 40)
        shnum, = struct.unpack_from("<H", data, 60)
        headers = list(_SHDR.iter_unpack(data[shoff:shoff + 64 * shnum]))
        symbols: list = []
        relocations = []
        for _, sh_type, _, _, offset, size, _, info, _, _ in headers:
            if sh_type == SHT_SYMTAB:
                symbols = list(struct.iter_unpack("<IBBHQQ", data[offset:offset + size]))
            elif sh_type == SHT_RELA:
                relocations.append((info, list(struct.iter_unpack("<QQq",
                                                                  data[offset:offset + size]))))
        out.append((data, headers, relocations))
        del symbols
    return out


def write_fixups(tables: list[tuple[bytes, list, list[tuple[int, list]]]]) -> int:
    """One pack_into per relocation into a copy of its section; returns the count."""
    count = 0
    width = _WIDTH
    pack = _PACK
    for data, headers, relocations in tables:
        for target, entries in relocations:
            offset, size = headers[target][4], headers[target][5]
            buf = bytearray(data[offset:offset + size]) if headers[target][1] != 8 else \
                bytearray(size)
            place_base = 0x10000
            for r_offset, r_info, r_addend in entries:
                w = width.get(r_info & 0xFFFFFFFF, 4)
                if r_offset + w > len(buf):
                    continue  # .eh_frame of a NOBITS target and the like: not written
                value = (0x20000 + (r_info >> 32) * 16 + r_addend - (place_base + r_offset))
                if w == 4:
                    value = (value + (1 << 31)) % (1 << 32) - (1 << 31)
                pack[w](buf, r_offset, value)
                count += 1
    return count


def in_process_ms(reps: int, run) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(reps):
        start = time.process_time()
        run()
        times.append((time.process_time() - start) * 1e3)
    return min(times)


def measure(d: Path, reps: int, ref_tool: str, env: dict[str, str]) -> tuple:
    """One row of the table for the objects in ``d``."""
    objects = sorted(str(p) for p in d.glob("*.o"))
    modules = imported_modules(objects, env)
    # The interpreter alone, then the interpreter importing what the link imports.
    bare = best(reps, lambda: child_cpu_ms([sys.executable, "-c", "pass"], env))
    imports = best(reps, lambda: child_cpu_ms(
        [sys.executable, "-c", "import " + ", ".join(modules)], env))
    tables: list = []
    read = in_process_ms(reps, lambda: tables.__setitem__(slice(None), read_tables(objects)))
    nrel = sum(len(e) for _, _, rel in tables for _, e in rel)
    fixups = in_process_ms(reps, lambda: write_fixups(tables))
    ref = best(reps, lambda: child_cpu_ms([ref_tool, "-noexec", *objects]))
    ours = best(reps, lambda: child_cpu_ms(
        [sys.executable, "-m", "pyjitlink", "-noexec", *objects], env))
    floor = imports + read + fixups
    return d.name, len(objects), nrel, bare, imports, read, fixups, floor, ref, ours


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--pyjitlink", default=str(ROOT),
                    help="PYTHONPATH of the pyjitlink to time (default this checkout)")
    ap.add_argument("--ref", default=REFERENCE, help="llvm-jitlink to compare with")
    ap.add_argument("dirs", nargs="+", type=Path)
    args = ap.parse_args(argv)
    env = dict(os.environ, PYTHONPATH=args.pyjitlink)
    rows = [measure(d, args.reps, args.ref, env) for d in args.dirs]
    print(f"CPU ms, minimum of {args.reps}; llvm-jitlink: {args.ref}")
    print("| input | objects | relocations | bare python | start-up + imports | read tables "
          "| write fixups | floor | llvm-jitlink | floor / llvm | pyjitlink | pyjitlink / "
          "floor |")
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    for name, nobj, nrel, bare, imports, read, fixups, floor, ref, ours in rows:
        print(f"| {name} | {nobj} | {nrel:,} | {bare:.0f} | {imports:.0f} | {read:.0f} | "
              f"{fixups:.0f} | {floor:.0f} | {ref:.0f} | {floor / ref:.2f}x | {ours:.0f} | "
              f"{ours / floor:.2f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
