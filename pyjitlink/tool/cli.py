"""The ``pyjitlink`` command: llvm-jitlink's options and position rules, on click.

llvm-jitlink's options are single-dash words (``-noexec``, ``-jd NAME``); click accepts them as
declared, and the ``--`` forms too. Some options apply by position (an input goes to the
JITDylib of the nearest ``-jd`` before it; ``-lNAME`` may be glued), so the command records the
order of its arguments before click parses them. Everything after ``-args`` is the program's
argv. This module is the only place that turns errors into messages and exit codes.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

import click

from pyjitlink.errors import PyJITLinkError
from pyjitlink.jitlink.tls import StaticTLSUnavailable
from pyjitlink.tool.static_tls import restart_with_static_tls, restore_environment

TOOL = "pyjitlink"
# Options whose position among the inputs matters, in llvm-jitlink's sense: the click
# parameter name -> the event name the driver reads.
POSITIONAL = {"jd": "jd", "libraries": "l", "search_paths": "L", "abs": "abs", "alias": "alias",
              "hidden_libraries": "hidden-l", "lazy": "lazy"}


def error_exit(message: str, file: str | None = None, code: int = 1) -> None:
    """Print ``pyjitlink: error: [file: ]message`` on stderr and exit with ``code``."""
    sys.stdout.flush()
    where = f"{file}: " if file else ""
    print(f"{TOOL}: error: {where}{message}", file=sys.stderr, flush=True)
    sys.exit(code)


class PositionalCommand(click.Command):
    """A click command that also records the order of inputs and positional options."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        program_args: list[str] = []
        for i, token in enumerate(args):
            if token in ("-args", "--args"):
                args, program_args = args[:i], args[i + 1:]
                break
        takes_value: dict[str, tuple[str, bool]] = {}
        for param in self.get_params(ctx):
            if isinstance(param, click.Option):
                for opt in param.opts:
                    takes_value[opt] = (param.name or "", not param.is_flag)
        events: list[tuple[str, str]] = []
        rewritten: list[str] = []
        i = 0
        while i < len(args):
            token = args[i]
            i += 1
            if token.startswith("-") and len(token) > 1 and token != "--":
                name, eq, value = token.partition("=")
                known = takes_value.get(name)
                if known is None and not eq:
                    for prefix in ("-hidden-l", "-l", "-L"):  # cl::Prefix: -lNAME, -LDIR
                        if name.startswith(prefix) and len(name) > len(prefix):
                            known, name, eq = takes_value[prefix], prefix, "="
                            value = token[len(prefix):]
                            break
                if known is not None:
                    dest, wants_value = known
                    if wants_value and not eq:
                        if i >= len(args):
                            raise click.UsageError(f"option {name} requires a value")
                        value = args[i]
                        i += 1
                    rewritten += [name, value] if wants_value else [name]
                    if dest in POSITIONAL:
                        events.append((POSITIONAL[dest], value if wants_value else ""))
                    continue
                raise click.UsageError(f"Unknown command line argument '{token}'.  Try: "
                                       f"'{TOOL} --help'")
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
@_options("-timeout", "--timeout", type=click.FloatRange(min=0, min_open=True),
          metavar="SECONDS",
          help="Emulation: stop the program after SECONDS (exit status 124)")
@_options("-max-instructions", "--max-instructions", type=click.IntRange(min=1), metavar="N",
          help="Emulation: stop the program after about N instructions (exit status 124; "
               "counting slows emulation down)")
@_options("-show-init-es", "--show-init-es", is_flag=True,
          help="Print ExecutionSession state before resolving entry point")
@_options("-show-entry-es", "--show-entry-es", is_flag=True,
          help="Print ExecutionSession state after resolving entry point")
@click.version_option(None, "-version", "--version", package_name="pyjitlink", prog_name=TOOL)
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
            max_instructions: int | None) -> None:
    """Link relocatable objects in memory and run them, as llvm-jitlink does.

    Everything after -args is passed to the entry point as argv (argv[0] is the first of
    them: no program name is prepended).
    """
    from pyjitlink.tool.driver import Options, run

    events: list[tuple[str, str]] = ctx.meta["pyjitlink.events"]
    program_args: list[str] = ctx.meta["pyjitlink.args"]
    if not inputs:
        raise click.UsageError("no input files")
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
                      max_instructions=max_instructions)
    code = run(events, program_args, options)
    ctx.exit(code)


def main(argv: Sequence[str] | None = None) -> None:
    """Console entry point: run the command, turning every failure into one error line."""
    args = list(sys.argv[1:] if argv is None else argv)
    if argv is None:
        restore_environment()  # after a restart for static TLS (tool/static_tls.py)
    try:
        command.main(args=args, prog_name=TOOL, standalone_mode=False)
    except StaticTLSUnavailable as err:
        if argv is None:  # a process of its own: it may start over with more static TLS
            restart_with_static_tls(err)
        error_exit(err.message, err.file)
    except PyJITLinkError as err:
        # An emulated program that dies of a signal exits as a crashed process would
        # (128 + signal); a -timeout as timeout(1) does (124).
        error_exit(err.message, err.file, getattr(err, "exit_code", 1))
    except click.exceptions.Exit as done:
        sys.stdout.flush()
        sys.exit(done.exit_code)
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
    sys.exit(0)


if __name__ == "__main__":  # pragma: no cover
    main()
