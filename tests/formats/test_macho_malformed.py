"""Bad Mach-O input gets a PyJITLinkError naming the file, never another exception: every
truncation of a real object, corrupted header fields, frame records and universal headers,
and section types pyjitlink does not link."""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path

import pytest

from pyjitlink.errors import MalformedObject, PyJITLinkError, UnsupportedObject
from pyjitlink.formats import build_link_graph, thin_object

from macho_testutil import ARM64_TRIPLE, LLVM_MC, X86_64_TRIPLE, assemble

pytestmark = pytest.mark.skipif(LLVM_MC is None, reason="llvm-mc is not on PATH")

SMALL = """
    .section __TEXT,__text,regular,pure_instructions
    .globl _main
_main:
    .cfi_startproc
    {call}
    .cfi_endproc
    .section __TEXT,__cstring,cstring_literals
Lmsg:
    .asciz "hi"
    .section __DATA,__data
    .globl _g
_g:
    .quad Lmsg
    .comm _c, 8, 3
    .subsections_via_symbols
"""
CALLS = {X86_64_TRIPLE: "callq _puts", ARM64_TRIPLE: "bl _puts"}


def small_object(tmp_path: Path, triple: str) -> bytes:
    return assemble(tmp_path, SMALL.format(call=CALLS[triple]), triple)


def sections(data: bytes) -> dict[str, int]:
    """Section name -> file offset of its section_64 header (after LC_SEGMENT_64)."""
    ncmds = struct.unpack_from("<I", data, 16)[0]
    offset, out = 32, {}
    for _ in range(ncmds):
        cmd, size = struct.unpack_from("<II", data, offset)
        if cmd == 0x19:  # LC_SEGMENT_64
            nsects = struct.unpack_from("<I", data, offset + 64)[0]
            for i in range(nsects):
                header = offset + 72 + 80 * i
                name = data[header:header + 16].rstrip(b"\0").decode()
                out[name] = header
        offset += size
    return out


@pytest.mark.parametrize("triple", [X86_64_TRIPLE, ARM64_TRIPLE])
def test_every_truncation_is_a_clean_error(tmp_path: Path, triple: str) -> None:
    data = small_object(tmp_path, triple)
    build_link_graph(data, "x.o")  # the whole object is fine
    for length in range(len(data)):
        try:
            build_link_graph(data[:length], "x.o")
        except PyJITLinkError as err:
            assert err.file == "x.o", (length, err)
        # (Cutting only the string table's padding may leave a valid object.)


def test_huge_section_alignment(tmp_path: Path) -> None:
    data = bytearray(small_object(tmp_path, X86_64_TRIPLE))
    header = sections(bytes(data))["__data"]
    struct.pack_into("<I", data, header + 52, 0xFFFFFFFF)  # section_64.align
    with pytest.raises(MalformedObject, match="alignment 2\\^4294967295 is too large"):
        build_link_graph(bytes(data), "x.o")


def test_section_data_past_the_end(tmp_path: Path) -> None:
    data = bytearray(small_object(tmp_path, X86_64_TRIPLE))
    header = sections(bytes(data))["__data"]
    struct.pack_into("<I", data, header + 48, len(data) + 64)  # section_64.offset
    with pytest.raises(MalformedObject):
        build_link_graph(bytes(data), "x.o")


def test_eh_frame_extended_length_past_the_section(tmp_path: Path) -> None:
    data = bytearray(assemble(tmp_path, """
    .text
    .globl _main
_main:
    retq
    .section __TEXT,__eh_frame,coalesced,no_toc+strip_static_syms+live_support
    .long 0xffffffff
    .long 0
"""))
    with pytest.raises(MalformedObject, match="truncated __TEXT,__eh_frame record"):
        from pyjitlink.jitlink.eh_frame import MACHO_EH_FRAME, split_eh_frame
        split_eh_frame(build_link_graph(bytes(data), "x.o"), section_name=MACHO_EH_FRAME)


