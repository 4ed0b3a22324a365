"""-libc=target's C runtime as a prelinked image: the ~380 archive members every program's
start-up pulls in, linked once and then mapped, instead of linked again by every run.

A static link of any C program takes the same core of the target's runtime: ``crt1.o``'s
``_start`` reaches ``__libc_start_main``, and with it glibc's start-up, stdio, malloc,
locale, exit and IRELATIVE code (about 380 members of libc.a, libgcc.a and libgcc_eh.a for
AArch64 glibc 2.36; ``gcc -static`` of ``int main(void) { return 0; }`` takes 359). Linking
them is most of what an emulated ``-libc=target`` run costs. ``build_image`` links that core
once, in a session of its own, exactly as a run links it (the same executor, memory manager
and plugins), with ``main`` a placeholder, and records the result: the emulated memory it
filled, the symbols it defined, and what each plugin and executor service was told (TLS
modules, IRELATIVE and ``__libc_atexit`` entries, initializers and finalizers,
``.eh_frame`` tables, the fault reports' symbols, linked files). The image is cached in
``$XDG_CACHE_HOME/pyjitlink`` under the runtime's files' sizes and times and pyjitlink's own
sources (executors/linux/runtime.py's ``runtime_stamp``).

``apply_image`` puts it into a session that has linked nothing yet: the same address range
(the emulated process lays out its memory deterministically), the same service state (each
class's public ``snapshot``/``restore``), the symbols as absolute definitions in the
runtime's JITDylib (``LLJIT.runtime_jd``); ``crt1.o``'s GOT slot for ``main`` is written
when the program starts. The program's own objects, and the archive members only it needs,
then link as usual against it. An image stands for the core only where a static link would
bind it the same way: when the program's JITDylib defines none of the names the image
defines or refers to (a program with its own ``malloc``, say) the session links the runtime
from the archives instead, as it does when the image cannot be made or read.

Mach-O programs (orc/platforms/darwin_libc.py) have an image of their own
(``runtime-image-macho-ARCH``), linked in glibc's JITDylib beside the Darwin layer's shims
(which link as each program needs them); there ``main`` is glibc's re-export of the
program's ``_main``. The program's names never enter
glibc's namespace (two-level namespaces), so none of them stops the image.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pyjitlink.executors.base import TLSModule
from pyjitlink.executors.darwin.libc_layer import SHIM_PREFIX
from pyjitlink.jitlink.graph import LinkGraph
from pyjitlink.jitlink.target import ObjectFormat
from pyjitlink.orc.object_layer import INIT_SYMBOL_PREFIX
from pyjitlink.orc.platforms.tls import TLSPlugin
from pyjitlink.orc.symbols import SymbolFlags, SymbolState

if TYPE_CHECKING:
    from pyjitlink.executors.linux.process import LinuxProcessExecutor
    from pyjitlink.orc.lljit import LLJIT

# Bump when what an image records changes (the sources' digest covers code changes too).
IMAGE_FORMAT = 1
# crt1.o's placeholder for main while the image links: far outside the emulated address
# space, so that no pass turns the GOT load of main into a direct address computation.
PLACEHOLDER_MAIN = 0x7FFF_0000_0000_0000
ORIGIN = "<target C runtime image>"
# Images kept per architecture: one per runtime x pyjitlink version (checkouts, installs and
# sysroots side by side each have theirs), the least recently made removed first.
IMAGES_KEPT = 4


@dataclass
class RuntimeImage:
    """One linked runtime core (see the module's description). Addresses are emulated
    addresses; ``base``/``end`` the arena range its graphs took; ``regions`` (start, size,
    Unicorn protection, content without trailing zeros) what was mapped there."""

    base: int
    end: int
    regions: list[tuple[int, int, int, bytes]]
    static_symbols: dict[str, int]
    symbols: dict[str, tuple[int, int, str | None]]  # name -> (address, flags, origin)
    referenced: set[str]  # every external name the image's graphs looked up
    main_slots: list[int]  # 64-bit pointers to main (crt1.o's GOT entry)
    linked_files: list[tuple[str, str]]  # (JITDylib name, graph name), in link order
    init_fini: dict[str, list[tuple[int, int, int, int]]]  # (priority, order, index, address)
    tls_layout: tuple[int, int]  # StaticTLSLayout's (used, count)
    tls_images: list[tuple[int, bytes]]
    tls_blocks: list[tuple[int, int, int, TLSModule, int, str]]
    irelative: list[tuple[int, int]]  # (slot, resolver)
    atexit: bytes  # the __libc_atexit table's pointers
    eh_frames: dict[tuple[int, int], list[tuple[int, int, int]]]
    symbol_rows: list[tuple[int, int, str, str]]  # the fault reports' (address, size, name, file)
    eh_records: list[int]
    inputs: int  # how many objects it linked (their initializers' input order)


@dataclass
class _Recorder:
    """A plugin of the image's session: the external names of each graph, and where crt1.o
    keeps main's address."""

    referenced: set[str] = field(default_factory=set)
    main_slots: list[int] = field(default_factory=list)
    problem: str | None = None

    def modify_pass_config(self, mr, graph: LinkGraph, config) -> None:  # type: ignore[no-untyped-def]
        config.post_prune_passes.append(self._externals)
        config.post_fixup_passes.append(self._main_references)

    def _externals(self, graph: LinkGraph) -> None:
        self.referenced.update(graph.external_symbols)

    def _main_references(self, graph: LinkGraph) -> None:
        for block in graph.blocks():
            for edge in block.edges:
                target = edge.target
                if target.name != "main" or target.block is not None:
                    continue
                if graph.edge_kind_name(edge.kind) != "Pointer64" or edge.addend:
                    self.problem = (f"{graph.name} refers to main by "
                                    f"{graph.edge_kind_name(edge.kind)}, not through a pointer")
                else:
                    self.main_slots.append(block.address + edge.offset)

    def notify_emitted(self, mr, graph, alloc) -> None:  # type: ignore[no-untyped-def]
        pass

    def notify_remove_resources(self, tracker) -> None:  # type: ignore[no-untyped-def]
        pass


def build_image(arch: str, sysroot: str | None,
                object_format: str = ObjectFormat.ELF) -> RuntimeImage | str:
    """Link the runtime core of ``arch`` (below ``sysroot``) in a session of its own and
    record it; a str saying why when it cannot stand for the core (then runs link the
    runtime from its archives). ``object_format`` is the programs' (ObjectFormat.ELF or
    MACHO): a Mach-O session keeps glibc in a JITDylib of its own, beside the Darwin
    layer's shims, and lays out its memory after theirs. Errors of finding or linking the
    runtime propagate."""
    from pyjitlink.orc.lljit import LLJIT

    child = LLJIT(arch=arch, libc="target", sysroot=sysroot, debugger_support=False)
    try:
        child.runtime_image = False
        recorder = _Recorder()
        child.layer.add_plugin(recorder)
        child.set_object_format(object_format)
        executor = _process(child)
        arena, memory = executor.arena, executor.memory
        base = arena.next
        runtime_jd = child.runtime_jd
        # crt1.o's main: the program's (ELF), or glibc's re-export of the Mach-O "_main".
        entry = "_main" if object_format == ObjectFormat.MACHO else "main"
        child.main_jd.define_absolute(
            {entry: (PLACEHOLDER_MAIN, SymbolFlags.EXPORTED | SymbolFlags.CALLABLE)})
        child.lookup("_start", runtime_jd)
        if recorder.problem is not None:
            return recorder.problem
        end = arena.next
        if arena.free or not recorder.main_slots:
            return "the core's link did not take one range of memory"
        regions = []
        for start, stop, prot in memory.regions():
            if start >= end or stop <= base:
                continue
            if start < base or stop > end:
                return "a mapping crosses the core's range"
            content = bytes(memory.buffer[start:stop]).rstrip(b"\0")
            regions.append((start, stop - start, prot, content))
        static = dict(executor.static_symbols)
        symbols: dict[str, tuple[int, int, str | None]] = {}
        jds = (runtime_jd,) if runtime_jd is not child.process_jd else (child.process_jd,
                                                                          child.main_jd)
        for jd in jds:
            for name, sym in jd.symbols.items():
                # main: the placeholder (main_jd) and the session's own stand-in for
                # programs without one (Process) or re-export of the Mach-O entry point
                # (glibc's JITDylib), which every session defines itself; so are the
                # Darwin layer's shims, linked (or not) as each program needs them.
                if name.startswith((INIT_SYMBOL_PREFIX, SHIM_PREFIX)) or name in (
                        "main", entry) or (jd is runtime_jd and name in static):
                    continue
                if sym.state < SymbolState.READY:
                    return f"{name} was defined but not linked"
                symbols[name] = (sym.address, int(sym.flags), sym.origin)
        symbolizer = executor.symbolizer
        if symbolizer.has_lines():
            return "the runtime has source lines (debug information)"
        tls_layout, tls_images = executor.process_tls.snapshot()
        symbol_rows, eh_records = symbolizer.snapshot()
        return RuntimeImage(
            base=base, end=end, regions=regions, static_symbols=static, symbols=symbols,
            referenced=recorder.referenced, main_slots=recorder.main_slots,
            linked_files=list(child.linked_files), init_fini=child.init_fini.snapshot(),
            tls_layout=tls_layout, tls_images=tls_images,
            tls_blocks=_tls_plugin(child).snapshot(), irelative=executor.irelative.snapshot(),
            atexit=executor.atexit_set.snapshot(),
            eh_frames=executor.eh_frame_registrar.snapshot(), symbol_rows=symbol_rows,
            eh_records=eh_records, inputs=child.input_count)
    finally:
        child.close()


def _process(session: LLJIT) -> LinuxProcessExecutor:
    from pyjitlink.executors.linux.process import LinuxProcessExecutor

    executor = session.executor
    assert isinstance(executor, LinuxProcessExecutor)
    return executor


def _tls_plugin(session: LLJIT) -> TLSPlugin:
    return next(p for p in session.layer.plugins if isinstance(p, TLSPlugin))


def image_conflicts(session: LLJIT, image: RuntimeImage) -> list[str]:
    """Names defined where the runtime looks first that the image defines or refers to: a
    static link would bind them differently (sorted). ELF: the program's JITDylib
    (``main``, first in the runtime's link order). Mach-O: the program's names stay out of
    glibc's namespace (two-level namespaces; only its entry point is re-exported there, as
    ``main``), so only what glibc's own JITDylib holds besides the session's definitions
    (the static-link symbols, the Darwin layer's shims) counts."""
    runtime_jd = session.runtime_jd
    if runtime_jd is session.process_jd:
        names = list(session.main_jd.symbols)
    else:
        names = [n for n in runtime_jd.symbols
                 if not n.startswith(SHIM_PREFIX) and n not in image.static_symbols]
    return sorted(n for n in names if n != "main" and (n in image.symbols or
                                                       n in image.referenced))


def apply_image(session: LLJIT, image: RuntimeImage) -> str | None:
    """Put ``image`` into ``session``, which must have linked nothing yet; None when done, or
    why not (then the session is unchanged)."""
    executor = _process(session)
    arena, memory, tls = executor.arena, executor.memory, executor.process_tls
    if arena.next != image.base or arena.free:
        return "the session has linked code already"
    if dict(executor.static_symbols) != image.static_symbols:
        return "the process's static-link symbols moved"
    if (tls.layout.count or tls.images or executor.irelative.count or
            executor.atexit_set.count or executor.eh_frame_registrar.sections):
        return "the session has linked code already"
    conflicts = image_conflicts(session, image)
    if conflicts:
        return f"the program defines {', '.join(conflicts[:3])}"
    if arena.reserve(image.end - image.base) != image.base:
        raise AssertionError("the emulated arena did not give the runtime image its range")
    buffer = memory.buffer
    for start, size, prot, content in image.regions:
        memory.map(start, size, prot)
        buffer[start:start + len(content)] = content
    by_origin: dict[str | None, dict[str, tuple[int, SymbolFlags]]] = {}
    for name, (address, flags, origin) in image.symbols.items():
        by_origin.setdefault(origin, {})[name] = (address, SymbolFlags(flags))
    runtime_jd = session.runtime_jd
    for origin, symbols in by_origin.items():
        runtime_jd.define_absolute(symbols, origin or ORIGIN)
    tracker = id(runtime_jd.default_tracker)
    # Thread-local storage: the same modules at the same offsets (the image's code has
    # them built in), before any other.
    tls.restore((image.tls_layout, image.tls_images),
                {block[3] for block in image.tls_blocks})
    _tls_plugin(session).restore(image.tls_blocks, tracker)
    executor.irelative.restore(image.irelative, ORIGIN)
    if image.atexit:
        executor.atexit_set.add(image.atexit, ORIGIN)
    executor.eh_frame_registrar.restore(image.eh_frames)
    executor.symbolizer.restore(tracker, (image.symbol_rows, image.eh_records))
    # Initializers and finalizers run in input order: the image's objects come after the
    # program's, as an archive's members follow the objects in a static link.
    first = session.input_count
    session.input_count += image.inputs
    session.init_fini.restore(image.init_fini, tracker, first)
    session.note_linked_files(image.linked_files, tracker)
    return None
