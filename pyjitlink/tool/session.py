"""The tool's Session: an ExecutionSession, its JITDylibs, the layer, the executor, statistics.

It follows llvm-jitlink's set-up: inputs, ``-l`` libraries and ``-L`` paths go to the JITDylib
named by the nearest preceding ``-jd`` (``main`` before any); every JITDylib links against
itself, then every other JITDylib (exported symbols only) in command-line order, then the
process-symbols JITDylib, which answers from the host process (dlsym) and the executor's
runtime shims.
"""

from __future__ import annotations

import platform
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from pyjitlink.errors import ExecutionError, MalformedObject, PyJITLinkError, SymbolsNotFound
from pyjitlink.formats import build_link_graph, identify
from pyjitlink.jitlink.graph import LinkGraph, SymbolKind
from pyjitlink.jitlink.memory import ArenaMemoryManager, SlabArena
from pyjitlink.orc.generators import (
    DynamicLibrarySearchGenerator,
    StaticLibraryDefinitionGenerator,
    find_library,
    load_shared_library,
)
from pyjitlink.orc.jitdylib import JITDylib
from pyjitlink.orc.object_layer import INIT_SYMBOL_PREFIX, ObjectLinkingLayer
from pyjitlink.orc.platform import InitFiniPlugin
from pyjitlink.orc.session import ExecutionSession
from pyjitlink.orc.symbols import JITDylibLookupFlags, SymbolFlags, SymbolState

PROCESS_SYMBOLS_JD = "<Process Symbols>"


@dataclass
class Stats:
    """Sizes and times for ``-show-sizes`` / ``-show-times`` (bytes, seconds)."""

    pre_prune_total: int = 0
    post_fixup_total: int = 0
    times: dict[str, float] = field(default_factory=dict)


def _graph_size(graph: LinkGraph) -> int:
    return sum(b.size for b in graph.blocks())


