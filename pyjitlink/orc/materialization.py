"""MaterializationUnit and MaterializationResponsibility (ORC's Core.h contracts).

A MaterializationUnit promises definitions (its ``symbols``) and makes them real when asked
(``materialize``). While it works it holds a MaterializationResponsibility, through which it
reports addresses (``notify_resolved``), finalized memory (``notify_emitted``) or failure
(``fail_materialization``). Reports change symbol states in the session and wake queries.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from pyjitlink.orc.symbols import SymbolFlags

if TYPE_CHECKING:
    from pyjitlink.orc.jitdylib import JITDylib, SymbolTableEntry
    from pyjitlink.orc.resources import ResourceTracker
    from pyjitlink.orc.session import ExecutionSession


class MaterializationUnit:
    """Base class: ``symbols`` maps names to flags; ``origin`` names the source in messages."""

    def __init__(self, symbols: dict[str, SymbolFlags], origin: str | None = None) -> None:
        self.symbols = symbols
        self.origin = origin

    @property
    def name(self) -> str:
        return self.origin or type(self).__name__

    def materialize(self, r: MaterializationResponsibility) -> None:
        raise NotImplementedError

    def discard(self, jd: JITDylib, name: str) -> None:
        """Another definition of ``name`` won (weak/common resolution): forget ours."""
        self.symbols.pop(name, None)

    def on_defined(self, jd: JITDylib) -> None:
        """Called once the unit's symbols are in ``jd``'s table."""


class MaterializationResponsibility:
    """The right, and the duty, to materialize some symbols of one JITDylib.

    Exactly one of ``notify_emitted`` or ``fail_materialization`` ends it.
    """

    def __init__(self, session: ExecutionSession, jd: JITDylib, unit: MaterializationUnit,
                 entries: list[SymbolTableEntry], tracker: ResourceTracker) -> None:
        self.session = session
        self.jd = jd
        self.unit = unit
        self.entries = {e.name: e for e in entries}
        self.tracker = tracker
        self.dependencies: set[SymbolTableEntry] = set()
        self.finished = False

    @property
    def symbols(self) -> dict[str, SymbolFlags]:
        return {name: e.flags for name, e in self.entries.items()}

    def notify_resolved(self, addresses: Mapping[str, int]) -> None:
        """Every symbol of this responsibility now has its final address."""
        self.session.notify_resolved(self, addresses)

    def add_dependencies(self, entries: set[SymbolTableEntry]) -> None:
        """This unit's code refers to ``entries``: it is ready only when they are emitted."""
        self.dependencies |= entries

    def notify_emitted(self) -> None:
        """This unit's memory is finalized; its symbols become ready with their dependencies."""
        self.session.notify_emitted(self)

    def fail_materialization(self, err: Exception) -> None:
        """Materialization failed: every query waiting on these symbols fails with ``err``."""
        self.session.notify_failed(self, err)


class AbsoluteSymbolsMaterializationUnit(MaterializationUnit):
    """Names at fixed addresses (ORC's absoluteSymbols): resolved and emitted as soon as a
    lookup asks for them, with nothing to link."""

    def __init__(self, symbols: Mapping[str, tuple[int, SymbolFlags]]) -> None:
        super().__init__({name: flags for name, (_, flags) in symbols.items()},
                         "<Absolute Symbols>")
        self.addresses = {name: address for name, (address, _) in symbols.items()}

    def materialize(self, r: MaterializationResponsibility) -> None:
        r.notify_resolved({name: self.addresses[name] for name in r.entries})
        r.notify_emitted()
