"""Guest stores on Unicorn's inline fast path (executors/fast_stores.py): the patch applies
to the unicorn 2.1.4 wheel and to nothing else, and what TLB_NOTDIRTY guarded still holds:
code rewritten between mprotect calls (W^X) and in a writable and executable mapping runs
as rewritten, a store to a page made read-only faults, and so does a call into code whose
page is no longer executable. The oracle is testdata/linux/selfmod.c's -static build
(qemu-aarch64; natively on x86-64). Missing tools fail these tests (.ci/run installs them)."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "testdata" / "linux" / "selfmod.c"
EXPECTED = ("w^x: 10 20 30\nread-only store: SIGSEGV, value still 5\n"
            "call into a non-executable page: SIGSEGV\nrwx: 1 2 3\n")


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path is not None, f"{name} is needed (see .ci/run)"
    return path


def _run(command: list[str], env: dict[str, str] | None = None) -> tuple[str, str, int]:
    done = subprocess.run(command, capture_output=True, text=True, timeout=300,
                          stdin=subprocess.DEVNULL, env={**os.environ, **(env or {})})
    return done.stdout, done.stderr, done.returncode


@pytest.mark.parametrize("patch", ["1", "0"])
@pytest.mark.parametrize("arch", ["aarch64", "x86_64"])
def test_rewritten_code_and_read_only_stores_match_the_static_build(
        tmp_path: Path, arch: str, patch: str) -> None:
    cc = _tool("aarch64-linux-gnu-gcc" if arch == "aarch64" else "gcc")
    obj, exe = tmp_path / "selfmod.o", tmp_path / "selfmod"
    subprocess.run([cc, "-O2", "-c", str(SOURCE), "-o", str(obj)], check=True)
    subprocess.run([cc, "-O2", "-static", str(SOURCE), "-o", str(exe)], check=True)
    emulate = ["-emulate"] if arch == "x86_64" else []
    ours = _run([sys.executable, "-m", "pyjitlink", "-libc=target", *emulate, str(obj)],
                {"PYJITLINK_UNICORN_PATCH": patch})
    theirs = _run([_tool("qemu-aarch64"), str(exe)] if arch == "aarch64" else [str(exe)])
    assert ours == theirs == (EXPECTED, "", 0)


PROBE = """
import sys
from pyjitlink.executors import fast_stores
from pyjitlink.executors.abi.aarch64 import AARCH64
from pyjitlink.executors.abi.x86_64 import X86_64
from pyjitlink.executors.host_bridge import Engine
engines = [Engine(AARCH64), Engine(X86_64)]
print(fast_stores.enabled("aarch64"), fast_stores.enabled("x86_64"))
engines[0].writable_code()
print(fast_stores.enabled("aarch64"), fast_stores.enabled("x86_64"))
print(fast_stores.enable(engines[0].lib, "aarch64"))
"""


@pytest.mark.parametrize("setting", ["", "0"])
def test_the_patch_applies_to_the_known_build_only(setting: str) -> None:
    import unicorn

    known = unicorn.__version__ == "2.1.4" and platform.machine() == "x86_64"
    on = known and setting != "0"
    out, err, code = _run([sys.executable, "-c", PROBE], {"PYJITLINK_UNICORN_PATCH": setting})
    assert (code, err) == (0, "")
    # Patched (or not); restored for AArch64 by a writable and executable mapping, for the
    # rest of the process, x86-64 untouched.
    assert out.split("\n") == [f"{on} {on}", f"False {on}", "False", ""]
