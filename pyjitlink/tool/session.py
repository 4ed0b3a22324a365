"""The tool's Session: the LLJIT of orc.lljit plus what only the command line needs.

It follows llvm-jitlink 19's set-up: inputs, ``-l``, ``-L``, ``-abs`` and ``-alias`` go to the
JITDylib of the nearest preceding ``-jd`` (``main`` before any). Each JITDylib's link order is
itself (all symbols), then what its ``-l`` options name in order (another JITDylib by name, or
a shared library's own JITDylib; both exported symbols only), then ``Process`` (see
orc.lljit). On top of the LLJIT it keeps per-file and per-option state: ``-show-sizes``
statistics, the graph record ``-check`` and ``-show-addrs`` read, ``-show-linked-files``
callbacks, ``-phony-externals``, ``-L`` / ``-search-sys-lib`` search paths, ``-harness``,
``-sectcreate``, ``-weak_library`` / ``-weak-l`` and ``-preload``.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pyjitlink.errors import ExecutionError, LibraryNotFound, PyJITLinkError
from pyjitlink.formats import load
from pyjitlink.formats.inputs import read_input
from pyjitlink.jitlink.graph import LinkGraph, Linkage, MemProt, Scope
from pyjitlink.orc.generators import load_shared_library
from pyjitlink.orc.jitdylib import JITDylib
from pyjitlink.orc.lljit import LLJIT, weakly
from pyjitlink.orc.materialization import AbsoluteSymbolsMaterializationUnit
from pyjitlink.orc.symbols import JITDylibLookupFlags, SymbolFlags

if TYPE_CHECKING:
    from pyjitlink.orc.lazy import LazyReexportsManager
    from pyjitlink.tool.graph_info import GraphInfo


@dataclass
class Stats:
    """Sizes for ``-show-sizes``: total bytes of all blocks before pruning and after fixups."""

    pre_prune_total: int = 0
    post_fixup_total: int = 0


def _graph_size(graph: LinkGraph) -> int:
    return sum(b.size for b in graph.blocks())


class Session(LLJIT):
    """Everything one pyjitlink run links and runs: an LLJIT (see orc.lljit) with the
    command line's per-file state. ``phony_externals`` is ``-phony-externals``;
    ``record_graphs`` keeps the GraphInfo that ``-check`` and ``-show-addrs`` read;
    ``count_sizes`` fills ``stats`` (``-show-sizes`` and the block-size statistics; without
    it the totals stay 0 and no graph is measured); the other keywords are LLJIT's. Errors
    raise PyJITLinkError subclasses.
    """

    def __init__(self, *, phony_externals: bool = False, record_graphs: bool = False,
                 count_sizes: bool = True, **lljit_options: Any) -> None:
        self.stats = Stats()
        # What -check and -show-addrs read: every graph's symbols, sections, GOT and stubs.
        self.graph_info: GraphInfo | None = None
        if record_graphs:  # only -check and -show-addrs import the recorder
            from pyjitlink.tool.graph_info import GraphInfo

            self.graph_info = GraphInfo()
        self.system_search_paths: list[str] = []  # -search-sys-lib: LD_LIBRARY_PATH's
        # -harness: the names harness objects define and reference (see add_harness).
        self.harness_definitions: set[str] = set()
        self.harness_externals: set[str] = set()
        self.harness_files: set[str] = set()
        self.search_paths: dict[str, list[str]] = {}
        self.on_linked: list[Callable[[JITDylib, LinkGraph], None]] = []
        super().__init__(**lljit_options)
        if count_sizes:
            self.layer.add_plugin(_SizePlugin(self.stats))
        if self.graph_info is not None:
            from pyjitlink.tool.graph_info import GraphInfoPlugin

            self.layer.add_plugin(GraphInfoPlugin(self.graph_info))
        if phony_externals:
            self.process_jd.add_generator(_PhonyExternals())
        self.layer.on_graph_linking.append(weakly(self._graph_linking))

    def _graph_linking(self, jd: JITDylib, graph: LinkGraph) -> None:
        for callback in self.on_linked:
            callback(jd, graph)

    def _library_search_paths(self, jd: JITDylib) -> list[str]:
        """``-L`` directories of ``jd``, then ``-search-sys-lib``'s."""
        return self.search_paths.get(jd.name, []) + self.system_search_paths

    def _adapt_graph(self, graph: LinkGraph, name: str) -> None:
        if (self.harness_definitions or self.harness_externals) and \
                name not in self.harness_files:
            self._adapt_test_object(graph)

    @property
    def lazy_manager(self) -> LazyReexportsManager:
        """LLJIT's LazyReexportsManager; with -check, its entry points are recorded."""
        created = self._lazy is None
        manager = super().lazy_manager
        if created and self.graph_info is not None:
            from pyjitlink.executors.native import NativeExecutor

            if isinstance(self.executor, NativeExecutor):
                manager.on_entry_points.append(weakly(self._record_entry_points))
            else:
                from pyjitlink.executors.emulated_lazy import EmulatedLazySupport

                support = manager.support
                assert isinstance(support, EmulatedLazySupport)
                manager.on_entry_points.append(support.recorder(self.graph_info))
        return manager

    def add_absolute(self, jd: JITDylib, name: str, address: int) -> None:
        """``-abs name=address``: LLJIT's add_absolute, recorded for -check."""
        super().add_absolute(jd, name, address)
        if self.graph_info is not None:
            self.graph_info.record_absolute(name, address)

    def _record_entry_points(self, points: list[tuple[str, int, int]]) -> None:
        """Let -check see lazy entry stubs, their pointer slots and the thunks they aim at."""
        import ctypes

        info = self.graph_info
        assert info is not None
        info.host_reader = ctypes.string_at
        for entry, stub, slot in points:
            info.record_host_symbol(entry, stub, 8)
            info.record_host_region(slot, 8)
            thunk = int.from_bytes(ctypes.string_at(slot, 8), "little")
            info.record_host_region(thunk, 16)

    def add_harness(self, path: str) -> None:
        """``-harness FILE``: an object that tests the other inputs (llvm-jitlink's harness
        mode), added to ``main``. The test objects then change as llvm-jitlink changes them
        (see _adapt_test_object): a name the harness defines replaces the test objects'
        definition of it, and a name the harness references is exported from the test
        objects even if it was local (a ``static`` function the harness calls)."""
        obj = load(path).thin_object(self.target_arch)
        graph = obj.build_graph()
        defined = {s.name for s in graph.defined_symbols()
                   if s.name and s.scope is not Scope.LOCAL}
        defined.update(s.name for s in graph.absolute_symbols
                       if s.name and s.scope is not Scope.LOCAL)
        self.harness_definitions |= defined
        self.harness_externals |= set(graph.external_symbols)
        self.harness_externals -= self.harness_definitions
        self.harness_files.add(path)
        self.add_object(self.main_jd, obj, path)

    def _adapt_test_object(self, graph: LinkGraph) -> None:
        """Harness mode, for one test object: definitions of names the harness defines
        become external references (the harness's wins); definitions of names the harness
        references become exported and live."""
        for sym in list(graph.defined_symbols()):
            if not sym.name:
                continue
            if sym.name in self.harness_definitions:
                graph.make_external(sym)
            elif sym.name in self.harness_externals:
                sym.scope = Scope.DEFAULT
                sym.live = True

    def find_text_stub(self, jd: JITDylib, name: str) -> str:
        """``-weak-l NAME``: ``libNAME.tbd`` in ``jd``'s search paths (then the system
        ones of -search-sys-lib); LibraryNotFound with llvm-jitlink's words."""
        for directory in self.search_paths.get(jd.name, []) + self.system_search_paths:
            path = os.path.join(directory, f"lib{name}.tbd")
            if os.path.isfile(path):
                return path
        raise LibraryNotFound(f"While linking {jd.name}, could not find library for "
                              f"-weak-l{name}", f"-weak-l{name}")

    def preload(self, path: str) -> None:
        """``-preload LIB``: load the shared library ``LIB`` into the process before
        linking (RTLD_GLOBAL: its symbols resolve as the process's). Natively only: an
        emulated process has no dynamic loader."""
        if self._emulator is not None:
            raise ExecutionError(f"-preload {path}: an emulated program cannot load host "
                                 f"shared libraries")
        load_shared_library(path)

    def add_weak_library(self, jd: JITDylib, path: str) -> None:
        """``-weak_library FILE`` (and ``-weak-l NAME``): emulate a weak link against the
        library a TextAPI stub (``.tbd``) describes: every symbol the stub lists resolves to
        null, from a JITDylib named by the path that ``jd`` links against (newest
        llvm-jitlink's rule). PyJITLinkError for an unreadable stub or one that lists no
        symbols."""
        text = read_input(path, what="a TextAPI stub").decode("utf-8", "replace")
        names = textapi_symbols(text)
        if not names:
            raise PyJITLinkError("not a TextAPI stub (no symbols listed)", path)
        lib_jd = self.es.get_jit_dylib(path)
        if lib_jd is None:
            lib_jd = self.es.create_jit_dylib(path)
            lib_jd.define(AbsoluteSymbolsMaterializationUnit(
                {n: (0, SymbolFlags.EXPORTED | SymbolFlags.WEAK) for n in sorted(names)}))
        self.link_against(jd, lib_jd)

    def add_search_path(self, jd: JITDylib, path: str) -> None:
        """``-L DIR``: search ``path`` for ``jd``'s ``-l`` libraries (after earlier -L
        directories); LibraryNotFound with llvm-jitlink's words if it is no directory."""
        if not os.path.isdir(path):
            raise LibraryNotFound(f"While linking {jd.name}, -L{path} does not point to a "
                                  f"directory", f"-L{path}")
        self.search_paths.setdefault(jd.name, []).append(path)

    def add_sect_create(self, jd: JITDylib, section: str, path: str,
                        symbols: dict[str, int]) -> None:
        """``-sectcreate``: a read-only section ``section`` holding the bytes of the file at
        ``path`` (16-byte aligned), with an exported symbol at each offset of ``symbols``,
        defined in ``jd`` and linked on demand (llvm-jitlink's SectCreateMaterializationUnit,
        its graph named ``orc_sectcreate_<section>``). PyJITLinkError for an unreadable file
        or an offset past its end."""
        data = read_input(path, what="a -sectcreate file")
        for name, offset in symbols.items():
            if offset > len(data):
                raise PyJITLinkError(f"In -sectcreate, symbol {name} at offset {offset:#x} "
                                     f"lies past the end of {path} ({len(data)} bytes)",
                                     "-sectcreate")
        graph = LinkGraph(f"orc_sectcreate_{section}", self.target_arch,
                          object_format=self.object_format or "elf")
        block = graph.create_content_block(graph.create_section(section, MemProt.READ), data,
                                           0, 16)
        for name, offset in symbols.items():
            graph.add_defined_symbol(block, offset, name, 0, Linkage.STRONG, Scope.DEFAULT,
                                     live=True)
        self.layer.add(jd, graph)


