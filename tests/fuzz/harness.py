"""The in-process fuzz target: seeds, one case, and the classification of its outcome.

A case is (seed object, mutations) chosen by ``random.Random(f"{seed}:{index}")``, so any case
can be replayed from its two numbers. It runs the paths a hostile input takes through the
tool: the interface scan (what -lazy reads), then a whole link with ``-noexec`` into a slab
(nothing runs: mutated code is never executed) with every undefined symbol resolved to 0, so
the link goes on through allocation, fixups and the checker's graph recording. Outcomes:

* ``ok``: linked; ``error``: a PyJITLinkError (the tool prints one line: fine);
* ``bug``: any other exception (the tool would say "internal error");
* ``hang``: the per-case watchdog (CPU time and real time, via setitimer) fired;
* ``crash``: the process died (only the supervisor in run.py can see that).

A sixth kind of case, "check-rule", evaluates a mutated jitlink-check rule (rules.py).
"""

from __future__ import annotations

import random
import re
import shutil
import signal
import subprocess
import tempfile
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pyjitlink.errors import PyJITLinkError

from .mutators import make_archive, mutate
from .rules import load_rules, mutate_rule, run_rule

REPO = Path(__file__).resolve().parents[2]
TESTDATA = REPO / "testdata"
KINDS = ("elf-x86_64", "elf-aarch64", "macho-x86_64", "macho-arm64", "archive", "check-rule")


def _kind_of(path: Path) -> str:
    flavour = path.parent.name
    if flavour.startswith("macho-a64"):
        return "macho-arm64"
    if flavour.startswith("macho"):
        return "macho-x86_64"
    if flavour.startswith("a64"):
        return "elf-aarch64"
    return "elf-x86_64"


def _defined_globals(data: bytes, name: str) -> list[str]:
    from pyjitlink.formats import scan_object_interface

    try:
        return sorted(n for n, info in scan_object_interface(data, name).symbols.items())
    except PyJITLinkError:
        return []


LIT = REPO / "tests" / "lit"
_TRIPLE = re.compile(r"llvm-mc\b.*?-triple[= ](\S+)")
_KIND_OF_TRIPLE = (("aarch64-", "elf-aarch64"), ("x86_64-apple", "macho-x86_64"),
                   ("arm64-apple", "macho-arm64"), ("x86_64-", "elf-x86_64"))


def lit_objects() -> list[tuple[str, str, bytes]]:
    """(kind, name, bytes) of the objects tests/lit assembles: each ``.s`` file with the
    triple of its first ``llvm-mc`` RUN line (they hold relocation types and sections that
    compiler output rarely has). Files that do not assemble as they are are skipped."""
    mc = shutil.which("llvm-mc")
    if mc is None:
        raise RuntimeError("llvm-mc is not on PATH: cannot assemble tests/lit seeds")
    found = []
    with tempfile.TemporaryDirectory() as tmp:
        for path in sorted(LIT.glob("*/*.s")):
            match = _TRIPLE.search(path.read_text(errors="replace"))
            if match is None:
                continue
            triple = match.group(1)
            kind = next((k for prefix, k in _KIND_OF_TRIPLE if triple.startswith(prefix)), None)
            if kind is None:
                continue
            out = Path(tmp, "x.o")
            done = subprocess.run([mc, "-filetype=obj", f"-triple={triple}", str(path), "-o",
                                   str(out)], capture_output=True)
            if done.returncode == 0:
                found.append((kind, str(path.relative_to(REPO)), out.read_bytes()))
    return found


