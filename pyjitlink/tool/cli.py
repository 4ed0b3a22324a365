"""The ``pyjitlink`` command: llvm-jitlink's options and position rules, on click.

llvm-jitlink's options are single-dash words (``-noexec``, ``-jd NAME``); click accepts them as
declared, and the ``--`` forms too. Some options apply by position (an input goes to the
JITDylib of the nearest ``-jd`` before it; ``-lNAME`` may be glued), so the command records the
order of its arguments before click parses them. Everything after ``-args`` is the program's
argv. This module is the only place that turns errors into messages and exit codes.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from typing import Any

import click

from pyjitlink import __version__
from pyjitlink.errors import PyJITLinkError
from pyjitlink.jitlink.tls import StaticTLSUnavailable
from pyjitlink.tool.static_tls import forbid_restart, restart_with_static_tls, restore_environment

TOOL = "pyjitlink"
# Options whose position among the inputs matters, in llvm-jitlink's sense: the click
# parameter name -> the event name the driver reads.
POSITIONAL = {"jd": "jd", "libraries": "l", "search_paths": "L", "abs": "abs", "alias": "alias",
              "hidden_libraries": "hidden-l", "lazy": "lazy", "sectcreate": "sectcreate",
              "weak_libraries_l": "weak-l", "weak_library": "weak_library",
              "load_hidden": "load_hidden"}


def error_exit(message: str, file: str | None = None, code: int = 1,
               details: Sequence[str] = ()) -> None:
    """Print ``pyjitlink: error: [file: ]message`` on stderr, then each of ``details`` (a
    backtrace) on a line of its own, and exit with ``code``."""
    sys.stdout.flush()
    if _llvm_argv0 is not None:
        # ExitOnError's banner; a file name quoted, as LLVM's FileError prints it.
        where = f"'{file}': " if file else ""
        print(f"{_llvm_argv0}: {where}{message}", file=sys.stderr, flush=True)
        sys.exit(code)
    where = f"{file}: " if file else ""
    lines = [f"{TOOL}: error: {_one_line(where + message)}"]
    lines += [_one_line(line) for line in details]
    print("\n".join(lines), file=sys.stderr, flush=True)
    sys.exit(code)


def _one_line(text: str) -> str:
    """``text`` as one printable line: bytes that were not UTF-8 (names are read with
    surrogateescape) shown as ``\\xNN``, control characters (a newline in a symbol name)
    escaped, so an error stays one line."""
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c == " " else c.encode("unicode_escape").decode()
                   for c in text)


# Invoked as ``llvm-jitlink`` (a symlink: argv[0]'s basename), errors read as llvm-jitlink 19
# prints them, so lit suites written for it run unchanged: link-time errors (what its
# session reports) as ``llvm-jitlink error: <message>``, the others (ExitOnError's banner)
# as ``<argv0>: <message>``, each with LLVM's text for the message.
LLVM_TOOL = "llvm-jitlink"
LLVM_LINK_BANNER = "llvm-jitlink error: "
_llvm_argv0: str | None = None  # argv[0] when running under llvm-jitlink's name


def llvm_mode(argv0: str) -> bool:
    """True when the command runs under llvm-jitlink's name."""
    return os.path.basename(argv0) == LLVM_TOOL


