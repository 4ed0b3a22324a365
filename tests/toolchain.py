"""Where the tests find their external tools: the same places tests/lit/lit.cfg.py looks.

A tool is found on PATH under its plain name, then under a versioned name (``clang-19``
... ``clang-14``), then in the newest ``/usr/lib/llvm-N/bin`` that has it, so that a machine
with only Debian's ``clang-19`` / ``llvm-19`` packages runs every test. A test that needs a
tool no place has fails (tests/conftest.py turns skips into failures): nothing is skipped
silently.
"""

from __future__ import annotations

import glob
import os
import re
import shutil

LLVM_VERSIONS = range(19, 13, -1)


def _llvm_bin_dirs() -> list[str]:
    """/usr/lib/llvm-N/bin directories, newest N first."""

    def version(path: str) -> int:
        m = re.search(r"llvm-(\d+)", path)
        return int(m.group(1)) if m else -1

    return sorted(glob.glob("/usr/lib/llvm-*/bin"), key=version, reverse=True)


def find_tool(name: str, *, versioned: bool = True) -> str | None:
    """``name`` on PATH, else ``name-N`` on PATH (N = 19 ... 14), else the newest
    /usr/lib/llvm-N/bin/``name``; None if no place has it."""
    found = shutil.which(name)
    if found:
        return found
    if versioned:
        for version in LLVM_VERSIONS:
            found = shutil.which(f"{name}-{version}")
            if found:
                return found
    for directory in _llvm_bin_dirs():
        candidate = os.path.join(directory, name)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def find_clang() -> str | None:
    """A clang: ``clang-14`` first (the version the tests' expectations were written
    against, where it is installed), then as find_tool finds one (clang, clang-19 ...,
    /usr/lib/llvm-19/bin/clang)."""
    return shutil.which("clang-14") or find_tool("clang")
