"""What the ``pyjitlink`` command does once its arguments are parsed."""

from __future__ import annotations

import gc
import os
import resource
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pyjitlink.errors import PyJITLinkError, UnsupportedTarget
from pyjitlink.formats import FileKind, load
from pyjitlink.formats.inputs import InputCache, read_input
from pyjitlink.jitlink.graph import LinkGraph
from pyjitlink.jitlink.target import Arch, ObjectFormat
from pyjitlink.orc.lljit import ARCH_NAMES
from pyjitlink.orc.platforms import PLATFORMS, platform_for_format
from pyjitlink.tool.session import Session

if TYPE_CHECKING:
    from pyjitlink.tool.graph_info import GraphInfo


@dataclass
class Options:
    """The command's non-positional options (names as llvm-jitlink spells them)."""

    noexec: bool = False
    entry: str | None = None  # None: main, or _main for Mach-O inputs
    phony_externals: bool = False
    process_symbols: bool = True
    show_sizes: bool = False
    pre_prune_total_block_size: bool = False
    post_fixup_total_block_size: bool = False
    show_times: bool = False
    show_linked_files: bool = False
    check: tuple[str, ...] = ()
    check_name: str = "jitlink-check"
    slab_allocate: str | None = None
    slab_address: int | None = None
    slab_page_size: int | None = None
    show_addrs: bool = False
    show_graphs: str | None = None
    graph_format: str = "text"
    show_relocated_section_contents: bool = False
    add_self_relocations: bool = False
    triple: str | None = None
    all_load: bool = False
    preload: tuple[str, ...] = ()
    search_sys_lib: bool = False
    show_jit_result: bool = False
    graph_output: str | None = None
    harness: tuple[str, ...] = ()
    show_init_es: bool = False
    show_entry_es: bool = False
    num_threads: int = 0
    emulate: bool = False
    timeout: float | None = None
    max_instructions: int | None = None
    debugger_support: bool | None = None  # None: on for native runs unless noexec (llvm-jitlink)
    perf_support: bool = False
    libc: str | None = None  # -libc: None or "target" (implies -emulate); "python" is refused
    sysroot: str | None = None
    write_symtab: str | None = None
    symbolicate_with: str | None = None


DEFAULT_SLAB_ADDRESS = 0x10000000


def parse_slab_size(text: str) -> int:
    """``-slab-allocate``: a decimal count with an optional Kb/Mb/Gb suffix (default Kb)."""
    value = text.strip()
    unit = 1024
    for suffix, size in (("kb", 1024), ("mb", 1024 ** 2), ("gb", 1024 ** 3)):
        if value.lower().endswith(suffix):
            value, unit = value[:-2].rstrip(), size
            break
    if not value.isdigit():
        raise PyJITLinkError("Invalid numeric format for slab size", "-slab-allocate")
    return int(value) * unit


def slab_settings(options: Options) -> tuple[int, int, int] | None:
    """(size, address, page size) of the -noexec slab, or None for native memory.

    Validates the combinations llvm-jitlink's sanitizeArguments does, with its messages.
    """
    if options.slab_address is not None and (options.slab_allocate is None or
                                             not options.noexec):
        raise PyJITLinkError("-slab-address requires -slab-allocate and -noexec",
                             "-slab-address")
    if options.slab_page_size is not None:
        if options.slab_allocate is None:
            raise PyJITLinkError("-slab-page-size requires -slab-allocate", "-slab-page-size")
        if options.slab_page_size == 0:
            raise PyJITLinkError("Page size is zero", "-slab-page-size")
        if options.slab_page_size & (options.slab_page_size - 1):
            raise PyJITLinkError("Page size is not a power of 2", "-slab-page-size")
    if options.slab_allocate is None:
        return None
    size = parse_slab_size(options.slab_allocate)
    if options.slab_address is not None and options.slab_page_size is None:
        print("Warning: -slab-address used without -slab-page-size.", file=sys.stderr,
              flush=True)
    if not options.noexec:
        return None  # an executing run places code in native memory; the size is a hint
    address = DEFAULT_SLAB_ADDRESS if options.slab_address is None else options.slab_address
    return size, address, options.slab_page_size or 4096