def test_indirect_symbol_sections_are_refused(tmp_path: Path) -> None:
    data = assemble(tmp_path, """
    .text
    .globl _main
_main:
    movq Lptr(%rip), %rax
    retq
    .section __DATA,__nl_symbol_ptr,non_lazy_symbol_pointers
Lptr:
    .indirect_symbol _val
    .quad 0
""")
    with pytest.raises(UnsupportedObject, match="S_NON_LAZY_SYMBOL_POINTERS"):
        build_link_graph(data, "x.o")


def test_wrong_magic_and_universal_slices(tmp_path: Path) -> None:
    data = small_object(tmp_path, X86_64_TRIPLE)
    bits32 = b"\xce\xfa\xed\xfe" + data[4:]
    with pytest.raises(UnsupportedObject, match="this is a 32-bit Mach-O object"):
        build_link_graph(bits32, "x.o")
    # A universal file whose x86-64 slice is really an ELF object, or the header itself.
    elf = b"\x7fELF" + bytes(60)
    fat = struct.pack(">IIiiIII", 0xCAFEBABE, 1, 0x01000007, 3, 64, len(elf), 0)
    fat += bytes(64 - len(fat)) + elf
    with pytest.raises(MalformedObject, match="x86_64 slice is not a Mach-O object"):
        thin_object(fat, "fat.o", "x86_64")
    loop = struct.pack(">IIiiIII", 0xCAFEBABE, 1, 0x01000007, 3, 0, 28, 0)
    with pytest.raises(MalformedObject, match="x86_64 slice is not a Mach-O object"):
        thin_object(loop, "fat.o", "x86_64")
    huge = struct.pack(">IIiiIII", 0xCAFEBABE, 1, 0x01000007, 3, 64, 1 << 31, 0)
    with pytest.raises(MalformedObject, match="extends past the end"):
        thin_object(huge + bytes(64), "fat.o", "x86_64")


def test_non_utf8_symbol_name_is_a_clean_error(tmp_path: Path) -> None:
    data = bytearray(assemble(tmp_path, """
    .text
    .globl _main
_main:
    jmp _cafX
"""))
    at = data.rfind(b"_cafX")
    data[at + 4] = 0xE9  # "_caf\xe9": not UTF-8
    obj = tmp_path / "bad.o"
    obj.write_bytes(bytes(data))
    result = subprocess.run([sys.executable, "-m", "pyjitlink", "-noexec", str(obj)],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 1
    assert result.stderr.startswith(f"pyjitlink: error: {obj}: Symbols not found: [ _caf")
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr



def symtab(data: bytes) -> tuple[int, int, int]:
    """(symoff, nsyms, stroff) of LC_SYMTAB."""
    ncmds = struct.unpack_from("<I", data, 16)[0]
    offset = 32
    for _ in range(ncmds):
        cmd, size = struct.unpack_from("<II", data, offset)
        if cmd == 0x2:  # LC_SYMTAB: cmd, cmdsize, symoff, nsyms, stroff, strsize
            return struct.unpack_from("<III", data, offset + 8)
        offset += size
    raise AssertionError("no LC_SYMTAB")


@pytest.mark.parametrize("triple", [X86_64_TRIPLE, ARM64_TRIPLE])
@pytest.mark.parametrize("name,kind", [("_puts", "external"), ("_c", "common"),
                                       ("_g", "external")])
def test_nameless_external_symbol_is_an_error(tmp_path: Path, triple: str, name: str,
                                              kind: str) -> None:
    # An N_EXT symbol (undefined, common, defined) whose n_strx points at an empty string:
    # nothing can bind to it, so the object is malformed (LLVM's "Anonymous ... symbol").
    data = bytearray(small_object(tmp_path, triple))
    build_link_graph(bytes(data), "x.o")  # fine as the assembler wrote it
    symoff, nsyms, stroff = symtab(bytes(data))
    empty = data.index(b"\0", stroff) - stroff  # the string table's first empty string
    for index in range(nsyms):
        entry = symoff + 16 * index
        n_strx = struct.unpack_from("<I", data, entry)[0]
        if data[stroff + n_strx:].split(b"\0", 1)[0] == name.encode():
            struct.pack_into("<I", data, entry, empty)
            break
    else:
        raise AssertionError(f"{name} not in the symbol table")
    with pytest.raises(MalformedObject, match=f"Anonymous {kind} symbol at index {index}"):
        build_link_graph(bytes(data), "x.o")
