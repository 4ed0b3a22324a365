"""The platforms' thread-local storage: one TLS module per graph, and the TLSResolver.

After allocation (before the session learns the graph's addresses, so any graph that can
name one of its thread-local symbols finds its module) each graph's thread-local sections
are laid out as one TLS block: initialised blocks first, then zero-fill ones, each at its
alignment ("ELF Handling For Thread-Local Storage", Drepper, 2: a module's PT_TLS image then
its .tbss). The executor's TLSService makes the module (natively: a dlopen'ed shared object
whose PT_TLS glibc gives every thread). The plugin is every graph's TLSResolver: a variable's
image address -> module id, offset in the block, offset from the thread pointer, and TLS
descriptor words.

Without an executor (``-noexec``) a StaticTLSLayout (executors/static_tls.py) stands in,
placing modules as a program's static TLS would be.
"""

from __future__ import annotations

import bisect
import threading
from dataclasses import dataclass
from typing import cast

from pyjitlink.arch import ARCHITECTURES
from pyjitlink.errors import JITLinkError
from pyjitlink.executors.base import TLSModule, TLSService
from pyjitlink.executors.static_tls import StaticTLSLayout
from pyjitlink.jitlink.graph import (
    Block,
    GenericEdgeKind,
    Linkage,
    LinkGraph,
    Scope,
    SymbolKind,
)
from pyjitlink.jitlink.memory import FinalizedAlloc, align_up
from pyjitlink.jitlink.passes import PassConfiguration
from pyjitlink.jitlink.tls import StaticTLSUnavailable, set_tls_resolver
from pyjitlink.orc.materialization import MaterializationResponsibility
from pyjitlink.orc.platforms import platform_for_graph
from pyjitlink.orc.resources import ResourceTracker

TLS_MODULE_BASE = "_TLS_MODULE_BASE_"

__all__ = ["StaticTLSLayout", "TLSPlugin", "TLSService"]


def _bind_module_base(graph: LinkGraph) -> None:
    """Pre-prune pass: bind ``_TLS_MODULE_BASE_`` (what clang's local-dynamic TLSDESC code
    adds DTPOFFs to; ld defines it at the start of the TLS segment) to the start of this
    graph's module: a symbol at the block _create_module then places first."""
    external = graph.external_symbols.pop(TLS_MODULE_BASE, None)
    if external is None:
        return
    first = min((b for s in graph.sections.values() if s.thread_local for b in s.blocks),
                key=lambda b: (b.is_zero_fill, b.address))
    base = graph.add_defined_symbol(first, 0, TLS_MODULE_BASE, 0, Linkage.STRONG,
                                    Scope.LOCAL, live=True)
    graph.target_data[TLS_MODULE_BASE] = first
    for block in graph.blocks():
        for edge in block.edges:
            if edge.target is external:
                edge.target = base


_TLS_IMAGE = "tls-image"  # target_data: (module, blocks, places, image size)


@dataclass(slots=True)
class _Block:
    """A thread-local block's place: its image address range, module and offset in it."""

    start: int
    end: int
    offset: int  # in the module's TLS block
    module: TLSModule
    size: int  # of the whole module, for errors
    file: str
    tracker: int  # id of the ResourceTracker of the graph


