"""Object bytes -> LinkGraph: sniff the format, dispatch on (format, machine).

Registries are explicit dicts of imported functions (STYLE.md, 7).
"""

from __future__ import annotations

import os
from collections.abc import Callable

from pyjitlink.errors import MalformedObject, UnsupportedObject
from pyjitlink.formats.archive import AR_MAGIC, THIN_MAGIC
from pyjitlink.formats.elf import (
    EM_AARCH64,
    EM_X86_64,
    ELFLinkGraphBuilder,
    ObjectInterface,
    read_elf_machine,
)
from pyjitlink.formats.elf_aarch64 import build_elf_aarch64, link_elf_aarch64
from pyjitlink.formats.elf_debug import OBJECT_BYTES
from pyjitlink.formats.elf_x86_64 import build_elf_x86_64, link_elf_x86_64
from pyjitlink.formats.macho import (
    CPU_TYPE_ARM64,
    CPU_TYPE_X86_64,
    UNIVERSAL_MAGICS,
    MachOLinkGraphBuilder,
    read_macho_cputype,
    universal_slice,
    universal_slices,
)
from pyjitlink.formats.macho_aarch64 import build_macho_arm64, link_macho_arm64
from pyjitlink.formats.macho_x86_64 import build_macho_x86_64, link_macho_x86_64
from pyjitlink.jitlink.graph import LinkGraph
from pyjitlink.jitlink.linker import JITLinkContext

ELF_MAGIC = b"\x7fELF"

BUILDERS: dict[tuple[str, int], Callable[[bytes, str], LinkGraph]] = {
    ("elf", EM_X86_64): build_elf_x86_64,
    ("elf", EM_AARCH64): build_elf_aarch64,
    ("macho", CPU_TYPE_X86_64): build_macho_x86_64,
    ("macho", CPU_TYPE_ARM64): build_macho_arm64,
}
LINKERS: dict[tuple[str, str], Callable[[LinkGraph, JITLinkContext], None]] = {
    ("elf", "x86_64"): link_elf_x86_64,
    ("elf", "aarch64"): link_elf_aarch64,
    ("macho", "x86_64"): link_macho_x86_64,
    ("macho", "aarch64"): link_macho_arm64,
}
ELF_MACHINES = {EM_X86_64: "x86_64", EM_AARCH64: "aarch64"}
MACHO_CPU_TYPES = {CPU_TYPE_X86_64: "x86_64", CPU_TYPE_ARM64: "aarch64"}
MACHO_ARCH_LABELS = {CPU_TYPE_X86_64: "x86-64", CPU_TYPE_ARM64: "arm64"}


def identify(data: bytes) -> str:
    """'elf', 'archive', 'macho' or 'unknown', from the file's magic bytes."""
    if data.startswith(ELF_MAGIC):
        return "elf"
    if data.startswith((AR_MAGIC, THIN_MAGIC)):
        return "archive"
    if data[:4] in (b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe") or data.startswith(
            UNIVERSAL_MAGICS):
        return "macho"
    return "unknown"


def host_arch() -> str:
    """This machine's architecture in our spelling ('x86_64', 'aarch64', ...)."""
    machine = os.uname().machine
    return {"AMD64": "x86_64", "arm64": "aarch64"}.get(machine, machine)


def _pick_slice(data: bytes, name: str, arch: str | None) -> tuple[int, int, int]:
    """The universal slice for ``arch``; without one, the host's architecture if the file
    has it, else the first slice pyjitlink supports (llvm-jitlink picks the slice for its
    target triple, which defaults to the host's)."""
    slices = universal_slices(data, name)
    supported = [s for s in slices if s[0] in MACHO_CPU_TYPES]
    wanted = arch or host_arch()
    for s in supported:
        if MACHO_CPU_TYPES[s[0]] == wanted:
            return s
    names = ", ".join(MACHO_CPU_TYPES.get(s[0], f"CPU type {s[0]:#x}") for s in slices)
    if arch is None and supported:
        return supported[0]
    wanted_text = f"slice for {wanted}" if arch is not None else "supported slice"
    raise UnsupportedObject(f"universal file has no {wanted_text} (it has: "
                            f"{names or 'none'})", name)


