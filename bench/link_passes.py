#!/usr/bin/env python3
"""CPU time of the link path's own steps on ELF objects, in-process, without the session.

    PYTHONPATH=DIR python bench/link_passes.py [--reps N] [--gc] OBJ.o ...

Builds one LinkGraph per object (formats/elf*.py), then runs on every graph, step by step:
split_eh_frame + fix_eh_frame_edges, dead_strip (every non-local symbol a root), the
architecture's build_got_and_plt, a stand-in layout (blocks placed one after another,
externals at one address near them), optimize_got_and_stub_accesses and apply_fixups with the
architecture's block loop.  Prints the minimum and median CPU time (``time.process_time``) of
each step over ``--reps`` rounds (default 5).  The cyclic garbage collector is off unless
``--gc`` is given: with it on, its collections are charged to whichever step happens to
allocate when a threshold is crossed, which hides the steps' own cost (the ``pyjitlink``
command sets its own thresholds in tool/entry.py).  Objects must all be x86-64 or all AArch64.

Two checkouts compare with their installed copies on PYTHONPATH, e.g. in the generated
100-object program (bench/gen_program.py OUT --objects 100 --functions 2000 --seed 1):

    cd OUT && PYTHONPATH=/tmp/before python .../bench/link_passes.py *.o
"""

from __future__ import annotations

import argparse
import gc
import statistics
import struct
import sys
import time
from collections.abc import Callable

from pyjitlink.jitlink.eh_frame import fix_eh_frame_edges, split_eh_frame
from pyjitlink.jitlink.graph import LinkGraph
from pyjitlink.jitlink.linker import apply_fixups
from pyjitlink.jitlink.passes import dead_strip, mark_non_local_symbols_live

EM_X86_64, EM_AARCH64 = 62, 183


def _architecture(data: bytes) -> tuple[Callable[[bytes, str], LinkGraph], object]:
    machine = struct.unpack_from("<H", data, 18)[0]
    if machine == EM_X86_64:
        from pyjitlink.arch import x86_64
        from pyjitlink.formats.elf_x86_64 import build_elf_x86_64
        return build_elf_x86_64, x86_64
    if machine == EM_AARCH64:
        from pyjitlink.arch import aarch64
        from pyjitlink.formats.elf_aarch64 import build_elf_aarch64
        return build_elf_aarch64, aarch64
    raise SystemExit(f"e_machine {machine}: not x86-64 or AArch64")


def _layout(graph: LinkGraph) -> None:
    """Addresses one after another from 64 KiB, working memory for every block, externals
    just past the graph: what allocation and lookup would give, minus the memory manager."""
    address = 0x10000
    for block in graph.blocks():
        address = -(-address // block.alignment) * block.alignment
        block.address = address
        block.content = bytearray(block.size if block.content is None else block.content)
        address += block.size
    for sym in graph.external_symbols.values():
        sym.absolute_address = address + 0x1000


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--gc", action="store_true", help="leave the cyclic collector on")
    ap.add_argument("objects", nargs="+")
    args = ap.parse_args(argv)
    inputs = []
    for path in args.objects:
        with open(path, "rb") as f:
            inputs.append((path, f.read()))
    build, arch = _architecture(inputs[0][1])
    neg_delta32 = arch.EdgeKind.NegDelta32  # type: ignore[attr-defined]
    if not args.gc:
        gc.disable()
    times: dict[str, list[float]] = {}
    clock = time.process_time
    # A checkout from before the block loops (apply_fixups without block_fixup) still runs.
    block_fixup = getattr(arch, "apply_block_fixups", None)

    def fixups(graph: LinkGraph) -> None:
        if block_fixup is None:
            apply_fixups(graph, arch.apply_fixup)  # type: ignore[attr-defined]
        else:
            apply_fixups(graph, arch.apply_fixup, block_fixup)  # type: ignore[attr-defined]

    def step(name: str, graphs: list[LinkGraph], run: Callable[[LinkGraph], None]) -> None:
        start = clock()
        for graph in graphs:
            run(graph)
        times.setdefault(name, []).append(clock() - start)

    for _ in range(args.reps):
        start = clock()
        graphs = [build(data, path) for path, data in inputs]
        times.setdefault("build graphs", []).append(clock() - start)
        step("eh_frame", graphs, lambda g: (split_eh_frame(g),
                                            fix_eh_frame_edges(g, neg_delta32)))
        step("dead_strip", graphs, lambda g: (mark_non_local_symbols_live(g), dead_strip(g)))
        step("build_got_and_plt", graphs, arch.build_got_and_plt)  # type: ignore[attr-defined]
        for graph in graphs:
            _layout(graph)
        step("optimize_got_and_stub", graphs,
             arch.optimize_got_and_stub_accesses)  # type: ignore[attr-defined]
        step("apply_fixups", graphs, fixups)
        del graphs
        gc.collect()
    total_min = sum(min(v) for v in times.values())
    print(f"{len(inputs)} objects, {args.reps} rounds, CPU ms (gc {'on' if args.gc else 'off'})")
    for name, values in times.items():
        print(f"  {name:24s} min {min(values) * 1e3:8.1f}  median "
              f"{statistics.median(values) * 1e3:8.1f}")
    print(f"  {'sum of minima':24s}     {total_min * 1e3:8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
