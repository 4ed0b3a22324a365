"""formats.load: every input is read once and looked at once, whatever steps take it.

The oracle is the operating system's count of opens of each input file (os.open, which
formats.inputs.read_input uses) and a count of the magic-sniffing and header-reading calls
per input's bytes, during a whole link of several objects and an archive through the tool's
own set-up (tool/driver.py), eagerly, with -lazy, and for a Mach-O universal file.
"""

from __future__ import annotations

import collections
import dataclasses
import os
import shutil
import subprocess
from pathlib import Path

import pytest

import pyjitlink.formats as formats
from pyjitlink.errors import MalformedObject, UnsupportedObject
from pyjitlink.formats import FileKind, ObjectFile, load, load_bytes
from pyjitlink.formats.inputs import InputCache
from pyjitlink.formats.object import sniff
from pyjitlink.jitlink.target import Arch, ObjectFormat
from pyjitlink.tool.driver import Options, build_session, first_input, run

CALC = Path(__file__).resolve().parents[2] / "testdata" / "calc"
ARCHIVED = ("lexer.o", "parser.o", "eval.o")  # go into libcalc.a; the rest stay objects


class Counts:
    """Opens per path (os.open), sniffs and header reads per bytes object."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, root: Path) -> None:
        self.opens: collections.Counter[str] = collections.Counter()
        self.sniffs: collections.Counter[int] = collections.Counter()
        self.headers: collections.Counter[int] = collections.Counter()
        self.keep: list[bytes] = []  # ids stay unique while the bytes live
        real_open = os.open

        def counting_open(path, *args, **kwargs):  # type: ignore[no-untyped-def]
            name = os.fsdecode(path)
            if name.startswith(str(root)):
                self.opens[name] += 1
            return real_open(path, *args, **kwargs)

        def counting_sniff(data: bytes) -> FileKind:
            self.sniffs[id(data)] += 1
            self.keep.append(data)
            return sniff(data)

        monkeypatch.setattr(os, "open", counting_open)
        monkeypatch.setattr(formats, "sniff", counting_sniff)
        for fmt, info in list(formats.FORMATS.items()):
            def read_machine(data: bytes, name: str, _read=info.read_machine) -> int:
                self.headers[id(data)] += 1
                self.keep.append(data)
                return _read(data, name)
            monkeypatch.setitem(formats.FORMATS, fmt,
                                dataclasses.replace(info, read_machine=read_machine))

    def assert_once(self, paths: list[Path]) -> None:
        assert self.opens == {str(p): 1 for p in paths}
        assert self.sniffs and max(self.sniffs.values()) == 1, self.sniffs
        assert self.headers and max(self.headers.values()) == 1, self.headers


@pytest.fixture
def calc_inputs(tmp_path: Path) -> tuple[list[Path], Path]:
    """calc's objects, three of them in an archive (ar, with its symbol index)."""
    objects = []
    for obj in sorted((CALC / "O2-pie").glob("*.o")):
        shutil.copy(obj, tmp_path / obj.name)
        if obj.name not in ARCHIVED:
            objects.append(tmp_path / obj.name)
    archive = tmp_path / "libcalc.a"
    subprocess.run(["ar", "rcs", str(archive), *(str(tmp_path / n) for n in ARCHIVED)],
                   check=True)
    return objects, archive


def test_link_reads_each_input_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                    calc_inputs: tuple[list[Path], Path]) -> None:
    objects, archive = calc_inputs
    counts = Counts(monkeypatch, tmp_path)
    events = [("input", str(p)) for p in [*objects, archive]]
    assert run(events, [], Options(noexec=True)) == 0  # main and every member it needs
    counts.assert_once([*objects, archive])
    # The archive's members that main needs were linked, each sniffed and read once.
    assert len(counts.headers) == len(objects) + len(ARCHIVED)


