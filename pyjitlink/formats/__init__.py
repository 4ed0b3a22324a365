"""Object bytes -> LinkGraph: an input is read once (``load``, ``load_bytes``) into an
ObjectFile that knows its kind, format, architecture and interface, and every later step
(the tool's input handling, archives, the lazy path, the object layer) takes that object.

Dispatch is by descriptor, never by name: ``FORMATS`` maps an ObjectFormat to how its
headers are read, ``TARGETS`` maps (format, machine number) to the builder and pass pipeline
of one format x architecture. Registries are explicit dicts of imported objects (STYLE.md, 7):
adding an architecture or a format adds entries here and modules beside this one.
"""

from __future__ import annotations

import os

from pyjitlink.arch import ARCHITECTURES
from pyjitlink.errors import MalformedObject, UnsupportedObject
from pyjitlink.formats.archive import Archive
from pyjitlink.formats.elf import EM_AARCH64, EM_X86_64, read_elf_machine, scan_elf_interface
from pyjitlink.formats.elf_debug import OBJECT_BYTES
from pyjitlink.formats.inputs import InputCache, read_input
from pyjitlink.formats.object import (
    CPU_TYPE_ARM64,
    CPU_TYPE_X86_64,
    ELF_MAGIC,
    FileKind,
    ObjectFormatInfo,
    ObjectInterface,
    ObjectTarget,
    sniff,
)
from pyjitlink.jitlink.graph import LinkGraph
from pyjitlink.jitlink.linker import JITLinkContext
from pyjitlink.jitlink.target import Arch, ObjectFormat

# The format x architecture modules (and Mach-O's reader) are imported by the first call of
# these functions, so a link imports only what its inputs need: an x86-64 ELF link neither
# arch/aarch64.py nor formats/macho*.py.


def build_elf_x86_64(data: bytes, name: str) -> LinkGraph:
    from pyjitlink.formats.elf_x86_64 import build_elf_x86_64 as build

    return build(data, name)


def link_elf_x86_64(graph: LinkGraph, ctx: JITLinkContext) -> None:
    from pyjitlink.formats.elf_x86_64 import link_elf_x86_64 as link

    link(graph, ctx)


def build_elf_aarch64(data: bytes, name: str) -> LinkGraph:
    from pyjitlink.formats.elf_aarch64 import build_elf_aarch64 as build

    return build(data, name)


def link_elf_aarch64(graph: LinkGraph, ctx: JITLinkContext) -> None:
    from pyjitlink.formats.elf_aarch64 import link_elf_aarch64 as link

    link(graph, ctx)


def build_macho_x86_64(data: bytes, name: str) -> LinkGraph:
    from pyjitlink.formats.macho_x86_64 import build_macho_x86_64 as build

    return build(data, name)


def link_macho_x86_64(graph: LinkGraph, ctx: JITLinkContext) -> None:
    from pyjitlink.formats.macho_x86_64 import link_macho_x86_64 as link

    link(graph, ctx)


def build_macho_arm64(data: bytes, name: str) -> LinkGraph:
    from pyjitlink.formats.macho_aarch64 import build_macho_arm64 as build

    return build(data, name)


def link_macho_arm64(graph: LinkGraph, ctx: JITLinkContext) -> None:
    from pyjitlink.formats.macho_aarch64 import link_macho_arm64 as link

    link(graph, ctx)


def read_macho_cputype(data: bytes, name: str) -> int:
    from pyjitlink.formats import macho

    return macho.read_macho_cputype(data, name)


def scan_macho_interface(data: bytes, name: str, target: ObjectTarget) -> ObjectInterface:
    from pyjitlink.formats import macho

    return macho.scan_macho_interface(data, name, target)


def universal_slice(data: bytes, name: str, offset: int, size: int) -> bytes:
    from pyjitlink.formats import macho

    return macho.universal_slice(data, name, offset, size)


