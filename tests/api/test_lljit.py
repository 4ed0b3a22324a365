"""pyjitlink.Session, the LLJIT of orc/lljit.py: architecture spellings, emulated programs
run from Python (their output flushed when run_main returns, compared with qemu-aarch64's),
deterministic -noexec slab addresses, removal, the errors a Python caller meets, and
``help(pyjitlink)``."""

from __future__ import annotations

import inspect
import pydoc
import shutil
import subprocess
import traceback
from pathlib import Path

import pytest

import pyjitlink
from pyjitlink.orc.lljit import LLJIT
from pyjitlink.tool.session import Session as ToolSession

HELLO = r"""
#include <stdio.h>
int main(int argc, char **argv) {
    printf("hello from %s, %d args\n", argv[0], argc);
    fputs("no newline at the end", stdout);
    return argc + 40;
}
"""

EXITS = r"""
#include <stdio.h>
#include <stdlib.h>
int main(void) { printf("buffered, then exit(7)\n"); exit(7); }
"""

SEVEN = "int seven(void) { return 7; }\nint eight(void) { return seven() + 1; }\n"


def tool(name: str) -> str:
    path = shutil.which(name)
    assert path is not None, f"{name} is not on PATH (see .ci/run)"
    return path


def compile_c(tmp: Path, compiler: str, name: str, source: str, *flags: str) -> Path:
    src, out = tmp / f"{name}.c", tmp / f"{name}-{compiler}.o"
    src.write_text(source)
    subprocess.run([tool(compiler), "-O1", *flags, "-c", str(src), "-o", str(out)], check=True)
    return out


def qemu_reference(tmp: Path, name: str, source: str, args: list[str]) -> tuple[str, int]:
    """stdout and exit status of the program linked by the cross gcc, run by qemu-aarch64
    (argv[0] is args[0], as pyjitlink's run_main passes args whole)."""
    src, exe = tmp / f"{name}-ref.c", tmp / f"{name}-ref"
    src.write_text(source)
    subprocess.run([tool("aarch64-linux-gnu-gcc"), "-O1", "-static", str(src), "-o", str(exe)],
                   check=True)
    proc = subprocess.run([tool("qemu-aarch64"), "-0", args[0], str(exe), *args[1:]],
                          capture_output=True, text=True, timeout=60)
    return proc.stdout, proc.returncode


# ---------------------------------------------------------------------------- the class


def test_session_is_the_orc_level_lljit() -> None:
    assert pyjitlink.Session is LLJIT
    assert issubclass(ToolSession, LLJIT) and ToolSession is not LLJIT
    # The CLI's per-option state lives in the tool's subclass only.
    with pyjitlink.Session(noexec=True, slab=(1 << 20, 0x10000000, 4096)) as session:
        for cli_only in ("stats", "graph_info", "harness_definitions", "search_paths",
                         "add_harness", "add_sect_create", "add_weak_library", "preload"):
            assert not hasattr(session, cli_only), cli_only


@pytest.mark.parametrize(("spelling", "arch"), [
    ("aarch64", "aarch64"), ("arm64", "aarch64"), ("ARM64", "aarch64"),
    ("x86_64", "x86_64"), ("amd64", "x86_64"), ("x86_64h", "x86_64")])
def test_llvm_triple_spellings_of_the_architecture(spelling: str, arch: str) -> None:
    # Triple.cpp's parseArch: amd64/x86_64/x86_64h are x86_64, arm64 is aarch64.
    with pyjitlink.Session(arch=spelling, noexec=True,
                           slab=(1 << 20, 0x10000000, 4096)) as session:
        assert session.target_arch == arch


@pytest.mark.parametrize("spelling", ["x86-64", "arm64e", "mips", "i386", ""])
def test_other_architectures_are_a_clear_error(spelling: str) -> None:
    with pytest.raises(pyjitlink.UnsupportedTarget) as info:
        pyjitlink.Session(arch=spelling)
    assert isinstance(info.value, pyjitlink.PyJITLinkError)
    assert str(info.value) == (f"unsupported architecture '{spelling}': pyjitlink links x86_64 "
                               f"(also spelled amd64 or x86_64h) and aarch64 (also arm64)")


