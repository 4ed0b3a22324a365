"""Object bytes -> LinkGraph: sniff the format, dispatch on (format, machine).

Registries are explicit dicts of imported functions (STYLE.md, 7).
"""

from __future__ import annotations

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
from pyjitlink.formats.elf_x86_64 import build_elf_x86_64, link_elf_x86_64
from pyjitlink.formats.macho import (
    CPU_TYPE_ARM64,
    CPU_TYPE_X86_64,
    MachOLinkGraphBuilder,
    read_macho_cputype,
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
    if data[:4] in (b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xca\xfe\xba\xbe"):
        return "macho"
    return "unknown"


def object_arch(data: bytes, name: str) -> str:
    """The architecture ('x86_64', 'aarch64') of a relocatable object; errors if unsupported."""
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
    """Parse a relocatable object into a LinkGraph, or raise a PyJITLinkError naming ``name``."""
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
    return builder(data, name)


def scan_object_interface(data: bytes, name: str) -> ObjectInterface:
    """The symbols an object defines (and whether it has initializers), without building its
    LinkGraph; raises like build_link_graph for a bad file."""
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
