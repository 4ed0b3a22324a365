"""What the ``pyjitlink`` command does once its arguments are parsed."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence

from pyjitlink.errors import PyJITLinkError
from pyjitlink.tool.session import Session, parse_address


def _split_definition(text: str, option: str) -> tuple[str, str]:
    name, eq, value = text.partition("=")
    if not eq or not name or not value:
        raise PyJITLinkError(f"invalid {option} argument '{text}': expected <name>=<value>",
                             option)
    return name, value


def build_session(events: Sequence[tuple[str, str]], *, noexec: bool = False,
                  phony_externals: bool = False, process_symbols: bool = True) -> Session:
    """A Session with the inputs, libraries and definitions of ``events`` in their JITDylibs."""
    session = Session(noexec=noexec, phony_externals=phony_externals,
                      process_symbols=process_symbols)
    jd = session.main_jd
    libraries = []
    for kind, value in events:
        if kind == "jd":
            jd = session.create_jd(value)
        elif kind == "input":
            session.add_object_file(jd, value)
        elif kind == "L":
            session.add_search_path(jd, value)
        elif kind == "l":
            libraries.append((jd, value))
        elif kind == "abs":
            name, value = _split_definition(value, "-abs")
            try:
                address = parse_address(value)
            except ValueError:
                raise PyJITLinkError(f"invalid address '{value}' for -abs {name}",
                                     "-abs") from None
            session.add_absolute(jd, name, address)
        elif kind == "alias":
            alias, aliasee = _split_definition(value, "-alias")
            session.add_alias(jd, alias, aliasee)
    # ld's rule: every -L applies to every -l, wherever they stand.
    for lib_jd, name in libraries:
        session.add_library(lib_jd, name)
    session.finish_link_orders()
    return session


def run(events: Sequence[tuple[str, str]], program_args: Sequence[str], *, noexec: bool,
        entry: str, phony_externals: bool, process_symbols: bool, show_sizes: bool,
        show_times: bool, show_linked_files: bool) -> int:
    started = time.perf_counter()
    session = build_session(events, noexec=noexec, phony_externals=phony_externals,
                            process_symbols=process_symbols)
    if show_linked_files:
        session.on_linked.append(
            lambda jd, graph: print(f"Linking {graph.name}", flush=True))
    code = 0
    if noexec:
        session.link_all()
    else:
        code = session.run_main(entry, program_args)
    if show_sizes:
        print(f"Total size of all blocks before pruning: {session.stats.pre_prune_total}")
        print(f"Total size of all blocks after fixups: {session.stats.post_fixup_total}")
    if show_times:
        total = time.perf_counter() - started
        print("pyjitlink times:", file=sys.stderr)
        for phase, seconds in session.stats.times.items():
            print(f"  {phase:<12} {seconds * 1000:10.3f} ms", file=sys.stderr)
        print(f"  {'total':<12} {total * 1000:10.3f} ms", file=sys.stderr)
    if session.executor is not None and not noexec:
        session.executor.exit_process(code)
    return code
