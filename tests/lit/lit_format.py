"""lit test format for pyjitlink's lit suite (imported by lit.cfg.py; lives in a module so
lit's worker processes can unpickle it)."""

from __future__ import annotations

import os
import re

import lit.formats
import lit.Test


def tool_pattern(name: str) -> str:
    """A regex matching ``name`` used as a command word (not inside a path or a longer word)."""
    return r"(?<![\w/.%{-])" + re.escape(name) + r"(?![\w/.}-])"


class PyJITLinkShTest(lit.formats.ShTest):
    """ShTest that reports UNSUPPORTED when a RUN line needs a tool that was not found.

    ``missing_tools`` holds the command words (``llvm-mc``, ``FileCheck``...) lit.cfg.py could
    not find. In CI (the environment variable CI is ``true``, as .ci/run and tests/test_lit.py
    set it) an UNSUPPORTED test, for a missing tool or an unmet REQUIRES, is a FAIL instead:
    nothing is skipped silently there.
    """

    def __init__(self, missing_tools: list[str]) -> None:
        super().__init__(execute_external=False)
        self.missing_tools = sorted(missing_tools)

    def execute(self, test, lit_config):  # type: ignore[no-untyped-def]
        result = self._execute(test, lit_config)
        code = result[0] if isinstance(result, tuple) else result.code
        if code is lit.Test.UNSUPPORTED and os.environ.get("CI") == "true":
            output = result[1] if isinstance(result, tuple) else result.output
            return lit.Test.Result(lit.Test.FAIL, "UNSUPPORTED in CI: " + (output or
                                   "a required feature is missing"))
        return result

    def _execute(self, test, lit_config):  # type: ignore[no-untyped-def]
        if self.missing_tools:
            with open(test.getSourcePath(), encoding="utf-8", errors="replace") as f:
                run_lines = "\n".join(line for line in f if "RUN:" in line)
            needed = [word for word in self.missing_tools
                      if re.search(tool_pattern(word), run_lines)]
            if needed:
                return lit.Test.Result(
                    lit.Test.UNSUPPORTED,
                    "Test needs tools that were not found: " + ", ".join(needed))
        return super().execute(test, lit_config)
