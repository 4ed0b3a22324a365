"""IFuncPlugin: IFUNC lowering for an executor with an IRELATIVE table (the emulated Linux
process, executors/linux/ifunc.py's IRelativeTable).

Each STT_GNU_IFUNC symbol (an ELF builder lists them, jitlink/ifunc.py) is moved onto a
stub that jumps through a pointer slot (AArch64 ``adrp x16; ldr x16; br x16``, x86-64
``jmp *slot(%rip)``); the resolver keeps an anonymous symbol. After allocation the plugin
adds one IRELATIVE relocation (slot, resolver) to the service: glibc's ``apply_irel``
calls each resolver and stores the result in the slot, before ``main``
(csu/libc-start.c).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from pyjitlink.executors.services import IRelativeService
from pyjitlink.jitlink.graph import Block, GenericEdgeKind, LinkGraph, MemProt, Section, Symbol
from pyjitlink.jitlink.ifunc import IFUNC_SYMBOLS
from pyjitlink.jitlink.memory import FinalizedAlloc
from pyjitlink.jitlink.passes import PassConfiguration
from pyjitlink.orc.materialization import MaterializationResponsibility
from pyjitlink.orc.resources import ResourceTracker
from pyjitlink.jitlink.target import Arch

STUB_SECTION, SLOT_SECTION = "$__IFUNC_STUBS", "$__IFUNC_SLOTS"


def _aarch64_stub(graph: LinkGraph, section: Section, slot: Symbol) -> Block:
    """adrp x16, slot; ldr x16, [x16, :lo12:slot]; br x16."""
    from pyjitlink.arch import aarch64  # imported only for AArch64 graphs

    block = graph.create_content_block(section, aarch64.POINTER_JUMP_STUB, alignment=4)
    block.add_edge(aarch64.EdgeKind.Page21, 0, slot, 0)
    block.add_edge(aarch64.EdgeKind.PageOffset12, 4, slot, 0)
    return block


def _x86_64_stub(graph: LinkGraph, section: Section, slot: Symbol) -> Block:
    """jmp *slot(%rip)."""
    from pyjitlink.arch import x86_64  # imported only for x86-64 graphs

    block = graph.create_content_block(section, x86_64.POINTER_JUMP_STUB, alignment=2)
    block.add_edge(x86_64.EdgeKind.Delta32, 2, slot, -4)
    return block


# A stub that jumps through a pointer slot, per architecture (the slot is the first edge's
# target).
POINTER_JUMP_STUBS: dict[str, Callable[[LinkGraph, Section, Symbol], Block]] = {
    "aarch64": _aarch64_stub, Arch.X86_64: _x86_64_stub}


class IFuncPlugin:
    """ObjectLinkingLayer plugin: lowers IFUNC symbols and fills the service's table."""

    def __init__(self, table: IRelativeService) -> None:
        self.table = table

    def modify_pass_config(self, mr: MaterializationResponsibility, graph: LinkGraph,
                           config: PassConfiguration) -> None:
        if graph.target_data.get(IFUNC_SYMBOLS):
            pairs: list[tuple[Symbol, Symbol]] = []
            config.pre_prune_passes.append(lambda g: self._lower(g, pairs))
            config.post_allocation_passes.append(lambda g: self._record(g, pairs))

    def _lower(self, graph: LinkGraph, pairs: list[tuple[Symbol, Symbol]]) -> None:
        symbols = cast("list[Symbol]", graph.target_data.pop(IFUNC_SYMBOLS))
        stubs: dict[tuple[int, int], Symbol] = {}
        for sym in symbols:
            if sym.block is None:
                continue  # replaced by another unit's definition
            key = (id(sym.block), sym.offset)
            stub = stubs.get(key)
            if stub is None:
                resolver = graph.add_anonymous_symbol(sym.block, sym.offset, callable=True)
                stub = stubs[key] = self._make_stub(graph, resolver)
                pairs.append((stub, resolver))
            sym.block, sym.offset, sym.size = stub.block, 0, stub.size

    @staticmethod
    def _make_stub(graph: LinkGraph, resolver: Symbol) -> Symbol:
        slots = graph.get_or_create_section(SLOT_SECTION, MemProt.READ | MemProt.WRITE)
        slot_block = graph.create_content_block(slots, bytes(8), alignment=8)
        slot_block.add_edge(GenericEdgeKind.KeepAlive, 0, resolver, 0)
        slot = graph.add_anonymous_symbol(slot_block, 0, 8, live=True)
        stubs = graph.get_or_create_section(STUB_SECTION, MemProt.READ | MemProt.EXEC)
        block = POINTER_JUMP_STUBS[graph.arch](graph, stubs, slot)
        return graph.add_anonymous_symbol(block, 0, len(block.content or b""),
                                          callable=True, live=True)

    def _record(self, graph: LinkGraph, pairs: list[tuple[Symbol, Symbol]]) -> None:
        for stub, resolver in pairs:
            assert stub.block is not None
            slot = stub.block.edges[0].target
            self.table.add(slot.address, resolver.address, graph.name)

    def notify_emitted(self, mr: MaterializationResponsibility, graph: LinkGraph,
                       alloc: FinalizedAlloc) -> None:
        pass

    def notify_remove_resources(self, tracker: ResourceTracker) -> None:
        pass

