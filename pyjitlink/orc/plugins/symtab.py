"""``-write-symtab FILE`` and ``-symbolicate-with FILE``, as in llvm-jitlink (LLVM's
SymbolTableDumpPlugin and DumpedSymbolTable, Orc/Debugging/BacktraceTools).

The table is text: for each linked graph a line with its name in double quotes, then one line
``ADDRESS NAME`` (hex, no ``0x``) per named symbol of its allocated sections, written when the
graph's addresses are assigned (post-allocation, so a crash during the run still finds it).
Symbolication reads it back and rewrites every backtrace line whose last column is a hex
address (``0x`` optional) as ``<line> NAME[ + DELTA] (GRAPH)``, using the nearest symbol at or
below the address within 2 GiB (DELTA in decimal); other lines are copied unchanged.
"""

from __future__ import annotations

import bisect
import threading
from typing import TextIO

from pyjitlink.errors import PyJITLinkError
from pyjitlink.jitlink.graph import LinkGraph, MemLifetime


class SymbolTableDumpPlugin:
    """ObjectLinkingLayer plugin appending each graph's symbols to ``stream``."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.lock = threading.Lock()

    def modify_pass_config(self, mr, graph: LinkGraph, config) -> None:  # type: ignore[no-untyped-def]
        config.post_allocation_passes.append(self._dump)

    def _dump(self, graph: LinkGraph) -> None:
        lines = [f'"{graph.name}"\n']
        for section in graph.sections.values():
            # No-alloc sections do not exist in the executing process.
            if section.lifetime is MemLifetime.NO_ALLOC:
                continue
            for sym in section.symbols:
                if sym.name:
                    lines.append(f"{sym.address:x} {sym.name}\n")
        with self.lock:
            try:
                self.stream.write("".join(lines))
                self.stream.flush()
            except OSError as err:  # a full disk, /dev/full: the error names the file
                raise PyJITLinkError(err.strerror or str(err),
                                     getattr(self.stream, "name", None)) from None

    def notify_emitted(self, mr, graph: LinkGraph, alloc) -> None:  # type: ignore[no-untyped-def]
        pass

    def notify_remove_resources(self, tracker) -> None:  # type: ignore[no-untyped-def]
        pass


def _hex(text: str) -> int | None:
    if text.startswith("0x"):
        text = text[2:]
    if not text:
        return None
    try:
        return int(text, 16)
    except ValueError:
        return None


class DumpedSymbolTable:
    """A symbol table written by SymbolTableDumpPlugin, for symbolicating backtraces."""

    def __init__(self, text: str) -> None:
        symbols: dict[int, tuple[str, str]] = {}
        graph = "<unidentified>"
        for row in text.split("\n"):
            row = row.strip()
            if not row:
                continue
            if row.startswith('"') and row.endswith('"') and len(row) >= 2:
                graph = row.strip('"')
                continue
            address_text, space, name = row.partition(" ")
            address = _hex(address_text)
            if not space or address is None:
                continue  # a malformed line
            symbols[address] = (name, graph)
        self.addresses = sorted(symbols)
        self.symbols = symbols

    def symbolicate(self, backtrace: str) -> str:
        """``backtrace`` with every row that ends in a hex address named (see the module)."""
        out = []
        for row in backtrace.split("\n"):
            start, space, column = row.rstrip().rpartition(" ")
            address = _hex(column) if space else None
            if address is None:
                out.append(row + "\n")
                continue
            index = bisect.bisect_right(self.addresses, address) - 1
            if index < 0 or address - self.addresses[index] >= 1 << 31:
                out.append(row + "\n")
                continue
            symbol_address = self.addresses[index]
            name, graph = self.symbols[symbol_address]
            delta = address - symbol_address
            out.append(f"{start} {column} {name}{f' + {delta}' if delta else ''} ({graph})\n")
        return "".join(out)