def _parse_abs(stmt: str) -> tuple[str, int]:
    """``<name>=<addr>`` with llvm's auto radix (0x hex, 0 octal, 0b binary, else decimal)."""
    name, eq, value = stmt.partition("=")
    name, value = name.strip(), value.strip()
    if not eq or not name:
        raise PyJITLinkError(f'Invalid absolute define "{stmt}". Syntax: <name>=<addr>', "-abs")
    try:
        text = value.lower()
        if text.startswith(("0x", "0b", "0o")):
            address = int(text, 0)
        elif len(text) > 1 and text.startswith("0"):
            address = int(text, 8)
        else:
            address = int(text, 10)
        if not 0 <= address < (1 << 64):
            raise ValueError
    except ValueError:
        raise PyJITLinkError(f'Invalid address expression "{value}" in absolute symbol '
                             f'definition "{stmt}"', "-abs") from None
    return name, address


def _parse_alias(stmt: str) -> tuple[str | None, str, str | None, str]:
    """``[<dst-jd>:]<alias>=[<src-jd>:]<aliasee>`` -> (dst jd, alias, src jd, aliasee)."""
    left, eq, right = stmt.partition("=")

    def side(text: str) -> tuple[str | None, str]:
        jd, colon, name = text.partition(":")
        return (jd, name) if colon and name else (None, text)

    dst, alias = side(left)
    src, aliasee = side(right)
    if not eq or not alias or not aliasee:
        raise PyJITLinkError(f'Invalid alias definition "{stmt}". Syntax: '
                             f'[<dst-jd>:]<alias>=[<src-jd>:]<aliasee>', "-alias")
    return dst, alias, src, aliasee


def parse_sect_create(spec: str) -> tuple[str, str, dict[str, int]]:
    """``-sectcreate <section>,<file>[@<sym>=<offset>,...]`` -> (section, file, symbols);
    offsets with llvm's auto radix. PyJITLinkError with llvm-jitlink's texts."""
    head, _, extra = spec.partition("@")
    section, _, path = head.rpartition(",")
    if not section or not path:
        raise PyJITLinkError(f"In -sectcreate={spec}, filename component cannot be empty",
                             "-sectcreate")
    symbols: dict[str, int] = {}
    for pair in extra.split(",") if extra else []:
        name, _, offset = pair.partition("=")
        try:
            symbols[name] = int(offset, 8) if offset[:1] == "0" and offset[1:2].isdigit() \
                else int(offset, 0)
        except ValueError:
            raise PyJITLinkError(f"In -sectcreate={spec}, {offset} is not a valid integer",
                                 "-sectcreate") from None
        if symbols[name] < 0:
            raise PyJITLinkError(f"In -sectcreate={spec}, {offset} is not a valid integer",
                                 "-sectcreate")
    return section, path, symbols


def parse_triple(triple: str) -> tuple[Arch, ObjectFormat]:
    """``-triple``: (architecture, object format) of an LLVM target triple; x86-64 and
    AArch64, Mach-O for an apple/darwin/macos/ios triple and ELF otherwise. PyJITLinkError
    for an architecture pyjitlink has no linker for."""
    parts = triple.lower().split("-")
    arch = ARCH_NAMES.get(parts[0])
    if arch is None:
        raise UnsupportedTarget(f"unsupported target triple '{triple}' (architectures: "
                                f"x86_64, aarch64/arm64)", "-triple")
    platform = next((p for p in PLATFORMS.values() if p.matches_triple(parts[1:])),
                    platform_for_format(ObjectFormat.ELF))
    assert platform.object_format is not None
    return arch, platform.object_format


def first_input(events: Sequence[tuple[str, str]],
                inputs: InputCache | None = None) -> tuple[ObjectFormat, Arch] | None:
    """(format, architecture) of the first input that has recognisable ones (None if none
    does): the architecture chooses native execution or emulation, the format the default
    entry point. Each input is read once, through ``inputs``; unreadable or malformed inputs
    fail later, when added."""
    inputs = inputs or InputCache()
    for kind, path in events:
        if kind != "input":
            continue
        try:
            obj = load(path, inputs)
            if obj.kind is FileKind.ARCHIVE:
                members = obj.members
                if not members:
                    continue
                obj = members[0]
            if obj.object_format is None:
                continue
            return obj.object_format, obj.arch
        except PyJITLinkError:
            continue
    return None


def inputs_arch(events: Sequence[tuple[str, str]],
                inputs: InputCache | None = None) -> str | None:
    """The architecture of the first input (see first_input)."""
    found = first_input(events, inputs)
    return found[1] if found is not None else None


def default_entry(events: Sequence[tuple[str, str]],
                  inputs: InputCache | None = None) -> str:
    """The first input's platform's default entry: ``main``, or ``_main`` for Mach-O
    (llvm-jitlink's rule)."""
    found = first_input(events, inputs)
    return platform_for_format(found[0] if found is not None else ObjectFormat.ELF).default_entry