class Session:
    """Everything one pyjitlink run links and runs.

    ``executor`` is the NativeExecutor, or None for ``-noexec`` links into a slab (or into
    native memory when none is given). Errors raise PyJITLinkError subclasses.
    """

    def __init__(self, *, noexec: bool = False, slab: tuple[int, int, int] | None = None,
                 phony_externals: bool = False, process_symbols: bool = True) -> None:
        self.es = ExecutionSession()
        self.noexec = noexec
        self.executor = None
        self.stats = Stats()
        if slab is None and platform.machine() not in ("x86_64", "AMD64"):
            if not noexec:
                raise ExecutionError(f"native execution needs an x86-64 host, not "
                                     f"{platform.machine()} (use -noexec)")
            slab = (1 << 40, 0x10000000, 4096)
        if slab is not None:
            size, address, page_size = slab
            memory_manager = ArenaMemoryManager(SlabArena(address, size, page_size))
        else:
            from pyjitlink.executors.native import NativeExecutor

            self.executor = NativeExecutor()
            memory_manager = self.executor.memory_manager
        self.layer = ObjectLinkingLayer(self.es, memory_manager)
        self.init_fini = InitFiniPlugin()
        self.layer.add_plugin(self.init_fini)
        if self.executor is not None:
            for plugin in self.executor.plugins:
                self.layer.add_plugin(plugin)
        self.layer.add_plugin(_SizePlugin(self.stats))
        self.jds: list[JITDylib] = []
        self.main_jd = self.create_jd("main")
        self.process_jd = self.es.create_jit_dylib(PROCESS_SYMBOLS_JD)
        if process_symbols:
            overrides = self.executor.runtime_symbols if self.executor is not None else {}
            self.process_jd.add_generator(DynamicLibrarySearchGenerator(overrides=overrides))
        if phony_externals:
            self.process_jd.add_generator(_PhonyExternals())
        self.search_paths: dict[str, list[str]] = {}
        self.input_count = 0
        self.linked_files: list[tuple[str, str]] = []  # (jd name, graph name) in link order
        self.on_linked: list[Callable[[JITDylib, LinkGraph], None]] = []
        self.layer.on_graph_linked.append(self._graph_linked)

    def _graph_linked(self, jd: JITDylib, graph: LinkGraph) -> None:
        self.linked_files.append((jd.name, graph.name))
        for callback in self.on_linked:
            callback(jd, graph)

    # ------------------------------------------------------------------ set-up

    def create_jd(self, name: str) -> JITDylib:
        jd = self.es.get_jit_dylib(name)
        if jd is None:
            jd = self.es.create_jit_dylib(name)
            self.jds.append(jd)
        return jd

    def finish_link_orders(self) -> None:
        """Every JITDylib: itself, every other (exported only) in command-line order, process."""
        for jd in self.jds:
            order = [(jd, JITDylibLookupFlags.MATCH_ALL_SYMBOLS)]
            order += [(other, JITDylibLookupFlags.MATCH_EXPORTED_SYMBOLS_ONLY)
                      for other in self.jds if other is not jd]
            order.append((self.process_jd, JITDylibLookupFlags.MATCH_EXPORTED_SYMBOLS_ONLY))
            jd.set_link_order(order)

    def add_object_file(self, jd: JITDylib, path: str) -> None:
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError as err:
            raise PyJITLinkError(err.strerror or str(err), path) from None
        kind = identify(data)
        if kind == "archive":
            self.add_archive(jd, path, data)
            return
        self.add_object(jd, data, path)

    def add_object(self, jd: JITDylib, data: bytes, name: str) -> None:
        started = time.perf_counter()
        graph = build_link_graph(data, name)
        self._add_time("parse", started)
        self.stats.pre_prune_total += _graph_size(graph)
        self.init_fini.set_input_order(name, self.input_count)
        self.input_count += 1
        self.layer.add(jd, graph)

    def add_archive(self, jd: JITDylib, path: str, data: bytes | None = None) -> None:
        if data is None:
            with open(path, "rb") as f:
                data = f.read()
        jd.add_generator(StaticLibraryDefinitionGenerator(path, data, self.add_object))

    def add_library(self, jd: JITDylib, name: str) -> None:
        """``-l NAME``: a shared library (dlopen'd, searched with dlsym) or a static archive."""
        kind, path = find_library(name, self.search_paths.get(jd.name, []))
        if kind == "archive":
            self.add_archive(jd, path)
        else:
            handle = load_shared_library(path)
            jd.add_generator(DynamicLibrarySearchGenerator(handle, origin=path))

    def add_search_path(self, jd: JITDylib, path: str) -> None:
        self.search_paths.setdefault(jd.name, []).append(path)

    def add_absolute(self, jd: JITDylib, name: str, address: int) -> None:
        jd.define_absolute({name: (address, SymbolFlags.EXPORTED)}, "-abs")

    def add_alias(self, jd: JITDylib, alias: str, aliasee: str) -> None:
        from pyjitlink.orc.reexports import ReexportsMaterializationUnit

        jd.define(ReexportsMaterializationUnit(jd, {alias: aliasee}))

    # ------------------------------------------------------------------ linking and running

    def _add_time(self, phase: str, started: float) -> None:
        self.stats.times[phase] = self.stats.times.get(phase, 0.0) + time.perf_counter() - started

    def lookup(self, name: str, jd: JITDylib | None = None) -> int:
        jd = jd or self.main_jd
        result = self.es.lookup_blocking(jd.link_order, [name])
        return result[name].address

    def link_initializers(self) -> None:
        """Link every input that has static initializers (ELFNixPlatform's dlopen does too)."""
        for jd in self.jds:
            names = [n for n in jd.symbols if n.startswith(INIT_SYMBOL_PREFIX)]
            if names:
                self.es.lookup_blocking([(jd, JITDylibLookupFlags.MATCH_ALL_SYMBOLS)], names)

    def link_all(self) -> None:
        """Link every input of every JITDylib (what ``-noexec`` does)."""
        for jd in self.jds:
            names = [n for n, e in jd.symbols.items() if e.state < SymbolState.READY]
            if names:
                self.es.lookup_blocking([(jd, JITDylibLookupFlags.MATCH_ALL_SYMBOLS)], names)

    def run_main(self, entry: str, args: Sequence[str]) -> int:
        """Link what ``entry`` needs and all initializers, run inits, call entry as main."""
        if self.executor is None:
            raise ExecutionError("cannot execute: no executor (use -noexec)")
        started = time.perf_counter()
        try:
            address = self.lookup(entry)
        except SymbolsNotFound as err:
            if entry in err.symbols:
                raise ExecutionError(f"entry point '{entry}' not found") from None
            raise
        self.link_initializers()
        self._add_time("link", started)
        executor = self.executor
        executor.register_finalizers_with_atexit(self.init_fini.take("fini"))
        for init in self.init_fini.take("preinit") + self.init_fini.take("init"):
            executor.run_void(init)
        return executor.run_as_main(address, args)


class _PhonyExternals:
    """``-phony-externals``: define every otherwise-unresolved name at address 0."""

    def try_to_generate(self, jd: JITDylib, lookup_flags: JITDylibLookupFlags,
                        names: list[str]) -> None:
        jd.define_absolute({n: (0, SymbolFlags.EXPORTED) for n in names}, "-phony-externals")


class _SizePlugin:
    """Post-fixup size accounting for ``-show-sizes``."""

    def __init__(self, stats: Stats) -> None:
        self.stats = stats

    def modify_pass_config(self, mr, graph, config) -> None:  # type: ignore[no-untyped-def]
        config.post_fixup_passes.append(self._count)

    def _count(self, graph: LinkGraph) -> None:
        self.stats.post_fixup_total += _graph_size(graph)

    def notify_emitted(self, mr, graph, alloc) -> None:  # type: ignore[no-untyped-def]
        pass

    def notify_remove_resources(self, tracker) -> None:  # type: ignore[no-untyped-def]
        pass


def parse_address(text: str) -> int:
    """Decimal or 0x-hex (as llvm's cl::opt<uint64_t> accepts)."""
    return int(text, 0)


