"""The pyjitlink command as a user meets it: exit codes, the one-line error, and the options.

Every test runs ``python -m pyjitlink`` in a subprocess. Errors must exit 1 with exactly one
stderr line ``pyjitlink: error: [<file>: ]<message>`` and never a traceback. Where a program's
result has an independent oracle (the same objects linked by gcc and run), the test uses it.
"""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from elftools.elf.elffile import ELFFile
from toolchain import find_tool

REPO = Path(__file__).resolve().parents[2]
CALC = REPO / "testdata" / "calc" / "O2-pie"
CALC_OBJECTS = sorted(CALC.glob("*.o"))
GCC = shutil.which("gcc")
AR = shutil.which("ar")
LLVM_MC = find_tool("llvm-mc")
PREFIX = "pyjitlink: error: "

needs_gcc = pytest.mark.skipif(GCC is None, reason="gcc is not on PATH: cannot compile C")
needs_mc = pytest.mark.skipif(LLVM_MC is None, reason="llvm-mc is not on PATH: cannot assemble")
needs_calc = pytest.mark.skipif(not CALC_OBJECTS, reason=f"no objects in {CALC}")


def pyjitlink(*args: object, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pyjitlink", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def assert_error(proc: subprocess.CompletedProcess[str], *needles: str,
                 file: str | Path | None = None) -> str:
    """Exit 1, one stderr line with the prefix (and ``file: `` after it), no traceback."""
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 1, (proc.returncode, proc.stdout, proc.stderr)
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    (line,) = lines
    assert line.startswith(PREFIX), line
    assert "internal error" not in line, line
    if file is not None:
        assert line.startswith(f"{PREFIX}{file}: "), line
    for needle in needles:
        assert needle in line, (needle, line)
    return line


def gcc_c(tmp: Path, name: str, source: str, *flags: str) -> Path:
    src = tmp / f"{name}.c"
    obj = tmp / f"{name}.o"
    src.write_text(source)
    subprocess.run([GCC, "-c", "-O1", *flags, str(src), "-o", str(obj)], check=True,
                   capture_output=True)
    return obj


def llvm_mc(tmp: Path, name: str, source: str) -> Path:
    src = tmp / f"{name}.s"
    obj = tmp / f"{name}.o"
    src.write_text(source)
    subprocess.run([LLVM_MC, "-filetype=obj", "-triple=x86_64-unknown-linux-gnu", str(src),
                    "-o", str(obj)], check=True, capture_output=True)
    return obj


# ============================================================================= bad inputs


