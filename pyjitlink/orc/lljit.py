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

import functools
import os
import threading
import weakref
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, cast

from pyjitlink.arch import ARCHITECTURES
from pyjitlink.errors import (
    ExecutionError,
    LibraryNotFound,
    PyJITLinkError,
    SymbolsNotFound,
    UnsupportedObject,
    UnsupportedTarget,
)
from pyjitlink.formats import FileKind, ObjectFile, host_arch, load, load_bytes
from pyjitlink.jitlink.graph import LinkGraph, Scope
from pyjitlink.jitlink.memory import ArenaMemoryManager, SlabArena
from pyjitlink.jitlink.target import Arch, ObjectFormat
from pyjitlink.orc.generators import (
    DynamicLibrarySearchGenerator,
    LibraryKind,
    PackedSpans,
    PackedSymbolIndex,
    StaticLibraryDefinitionGenerator,
    find_library,
    load_shared_library,
)
from pyjitlink.orc.jitdylib import JITDylib
from pyjitlink.orc.materialization import AbsoluteSymbolsMaterializationUnit
from pyjitlink.orc.object_layer import (
    INIT_SYMBOL_PREFIX,
    DeferredObjectMaterializationUnit,
    ObjectLinkingLayer,
)
from pyjitlink.orc.platforms import PLATFORMS, Platform, platform_for_format
from pyjitlink.orc.platforms.initfini import InitFiniPlugin
from pyjitlink.orc.platforms.tls import StaticTLSLayout, TLSPlugin, TLSService
from pyjitlink.orc.plugins import executor_plugins
from pyjitlink.orc.resources import ResourceTracker
from pyjitlink.orc.session import ExecutionSession, make_dispatcher
from pyjitlink.orc.symbols import JITDylibLookupFlags, SymbolFlags, SymbolState

if TYPE_CHECKING:
    from pyjitlink.executors.linux.process import LinuxProcessExecutor
    from pyjitlink.orc.lazy import LazyReexportsManager
    from pyjitlink.executors.linux.runtime import TargetRuntime
    from pyjitlink.executors.native import NativeExecutor

PROCESS_SYMBOLS_JD = "Process"
# -libc=target with Mach-O: the JITDylib of glibc's namespace (orc/platforms/darwin_libc.py).
TARGET_RUNTIME_JD = "<target C runtime>"

# The architecture spellings of LLVM target triples (Triple.cpp's parseArch) for the two
# architectures pyjitlink links; "x86-64" (llc's -march name) and "arm64e" (pointer
# authentication) are not among them.
ARCH_NAMES: dict[str, Arch] = {name: info.arch for info in ARCHITECTURES.values()
                               for name in info.triple_names}


def canonical_arch(name: str) -> str:
    """``"x86_64"`` or ``"aarch64"`` for an LLVM triple's architecture spelling of either
    (case-insensitive: x86_64, amd64, x86_64h; aarch64, arm64). UnsupportedTarget for any
    other name."""
    arch = ARCH_NAMES.get(name.lower())
    if arch is None:
        raise UnsupportedTarget(f"unsupported architecture '{name}': pyjitlink links x86_64 "
                                f"(also spelled amd64 or x86_64h) and aarch64 (also arm64)")
    return arch


