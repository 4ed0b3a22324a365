"""Pass lists of a link and the generic passes: marking live symbols and dead-stripping."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from pyjitlink.jitlink.graph import Block, LinkGraph, Scope, Symbol, SymbolKind

Pass = Callable[[LinkGraph], None]


@dataclass(slots=True)
class PassConfiguration:
    """The five pass lists of LLVM's PassConfiguration, run in this order around the link.

    pre_prune: before dead-stripping (mark live roots, split .eh_frame);
    post_prune: after it (GOT/PLT/stub synthesis; blocks added here survive);
    post_allocation: addresses are known, external addresses not yet;
    pre_fixup: externals resolved (relaxation);
    post_fixup: after every edge is applied (checker info, dumps).
    """

    pre_prune_passes: list[Pass] = field(default_factory=list)
    post_prune_passes: list[Pass] = field(default_factory=list)
    post_allocation_passes: list[Pass] = field(default_factory=list)
    pre_fixup_passes: list[Pass] = field(default_factory=list)
    post_fixup_passes: list[Pass] = field(default_factory=list)


def mark_all_symbols_live(graph: LinkGraph) -> None:
    """Mark every defined symbol live: for ``-noexec`` style links that strip nothing."""
    for sym in graph.defined_symbols():
        sym.live = True


def mark_non_local_symbols_live(graph: LinkGraph) -> None:
    """Mark every defined symbol that another graph may bind to (default or hidden scope)."""
    for sym in graph.defined_symbols():
        if sym.scope is not Scope.LOCAL:
            sym.live = True


def dead_strip(graph: LinkGraph) -> None:
    """Remove blocks no live symbol reaches through edges, and the symbols in them.

    Roots are symbols marked live; edges (including KeepAlive edges) propagate liveness from a
    block to its targets' blocks. External symbols no live edge refers to are dropped, so they
    are never looked up. Same rule as LLVM's jitlink::prune.
    """
    # Blocks and symbols hash by identity (eq=False), so they key the sets themselves.
    live_blocks: set[Block] = set()
    worklist: list[Block] = []
    referenced: set[Symbol] = set()
    add_live = live_blocks.add
    push = worklist.append
    for section in graph.sections.values():
        for sym in section.symbols:
            if sym.live:
                block = sym.block
                if block not in live_blocks:
                    add_live(block)  # type: ignore[arg-type]
                    push(block)  # type: ignore[arg-type]
    for sym in graph.absolute_symbols:
        if sym.live:
            referenced.add(sym)
    add_referenced = referenced.add
    while worklist:
        for edge in worklist.pop().edges:
            target = edge.target
            block = target.block  # None exactly for external and absolute symbols
            if block is None:
                add_referenced(target)
            elif block not in live_blocks:
                add_live(block)
                push(block)

    for section in graph.sections.values():
        blocks = section.blocks
        if not live_blocks.issuperset(blocks):
            section.blocks = [b for b in blocks if b in live_blocks]
        symbols: list[Symbol] = []
        keep = symbols.append
        for sym in section.symbols:
            if sym.block in live_blocks:
                sym.live = True
                keep(sym)
        section.symbols = symbols
    graph.external_symbols = {name: sym for name, sym in graph.external_symbols.items()
                              if sym in referenced}
    graph.absolute_symbols = [s for s in graph.absolute_symbols
                              if s in referenced or s.live]


# name -> (section name, True for its start / False for its end), or None for other names.
SectionBoundary = Callable[[str], "tuple[str, bool] | None"]


def keep_bounded_sections_alive(graph: LinkGraph, boundary: SectionBoundary,
                                prefixes: tuple[str, ...] = ("",)) -> None:
    """Pre-prune pass: a section whose start or end symbol the graph refers to (ELF's
    ``__start_X``/``__stop_X``, Mach-O's ``section$start$SEG$SECT``) stays whole, as ld keeps
    a section its ``__start_``/``__stop_`` symbols name: code walks it from start to end, so
    none of its entries may be dead-stripped. Only names starting with one of ``prefixes``
    (every name by default) are offered to ``boundary``."""
    for name in graph.external_symbols:
        if not name.startswith(prefixes):
            continue
        found = boundary(name)
        section = graph.sections.get(found[0]) if found is not None else None
        if section is not None:
            for block in section.blocks:
                graph.add_anonymous_symbol(block, 0, live=True)


def define_section_boundaries(graph: LinkGraph, boundary: SectionBoundary,
                              prefixes: tuple[str, ...] = ("",)) -> None:
    """Post-allocation pass: bind section start and end symbols the graph refers to, to the
    address of its section's first byte or one past its last (LLVM's
    DefineExternalSectionStartAndEndSymbols; the section is this graph's part of it). A name
    whose section the graph lacks stays external, to be looked up as usual. ``prefixes`` as
    for keep_bounded_sections_alive."""
    for name, sym in [(n, s) for n, s in graph.external_symbols.items()
                      if n.startswith(prefixes)]:
        found = boundary(name)
        section = graph.sections.get(found[0]) if found is not None else None
        if found is None or section is None or not section.blocks:
            continue
        if found[1]:
            address = min(b.address for b in section.blocks)
        else:
            address = max(b.address + b.size for b in section.blocks)
        del graph.external_symbols[name]
        sym.kind = SymbolKind.ABSOLUTE
        sym.absolute_address = address
        sym.scope = Scope.HIDDEN
        graph.absolute_symbols.append(sym)


def add_section_boundary_passes(config: PassConfiguration, boundary: SectionBoundary,
                                prefixes: tuple[str, ...] = ("",)) -> None:
    """The two passes above, in ``config``; ``prefixes``: every name ``boundary`` recognises
    starts with one of them (a cheap filter over a graph's externals)."""
    config.pre_prune_passes.append(partial(keep_bounded_sections_alive, boundary=boundary,
                                           prefixes=prefixes))
    config.post_allocation_passes.append(partial(define_section_boundaries, boundary=boundary,
                                                 prefixes=prefixes))