class TLSPlugin:
    """ObjectLinkingLayer plugin: makes each graph's TLS module and resolves TLS fixups.

    ``service`` is the executor's TLSService (or a StaticTLSLayout).
    """

    def __init__(self, service: TLSService) -> None:
        self.service = service
        self._starts: list[int] = []
        self._blocks: list[_Block] = []
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ plugin

    def modify_pass_config(self, mr: MaterializationResponsibility, graph: LinkGraph,
                           config: PassConfiguration) -> None:
        set_tls_resolver(graph, self)
        platform = platform_for_graph(graph)
        config.pre_prune_passes.append(
            lambda g: platform.prepare_thread_locals(g, self.service.tlv_bootstrap))
        if any(section.thread_local for section in graph.sections.values()):
            tracker = id(mr.tracker)
            config.pre_prune_passes.append(_bind_module_base)
            config.post_allocation_passes.append(lambda g: self._create_module(g, tracker))
            if self.service.late_images:
                # A service that reads images only when the program starts (a static
                # executable's PT_TLS) takes them again after the fixups, so initializers
                # may point into other objects.
                config.post_fixup_passes.append(self._update_image)

    def notify_emitted(self, mr: MaterializationResponsibility, graph: LinkGraph,
                       alloc: FinalizedAlloc) -> None:
        pass

    def notify_remove_resources(self, tracker: ResourceTracker) -> None:
        """Forget the removed graphs' blocks (their image addresses may be reused). The
        modules themselves stay loaded: a thread may still hold one of their addresses."""
        with self._lock:
            kept = [(s, b) for s, b in zip(self._starts, self._blocks)
                    if b.tracker != id(tracker)]
            self._starts = [s for s, _ in kept]
            self._blocks = [b for _, b in kept]

    def snapshot(self) -> list[tuple[int, int, int, TLSModule, int, str]]:
        """Every thread-local block's place: (image start, image end: emulated or target
        addresses, offset in its module's TLS block, the module, the module's size in
        bytes, file), by start address; for ``restore``."""
        with self._lock:
            return [(b.start, b.end, b.offset, b.module, b.size, b.file) for b in self._blocks]

    def restore(self, blocks: list[tuple[int, int, int, TLSModule, int, str]],
                tracker: int) -> None:
        """Know the blocks of a ``snapshot()`` again, as ``tracker``'s (``id`` of its
        ResourceTracker); the service is told nothing (see LinuxTLS.restore)."""
        with self._lock:
            for start, end, offset, module, size, file in blocks:
                index = bisect.bisect(self._starts, start)
                self._starts.insert(index, start)
                self._blocks.insert(index, _Block(start, end, offset, module, size, file,
                                                  tracker))

    # ------------------------------------------------------------------ modules

    def _create_module(self, graph: LinkGraph, tracker: int) -> None:
        """Post-allocation pass: lay the graph's thread-local blocks out as one TLS block,
        relocate its image, and have the service make the module."""
        blocks = [b for s in graph.sections.values() if s.thread_local for b in s.blocks]
        base = graph.target_data.get(TLS_MODULE_BASE)
        blocks.sort(key=lambda b: (b is not base, b.is_zero_fill, b.address))
        offset, alignment, image_end = 0, 1, 0
        places = []
        for block in blocks:
            offset = align_up(offset, block.alignment)
            places.append(offset)
            alignment = max(alignment, block.alignment)
            offset += block.size
            if not block.is_zero_fill:
                image_end = offset
        size = offset
        image = bytearray(image_end)
        fixup = ARCHITECTURES[graph.arch].apply_fixup
        for block, place in zip(blocks, places):
            if block.is_zero_fill:
                continue
            block.mutable_content()
            for edge in block.edges:
                if edge.kind <= GenericEdgeKind.KeepAlive:
                    continue
                target = edge.target
                if target.kind is not SymbolKind.DEFINED and not target.is_absolute:
                    if self.service.late_images:
                        continue  # written by the fixup phase; see _update_image
                    raise JITLinkError(
                        f"thread-local initializer in {block.section.name} refers to "
                        f"{target.name or '<anonymous>'}, defined in another object: not "
                        f"supported", graph.name)
                # The same value the fixup phase writes again: this graph's own addresses
                # are final once allocated.
                fixup(graph, block, edge)
            content = block.content
            assert content is not None
            image[place:place + block.size] = content
        module = self.service.create_module(bytes(image), size, alignment, graph.name)
        graph.target_data[_TLS_IMAGE] = (module, blocks, places, image_end)
        with self._lock:
            for block, place in zip(blocks, places):
                entry = _Block(block.address, block.address + block.size, place, module,
                               size, graph.name, tracker)
                index = bisect.bisect(self._starts, block.address)
                self._starts.insert(index, block.address)
                self._blocks.insert(index, entry)

    def _update_image(self, graph: LinkGraph) -> None:
        """Post-fixup pass (services with ``late_images``): the module's image again, from
        the fixed-up blocks."""
        saved = cast("tuple[TLSModule, list[Block], list[int], int]",
                     graph.target_data[_TLS_IMAGE])
        module, blocks, places, image_end = saved
        image = bytearray(image_end)
        for block, place in zip(blocks, places):
            if block.content is not None:
                image[place:place + block.size] = bytes(block.content)
        self.service.update_image(module, bytes(image))

    def _find(self, address: int, name: str) -> _Block:
        with self._lock:
            index = bisect.bisect(self._starts, address) - 1
            entry = self._blocks[index] if index >= 0 else None
        if entry is None or not entry.start <= address <= entry.end:
            raise JITLinkError(f"{name} at {address:#x} is not a thread-local variable")
        return entry

    # ------------------------------------------------------------------ TLSResolver

    def module_id(self, address: int, name: str) -> int:
        return self._find(address, name).module.module_id

    def dtp_offset(self, address: int, name: str) -> int:
        entry = self._find(address, name)
        return entry.offset + address - entry.start

    def tp_offset(self, address: int, name: str) -> int:
        entry = self._find(address, name)
        module = entry.module
        if module.tp_offset is None:
            raise StaticTLSUnavailable(
                f"thread-local variable {name} is accessed with a static TLS model "
                f"(initial- or local-exec), but its object's {entry.size} bytes of "
                f"thread-local storage do not fit in the static TLS the C library keeps for "
                f"loaded modules ({module.why_dynamic}); build with "
                f"-ftls-model=global-dynamic, or raise glibc.rtld.optional_static_tls in "
                f"GLIBC_TUNABLES", entry.file, entry.size)
        return module.tp_offset + entry.offset + address - entry.start

    def tlsdesc(self, address: int, name: str) -> tuple[int, int | None]:
        entry = self._find(address, name)
        static, dynamic = self.service.tlsdesc_resolvers()
        if entry.module.tp_offset is not None:
            return static, self.tp_offset(address, name)
        return dynamic, None
