"""Test-suite policy: nothing is skipped silently.

A test that would be skipped (a tool it needs is missing, a compiler refuses an option)
fails instead, with the skip's reason: ``python -m pytest -rs`` reports 0 skipped, and a
machine that lacks a tool the suite needs says so (.ci/run installs them all). Tests find
their tools as tests/lit/lit.cfg.py does (tests/toolchain.py). This file's directory is on
sys.path, so test modules import ``toolchain`` directly.
"""

from __future__ import annotations

import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped tests are failures in this suite: {reason}"