def universal_slices(data: bytes, name: str) -> list[tuple[int, int, int]]:
    from pyjitlink.formats import macho

    return macho.universal_slices(data, name)


FORMATS: dict[ObjectFormat, ObjectFormatInfo] = {
    ObjectFormat.ELF: ObjectFormatInfo(
        ObjectFormat.ELF, read_elf_machine,
        lambda machine: f"unsupported ELF machine type {machine}", scan_elf_interface,
        keeps_object_bytes=True),
    ObjectFormat.MACHO: ObjectFormatInfo(
        ObjectFormat.MACHO, read_macho_cputype,
        lambda cputype: f"unsupported Mach-O CPU type {cputype:#x}", scan_macho_interface),
}

TARGETS: dict[tuple[ObjectFormat, int], ObjectTarget] = {
    (ObjectFormat.ELF, EM_X86_64): ObjectTarget(
        ObjectFormat.ELF, EM_X86_64, Arch.X86_64, ARCHITECTURES[Arch.X86_64].label,
        build_elf_x86_64, link_elf_x86_64),
    (ObjectFormat.ELF, EM_AARCH64): ObjectTarget(
        ObjectFormat.ELF, EM_AARCH64, Arch.AARCH64, ARCHITECTURES[Arch.AARCH64].label,
        build_elf_aarch64, link_elf_aarch64),
    (ObjectFormat.MACHO, CPU_TYPE_X86_64): ObjectTarget(
        ObjectFormat.MACHO, CPU_TYPE_X86_64, Arch.X86_64, "x86-64", build_macho_x86_64,
        link_macho_x86_64),
    (ObjectFormat.MACHO, CPU_TYPE_ARM64): ObjectTarget(
        ObjectFormat.MACHO, CPU_TYPE_ARM64, Arch.AARCH64, "arm64", build_macho_arm64,
        link_macho_arm64),
}
# (format, architecture) -> its pass pipeline, for a graph (which knows no machine number).
LINKERS = {(t.object_format, t.arch): t.link for t in TARGETS.values()}
# A universal file's slices are Mach-O: cputype -> the target of that slice.
MACHO_TARGETS = {t.machine: t for t in TARGETS.values() if t.object_format is ObjectFormat.MACHO}

_NOT_AN_OBJECT = {
    FileKind.ARCHIVE: "an archive is not an object file",
    FileKind.UNKNOWN: "The file was not recognized as a valid object file",
}


def host_arch() -> str:
    """This machine's architecture in our spelling ('x86_64', 'aarch64', ...)."""
    machine = os.uname().machine
    return {"AMD64": "x86_64", "arm64": "aarch64"}.get(machine, machine)


