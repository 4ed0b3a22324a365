"""Resource trackers: removal while code is being linked on a thread pool fails that link
cleanly (no hang, no half-registered code), and the JITDylib stays usable."""

from __future__ import annotations

import threading
from pathlib import Path

import pyjitlink
from pyjitlink.orc.symbols import JITDylibLookupFlags, SymbolLookupFlags

CALC = Path(__file__).resolve().parents[2] / "testdata" / "calc" / "O2-pie"


def test_removal_racing_materialization_never_hangs() -> None:
    objects = [(p.read_bytes(), str(p)) for p in sorted(CALC.glob("*.o"))]
    outcomes = {"linked": 0, "failed": 0}
    for round_ in range(40):
        session = pyjitlink.Session(num_threads=2)
        jd = session.main_jd
        tracker = jd.create_resource_tracker()
        for data, name in objects:
            session.add_object(jd, data, name, tracker)
        done = threading.Event()
        box: list = []

        def complete(result, box=box, done=done):  # type: ignore[no-untyped-def]
            box.append(result)
            done.set()

        session.es.lookup([(jd, JITDylibLookupFlags.MATCH_ALL_SYMBOLS), (
            session.process_jd, JITDylibLookupFlags.MATCH_EXPORTED_SYMBOLS_ONLY)],
            {"main": SymbolLookupFlags.REQUIRED_SYMBOL}, complete)
        if round_ % 2:
            threading.Event().wait(0.001 * (round_ % 7))
        session.remove(tracker)
        assert done.wait(60), "lookup never completed after its tracker was removed"
        outcomes["failed" if isinstance(box[0], Exception) else "linked"] += 1
        assert "main" not in jd.symbols
        # The JITDylib is still usable: add the objects again and link them.
        for data, name in objects:
            session.add_object(jd, data, name)
        assert session.lookup("main") != 0
        session.es.dispatcher.shutdown()
    assert outcomes["failed"] + outcomes["linked"] == 40
