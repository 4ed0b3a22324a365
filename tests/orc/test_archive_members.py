"""Archive members read one at a time: ``ArchiveMember.data_offset`` says where a member's
bytes lie in the archive file (GNU and BSD names); a cached index is packed
(PackedSymbolIndex, PackedSpans) and answers as the archive's own; and a deferred
StaticLibraryDefinitionGenerator given those spans reads only the member a lookup needs,
as an ObjectFile with the same name and bytes as ``members`` gives, reading the whole
archive only when that read fails. An emulated run of a program that needs libc.a members
beyond the prelinked runtime image parses no runtime archive whole.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

import pyjitlink.formats.archive as archive_module
from fuzz.mutators import make_archive
from pyjitlink.formats import load
from pyjitlink.formats.archive import Archive
from pyjitlink.orc.generators import (
    PackedSpans,
    PackedSymbolIndex,
    StaticLibraryDefinitionGenerator,
)
from pyjitlink.orc.jitdylib import JITDylib
from pyjitlink.orc.session import ExecutionSession
from pyjitlink.orc.symbols import JITDylibLookupFlags

MEMBERS = [("a.o", b"first member\n"), ("odd.o", b"odd"),
           ("a-member-with-a-long-name.o", b"long-named member bytes"), ("z.o", b"")]


@pytest.mark.parametrize("style", ["gnu", "bsd"])
def test_data_offset_locates_each_member(style: str) -> None:
    data = make_archive(MEMBERS, style, index={"f": 0, "g": 2} if style == "gnu" else None)
    members = Archive(data, "lib.a").members
    assert [(m.name, m.data) for m in members] == MEMBERS
    for member in members:
        start = member.data_offset
        assert start > member.offset  # after the member's 60-byte header (and a BSD name)
        assert data[start:start + len(member.data)] == member.data


def _archive(tmp_path: Path) -> tuple[Path, StaticLibraryDefinitionGenerator]:
    path = tmp_path / "lib.a"
    path.write_bytes(make_archive(MEMBERS, "gnu", index={"f": 0, "g": 2, "h": 3}))
    return path, StaticLibraryDefinitionGenerator(load(str(path)), lambda jd, member: None)


def _generate(generator: StaticLibraryDefinitionGenerator, names: list[str]
              ) -> list[tuple[str, bytes]]:
    added: list[tuple[str, bytes]] = []
    generator.add_object = lambda jd, member: added.append((member.name, member.data))
    jd = JITDylib(ExecutionSession(), "main")
    generator.try_to_generate(jd, JITDylibLookupFlags.MATCH_ALL_SYMBOLS, names)
    return added


@pytest.mark.parametrize("packed", [False, True])
def test_deferred_generator_reads_only_the_needed_member(tmp_path: Path, packed: bool) -> None:
    path, whole = _archive(tmp_path)
    spans = whole.spans()
    assert spans == [(m.name, m.data_offset, len(m.data)) for m in whole.archive.members]
    loads: list[str] = []

    def load_whole() -> object:
        loads.append(str(path))
        return load(str(path))

    index = dict(whole.index)
    deferred = StaticLibraryDefinitionGenerator.deferred(
        str(path), PackedSymbolIndex(index) if packed else index,
        load_whole,  # type: ignore[arg-type]
        lambda jd, member: None, PackedSpans(spans) if packed else spans)
    expected = {m.name: m.data for m in whole.members}
    assert _generate(deferred, ["g", "unknown"]) == [
        (f"{path}(a-member-with-a-long-name.o)", MEMBERS[2][1])]
    assert expected[f"{path}(a-member-with-a-long-name.o)"] == MEMBERS[2][1]
    assert _generate(deferred, ["h", "g"]) == [(f"{path}(z.o)", b"")]  # g: added before
    assert loads == []  # the archive was never read whole


def test_deferred_generator_reads_the_archive_when_a_span_is_stale(tmp_path: Path) -> None:
    path, whole = _archive(tmp_path)
    spans = [(name, offset + os.path.getsize(path), size) for name, offset, size in
             whole.spans()]  # past the end of the file: a short read
    loads: list[str] = []

    def load_whole() -> object:
        loads.append(str(path))
        return load(str(path))

    deferred = StaticLibraryDefinitionGenerator.deferred(
        str(path), dict(whole.index), load_whole,  # type: ignore[arg-type]
        lambda jd, member: None, spans)
    assert _generate(deferred, ["f"]) == [(f"{path}(a.o)", MEMBERS[0][1])]
    assert loads == [str(path)]


def test_emulated_run_parses_no_runtime_archive_whole(
        monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    """textstat needs libc.a's msort.o and libm's log and sqrt, which the runtime image does
    not hold: those members are read alone (the first run in a fresh cache parses the
    archives once to make their indexes; the second parses none)."""
    from pyjitlink.orc.lljit import LLJIT

    root = Path(__file__).resolve().parents[2] / "testdata" / "textstat"
    objects = sorted(str(p) for p in (root / "a64-O2-nopic").glob("*.o"))
    monkeypatch.chdir(root)
    parsed: list[str] = []
    real_init = Archive.__init__

    def counting_init(self: Archive, data: bytes, path: str) -> None:
        parsed.append(path)
        real_init(self, data, path)

    monkeypatch.setattr(archive_module.Archive, "__init__", counting_init)

    def run_once() -> tuple[str, int]:
        with LLJIT(arch="aarch64", libc="target") as session:
            for path in objects:
                session.add_object_file(session.main_jd, path)
            code = session.run_main("main", ["textstat", "src/scan.c"])
            assert session._main_slots  # the runtime image stood for the core
        return capfd.readouterr().out, code

    first = run_once()  # may build the image and the indexes in this test's cache
    parsed.clear()
    expected = (root / "expected" / "source.stdout").read_text()
    assert run_once() == first == (expected, 0)
    assert parsed == []


def test_packed_index_answers_as_the_archive_index() -> None:
    """Every name of glibc's libc.a index (and names it lacks, before, between and after
    them) gets the same answer from the packed index, also after a pickle round trip."""
    libc = load("/usr/aarch64-linux-gnu/lib/libc.a")
    index = libc.archive.symbol_index
    assert len(index) > 3000
    packed = pickle.loads(pickle.dumps(PackedSymbolIndex(index)))
    assert len(packed) == len(index)
    assert all(packed.get(name) == member for name, member in index.items())
    missing = ["", "\0", "a", "printf_", "zzzz", "\uffff", "_IO_\udcff", *(n + "!" for n in index)]
    assert all(packed.get(name) is None and name not in packed
               for name in missing if name not in index)
    assert "printf" in packed and packed.get("printf", -1) == index["printf"]
    spans = [(m.name, m.data_offset, len(m.data)) for m in libc.archive.members]
    packed_spans = pickle.loads(pickle.dumps(PackedSpans(spans)))
    assert len(packed_spans) == len(spans)
    assert [packed_spans[i] for i in range(len(spans))] == spans
