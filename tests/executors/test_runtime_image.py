"""-libc=target's prelinked runtime image (orc/runtime_image.py): the core of the target's C
runtime is linked once, cached in $XDG_CACHE_HOME/pyjitlink, and mapped by later runs; the
program's output and exit status stay those of its -static build (testdata's expected files,
qemu-aarch64 for a program compiled here). The cache follows the runtime's files (a changed
libc.a makes a new image and new archive indexes), survives a corrupt file, and the image is
not used where a static link would bind the runtime differently (a program with its own
getenv). Missing tools fail these tests (.ci/run installs them)."""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pyjitlink.executors.linux import runtime
from pyjitlink.executors.linux.process import LinuxProcessExecutor
from pyjitlink.jitlink.target import ObjectFormat
from pyjitlink.orc import runtime_image
from pyjitlink.orc.lljit import LLJIT
from pyjitlink.orc.platforms.tls import TLSPlugin
from pyjitlink.orc.symbols import SymbolFlags

ROOT = Path(__file__).resolve().parents[2]
CALC = ROOT / "testdata" / "calc"
# Where find_file looks below a sysroot: glibc's files, then gcc's.
LIBC_FILES = ("crt1.o", "libc.a", "libm.a")
GCC_FILES = ("libgcc.a", "libgcc_eh.a", "libstdc++.a")


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path is not None, f"{name} is needed (see .ci/run)"
    return path


def _sysroot(root: Path) -> Path:
    """A sysroot whose runtime files are symbolic links to the installed AArch64 ones."""
    lib = root / "usr" / "aarch64-linux-gnu" / "lib"
    gcc = root / "usr" / "lib" / "gcc-cross" / "aarch64-linux-gnu" / "12"
    lib.mkdir(parents=True)
    gcc.mkdir(parents=True)
    for directory, names in ((lib, LIBC_FILES), (gcc, GCC_FILES)):
        for name in names:
            found = runtime.find_file("aarch64", name)
            if name != "libstdc++.a":
                assert found is not None, f"the AArch64 {name} is needed (see .ci/run)"
            if found is not None:
                (directory / name).symlink_to(found)
    return root


@pytest.fixture
def builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A private cache directory; the list grows by one per image built."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    made: list[str] = []
    real = runtime_image.build_image

    def counting(arch: str, sysroot: str | None,
                 object_format: str = ObjectFormat.ELF) -> runtime_image.RuntimeImage | str:
        made.append(arch if object_format == ObjectFormat.ELF else f"{object_format} {arch}")
        return real(arch, sysroot, object_format)

    monkeypatch.setattr(runtime_image, "build_image", counting)
    return made


def _run(objects: list[Path], args: list[str], sysroot: Path | None,
         capfd: pytest.CaptureFixture[str]) -> tuple[bool, str, int]:
    """(whether the session used the image, stdout, exit status) of a -libc=target run."""
    with LLJIT(arch="aarch64", libc="target",
               sysroot=str(sysroot) if sysroot else None) as session:
        for path in objects:
            session.add_object_file(session.main_jd, str(path))
        code = session.run_main("main", args)
        used = bool(session._main_slots)
    return used, capfd.readouterr().out, code


