"""What an executor knows about the code it runs, for fault reports: each linked graph's
defined symbols, its source lines (DWARF ``.debug_line``, supplied by the debug-info plugin as
a lookup function) and its ``.eh_frame`` records (for unwinding), kept per resource tracker.

One SymbolMapService (executors/services.py) shared by the native and the emulated
executor; orc/plugins/symbol_map.py's plugin fills it.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Callable

from pyjitlink.executors.services import LineLookup
from pyjitlink.jitlink.graph import LinkGraph
from pyjitlink.jitlink.unwind import Reader, fde_table


class SymbolMap:
    """Defined symbols of every linked graph by address, for fault messages."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.by_tracker: dict[int, list[tuple[int, int, str, str]]] = {}
        self.starts: list[int] = []
        self.entries: list[tuple[int, int, str, str]] = []  # (address, size, name, file)
        # entries/starts are rebuilt on the first find after a change, not per added graph
        # (sorting everything once per graph made a many-object link quadratic).
        self._stale = False

    def add(self, tracker: int, graph: LinkGraph) -> None:
        found = []
        for sym in graph.defined_symbols():
            # Not AArch64 mapping symbols ($x, $d) nor assembler-local labels (.LC0).
            if sym.name and sym.block is not None and not sym.name.startswith(("$", ".L")):
                found.append((sym.address, sym.size, sym.name, graph.name))
        with self.lock:
            self.by_tracker.setdefault(tracker, []).extend(found)
            self._stale = True

    def remove(self, tracker: int) -> None:
        with self.lock:
            if self.by_tracker.pop(tracker, None) is not None:
                self._stale = True

    def snapshot(self) -> list[tuple[int, int, str, str]]:
        """Every recorded (address, size in bytes, name, file), of all trackers."""
        with self.lock:
            return [row for rows in self.by_tracker.values() for row in rows]

    def restore(self, tracker: int, rows: list[tuple[int, int, str, str]]) -> None:
        """Record the rows of a ``snapshot()`` as ``tracker``'s (``id`` of its
        ResourceTracker: removing it forgets them)."""
        with self.lock:
            self.by_tracker.setdefault(tracker, []).extend(rows)
            self._stale = True

    def _rebuild(self) -> None:
        self.entries = sorted((e for es in self.by_tracker.values() for e in es),
                              key=lambda e: (e[0], -e[1]))
        self.starts = [e[0] for e in self.entries]
        self._stale = False

    def find(self, address: int) -> tuple[str, int, str] | None:
        """(symbol, offset, file) of the symbol containing ``address``, if any."""
        with self.lock:
            if self._stale:
                self._rebuild()
            index = bisect.bisect_right(self.starts, address) - 1
            best = None
            while index >= 0:
                start, size, name, file = self.entries[index]
                if address < start + max(size, 1):
                    return name, address - start, file
                if best is None and size == 0:
                    best = (name, address - start, file)
                if address - start > 1 << 20:
                    break
                index -= 1
            return best