def build_session(events: Sequence[tuple[str, str]], options: Options | None = None,
                  inputs: InputCache | None = None) -> Session:
    """A Session with the inputs, libraries and definitions of ``events`` in their JITDylibs.

    ``events`` are (kind, value) pairs in command-line order: kind is "input", "jd", "l",
    "L", "abs" or "alias". Each input file is read once (through ``inputs``), so pipes work.
    Raises PyJITLinkError subclasses.
    """
    options = options or Options()
    inputs = inputs or InputCache()
    triple = parse_triple(options.triple) if options.triple else None
    if options.entry is None:
        options.entry = platform_for_format(triple[1]).default_entry if triple else \
            default_entry(events, inputs)
    session = Session(noexec=options.noexec, slab=slab_settings(options),
                      phony_externals=options.phony_externals,
                      process_symbols=options.process_symbols, entry=options.entry,
                      record_graphs=bool(options.check or options.show_addrs),
                      count_sizes=(options.show_sizes or options.pre_prune_total_block_size or
                                   options.post_fixup_total_block_size),
                      num_threads=options.num_threads,
                      arch=triple[0] if triple else inputs_arch(events, inputs),
                      emulate=options.emulate, timeout=options.timeout,
                      max_instructions=options.max_instructions,
                      debugger_support=options.debugger_support,
                      perf_support=options.perf_support, libc=options.libc,
                      sysroot=options.sysroot)
    # What counts or dumps every graph, or the session's symbol tables, sees the target C
    # runtime's own graphs: not its prelinked image (orc/runtime_image.py).
    session.runtime_image = not (options.show_sizes or options.pre_prune_total_block_size or
                                 options.post_fixup_total_block_size or
                                 options.show_init_es or options.show_entry_es)
    if options.write_symtab is not None:
        from pyjitlink.orc.plugins.symtab import SymbolTableDumpPlugin

        try:
            # Names are text that keeps undecodable bytes (surrogateescape): write them back.
            stream = open(options.write_symtab, "w", encoding="utf-8",  # noqa: SIM115
                          errors="surrogateescape")
        except OSError as err:
            raise PyJITLinkError(err.strerror or str(err), options.write_symtab) from None
        session.layer.add_plugin(SymbolTableDumpPlugin(stream))
    if triple is not None:
        session.set_object_format(triple[1])
    session.all_load = options.all_load
    if options.search_sys_lib:
        session.system_search_paths = [d for d in os.environ.get("LD_LIBRARY_PATH",
                                                                 "").split(":") if d]
    for library in options.preload:
        session.preload(library)
    for harness in options.harness:
        session.add_harness(harness)
    if options.add_self_relocations:
        from pyjitlink.tool.self_relocations import SelfRelocationsPlugin

        session.layer.add_plugin(SelfRelocationsPlugin())
    if options.show_graphs or options.show_relocated_section_contents:
        from pyjitlink.tool.dumps import DumpPlugin  # only runs that dump pay for it

        out = None
        if options.graph_output:
            try:
                out = open(options.graph_output, "w", encoding="utf-8",  # noqa: SIM115
                           errors="surrogateescape")
            except OSError as err:
                raise PyJITLinkError(err.strerror or str(err), options.graph_output,
                                     f"'{options.graph_output}': {err.strerror or err}"
                                     ) from None
        session.layer.add_plugin(DumpPlugin(options.show_graphs, options.graph_format,
                                            options.show_relocated_section_contents, out))
    jd = session.main_jd
    libraries = []
    aliases = []
    sect_creates = []
    weak_libraries = []
    lazy_next = False  # -lazy applies to the input or -l right after it (llvm-jitlink)
    for kind, value in events:
        lazy, lazy_next = lazy_next, kind == "lazy"
        if kind == "jd":
            jd = session.create_jd(value)
        elif kind == "input":
            session.add_object_file(jd, value, lazy=lazy, data=load(value, inputs))
        elif kind == "L":
            session.add_search_path(jd, value)
        elif kind == "l":
            libraries.append((jd, value, False, lazy))
        elif kind == "hidden-l":
            libraries.append((jd, value, True, lazy))
        elif kind == "load_hidden":
            session.add_archive(jd, value, hidden=True, lazy=lazy)
        elif kind == "weak_library":
            session.add_weak_library(jd, value)
        elif kind == "weak-l":
            weak_libraries.append((jd, value))
        elif kind == "abs":
            session.add_absolute(jd, *_parse_abs(value))
        elif kind == "alias":
            aliases.append((jd, value, _parse_alias(value)))
        elif kind == "sectcreate":
            sect_creates.append((jd, parse_sect_create(value)))
    for sect_jd, (section, path, symbols) in sect_creates:
        # After the inputs: the section's graph takes the first input's format.
        session.add_sect_create(sect_jd, section, path, symbols)
    for alias_jd, stmt, (dst_name, alias, src_name, aliasee) in aliases:
        # After every -jd exists, so either side may name any JITDylib.
        found = []
        for name in (dst_name, src_name):
            named = session.es.get_jit_dylib(name) if name is not None else None
            if name is not None and named is None:
                raise PyJITLinkError(f'In alias definition "{stmt}" no dylib named {name}',
                                     "-alias")
            found.append(named)
        dst = found[0] or alias_jd
        src = found[1] or found[0] or alias_jd
        session.add_alias(dst, alias, src, aliasee)
    # ld's rule: every -L of a JITDylib applies to each of its -l, wherever they stand.
    for lib_jd, name, hidden, lazy in libraries:
        session.add_library(lib_jd, name, hidden, lazy)
    for lib_jd, name in weak_libraries:
        session.add_weak_library(lib_jd, session.find_text_stub(lib_jd, name))
    session.finish_link_orders()
    return session