def test_image_is_cached_and_follows_the_runtime_files(
        tmp_path: Path, builds: list[str], monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    root = _sysroot(tmp_path / "root")
    monkeypatch.chdir(CALC)
    objects = sorted((CALC / "a64-O2-pic").glob("*.o"))
    expected = ((CALC / "expected" / "basic.stdout").read_text(),
                int((CALC / "expected" / "basic.rc").read_text()))
    args = ["calc", "inputs/basic.calc"]

    def run() -> tuple[str, int]:
        used, out, code = _run(objects, args, root, capfd)
        assert used
        return out, code

    assert run() == expected and len(builds) == 1  # built, then used
    images = list((tmp_path / "cache" / "pyjitlink").glob("runtime-image-aarch64-*.pickle"))
    assert len(images) == 1
    assert run() == expected and len(builds) == 1  # from the cache
    # libc.a changes (here: the same bytes in a new file): a new image.
    libc = root / "usr" / "aarch64-linux-gnu" / "lib" / "libc.a"
    real = libc.resolve()
    libc.unlink()
    shutil.copyfile(real, libc)
    os.utime(libc, ns=(1, 1))
    assert run() == expected and len(builds) == 2
    assert run() == expected and len(builds) == 2
    # A corrupt or truncated cache file is no error: the image (and the archives' symbol
    # indexes, cached beside it) are made again.
    cache = tmp_path / "cache" / "pyjitlink"
    assert list(cache.glob("runtime-indexes-aarch64-*.pickle"))
    for image in [*cache.glob("runtime-image-aarch64-*.pickle"),
                  *cache.glob("runtime-indexes-aarch64-*.pickle")]:
        image.write_bytes(image.read_bytes()[:1000])
    assert run() == expected and len(builds) == 3
    assert run() == expected and len(builds) == 3


def test_a_program_that_defines_a_runtime_name_links_the_archives(
        tmp_path: Path, builds: list[str], capfd: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "getenv.c"
    source.write_text(r"""
#include <stdio.h>
#include <stdlib.h>
static int calls;
char *getenv(const char *name) { calls++; return name[0] == 'H' ? "the program's" : NULL; }
int main(void) {
    int before = calls;
    printf("HOME=%s, getenv calls before main: %d\n", getenv("HOME"), before);
    return 3;
}
""")
    cc = _tool("aarch64-linux-gnu-gcc")
    subprocess.run([cc, "-O2", "-c", str(source), "-o", str(tmp_path / "getenv.o")], check=True)
    subprocess.run([cc, "-O2", "-static", str(source), "-o", str(tmp_path / "getenv")],
                   check=True)
    theirs = subprocess.run([_tool("qemu-aarch64"), str(tmp_path / "getenv")],
                            capture_output=True, text=True, timeout=120)
    used, out, code = _run([tmp_path / "getenv.o"], ["getenv"], None, capfd)
    assert not used  # glibc's own getenv is in the image: a static link would not take it
    assert (out, code) == (theirs.stdout, theirs.returncode) == (out, 3)
    assert "HOME=the program's" in out
    # Without the program's getenv, the same runtime comes from the image.
    source.write_text('#include <stdio.h>\nint main(void) { puts("hi"); return 3; }\n')
    subprocess.run([cc, "-O2", "-c", str(source), "-o", str(tmp_path / "hi.o")], check=True)
    assert _run([tmp_path / "hi.o"], ["hi"], None, capfd) == (True, "hi\n", 3)
    assert len(builds) == 1


def test_runs_that_list_or_count_graphs_link_the_archives(tmp_path: Path) -> None:
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"),
               PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    objects = sorted(str(p.relative_to(CALC)) for p in (CALC / "a64-O2-pic").glob("*.o"))
    command = [sys.executable, "-m", "pyjitlink", "-libc=target", *objects, "-args", "calc",
               "inputs/basic.calc"]
    plain = subprocess.run(command, cwd=CALC, env=env, capture_output=True, text=True,
                           timeout=300)
    assert plain.stdout == (CALC / "expected" / "basic.stdout").read_text()
    assert list((tmp_path / "cache" / "pyjitlink").glob("runtime-image-*"))
    listed = subprocess.run([*command[:4], "-show-linked-files", *command[4:]], cwd=CALC,
                            env=env, capture_output=True, text=True, timeout=300)
    members = [line for line in listed.stdout.splitlines()
               if line.startswith("Linking ") and "libc.a(" in line]
    assert len(members) > 300 and "Linking " + runtime.find_file("aarch64", "crt1.o") in \
        listed.stdout


# Mach-O programs (orc/platforms/darwin_libc.py): glibc in a JITDylib of its own, its core
# from an image of its own (the Darwin layer's namespace), for arm64 and x86-64 -emulate.
MACHO_FLAVOURS = [("aarch64", "macho-a64-O2"), ("x86_64", "macho-O2")]


def _run_macho(arch: str, objects: list[Path], args: list[str],
               capfd: pytest.CaptureFixture[str], image: bool = True) -> tuple[bool, str, int]:
    """(whether the session used the image, stdout, exit status) of an emulated Mach-O
    run (``image`` False: the runtime links from its archives, as before images)."""
    with LLJIT(arch=arch, libc="target", emulate=True) as session:
        session.runtime_image = image
        for path in objects:
            session.add_object_file(session.main_jd, str(path))
        code = session.run_main("_main", args)
        used = bool(session._main_slots)
        files = list(session.linked_files)
    # glibc's start-up came from the image or from crt1.o and the archives: either way its
    # members are listed in glibc's own JITDylib, never the program's.
    crt1 = [jd for jd, name in files if name.endswith("crt1.o")]
    assert crt1 == ["<target C runtime>"] * len(crt1) and len(crt1) == 1, crt1
    return used, capfd.readouterr().out, code


@pytest.mark.parametrize("arch,flavour", MACHO_FLAVOURS)
def test_macho_runs_map_an_image_of_their_own(
        arch: str, flavour: str, builds: list[str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(CALC)
    objects = sorted((CALC / flavour).glob("*.o"))
    args = ["calc", "inputs/basic.calc"]
    expected = ((CALC / "expected" / "basic.stdout").read_text(),
                int((CALC / "expected" / "basic.rc").read_text()))
    assert _run_macho(arch, objects, args, capfd) == (True, *expected)
    assert builds == [f"macho {arch}"]
    cache = tmp_path / "cache" / "pyjitlink"
    assert len(list(cache.glob(f"runtime-image-macho-{arch}-*.pickle"))) == 1
    assert not list(cache.glob(f"runtime-image-{arch}-*.pickle"))  # ELF's is another
    assert _run_macho(arch, objects, args, capfd) == (True, *expected)
    assert builds == [f"macho {arch}"]  # the second run mapped the cached image
    # Without the image: the same output, from crt1.o and the archives.
    assert _run_macho(arch, objects, args, capfd, image=False) == (False, *expected)
    # An unreadable image is made again.
    for image in cache.glob(f"runtime-image-macho-{arch}-*.pickle"):
        image.write_bytes(b"\x80\x05junk")
    assert _run_macho(arch, objects, args, capfd) == (True, *expected)
    assert builds == [f"macho {arch}"] * 2


def test_a_macho_program_that_defines_a_runtime_name_keeps_it_to_itself(
        tmp_path: Path, builds: list[str], capfd: pytest.CaptureFixture[str]) -> None:
    """Two-level namespaces: a Mach-O program's ``_getenv`` binds the program's own calls,
    never glibc's (its start-up's, its ``secure_getenv``'s), so the image stands for the
    core as the archives would; the output is the same either way, and Darwin's."""
    source = tmp_path / "getenv.c"
    source.write_text(r"""
#include <stdio.h>
#include <stdlib.h>
static int calls;
char *getenv(const char *name) { calls++; return name[0] == 'H' ? "the program's" : NULL; }
int main(void) {
    int before = calls;
    printf("HOME=%s, getenv calls before main: %d\n", getenv("HOME"), before);
    return 3;
}
""")
    expected = "HOME=the program's, getenv calls before main: 0\n"
    include = ROOT / "testdata" / "macho-include"
    for arch, target in (("aarch64", "arm64-apple-macos11"), ("x86_64", "x86_64-apple-macos11")):
        obj = tmp_path / f"getenv-{arch}.o"
        subprocess.run([_tool("clang"), f"--target={target}", "-nostdlibinc", "-isystem",
                        str(include), "-O2", "-c", str(source), "-o", str(obj)], check=True)
        assert _run_macho(arch, [obj], ["getenv"], capfd) == (True, expected, 3)
        assert _run_macho(arch, [obj], ["getenv"], capfd, image=False) == (False, expected, 3)
    assert builds == ["macho aarch64", "macho x86_64"]


def test_a_definition_in_glibcs_namespace_links_the_archives(
        builds: list[str], capfd: pytest.CaptureFixture[str]) -> None:
    """What glibc's own JITDylib holds besides the session's definitions binds glibc's
    references: an image that bound them elsewhere cannot stand for the core."""
    with LLJIT(arch="aarch64", libc="target", platform="macho") as session:
        image = runtime_image.build_image("aarch64", None, ObjectFormat.MACHO)
        assert isinstance(image, runtime_image.RuntimeImage)
        assert runtime_image.image_conflicts(session, image) == []
        session.runtime_jd.define_absolute({"getenv": (0x1000, SymbolFlags.EXPORTED)})
        assert runtime_image.image_conflicts(session, image) == ["getenv"]
        assert runtime_image.apply_image(session, image) == "the program defines getenv"
        # The program's own names stay out of glibc's namespace: no conflict.
        session.main_jd.define_absolute({"_malloc": (0x2000, SymbolFlags.EXPORTED)})
        assert runtime_image.image_conflicts(session, image) == ["getenv"]


@pytest.mark.parametrize("object_format", [ObjectFormat.ELF, ObjectFormat.MACHO])
def test_a_session_given_the_image_holds_what_the_image_recorded(
        object_format: str, builds: list[str], tmp_path: Path) -> None:
    """apply_image restores each class's state through its public snapshot/restore: what
    the session's services report afterwards is what the image's session reported."""
    with LLJIT(arch="aarch64", libc="target", platform=object_format) as session:
        name = "__libc_start_main"
        address = session.lookup(name, session.runtime_jd)  # the first lookup maps it
        assert session._main_slots and len(builds) == 1
        (cached,) = (tmp_path / "cache" / "pyjitlink").glob("runtime-image-*.pickle")
        with cached.open("rb") as f:
            _, image = pickle.load(f)  # noqa: S301 - this test's own cache
        assert isinstance(image, runtime_image.RuntimeImage)
        assert image.symbols[name][0] == address
        # The core has thread-locals (errno), IFUNCs (string functions), __libc_atexit
        # (_IO_cleanup), unwind tables and initializers: each restore has work to do.
        assert image.tls_blocks and image.irelative and image.atexit and image.eh_frames
        assert image.symbol_rows and image.eh_records and any(image.init_fini.values())
        executor = session.executor
        assert isinstance(executor, LinuxProcessExecutor)
        assert executor.process_tls.snapshot() == (image.tls_layout, image.tls_images)
        tls = next(p for p in session.layer.plugins if isinstance(p, TLSPlugin))
        assert tls.snapshot() == image.tls_blocks
        assert executor.irelative.snapshot() == image.irelative
        assert executor.atexit_set.snapshot() == image.atexit
        assert executor.eh_frame_registrar.snapshot() == image.eh_frames
        assert executor.symbolizer.snapshot() == (image.symbol_rows, image.eh_records)
        assert session.init_fini.snapshot() == image.init_fini
        assert [r for r in executor.memory.regions() if image.base <= r[0] < image.end] == \
            [(start, start + size, prot) for start, size, prot, _ in image.regions]
        # __tls_get_addr's table of modules' thread-pointer offsets, 8 bytes per module id.
        buffer = executor.memory.buffer
        for module in {block[3] for block in image.tls_blocks}:
            at = executor.tls_offsets + 8 * module.module_id
            assert int.from_bytes(buffer[at:at + 8], "little", signed=True) == \
                module.tp_offset
