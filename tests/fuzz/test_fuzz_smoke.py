"""A short fuzz run with a fixed seed: every mutated object and archive must give a clean
PyJITLinkError (or link), never another exception or a hang (tests/fuzz/harness.py)."""

from __future__ import annotations

import collections

from .harness import KINDS, run_cases

SEED = 20261207
CASES = 6000  # 1000 of each kind; about 30 s


def test_fuzz_smoke_run_has_no_bugs_or_hangs() -> None:
    counts: collections.Counter[tuple[str, str]] = collections.Counter()
    bad = []
    for index, kind, outcome in run_cases(SEED, 0, CASES, timeout=10.0):
        counts[kind, outcome.kind] += 1
        if outcome.kind not in ("ok", "error"):
            bad.append(f"case {index} ({kind}, {outcome.seed_name}, "
                       f"{'+'.join(outcome.mutations)}): {outcome.kind}: {outcome.detail}")
    assert not bad, "\n".join(bad[:20])
    # The run exercised every kind, and for objects and archives both outcomes: mutations
    # that break the input and mutations that it survives.
    for kind in KINDS:
        assert counts[kind, "error"] > 0, counts
        if kind != "check-rule":
            assert counts[kind, "ok"] > 0, counts
