#!/usr/bin/env python3
"""How often one pyjitlink command opens its input files and looks at their magic bytes and
file headers.

    PYTHONPATH=<checkout> python bench/input_reads.py -noexec testdata/calc/O2-pie/*.o

Runs the command in this process (tool.cli.main) and prints, on stderr, the opens of every
``*.o`` / ``*.a`` path (os.open and open) and the calls of every function that sniffs magic
or reads an object's file header, counted with sys.setprofile (so calls made through any
alias count). Function names from before and after formats.load are both listed, so two
checkouts can be compared with the same command.
"""

from __future__ import annotations

import builtins
import collections
import os
import sys
import threading

SNIFFING = {"identify", "sniff", "object_arch", "thin_object", "thin_archive",
            "read_elf_machine", "read_elf_header", "read_macho_cputype", "_pick_slice",
            "universal_slices"}
counts: collections.Counter[str] = collections.Counter()


def _profile(frame, event, arg):  # type: ignore[no-untyped-def]
    code = frame.f_code
    if event == "call" and code.co_name in SNIFFING and "pyjitlink" in code.co_filename \
            and "ObjectFile." not in code.co_qualname:  # methods that sniff nothing
        counts[code.co_name] += 1


def _counting(real):  # type: ignore[no-untyped-def]
    def counted(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if isinstance(path, (str, bytes, os.PathLike)) and \
                os.fsdecode(path).endswith((".o", ".a")):
            counts["open " + os.fsdecode(path)] += 1
        return real(path, *args, **kwargs)
    return counted


def main() -> None:
    os.open = _counting(os.open)
    builtins.open = _counting(builtins.open)
    sys.setprofile(_profile)
    threading.setprofile(_profile)
    from pyjitlink.tool.cli import main as cli_main

    try:
        cli_main(sys.argv[1:], "pyjitlink")
    except SystemExit:
        pass
    finally:
        sys.setprofile(None)
        opens = {k: v for k, v in counts.items() if k.startswith("open ")}
        calls = {k: v for k, v in counts.items() if not k.startswith("open ")}
        print(f"input opens: {sum(opens.values())} for {len(opens)} files, at most "
              f"{max(opens.values(), default=0)} per file", file=sys.stderr)
        for name, count in sorted(calls.items()):
            print(f"  {name}: {count}", file=sys.stderr)
        print(f"  sniffing and header calls in all: {sum(calls.values())}", file=sys.stderr)


if __name__ == "__main__":
    main()