def test_unknown_c_library_is_an_error() -> None:
    with pytest.raises(pyjitlink.PyJITLinkError, match="unknown C library 'glibc'"):
        pyjitlink.Session(arch="aarch64", libc="glibc")
    with pytest.raises(pyjitlink.PyJITLinkError, match=r"C library \(-libc=python\) was "
                                                       r"removed.*-libc=target, the default"):
        pyjitlink.Session(arch="aarch64", libc="python")


def test_platform_is_chosen_by_name_or_by_the_first_object(tmp_path: Path) -> None:
    from pyjitlink.orc.platforms import ELFNixPlatform, MachOPlatform

    macho = tmp_path / "m.o"
    (tmp_path / "m.c").write_text("int main(int argc, char **argv) { return argc + 41; }\n")
    subprocess.run([tool("clang"), "-target", "arm64-apple-macos11", "-O1", "-c",
                    str(tmp_path / "m.c"), "-o", str(macho)], check=True)
    elf = compile_c(tmp_path, "aarch64-linux-gnu-gcc", "seven", SEVEN)
    with pyjitlink.Session(arch="arm64") as session:
        assert session.platform is None
        session.add_object_file(session.main_jd, str(macho))
        assert isinstance(session.platform, MachOPlatform)
        assert session.run_main("_main", ["m"]) == 42
    with pyjitlink.Session(arch="arm64", platform="macho") as session:
        assert isinstance(session.platform, MachOPlatform)
        with pytest.raises(pyjitlink.JITLinkError, match="cannot mix ELF and Mach-O"):
            session.add_object_file(session.main_jd, str(elf))
    with pyjitlink.Session(arch="arm64", platform="elf") as session:
        assert isinstance(session.platform, ELFNixPlatform)
    with pytest.raises(pyjitlink.UnsupportedTarget, match="unknown platform 'coff'"):
        pyjitlink.Session(arch="arm64", platform="coff")


# ---------------------------------------------------------------------------- emulated AArch64


def test_emulated_program_output_is_flushed_when_run_main_returns(
        tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    obj = compile_c(tmp_path, "aarch64-linux-gnu-gcc", "hello", HELLO)
    args = ["hello", "one", "two"]
    expected, status = qemu_reference(tmp_path, "hello", HELLO, args)
    capfd.readouterr()
    with pyjitlink.Session(arch="arm64") as session:
        session.add_object_file(session.main_jd, str(obj))
        code = session.run_main("main", args)
        print("python prints next", flush=True)
        out = capfd.readouterr().out
    assert code == status == 43
    assert expected == "hello from hello, 3 args\nno newline at the end"
    # The program's partial last line was written out before Python's print.
    assert out == expected + "python prints next\n"


def test_emulated_exit_returns_its_status(tmp_path: Path,
                                          capfd: pytest.CaptureFixture[str]) -> None:
    # exit() in an emulated program ends that program, not the Python caller.
    obj = compile_c(tmp_path, "aarch64-linux-gnu-gcc", "exits", EXITS)
    expected, status = qemu_reference(tmp_path, "exits", EXITS, ["exits"])
    capfd.readouterr()
    session = pyjitlink.Session(arch="aarch64")
    session.add_object_file(session.main_jd, str(obj))
    assert session.run_main("main", ["exits"]) == status == 7
    print("after", flush=True)
    assert capfd.readouterr().out == expected + "after\n"
    session.close()


def test_emulated_functions_are_called_through_the_executor(tmp_path: Path) -> None:
    import ctypes

    obj = compile_c(tmp_path, "aarch64-linux-gnu-gcc", "arith", SEVEN + """
        long sub(long a, long b) { return a - b; }
        int neg(int a) { return -a; }
        unsigned char low(unsigned x) { return x; }
        double half(double x) { return x / 2; }
    """)
    with pyjitlink.Session(arch="aarch64") as session:
        session.add_object(session.main_jd, obj.read_bytes(), "arith.o")
        assert session.executor.call(session.lookup("eight")) == 8
        eight = session.function("eight", ctypes.CFUNCTYPE(ctypes.c_int))
        assert eight() == 8 and eight.__name__ == "eight"
        sub = session.function("sub", ctypes.CFUNCTYPE(ctypes.c_long, ctypes.c_long,
                                                       ctypes.c_long))
        assert sub(5, 7) == -2 and sub(-(1 << 62), 1 << 62) == -(1 << 63)
        neg = session.function("neg", ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int))
        assert neg(5) == -5 and neg(-(1 << 31)) == -(1 << 31)  # wraps as C's int does
        low = session.function("low", ctypes.CFUNCTYPE(ctypes.c_ubyte, ctypes.c_uint))
        assert low(0x1234) == 0x34
        with pytest.raises(TypeError, match=r"takes 1 arguments \(2 given\)"):
            neg(1, 2)
        with pytest.raises(pyjitlink.ExecutionError, match="not c_double"):
            session.function("half", ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double))