class ObjectFile:
    """One input as it was read: its name (for messages), its bytes and its kind, and,
    computed on first use and then kept, its target (format x architecture), interface,
    archive members and universal slices.

    ``kind`` is a FileKind from the magic bytes. ``target`` / ``arch`` raise a
    PyJITLinkError naming ``name`` for a file that is no supported relocatable object (an
    archive, unknown bytes, a bad header or machine). A universal file's ``arch`` is that
    of the slice ``thin()`` would pick; ``thin(arch)`` gives that slice as an ObjectFile.
    """

    __slots__ = ("name", "data", "kind", "_target", "_interface", "_archive", "_members",
                 "_fat", "_slices")

    def __init__(self, data: bytes, name: str) -> None:
        self.name = name
        self.data = data
        self.kind = sniff(data)
        self._target: ObjectTarget | None = None
        self._interface: ObjectInterface | None = None
        self._archive: Archive | None = None
        self._members: list[ObjectFile] | None = None
        self._fat: list[tuple[int, int, int]] | None = None  # a universal file's header
        self._slices: dict[int, ObjectFile] = {}

    def __repr__(self) -> str:
        return f"<ObjectFile {self.name} {self.kind} {len(self.data)} bytes>"

    @property
    def object_format(self) -> ObjectFormat | None:
        """The format of the object(s) this file holds (a universal file: Mach-O); None for
        an archive or unknown bytes."""
        return self.kind.object_format

    @property
    def target(self) -> ObjectTarget:
        """The (format, machine) descriptor of this relocatable object; errors otherwise."""
        if self._target is None:
            if self.kind is FileKind.UNIVERSAL:
                self._target = MACHO_TARGETS[self._pick_slice(None)[0]]
                return self._target
            fmt = self.kind.object_format
            if fmt is None:
                raise MalformedObject(_NOT_AN_OBJECT[self.kind], self.name)
            info = FORMATS[fmt]
            machine = info.read_machine(self.data, self.name)
            target = TARGETS.get((fmt, machine))
            if target is None:
                raise UnsupportedObject(info.unsupported_machine(machine), self.name)
            self._target = target
        return self._target

    @property
    def arch(self) -> Arch:
        """The architecture of this relocatable object (see ``target``)."""
        return self.target.arch

    @property
    def interface(self) -> ObjectInterface:
        """The symbols the object defines and whether it has initializers, from its symbol
        table without building its graph; raises like ``build_graph`` for a bad file."""
        if self._interface is None:
            obj = self.thin_object()
            target = obj.target
            self._interface = FORMATS[target.object_format].scan(obj.data, obj.name, target)
        return self._interface

    def build_graph(self) -> LinkGraph:
        """Parse this relocatable object into a LinkGraph, or raise a PyJITLinkError naming
        ``name``. A universal file contributes its slice for the host (see ``thin``)."""
        obj = self.thin_object()
        target = obj.target
        graph = target.build(obj.data, obj.name)
        if FORMATS[target.object_format].keeps_object_bytes:
            graph.target_data[OBJECT_BYTES] = obj.data  # for orc.plugins.debugger
        return graph

    @property
    def archive(self) -> Archive:
        """The static archive this file is; MalformedObject / UnsupportedObject otherwise."""
        if self._archive is None:
            self._archive = Archive(self.data, self.name)
        return self._archive

    @property
    def members(self) -> list[ObjectFile]:
        """The archive's members, each an ObjectFile named ``archive(member)``."""
        if self._members is None:
            archive = self.archive
            self._members = [ObjectFile(m.data, archive.member_path(i))
                             for i, m in enumerate(archive.members)]
        return self._members

    def thin(self, arch: Arch | str | None = None) -> ObjectFile:
        """This file itself, or for a universal (fat) file its slice for ``arch`` (without
        one, the host's architecture if the file has it, else the first slice pyjitlink
        supports; llvm-jitlink picks the slice for its target triple, which defaults to the
        host's). The slice is a Mach-O object of that architecture or a static archive
        (``lipo -create`` of ``.a`` files); UnsupportedObject when there is no such slice,
        MalformedObject when the slice is neither."""
        if self.kind is not FileKind.UNIVERSAL:
            return self
        cputype, offset, size = self._pick_slice(arch)
        found = self._slices.get(cputype)
        if found is None:
            found = ObjectFile(universal_slice(self.data, self.name, offset, size), self.name)
            if found.kind is not FileKind.ARCHIVE and (
                    found.kind is not FileKind.MACHO or
                    FORMATS[ObjectFormat.MACHO].read_machine(found.data, self.name) != cputype):
                raise self._not_an_object_slice(cputype)
            self._slices[cputype] = found
        return found

    def thin_object(self, arch: Arch | str | None = None) -> ObjectFile:
        """``thin(arch)``, which must be an object: MalformedObject for an archive slice."""
        found = self.thin(arch)
        if found.kind is FileKind.ARCHIVE and found is not self:
            raise self._not_an_object_slice(self._pick_slice(arch)[0])
        return found

    def _not_an_object_slice(self, cputype: int) -> MalformedObject:
        return MalformedObject(f"the universal file's {MACHO_TARGETS[cputype].arch} slice is "
                               f"not a Mach-O object of that architecture", self.name)

    def _pick_slice(self, arch: Arch | str | None) -> tuple[int, int, int]:
        """(cputype, offset, size) of the universal slice for ``arch`` (see ``thin``)."""
        if self._fat is None:
            self._fat = universal_slices(self.data, self.name)
        slices = self._fat
        supported = [s for s in slices if s[0] in MACHO_TARGETS]
        wanted = arch or host_arch()
        for s in supported:
            if MACHO_TARGETS[s[0]].arch == wanted:
                return s
        names = ", ".join(str(MACHO_TARGETS[s[0]].arch) if s[0] in MACHO_TARGETS else
                          f"CPU type {s[0]:#x}" for s in slices)
        if arch is None and supported:
            return supported[0]
        wanted_text = f"slice for {wanted}" if arch is not None else "supported slice"
        raise UnsupportedObject(f"universal file has no {wanted_text} (it has: "
                                f"{names or 'none'})", self.name)


