"""LLJIT: the public session object (``pyjitlink.Session``), an executor, a platform, an
ExecutionSession with its JITDylibs and an ObjectLinkingLayer, as LLVM's ``orc::LLJIT`` puts
them together.

Set-up follows LLJIT's and llvm-jitlink's: a ``Process`` JITDylib answers from the host process
(dlsym) and the executor's runtime shims, or, for an emulated program, from the emulated C
library; ``main`` exists from the start; every JITDylib made with ``create_jd`` links itself
(all symbols), then what ``link_against`` / ``add_library`` add (exported symbols only), then
``Process``. Archives become generators on the JITDylib itself. The entry point is looked up
in main, then every other JITDylib in creation order, then Process.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from pyjitlink.errors import (
    ExecutionError,
    LibraryNotFound,
    SymbolsNotFound,
    UnsupportedObject,
)
from pyjitlink.formats import (
    build_link_graph,
    host_arch,
    identify,
    object_arch,
    scan_object_interface,
    thin_archive,
    thin_object,
)
from pyjitlink.formats.inputs import read_input
from pyjitlink.jitlink.graph import LinkGraph, Scope
from pyjitlink.jitlink.memory import ArenaMemoryManager, SlabArena
from pyjitlink.orc.generators import (
    DynamicLibrarySearchGenerator,
    StaticLibraryDefinitionGenerator,
    find_library,
    load_shared_library,
)
from pyjitlink.orc.jitdylib import JITDylib
from pyjitlink.orc.lazy import LazyReexportsManager, lazy_entries, lazy_entries_from_interface
from pyjitlink.orc.materialization import AbsoluteSymbolsMaterializationUnit
from pyjitlink.orc.object_layer import (
    INIT_SYMBOL_PREFIX,
    DeferredObjectMaterializationUnit,
    ObjectLinkingLayer,
)
from pyjitlink.orc.platforms import Platform, platform_for_format
from pyjitlink.orc.platforms.initfini import InitFiniPlugin
from pyjitlink.orc.platforms.tls import StaticTLSLayout, TLSPlugin, TLSService
from pyjitlink.orc.resources import ResourceTracker
from pyjitlink.orc.session import ExecutionSession, make_dispatcher
from pyjitlink.orc.symbols import JITDylibLookupFlags, SymbolFlags, SymbolState

if TYPE_CHECKING:
    from pyjitlink.executors.emulated import EmulatedExecutor
    from pyjitlink.executors.native import NativeExecutor

PROCESS_SYMBOLS_JD = "Process"


class LLJIT:
    """Everything one JIT session links and runs (LLVM's ``orc::LLJIT``).

    ``executor`` is the NativeExecutor, an EmulatedExecutor (for inputs of another
    architecture, ``arch``, than the host's, or with ``emulate``), or None for ``-noexec``
    links into a slab (or into native memory when none is given). Errors raise
    PyJITLinkError subclasses.
    """

    def __init__(self, *, noexec: bool = False, slab: tuple[int, int, int] | None = None,
                 process_symbols: bool = True, entry: str = "main", num_threads: int = 0,
                 arch: str | None = None, emulate: bool = False,
                 timeout: float | None = None, max_instructions: int | None = None,
                 debugger_support: bool | None = None, perf_support: bool = False,
                 libc: str = "python", sysroot: str | None = None) -> None:
        self.es = ExecutionSession(make_dispatcher(num_threads))
        self.noexec = noexec
        self.executor: NativeExecutor | EmulatedExecutor | None = None
        host = host_arch()
        native_host = host == "x86_64"
        # The inputs' architecture chooses: native execution where it is the host's,
        # emulation under Unicorn otherwise, or when asked (-emulate).
        target = arch or host
        self.target_arch = target  # the slice universal (fat) Mach-O files contribute
        # Also with -noexec: a foreign program's externals must resolve in its own (emulated)
        # process, never to this host's C library.
        emulated = slab is None and (emulate or target != "x86_64" or not native_host or
                                     libc == "target")  # -libc=target is an emulated process
        if slab is None and not native_host and not emulated:
            slab = (1 << 40, 0x10000000, 4096)
        emulator: EmulatedExecutor | None = None
        if emulated:
            from pyjitlink.executors.emulated import EmulatedExecutor

            if libc == "target":
                # -libc=target: the target's own C runtime runs in an emulated Linux process.
                from pyjitlink.executors.linux.process import LinuxProcessExecutor

                emulator = LinuxProcessExecutor(target, timeout=timeout,
                                                max_instructions=max_instructions)
            else:
                emulator = EmulatedExecutor(target, timeout=timeout,
                                            max_instructions=max_instructions)
            self.executor = emulator
            memory_manager = emulator.memory_manager
        elif slab is not None:
            size, address, page_size = slab
            memory_manager = ArenaMemoryManager(SlabArena(address, size, page_size))
        else:
            from pyjitlink.executors.native import NativeExecutor

            if max_instructions is not None:
                raise ExecutionError("-max-instructions needs an emulated run (-emulate): "
                                     "native code runs uncounted", "-max-instructions")
            self.executor = NativeExecutor(timeout=timeout)
            memory_manager = self.executor.memory_manager
        self._emulator = emulator  # its calling convention follows the objects' format
        self.layer = ObjectLinkingLayer(self.es, memory_manager)
        self.init_fini = InitFiniPlugin()
        self.layer.add_plugin(self.init_fini)
        # Thread-local storage: the executor's TLS modules, or a static layout with none.
        tls_service: TLSService = StaticTLSLayout(target) if self.executor is None else \
            self.executor.tls
        self.layer.add_plugin(TLSPlugin(tls_service))
        if self.executor is not None:
            for plugin in self.executor.plugins:
                self.layer.add_plugin(plugin)
            self._add_debug_plugins(debugger_support, perf_support)
        self.jds: list[JITDylib] = []
        self.process_jd = self.es.create_jit_dylib(PROCESS_SYMBOLS_JD)
        self.main_jd = self.create_jd("main")
        self.library_jds: dict[str, JITDylib] = {}  # shared library path -> its JITDylib
        self.host_symbols: _EmulatedProcessSymbols | DynamicLibrarySearchGenerator | None = None
        self._libgcc: tuple[str, bytes] | None = None  # natively: gcc's libgcc.a, read once
        self.target_libc = libc == "target" and emulator is not None
        if self.target_libc:
            pass  # the runtime's archives join Process below, once the session is set up
        elif process_symbols and emulator is not None:
            # An emulated process's C library is hostlib: its variables, and trap addresses
            # for its functions, instead of dlsym.
            self.host_symbols = _EmulatedProcessSymbols(emulator, allow=lambda n: n != entry)
        elif process_symbols:
            overrides = self.executor.runtime_symbols if self.executor is not None else {}
            # The entry point must come from the inputs, never from the host (llvm-jitlink's
            # FilterMainEntryPoint).
            self.host_symbols = DynamicLibrarySearchGenerator(
                allow=lambda name: name != entry, overrides=overrides)
        if self.host_symbols is not None:
            self.process_jd.add_generator(self.host_symbols)
        self.object_format: str | None = None  # of the first input: ELF and Mach-O don't mix
        self.platform: Platform | None = None  # the first input's (orc.platforms)
        self.all_load = False  # -all_load: every archive member links, needed or not
        self._lazy: LazyReexportsManager | None = None
        self.input_count = 0
        # (jd name, graph name) in link order; remove() forgets its tracker's graphs.
        self.linked_files: list[tuple[str, str]] = []
        self.layer.add_plugin(_LinkedFilesPlugin(self.linked_files))
        self._atexit_armed = False  # run_linked_main gave finalizers to the process's atexit
        self._closed = False
        if self.target_libc:
            self._add_target_runtime(target, sysroot)
        for jd in self.jds:  # those made so far; create_jd adds it to later ones
            self._add_compiler_runtime(jd)

    # ------------------------------------------------------------------ lifetime

    def __enter__(self) -> LLJIT:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release everything the session holds; idempotent, and done by garbage collection
        too (a session is released when it is no longer referenced).

        Finalizers whose initializers ran (``run_initializers``) run first, as ``remove``
        runs them; then every JITDylib is cleared (code and data unmapped, unwind info
        deregistered), the dispatcher's threads stop and the executor is closed (an emulated
        session's Unicorn instance and its address space are freed). Code of a native
        session whose finalizers were handed to ``atexit`` (``run_main``) stays mapped,
        since the process calls those finalizers when it exits. After ``close`` the session
        cannot be used, and its code (``function``) must not be called: keep a session
        referenced for as long as its code runs.
        """
        if self._closed:
            return
        self._closed = True
        try:
            if self.executor is not None and not self._atexit_armed:
                for fini in self.init_fini.take("fini", armed_only=True):
                    self.executor.run_void(fini)
        finally:
            self._release()

    def _release(self) -> None:
        """Free memory, threads and the executor (no JIT'd code runs here)."""
        keep_code = self._atexit_armed and self._emulator is None and self.executor is not None
        if not keep_code:
            self.es.end_session()
        else:
            self.es.dispatcher.shutdown()
        self.linked_files.clear()
        if self._emulator is not None:
            self._emulator.close()

    def __del__(self) -> None:
        # Garbage collection: free what close() frees, without running JIT'd code.
        if getattr(self, "_closed", True):
            return
        self._closed = True
        try:  # noqa: SIM105 - no module global is needed: this may run at interpreter exit
            self._release()
        except BaseException:  # noqa: BLE001 - nothing could report it
            pass

    def _add_target_runtime(self, arch: str, sysroot: str | None) -> None:
        """-libc=target: the static-link symbols in Process, the runtime's archives (libc.a,
        libgcc.a, libgcc_eh.a) as its generators, and crt1.o (``_start``) in main."""
        from pyjitlink.executors.linux.runtime import find_runtime

        runtime = find_runtime(arch, sysroot, host_arch())
        self._sysroot = sysroot
        self._runtime_archives = {os.path.realpath(p) for p in runtime.archives}
        executor = self.executor
        self.process_jd.define_absolute(
            {name: (address, SymbolFlags.EXPORTED)
             for name, address in executor.static_symbols.items()},  # type: ignore[union-attr]
            "<static link>")
        for path in runtime.archives:
            self.add_archive(self.process_jd, path)
        self.add_object_file(self.main_jd, runtime.crt1)
        # One namespace, as in a static link: the runtime sees the program's definitions
        # first (crt1.o's _dl_relocate_static_pie, a program's own malloc), hidden ones too.
        self.process_jd.set_link_order([(self.main_jd, JITDylibLookupFlags.MATCH_ALL_SYMBOLS),
                                        (self.process_jd,
                                         JITDylibLookupFlags.MATCH_ALL_SYMBOLS)],
                                      link_against_this_jd_first=False)
        # glibc's libc.a defines its symbols hidden (__libc_start_main, abort): visible to
        # everything in a static link, so the program's JITDylibs see Process's hidden names.
        self.main_jd.set_link_order([(self.process_jd, JITDylibLookupFlags.MATCH_ALL_SYMBOLS)])

    def _add_debug_plugins(self, debugger_support: bool | None, perf_support: bool) -> None:
        """Debug objects (source lines for fault reports; GDB's JIT interface natively, on
        by default as llvm-jitlink's -debugger-support) and -perf-support's maps."""
        from pyjitlink.executors.native import NativeExecutor
        from pyjitlink.orc.plugins.debugger import DebugObjectPlugin

        executor = self.executor
        assert executor is not None
        native = isinstance(executor, NativeExecutor)
        gdb = None
        if native and (debugger_support is None or debugger_support):
            from pyjitlink.executors.gdb_jit import GDBJITInterface

            gdb = GDBJITInterface.get()
        self.layer.add_plugin(DebugObjectPlugin(executor.symbolizer, gdb))
        if perf_support:
            if not native:
                raise ExecutionError("-perf-support needs a native run: perf cannot see "
                                     "inside the emulator", "-perf-support")
            from pyjitlink.orc.plugins.perf import PerfSupportPlugin

            self.layer.add_plugin(PerfSupportPlugin())

    # ------------------------------------------------------------------ set-up

    def create_jd(self, name: str) -> JITDylib:
        """The JITDylib ``name`` (created if new): it links itself, then Process."""
        jd = self.es.get_jit_dylib(name)
        if jd is None:
            jd = self.es.create_jit_dylib(name)
            jd.add_to_link_order(self.process_jd, JITDylibLookupFlags.MATCH_ALL_SYMBOLS
                                 if getattr(self, "target_libc", False) else
                                 JITDylibLookupFlags.MATCH_EXPORTED_SYMBOLS_ONLY)
            self.jds.append(jd)
            if getattr(self, "_libgcc", None) is not None:
                self._add_compiler_runtime(jd)
        return jd

    def _add_compiler_runtime(self, jd: JITDylib) -> None:
        """Natively, ``jd`` links gcc's libgcc.a last, as the gcc driver adds it to every
        link: compiler helpers (``__muldc3``, ``__addtf3``, ...) are hidden there, so each
        JITDylib takes its own copy, as each executable or shared object does."""
        if self._emulator is not None or self.executor is None or self.host_symbols is None:
            return  # emulated (its own C library) or -noexec
        if self._libgcc is None:
            from pyjitlink.executors.linux.runtime import find_file

            path = find_file(host_arch(), "libgcc.a", host_arch=host_arch())
            self._libgcc = (path, read_input(path)) if path is not None else ("", b"")
        path, data = self._libgcc
        if not path:
            return
        session = weakref.ref(self)  # the generator must not keep the session alive

        def add_member(target: JITDylib, member: bytes, name: str) -> None:
            this = session()
            if this is not None and this.object_format != "macho":  # ELF members only
                this.add_object(target, member, name)

        jd.add_generator(StaticLibraryDefinitionGenerator(path, data, add_member))

    def link_against(self, jd: JITDylib, other: JITDylib) -> None:
        """Add ``other`` (exported symbols only) to ``jd``'s link order, before Process."""
        order = jd.link_order
        if any(j is other for j, _ in order):
            return
        at = next((i for i, (j, _) in enumerate(order) if j is self.process_jd), len(order))
        order.insert(at, (other, JITDylibLookupFlags.MATCH_EXPORTED_SYMBOLS_ONLY))

    def finish_link_orders(self) -> None:
        """Every JITDylib ends its link order with Process (llvm-jitlink 19); idempotent."""
        for jd in self.jds:
            jd.add_to_link_order(self.process_jd)

    @property
    def search_order(self) -> list[tuple[JITDylib, JITDylibLookupFlags]]:
        """Where the entry point is looked up: every JITDylib (all symbols), then Process."""
        return [(jd, JITDylibLookupFlags.MATCH_ALL_SYMBOLS) for jd in self.jds] + [
            (self.process_jd, JITDylibLookupFlags.MATCH_EXPORTED_SYMBOLS_ONLY)]

    def add_object_file(self, jd: JITDylib, path: str,
                        tracker: ResourceTracker | None = None, lazy: bool = False,
                        data: bytes | None = None) -> None:
        """Add the object or archive at ``path`` to ``jd`` (an archive's members on demand;
        with ``lazy``, functions link on their first call). ``data`` is the file's content if
        the caller has read it already (a pipe can be read only once); otherwise ``path`` is
        read (a regular file, or a pipe or device up to formats.inputs.STREAM_LIMIT)."""
        if data is None:
            data = read_input(path)
        kind = identify(data)
        archive = thin_archive(data, path, self.target_arch)
        if archive is not None:  # a universal file of archives: the target's slice
            kind, data = "archive", archive
        if kind == "archive":
            self.add_archive(jd, path, data, lazy=lazy)
        elif lazy:
            self.add_lazy_object(jd, data, path, tracker)
        else:
            self.add_object(jd, data, path, tracker)

    def add_object(self, jd: JITDylib, data: bytes, name: str,
                   tracker: ResourceTracker | None = None, hidden: bool = False) -> None:
        """Add an object's bytes (``name`` is used in messages) to ``jd``, owned by
        ``tracker`` (the JITDylib's default tracker if None); it links on demand. With
        ``hidden`` its exported symbols are hidden: visible inside ``jd`` only."""
        data = thin_object(data, name, self.target_arch)
        self.note_object_format(data, name)
        graph = build_link_graph(data, name)
        self._adapt_graph(graph, name)
        if hidden:
            for sym in graph.defined_symbols():
                if sym.scope is Scope.DEFAULT:
                    sym.scope = Scope.HIDDEN
        self.init_fini.set_input_order(name, self.input_count)
        self.input_count += 1
        self.layer.add(jd, graph, tracker)

    def _adapt_graph(self, graph: LinkGraph, name: str) -> None:
        """Change an input's graph before it is added (the tool's harness mode); nothing
        here."""

    def note_object_format(self, data: bytes, name: str) -> None:
        """Remember the first object's format; refuse an object of the other one, or of
        another architecture than the session's. Mach-O objects make C library names
        resolve without their leading underscore and, when emulated, host calls follow
        Apple's calling convention (its arm64 variant)."""
        kind = identify(data)
        if kind not in ("elf", "macho"):
            return  # build_link_graph reports what is wrong with it
        arch = object_arch(data, name)
        if arch != self.target_arch:
            raise UnsupportedObject(f"{arch} object cannot be linked in a session for "
                                    f"{self.target_arch} (-triple or the first input "
                                    f"chooses the architecture)", name)
        if self.object_format is None:
            self.set_object_format(kind)
        elif kind != self.object_format and getattr(self, "target_libc", False):
            raise UnsupportedObject("-libc=target runs ELF objects only (the target's C "
                                    "runtime is glibc)", name)
        elif kind != self.object_format:
            names = {"elf": "ELF", "macho": "Mach-O"}
            raise UnsupportedObject(f"cannot mix {names[kind]} and "
                                    f"{names[self.object_format]} objects in one session",
                                    name)

    def set_object_format(self, kind: str) -> None:
        """The session's object format ("elf" or "macho"), from its first object or from
        ``-triple``; Mach-O makes C library names resolve without their leading underscore
        and emulated host calls follow Apple's convention (the platform's, see orc.platforms)."""
        if kind != "elf" and getattr(self, "target_libc", False):
            raise ExecutionError(f"-libc=target runs ELF objects only, not {kind}",
                                 "-libc=target")
        self.object_format = kind
        self.platform = platform = platform_for_format(kind)
        if self.host_symbols is not None:
            self.host_symbols.platform = platform
        if self._emulator is not None:
            self._emulator.set_platform(platform.executor_abi, platform.global_prefix)

    @property
    def lazy_manager(self) -> LazyReexportsManager:
        """The session's LazyReexportsManager, made on first use (native or emulated)."""
        if self._lazy is None:
            if self.executor is None:
                raise ExecutionError("-lazy needs an executor (it cannot be used with a slab)")
            from pyjitlink.executors.native import NativeExecutor, NativeLazySupport

            if not isinstance(self.executor, NativeExecutor):
                from pyjitlink.executors.emulated_lazy import EmulatedLazySupport

                emulator = self.executor
                self._lazy = LazyReexportsManager(
                    self.es, lambda reenter: EmulatedLazySupport(emulator, reenter))
            else:
                arena = self.executor.arena
                self._lazy = LazyReexportsManager(
                    self.es, lambda reenter: NativeLazySupport(arena, reenter))
        return self._lazy

    def add_lazy_object(self, jd: JITDylib, data: bytes, name: str,
                        tracker: ResourceTracker | None = None) -> bool:
        """Add an object whose functions link on first call; True if it could be lazy
        (objects with static initializers or exported data link eagerly instead)."""
        data = thin_object(data, name, self.target_arch)
        self.note_object_format(data, name)
        entries = lazy_entries_from_interface(scan_object_interface(data, name))
        if entries is None:
            self.add_object(jd, data, name, tracker)
            return False
        self.init_fini.set_input_order(name, self.input_count)
        self.input_count += 1
        bodies = {body: flags & ~SymbolFlags.EXPORTED for body, flags in entries.values()}
        # The graph is built at the first call of one of its functions: only then does the
        # object cost more than a look at its symbol table.
        jd.define(DeferredObjectMaterializationUnit(self.layer, data, name, bodies,
                                                    lambda graph: lazy_entries(graph)),
                  tracker)
        self.lazy_manager.create_lazy_reexports(jd, entries, name, tracker)
        return True

    def add_archive(self, jd: JITDylib, path: str, data: bytes | None = None,
                    hidden: bool = False, lazy: bool = False) -> None:
        """Members of the archive at ``path`` join ``jd`` when they define a needed symbol;
        with ``hidden`` (``-hidden-l``) their symbols are hidden: visible inside ``jd`` only."""
        if data is None:
            data = read_input(path)
            data = thin_archive(data, path, self.target_arch) or data

        session = weakref.ref(self)  # the generator must not keep the session alive

        def add_member(target: JITDylib, member: bytes, name: str) -> None:
            this = session()
            if this is None:
                return
            if lazy:
                this.add_lazy_object(target, member, name)
            else:
                this.add_object(target, member, name, hidden=hidden)

        generator = StaticLibraryDefinitionGenerator(path, data, add_member)
        if self.all_load:
            # -all_load: every member links, whether or not a lookup needs it (ld64's rule).
            for index, member in enumerate(generator.archive.members):
                add_member(jd, member.data, generator.archive.member_path(index))
            return
        jd.add_generator(generator)

    def add_library(self, jd: JITDylib, name: str, hidden: bool = False,
                    lazy: bool = False, search_paths: Sequence[str] = ()) -> None:
        """``-l NAME``: another JITDylib of that name, a shared library, or a static archive.

        ``hidden`` (``-hidden-l NAME``) looks for the static archive only and hides its
        members' symbols from other JITDylibs (llvm-jitlink's -hidden-l).

        A JITDylib or shared library joins ``jd``'s link order (exported symbols only); a
        shared library is dlopen'd into a JITDylib of its own, named by its path, shared by
        every JITDylib that links it; an archive becomes a generator of ``jd`` itself.
        """
        other = self.es.get_jit_dylib(name)
        if other is not None and other is not self.process_jd:
            if other is not jd:
                self.link_against(jd, other)
            return
        directories = [*search_paths, *self._library_search_paths(jd)]
        if self.target_libc:
            self._add_target_library(jd, name, hidden, lazy, directories)
            return
        try:
            kind, path = find_library(name, directories, archives_only=hidden)
        except LibraryNotFound:
            raise LibraryNotFound(f"While linking {jd.name}, could not find library for "
                                  f"-l{name}", f"-l{name}") from None
        if kind == "archive":
            self.add_archive(jd, path, hidden=hidden, lazy=lazy)
            return
        lib_jd = self.library_jds.get(path)
        if lib_jd is None:
            handle = load_shared_library(path)
            lib_jd = self.library_jds[path] = self.es.create_jit_dylib(path)
            lib_jd.add_generator(DynamicLibrarySearchGenerator(handle, origin=path))
        self.link_against(jd, lib_jd)

    def _library_search_paths(self, jd: JITDylib) -> list[str]:
        """Directories searched for ``jd``'s libraries after add_library's own (the tool's
        ``-L`` and ``-search-sys-lib``); none here."""
        return []

    def _add_target_library(self, jd: JITDylib, name: str, hidden: bool, lazy: bool,
                            directories: Sequence[str]) -> None:
        """``-l NAME`` with -libc=target: ``libNAME.a`` (a static executable's) in the -L
        directories, then the target runtime's; a GNU ld script links the archives it
        names. Archives the runtime already links (``-lm``, ``-lc``) add nothing."""
        from pyjitlink.executors.linux.runtime import expand_library, search_dirs

        for directory in [*directories,
                          *search_dirs(self.target_arch, self._sysroot)]:
            path = os.path.join(directory, f"lib{name}.a")
            if os.path.isfile(path):
                for archive in expand_library(path, self._sysroot):
                    if os.path.realpath(archive) not in self._runtime_archives:
                        self.add_archive(jd, archive, hidden=hidden, lazy=lazy)
                return
        raise LibraryNotFound(f"While linking {jd.name}, could not find library for "
                              f"-l{name}", f"-l{name}")

    def add_absolute(self, jd: JITDylib, name: str, address: int) -> None:
        jd.define(AbsoluteSymbolsMaterializationUnit({name: (address, SymbolFlags.EXPORTED)}))

    def add_alias(self, dst: JITDylib, alias: str, src: JITDylib, aliasee: str) -> None:
        """Define ``alias`` in ``dst`` as a re-export of ``aliasee`` found from ``src``."""
        from pyjitlink.orc.reexports import ReexportsMaterializationUnit

        dst.define(ReexportsMaterializationUnit(src, {alias: aliasee}))

    # ------------------------------------------------------------------ linking and running

    def lookup(self, name: str, jd: JITDylib | None = None) -> int:
        """Address of ``name`` (linking what it needs), along ``jd``'s link order or, by
        default, the entry-point search order."""
        order = jd.link_order if jd is not None else self.search_order
        result = self.es.lookup_blocking(order, [name])
        return result[name].address

    def link_initializers(self) -> None:
        """Link every input that has static initializers (ELFNixPlatform's dlopen does too)."""
        for jd in self.jds:
            names = [n for n in jd.symbols if n.startswith(INIT_SYMBOL_PREFIX)]
            if names:
                self.es.lookup_blocking([(jd, JITDylibLookupFlags.MATCH_ALL_SYMBOLS)], names)

    def link_all(self) -> None:
        """Link every input of every JITDylib."""
        for jd in self.jds:
            names = [n for n, e in jd.symbols.items() if e.state < SymbolState.READY]
            if names:
                self.es.lookup_blocking([(jd, JITDylibLookupFlags.MATCH_ALL_SYMBOLS)], names)

    def link_entry(self, entry: str) -> int:
        """Link what ``entry`` reaches and every input with initializers; return its address.

        As llvm-jitlink does, also with ``-noexec``: unreferenced inputs stay unlinked.
        """
        try:
            address = self.lookup(entry)
        except SymbolsNotFound as err:
            if entry in err.symbols:
                raise ExecutionError(f"entry point '{entry}' not found: Symbols not found: "
                                     f"[ {entry} ]") from None
            raise
        self.link_initializers()
        return address

    # ------------------------------------------------------------------ the Python API's calls

    def function(self, name: str, prototype: type, jd: JITDylib | None = None):  # type: ignore[no-untyped-def]
        """The linked function ``name`` as a ctypes function of ``prototype`` (e.g.
        ``ctypes.CFUNCTYPE(c_int, c_int)``), after linking it and running pending
        initializers. Native execution only (an emulated function is called with
        ``session.executor.call(address, int_args)``)."""
        if self.executor is None:
            raise ExecutionError("cannot call JIT'd code: this session does not execute")
        from pyjitlink.executors.native import NativeExecutor

        if not isinstance(self.executor, NativeExecutor):
            raise ExecutionError("ctypes cannot call emulated code: use "
                                 "session.executor.call(address, args)")
        address = self.lookup(name, jd)
        self.run_initializers()
        return prototype(address)

    def run_initializers(self) -> None:
        """Link every input with initializers and run the initializers not yet run."""
        if self.executor is None:
            raise ExecutionError("cannot run initializers: this session does not execute")
        self.link_initializers()
        self.init_fini.arm_finalizers()
        for init in self.init_fini.take("preinit") + self.init_fini.take("init"):
            self.executor.run_void(init)

    def remove(self, tracker: ResourceTracker) -> None:
        """Run the finalizers of ``tracker``'s code, then remove it: its symbols leave their
        JITDylib, its memory is unmapped and its unwind info deregistered (dlclose-like)."""
        if self.executor is not None:
            for fini in self.init_fini.take("fini", tracker, armed_only=True):
                self.executor.run_void(fini)
        tracker.remove()

    def run_main(self, entry: str, args: Sequence[str]) -> int:
        """Link what ``entry`` needs and all initializers, run inits, call entry as main."""
        return self.run_linked_main(self.link_entry(entry), args)

    def run_linked_main(self, address: int, args: Sequence[str]) -> int:
        """Run initializers (finalizers go to ``atexit``), then ``main`` at ``address``."""
        executor = self.executor
        if executor is None:
            raise ExecutionError("cannot execute: no executor (use -noexec)")
        self._atexit_armed = True
        if self.target_libc:
            # glibc's start-up runs the initializers (its __init_array_start table) and
            # main; exit runs the finalizers.
            start = self.lookup("_start", self.main_jd)
            self.link_initializers()
            take = self.init_fini.take
            executor.set_initializers(take("preinit"), take("init"), take("fini"))  # type: ignore[union-attr]
            return executor.start_process(start, args)  # type: ignore[union-attr]
        executor.register_finalizers_with_atexit(self.init_fini.take("fini"))
        for init in self.init_fini.take("preinit") + self.init_fini.take("init"):
            executor.run_void(init)
        return executor.run_as_main(address, args)


def weakly(method: Callable[..., None]) -> Callable[..., None]:
    """A callback that calls the bound ``method`` while its object lives, without keeping
    it alive: the session's parts hold such callbacks, so that a session no longer referenced
    is freed at once (its __del__ releases the emulator) and not at some later collection."""
    ref = weakref.WeakMethod(method)

    def call(*args: object) -> None:
        bound = ref()
        if bound is not None:
            bound(*args)
    return call


class _EmulatedProcessSymbols:
    """The Process JITDylib of an emulated run: names resolve in the emulated process
    (hostlib's variables; trap addresses for functions, also for ones it lacks: calling one
    is the error) instead of through dlsym."""

    NEVER = frozenset({"main", "_start", "_init", "_fini"})

    def __init__(self, executor: EmulatedExecutor, allow: Callable[[str], bool]) -> None:
        self.executor = executor
        self.allow = allow
        # Whose C names the objects use (Mach-O's "_"), as DynamicLibrarySearchGenerator.
        self.platform: Platform = platform_for_format("elf")

    def try_to_generate(self, jd: JITDylib, lookup_flags: JITDylibLookupFlags,
                        names: list[str]) -> None:
        found: dict[str, tuple[int, SymbolFlags]] = {}
        demangle = self.platform.demangle
        for name in names:
            if not self.allow(name):
                continue
            host_name = demangle(name)
            if host_name is None or host_name in self.NEVER:
                continue
            address = self.executor.host_symbol(host_name)
            if address is not None:
                found[name] = (address, SymbolFlags.EXPORTED)
        if found:
            jd.define_absolute(found, "<emulated C library>")


class _LinkedFilesPlugin:
    """Keeps ``Session.linked_files``: each graph as it starts linking, dropped again when
    its resource tracker is removed."""

    def __init__(self, files: list[tuple[str, str]]) -> None:
        self.files = files
        self.trackers: list[int] = []  # id of the tracker of each entry of files
        self.lock = threading.Lock()

    def modify_pass_config(self, mr, graph, config) -> None:  # type: ignore[no-untyped-def]
        with self.lock:
            self.files.append((mr.jd.name, graph.name))
            self.trackers.append(id(mr.tracker))

    def notify_emitted(self, mr, graph, alloc) -> None:  # type: ignore[no-untyped-def]
        pass

    def notify_remove_resources(self, tracker) -> None:  # type: ignore[no-untyped-def]
        with self.lock:
            keep = [i for i, t in enumerate(self.trackers) if t != id(tracker)]
            self.files[:] = [self.files[i] for i in keep]
            self.trackers[:] = [self.trackers[i] for i in keep]




Session = LLJIT  # the name pyjitlink exports it under
