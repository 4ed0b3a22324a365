"""find_runtime remembers its answer in pyjitlink's private cache directory and notices
when a file it found changes or a search directory gains files."""

from __future__ import annotations

import os
import pickle
import stat
import sys
from pathlib import Path

import pytest

from pyjitlink.executors.linux import runtime
from pyjitlink.executors.linux.runtime import cache_dir, find_runtime


def _sysroot(root: Path) -> Path:
    lib = root / "usr" / "aarch64-linux-gnu" / "lib"
    gcc = root / "usr" / "lib" / "gcc-cross" / "aarch64-linux-gnu" / "12"
    lib.mkdir(parents=True)
    gcc.mkdir(parents=True)
    for name in ("crt1.o", "libc.a", "libm.a"):
        (lib / name).write_bytes(b"!<arch>\n")
    for name in ("libgcc.a", "libgcc_eh.a"):
        (gcc / name).write_bytes(b"!<arch>\n")
    return root


def test_cache_is_private_and_invalidated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    directory = cache_dir()
    assert directory == str(tmp_path / "cache" / "pyjitlink")
    assert stat.S_IMODE(os.stat(directory).st_mode) == 0o700
    root = _sysroot(tmp_path / "root")
    calls: list[str] = []
    real = runtime._find_runtime

    def counting(arch: str, sysroot: str | None, host_arch: str) -> runtime.TargetRuntime:
        calls.append(arch)
        return real(arch, sysroot, host_arch)

    monkeypatch.setattr(runtime, "_find_runtime", counting)
    first = find_runtime("aarch64", str(root))
    assert calls == ["aarch64"] and "libstdc++.a" not in str(first.archives)
    with open(Path(directory) / "runtime-aarch64.pickle", "rb") as f:
        _, (saved, stamps) = pickle.load(f)
    assert saved == first and [path for path, _ in stamps] == [first.crt1, *first.archives]
    assert find_runtime("aarch64", str(root)) == first and calls == ["aarch64"]  # cached
    libc = root / "usr" / "aarch64-linux-gnu" / "lib" / "libc.a"
    libc.write_bytes(b"!<arch>\n" + bytes(60))  # a changed file: asked again
    assert find_runtime("aarch64", str(root)) == first and len(calls) == 2
    # A new library in a search directory (libstdc++ installed): asked again, and found.
    gcc = root / "usr" / "lib" / "gcc-cross" / "aarch64-linux-gnu" / "12"
    (gcc / "libstdc++.a").write_bytes(b"!<arch>\n")
    os.utime(gcc, ns=(1, 1))  # a directory's time must change even on coarse clocks
    assert str(gcc / "libstdc++.a") in find_runtime("aarch64", str(root)).archives
    assert len(calls) == 3


def test_a_shared_cache_directory_is_not_used(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyjitlink").mkdir(mode=0o777)
    os.chmod(tmp_path / "pyjitlink", 0o777)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir() is None


def test_source_stamp_lists_every_source_file_with_its_size_and_time() -> None:
    """What cached images and indexes are keyed on besides the runtime's files: each .py
    file of the package (not __pycache__'s), so that any edit to pyjitlink invalidates
    them."""
    package = Path(runtime.__file__).resolve().parents[2]
    expected = []
    for path in package.rglob("*.py"):
        if "__pycache__" not in path.parts:
            info = path.stat()
            expected.append(f"{path.relative_to(package).as_posix()} {info.st_size} "
                            f"{info.st_mtime_ns}")
    lines = runtime.source_stamp().splitlines()
    assert lines[0] == sys.version.splitlines()[0]
    listed = lines[len(sys.version.splitlines()):]
    assert sorted(listed) == sorted(expected) and len(listed) > 80
    assert "executors/linux/runtime.py" in {line.split()[0] for line in listed}
