"""The registries that replace string dispatch agree with each other: every architecture
and object format has its descriptors, and the tool's -triple parsing is derived from them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pyjitlink.arch import ARCHITECTURES, aarch64, architecture, x86_64
from pyjitlink.formats import FORMATS, LINKERS, TARGETS
from pyjitlink.jitlink.graph import LinkGraph
from pyjitlink.jitlink.target import Arch, ObjectFormat
from pyjitlink.jitlink.unwind import ARCH_REGISTERS
from pyjitlink.orc.platforms import PLATFORMS, platform_for_format, platform_for_graph
from pyjitlink.tool.driver import parse_triple


def test_every_architecture_and_format_is_described() -> None:
    assert set(ARCHITECTURES) == set(Arch) == set(ARCH_REGISTERS)
    assert set(FORMATS) == set(ObjectFormat) == set(PLATFORMS)
    assert {(t.object_format, t.arch) for t in TARGETS.values()} == {
        (f, a) for f in ObjectFormat for a in Arch}
    for (fmt, machine), target in TARGETS.items():
        assert (target.object_format, target.machine) == (fmt, machine)
        assert LINKERS[(fmt, target.arch)] is target.link
    for platform in PLATFORMS.values():
        assert PLATFORMS[platform.object_format] is platform


def test_spellings_convert_to_members() -> None:
    graph = LinkGraph("x.o", "aarch64", object_format="macho")
    assert graph.arch is Arch.AARCH64 and graph.object_format is ObjectFormat.MACHO
    assert platform_for_graph(graph) is platform_for_format("macho")
    assert architecture("x86_64") is ARCHITECTURES[Arch.X86_64]
    with pytest.raises(KeyError):
        architecture("riscv64")
    with pytest.raises(KeyError):
        platform_for_format("coff")
    with pytest.raises(ValueError):
        LinkGraph("x.o", "riscv64")


@pytest.mark.parametrize("triple, expected", [
    ("x86_64-unknown-linux-gnu", (Arch.X86_64, ObjectFormat.ELF)),
    ("amd64-pc-linux", (Arch.X86_64, ObjectFormat.ELF)),
    ("aarch64-linux-gnu", (Arch.AARCH64, ObjectFormat.ELF)),
    ("arm64-apple-darwin", (Arch.AARCH64, ObjectFormat.MACHO)),
    ("x86_64h-apple-macosx14", (Arch.X86_64, ObjectFormat.MACHO)),
    ("aarch64-unknown-ios17", (Arch.AARCH64, ObjectFormat.MACHO)),
])
def test_triples_choose_architecture_and_platform(triple: str,
                                                  expected: tuple[Arch, ObjectFormat]) -> None:
    assert parse_triple(triple) == expected


def test_descriptors_give_the_architecture_modules_own_functions() -> None:
    for info, module in ((ARCHITECTURES[Arch.X86_64], x86_64),
                         (ARCHITECTURES[Arch.AARCH64], aarch64)):
        assert info.module() is module
        assert info.apply_fixup is module.apply_fixup
        assert info.edge_kind_name is module.edge_kind_name
    assert ARCHITECTURES[Arch.X86_64].tls_module_kind == x86_64.EdgeKind.DTPMod64
    assert ARCHITECTURES[Arch.X86_64].tls_offset_kind == x86_64.EdgeKind.DTPOff64
    assert ARCHITECTURES[Arch.AARCH64].tls_module_kind == aarch64.EdgeKind.DTPMod64
    assert ARCHITECTURES[Arch.AARCH64].tls_offset_kind == aarch64.EdgeKind.DTPRel64


# What the registries import only when an input needs it.
_OTHER_TARGETS = ("pyjitlink.arch.aarch64", "pyjitlink.formats.elf_aarch64",
                  "pyjitlink.formats.macho", "pyjitlink.formats.macho_x86_64",
                  "pyjitlink.formats.macho_aarch64")


def test_an_x86_64_elf_link_imports_no_other_target() -> None:
    """``pyjitlink -noexec`` of x86-64 ELF objects, in a fresh interpreter: it links, and
    neither AArch64 nor Mach-O code was imported for it."""
    root = Path(__file__).resolve().parents[2]
    objects = sorted(str(p) for p in (root / "testdata" / "calc" / "O2-pie").glob("*.o"))
    code = ("import atexit, sys\n"
            "atexit.register(lambda: print(' '.join(sys.modules)))\n"
            "import pyjitlink.tool.entry\n"
            "from pyjitlink.tool.cli import main\n"
            f"main(['-noexec', *{objects!r}])\n")  # with argv: returns through sys.exit
    env = dict(os.environ, PYTHONPATH=str(root))
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         timeout=120)
    assert res.returncode == 0, res.stderr
    modules = set(res.stdout.split())
    assert {"pyjitlink.arch.x86_64", "pyjitlink.formats.elf_x86_64"} <= modules
    assert not modules & set(_OTHER_TARGETS)