def load_seeds(per_kind: int = 10, lit: bool = False) -> dict[str, list[tuple[str, bytes]]]:
    """Seed inputs by kind: for each kind, the smallest object of each source file in
    testdata/ (small ones make a mutation more likely to hit structure than code) and
    ``per_kind`` others picked at a fixed stride over every build flavour, with ``lit`` the
    objects tests/lit assembles, and ar archives built from small ones in GNU (with a
    symbol index and a long name) and BSD styles."""
    by_kind: dict[str, list[Path]] = {k: [] for k in KINDS[:4]}
    for path in sorted(TESTDATA.glob("*/*/*.o")):
        by_kind[_kind_of(path)].append(path)
    seeds: dict[str, list[tuple[str, bytes]]] = {}
    for kind, paths in by_kind.items():
        if not paths:
            raise RuntimeError(f"no {kind} objects under {TESTDATA}: cannot seed the fuzzer")
        paths.sort(key=lambda p: (p.stat().st_size, str(p)))
        chosen: dict[str, Path] = {}
        for path in paths:
            chosen.setdefault(path.name, path)
        picked = sorted(chosen.values(), key=lambda p: (p.stat().st_size, str(p)))
        stride = max(1, len(paths) // per_kind)
        picked += [p for p in sorted(paths, key=str)[::stride] if p not in picked]
        seeds[kind] = [(str(p.relative_to(REPO)), p.read_bytes()) for p in picked]
    if lit:
        for kind, name, data in lit_objects():
            seeds[kind].append((name, data))
    archives = []
    for kind in ("elf-x86_64", "elf-aarch64", "macho-x86_64", "macho-arm64"):
        objects = seeds[kind][:3]  # the smallest
        members = [(Path(n).name if i else "a_member_with_a_long_name.o", d)
                   for i, (n, d) in enumerate(objects)]
        index = {}
        for i, (n, d) in enumerate(objects):
            for sym in _defined_globals(d, n):
                index.setdefault(sym, i)
        archives.append((f"{kind}-gnu.a", make_archive(members, "gnu", index)))
        archives.append((f"{kind}-bsd.a", make_archive(members, "bsd")))
    seeds["archive"] = archives
    seeds["check-rule"] = [(f"rule{i}", rule.encode("utf-8", "surrogateescape"))
                           for i, rule in enumerate(load_rules())]
    return seeds


@dataclass
class Outcome:
    kind: str  # ok, error, bug, hang
    detail: str = ""
    mutations: list[str] = field(default_factory=list)
    seed_name: str = ""


class Hang(BaseException):
    """Raised by the watchdog: a BaseException, so no ``except Exception`` swallows it."""


def _alarm(signum: int, frame: object) -> None:
    raise Hang()


def make_case(seeds: dict[str, list[tuple[str, bytes]]], seed: int, index: int
              ) -> tuple[str, str, bytes, list[str]]:
    """(kind, seed name, mutated bytes, mutation names) of case ``index`` of run ``seed``."""
    rng = random.Random(f"{seed}:{index}")
    kind = KINDS[index % len(KINDS)]
    name, data = rng.choice(seeds[kind])
    if kind == "check-rule":
        rule = mutate_rule(data.decode("utf-8", "surrogateescape"), rng)
        arch = rng.choice(["x86_64", "aarch64"])
        return kind, name, f"{arch}:{rule}".encode("utf-8", "surrogateescape"), ["mutate_rule"]
    data, names = mutate(data, rng)
    return kind, name, data, names


def link(data: bytes, name: str) -> None:
    """What the tool does with one input under -noexec -phony-externals, plus a scan."""
    from pyjitlink.formats import identify, object_arch, scan_object_interface
    from pyjitlink.formats.archive import Archive
    from pyjitlink.tool.session import Session

    kind = identify(data)
    arch = None
    if kind in ("elf", "macho"):
        scan_object_interface(data, name)
        arch = object_arch(data, name)
    elif kind == "archive":
        members = Archive(data, name).members
        if members:
            first = members[0].data
            if identify(first) in ("elf", "macho"):
                arch = object_arch(first, name)
    session = Session(noexec=True, slab=(64 << 20, 0x10000000, 4096), phony_externals=True,
                      process_symbols=False, record_graphs=True, arch=arch)
    try:
        session.add_object_file(session.main_jd, name, data=data)
        session.link_all()
    finally:
        session.close()


WALL_FACTOR = 6  # a case may wait (use no CPU) this many times its CPU budget


def run_case(data: bytes, name: str, timeout: float = 10.0, kind: str = "") -> Outcome:
    """Run one input (an object or archive; for kind "check-rule", ``arch:rule``) with a
    watchdog; classify what happened.

    The watchdog is ``timeout`` seconds of this process's CPU time (SIGPROF), so a loaded
    machine does not turn slow cases into hangs, and ``WALL_FACTOR`` times that in real time
    (SIGALRM), for a case that blocks without using the CPU."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    previous_prof = signal.signal(signal.SIGPROF, _alarm)
    signal.setitimer(signal.ITIMER_PROF, timeout)
    signal.setitimer(signal.ITIMER_REAL, timeout * WALL_FACTOR)
    try:
        if kind == "check-rule":
            arch, _, rule = data.decode("utf-8", "surrogateescape").partition(":")
            if not run_rule(rule, arch):
                return Outcome("error", "the rule is false or cannot be evaluated")
        else:
            link(data, name)
        return Outcome("ok")
    except Hang:
        return Outcome("hang", f"no result within {timeout} s of CPU time or "
                               f"{timeout * WALL_FACTOR} s")
    except PyJITLinkError as err:
        return Outcome("error", f"{err.file}: {err.message}"[:300])
    except RecursionError as err:
        return Outcome("bug", f"RecursionError: {err}")
    except Exception as err:  # noqa: BLE001 - the point of fuzzing
        frames = traceback.extract_tb(err.__traceback__)
        where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "?"
        return Outcome("bug", f"{type(err).__name__}: {err} at {where}"[:500])
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGALRM, previous)
        signal.signal(signal.SIGPROF, previous_prof)


def run_cases(seed: int, start: int, count: int, timeout: float = 10.0,
              seeds: dict[str, list[tuple[str, bytes]]] | None = None, lit: bool = False
              ) -> Iterator[tuple[int, str, Outcome]]:
    """(index, kind, outcome) of cases ``start`` .. ``start + count - 1``."""
    seeds = seeds or load_seeds(lit=lit)
    for index in range(start, start + count):
        kind, name, data, names = make_case(seeds, seed, index)
        outcome = run_case(data, f"case{index}-{Path(name).name}", timeout, kind)
        outcome.mutations = names
        outcome.seed_name = name
        yield index, kind, outcome
