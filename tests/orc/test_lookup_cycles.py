"""Lookup cycles (issue 17): materializations that wait for each other fail, on every
dispatcher, with LookupCycle naming their symbols; lookups that do not need them succeed."""

from __future__ import annotations

import pytest

from pyjitlink.errors import LookupCycle
from pyjitlink.orc.materialization import AbsoluteSymbolsMaterializationUnit
from pyjitlink.orc.reexports import ReexportsMaterializationUnit
from pyjitlink.orc.session import ExecutionSession, make_dispatcher
from pyjitlink.orc.symbols import JITDylibLookupFlags as LF
from pyjitlink.orc.symbols import SymbolFlags as F


@pytest.mark.parametrize("threads", [0, 1, 3])
@pytest.mark.parametrize("size", [1, 2, 5])
def test_reexport_cycle_fails_every_member_and_spares_the_rest(threads: int, size: int) -> None:
    es = ExecutionSession(make_dispatcher(threads))
    try:
        jd = es.create_jit_dylib("main")
        other = es.create_jit_dylib("other")
        jd.set_link_order([(jd, LF.MATCH_ALL_SYMBOLS), (other, LF.MATCH_EXPORTED_SYMBOLS_ONLY)])
        other.set_link_order([(other, LF.MATCH_ALL_SYMBOLS), (jd, LF.MATCH_EXPORTED_SYMBOLS_ONLY)])
        # s0 -> s1 -> ... -> s0, alternating JITDylibs (size 1: s0 in main re-exports
        # other's s0, which re-exports main's s0).
        names = [f"s{i}" for i in range(size)]
        for i, name in enumerate(names):
            target = names[(i + 1) % size]
            (jd if i % 2 == 0 else other).define(ReexportsMaterializationUnit(
                other if i % 2 == 0 else jd, {name: target}))
        if size == 1:
            other.define(ReexportsMaterializationUnit(jd, {"s0": "s0"}))
        jd.define(ReexportsMaterializationUnit(jd, {"waiter": "s0"}))
        jd.define(AbsoluteSymbolsMaterializationUnit({"fine": (0x1234, F.EXPORTED)}))
        order = [(jd, LF.MATCH_ALL_SYMBOLS), (other, LF.MATCH_ALL_SYMBOLS)]
        with pytest.raises(LookupCycle) as caught:
            es.lookup_blocking(order, ["waiter"])
        assert set(names) <= set(caught.value.symbols)
        assert "waiter" in caught.value.symbols
        assert caught.value.file == "-alias"
        # Everything in the cycle stays failed; lookups that avoid it work.
        with pytest.raises(LookupCycle):
            es.lookup_blocking(order, [names[-1]])
        assert es.lookup_blocking(order, ["fine"])["fine"].address == 0x1234
    finally:
        es.end_session()
