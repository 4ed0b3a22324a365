"""Session-layer semantics: link orders, visibility, weak/strong, states, failure propagation."""

from __future__ import annotations

import pytest

from pyjitlink.errors import DuplicateDefinition, SymbolsNotFound
from pyjitlink.orc.materialization import MaterializationResponsibility, MaterializationUnit
from pyjitlink.orc.session import ExecutionSession
from pyjitlink.orc.symbols import JITDylibLookupFlags as LF
from pyjitlink.orc.symbols import SymbolFlags as F
from pyjitlink.orc.symbols import SymbolLookupFlags, SymbolState

ALL, EXPORTED = LF.MATCH_ALL_SYMBOLS, LF.MATCH_EXPORTED_SYMBOLS_ONLY


class FakeUnit(MaterializationUnit):
    """Resolves its symbols to given addresses; optionally depends on names, or fails."""

    def __init__(self, addresses: dict[str, int], flags: F = F.EXPORTED, *,
                 deps: list[str] = (), fail: Exception | None = None, log: list | None = None):
        super().__init__({n: flags for n in addresses}, "fake.o")
        self.addresses = addresses
        self.deps = list(deps)
        self.fail = fail
        self.log = log if log is not None else []
        self.discarded: list[str] = []

    def discard(self, jd, name):  # type: ignore[no-untyped-def]
        super().discard(jd, name)
        self.discarded.append(name)

    def materialize(self, r: MaterializationResponsibility) -> None:
        self.log.append(sorted(r.entries))
        if self.fail is not None:
            r.fail_materialization(self.fail)
            return
        r.notify_resolved({n: self.addresses[n] for n in r.entries})
        if not self.deps:
            r.notify_emitted()
            return

        def done(result):  # type: ignore[no-untyped-def]
            if isinstance(result, Exception):
                r.fail_materialization(result)
                return
            r.add_dependencies({entry for _, entry in result.values()})
            r.notify_emitted()

        r.session.lookup(r.jd.link_order, {d: SymbolLookupFlags.REQUIRED_SYMBOL
                                           for d in self.deps}, done, SymbolState.RESOLVED)


@pytest.fixture
def es() -> ExecutionSession:
    return ExecutionSession()


def test_lookup_materializes_on_demand_only(es: ExecutionSession) -> None:
    jd = es.create_jit_dylib("main")
    log: list = []
    jd.define(FakeUnit({"a": 0x1000}, log=log))
    jd.define(FakeUnit({"b": 0x2000}, log=log))
    assert es.lookup_blocking([(jd, ALL)], ["a"])["a"].address == 0x1000
    assert log == [["a"]]  # b's unit was never asked


def test_hidden_symbols_are_visible_only_inside_their_jitdylib(es: ExecutionSession) -> None:
    lib = es.create_jit_dylib("lib")
    lib.define(FakeUnit({"h": 0x10}, F.NONE))
    assert es.lookup_blocking([(lib, ALL)], ["h"])["h"].address == 0x10
    with pytest.raises(SymbolsNotFound) as err:
        es.lookup_blocking([(lib, EXPORTED)], ["h"])
    assert err.value.symbols == ["h"]


def test_same_name_in_two_jitdylibs_binds_by_link_order(es: ExecutionSession) -> None:
    one, two = es.create_jit_dylib("one"), es.create_jit_dylib("two")
    one.define(FakeUnit({"f": 0x100}))
    two.define(FakeUnit({"f": 0x200}))
    assert es.lookup_blocking([(two, EXPORTED), (one, EXPORTED)], ["f"])["f"].address == 0x200
    assert es.lookup_blocking([(one, EXPORTED), (two, EXPORTED)], ["f"])["f"].address == 0x100


def test_strong_strong_is_a_duplicate_definition(es: ExecutionSession) -> None:
    jd = es.create_jit_dylib("main")
    jd.define(FakeUnit({"x": 1}))
    with pytest.raises(DuplicateDefinition) as err:
        jd.define(FakeUnit({"x": 2}))
    assert err.value.name == "x"


def test_strong_overrides_weak_and_weak_yields_to_first(es: ExecutionSession) -> None:
    jd = es.create_jit_dylib("main")
    weak = FakeUnit({"w": 1, "k": 5}, F.EXPORTED | F.WEAK)
    jd.define(weak)
    strong = FakeUnit({"w": 2})
    jd.define(strong)
    later_weak = FakeUnit({"k": 9}, F.EXPORTED | F.WEAK)
    jd.define(later_weak)
    result = es.lookup_blocking([(jd, ALL)], ["w", "k"])
    assert result["w"].address == 2 and result["k"].address == 5
    assert weak.discarded == ["w"] and later_weak.discarded == ["k"]


def test_weakly_referenced_missing_symbol_is_absent_not_an_error(es: ExecutionSession) -> None:
    jd = es.create_jit_dylib("main")
    assert es.lookup_blocking([(jd, ALL)], [], weak=["nothing"]) == {}


def test_ready_waits_for_dependencies_in_a_cycle(es: ExecutionSession) -> None:
    jd = es.create_jit_dylib("main")
    jd.define(FakeUnit({"a": 1}, deps=["b"]))
    jd.define(FakeUnit({"b": 2}, deps=["a"]))
    result = es.lookup_blocking([(jd, ALL)], ["a"])
    assert result["a"].address == 1
    assert jd.symbols["a"].state is SymbolState.READY
    assert jd.symbols["b"].state is SymbolState.READY


def test_failure_reaches_every_waiter_and_dependent(es: ExecutionSession) -> None:
    jd = es.create_jit_dylib("main")
    root = RuntimeError("boom in c")
    jd.define(FakeUnit({"a": 1}, deps=["c"]))
    jd.define(FakeUnit({"c": 3}, fail=root))
    with pytest.raises(RuntimeError) as err:
        es.lookup_blocking([(jd, ALL)], ["a"])
    assert err.value is root
    with pytest.raises(RuntimeError):  # a later lookup sees the failure too, no hang
        es.lookup_blocking([(jd, ALL)], ["c"])


def test_long_dependency_chain_uses_bounded_stack(es: ExecutionSession) -> None:
    jd = es.create_jit_dylib("main")
    n = 3000  # deeper than Python's recursion limit if links nested
    for i in range(n):
        jd.define(FakeUnit({f"f{i}": 0x1000 + i}, deps=[f"f{i + 1}"] if i + 1 < n else []))
    assert es.lookup_blocking([(jd, ALL)], ["f0"])["f0"].address == 0x1000
    assert all(jd.symbols[f"f{i}"].state is SymbolState.READY for i in range(0, n, 97))


def test_generator_defines_on_demand(es: ExecutionSession) -> None:
    jd = es.create_jit_dylib("main")
    asked: list[list[str]] = []

    class Gen:
        def try_to_generate(self, jd, flags, names):  # type: ignore[no-untyped-def]
            asked.append(sorted(names))
            jd.define_absolute({n: (0x5000, F.EXPORTED) for n in names if n.startswith("g")})

    jd.add_generator(Gen())
    assert es.lookup_blocking([(jd, ALL)], ["g1"])["g1"].address == 0x5000
    with pytest.raises(SymbolsNotFound):
        es.lookup_blocking([(jd, ALL)], ["zzz"])
    assert asked == [["g1"], ["zzz"]]