class Symbolizer:
    """Symbols, source lines and unwind records of the linked code, per resource tracker
    (keys are ``id(tracker)``)."""

    def __init__(self) -> None:
        self.symbols = SymbolMap()
        self.lock = threading.Lock()
        self.lines: dict[int, list[tuple[int, int, LineLookup]]] = {}  # (start, end, lookup)
        self.eh_records: dict[int, list[int]] = {}
        self._fdes: list[tuple[int, int, int]] | None = None
        # tracker -> (how many of its eh_records are parsed, their FDE rows)
        self._fde_rows: dict[int, tuple[int, list[tuple[int, int, int]]]] = {}
        self._fde_starts: list[int] = []

    def add_graph(self, tracker: int, graph: LinkGraph) -> None:
        """Record ``graph``'s defined symbols (after fixups: addresses are final)."""
        self.symbols.add(tracker, graph)

    def add_lines(self, tracker: int, start: int, end: int, lookup: LineLookup) -> None:
        """Source lines for addresses in [start, end)."""
        with self.lock:
            self.lines.setdefault(tracker, []).append((start, end, lookup))

    def add_eh_frame(self, tracker: int, record_addresses: list[int]) -> None:
        """The addresses of a linked ``.eh_frame``'s CIE and FDE records."""
        with self.lock:
            self.eh_records.setdefault(tracker, []).extend(record_addresses)
            self._fdes = None

    def has_lines(self) -> bool:
        """Whether any source lines were added (``add_lines``)."""
        with self.lock:
            return any(self.lines.values())

    def snapshot(self) -> tuple[list[tuple[int, int, str, str]], list[int]]:
        """(the symbol map's ``snapshot()``, the addresses of every recorded ``.eh_frame``
        CIE and FDE record), of all trackers; source lines are not part of it (their
        lookups hold parsed debug information: see ``has_lines``)."""
        with self.lock:
            records = [a for addresses in self.eh_records.values() for a in addresses]
        return self.symbols.snapshot(), records

    def restore(self, tracker: int,
                snapshot: tuple[list[tuple[int, int, str, str]], list[int]]) -> None:
        """Record a ``snapshot()``'s symbols and unwind records as ``tracker``'s."""
        rows, records = snapshot
        self.symbols.restore(tracker, rows)
        self.add_eh_frame(tracker, records)

    def remove(self, tracker: int) -> None:
        self.symbols.remove(tracker)
        with self.lock:
            self.lines.pop(tracker, None)
            if self.eh_records.pop(tracker, None) is not None:
                self._fde_rows.pop(tracker, None)
                self._fdes = None

    def find(self, address: int) -> tuple[str, int, str] | None:
        return self.symbols.find(address)

    def source(self, address: int) -> tuple[str, int] | None:
        """(file, line) of ``address`` from the DWARF of the object that holds it."""
        with self.lock:
            candidates = [lookup for ranges in self.lines.values()
                          for start, end, lookup in ranges if start <= address < end]
        for lookup in candidates:
            found = lookup(address)
            if found is not None:
                return found
        return None

    def fdes(self, read: Reader) -> list[tuple[int, int, int]]:
        """(pc_begin, pc_end, FDE address) of every recorded FDE, sorted (``read`` reads
        the linked records); cached until a graph is added or removed, and only records
        added since the last call are read."""
        with self.lock:
            if self._fdes is None:
                for tracker, records in self.eh_records.items():
                    done = self._fde_rows.setdefault(tracker, (0, []))
                    if done[0] < len(records):
                        rows = done[1] + fde_table(read, records[done[0]:])
                        self._fde_rows[tracker] = (len(records), rows)
                self._fdes = sorted(row for _, rows in self._fde_rows.values() for row in rows)
                self._fde_starts = [f[0] for f in self._fdes]
            return self._fdes

    def find_fde(self, read: Reader, pc: int) -> int | None:
        """Address of the FDE covering ``pc`` among the recorded ``.eh_frame`` records."""
        fdes = self.fdes(read)
        with self.lock:
            starts = self._fde_starts if self._fdes is fdes else [f[0] for f in fdes]
        index = bisect.bisect_right(starts, pc) - 1
        if index >= 0 and fdes[index][0] <= pc < fdes[index][1]:
            return fdes[index][2]
        return None

    def describe(self, address: int, returning: bool = False) -> str:
        """``symbol+0xN`` (or the bare address) of ``address``; with ``returning`` it is a
        return address, placed by the call just before it."""
        found = self.find(address - 1 if returning else address)
        if found is None:
            return f"{address:#x}"
        symbol, offset, _ = found
        offset += 1 if returning else 0
        return f"{symbol}+{offset:#x}" if offset else symbol

    def frame_line(self, number: int, address: int, returning: bool,
                   outside: Callable[[int], str | None] | None = None) -> str:
        """One backtrace line: ``  #N 0xADDR in symbol+0xOFF (object) at file:line``.

        ``outside(address)`` names code that is not linked here (a C library function)."""
        found = self.find(address - 1 if returning else address)
        if found is None:
            name = outside(address) if outside is not None else None
            return f"  #{number} {address:#x} in {name or '??'}"
        text = f"  #{number} {address:#x} in {self.describe(address, returning)} ({found[2]})"
        where = self.source(address - 1 if returning else address)
        if where is not None:
            text += f" at {where[0]}:{where[1]}"
        return text