def load_bytes(data: bytes, name: str) -> ObjectFile:
    """An input whose bytes the caller has (``name`` is used in messages)."""
    return ObjectFile(data, name)


def load(path: str, inputs: InputCache | None = None) -> ObjectFile:
    """The input at ``path``, read once: through ``inputs`` (which then keeps the ObjectFile,
    so every later ``load`` of the path returns the same object) or, without a cache, by
    formats.inputs.read_input. Raises InputError naming ``path`` when it cannot be read."""
    if inputs is None:
        return ObjectFile(read_input(path), path)
    found = inputs.derived.get(path)
    if isinstance(found, ObjectFile):
        return found
    obj = ObjectFile(inputs.read(path), path)
    inputs.derived[path] = obj
    return obj


def link_graph(graph: LinkGraph, ctx: JITLinkContext) -> None:
    """Link ``graph`` with its format x architecture pipeline; the outcome reaches ``ctx``."""
    linker = LINKERS.get((graph.object_format, graph.arch))
    if linker is None:
        ctx.notify_failed(UnsupportedObject(f"no linker for {graph.object_format} "
                                            f"{graph.arch}", graph.name))
        return
    linker(graph, ctx)


# ---------------------------------------------------------------------- bytes in, one step
# The functions below take bytes and do one step each; they serve tests and tools that hold
# bytes. The linking path takes an ObjectFile instead, which does each step once.


def identify(data: bytes) -> FileKind:
    """FileKind.ELF, ARCHIVE, MACHO (a universal file counts as Mach-O here) or UNKNOWN,
    from the file's magic bytes."""
    kind = sniff(data)
    return FileKind.MACHO if kind is FileKind.UNIVERSAL else kind


def thin_object(data: bytes, name: str, arch: str | None = None) -> bytes:
    """``data`` itself, or for a universal file the object slice for ``arch`` (ObjectFile.thin);
    MalformedObject if that slice is an archive."""
    return ObjectFile(data, name).thin_object(arch).data


def object_arch(data: bytes, name: str) -> Arch:
    """The architecture of a relocatable object (ObjectFile.arch); errors if unsupported."""
    return ObjectFile(data, name).arch


def build_link_graph(data: bytes, name: str) -> LinkGraph:
    """ObjectFile.build_graph of ``data``."""
    return ObjectFile(data, name).build_graph()


def scan_object_interface(data: bytes, name: str) -> ObjectInterface:
    """ObjectFile.interface of ``data``."""
    return ObjectFile(data, name).interface


__all__ = ["ELF_MAGIC", "FORMATS", "LINKERS", "TARGETS", "FileKind", "ObjectFile",
           "ObjectInterface", "build_link_graph", "host_arch", "identify", "link_graph",
           "load", "load_bytes", "object_arch", "scan_object_interface", "thin_object"]