def symbolicate(table_path: str, inputs: Sequence[str]) -> int:
    """``-symbolicate-with FILE``: print each input backtrace (``-`` or none: stdin) with
    JIT'd addresses named from the symbol table FILE (see orc.plugins.symtab)."""
    from pyjitlink.orc.plugins.symtab import DumpedSymbolTable

    def read(path: str) -> str:
        if path == "-":
            return sys.stdin.read()
        return read_input(path, what="a backtrace or symbol table").decode("utf-8",
                                                                            "surrogateescape")

    table = DumpedSymbolTable(read(table_path))
    for path in inputs or ("-",):
        sys.stdout.write(table.symbolicate(read(path)))
    sys.stdout.flush()
    return 0


TIMER_NAMES = {"load": "time to load/add object files", "link": "time to link object files",
               "run": "time to execute jitlink'd code"}


def print_timers(times: dict[str, tuple[float, float, float]]) -> None:
    """LLVM's TimerGroup table (Support/Timer.cpp), on stderr: (user, system, wall) seconds."""
    rows = sorted(((TIMER_NAMES[k], v) for k, v in times.items()), key=lambda r: -r[1][2])
    total = tuple(sum(v[i] for _, v in rows) for i in range(3))
    out = sys.stderr
    title = "timers for pyjitlink phases"
    out.write("===" + "-" * 73 + "===\n")
    out.write(" " * ((80 - len(title)) // 2) + title + "\n")
    out.write("===" + "-" * 73 + "===\n")
    out.write(f"  Total Execution Time: {total[0] + total[1]:5.4f} seconds "
              f"({total[2]:5.4f} wall clock)\n\n")
    out.write("   ---User Time---   --System Time--   --User+System--   ---Wall Time---"
              "  --- Name ---\n")

    def cell(value: float, whole: float) -> str:
        return f"  {value:7.4f} ({100.0 * value / whole if whole else 0.0:5.1f}%)"

    for name, (user, system, wall) in [*rows, ("Total", total)]:
        out.write(cell(user, total[0]) + cell(system, total[1]) +
                  cell(user + system, total[0] + total[1]) + cell(wall, total[2]) +
                  f"  {name}\n")
    out.write("\n")
    out.flush()


class _Timer:
    """Collects (user, system, wall) seconds per phase."""

    def __init__(self) -> None:
        self.times: dict[str, tuple[float, float, float]] = {}

    def start(self) -> tuple[float, float, float]:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime, usage.ru_stime, time.perf_counter()

    def stop(self, phase: str, started: tuple[float, float, float]) -> None:
        now = self.start()
        self.times[phase] = tuple(b - a for a, b in zip(started, now))  # type: ignore[assignment]


def run_checks(env: GraphInfo, files: Sequence[str], check_name: str,
               inputs: InputCache | None = None) -> None:
    """Evaluate every rule of every check file; PyJITLinkError if any file fails. Each file
    is read once (a pipe works, a device is read up to a limit: see formats.inputs)."""
    from pyjitlink.check.checker import check_files

    inputs = inputs or InputCache()
    failed = check_files(env, list(files), check_name, sys.stderr,
                         read=lambda path: inputs.read(path, "a check file"))
    if failed:
        raise PyJITLinkError(f"Some checks in {failed[0]} failed", failed[0])


def first_input_path(events: Sequence[tuple[str, str]]) -> str | None:
    """The first input file named on the command line (None if there is none)."""
    return next((value for kind, value in events if kind == "input"), None)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while inputs load and link: every graph, block,
    symbol and edge made then lives until its link ends (LinkGraph.release breaks its
    cycles then), so the collections only rescan live objects, about a sixth of the CPU
    time of a 1,000-object link even at tool.entry's thresholds (bench/README.md). It is
    back on for the program's run."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # What the pause made is still young: the first collection after it would scan all
        # of it (about 100 ms after gen1000's link). It waits in the collector's permanent
        # generation instead until ``run`` ends (gc.unfreeze puts it back, in the oldest
        # generation, for callers that go on in this process).
        gc.freeze()
        if enabled:
            gc.enable()


@contextmanager
def _during_link() -> Iterator[None]:
    """Mark errors of the link and the run: llvm-jitlink's session reports those, under its
    own banner (cli.LLVM_LINK_BANNER), where option and input errors get argv[0]'s."""
    try:
        yield
    except PyJITLinkError as err:
        err.during_link = True
        raise


def run(events: Sequence[tuple[str, str]], program_args: Sequence[str],
        options: Options) -> int:
    """Build the session, link, run (unless -noexec); return the exit status.

    A native run ends the process through libc's ``exit`` with main's status, so that
    ``atexit`` handlers and finalizers run as in a real process; this returns only for
    ``-noexec``.

    Every error names a file: one that belongs to no input in particular (the entry point
    is missing, memory ran out, an emulated program faulted outside any linked graph) names
    the first input, as llvm-jitlink's messages name the main JITDylib's first object.
    """
    try:
        return _run(events, program_args, options)
    except PyJITLinkError as err:
        if err.file is None:
            err.file = first_input_path(events)
        raise
    except MemoryError:
        raise PyJITLinkError("out of memory", first_input_path(events)) from None
    finally:
        gc.unfreeze()  # see _collector_paused


def _run(events: Sequence[tuple[str, str]], program_args: Sequence[str],
         options: Options) -> int:
    timer = _Timer()
    started = timer.start()
    inputs = InputCache()
    with _collector_paused():
        session = build_session(events, options, inputs)
    timer.stop("load", started)
    if options.show_linked_files:
        def show(jd: object, graph: LinkGraph) -> None:
            # One write per line: links on several threads must not interleave their lines.
            sys.stdout.write(f"Linking {graph.name}\n")
            sys.stdout.flush()

        session.on_linked.append(show)
    if options.noexec and program_args:
        print("Warning: --args passed to -noexec run will be ignored.", file=sys.stderr,
              flush=True)
    if options.show_init_es:
        session.es.dump(sys.stdout)
        sys.stdout.flush()
    started = timer.start()
    assert options.entry is not None  # build_session chose the default
    with _during_link(), _collector_paused():
        address = session.link_entry(options.entry)
    timer.stop("link", started)
    if options.show_entry_es:
        session.es.dump(sys.stdout)
    if options.show_addrs:
        assert session.graph_info is not None
        session.graph_info.dump_addresses(sys.stdout)
    sys.stdout.flush()
    if options.check:
        assert session.graph_info is not None
        run_checks(session.graph_info, options.check, options.check_name, inputs)
    code = 0
    if not options.noexec:
        assert session.executor is not None
        started = timer.start()
        with _during_link():
            code = session.run_linked_main(address, program_args)
        timer.stop("run", started)
        if options.show_jit_result:
            # The entry point's return value on stdout; the tool itself then succeeds.
            print(f"JIT result: {code}", flush=True)
            code = 0
    stats = session.stats
    if options.show_sizes:
        print(f"  Total size of all blocks before pruning: {stats.pre_prune_total}")
        print(f"  Total size of all blocks after fixups: {stats.post_fixup_total}", flush=True)
    if options.pre_prune_total_block_size or options.post_fixup_total_block_size:
        print("Statistics:", file=sys.stderr)
        if options.pre_prune_total_block_size:
            print(f"  Total size of all blocks before pruning: {stats.pre_prune_total}",
                  file=sys.stderr)
        if options.post_fixup_total_block_size:
            print(f"  Total size of all blocks after fixups: {stats.post_fixup_total}",
                  file=sys.stderr, flush=True)
    if options.show_times:
        print_timers(timer.times)
    if not options.noexec:
        assert session.executor is not None
        session.executor.exit_process(code)
    return code


