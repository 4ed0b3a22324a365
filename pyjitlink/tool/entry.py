"""The console entry point: ``-version`` is answered before the command (click, the linker)
is loaded, so asking for the version costs little more than starting the interpreter; every
other command line goes to ``tool.cli.main``."""

from __future__ import annotations

import gc
import sys

from pyjitlink import __version__

TOOL = "pyjitlink"
VERSION_OPTIONS = ("-version", "--version")


def main() -> None:
    """Run the ``pyjitlink`` command with ``sys.argv``."""
    if len(sys.argv) == 2 and sys.argv[1] in VERSION_OPTIONS:
        # The text click's version_option prints (tool.cli keeps it for other spellings).
        print(f"{TOOL}, version {__version__}")
        return
    # A link makes many objects that live until the process ends (graphs, blocks, symbols,
    # edges) and few that are garbage: with the default thresholds (700, 10, 10) the cyclic
    # collector rescans the live ones again and again, about a tenth of the CPU time of an
    # emulated -libc=target run (~400 runtime archive members; bench/runtime_cost.py). A
    # larger first generation keeps collections rare; a command is one short-lived process.
    # At 50,000 a small emulated run (the prelinked runtime image and a handful of objects:
    # ~40,000 allocations, 3 collections at 10,000 that found ~100 objects) has none.
    gc.set_threshold(50_000, 20, 20)
    from pyjitlink.tool.cli import main as cli_main

    cli_main()