_TEXTAPI_LIST = re.compile(r"^\s*-?\s*(?:symbols|weak-symbols|thread-local-symbols|"
                           r"weak-def-symbols)\s*:\s*\[([^\]]*)\]", re.MULTILINE)


def textapi_symbols(text: str) -> set[str]:
    """The symbol names a TextAPI stub lists: the ``symbols``, ``weak-symbols`` and
    ``thread-local-symbols`` lists of its YAML form (tbd v1-v4), or the ``exports`` of its
    JSON form (v5)."""
    if text.lstrip().startswith("{"):
        import json

        try:
            doc = json.loads(text)
        except ValueError:
            return set()
        names: set[str] = set()
        for library in [doc.get("main_library", {}), *doc.get("libraries", [])]:
            for export in library.get("exported_symbols", []):
                for group in ("data", "text"):
                    for kind in ("global", "weak", "thread_local"):
                        names.update(export.get(group, {}).get(kind, []))
        return names
    names = set()
    for match in _TEXTAPI_LIST.finditer(text):
        for item in match.group(1).replace("\n", " ").split(","):
            name = item.strip().strip("'\"")
            if name:
                names.add(name)
    return names


class _PhonyExternals:
    """``-phony-externals``: define every otherwise-unresolved name at address 0."""

    def try_to_generate(self, jd: JITDylib, lookup_flags: JITDylibLookupFlags,
                        names: list[str]) -> None:
        jd.define_absolute({n: (0, SymbolFlags.EXPORTED) for n in names}, "-phony-externals")


class _SizePlugin:
    """Size accounting for ``-show-sizes``: every linked graph's blocks, before pruning and
    after fixups (llvm-jitlink's PrePrune / PostFixup statistics)."""

    def __init__(self, stats: Stats) -> None:
        self.stats = stats
        self.lock = threading.Lock()

    def modify_pass_config(self, mr, graph, config) -> None:  # type: ignore[no-untyped-def]
        config.pre_prune_passes.insert(0, self._count_before)
        config.post_fixup_passes.append(self._count_after)

    def _count_before(self, graph: LinkGraph) -> None:
        size = _graph_size(graph)
        with self.lock:
            self.stats.pre_prune_total += size

    def _count_after(self, graph: LinkGraph) -> None:
        size = _graph_size(graph)
        with self.lock:
            self.stats.post_fixup_total += size

    def notify_emitted(self, mr, graph, alloc) -> None:  # type: ignore[no-untyped-def]
        pass

    def notify_remove_resources(self, tracker) -> None:  # type: ignore[no-untyped-def]
        pass


def parse_address(text: str) -> int:
    """Decimal or 0x-hex (as llvm's cl::opt<uint64_t> accepts)."""
    return int(text, 0)