def thin_object(data: bytes, name: str, arch: str | None = None) -> bytes:
    """``data`` itself, or for a universal (fat) Mach-O file the slice for ``arch`` (see
    _pick_slice); raises UnsupportedObject when there is none."""
    if not data.startswith(UNIVERSAL_MAGICS):
        return data
    cputype, offset, size = _pick_slice(data, name, arch)
    thin = universal_slice(data, name, offset, size)
    if identify(thin) != "macho" or thin.startswith(UNIVERSAL_MAGICS) or \
            read_macho_cputype(thin, name) != cputype:
        raise MalformedObject(f"the universal file's {MACHO_CPU_TYPES[cputype]} slice is not "
                              f"a Mach-O object of that architecture", name)
    return thin


def thin_archive(data: bytes, name: str, arch: str | None = None) -> bytes | None:
    """For a universal (fat) file whose slices are static archives (``lipo -create`` of
    ``.a`` files, as LLVM's MachO_universal tests use): the archive slice for ``arch`` (see
    _pick_slice); None when ``data`` is no universal file or its slice is no archive."""
    if not data.startswith(UNIVERSAL_MAGICS):
        return None
    _, offset, size = _pick_slice(data, name, arch)
    thin = universal_slice(data, name, offset, size)
    return thin if identify(thin) == "archive" else None


def object_arch(data: bytes, name: str) -> str:
    """The architecture ('x86_64', 'aarch64') of a relocatable object; errors if unsupported.

    For a universal file, that of the slice thin_object would pick (its header suffices)."""
    if data.startswith(UNIVERSAL_MAGICS):
        return MACHO_CPU_TYPES[_pick_slice(data, name, None)[0]]
    kind = identify(data)
    if kind == "elf":
        machine = read_elf_machine(data, name)
        arch = ELF_MACHINES.get(machine)
        if arch is None:
            raise UnsupportedObject(f"unsupported ELF machine type {machine}", name)
        return arch
    if kind == "macho":
        cputype = read_macho_cputype(data, name)
        arch = MACHO_CPU_TYPES.get(cputype)
        if arch is None:
            raise UnsupportedObject(f"unsupported Mach-O CPU type {cputype:#x}", name)
        return arch
    if kind == "archive":
        raise MalformedObject("an archive is not an object file", name)
    raise MalformedObject("The file was not recognized as a valid object file", name)


def build_link_graph(data: bytes, name: str) -> LinkGraph:
    """Parse a relocatable object into a LinkGraph, or raise a PyJITLinkError naming ``name``.
    A universal file contributes its slice for the host (see thin_object)."""
    data = thin_object(data, name)
    kind = identify(data)
    if kind == "macho":
        object_arch(data, name)  # raises for an unsupported CPU type
        return BUILDERS[("macho", read_macho_cputype(data, name))](data, name)
    if kind != "elf":
        object_arch(data, name)  # raises the right error
    machine = read_elf_machine(data, name)
    builder = BUILDERS.get(("elf", machine))
    if builder is None:
        raise UnsupportedObject(f"unsupported ELF machine type {machine}", name)
    graph = builder(data, name)
    graph.target_data[OBJECT_BYTES] = data  # for debug objects (orc.plugins.debugger)
    return graph


def scan_object_interface(data: bytes, name: str) -> ObjectInterface:
    """The symbols an object defines (and whether it has initializers), without building its
    LinkGraph; raises like build_link_graph for a bad file."""
    data = thin_object(data, name)
    kind = identify(data)
    if kind == "macho":
        arch = object_arch(data, name)
        cputype = read_macho_cputype(data, name)
        macho_graph = LinkGraph(name, arch, object_format="macho")
        return MachOLinkGraphBuilder(data, name, macho_graph, _no_relocations, str,
                                     MACHO_ARCH_LABELS[cputype]).scan_interface()
    if kind != "elf":
        object_arch(data, name)  # raises the right error
    machine = read_elf_machine(data, name)
    if ("elf", machine) not in BUILDERS:
        raise UnsupportedObject(f"unsupported ELF machine type {machine}", name)
    graph = LinkGraph(name, ELF_MACHINES.get(machine, "unknown"))
    return ELFLinkGraphBuilder(data, name, graph, _no_relocations, str).scan_interface()


def _no_relocations(*args: object) -> None:  # pragma: no cover - never called by a scan
    raise AssertionError("an interface scan reads no relocations")


def link_graph(graph: LinkGraph, ctx: JITLinkContext) -> None:
    """Link ``graph`` with its format x architecture pipeline; the outcome reaches ``ctx``."""
    linker = LINKERS.get((graph.object_format, graph.arch))
    if linker is None:
        ctx.notify_failed(UnsupportedObject(f"no linker for {graph.object_format} "
                                            f"{graph.arch}", graph.name))
        return
    linker(graph, ctx)