def llvm_error_exit(argv0: str, err: PyJITLinkError, code: int = 1) -> None:
    """Print ``err`` as llvm-jitlink 19 does (see LLVM_TOOL) and exit with ``code``."""
    sys.stdout.flush()
    text = err.llvm_message if err.llvm_message is not None else err.message
    banner = LLVM_LINK_BANNER if err.during_link else f"{argv0}: "
    print(f"{banner}{text}", file=sys.stderr, flush=True)
    sys.exit(code)


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance with replacements (LLVM's StringRef::edit_distance)."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[len(b)]


def nearest_option(token: str, names: Sequence[str]) -> str | None:
    """The option name closest to ``token`` (LLVM's LookupNearestOption: the first of the
    least edit distance, comparing the words without dashes or ``=value``), spelled as
    LLVM's hint spells it: ``-X`` for one letter, ``--name`` otherwise, then the token's
    ``=value`` if it had one."""
    word, eq, value = token.lstrip("-").partition("=")
    best: tuple[int, str] | None = None
    for name in names:
        bare = name.lstrip("-")
        distance = edit_distance(word, bare)
        if best is None or distance < best[0]:
            best = (distance, bare)
    if best is None:
        return None
    return ("-" if len(best[1]) == 1 else "--") + best[1] + eq + value


class UnknownOption(click.UsageError):
    """An argument that names no option; ``hint`` is the nearest option's spelling."""

    def __init__(self, token: str, hint: str | None) -> None:
        super().__init__(f"Unknown command line argument '{token}'.  Try: '{TOOL} --help'" +
                         (f" Did you mean '{hint}'?" if hint else ""))
        self.token = token
        self.hint = hint


TRUE_WORDS = ("true", "TRUE", "True", "1")
FALSE_WORDS = ("false", "FALSE", "False", "0")


class PositionalCommand(click.Command):
    """A click command that also records the order of inputs and positional options."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        program_args: list[str] = []
        for i, token in enumerate(args):
            if token in ("-args", "--args"):
                args, program_args = args[:i], args[i + 1:]
                break
        harness: list[str] = []
        for i, token in enumerate(args):
            if token in ("-harness", "--harness"):  # eats the rest, as cl::PositionalEatsArgs
                args, harness = args[:i], args[i + 1:]
                break
        ctx.meta["pyjitlink.harness"] = harness
        takes_value: dict[str, tuple[str, bool]] = {}
        negations: dict[str, str] = {}  # a flag -> its "off" spelling (-x/-no-x flags)
        for param in self.get_params(ctx):
            if isinstance(param, click.Option):
                for opt in param.opts + param.secondary_opts:
                    takes_value[opt] = (param.name or "", not param.is_flag)
                for opt in param.opts:
                    if param.secondary_opts:
                        negations[opt] = param.secondary_opts[0]
        events: list[tuple[str, str]] = []
        rewritten: list[str] = []
        i = 0
        while i < len(args):
            token = args[i]
            i += 1
            if token == "--":  # the end of options: everything after it is an input file
                events += [("input", rest) for rest in args[i:]]
                rewritten += ["--", *args[i:]]
                break
            if token.startswith("-") and len(token) > 1:
                name, eq, value = token.partition("=")
                known = takes_value.get(name)
                if known is None and not eq:
                    for prefix in ("-hidden-l", "-weak-l", "-l", "-L"):  # cl::Prefix: -lNAME
                        if name.startswith(prefix) and len(name) > len(prefix):
                            known, name, eq = takes_value[prefix], prefix, "="
                            value = token[len(prefix):]
                            break
                if known is not None:
                    dest, wants_value = known
                    if not wants_value and eq:
                        # cl::opt<bool>: -flag=true / -flag=false (also 1 / 0).
                        if value in FALSE_WORDS:
                            if name in negations:  # -x/-no-x flags whose default is "on"
                                rewritten.append(negations[name])
                            continue
                        if value not in TRUE_WORDS:
                            raise click.UsageError(f"for the --{name.lstrip('-')} option: "
                                                   f"'{value}' is invalid value for boolean "
                                                   f"argument! Try 0 or 1")
                    if wants_value and not eq:
                        if i >= len(args):
                            raise click.UsageError(f"option {name} requires a value")
                        value = args[i]
                        i += 1
                    rewritten += [name, value] if wants_value else [name]
                    if dest in POSITIONAL:
                        events.append((POSITIONAL[dest], value if wants_value else ""))
                    continue
                raise UnknownOption(token, nearest_option(token, list(takes_value)))
            else:
                events.append(("input", token))
                rewritten.append(token)
        ctx.meta["pyjitlink.events"] = events
        ctx.meta["pyjitlink.args"] = program_args
        return super().parse_args(ctx, rewritten)


class _Address(click.ParamType):
    """A 64-bit unsigned number, decimal or 0x-hex (LLVM's cl::opt<uint64_t>)."""

    name = "address"

    def convert(self, value: Any, param: Any, ctx: Any) -> int:
        if isinstance(value, int):
            return value
        try:
            number = int(str(value), 0)
        except ValueError:
            self.fail(f"'{value}' value invalid for uint argument!", param, ctx)
        if not 0 <= number < (1 << 64):
            self.fail(f"'{value}' value invalid for uint argument!", param, ctx)
        return number


def _options(*decls: str, **kwargs: Any) -> Any:
    return click.option(*decls, **kwargs)


@click.command(cls=PositionalCommand, context_settings={"help_option_names": ["-help", "--help",
                                                                              "-h"]})
@click.argument("inputs", nargs=-1, type=click.Path())
@_options("-noexec", "--noexec", is_flag=True, help="Do not execute loaded code")
@_options("-lazy", "--lazy", is_flag=True, multiple=True,
          help="Link the following file (or -l library) lazily: each function links on its "
               "first call")
@_options("-entry", "--entry", default=None,
          help="Symbol to call as main entry point  [default: main; _main for Mach-O]")
@_options("-jd", "--jd", multiple=True, metavar="NAME",
          help="Specifies the JITDylib to be used for any subsequent input file, -L<search-path>"
               " and -l<library> arguments")
@_options("-l", "--l", "libraries", multiple=True, metavar="NAME",
          help="Link against library NAME (libNAME.so via dlopen, else libNAME.a)")
@_options("-hidden-l", "--hidden-l", "hidden_libraries", multiple=True, metavar="NAME",
          help="Link against library X in the library search paths with hidden visibility "
               "(a static archive whose symbols other JITDylibs cannot see)")
@_options("-L", "--L", "search_paths", multiple=True, metavar="DIR",
          help="Add DIR to the library search paths of the current JITDylib")
@_options("-abs", "--abs", multiple=True, metavar="NAME=ADDR",
          help="Inject absolute symbol definitions (syntax: <name>=<addr>)")
@_options("-alias", "--alias", multiple=True, metavar="ALIAS=ALIASEE",
          help="Inject symbol aliases (syntax: <alias-name>=<aliasee>)")
@_options("-phony-externals", "--phony-externals", is_flag=True,
          help="resolve all otherwise unresolved externals to null")
@_options("-no-process-syms", "--no-process-syms", is_flag=True,
          help="Do not resolve to pyjitlink process symbols")
@_options("-show-sizes", "--show-sizes", is_flag=True,
          help="Show sizes pre- and post-dead stripping, and allocations")
@_options("-pre-prune-total-block-size", "--pre-prune-total-block-size", is_flag=True,
          help="Total size of all blocks (including zero-fill) in all graphs (pre-pruning)")
@_options("-post-fixup-total-block-size", "--post-fixup-total-block-size", is_flag=True,
          help="Total size of all blocks (including zero-fill) in all graphs (post-fixup)")
@_options("-show-times", "--show-times", is_flag=True, help="Show times for pyjitlink phases")
@_options("-show-linked-files", "--show-linked-files", is_flag=True,
          help="List each file/graph name if/when it is linked")
@_options("-check", "--check", multiple=True, metavar="FILE",
          help="File containing verifier checks")
@_options("-check-name", "--check-name", default="jitlink-check", show_default=True,
          help="Name of checks to match against")
@_options("-slab-allocate", "--slab-allocate", metavar="SIZE",
          help="Allocate from a slab of the given size (allowable suffixes: Kb, Mb, Gb. "
               "default = Kb)")
@_options("-slab-address", "--slab-address", type=_Address(), metavar="ADDR",
          help="Set slab target address (requires -slab-allocate and -noexec)")
@_options("-slab-page-size", "--slab-page-size", type=_Address(), metavar="N",
          help="Set page size for slab (requires -slab-allocate and -noexec)")
@_options("-show-addrs", "--show-addrs", is_flag=True,
          help="Print registered symbol, section, got and stub addresses")
@_options("-show-graphs", "--show-graphs", metavar="REGEX",
          help="Takes a posix regex and prints the link graphs of all files matching that "
               "regex after fixups have been applied")
@_options("-graph-format", "--graph-format", type=click.Choice(["text", "dot"]),
          default="text", show_default=True,
          help="Format of -show-graphs: LLVM's text dump, or Graphviz DOT")
@_options("-show-relocated-section-contents", "--show-relocated-section-contents",
          is_flag=True, help="show section contents after fixups have been applied")
@_options("-num-threads", "--num-threads", type=click.IntRange(0, 1024), default=0,
          show_default=True,
          help="Number of materialization threads to use (0: link on the main thread)")
@_options("-emulate", "--emulate", is_flag=True,
          help="Run the program inside the Unicorn emulator even when the host could run it "
               "(AArch64 inputs are always emulated on an x86-64 host)")
@_options("-libc", "--libc", metavar="target",
          help="Emulated programs always run on the target's own static C runtime (glibc, "
               "libgcc, crt1.o; started at _start, Linux system calls answered in Python); "
               "-libc=target, the only value, also makes an x86-64 run emulated. "
               "-libc=python (the C library in Python) was removed")
@_options("-sysroot", "--sysroot", metavar="DIR",
          help="Emulation: find the target's C runtime below DIR")
@_options("-timeout", "--timeout", type=click.FloatRange(min=0, min_open=True),
          metavar="SECONDS",
          help="Stop the program after SECONDS, natively or emulated (exit status 124)")
@_options("-max-instructions", "--max-instructions", type=click.IntRange(min=1), metavar="N",
          help="Emulation: stop the program after about N instructions (exit status 124; "
               "counting slows emulation down)")
@_options("-debugger-support/-no-debugger-support", "--debugger-support/--no-debugger-support",
          default=None,
          help="Register linked objects with debuggers (GDB's JIT interface)  [default: on "
               "for native runs without -noexec; -debugger-support=false turns it off]")
@_options("-perf-support", "--perf-support", is_flag=True,
          help="Write /tmp/perf-PID.map and, where JITDUMPDIR is set, a jitdump file, so "
               "perf names JIT'd functions (native runs)")
@_options("-write-symtab", "--write-symtab", metavar="FILE",
          help="Write the symbol table for the JIT'd program to the specified file")
@_options("-symbolicate-with", "--symbolicate-with", metavar="FILE",
          help="Given a path to a symbol table file, symbolicate the given backtrace(s) "
               "(the inputs, or stdin)")
@_options("-sectcreate", "--sectcreate", multiple=True,
          metavar="SECTION,FILE[@SYM=OFFSET,...]",
          help="given <sectname>,<filename>[@<sym>=<offset>,...]  add a content section with "
               "the given name, content from the given file, and zero or more symbols "
               "defined at the given offsets")
@_options("-add-self-relocations", "--add-self-relocations", is_flag=True,
          help="Add relocations to function pointers to the current function")
@_options("-triple", "--triple", metavar="TRIPLE",
          help="Override target triple detection (x86_64 or aarch64/arm64; a darwin, macos "
               "or apple triple means Mach-O, any other ELF)")
@_options("-all_load", "--all_load", is_flag=True,
          help="Load all members of static archives, needed or not")
@_options("-weak-l", "--weak-l", "weak_libraries_l", multiple=True, metavar="NAME",
          help="Emulate weak link against library X. Must resolve to a TextAPI file "
               "(libX.tbd in the library search paths), and all symbols in the interface "
               "will resolve to null")
@_options("-weak_library", "--weak_library", multiple=True, metavar="FILE",
          help="Emulate weak link against library X. X must point to a TextAPI file, and "
               "all symbols in the interface will resolve to null")
@_options("-load_hidden", "--load_hidden", multiple=True, metavar="FILE",
          help="Link against library X with hidden visibility (a static archive path)")
@_options("-preload", "--preload", multiple=True, metavar="LIB",
          help="Pre-load dynamic libraries (native execution: their symbols resolve as the "
               "process's)")
@_options("-search-sys-lib", "--search-sys-lib", is_flag=True,
          help="Add system library paths (LD_LIBRARY_PATH) to library search paths")
@_options("-show-jit-result", "--show-jit-result", is_flag=True,
          help="Print the entry point's return value ('JIT result: N') and exit 0")
@_options("-graph-output", "--graph-output", metavar="FILE",
          help="Write -show-graphs and -show-relocated-section-contents dumps to FILE "
               "instead of standard output")
@_options("-show-init-es", "--show-init-es", is_flag=True,
          help="Print ExecutionSession state before resolving entry point")
@_options("-show-entry-es", "--show-entry-es", is_flag=True,
          help="Print ExecutionSession state after resolving entry point")
@click.version_option(__version__, "-version", "--version", prog_name=TOOL)
@click.pass_context
def command(ctx: click.Context, inputs: tuple[str, ...], noexec: bool, lazy: tuple[bool, ...],
            entry: str | None,
            jd: tuple[str, ...], libraries: tuple[str, ...],
            hidden_libraries: tuple[str, ...], search_paths: tuple[str, ...],
            abs: tuple[str, ...], alias: tuple[str, ...], phony_externals: bool,
            no_process_syms: bool, show_sizes: bool, pre_prune_total_block_size: bool,
            post_fixup_total_block_size: bool, show_times: bool,
            show_linked_files: bool, check: tuple[str, ...], check_name: str,
            slab_allocate: str | None, slab_address: int | None, slab_page_size: int | None,
            show_addrs: bool, show_graphs: str | None, graph_format: str,
            show_relocated_section_contents: bool, show_init_es: bool,
            show_entry_es: bool, num_threads: int, emulate: bool, timeout: float | None,
            max_instructions: int | None, debugger_support: bool | None, perf_support: bool,
            write_symtab: str | None, symbolicate_with: str | None,
            sectcreate: tuple[str, ...],
            add_self_relocations: bool, triple: str | None, all_load: bool,
            weak_libraries_l: tuple[str, ...], weak_library: tuple[str, ...],
            load_hidden: tuple[str, ...], preload: tuple[str, ...], search_sys_lib: bool,
            show_jit_result: bool, graph_output: str | None, libc: str | None,
            sysroot: str | None) -> None:
    """Link relocatable objects in memory and run them, as llvm-jitlink does.

    Everything after -args is passed to the entry point as argv (argv[0] is the first of
    them: no program name is prepended). Everything after -harness (up to -args) is a
    test-harness object: its definitions replace the inputs' ones, and the input symbols it
    references are exported (llvm-jitlink's harness mode).
    """
    from pyjitlink.tool.driver import Options, run

    events: list[tuple[str, str]] = ctx.meta["pyjitlink.events"]
    program_args: list[str] = ctx.meta["pyjitlink.args"]
    if symbolicate_with is not None:
        from pyjitlink.tool.driver import symbolicate

        ctx.exit(symbolicate(symbolicate_with, inputs))
    harness: list[str] = ctx.meta["pyjitlink.harness"]
    if not inputs:
        raise click.UsageError("no input files")
    if show_graphs is not None:
        try:
            re.compile(show_graphs)
        except re.error as err:
            raise click.UsageError(f"-show-graphs: invalid regular expression "
                                   f"'{show_graphs}': {err}") from None
    options = Options(noexec=noexec, entry=entry, phony_externals=phony_externals,
                      process_symbols=not no_process_syms, show_sizes=show_sizes,
                      pre_prune_total_block_size=pre_prune_total_block_size,
                      post_fixup_total_block_size=post_fixup_total_block_size,
                      show_times=show_times, show_linked_files=show_linked_files,
                      check=check, check_name=check_name, slab_allocate=slab_allocate,
                      slab_address=slab_address, slab_page_size=slab_page_size,
                      show_addrs=show_addrs, show_graphs=show_graphs,
                      graph_format=graph_format,
                      show_relocated_section_contents=show_relocated_section_contents,
                      show_init_es=show_init_es, show_entry_es=show_entry_es,
                      num_threads=num_threads, emulate=emulate, timeout=timeout,
                      max_instructions=max_instructions, debugger_support=debugger_support,
                      perf_support=perf_support, write_symtab=write_symtab,
                      add_self_relocations=add_self_relocations, triple=triple,
                      all_load=all_load, preload=preload, search_sys_lib=search_sys_lib,
                      show_jit_result=show_jit_result, graph_output=graph_output,
                      harness=tuple(harness), libc=libc, sysroot=sysroot)
    if show_linked_files or show_init_es or show_entry_es or show_graphs or show_sizes or \
            show_relocated_section_contents or show_times or pre_prune_total_block_size or \
            post_fixup_total_block_size or perf_support or write_symtab:
        forbid_restart()  # their output, or files, would be written twice by a restart
    code = run(events, program_args, options)
    ctx.exit(code)


def exit_without_teardown(code: int) -> None:
    """End a process of its own at once (``os._exit``) once stdout and stderr are flushed,
    as a native run ends through libc's ``exit`` (a -noexec link, an emulated program's
    exit, which has flushed the program's streams already): what the link built (graphs,
    the session, the emulator) is left for the kernel to reclaim instead of being freed
    object by object by Python's finalization, which costs tens of milliseconds even for a
    small program. Every file pyjitlink writes is flushed as it is written. Returns (for
    ``sys.exit``) if flushing fails, so that Python reports it as usual, and under a
    profiler, tracer or coverage tool (``sys.getprofile``, ``sys.gettrace``), which write
    their results at exit."""
    if sys.getprofile() is not None or sys.gettrace() is not None:
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    os._exit(code)


def main(argv: Sequence[str] | None = None, argv0: str | None = None) -> None:
    """Console entry point: run the command, turning every failure into one error line.

    ``argv0`` (default ``sys.argv[0]``) chooses the error format: see LLVM_TOOL."""
    args = list(sys.argv[1:] if argv is None else argv)
    if argv is None:
        restore_environment()  # after a restart for static TLS (tool/static_tls.py)
    argv0 = sys.argv[0] if argv0 is None else argv0
    global _llvm_argv0
    _llvm_argv0 = argv0 if llvm_mode(argv0) else None
    # Symbol and file names are bytes read with surrogateescape: dumps write them back as
    # the bytes they were, whatever the locale's encoding.
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="surrogateescape")
    try:
        # Without standalone mode click returns the code the command exits with.
        code = command.main(args=args, prog_name=LLVM_TOOL if _llvm_argv0 else TOOL,
                            standalone_mode=False)
    except SystemExit as done:
        # An emulated program's exit (executors' ProgramExit): its handlers have run and
        # its streams are flushed; this process ends with its status.
        if argv is None and isinstance(done.code, int):
            exit_without_teardown(done.code)
        raise
    except StaticTLSUnavailable as err:
        if argv is None:  # a process of its own: it may start over with more static TLS
            restart_with_static_tls(err)
        if _llvm_argv0 is not None:
            llvm_error_exit(_llvm_argv0, err)
        error_exit(err.message, err.file)
    except PyJITLinkError as err:
        if _llvm_argv0 is not None:
            llvm_error_exit(_llvm_argv0, err, code=getattr(err, "exit_code", 1))
        # An emulated program that dies of a signal exits as a crashed process would
        # (128 + signal); a -timeout as timeout(1) does (124).
        error_exit(err.message, err.file, getattr(err, "exit_code", 1), err.details)
    except click.exceptions.Exit as done:
        sys.stdout.flush()
        if argv is None:
            exit_without_teardown(done.exit_code)
        sys.exit(done.exit_code)
    except UnknownOption as err:
        if _llvm_argv0 is not None:
            # llvm::cl's two lines: the unknown argument, then the nearest option.
            prog = os.path.basename(_llvm_argv0)
            print(f"{prog}: Unknown command line argument '{err.token}'.  Try: "
                  f"'{_llvm_argv0} --help'", file=sys.stderr)
            if err.hint:
                print(f"{prog}: Did you mean '{err.hint}'?", file=sys.stderr)
            sys.exit(1)
        error_exit(err.format_message())
    except click.UsageError as err:
        if _llvm_argv0 is not None:  # llvm::cl's errors name the program by its basename
            print(f"{os.path.basename(_llvm_argv0)}: {err.format_message()}", file=sys.stderr)
            sys.exit(1)
        error_exit(err.format_message())
    except click.ClickException as err:
        error_exit(err.format_message())
    except click.Abort:
        error_exit("aborted")
    except RecursionError:
        error_exit("input too deeply nested (recursion limit)")
    except MemoryError:
        error_exit("out of memory")
    except OSError as err:
        error_exit(err.strerror or str(err), err.filename if isinstance(err.filename, str)
                   else None)
    except KeyboardInterrupt:
        error_exit("interrupted", code=130)
    except Exception as err:
        if os.environ.get("PYJITLINK_DEBUG"):
            raise
        error_exit(f"internal error: {type(err).__name__}: {err} "
                   f"(set PYJITLINK_DEBUG=1 for a traceback)")
    code = code if isinstance(code, int) else 0
    if argv is None:
        exit_without_teardown(code)
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    main()
