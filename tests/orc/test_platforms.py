"""ELFNixPlatform and MachOPlatform: mangling, initializer sections, default entry."""

from __future__ import annotations

from pyjitlink.jitlink.graph import LinkGraph
from pyjitlink.orc.platforms import (
    ELFNixPlatform,
    InitFiniSection,
    MachOPlatform,
    platform_for_format,
    platform_for_graph,
)


def test_each_format_has_its_platform() -> None:
    assert isinstance(platform_for_format("elf"), ELFNixPlatform)
    assert isinstance(platform_for_format("macho"), MachOPlatform)
    graph = LinkGraph("a.o", "aarch64", object_format="macho")
    assert platform_for_graph(graph) is platform_for_format("macho")


def test_mangling() -> None:
    elf, macho = ELFNixPlatform(), MachOPlatform()
    assert (elf.mangle("printf"), elf.demangle("printf")) == ("printf", "printf")
    assert (macho.mangle("printf"), macho.demangle("_printf")) == ("_printf", "printf")
    # A Mach-O name without the underscore names no C symbol.
    assert macho.demangle("printf") is None
    assert (elf.default_entry, macho.default_entry) == ("main", "_main")


def test_elf_initializer_priorities_follow_ld() -> None:
    """ld's SORT_BY_INIT_PRIORITY: .init_array.N has priority N; .ctors.N 65535 - N and its
    entries run last-to-first; plain sections last (65535)."""
    elf = ELFNixPlatform()
    assert elf.init_fini_section(".init_array.00101") == InitFiniSection("init", 101, False)
    assert elf.init_fini_section(".ctors.00101") == InitFiniSection("init", 65434, True)
    assert elf.init_fini_section(".init_array") == InitFiniSection("init", 65535, False)
    assert elf.init_fini_section(".preinit_array") == InitFiniSection("preinit", 65535, False)
    assert elf.init_fini_section(".dtors") == InitFiniSection("fini", 65535, True)
    assert elf.init_fini_section(".init_array.x") is None
    assert elf.init_fini_section("__DATA,__mod_init_func") is None
    assert elf.has_initializers([".text", ".fini_array"])
    assert not elf.has_initializers([".text", ".data"])


def test_macho_initializers_are_mod_init_func() -> None:
    macho = MachOPlatform()
    assert macho.init_fini_section("__DATA,__mod_init_func") == ("init", 65535, False)
    assert macho.init_fini_section("__DATA_CONST,__mod_term_func") == ("fini", 65535, False)
    assert macho.init_fini_section(".init_array") is None
