"""host_bridge loads libunicorn and Unicorn's register constants without importing the
``unicorn`` package (whose import costs ~10 ms of a small emulated run): the same library
file the package loads, the same register numbers its constants modules define."""

from __future__ import annotations

import subprocess
import sys

import unicorn
from unicorn import arm64_const, x86_const

from pyjitlink.executors import host_bridge


def test_the_library_is_the_one_the_package_loads() -> None:
    from unicorn.unicorn_py3 import unicorn as binding

    assert host_bridge._library_path() == binding.uclib._name
    assert host_bridge._package_file("lib", "no-such-file") is None


def test_constants_run_from_their_files_equal_the_packages() -> None:
    for module in (arm64_const, x86_const):
        name = module.__name__.rsplit(".", 1)[1]
        path = host_bridge._package_file(f"{name}.py")
        assert path == module.__file__
        # What unicorn_constants runs when the package is not loaded yet.
        fresh = subprocess.run(
            [sys.executable, "-c",
             "import sys\n"
             "from pyjitlink.executors.host_bridge import unicorn_constants\n"
             f"c = unicorn_constants({name!r})\n"
             "assert 'unicorn' not in sys.modules, 'the package was imported'\n"
             "print(sorted((k, v) for k, v in vars(c).items() if k.startswith('UC_')))"],
            capture_output=True, text=True, check=True, timeout=60)
        theirs = sorted((k, v) for k, v in vars(module).items() if k.startswith("UC_"))
        assert fresh.stdout.strip() == str(theirs)
        assert len(theirs) > 100
    # With the package loaded, its own modules.
    assert "unicorn" in sys.modules and unicorn.arm64_const is arm64_const
    assert host_bridge.unicorn_constants("arm64_const") is arm64_const

