"""The package keeps ARCHITECTURE.md's import layering (checked by import-linter)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_layers_are_kept() -> None:
    # import-linter of the interpreter running the tests (it has no ``-m`` entry: its
    # console script calls importlinter.cli); not installed is a failure, not a skip.
    result = subprocess.run([sys.executable, "-c", "from importlinter.cli import "
                             "lint_imports_command; lint_imports_command()"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
