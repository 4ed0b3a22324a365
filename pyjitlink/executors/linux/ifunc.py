"""IFUNC lowering for the emulated Linux process: a stub and a slot per resolver, and the
IRELATIVE table glibc's static start-up applies.

Each STT_GNU_IFUNC symbol (an ELF builder lists them, jitlink/ifunc.py) is moved onto a
stub that jumps through a pointer slot (AArch64 ``adrp x16; ldr x16; br x16``, x86-64
``jmp *slot(%rip)``); the resolver keeps an anonymous symbol. After allocation the plugin
adds one IRELATIVE relocation (slot, resolver) to ``IRelativeTable``: glibc's
``apply_irel`` calls each resolver with the AT_HWCAP the process advertises and stores the
result in the slot, before ``main`` and before TLS set-up (csu/libc-start.c).
"""

from __future__ import annotations

import struct
import threading

from pyjitlink.arch import aarch64, x86_64
from pyjitlink.errors import ExecutionError
from pyjitlink.jitlink.graph import GenericEdgeKind, LinkGraph, MemProt, Symbol
from pyjitlink.jitlink.ifunc import IFUNC_SYMBOLS
from pyjitlink.jitlink.passes import PassConfiguration

R_IRELATIVE = {"aarch64": 1032, "x86_64": 37}  # R_AARCH64_IRELATIVE, R_X86_64_IRELATIVE
STUB_SECTION, SLOT_SECTION = "$__IFUNC_STUBS", "$__IFUNC_SLOTS"


class IRelativeTable:
    """``capacity`` Elf64_Rela records at ``address`` (emulated memory, written through
    ``buffer``) between ``__rela_iplt_start`` and ``__rela_iplt_end``. Unused records are
    IRELATIVE too (glibc rejects any other type): their resolver is ``noop`` (a ``ret``)
    and their slot ``scratch``."""

    def __init__(self, arch: str, buffer, address: int, capacity: int,  # type: ignore[no-untyped-def]
                 noop: int, scratch: int) -> None:
        self.arch = arch
        self.buffer = buffer
        self.address = address
        self.capacity = capacity
        self.count = 0
        self.lock = threading.Lock()
        for index in range(capacity):
            self._write(index, scratch, noop)

    @property
    def end(self) -> int:
        return self.address + 24 * self.capacity

    def _write(self, index: int, slot: int, resolver: int) -> None:
        at = self.address + 24 * index
        self.buffer[at:at + 24] = struct.pack("<QQq", slot, R_IRELATIVE[self.arch], resolver)

    def add(self, slot: int, resolver: int, name: str) -> None:
        with self.lock:
            if self.count == self.capacity:
                raise ExecutionError(f"more than {self.capacity} IFUNC symbols: the "
                                     f"emulated process's IRELATIVE table is full", name)
            self._write(self.count, slot, resolver)
            self.count += 1


class IFuncPlugin:
    """ObjectLinkingLayer plugin: lowers IFUNC symbols and fills ``table``."""

    def __init__(self, table: IRelativeTable) -> None:
        self.table = table

    def modify_pass_config(self, mr, graph: LinkGraph, config: PassConfiguration) -> None:  # type: ignore[no-untyped-def]
        if graph.target_data.get(IFUNC_SYMBOLS):
            pairs: list[tuple[Symbol, Symbol]] = []
            config.pre_prune_passes.append(lambda g: self._lower(g, pairs))
            config.post_allocation_passes.append(lambda g: self._record(g, pairs))

    def _lower(self, graph: LinkGraph, pairs: list[tuple[Symbol, Symbol]]) -> None:
        symbols: list[Symbol] = graph.target_data.pop(IFUNC_SYMBOLS)  # type: ignore[assignment]
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
        if graph.arch == "aarch64":
            block = graph.create_content_block(stubs, aarch64.POINTER_JUMP_STUB, alignment=4)
            block.add_edge(aarch64.EdgeKind.Page21, 0, slot, 0)
            block.add_edge(aarch64.EdgeKind.PageOffset12, 4, slot, 0)
        else:  # jmp *slot(%rip)
            block = graph.create_content_block(stubs, b"\xff\x25\0\0\0\0", alignment=2)
            block.add_edge(x86_64.EdgeKind.Delta32, 2, slot, -4)
        return graph.add_anonymous_symbol(block, 0, len(block.content or b""),
                                          callable=True, live=True)

    def _record(self, graph: LinkGraph, pairs: list[tuple[Symbol, Symbol]]) -> None:
        for stub, resolver in pairs:
            assert stub.block is not None
            slot = stub.block.edges[0].target
            self.table.add(slot.address, resolver.address, graph.name)

    def notify_emitted(self, mr, graph: LinkGraph, alloc) -> None:  # type: ignore[no-untyped-def]
        pass

    def notify_remove_resources(self, tracker) -> None:  # type: ignore[no-untyped-def]
        pass
