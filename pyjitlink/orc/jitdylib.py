"""JITDylib: a symbol table with a link order and definition generators (ORC's JITDylib)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Protocol

from pyjitlink.errors import DuplicateDefinition
from pyjitlink.orc.resources import ResourceTracker
from pyjitlink.orc.symbols import JITDylibLookupFlags, SymbolFlags, SymbolState

if TYPE_CHECKING:
    from pyjitlink.orc.materialization import MaterializationResponsibility, MaterializationUnit
    from pyjitlink.orc.session import AsynchronousSymbolQuery, ExecutionSession


class DefinitionGenerator(Protocol):
    """Defines symbols on demand when a lookup does not find them in a JITDylib.

    ``try_to_generate`` may call ``jd.define(...)`` for any of ``names``; names it cannot
    provide it leaves alone. It runs with the session lock held and must not block.
    """

    def try_to_generate(self, jd: JITDylib, lookup_flags: JITDylibLookupFlags,
                        names: list[str]) -> None: ...


class SymbolTableEntry:
    """One name's definition in one JITDylib and where it is in its life."""

    __slots__ = (
        "address",
        "error",
        "flags",
        "jd",
        "mr",
        "mu",
        "name",
        "origin",
        "queries",
        "state",
        "tracker",
    )

    def __init__(self, name: str, jd: JITDylib, flags: SymbolFlags,
                 mu: MaterializationUnit | None, tracker: ResourceTracker,
                 origin: str | None) -> None:
        self.name = name
        self.jd = jd
        self.flags = flags
        self.state = SymbolState.NEVER_SEARCHED
        self.address = 0
        self.mu = mu
        self.mr: MaterializationResponsibility | None = None
        self.tracker = tracker
        self.queries: list[AsynchronousSymbolQuery] = []
        self.error: Exception | None = None
        self.origin = origin  # the file (or "-abs"...) that defined it, for messages

    def __repr__(self) -> str:
        return f"<{self.jd.name}:{self.name} {self.state.name} {self.address:#x}>"