# ---------------------------------------------------------------------------- noexec + slab


def nm_offsets(obj: Path) -> dict[str, int]:
    out = subprocess.run([tool("nm"), str(obj)], capture_output=True, text=True,
                         check=True).stdout
    return {parts[2]: int(parts[0], 16) for parts in map(str.split, out.splitlines())
            if len(parts) == 3 and parts[1] == "T"}


@pytest.mark.parametrize(("compiler", "arch"), [("gcc", "x86_64"),
                                             ("aarch64-linux-gnu-gcc", "aarch64")])
def test_noexec_slab_addresses_are_deterministic(tmp_path: Path, compiler: str,
                                                 arch: str) -> None:
    obj = compile_c(tmp_path, compiler, "seven", SEVEN)
    offsets = nm_offsets(obj)  # the oracle: each function's offset in .text

    def addresses(base: int) -> tuple[int, int]:
        with pyjitlink.Session(noexec=True, slab=(1 << 20, base, 4096), arch=arch) as session:
            assert session.executor is None
            session.add_object_file(session.main_jd, str(obj))
            return session.lookup("seven"), session.lookup("eight")

    first, again = addresses(0x10000000), addresses(0x10000000)
    moved = addresses(0x7f0000000000)
    assert first == again
    assert [a - 0x10000000 for a in first] == [a - 0x7f0000000000 for a in moved]
    assert 0x10000000 <= first[0] < 0x10000000 + (1 << 20)
    assert first[1] - first[0] == offsets["eight"] - offsets["seven"]


def test_noexec_session_does_not_run(tmp_path: Path) -> None:
    obj = compile_c(tmp_path, "gcc", "main", "int main(void) { return 7; }\n")
    for options in ({"noexec": True}, {"slab": (1 << 20, 0x10000000, 4096)}):
        with pyjitlink.Session(**options) as session:  # type: ignore[arg-type]
            session.add_object_file(session.main_jd, str(obj))
            with pytest.raises(pyjitlink.ExecutionError, match="does not execute"):
                session.run_main("main", ["main"])
            with pytest.raises(pyjitlink.ExecutionError, match="does not execute"):
                session.run_initializers()


# ---------------------------------------------------------------------------- libraries


def test_add_library_finds_archives_and_shared_libraries(tmp_path: Path) -> None:
    # -lNAME's rules from Python: libNAME.so before libNAME.a in each search directory.
    import ctypes

    archive_dir, shared_dir = tmp_path / "a", tmp_path / "so"
    archive_dir.mkdir()
    shared_dir.mkdir()
    add = compile_c(tmp_path, "gcc", "add", "int add(int a, int b) { return a + b; }\n")
    subprocess.run([tool("ar"), "rcs", str(archive_dir / "libadd.a"), str(add)], check=True)
    mul = tmp_path / "mul.c"
    mul.write_text("int mul(int a, int b) { return a * b; }\n")
    subprocess.run([tool("gcc"), "-shared", "-fPIC", str(mul), "-o",
                    str(shared_dir / "libmul.so")], check=True)
    user = compile_c(tmp_path, "gcc", "user", "int add(int, int); int mul(int, int);\n"
                     "int f(int a, int b) { return mul(add(a, b), 10); }\n")
    with pyjitlink.Session() as session:
        jd = session.main_jd
        session.add_object_file(jd, str(user))
        session.add_library(jd, "add", search_paths=[str(archive_dir)])
        session.add_library(jd, "mul", search_paths=[str(shared_dir)])
        f = session.function("f", ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int, ctypes.c_int))
        assert f(2, 3) == 50
        assert session.linked_files == [("main", str(user)),
                                        ("main", f"{archive_dir}/libadd.a(add-gcc.o)")]
        with pytest.raises(pyjitlink.OrcError, match="could not find library for -lnone"):
            session.add_library(jd, "none", search_paths=[str(archive_dir)])


