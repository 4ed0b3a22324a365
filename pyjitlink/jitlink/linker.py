"""The link of one LinkGraph as phases joined by continuations (LLVM's JITLinkerBase).

    build graph -> pre-prune -> dead-strip -> post-prune -> allocate (async)
      -> post-allocation -> notify_resolved -> look up externals (async)
      -> pre-fixup -> apply fixups -> post-fixup -> finalize (async) -> notify_finalized

Each asynchronous step hands a continuation to the context or the memory manager and returns;
no step blocks a thread waiting for another link. Any error ends the link through
``ctx.notify_failed`` exactly once.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Mapping
from typing import Protocol

from pyjitlink.errors import JITLinkError, MalformedObject, PyJITLinkError
from pyjitlink.jitlink.graph import Block, Edge, GenericEdgeKind, LinkGraph
from pyjitlink.jitlink.memory import FinalizedAlloc, InFlightAlloc, MemoryManager
from pyjitlink.jitlink.passes import Pass, PassConfiguration, dead_strip

FixupFunction = Callable[[LinkGraph, Block, Edge], None]
# Applies every edge of one block (an architecture's loop with its common kinds inlined);
# raises struct.error naming nothing, like a FixupFunction, if a field passes the block's end.
BlockFixupFunction = Callable[[LinkGraph, Block], None]

# The answer to an external lookup: name -> address, or the error that ended the lookup.
LookupResult = Mapping[str, int] | Exception


class JITLinkContext(Protocol):
    """What a link needs from its caller (LLVM's JITLinkContext)."""

    memory_manager: MemoryManager

    def notify_failed(self, err: Exception) -> None: ...

    def lookup(self, symbols: Mapping[str, bool],
               on_result: Callable[[LookupResult], None]) -> None:
        """Resolve ``symbols`` (name -> required?); call ``on_result`` once, maybe later."""

    def notify_resolved(self, graph: LinkGraph) -> None: ...

    def notify_finalized(self, alloc: FinalizedAlloc) -> None: ...

    def modify_pass_config(self, graph: LinkGraph, config: PassConfiguration) -> None: ...


def _run(passes: list[Pass], graph: LinkGraph) -> None:
    for p in passes:
        p(graph)


def apply_fixups(graph: LinkGraph, fixup: FixupFunction,
                 block_fixup: BlockFixupFunction | None = None) -> None:
    """Apply every edge of every block with the architecture's ``fixup`` function, or block by
    block with ``block_fixup`` (which must write what ``fixup`` would, edge by edge).

    Raises MalformedObject when an edge's field extends past the end of its block.
    """
    for section in graph.sections.values():
        for block in section.blocks:
            if not block.edges:
                continue
            if block_fixup is not None:
                try:
                    block_fixup(graph, block)
                    continue
                except struct.error:
                    pass  # find the edge at fault below, one edge at a time
            for edge in block.edges:
                if edge.kind > GenericEdgeKind.KeepAlive:
                    try:
                        fixup(graph, block, edge)
                    except struct.error:
                        raise MalformedObject(
                            f"fixup {graph.edge_kind_name(edge.kind)} at {section.name}+"
                            f"{edge.offset:#x} extends past the end of its block", graph.name
                        ) from None


def link(graph: LinkGraph, ctx: JITLinkContext, config: PassConfiguration,
         fixup: FixupFunction, block_fixup: BlockFixupFunction | None = None) -> None:
    """Link ``graph`` through every phase; the outcome reaches ``ctx`` (failed or finalized).
    ``fixup`` and ``block_fixup`` are the architecture's, as for apply_fixups."""
    done = False
    in_flight: InFlightAlloc | None = None

    def fail(err: Exception) -> None:
        nonlocal done
        if done:
            return
        done = True
        if isinstance(err, PyJITLinkError) and err.file is None:
            err.file = graph.name
        ctx.notify_failed(err)

    def phase1() -> None:
        ctx.modify_pass_config(graph, config)
        _run(config.pre_prune_passes, graph)
        dead_strip(graph)
        _run(config.post_prune_passes, graph)
        ctx.memory_manager.allocate(graph, guarded(phase2))

    def phase2(alloc: InFlightAlloc | Exception) -> None:
        if isinstance(alloc, Exception):
            return fail(alloc)
        nonlocal in_flight
        in_flight = alloc
        _run(config.post_allocation_passes, graph)
        ctx.notify_resolved(graph)
        request = {name: not sym.weakly_referenced
                   for name, sym in graph.external_symbols.items()}
        ctx.lookup(request, guarded(phase3))

    def phase3(result: LookupResult) -> None:
        if isinstance(result, Exception):
            return fail(result)
        for name, sym in graph.external_symbols.items():
            address = result.get(name)
            if address is None:
                if not sym.weakly_referenced:
                    raise JITLinkError(f"lookup did not return a required symbol {name}")
                address = 0
            sym.absolute_address = address
        _run(config.pre_fixup_passes, graph)
        apply_fixups(graph, fixup, block_fixup)
        _run(config.post_fixup_passes, graph)
        assert in_flight is not None
        in_flight.finalize(guarded(phase4))

    def phase4(alloc: FinalizedAlloc | Exception) -> None:
        nonlocal done
        if isinstance(alloc, Exception):
            return fail(alloc)
        done = True
        ctx.notify_finalized(alloc)

    def guarded(step):  # type: ignore[no-untyped-def]
        def run(*args):  # type: ignore[no-untyped-def]
            try:
                step(*args)
            except PyJITLinkError as err:
                if in_flight is not None:
                    in_flight.abandon()
                fail(err)
        return run

    guarded(phase1)()
