"""The console entry point: ``-version`` is answered before the command (click, the linker)
is loaded, so asking for the version costs little more than starting the interpreter; every
other command line goes to ``tool.cli.main``."""

from __future__ import annotations

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
    from pyjitlink.tool.cli import main as cli_main

    cli_main()
