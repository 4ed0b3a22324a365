"""Start-up: ``-version`` is answered without loading the command's libraries (issue 14)."""

from __future__ import annotations

import subprocess
import sys

import pyjitlink


def _imported_modules(*args: str) -> tuple[str, set[str]]:
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "pyjitlink", *args],
                            capture_output=True, text=True, timeout=60, check=True)
    modules = {line.split("|")[-1].strip() for line in result.stderr.splitlines()
               if line.startswith("import time:")}
    return result.stdout, modules


def test_version_loads_neither_click_nor_the_linker() -> None:
    for spelling in ("-version", "--version"):
        stdout, modules = _imported_modules(spelling)
        assert stdout == f"pyjitlink, version {pyjitlink.__version__}\n"
        heavy = {m for m in modules
                 if m.split(".")[0] in ("click", "elftools", "capstone", "unicorn", "macholib")
                 or m.startswith(("pyjitlink.jitlink", "pyjitlink.tool.cli"))
                 or m == "importlib.metadata"}
        assert not heavy, heavy


def test_version_among_other_options_still_answers() -> None:
    # Not the fast path: click's eager -version option, with the same text.
    result = subprocess.run([sys.executable, "-m", "pyjitlink", "-noexec", "-version"],
                            capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout == f"pyjitlink, version {pyjitlink.__version__}\n"
