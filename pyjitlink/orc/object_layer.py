"""ObjectLinkingLayer: one MaterializationUnit per object, linked with JITLink when needed.

The unit's interface (its symbols and their flags) comes from the object's LinkGraph, built
when the object is added, so a malformed object fails at once with its file name. The graph is
linked only when a lookup needs one of its symbols (or its initializers). The layer is the
JITLinkContext of each link: it looks externals up along the JITDylib's link order (waiting only
until they are *resolved*, as LLVM's ObjectLinkingLayer does, so mutually dependent objects can
link concurrently), reports addresses and emission to the session, and records dependencies.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Protocol

from pyjitlink.errors import DuplicateDefinition, OrcError
from pyjitlink.formats import ObjectFile, link_graph
from pyjitlink.jitlink.graph import Linkage, LinkGraph, Scope
from pyjitlink.jitlink.linker import LookupResult as LinkLookupResult
from pyjitlink.jitlink.memory import FinalizedAlloc, MemoryManager
from pyjitlink.jitlink.passes import PassConfiguration
from pyjitlink.orc.jitdylib import JITDylib, SymbolTableEntry
from pyjitlink.orc.materialization import MaterializationResponsibility, MaterializationUnit
from pyjitlink.orc.platforms import platform_for_graph
from pyjitlink.orc.resources import ResourceTracker
from pyjitlink.orc.session import ExecutionSession, LookupResult
from pyjitlink.orc.symbols import SymbolFlags, SymbolLookupFlags, SymbolState

INIT_SYMBOL_PREFIX = "__pyjitlink_init$"
COMMON_SECTIONS = ("__common", "__large_common")


class Plugin(Protocol):
    """Hooks into every link the layer runs (LLVM's ObjectLinkingLayer::Plugin)."""

    def modify_pass_config(self, mr: MaterializationResponsibility, graph: LinkGraph,
                           config: PassConfiguration) -> None: ...

    def notify_emitted(self, mr: MaterializationResponsibility, graph: LinkGraph,
                       alloc: FinalizedAlloc) -> None: ...

    def notify_remove_resources(self, tracker: ResourceTracker) -> None: ...


# ORC flags of a defined symbol by (default scope, weak, callable, common): one table
# lookup per symbol instead of up to four IntFlag operations.
_INTERFACE_FLAGS = {
    (exported, weak, callable_, common):
        (SymbolFlags.EXPORTED if exported else SymbolFlags.NONE) |
        (SymbolFlags.WEAK if weak else SymbolFlags.NONE) |
        (SymbolFlags.CALLABLE if callable_ else SymbolFlags.NONE) |
        (SymbolFlags.COMMON if common else SymbolFlags.NONE)
    for exported in (False, True) for weak in (False, True)
    for callable_ in (False, True) for common in (False, True)}


def graph_interface(graph: LinkGraph) -> dict[str, SymbolFlags]:
    """The names a graph offers other graphs, with their ORC flags."""
    symbols: dict[str, SymbolFlags] = {}
    table = _INTERFACE_FLAGS
    local, default, weak = Scope.LOCAL, Scope.DEFAULT, Linkage.WEAK
    for sym in graph.defined_symbols():
        name = sym.name
        if not name or sym.scope is local:
            continue
        block = sym.block
        flags = table[sym.scope is default, sym.linkage is weak, sym.callable,
                      block is not None and block.section.name in COMMON_SECTIONS]
        if name in symbols:
            raise DuplicateDefinition(name, graph.name)
        symbols[name] = flags
    for sym in graph.absolute_symbols:
        if sym.scope is not Scope.LOCAL and sym.name:
            symbols[sym.name] = SymbolFlags.EXPORTED if sym.scope is Scope.DEFAULT else \
                SymbolFlags.NONE
    return symbols


def has_initializers(graph: LinkGraph) -> bool:
    """True if the graph has static initializer or finalizer sections (by its platform)."""
    return platform_for_graph(graph).has_initializers(graph.sections)


class ObjectMaterializationUnit(MaterializationUnit):
    """Materializes one object's LinkGraph through the layer."""

    def __init__(self, layer: ObjectLinkingLayer, graph: LinkGraph, init_symbol: str | None
                 ) -> None:
        symbols = graph_interface(graph)
        if init_symbol is not None:
            symbols[init_symbol] = SymbolFlags.MATERIALIZATION_SIDE_EFFECTS_ONLY
        super().__init__(symbols, graph.name)
        self.layer = layer
        self.graph = graph
        self.init_symbol = init_symbol

    def materialize(self, r: MaterializationResponsibility) -> None:
        self.layer.emit(r, self.graph, self.init_symbol)


class DeferredObjectMaterializationUnit(MaterializationUnit):
    """An object whose LinkGraph is built only when it is materialized.

    ``obj`` is the input as formats.load read it; ``symbols`` is the interface the caller
    computed without a graph (e.g. ``obj.interface``); ``prepare(graph)`` may rewrite the
    graph before it links (e.g. lazy renaming) and must leave it defining exactly those
    names.
    """

    def __init__(self, layer: ObjectLinkingLayer, obj: ObjectFile,
                 symbols: dict[str, SymbolFlags],
                 prepare: Callable[[LinkGraph], object] | None = None) -> None:
        super().__init__(symbols, obj.name)
        self.layer = layer
        self.object: ObjectFile | None = obj
        self.prepare = prepare

    def materialize(self, r: MaterializationResponsibility) -> None:
        assert self.object is not None, "an object materializes once"
        graph = self.object.build_graph()
        self.object = None
        if self.prepare is not None:
            self.prepare(graph)
        self.layer.emit(r, graph, None)


class ObjectLinkingLayer:
    """Adds objects to JITDylibs and links their graphs on demand."""

    def __init__(self, session: ExecutionSession, memory_manager: MemoryManager) -> None:
        self.session = session
        self.memory_manager = memory_manager
        self.plugins: list[Plugin] = []
        self.allocations: dict[int, list[FinalizedAlloc]] = {}  # id(tracker) -> allocs
        self._lock = threading.Lock()
        self._init_counter = 0
        # Called with (jd, graph) when a graph starts linking: for -show-linked-files etc.
        self.on_graph_linking: list[Callable[[JITDylib, LinkGraph], None]] = []
        # Once a graph's memory is final and the plugins have seen it, its sections, symbols
        # and edges are released (LinkGraph.release), as LLVM frees a LinkGraph after its
        # link; a user that reads its graphs after linking sets this.
        self.keep_graphs = False
        session.register_resource_manager(self)

    def add_plugin(self, plugin: Plugin) -> None:
        self.plugins.append(plugin)

    def add(self, jd: JITDylib, graph: LinkGraph, tracker: ResourceTracker | None = None
            ) -> ObjectMaterializationUnit:
        """Define ``graph``'s symbols in ``jd``; the graph links when they are looked up.

        Graphs with static initializers also define a side-effects-only init symbol, which the
        platform looks up before running code so that their initializers exist.
        """
        init_symbol = None
        if has_initializers(graph):
            with self._lock:
                self._init_counter += 1
                init_symbol = f"{INIT_SYMBOL_PREFIX}{self._init_counter}${graph.name}"
        mu = ObjectMaterializationUnit(self, graph, init_symbol)
        jd.define(mu, tracker)
        return mu

    # ------------------------------------------------------------------ the link

    def emit(self, mr: MaterializationResponsibility, graph: LinkGraph,
             init_symbol: str | None) -> None:
        ctx = _LinkContext(self, mr, graph, init_symbol)
        link_graph(graph, ctx)

    # ------------------------------------------------------------------ resources

    def handle_remove_resources(self, tracker: ResourceTracker) -> None:
        # Under the lock that notify_finalized holds while it records an allocation and tells
        # the plugins: a link finishing at this moment is either all recorded (and undone
        # here) or sees the tracker defunct; never registered after its deregistration.
        with self._lock:
            allocs = self.allocations.pop(id(tracker), [])
            for plugin in self.plugins:
                plugin.notify_remove_resources(tracker)
        for alloc in allocs:
            alloc.release()

    def handle_transfer_resources(self, dst: ResourceTracker, src: ResourceTracker) -> None:
        with self._lock:
            moved = self.allocations.pop(id(src), [])
            self.allocations.setdefault(id(dst), []).extend(moved)


class _LinkContext:
    """The JITLinkContext of one object's link (LLVM's ObjectLinkingLayerJITLinkContext)."""

    def __init__(self, layer: ObjectLinkingLayer, mr: MaterializationResponsibility,
                 graph: LinkGraph, init_symbol: str | None) -> None:
        self.layer = layer
        self.mr = mr
        self.graph = graph
        self.init_symbol = init_symbol
        self.memory_manager = layer.memory_manager
        self.dependencies: set[SymbolTableEntry] = set()

    def notify_failed(self, err: Exception) -> None:
        self.mr.fail_materialization(err)

    def modify_pass_config(self, graph: LinkGraph, config: PassConfiguration) -> None:
        for callback in self.layer.on_graph_linking:
            callback(self.mr.jd, graph)
        config.pre_prune_passes.insert(0, self._externalize_discarded)
        for plugin in self.layer.plugins:
            plugin.modify_pass_config(self.mr, graph, config)

    def _externalize_discarded(self, graph: LinkGraph) -> None:
        """Definitions another unit won (weak, common, COMDAT) become external references."""
        mine = self.mr.entries
        for sym in list(graph.defined_symbols()) + list(graph.absolute_symbols):
            if sym.name and sym.scope is not Scope.LOCAL and sym.name not in mine:
                graph.make_external(sym)

    def lookup(self, symbols: Mapping[str, bool],
               on_result: Callable[[LinkLookupResult], None]) -> None:
        if not symbols:
            on_result({})
            return
        required_flag = SymbolLookupFlags.REQUIRED_SYMBOL
        weak_flag = SymbolLookupFlags.WEAKLY_REFERENCED_SYMBOL
        flags = {name: required_flag if required else weak_flag
                 for name, required in symbols.items()}

        def done(result: LookupResult | Exception) -> None:
            if isinstance(result, Exception):
                on_result(result)
                return
            addresses = {}
            dependencies = self.dependencies
            ready = SymbolState.READY
            for name, (definition, entry) in result.items():
                addresses[name] = definition[0]  # its address
                if entry.state < ready:
                    dependencies.add(entry)
            on_result(addresses)

        self.layer.session.lookup(list(self.mr.jd.link_order), flags, done,
                                  SymbolState.RESOLVED)

    def notify_resolved(self, graph: LinkGraph) -> None:
        addresses: dict[str, int] = {}
        wanted = self.mr.entries
        for sym in graph.defined_symbols():
            if sym.name in wanted:
                addresses[sym.name] = sym.address
        for sym in graph.absolute_symbols:
            if sym.name in wanted:
                addresses[sym.name] = sym.address
        if self.init_symbol is not None and self.init_symbol in wanted:
            addresses[self.init_symbol] = 0
        self.mr.notify_resolved(addresses)

    def notify_finalized(self, alloc: FinalizedAlloc) -> None:
        mr = self.mr
        with self.layer._lock:
            defunct = mr.tracker.defunct
            if not defunct:
                self.layer.allocations.setdefault(id(mr.tracker), []).append(alloc)
                for plugin in self.layer.plugins:
                    plugin.notify_emitted(mr, self.graph, alloc)
        if defunct:
            # The code's tracker was removed while it was being linked: nothing may use it.
            alloc.release()
            mr.fail_materialization(OrcError(
                f"{self.graph.name}: resource tracker removed during materialization"))
            return
        mr.add_dependencies(self.dependencies)
        mr.notify_emitted()
        if not self.layer.keep_graphs:
            self.graph.release()