def test_lazy_link_reads_each_input_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                         calc_inputs: tuple[list[Path], Path]) -> None:
    objects, archive = calc_inputs
    counts = Counts(monkeypatch, tmp_path)
    events: list[tuple[str, str]] = []
    for path in [*objects, archive]:
        events += [("lazy", ""), ("input", str(path))]
    session = build_session(events, Options())
    try:
        session.lookup("main")
        # Link a lazy body too: its graph comes from the bytes read at set-up.
        session.lookup("do_printf$body")
    finally:
        session.close()
    counts.assert_once([*objects, archive])


def test_object_file_computes_once() -> None:
    data = (CALC / "O2-pie" / "main.o").read_bytes()
    obj = load_bytes(data, "main.o")
    assert obj.kind is FileKind.ELF and obj.object_format is ObjectFormat.ELF
    assert obj.arch is Arch.X86_64 and obj.target is obj.target
    assert obj.interface is obj.interface and "main" in obj.interface.symbols
    assert obj.thin() is obj
    assert obj.build_graph().arch is Arch.X86_64


def test_load_through_a_cache_gives_one_object(tmp_path: Path) -> None:
    path = tmp_path / "main.o"
    shutil.copy(CALC / "O2-pie" / "main.o", path)
    inputs = InputCache()
    obj = load(str(path), inputs)
    assert load(str(path), inputs) is obj
    assert first_input([("input", str(path))], inputs) == (ObjectFormat.ELF, Arch.X86_64)
    assert load(str(path), inputs) is obj


def test_kinds_and_their_errors(tmp_path: Path, calc_inputs: tuple[list[Path], Path]) -> None:
    _, archive = calc_inputs
    lib = load(str(archive))
    assert lib.kind is FileKind.ARCHIVE and lib.object_format is None
    assert [m.name for m in lib.members] == [f"{archive}({n})" for n in ARCHIVED]
    assert all(m.kind is FileKind.ELF for m in lib.members)
    with pytest.raises(MalformedObject, match="an archive is not an object file"):
        _ = lib.arch
    junk = load_bytes(b"hello, world", "junk")
    assert junk.kind is FileKind.UNKNOWN
    with pytest.raises(MalformedObject, match="not recognized as a valid object file"):
        junk.build_graph()
    bad = bytearray((CALC / "O2-pie" / "main.o").read_bytes())
    bad[18:20] = (3).to_bytes(2, "little")  # EM_386
    with pytest.raises(UnsupportedObject, match="unsupported ELF machine type 3"):
        _ = ObjectFile(bytes(bad), "i386.o").target


def test_universal_slices_are_read_once() -> None:
    """A universal file of both architectures (as lipo writes it): each slice is cut once,
    and picked by architecture."""
    x86 = (CALC / "macho-O2" / "main.o").read_bytes()
    arm = (CALC / "macho-a64-O2" / "main.o").read_bytes()
    fat = _universal([(0x01000007, x86), (0x0100000C, arm)])
    obj = load_bytes(fat, "fat.o")
    assert obj.kind is FileKind.UNIVERSAL and obj.object_format is ObjectFormat.MACHO
    arm_slice = obj.thin(Arch.AARCH64)
    assert arm_slice.data == arm and obj.thin("aarch64") is arm_slice
    assert obj.thin(Arch.X86_64).data == x86 and obj.thin(Arch.X86_64).arch is Arch.X86_64
    assert arm_slice.arch is Arch.AARCH64


def _universal(slices: list[tuple[int, bytes]]) -> bytes:
    """A fat_header and fat_arch entries (<mach-o/fat.h>, big-endian), 16 KiB-aligned."""
    import struct

    out = bytearray(struct.pack(">II", 0xCAFEBABE, len(slices)))
    offset = 0x4000
    body = bytearray()
    for cputype, data in slices:
        out += struct.pack(">iiIII", cputype, 3 if cputype == 0x01000007 else 0,
                           offset + len(body), len(data), 14)
        body += data + bytes(-len(data) % 0x4000)
    return bytes(out + bytes(offset - len(out)) + body)