class LLJIT:
    """Everything one JIT session links and runs: LLVM's ``orc::LLJIT`` (an
    ExecutionSession, an ObjectLinkingLayer, a platform and an executor), exported as
    ``pyjitlink.Session``.

    Attributes: ``es`` the ExecutionSession (JITDylibs, asynchronous lookup, symbol states);
    ``layer`` the ObjectLinkingLayer (``layer.add_plugin`` adds an ObjectLinkingLayer
    plugin); ``executor`` a NativeExecutor, an EmulatedExecutor (Unicorn) or None (no
    execution); ``main_jd`` and ``process_jd`` the ``main`` and ``Process`` JITDylibs;
    ``jds`` every JITDylib made by ``create_jd`` in creation order (``main`` first);
    ``target_arch`` ``"x86_64"`` or ``"aarch64"``; ``platform`` the first object's platform
    (ELFNixPlatform or MachOPlatform; None before one is added); ``linked_files`` the
    (JITDylib name, graph name) pairs linked so far, in link order, less removed ones.

    Addresses are ints (target addresses: host addresses natively, emulated addresses under
    emulation, slab addresses with ``noexec``). Every error is a PyJITLinkError subclass:
    UnsupportedTarget, UnsupportedObject and MalformedObject (inputs), InputError (an
    unreadable file), SymbolsNotFound and DuplicateDefinition (lookup), LibraryNotFound,
    ExecutionError (running). A session holds native mappings or a Unicorn instance: use it
    as a context manager or ``close()`` it, and keep it referenced while its code runs."""

    def __init__(self, *, noexec: bool = False, slab: tuple[int, int, int] | None = None,
                 process_symbols: bool = True, entry: str = "main", num_threads: int = 0,
                 arch: str | None = None, emulate: bool = False,
                 timeout: float | None = None, max_instructions: int | None = None,
                 debugger_support: bool | None = None, perf_support: bool = False,
                 libc: str | None = None, sysroot: str | None = None,
                 platform: str | None = None) -> None:
        """Choose the executor and set up the JITDylibs ``main`` and ``Process``
        (LLJITBuilder's choices, llvm-jitlink's options in brackets).

        ``arch``: the target architecture, an LLVM triple's spelling (``"x86_64"``,
        ``"amd64"``, ``"x86_64h"``, ``"aarch64"``, ``"arm64"``; case-insensitive); default
        the host's. A foreign architecture runs emulated (Unicorn), so does any with
        ``emulate`` [-emulate]. ``noexec`` [-noexec]: link without running: ``run_main``,
        ``function`` and ``run_initializers`` raise ExecutionError; code still goes where
        the executor puts it (``executor`` stays, for ``-lazy``) unless ``slab`` is given.
        ``slab`` [-slab-allocate, -slab-address, -slab-page-size]: ``(size, base address,
        page size)`` in bytes: graphs are placed from ``base`` in allocation order, so
        addresses are deterministic; no executor (``executor`` is None), nothing executes.
        An emulated program runs on the target's own static C runtime (glibc, libgcc,
        libstdc++; the cross toolchain's, or below ``sysroot`` [-sysroot]) on an emulated
        Linux system-call layer. ``libc`` [-libc]: None, or ``"target"`` (the only C
        library; given explicitly, it also makes an x86-64 run emulated, as ``emulate``).
        ``process_symbols`` [-no-process-syms]: whether ``Process`` answers from the host
        process (dlsym), natively; ``entry`` is the one name it never answers
        (llvm-jitlink's FilterMainEntryPoint). ``num_threads`` [-num-threads]: 0
        links on the calling thread, N > 0 on a pool of N threads (LLJIT's
        NumCompileThreads). ``timeout`` [-timeout]: seconds of wall clock a run may take
        (then LimitExceeded, an ExecutionError); ``max_instructions`` [-max-instructions]:
        emulated only. ``debugger_support`` [-debugger-support]: True, or None without
        ``noexec`` (llvm-jitlink's default), registers native code with GDB's JIT
        interface; ``perf_support`` [-perf-support]: perf map files, native only.
        ``platform``: ``"elf"`` (ELFNixPlatform) or ``"macho"`` (MachOPlatform), as a
        ``-triple``'s OS chooses it; default: the first object's.

        Raises UnsupportedTarget for another architecture or platform, PyJITLinkError for another
        ``libc`` (``"python"``, the C library in Python, was removed), ExecutionError for
        options the executor cannot honour (``max_instructions`` natively, ``perf_support``
        emulated), RuntimeNotFound (an ExecutionError) when an emulated session finds no
        target C runtime (its message names the packages to install, or ``sysroot``)."""
        self.es = ExecutionSession(make_dispatcher(num_threads))
        self.noexec = noexec
        self.executor: NativeExecutor | LinuxProcessExecutor | None = None
        host = host_arch()
        native_host = host == Arch.X86_64
        # The inputs' architecture chooses: native execution where it is the host's,
        # emulation under Unicorn otherwise, or when asked (-emulate).
        if libc == "python":
            raise PyJITLinkError("the Python C library (-libc=python) was removed: an emulated "
                                 "program runs on the target's own C runtime (-libc=target, "
                                 "the default)", "-libc")
        if libc not in (None, "target"):
            raise PyJITLinkError(f"unknown C library '{libc}' (the one there is: target)",
                                 "-libc")
        if platform is not None and platform not in PLATFORMS:
            raise UnsupportedTarget(f"unknown platform '{platform}' (elf for ELFNixPlatform, "
                                    f"macho for MachOPlatform)")
        target = canonical_arch(arch) if arch is not None else host
        self.target_arch = target  # the slice universal (fat) Mach-O files contribute
        # Also with -noexec: a foreign program's externals must resolve in its own (emulated)
        # process, never to this host's C library.
        emulated = slab is None and (emulate or target != Arch.X86_64 or not native_host or
                                     libc == "target")  # -libc=target is an emulated process
        if slab is None and not native_host and not emulated:
            slab = (1 << 40, 0x10000000, 4096)
        emulator: LinuxProcessExecutor | None = None
        if emulated:
            # The target's own C runtime runs in an emulated Linux process.
            from pyjitlink.executors.linux.process import LinuxProcessExecutor

            emulator = LinuxProcessExecutor(target, timeout=timeout,
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
        self._entry = entry
        self._runtime: TargetRuntime | None = None  # -libc=target's, found, not yet joined
        # -libc=target: whether the runtime's core may come from a prelinked image
        # (orc/runtime_image.py); the image or crt1.o joins at the first lookup.
        self.runtime_image = True
        self._runtime_pending: TargetRuntime | None = None
        self._main_slots: list[int] = []  # the image's pointers to main, written at start
        self._settle_lock = threading.RLock()
        # Mach-O under -libc=target: glibc's own JITDylib (Process re-exports from it).
        self._runtime_jd: JITDylib | None = None
        self.init_fini = InitFiniPlugin()
        self.layer.add_plugin(self.init_fini)
        # Thread-local storage: the executor's TLS modules, or a static layout with none.
        tls_service: TLSService = StaticTLSLayout(target) if self.executor is None else \
            self.executor.tls
        self.layer.add_plugin(TLSPlugin(tls_service))
        if self.executor is not None:
            for plugin in executor_plugins(self.executor.services()):
                self.layer.add_plugin(plugin)
            self._add_debug_plugins(debugger_support, perf_support)
        self.jds: list[JITDylib] = []
        # Natively: gcc's libgcc.a, read once by the first _add_compiler_runtime (at the end
        # of set-up); until then create_jd leaves the JITDylibs it makes to that loop.
        self._libgcc: ObjectFile | None = None
        self.process_jd = self.es.create_jit_dylib(PROCESS_SYMBOLS_JD)
        self.main_jd = self.create_jd("main")
        self.library_jds: dict[str, JITDylib] = {}  # shared library path -> its JITDylib
        self.host_symbols: DynamicLibrarySearchGenerator | None = None
        # An emulated program runs on the target's own C runtime: its archives join Process
        # below, once the session is set up.
        self.target_libc = emulator is not None
        if process_symbols and emulator is None:
            native = cast("NativeExecutor | None", self.executor)  # not emulated
            overrides = native.runtime_symbols if native is not None else {}
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
        self._atexit_armed = False  # run_main gave finalizers to the process's atexit
        self._fflush: int | None = None  # emulated, started for calls: glibc's fflush
        self._closed = False
        if platform is not None:
            self.set_object_format(platform)
        if self.target_libc:
            self._add_target_runtime(target, sysroot)
        for jd in self.jds:  # those made so far; create_jd adds it to later ones
            self._add_compiler_runtime(jd)

    # ------------------------------------------------------------------ lifetime

    def __enter__(self) -> LLJIT:
        """The session itself (``with Session() as s:``); ``close()`` on exit."""
        return self

    def __exit__(self, *exc: object) -> None:
        """``close()`` the session; exceptions propagate."""
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
                if self._fflush is not None and self._emulator is not None:
                    self._emulator.call(self._fflush, [0])  # what the finalizers printed
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
        """-libc=target: find the target's C runtime (RuntimeNotFound now, not at the first
        input); it joins the session once the object format is known
        (``_install_target_runtime``)."""
        from pyjitlink.executors.linux.runtime import find_runtime

        self._runtime = runtime = find_runtime(arch, sysroot, host_arch())
        self._sysroot = sysroot
        self._runtime_archives = {os.path.realpath(p) for p in runtime.archives}
        if self.object_format is not None:
            self._install_target_runtime()

    def _install_target_runtime(self) -> None:
        """The static-link symbols, the runtime's archives (libc.a, libgcc.a, libgcc_eh.a)
        as generators, and crt1.o (``_start``). ELF: in Process and main, one namespace as
        in a static link. Mach-O: in a JITDylib of their own, with the Darwin layer's shims;
        Process re-exports glibc's names under Darwin's (orc/platforms/darwin_libc.py)."""
        runtime, self._runtime = self._runtime, None  # joins once
        assert runtime is not None and self.executor is not None
        process = self.executor.services().static_process
        assert process is not None  # -libc=target's executor is a static process
        static_symbols = {name: (address, SymbolFlags.EXPORTED)
                          for name, address in process.static_symbols.items()}
        if self.object_format == ObjectFormat.MACHO:
            from pyjitlink.executors.darwin.libc_layer import shim_graphs
            from pyjitlink.orc.platforms.darwin_libc import DarwinLibcGenerator
            from pyjitlink.orc.reexports import ReexportsMaterializationUnit

            glibc = self._runtime_jd = self.es.create_jit_dylib(TARGET_RUNTIME_JD)
            glibc.define_absolute(static_symbols, "<static link>")
            self._add_runtime_archives(glibc, runtime)
            if self.runtime_image:
                # The prelinked core or crt1.o, as for ELF below; a lookup reaching glibc's
                # namespace or Process (the program's way into it) decides at the latest.
                self._runtime_pending = runtime
                glibc.generators.insert(0, _SettleRuntime(self))
                self.process_jd.generators.insert(0, _SettleRuntime(self))
            else:
                self.add_object_file(glibc, runtime.crt1)
            for graph in shim_graphs(self.target_arch):
                self.layer.add(glibc, graph)
            # crt1.o's _start calls main: the Mach-O entry point (LLJIT's default entry,
            # "main", is the ELF spelling of Mach-O's "_main").
            entry = "_main" if self._entry == "main" else self._entry
            glibc.define(ReexportsMaterializationUnit(self.main_jd, {"main": entry}))
            self.process_jd.add_generator(DarwinLibcGenerator(self.target_arch, glibc))
            self.process_jd.set_link_order([(glibc, JITDylibLookupFlags.MATCH_ALL_SYMBOLS)])
            return
        # crt1.o (which libio needs, for _IO_stdin_used) calls main: a session without one
        # (functions called from Python) gets a hidden `ret` there, which the entry point's
        # lookup (exported names only, in Process) never finds.
        static_symbols["main"] = (process.noop, SymbolFlags.NONE)
        self.process_jd.define_absolute(static_symbols, "<static link>")
        self._add_runtime_archives(self.process_jd, runtime)
        if self.runtime_image:
            # The prelinked core or crt1.o, decided once the program's objects are known
            # (_settle_runtime); a lookup reaching Process decides at the latest.
            self._runtime_pending = runtime
            self.process_jd.generators.insert(0, _SettleRuntime(self))
        else:
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

    @property
    def runtime_jd(self) -> JITDylib:
        """The JITDylib that holds the target C runtime's definitions under -libc=target:
        glibc's own namespace for a Mach-O program (orc/platforms/darwin_libc.py),
        ``Process`` otherwise (ELF: one namespace with the program, as a static link)."""
        return self._runtime_jd or self.process_jd

    def _runtime_image_allowed(self) -> bool:
        """Whether a prelinked runtime image may stand for the runtime's core: only where
        every plugin of the layer is one whose state the image restores (a plugin that
        dumps, checks or counts graphs must see the runtime's own)."""
        from pyjitlink.orc.plugins import executor_plugin_types
        from pyjitlink.orc.plugins.debugger import DebugObjectPlugin

        known = (InitFiniPlugin, TLSPlugin, DebugObjectPlugin, _LinkedFilesPlugin,
                 *executor_plugin_types())
        return self.runtime_image and not self.all_load and all(
            type(p) in known or getattr(p, "runtime_image_safe", False)
            for p in self.layer.plugins)

    def _settle_runtime(self) -> None:
        """-libc=target, before the first link: the runtime's core from its prelinked
        image (orc/runtime_image.py: built and cached on first use, one for ELF programs
        and one for Mach-O ones) when it can stand for it, otherwise crt1.o joins ``main``
        (Mach-O: glibc's JITDylib) and the core links from the archives."""
        if self._runtime_pending is None:
            return
        with self._settle_lock:
            runtime, self._runtime_pending = self._runtime_pending, None
            if runtime is None:
                return
            if self._runtime_image_allowed() and self._apply_runtime_image(runtime):
                return
            self.add_object_file(self._runtime_jd or self.main_jd, runtime.crt1)

    def _apply_runtime_image(self, runtime: TargetRuntime) -> bool:
        from pyjitlink.executors.linux.runtime import (
            cached_name,
            load_cached,
            runtime_stamp,
            store_cached,
        )
        from pyjitlink.orc import runtime_image

        macho = self.object_format == ObjectFormat.MACHO
        key = [runtime_image.IMAGE_FORMAT, runtime_stamp(runtime, self._sysroot)]
        # Mach-O's image has the Darwin layer's namespace (orc/platforms/darwin_libc.py).
        name = cached_name(f"runtime-image-{'macho-' if macho else ''}{runtime.arch}", key)
        image = load_cached(name, key)
        if image is None:
            image = runtime_image.build_image(runtime.arch, self._sysroot,
                                              self.object_format or ObjectFormat.ELF)
            store_cached(name, key, image, keep=runtime_image.IMAGES_KEPT)
        if not isinstance(image, runtime_image.RuntimeImage):
            return False
        if runtime_image.apply_image(self, image) is not None:
            return False
        self._main_slots = list(image.main_slots)
        return True

    def note_linked_files(self, files: Sequence[tuple[str, str]], tracker: int) -> None:
        """Add (JITDylib name, graph name) pairs to ``linked_files`` as if their graphs had
        linked now, owned by the resource tracker whose id is ``tracker``."""
        plugin = next(p for p in self.layer.plugins if isinstance(p, _LinkedFilesPlugin))
        with plugin.lock:
            plugin.files.extend(files)
            plugin.trackers.extend([tracker] * len(files))

    def _add_debug_plugins(self, debugger_support: bool | None, perf_support: bool) -> None:
        """Debug objects (source lines for fault reports; GDB's JIT interface natively, on
        by default as llvm-jitlink's -debugger-support, whose default is ``!-noexec``) and
        -perf-support's maps. With ``noexec`` nothing runs, so nothing faults: no debug
        objects unless -debugger-support asks for GDB's registrations."""
        executor = self.executor
        assert executor is not None
        native = self._emulator is None  # (importing executors.native costs an emulated run)
        if debugger_support is None:
            debugger_support = not self.noexec
        if debugger_support or not self.noexec:
            from pyjitlink.orc.plugins.debugger import DebugObjectPlugin

            gdb = None
            if native and debugger_support:
                from pyjitlink.executors.gdb_jit import GDBJITInterface

                gdb = GDBJITInterface.get()
            self.layer.add_plugin(DebugObjectPlugin(executor.services().symbol_map, gdb))
        if perf_support:
            if not native:
                raise ExecutionError("-perf-support needs a native run: perf cannot see "
                                     "inside the emulator", "-perf-support")
            from pyjitlink.orc.plugins.perf import PerfSupportPlugin

            self.layer.add_plugin(PerfSupportPlugin())

    # ------------------------------------------------------------------ set-up

    def create_jd(self, name: str) -> JITDylib:
        """The JITDylib ``name`` (``orc::ExecutionSession::createJITDylib``; an
        existing one of that name is returned). A new one's link order is itself (all
        symbols), then ``Process`` (exported symbols only, as LLJIT's default link order);
        ``link_against`` and ``add_library`` add to it. Appended to ``jds``."""
        jd = self.es.get_jit_dylib(name)
        if jd is None:
            jd = self.es.create_jit_dylib(name)
            jd.add_to_link_order(self.process_jd, JITDylibLookupFlags.MATCH_ALL_SYMBOLS
                                 if getattr(self, "target_libc", False) else
                                 JITDylibLookupFlags.MATCH_EXPORTED_SYMBOLS_ONLY)
            self.jds.append(jd)
            if self._libgcc is not None:
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
            self._libgcc = load(path) if path is not None else load_bytes(b"", "")
        libgcc = self._libgcc
        if not libgcc.name:
            return
        session = weakref.ref(self)  # the generator must not keep the session alive

        def add_member(target: JITDylib, member: ObjectFile) -> None:
            this = session()
            if this is not None and this.object_format != "macho":  # ELF members only
                this.add_object(target, member, member.name)

        jd.add_generator(StaticLibraryDefinitionGenerator(libgcc, add_member))

    def link_against(self, jd: JITDylib, other: JITDylib) -> None:
        """Put ``other`` in ``jd``'s link order, before ``Process``, exported
        symbols only (``JITDylib::addToLinkOrder``; llvm-jitlink's ``-l`` of a JITDylib).
        Nothing if it is there already."""
        order = jd.link_order
        if any(j is other for j, _ in order):
            return
        at = next((i for i, (j, _) in enumerate(order) if j is self.process_jd), len(order))
        order.insert(at, (other, JITDylibLookupFlags.MATCH_EXPORTED_SYMBOLS_ONLY))

    def finish_link_orders(self) -> None:
        """Make every JITDylib's link order end with ``Process``, as
        llvm-jitlink 19 does once all its ``-jd``/``-l`` options are read; idempotent."""
        for jd in self.jds:
            jd.add_to_link_order(self.process_jd)

    @property
    def search_order(self) -> list[tuple[JITDylib, JITDylibLookupFlags]]:
        """Where ``lookup`` and ``run_main`` look a name up without a
        JITDylib: every JITDylib of ``jds`` (all symbols), then ``Process`` (exported
        only): a list of (JITDylib, JITDylibLookupFlags)."""
        return [(jd, JITDylibLookupFlags.MATCH_ALL_SYMBOLS) for jd in self.jds] + [
            (self.process_jd, JITDylibLookupFlags.MATCH_EXPORTED_SYMBOLS_ONLY)]

    def add_object_file(self, jd: JITDylib, path: str,
                        tracker: ResourceTracker | None = None, lazy: bool = False,
                        data: bytes | ObjectFile | None = None) -> None:
        """Add the relocatable object or static archive at ``path`` to
        ``jd`` (LLJIT's ``addObjectFile``; a universal Mach-O file contributes the
        ``target_arch`` slice). An object links when a lookup needs one of its symbols, and
        is owned by ``tracker`` (``jd``'s default tracker if None: ``remove`` it to unlink);
        an archive's members join ``jd`` on demand. With ``lazy`` [-lazy], functions link
        on their first call. ``data``: the file as formats.load read it, or its bytes, if
        the caller has read it already (a pipe can be read only once); otherwise ``path`` is
        read (a regular file, or a pipe or device up to formats.inputs.STREAM_LIMIT bytes).
        Raises InputError for an unreadable file, MalformedObject / UnsupportedObject for
        bytes that are no object of ``target_arch``, DuplicateDefinition for a strong name
        ``jd`` defines already."""
        obj = as_object(data, path) if data is not None else load(path)
        obj = obj.thin(self.target_arch)  # a universal file: the target's slice
        if obj.kind is FileKind.ARCHIVE:
            self.add_archive(jd, path, obj, lazy=lazy)
        elif lazy:
            self.add_lazy_object(jd, obj, path, tracker)
        else:
            self.add_object(jd, obj, path, tracker)

    def add_object(self, jd: JITDylib, data: bytes | ObjectFile, name: str,
                   tracker: ResourceTracker | None = None, hidden: bool = False) -> None:
        """Add an object file's bytes (or formats.load's ObjectFile) to ``jd`` (LLJIT's
        ``addObjectFile`` for a MemoryBuffer); ``name`` names it in messages and
        ``linked_files``. It links when a lookup needs one of its symbols; ``tracker`` owns it
        (``jd``'s default tracker if None). With ``hidden`` its exported symbols become
        hidden: visible inside ``jd`` only (llvm-jitlink's -hidden-l). Raises
        MalformedObject, UnsupportedObject (another architecture or format than the
        session's), DuplicateDefinition."""
        obj = as_object(data, name).thin_object(self.target_arch)
        if jd is not self._runtime_jd:  # glibc's ELF objects under a Mach-O program
            self.note_object_format(obj, name)
        graph = obj.build_graph()
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

    def note_object_format(self, data: bytes | ObjectFile, name: str) -> None:
        """Check an object against the session: the first object's
        format (ELF or Mach-O) becomes the session's (``set_object_format``); an object of
        the other format, or of another architecture than ``target_arch``, raises
        UnsupportedObject naming ``name``. Bytes that are no object pass (the graph
        builder reports them)."""
        obj = as_object(data, name)
        kind = obj.object_format
        if kind is None:
            return  # building its graph reports what is wrong with it
        arch = obj.arch
        if arch != self.target_arch:
            raise UnsupportedObject(f"{arch} object cannot be linked in a session for "
                                    f"{self.target_arch} (-triple or the first input "
                                    f"chooses the architecture)", name)
        if self.object_format is None:
            self.set_object_format(kind)
        elif kind != self.object_format:
            raise UnsupportedObject(f"cannot mix {kind.display_name} and "
                                    f"{ObjectFormat(self.object_format).display_name} "
                                    f"objects in one session", name)

    def set_object_format(self, kind: str) -> None:
        """Fix the session's object format, ``"elf"`` or ``"macho"``
        (from its first object, or the tool's ``-triple``): its platform (ELFNixPlatform,
        MachOPlatform) then decides C symbol mangling (Mach-O's leading ``_``), initializer
        sections and, emulated, how the target's C runtime joins
        (``_install_target_runtime``)."""
        self.object_format = kind
        self.platform = platform = platform_for_format(kind)
        if self.host_symbols is not None:
            self.host_symbols.platform = platform
        if self._emulator is not None:
            self._emulator.set_platform(platform.executor_abi)
        if getattr(self, "_runtime", None) is not None:
            self._install_target_runtime()

    @property
    def lazy_manager(self) -> LazyReexportsManager:
        """The session's LazyReexportsManager (ORC's), made on first use, with
        the executor's re-entry support (native trampolines or emulated ones).
        ExecutionError without an executor."""
        if self._lazy is None:
            if self.executor is None:
                raise ExecutionError("-lazy needs an executor (it cannot be used with a slab)")
            from pyjitlink.executors.native import NativeExecutor, NativeLazySupport
            from pyjitlink.orc.lazy import LazyReexportsManager  # -lazy only

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

    def add_lazy_object(self, jd: JITDylib, data: bytes | ObjectFile, name: str,
                        tracker: ResourceTracker | None = None) -> bool:
        """Add an object's bytes whose functions link on their first call
        (llvm-jitlink's -lazy: each function becomes a lazy re-export whose stub calls back
        into the session); True if it could be lazy, False if it was added eagerly instead
        (an object with static initializers or exported data). Errors as ``add_object``;
        ExecutionError without an executor."""
        from pyjitlink.orc.lazy import lazy_entries, lazy_entries_from_interface

        obj = as_object(data, name).thin_object(self.target_arch)
        if jd is not self._runtime_jd:  # glibc's ELF objects under a Mach-O program
            self.note_object_format(obj, name)
        entries = lazy_entries_from_interface(obj.interface)
        if entries is None:
            self.add_object(jd, obj, name, tracker)
            return False
        self.init_fini.set_input_order(name, self.input_count)
        self.input_count += 1
        bodies = {body: flags & ~SymbolFlags.EXPORTED for body, flags in entries.values()}
        # The graph is built at the first call of one of its functions: only then does the
        # object cost more than a look at its symbol table.
        jd.define(DeferredObjectMaterializationUnit(self.layer, obj, bodies,
                                                    lambda graph: lazy_entries(graph)),
                  tracker)
        self.lazy_manager.create_lazy_reexports(jd, entries, name, tracker)
        return True

    def add_archive(self, jd: JITDylib, path: str, data: bytes | ObjectFile | None = None,
                    hidden: bool = False, lazy: bool = False) -> None:
        """Make the static archive at ``path`` (or its bytes ``data``) a
        definition generator of ``jd`` (ORC's StaticLibraryDefinitionGenerator): a member
        joins ``jd`` when it defines a symbol a lookup needs; with ``all_load`` set on the
        session, every member joins now. ``hidden`` [-hidden-l]: members' symbols are hidden
        (visible inside ``jd`` only); ``lazy``: members are added lazily. InputError for an
        unreadable file, MalformedObject for a bad archive."""
        obj = as_object(data, path) if data is not None else load(path)
        obj = obj.thin(self.target_arch)
        add_member = self._member_adder(hidden, lazy)
        generator = StaticLibraryDefinitionGenerator(obj, add_member)
        if self.all_load:
            # -all_load: every member links, whether or not a lookup needs it (ld64's rule).
            for member in generator.members:
                add_member(jd, member)
            return
        jd.add_generator(generator)

    def _member_adder(self, hidden: bool, lazy: bool
                      ) -> Callable[[JITDylib, ObjectFile], None]:
        """``add_archive``'s ``add_object`` for its generator: adds a member, hidden or lazy
        as asked, while the session lives."""
        session = weakref.ref(self)  # the generator must not keep the session alive

        def add_member(target: JITDylib, member: ObjectFile) -> None:
            this = session()
            if this is None:
                return
            if lazy:
                this.add_lazy_object(target, member, member.name)
            else:
                this.add_object(target, member, member.name, hidden=hidden)
        return add_member

    def _add_runtime_archives(self, jd: JITDylib, runtime: TargetRuntime) -> None:
        """-libc=target: the runtime's archives as generators of ``jd``, as ``add_archive``
        makes them, but with their symbol indexes cached (executors/linux/runtime.py's
        ``load_cached``, keyed on the files): an archive is read only when one of its
        members is needed, which, with the runtime's core prelinked, a C program may never
        do for libstdc++.a or libm.a."""
        from pyjitlink.executors.linux.runtime import (
            cached_name,
            load_cached,
            runtime_stamp,
            store_cached,
        )

        if self.all_load:
            for path in runtime.archives:
                self.add_archive(jd, path)
            return
        # Per archive: its symbol index and where each member's bytes lie, so that a member
        # a program needs is read on its own (glibc 2.36's AArch64 libc.a: 5 MB, 1,894 members).
        key = ["archive-indexes", 3, runtime_stamp(runtime, self._sysroot)]
        name = cached_name(f"runtime-indexes-{runtime.arch}", key)
        indexes = load_cached(name, key)
        if not isinstance(indexes, list) or len(indexes) != len(runtime.archives):
            indexes = []
            for path in runtime.archives:
                whole = load(path)
                archive = whole.thin(self.target_arch)
                generator = StaticLibraryDefinitionGenerator(
                    archive, self._member_adder(False, False))
                jd.add_generator(generator)
                # Spans are offsets in the file: none for a universal file's slice.
                index = generator.index  # a dict: the archive was read
                indexes.append((index if isinstance(index, PackedSymbolIndex) else
                                PackedSymbolIndex(index),
                                PackedSpans(generator.spans()) if archive is whole else None))
            store_cached(name, key, indexes, keep=4)
            return
        for path, (index, spans) in zip(runtime.archives, indexes):
            jd.add_generator(StaticLibraryDefinitionGenerator.deferred(
                path, index, functools.partial(_load_thin, path, self.target_arch),
                self._member_adder(False, False), spans))

    def add_library(self, jd: JITDylib, name: str, hidden: bool = False,
                    lazy: bool = False, search_paths: Sequence[str] = ()) -> None:
        """``-l NAME``: link ``jd`` against another JITDylib called ``name``, a
        shared library or a static archive (llvm-jitlink's rules).

        A JITDylib or shared library joins ``jd``'s link order (exported symbols only); a
        shared library (``libNAME.so``, found in ``search_paths`` then the system's) is
        dlopen'd into a JITDylib of its own, named by its path and shared by every JITDylib
        that links it (ORC's DynamicLibrarySearchGenerator); an archive (``libNAME.a``)
        becomes a generator of ``jd`` itself. ``hidden`` [-hidden-l] looks for the archive
        only and hides its members' symbols from other JITDylibs. With ``libc="target"``,
        only archives of the target are searched. LibraryNotFound when nothing is found."""
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
        if kind is LibraryKind.ARCHIVE:
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
        """Define ``name`` in ``jd`` at the absolute ``address`` (an int),
        exported (ORC's ``absoluteSymbols``; llvm-jitlink's -abs). DuplicateDefinition if
        ``jd`` defines it already."""
        jd.define(AbsoluteSymbolsMaterializationUnit({name: (address, SymbolFlags.EXPORTED)}))

    def add_alias(self, dst: JITDylib, alias: str, src: JITDylib, aliasee: str) -> None:
        """Define ``alias`` in ``dst`` as a re-export of ``aliasee`` looked up
        from ``src`` (ORC's ``reexports``/``symbolAliases``; llvm-jitlink's -alias).
        SymbolsNotFound at lookup if ``aliasee`` is not found."""
        from pyjitlink.orc.reexports import ReexportsMaterializationUnit

        dst.define(ReexportsMaterializationUnit(src, {alias: aliasee}))

    # ------------------------------------------------------------------ linking and running

    def lookup(self, name: str, jd: JITDylib | None = None) -> int:
        """The address (an int) of ``name``, after linking everything it needs
        (``ExecutionSession::lookup``, blocking). ``jd`` given: along ``jd``'s link order;
        otherwise along ``search_order``. SymbolsNotFound if no JITDylib defines ``name``
        (or a name the linked code references); link errors (JITLinkError subclasses) name
        their object. Runs no initializers (see ``run_initializers``)."""
        self._settle_runtime()
        order = jd.link_order if jd is not None else self.search_order
        result = self.es.lookup_blocking(order, [name])
        return result[name].address

    def link_initializers(self) -> None:
        """Link every object that has static initializers (constructors,
        ``.init_array``, ``__mod_init_func``), as ELFNixPlatform's and MachOPlatform's
        dlopen does; runs none."""
        self._settle_runtime()
        for jd in self.jds:
            names = [n for n in jd.symbols if n.startswith(INIT_SYMBOL_PREFIX)]
            if names:
                self.es.lookup_blocking([(jd, JITDylibLookupFlags.MATCH_ALL_SYMBOLS)], names)

    def link_all(self) -> None:
        """Link every object added to every JITDylib of ``jds``, needed or not."""
        self._settle_runtime()
        for jd in self.jds:
            names = [n for n, e in jd.symbols.items() if e.state < SymbolState.READY]
            if names:
                self.es.lookup_blocking([(jd, JITDylibLookupFlags.MATCH_ALL_SYMBOLS)], names)

    def link_entry(self, entry: str) -> int:
        """Link what ``entry`` reaches and every object with initializers;
        return ``entry``'s address. As llvm-jitlink does, also without an executor:
        unreferenced objects stay unlinked. ExecutionError ``entry point 'NAME' not found``
        if no JITDylib defines ``entry``; SymbolsNotFound for other missing names."""
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
        """The linked function ``name`` as a Python callable of ``prototype``, a ctypes
        function type (e.g. ``ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int)``), after linking
        it (along ``jd``'s link order, or ``search_order``) and running pending initializers
        (LLJIT's ``lookup`` + ``initialize``, then a cast of the address).

        Natively it is ``prototype(address)``, a ctypes function. Emulated, it calls
        ``executor.call`` under the target's C calling convention: arguments and result must
        be integers or pointers (ctypes integer, bool, char and pointer types; ``None``
        restype: returns None), converted as ctypes converts them (``c_int`` wraps to 32
        bits, signed); pointers are target addresses. ExecutionError for a non-executing
        session or, emulated, a floating-point argument or result; SymbolsNotFound as
        ``lookup``."""
        if self.executor is None or self.noexec:
            raise ExecutionError("cannot call JIT'd code: this session does not execute "
                                 "(noexec or slab)")
        from pyjitlink.executors.native import NativeExecutor

        native = isinstance(self.executor, NativeExecutor)
        if not native:
            argtypes, restype = _integer_signature(prototype)
        address = self.lookup(name, jd)
        self.run_initializers()  # emulated: after the C runtime's start-up (start_for_calls)
        if self._emulator is not None:
            self._emulator.after_link()  # IFUNCs linked after the start-up, resolved now
        if native:
            return prototype(address)
        executor = self._emulator
        assert executor is not None

        def call(*args: int) -> int | None:
            if len(args) != len(argtypes):
                raise TypeError(f"{name}() takes {len(argtypes)} arguments "
                                f"({len(args)} given)")
            values = [_as_int(t, a) for t, a in zip(argtypes, args)]
            result = executor.call(address, values)
            return None if restype is None else _as_int(restype, result)

        call.__name__ = call.__qualname__ = name
        return call

    def run_initializers(self) -> None:
        """Link every object with initializers and run those not yet run,
        in the platform's order (preinit, then init by priority and input order;
        ``LLJIT::initialize``). Their finalizers run at ``remove`` or ``close``.
        ExecutionError without an executor."""
        if self.executor is None or self.noexec:
            raise ExecutionError("cannot run initializers: this session does not execute "
                                 "(noexec or slab)")
        self.link_initializers()
        self.start_for_calls()
        self.init_fini.arm_finalizers()
        for init in self.init_fini.take("preinit") + self.init_fini.take("init"):
            self.executor.run_void(init)

    def start_for_calls(self) -> None:
        """Emulated: run the target C runtime's start-up once (``__libc_start_main`` up to
        where it would call ``main``, with argv ``["pyjitlink"]`` and the host's
        environment), so that functions called from Python (``function``,
        ``run_initializers``) find a working C library: thread pointer and TLS, IRELATIVE
        slots (``memcpy``), stdio, ``malloc``. Their output is flushed (glibc's
        ``fflush(NULL)``) by ``flush_output`` and ``close``. Nothing natively, or when done
        already; a bare ``executor.call`` does not start it. Errors as ``run_main``."""
        if self._emulator is None or self._fflush is not None or self._atexit_armed:
            return
        runtime = self._runtime_jd or self.process_jd
        start_main = self.lookup("__libc_start_main", runtime)
        fflush = self.lookup("fflush", runtime)
        process = self._emulator.services().static_process
        assert process is not None
        process.boot(start_main, ["pyjitlink"])
        self._fflush = fflush

    def remove(self, tracker: ResourceTracker) -> None:
        """Run the finalizers of ``tracker``'s code whose initializers ran, then
        remove it (``ResourceTracker::remove``, dlclose-like): its symbols leave their
        JITDylib, its memory is unmapped (native) or released (emulated), its unwind info
        is deregistered, and ``linked_files`` forgets its graphs."""
        if self.executor is not None:
            for fini in self.init_fini.take("fini", tracker, armed_only=True):
                self.executor.run_void(fini)
        tracker.remove()

    def run_main(self, entry: str, args: Sequence[str]) -> int:
        """Link ``entry`` (``"main"``, or ``"_main"`` for Mach-O) and every
        object with initializers, run the initializers, then call ``entry`` as ``int
        main(int argc, char **argv, char **envp)`` with ``args`` (a sequence of str) as
        argv, whole (no program name is prepended, as llvm-jitlink's ``-args``), and the
        host's environment (LLJIT's ``runAsMain``). Returns main's result, or the status an
        emulated program passed to ``exit``. The program's buffered stdio is flushed before
        this returns (``flush_output``), so its output precedes what the caller prints
        next. Finalizers are left to the process's ``atexit`` natively, to ``close``
        emulated. ExecutionError without an executor, or when the program faults (its
        message has the fault's backtrace), times out or calls an unsupported function;
        errors of ``link_entry``."""
        if self.executor is None or self.noexec:
            raise ExecutionError("cannot execute: this session does not execute (noexec or "
                                 "slab)")
        address = self.link_entry(entry)
        try:
            code = self.run_linked_main(address, args)
        except SystemExit as done:
            if self._emulator is None:
                raise  # natively, exit() has ended this process already: unreachable
            # An emulated program called exit(): its handlers ran, its streams are flushed.
            return int(done.code or 0)
        self.flush_output()
        return code

    def flush_output(self) -> None:
        """Write out what the program's stdio holds in its buffers (C's stdout and stderr),
        as its ``exit`` would, so that it comes before what the caller prints next. An
        emulated program run by ``run_main`` has flushed through glibc's ``exit`` already;
        one started for calls (``start_for_calls``) gets glibc's ``fflush(NULL)``; nothing
        to do without an executor."""
        executor = self.executor
        if executor is None or self._closed:
            return
        if self._emulator is None:
            from pyjitlink.executors.native import NativeExecutor

            NativeExecutor.flush_host_streams()
        elif self._fflush is not None:
            self._emulator.call(self._fflush, [0])

    def _flush_after_failure(self) -> None:
        """Emulated: write out what glibc's stdio holds after an error that ends the
        program as ``exit`` would (executors.host_bridge.GuestTermination.flush), by
        calling ``fflush(NULL)``; best effort (the error is what gets reported)."""
        try:
            fflush = self.lookup("fflush", self._runtime_jd or self.process_jd)
            assert self._emulator is not None
            self._emulator.call(fflush, [0])
        except Exception:  # noqa: BLE001, S110 - the failure being reported matters more
            pass

    def run_linked_main(self, address: int, args: Sequence[str]) -> int:
        """``run_main`` for an entry point already linked at ``address``
        (what the tool calls after ``link_entry``): initializers run (finalizers go to
        ``atexit``), then main with ``args``; its result. The program's stdio is not flushed
        (the tool does that at exit)."""
        executor = self.executor
        if executor is None or self.noexec:
            raise ExecutionError("cannot execute: this session does not execute (noexec or "
                                 "slab)")
        self._atexit_armed = True
        if self.target_libc:
            # glibc's start-up runs the initializers (its __init_array_start table) and
            # main; exit runs the finalizers.
            start = self.lookup("_start", self._runtime_jd or self.main_jd)
            if self._main_slots:  # the prelinked runtime's crt1.o: its pointer to main
                # (Mach-O: glibc's "main", the re-export of the program's entry point)
                main = self.lookup("main", self._runtime_jd or self.main_jd).to_bytes(
                    8, "little")
                assert self._emulator is not None
                for slot in self._main_slots:
                    self._emulator.memory.buffer[slot:slot + 8] = main
            self.link_initializers()
            take = self.init_fini.take
            process = executor.services().static_process
            assert process is not None
            process.set_initializers(take("preinit"), take("init"), take("fini"))
            try:
                return process.start_process(start, args)
            except ExecutionError as err:
                if getattr(err, "flush", False):  # a failed lazy call ends it as exit would
                    self._flush_after_failure()
                raise
        # Natively: the process's own exit runs them.
        cast("NativeExecutor", executor).register_finalizers_with_atexit(
            self.init_fini.take("fini"))
        for init in self.init_fini.take("preinit") + self.init_fini.take("init"):
            executor.run_void(init)
        return executor.run_as_main(address, args)


# ctypes type codes of integers, bool, char and pointers: what an emulated call can pass.
_INTEGER_CODES = frozenset("bBhHiIlLqQ?cPzZ")


def _integer_signature(prototype: type) -> tuple[list[type], type | None]:
    """(argument types, result type or None) of a ctypes function type whose types are
    all integers or pointers; ExecutionError naming the first that is not."""
    argtypes = list(getattr(prototype, "_argtypes_", None) or ())
    restype = getattr(prototype, "_restype_", None)
    for kind in [*argtypes, restype]:
        if kind is not None and getattr(kind, "_type_", None) not in _INTEGER_CODES:
            raise ExecutionError(f"an emulated function takes and returns integers and "
                                 f"pointers only, not {getattr(kind, '__name__', kind)}")
    return argtypes, restype


def _as_int(kind: type, value: int) -> int:
    """``value`` converted as ctypes type ``kind`` converts it (wrapped to its width and
    signedness); pointers and chars as their integer value."""
    code = getattr(kind, "_type_", "")
    if code in ("P", "z", "Z"):
        return int(value) & 0xFFFFFFFFFFFFFFFF
    if code == "c":
        return int(value) & 0xFF
    return int(kind(value).value)  # type: ignore[call-arg, attr-defined]


def _load_thin(path: str, arch: str) -> ObjectFile:
    """The file at ``path`` as formats.load reads it, its ``arch`` slice if universal."""
    return load(path).thin(arch)


def as_object(data: bytes | ObjectFile, name: str) -> ObjectFile:
    """``data`` as an ObjectFile (bytes are wrapped once; an ObjectFile is kept as it is)."""
    return data if isinstance(data, ObjectFile) else load_bytes(data, name)


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


class _SettleRuntime:
    """The first generator of ``Process`` under -libc=target while the runtime is pending:
    a lookup that reaches ``Process`` before any LLJIT call settled it settles it."""

    def __init__(self, session: LLJIT) -> None:
        self.session = weakref.ref(session)

    def try_to_generate(self, jd: JITDylib, lookup_flags: JITDylibLookupFlags,
                        names: list[str]) -> None:
        session = self.session()
        if session is not None:
            session._settle_runtime()


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
