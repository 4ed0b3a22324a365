"""TableManager: one GOT, PLT or stub entry per target symbol, made on demand (as LLVM's)."""

from __future__ import annotations

from collections.abc import Callable

from pyjitlink.jitlink.graph import Block, Edge, LinkGraph, Symbol


class TableManager:
    """Makes entries of one table (a section of equal-sized blocks) on demand, one per target.

    Subclasses give ``section_name``, ``create_entry(graph, target) -> Symbol`` and
    ``visit_edge(graph, block, edge) -> bool`` (rewrite an edge that needs an entry; return
    True if it was handled).
    """

    section_name = "$__TABLE"

    def __init__(self) -> None:
        # Keyed by the target Symbol itself (symbols hash by identity).
        self.entries: dict[Symbol, Symbol] = {}

    def get_entry_for_target(self, graph: LinkGraph, target: Symbol) -> Symbol:
        entry = self.entries.get(target)
        if entry is None:
            entry = self.entries[target] = self.create_entry(graph, target)
        return entry

    def find_entry(self, target: Symbol) -> Symbol | None:
        return self.entries.get(target)

    def create_entry(self, graph: LinkGraph, target: Symbol) -> Symbol:
        raise NotImplementedError

    def visit_edge(self, graph: LinkGraph, block: Block, edge: Edge) -> bool:
        raise NotImplementedError


def visit_existing_edges(graph: LinkGraph, *visitors: Callable[[LinkGraph, Block, Edge], bool]
                         ) -> None:
    """Offer every edge present now to each visitor in turn until one handles it.

    Blocks the visitors add (the table entries) are not visited, as in LLVM's
    visitExistingEdges.
    """
    blocks = list(graph.blocks())
    for block in blocks:
        for edge in list(block.edges):
            for visit in visitors:
                if visit(graph, block, edge):
                    break
