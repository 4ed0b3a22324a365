"""A lit configuration helper for testing with pyjitlink (``import pyjitlink.lit``).

For a project's own lit suite, e.g. tests of a compiler's output that link its objects and
run them, or ``# jitlink-check:`` rules over relocations. In the suite's ``lit.cfg.py``::

    import lit.formats
    import pyjitlink.lit

    config.name = "my-compiler"
    config.test_format = lit.formats.ShTest(execute_external=False)
    config.suffixes = [".c", ".s"]
    pyjitlink.lit.configure(config, lit_config)

and a test::

    // RUN: %cc -O2 -c %s -o %t.o
    // RUN: pyjitlink %t.o -args 5 | FileCheck %s
    // CHECK: fact(5) = 120

configure() gives RUN lines the command words ``pyjitlink`` (this interpreter's
``-m pyjitlink``), ``llvm-jitlink`` (pyjitlink under llvm-jitlink's name, so errors read as
llvm-jitlink's, for suites written for it), ``FileCheck``, ``not``, ``llvm-mc``,
``yaml2obj``, ``llvm-ar`` (each found on PATH, as ``NAME-19`` ... ``NAME-14``, or in the newest
``/usr/lib/llvm-N/bin``; one found nowhere is left as it is, and a test using it fails),
``%cc`` (``$CC`` or ``cc``) and ``%python``; the features ``x86_64-host`` and
``pyjitlink``; and passes PATH, HOME and the temporary-directory variables through to
the tests. Nothing here is imported by the rest of pyjitlink.
"""

from __future__ import annotations

import glob
import os
import platform
import re
import shlex
import shutil
import sys
from typing import Any

TOOLS = ("FileCheck", "not", "llvm-mc", "yaml2obj", "llvm-ar")
LLVM_VERSIONS = range(19, 13, -1)


def find_tool(name: str) -> str | None:
    """``name`` on PATH, else ``name-N`` (N = 19 ... 14), else the newest
    /usr/lib/llvm-N/bin/``name``; None if no place has it."""
    found = shutil.which(name)
    if found:
        return found
    for version in LLVM_VERSIONS:
        found = shutil.which(f"{name}-{version}")
        if found:
            return found

    def version_of(path: str) -> int:
        m = re.search(r"llvm-(\d+)", path)
        return int(m.group(1)) if m else -1

    for directory in sorted(glob.glob("/usr/lib/llvm-*/bin"), key=version_of, reverse=True):
        candidate = os.path.join(directory, name)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def command_word(name: str) -> str:
    """A lit substitution pattern for ``name`` used as a command word (not inside a path,
    an option or a longer word)."""
    return r"(?<![\w/.%{-])" + re.escape(name) + r"(?![\w/.}-])"


def llvm_jitlink_launcher(directory: str) -> str:
    """A script named ``llvm-jitlink`` in ``directory`` that runs pyjitlink with this
    interpreter (argv[0]'s basename makes pyjitlink speak as llvm-jitlink); its path."""
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, "llvm-jitlink")
    text = f"#!{sys.executable}\nfrom pyjitlink.tool.cli import main\nmain()\n"
    try:
        with open(path, encoding="utf-8") as f:
            current = f.read()
    except OSError:
        current = None
    if current != text:
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(path + ".tmp", 0o755)
        os.replace(path + ".tmp", path)
    return path


def configure(config: Any, lit_config: Any = None) -> dict[str, str | None]:
    """Add pyjitlink's substitutions, features and environment to a lit ``config`` (see
    the module docstring); returns each tool word's path (None: not found). The launcher
    for ``llvm-jitlink`` goes under ``config.test_exec_root`` (or the source root)."""
    found: dict[str, str | None] = {name: find_tool(name) for name in TOOLS}
    exec_root = getattr(config, "test_exec_root", None) or config.test_source_root
    launcher = llvm_jitlink_launcher(os.path.join(exec_root, "pyjitlink-bin"))
    # Longest words first: "llvm-jitlink" before anything it contains.
    config.substitutions.append((command_word("llvm-jitlink"), shlex.quote(launcher)))
    config.substitutions.append((command_word("pyjitlink"),
                                 f"{shlex.quote(sys.executable)} -m pyjitlink"))
    for name, path in found.items():
        if path is not None:
            config.substitutions.append((command_word(name), shlex.quote(path)))
        elif lit_config is not None and name != "not":  # lit's shell has its own `not`
            lit_config.note(f"pyjitlink.lit: {name} not found")
    config.substitutions.append(("%cc", os.environ.get("CC", "cc")))
    config.substitutions.append(("%python", shlex.quote(sys.executable)))
    config.available_features.add("pyjitlink")
    if platform.machine().lower() in ("x86_64", "amd64"):
        config.available_features.add("x86_64-host")
    for var in ("PATH", "HOME", "TMPDIR", "TEMP", "TMP", "PYTHONPATH", "LD_LIBRARY_PATH"):
        if var in os.environ:
            config.environment[var] = os.environ[var]
    return found