# ---------------------------------------------------------------------------- remove


def test_remove_frees_emulated_code_for_reuse(tmp_path: Path) -> None:
    data = compile_c(tmp_path, "aarch64-linux-gnu-gcc", "seven", SEVEN).read_bytes()
    with pyjitlink.Session(arch="aarch64") as session:
        jd = session.main_jd
        placed = []
        for _ in range(3):
            tracker = jd.create_resource_tracker()
            session.add_object(jd, data, "seven.o", tracker)
            address = session.lookup("eight")
            assert session.executor.call(address) == 8
            placed.append(address)
            session.remove(tracker)
            # The runtime's own files (its prelinked image's, when that is used) stay.
            assert "eight" not in jd.symbols
            assert not [f for _, f in session.linked_files if f.endswith("seven.o")]
            with pytest.raises(pyjitlink.SymbolsNotFound):
                session.lookup("eight")
        assert placed[0] == placed[1] == placed[2]  # the freed memory is used again


# ---------------------------------------------------------------------------- errors


def test_missing_file_error_names_the_file(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.o")
    session = pyjitlink.Session()
    with pytest.raises(pyjitlink.PyJITLinkError) as info:
        session.add_object_file(session.main_jd, missing)
    err = info.value
    assert (str(err), err.file) == ("No such file or directory", missing)
    # A Python caller's traceback names the file (a PEP 678 note).
    shown = "".join(traceback.format_exception(err))
    assert f"No such file or directory\n(file: {missing})\n" in shown
    session.close()


def test_undefined_symbol_error_names_symbol_and_object(tmp_path: Path) -> None:
    obj = compile_c(tmp_path, "gcc", "undef", "int missing_fn(int);\n"
                    "int use(int a) { return missing_fn(a) + 1; }\n")
    with pyjitlink.Session() as session:
        session.add_object_file(session.main_jd, str(obj))
        with pytest.raises(pyjitlink.SymbolsNotFound) as info:
            session.lookup("use")
        assert str(info.value) == "Symbols not found: [ missing_fn ]"
        assert info.value.symbols == ["missing_fn"] and info.value.file == str(obj)
        with pytest.raises(pyjitlink.SymbolsNotFound, match=r"\[ not_there \]"):
            session.lookup("not_there")
        with pytest.raises(pyjitlink.ExecutionError, match="entry point 'main' not found"):
            session.run_main("main", [])


def test_object_of_another_architecture_is_refused(tmp_path: Path) -> None:
    obj = compile_c(tmp_path, "aarch64-linux-gnu-gcc", "seven", SEVEN)
    with pyjitlink.Session() as session, pytest.raises(pyjitlink.JITLinkError) as info:
        session.add_object_file(session.main_jd, str(obj))
    assert str(info.value).startswith("aarch64 object cannot be linked in a session for x86_64")
    assert info.value.file == str(obj)


# ---------------------------------------------------------------------------- documentation


def test_help_lists_the_classes() -> None:
    text = pydoc.render_doc(pyjitlink, renderer=pydoc.plaintext)
    for line in ("Session = class LLJIT(builtins.object)", "class ExecutionSession(",
                 "class JITDylib(", "class ResourceTracker(", "class LinkGraph(",
                 "class SymbolsNotFound(OrcError)", "class UnsupportedTarget(PyJITLinkError)",
                 "build_link_graph("):
        assert line in text, line
    assert set(pyjitlink.__all__) <= set(dir(pyjitlink))


def test_every_public_method_has_a_docstring() -> None:
    missing = []
    for name in pyjitlink.__all__:
        obj = getattr(pyjitlink, name)
        if not (inspect.isclass(obj) or inspect.isfunction(obj)):
            continue
        if not inspect.getdoc(obj):
            missing.append(name)
        if not inspect.isclass(obj):
            continue
        for attr, value in vars(obj).items():
            if attr.startswith("_") and attr not in ("__init__", "__enter__", "__exit__"):
                continue
            function = value.fget if isinstance(value, property) else value
            if inspect.isfunction(function) and not function.__doc__:
                missing.append(f"{name}.{attr}")
    assert missing == []
