# -*- Python -*-
"""lit configuration for pyjitlink's lit-style tests (run: ``lit -sv tests/lit``).

Tests are ``.s`` (and ``.test``) files whose RUN lines assemble with llvm-mc, link with
``pyjitlink -noexec ... -check %s %t/x.o`` and check the result, as LLVM's own JITLink tests
do. Substitutions:

* ``pyjitlink``: the tool under test, ``<python> -m pyjitlink`` by default; the environment
  variable ``PYJITLINK_LIT_TOOL`` (e.g. ``llvm-jitlink-14``) replaces it, for the cross-check
  (tests/crosscheck_lit.py).
* ``llvm-jitlink``: pyjitlink under llvm-jitlink's name (its errors in LLVM's words), or the
  reference tool when ``PYJITLINK_LIT_TOOL`` is set.
* ``llvm-mc``, ``FileCheck``, ``not``, ``llvm-ar``, ``llvm-lipo``: found on PATH, else in the newest
  /usr/lib/llvm-*/bin.
* ``%python``: the interpreter running lit.

Features: ``llvm-mc``, ``filecheck``, ``llvm-ar``, ``x86_64-host`` (code may run natively),
``reference-tool`` (PYJITLINK_LIT_TOOL is set), ``<arch>-registered-target`` for each target
``llvm-mc --version`` lists (tests/lit/aarch64 needs ``aarch64-registered-target``). A test
that uses a tool which is missing is reported UNSUPPORTED instead of failing.
"""

from __future__ import annotations

import glob
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lit_format import PyJITLinkShTest, tool_pattern  # noqa: E402

# `config` and `lit_config` are injected by lit.
config.name = "pyjitlink"  # noqa: F821
config.suffixes = [".s", ".test"]  # noqa: F821
config.excludes = ["Inputs", "Output", "lit.cfg.py", "lit_format.py"]  # noqa: F821
config.test_source_root = os.path.dirname(os.path.abspath(__file__))  # noqa: F821
# Build output stays under tests/lit/Output (gitignored), whatever directory lit runs from.
config.test_exec_root = os.path.join(config.test_source_root, "Output")  # noqa: F821

REPO_ROOT = os.path.dirname(os.path.dirname(config.test_source_root))  # noqa: F821


def _llvm_bin_dirs() -> list[str]:
    """/usr/lib/llvm-N/bin directories, newest N first."""

    def version(path: str) -> int:
        m = re.search(r"llvm-(\d+)", path)
        return int(m.group(1)) if m else -1

    return sorted(glob.glob("/usr/lib/llvm-*/bin"), key=version, reverse=True)


def find_tool(name: str) -> str | None:
    """``name`` on PATH, else in the newest /usr/lib/llvm-*/bin that has it."""
    found = shutil.which(name)
    if found:
        return found
    for d in _llvm_bin_dirs():
        candidate = os.path.join(d, name)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


# ------------------------------------------------------------------ environment

# Keep the environment the tools need; make pyjitlink importable from this checkout even if it
# is not installed.
for var in ("HOME", "TMPDIR", "TEMP", "TMP", "LD_LIBRARY_PATH", "PYJITLINK_DEBUG"):
    if var in os.environ:
        config.environment[var] = os.environ[var]  # noqa: F821
pythonpath = [REPO_ROOT] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
config.environment["PYTHONPATH"] = os.pathsep.join(pythonpath)  # noqa: F821
config.environment["PATH"] = os.environ.get("PATH", "")  # noqa: F821
# Deterministic output from tools that look at the terminal or the locale.
config.environment["LC_ALL"] = "C"  # noqa: F821
config.environment.pop("COLUMNS", None)  # noqa: F821

# ------------------------------------------------------------------ tools and features

reference_tool = os.environ.get("PYJITLINK_LIT_TOOL", "").strip()
if reference_tool:
    tool_command = reference_tool
    config.available_features.add("reference-tool")  # noqa: F821
    lit_config.note(f"tool under test: {reference_tool} (PYJITLINK_LIT_TOOL)")  # noqa: F821
else:
    tool_command = f"{shlex.quote(sys.executable)} -m pyjitlink"

# Tests that use a tool that is missing are UNSUPPORTED; key: the word in RUN lines.
MISSING_TOOLS: list[str] = []
substituted: list[tuple[str, str]] = []

for word, feature, fallback in (
    ("llvm-mc", "llvm-mc", "/usr/lib/llvm-14/bin/llvm-mc"),
    ("FileCheck", "filecheck", None),
    ("not", None, None),
    ("llvm-ar", "llvm-ar", None),
    ("llvm-lipo", "llvm-lipo", None),
):
    path = find_tool(word)
    if path is None and fallback and os.path.exists(fallback):
        path = fallback
    if path is None:
        if word == "not":
            continue  # lit's internal shell implements `not` itself
        if word == "llvm-ar" and shutil.which("ar"):
            # GNU ar takes the same `rcs` operands our tests use.
            path = shutil.which("ar")
        else:
            MISSING_TOOLS.append(word)
            continue
    if feature:
        config.available_features.add(feature)  # noqa: F821
    substituted.append((word, shlex.quote(path)))

if platform.machine().lower() in ("x86_64", "amd64"):
    config.available_features.add("x86_64-host")  # noqa: F821

# ``<arch>-registered-target``, as in LLVM's own suites: llvm-mc can assemble for <arch>
# (tests/lit/aarch64 needs aarch64; an LLVM built for X86 only lacks it).
_mc = dict(substituted).get("llvm-mc")
if _mc:
    try:
        _mc_version = subprocess.run([*shlex.split(_mc), "--version"], capture_output=True,
                                     text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        _mc_version = ""
    for _target in re.findall(r"^\s+(\S+)\s+- ", _mc_version, re.MULTILINE):
        config.available_features.add(f"{_target}-registered-target")  # noqa: F821

# ``llvm-jitlink``: pyjitlink run under llvm-jitlink's name (a launcher whose argv[0] ends in
# llvm-jitlink), for tests of LLVM's banners and message texts (tests/lit/dropin); with
# PYJITLINK_LIT_TOOL, the reference tool itself.
if reference_tool:
    llvm_jitlink_command = reference_tool
else:
    _bin = os.path.join(config.test_exec_root, "bin")  # noqa: F821
    os.makedirs(_bin, exist_ok=True)
    _launcher = os.path.join(_bin, "llvm-jitlink")
    _text = (f"#!{sys.executable}\n"
             "from pyjitlink.tool.cli import main\n"
             "main()\n")
    _current = None
    if os.path.exists(_launcher):
        with open(_launcher) as _f:
            _current = _f.read()
    if _current != _text:
        with open(_launcher + ".tmp", "w") as _f:
            _f.write(_text)
        os.chmod(_launcher + ".tmp", 0o755)
        os.replace(_launcher + ".tmp", _launcher)
    llvm_jitlink_command = shlex.quote(_launcher)

# `pyjitlink` and `llvm-jitlink` first: the longest command words must be replaced before
# shorter ones.
config.substitutions.append((tool_pattern("pyjitlink"), tool_command))  # noqa: F821
config.substitutions.append((tool_pattern("llvm-jitlink"), llvm_jitlink_command))  # noqa: F821
for word, replacement in substituted:
    config.substitutions.append((tool_pattern(word), replacement))  # noqa: F821
config.substitutions.append(("%python", shlex.quote(sys.executable)))  # noqa: F821


config.test_format = PyJITLinkShTest(sorted(MISSING_TOOLS))  # noqa: F821
