"""Where the tests find their external tools: the same places tests/lit/lit.cfg.py looks.

A tool is found (pyjitlink.lit.find_tool) on PATH under its plain name, then under a
versioned name (``clang-19`` ... ``clang-14``), then in the newest ``/usr/lib/llvm-N/bin``
that has it, so that a machine with only Debian's ``clang-19`` / ``llvm-19`` packages runs
every test. A test that needs a tool no place has fails (tests/conftest.py turns skips into
failures): nothing is skipped silently.
"""

from __future__ import annotations

import shutil

from pyjitlink.lit import find_tool

__all__ = ["find_clang", "find_tool"]


def find_clang() -> str | None:
    """A clang: ``clang-14`` first (the version the tests' expectations were written
    against, where it is installed), then as find_tool finds one (clang, clang-19 ...,
    /usr/lib/llvm-19/bin/clang)."""
    return shutil.which("clang-14") or find_tool("clang")