class JITDylib:
    """A named symbol table: definitions, a link order to search, generators for the rest.

    The link order is a list of (JITDylib, JITDylibLookupFlags); by default it holds only the
    JITDylib itself, matching all its symbols, as in ORC.
    """

    def __init__(self, session: ExecutionSession, name: str) -> None:
        """An empty JITDylib ``name`` of ``session``; make one with
        ``ExecutionSession.create_jit_dylib`` (or ``Session.create_jd``), which registers it."""
        self.session = session
        self.name = name
        self.symbols: dict[str, SymbolTableEntry] = {}
        self.generators: list[DefinitionGenerator] = []
        self.link_order: list[tuple[JITDylib, JITDylibLookupFlags]] = [
            (self, JITDylibLookupFlags.MATCH_ALL_SYMBOLS)]
        self.default_tracker = ResourceTracker(self)

    # ------------------------------------------------------------------ link order, generators

    def set_link_order(self, order: Iterable[tuple[JITDylib, JITDylibLookupFlags]],
                       link_against_this_jd_first: bool = True) -> None:
        """Replace the link order with ``order``, a list of (JITDylib, JITDylibLookupFlags) searched
        in turn; with ``link_against_this_jd_first`` this JITDylib (all symbols) is put first unless
        it is there already (``JITDylib::setLinkOrder``)."""
        order = list(order)
        if link_against_this_jd_first and (not order or order[0][0] is not self):
            order.insert(0, (self, JITDylibLookupFlags.MATCH_ALL_SYMBOLS))
        self.link_order = order

    def add_to_link_order(self, jd: JITDylib, flags: JITDylibLookupFlags =
                          JITDylibLookupFlags.MATCH_EXPORTED_SYMBOLS_ONLY) -> None:
        """Append ``jd`` with ``flags`` (exported symbols only by default) to the link order, unless
        it is in it already (``JITDylib::addToLinkOrder``)."""
        if all(j is not jd for j, _ in self.link_order):
            self.link_order.append((jd, flags))

    def add_generator(self, generator: DefinitionGenerator) -> DefinitionGenerator:
        """Add a definition generator (``try_to_generate(jd, lookup_flags, names)``: define what it
        can of ``names``), asked in order for names a lookup does not find here
        (``JITDylib::addGenerator``); returns it."""
        self.generators.append(generator)
        return generator

    def create_resource_tracker(self) -> ResourceTracker:
        """A new ResourceTracker of this JITDylib: pass it when adding code, and ``remove()`` it (or
        ``Session.remove`` it) to take that code out again (``JITDylib::createResourceTracker``)."""
        return ResourceTracker(self)

    # ------------------------------------------------------------------ definitions

    def define(self, mu: MaterializationUnit, tracker: ResourceTracker | None = None) -> None:
        """Add ``mu``'s symbols; raise DuplicateDefinition for strong-vs-strong clashes.

        Weak-vs-strong keeps the strong one (the weak unit is told to discard the name, if it
        has not started materializing); weak-vs-weak keeps the first. Rules from ORC's
        JITDylib::defineImpl. Nothing is changed if an error is raised.
        """
        with self.session.lock:
            tracker = tracker or self.default_tracker
            keep: dict[str, SymbolFlags] = {}
            override: list[SymbolTableEntry] = []
            for name, flags in mu.symbols.items():
                existing = self.symbols.get(name)
                if existing is None:
                    keep[name] = flags
                elif flags & SymbolFlags.WEAK:
                    continue  # the existing definition wins; this unit discards its copy
                elif existing.flags & SymbolFlags.WEAK and \
                        existing.state is SymbolState.NEVER_SEARCHED:
                    override.append(existing)
                    keep[name] = flags
                else:
                    raise DuplicateDefinition(name, mu.origin, existing.origin)
            for name in list(mu.symbols):
                if name not in keep:
                    mu.discard(self, name)
            for existing in override:
                assert existing.mu is not None
                existing.mu.discard(self, existing.name)
                del self.symbols[existing.name]
            for name, flags in keep.items():
                self.symbols[name] = SymbolTableEntry(name, self, flags, mu, tracker, mu.origin)
            if not mu.symbols:
                return
            mu.on_defined(self)

    def define_absolute(self, symbols: Mapping[str, tuple[int, SymbolFlags]],
                        origin: str | None = None,
                        tracker: ResourceTracker | None = None) -> None:
        """Define names at fixed addresses; they are ready at once (ORC's absoluteSymbols)."""
        with self.session.lock:
            for name, (_, flags) in symbols.items():
                existing = self.symbols.get(name)
                if existing is not None and not (flags & SymbolFlags.WEAK) and not (
                        existing.flags & SymbolFlags.WEAK and
                        existing.state is SymbolState.NEVER_SEARCHED):
                    raise DuplicateDefinition(name, origin, existing.origin)
            for name, (address, flags) in symbols.items():
                existing = self.symbols.get(name)
                if existing is not None:
                    if flags & SymbolFlags.WEAK:
                        continue
                    assert existing.mu is not None
                    existing.mu.discard(self, name)
                entry = SymbolTableEntry(name, self, flags, None,
                                         tracker or self.default_tracker, origin)
                entry.address = address
                entry.state = SymbolState.READY
                self.symbols[name] = entry

    def lookup_flags(self, name: str) -> SymbolFlags | None:
        """The SymbolFlags of ``name`` if this JITDylib defines it (generators are not asked), else
        None."""
        entry = self.symbols.get(name)
        return None if entry is None else entry.flags

    def clear(self) -> None:
        """Remove everything: every tracker's resources and every symbol."""
        self.session.clear_jit_dylib(self)

    def __repr__(self) -> str:
        return f"<JITDylib {self.name}>"