@needs_calc
@pytest.mark.parametrize("length", [0, 10, 63, 64, 100, "half", "all-but-one"])
def test_truncated_object(tmp_path: Path, length: int | str) -> None:
    data = (CALC / "main.o").read_bytes()
    n = {"half": len(data) // 2, "all-but-one": len(data) - 1}.get(length, length)
    cut = tmp_path / f"cut{n}.o"
    cut.write_bytes(data[:n])
    assert_error(pyjitlink("-noexec", cut), file=cut)


def test_not_an_elf_file(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("this is not an object file\n" * 10)
    assert_error(pyjitlink("-noexec", text), "not recognized as a valid object file", file=text)


@pytest.mark.parametrize("path", ["/bin/true", "/lib/x86_64-linux-gnu/libc.so.6"])
def test_executable_or_shared_object(path: str) -> None:
    if not Path(path).exists():
        pytest.skip(f"{path} does not exist here")
    head = Path(path).read_bytes()[:18]
    if not head.startswith(b"\x7fELF"):
        pytest.skip(f"{path} is not ELF")
    e_type = struct.unpack_from("<H", head, 16)[0]
    kind = {2: "executable", 3: "shared object"}[e_type]
    assert_error(pyjitlink("-noexec", path), "not a relocatable object", kind, file=path)


@needs_calc
def test_corrupt_section_header_offset(tmp_path: Path) -> None:
    """A section-name table offset past 2**63: a malformed object, not an internal error."""
    data = bytearray((CALC / "main.o").read_bytes())
    shoff = struct.unpack_from("<Q", data, 0x28)[0]
    shstrndx = struct.unpack_from("<H", data, 0x3E)[0]
    struct.pack_into("<Q", data, shoff + 64 * shstrndx + 24, 0xFFFF_FFFF_FFFF_FF00)
    bad = tmp_path / "bad_shoff.o"
    bad.write_bytes(bytes(data))
    assert_error(pyjitlink("-noexec", bad), file=bad)


@needs_mc
def test_unknown_relocation_type(tmp_path: Path) -> None:
    obj = llvm_mc(tmp_path, "reloc", """
        .text
        .globl main
        main:
        nop
        call foo
        ret
    """)
    data = bytearray(obj.read_bytes())
    rela = ELFFile(io.BytesIO(bytes(data))).get_section_by_name(".rela.text")
    (rel,) = rela.iter_relocations()
    assert rel["r_offset"] == 2
    data[rela.header["sh_offset"] + 8] = 200  # r_info's low byte: the relocation type
    obj.write_bytes(bytes(data))
    assert_error(pyjitlink("-noexec", obj), "200", ".text", "0x2", file=obj)


@needs_mc
def test_undefined_symbol(tmp_path: Path) -> None:
    obj = llvm_mc(tmp_path, "undef", """
        .text
        .globl main
        main:
        call nosuch_function_xyz
        ret
    """)
    assert_error(pyjitlink("-noexec", obj), "Symbols not found", "nosuch_function_xyz",
                 file=obj)


@needs_mc
def test_duplicate_strong_definition(tmp_path: Path) -> None:
    src = """
        .data
        .globl dup_sym_xyz
        dup_sym_xyz: .long 1
    """
    a = llvm_mc(tmp_path, "a", src)
    b = llvm_mc(tmp_path, "b", src)
    line = assert_error(pyjitlink("-noexec", a, b), "Duplicate definition", "dup_sym_xyz")
    assert str(a) in line or str(b) in line


@needs_mc
def test_weak_definitions_do_not_clash(tmp_path: Path) -> None:
    src = """
        .data
        .weak dup_sym_xyz
        dup_sym_xyz: .long 1
    """
    a = llvm_mc(tmp_path, "a", src)
    b = llvm_mc(tmp_path, "b", src)
    proc = pyjitlink("-noexec", "-entry", "dup_sym_xyz", a, b)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")


@needs_calc
@pytest.mark.parametrize("spelling", [["-lnosuchlib_xyz"], ["-l", "nosuchlib_xyz"]])
def test_missing_library(spelling: list[str]) -> None:
    assert_error(pyjitlink("-noexec", *CALC_OBJECTS, *spelling), "nosuchlib_xyz")


def test_nonexistent_input(tmp_path: Path) -> None:
    missing = tmp_path / "no_such_file.o"
    assert_error(pyjitlink("-noexec", missing), "No such file", file=missing)


@needs_calc
def test_missing_entry_point() -> None:
    line = assert_error(pyjitlink(*CALC_OBJECTS, "-entry", "nosuch_entry"), "nosuch_entry")
    assert "not found" in line


@needs_mc
def test_fixup_out_of_range(tmp_path: Path) -> None:
    obj = llvm_mc(tmp_path, "oor", """
        .data
        .globl x
        x: .quad 0
        .byte foo
    """)
    assert_error(pyjitlink("-noexec", "-entry", "x", obj, "-abs", "foo=0x1000"),
                 ".data+0x8", "Pointer8", "foo", "0x1000", "out of range", file=obj)


@needs_calc
def test_unknown_option() -> None:
    assert_error(pyjitlink("-nosuchoption_xyz", *CALC_OBJECTS), "-nosuchoption_xyz")


@pytest.mark.parametrize("option,value,needle", [("-abs", "foo", '"foo"'),
                                                 ("-abs", "foo=notanumber", '"notanumber"'),
                                                 ("-alias", "=bar", '"=bar"')])
def test_malformed_definition_option(tmp_path: Path, option: str, value: str,
                                     needle: str) -> None:
    assert_error(pyjitlink("-noexec", option, value, tmp_path / "unused.o"), needle, option)


# ============================================================================= positive runs


@needs_calc
def test_noexec_links_silently() -> None:
    # calc's constructors print when run: -noexec links everything and runs nothing.
    proc = pyjitlink("-noexec", *CALC_OBJECTS)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")


PROGRAM = r"""
#include <stdio.h>
int other(void) { return 42; }
int main(int argc, char **argv) {
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; i++)
        printf("argv[%d]=%s\n", i, argv[i]);
    return 3;
}
"""


@pytest.fixture(scope="module")
def program(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if GCC is None:
        pytest.skip("gcc is not on PATH: cannot compile C")
    return gcc_c(tmp_path_factory.mktemp("prog"), "prog", PROGRAM)


def test_main_exit_code_and_args(program: Path) -> None:
    proc = pyjitlink(program, "-args", "first", "two words", "-noexec")
    assert proc.stderr == ""
    assert proc.returncode == 3
    # argv[0] is the first value after -args: no program name is prepended; options after
    # -args belong to the program.
    assert proc.stdout == ("argc=3\nargv[0]=first\nargv[1]=two words\n"
                           "argv[2]=-noexec\n")


def test_no_args_means_argc_zero(program: Path) -> None:
    proc = pyjitlink(program)
    assert (proc.returncode, proc.stdout, proc.stderr) == (3, "argc=0\n", "")


def test_entry_chooses_another_function(program: Path) -> None:
    proc = pyjitlink(program, "-entry", "other")
    assert (proc.returncode, proc.stdout, proc.stderr) == (42, "", "")


@needs_gcc
def test_abs_and_alias_definitions(tmp_path: Path) -> None:
    obj = gcc_c(tmp_path, "defs", r"""
        #include <stdio.h>
        extern char absfoo[];
        int add(int a, int b) { return a + b; }
        int add_alias(int, int);
        int main(void) {
            printf("%lx\n", (unsigned long)absfoo);
            return add_alias(20, 3);
        }
    """)
    proc = pyjitlink(obj, "-abs", "absfoo=0x123456", "-alias", "add_alias=add")
    assert (proc.returncode, proc.stdout, proc.stderr) == (23, "123456\n", "")
    without = pyjitlink(obj, "-abs", "absfoo=0x123456")
    assert_error(without, "Symbols not found", "add_alias")


@needs_mc
def test_phony_externals(tmp_path: Path) -> None:
    obj = llvm_mc(tmp_path, "ext", """
        .text
        .globl main
        main:
        call nosuch_ext_xyz
        movq other_ext_xyz@GOTPCREL(%rip), %rax
        ret
    """)
    assert_error(pyjitlink("-noexec", obj), "Symbols not found", "nosuch_ext_xyz",
                 "other_ext_xyz", file=obj)
    proc = pyjitlink("-noexec", "-phony-externals", obj)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")


JD_MAIN = "int lib_fn(void);\nint main(void) { return lib_fn(); }\n"


@needs_gcc
def test_jd_puts_later_inputs_in_another_jitdylib(tmp_path: Path) -> None:
    main = gcc_c(tmp_path, "jmain", JD_MAIN)
    lib = gcc_c(tmp_path, "jlib", "int lib_fn(void) { return 17; }\n")
    hidden = gcc_c(tmp_path, "jhidden", '__attribute__((visibility("hidden")))\n'
                                       "int lib_fn(void) { return 17; }\n")
    # Exported definitions in another JITDylib link once main links against it (-llib, as
    # in llvm-jitlink 19) ...
    proc = pyjitlink(main, "-llib", "-jd", "lib", lib)
    assert (proc.returncode, proc.stdout, proc.stderr) == (17, "", "")
    # ... and not otherwise: a JITDylib's link order is itself, its -l's, then the process.
    assert_error(pyjitlink(main, "-jd", "lib", lib), "Symbols not found", "lib_fn")
    # The other JITDylib really is another one: a hidden definition is visible in its own
    # JITDylib only.
    proc = pyjitlink(main, hidden)
    assert (proc.returncode, proc.stdout, proc.stderr) == (17, "", "")
    assert_error(pyjitlink(main, "-llib", "-jd", "lib", hidden), "Symbols not found", "lib_fn")


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(main object, directory holding libfoo.a with a used and an unused member)."""
    if GCC is None or AR is None:
        pytest.skip("gcc or ar is not on PATH: cannot build the archive")
    tmp = tmp_path_factory.mktemp("archive")
    main = gcc_c(tmp, "amain", r"""
        #include <stdio.h>
        int foo_fn(int);
        int main(void) { printf("foo_fn=%d\n", foo_fn(2)); return 0; }
    """)
    used = gcc_c(tmp, "used", "int foo_fn(int x) { return x * 21; }\n")
    unused = gcc_c(tmp, "unused", r"""
        #include <stdio.h>
        __attribute__((constructor)) static void ctor(void) { puts("UNUSED MEMBER RAN"); }
        int unused_fn(void) { return 7; }
    """)
    libdir = tmp / "lib"
    libdir.mkdir()
    subprocess.run([AR, "rcs", str(libdir / "libfoo.a"), str(used), str(unused)], check=True,
                   cwd=tmp)
    return main, libdir


@pytest.mark.parametrize("spelling", [["-L", "{dir}", "-lfoo"], ["-L{dir}", "-l", "foo"],
                                      ["-lfoo", "-L", "{dir}"]])
def test_static_archive_links_only_needed_member(archive: tuple[Path, Path],
                                                 spelling: list[str]) -> None:
    main, libdir = archive
    args = [s.format(dir=libdir) for s in spelling]
    proc = pyjitlink(main, *args, "-show-linked-files")
    assert proc.stderr == ""
    assert proc.returncode == 0
    assert "foo_fn=42\n" in proc.stdout
    assert "UNUSED MEMBER RAN" not in proc.stdout
    linked = [line for line in proc.stdout.splitlines() if line.startswith("Linking ")]
    assert any("used.o" in line and "unused.o" not in line for line in linked), linked
    assert not any("unused.o" in line for line in linked), linked


def test_archive_as_input_links_only_needed_member(archive: tuple[Path, Path]) -> None:
    main, libdir = archive
    proc = pyjitlink(main, libdir / "libfoo.a")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "foo_fn=42\n", "")


# ============================================================================= gcc as oracle


@needs_gcc
@needs_mc
def test_size_relocation_against_other_object_matches_gcc(tmp_path: Path) -> None:
    """R_X86_64_SIZE32 against a symbol another object defines: Z is that symbol's size.

    gcc (ld) links it to 42; pyjitlink must agree, or refuse with a clear error, but not
    link it silently with size 0.
    """
    user = llvm_mc(tmp_path, "size_user", """
        .text
        .globl main
        main:
        movl slot(%rip), %eax
        ret
        .data
        slot: .long arr@SIZE
        .section .note.GNU-stack,"",@progbits
    """)
    owner = llvm_mc(tmp_path, "size_owner", """
        .data
        .globl arr
        .type arr,@object
        arr: .zero 42
        .size arr, 42
        .section .note.GNU-stack,"",@progbits
    """)
    exe = tmp_path / "size_exe"
    subprocess.run([GCC, "-o", str(exe), str(user), str(owner)], check=True,
                   capture_output=True)
    expected = subprocess.run([str(exe)], capture_output=True).returncode
    assert expected == 42
    proc = pyjitlink(user, owner)
    if proc.returncode != expected:
        assert_error(proc, "SIZE32")
