"""Run the lit-style suite (tests/lit: llvm-mc + pyjitlink -check + FileCheck) under pytest.

Fails when lit or llvm-mc is missing, and when any lit test is UNSUPPORTED (a tool or a
feature it needs is missing): this run sets CI=true for lit, whose test format then
reports such tests as failures. The tool under test is always pyjitlink here (any
PYJITLINK_LIT_TOOL in the environment is dropped; tests/crosscheck_lit.py uses it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from toolchain import find_tool

LIT_DIR = Path(__file__).resolve().parent / "lit"
TIMEOUT_S = 600


def _lit_command() -> list[str] | None:
    """The lit console script, or the lit package run by this interpreter."""
    exe = shutil.which("lit")
    if exe:
        return [exe]
    try:
        import lit.main  # noqa: F401
    except ImportError:
        return None
    # The lit package has no __main__; its console script calls lit.main.main().
    return [sys.executable, "-c", "import sys, lit.main; sys.exit(lit.main.main())"]


def _have_llvm_mc() -> bool:
    return find_tool("llvm-mc") is not None


def _failure_report(output: str, limit: int = 20000) -> str:
    """lit's summary plus the output of the failing tests, trimmed to ``limit`` chars."""
    if len(output) <= limit:
        return output
    summary_at = output.rfind("Failed Tests (")
    summary = output[summary_at:] if summary_at >= 0 else ""
    head = output[: max(0, limit - len(summary))]
    return f"{head}\n... (output trimmed) ...\n{summary}"


def test_lit_suite() -> None:
    command = _lit_command()
    assert command is not None, "lit is not installed (pip install -e '.[test]')"
    assert _have_llvm_mc(), "llvm-mc not found on PATH or in /usr/lib/llvm-*/bin"
    env = dict(os.environ)
    env.pop("PYJITLINK_LIT_TOOL", None)
    env["CI"] = "true"  # an UNSUPPORTED lit test is a failure (tests/lit/lit_format.py)
    proc = subprocess.run(
        [*command, "-sv", str(LIT_DIR)],
        capture_output=True,
        text=True,
        env=env,
        timeout=TIMEOUT_S,
    )
    if proc.returncode != 0:
        pytest.fail("lit suite failed (exit code %d):\n%s"
                    % (proc.returncode, _failure_report(proc.stdout + proc.stderr)),
                    pytrace=False)
