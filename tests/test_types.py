"""The package type-checks with mypy (STYLE.md 9)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_mypy_finds_no_errors() -> None:
    # mypy of the interpreter running the tests; not installed is a failure, not a skip.
    result = subprocess.run([sys.executable, "-m", "mypy", "pyjitlink",
                             "--ignore-missing-imports"], cwd=ROOT, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
