"""Format-neutral pieces of reading an input: what kind of file its magic says it is, an
object's interface (what it offers, without its graph), and the descriptors that the
registries in ``formats/__init__.py`` hold per format and per (format, machine).

Nothing here knows ELF or Mach-O: the ELF and Mach-O readers fill these in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from pyjitlink.jitlink.graph import Linkage, LinkGraph, Scope
from pyjitlink.jitlink.target import Arch, ObjectFormat

if TYPE_CHECKING:
    from pyjitlink.jitlink.linker import JITLinkContext

ELF_MAGIC = b"\x7fELF"
AR_MAGIC = b"!<arch>\n"
THIN_MAGIC = b"!<thin>\n"
MACHO_MAGICS = (b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe")  # MH_MAGIC_64, MH_MAGIC (LE)
# FAT_MAGIC and FAT_MAGIC_64 (<mach-o/fat.h>), stored big-endian.
UNIVERSAL_MAGICS = (b"\xca\xfe\xba\xbe", b"\xca\xfe\xba\xbf")
# <mach/machine.h> CPU types of the Mach-O targets (formats.TARGETS keys; formats/macho.py).
CPU_TYPE_X86_64 = 0x01000007
CPU_TYPE_ARM64 = 0x0100000C
# S_MOD_INIT_FUNC_POINTERS / S_MOD_TERM_FUNC_POINTERS sections, by their conventional names
# (segment __DATA, or __DATA_CONST in newer objects): the platform runs their pointers.
MACHO_INIT_SUFFIX = ",__mod_init_func"
MACHO_FINI_SUFFIX = ",__mod_term_func"


class FileKind(StrEnum):
    """What an input's first bytes say it is."""

    ELF = "elf"
    MACHO = "macho"
    ARCHIVE = "archive"  # a static library (``ar``; a thin archive too, refused later)
    UNIVERSAL = "universal"  # a Mach-O universal ("fat") file: slices of objects or archives
    UNKNOWN = "unknown"

    @property
    def object_format(self) -> ObjectFormat | None:
        """The format of the objects a file of this kind holds (a universal file's slices are
        Mach-O); None for an archive or unknown bytes."""
        return _OBJECT_FORMATS.get(self)


_OBJECT_FORMATS = {FileKind.ELF: ObjectFormat.ELF, FileKind.MACHO: ObjectFormat.MACHO,
                   FileKind.UNIVERSAL: ObjectFormat.MACHO}


def sniff(data: bytes) -> FileKind:
    """The kind of file ``data`` is, from its magic bytes alone (no header is checked)."""
    if data.startswith(ELF_MAGIC):
        return FileKind.ELF
    if data.startswith((AR_MAGIC, THIN_MAGIC)):
        return FileKind.ARCHIVE
    if data[:4] in MACHO_MAGICS:
        return FileKind.MACHO
    if data.startswith(UNIVERSAL_MAGICS):
        return FileKind.UNIVERSAL
    return FileKind.UNKNOWN


@dataclass(slots=True)
class ObjectInterface:
    """An object's offer without its graph: name -> (callable, scope, linkage, common), and
    whether it has static initializers or finalizers."""

    symbols: dict[str, tuple[bool, Scope, Linkage, bool]] = field(default_factory=dict)
    has_initializers: bool = False


@dataclass(frozen=True, slots=True)
class ObjectTarget:
    """One (object format, machine) pyjitlink reads and links.

    ``machine`` is the header's number (ELF ``e_machine``, Mach-O ``cputype``); ``label``
    names the architecture as LLVM's messages for this format do ("x86-64", "arm64");
    ``build(data, name)`` makes the LinkGraph (errors name ``name``); ``link(graph, ctx)``
    runs the format x architecture pass pipeline.
    """

    object_format: ObjectFormat
    machine: int
    arch: Arch
    label: str
    build: Callable[[bytes, str], LinkGraph]
    link: Callable[[LinkGraph, JITLinkContext], None]


@dataclass(frozen=True, slots=True)
class ObjectFormatInfo:
    """What is needed to read one object format before its machine is known.

    ``read_machine(data, name)`` checks the file header and returns its machine number
    (MalformedObject / UnsupportedObject naming ``name`` otherwise);
    ``unsupported_machine(machine)`` is the message for a machine pyjitlink cannot link;
    ``scan(data, name, target)`` reads the object's interface without building its graph;
    ``keeps_object_bytes``: built graphs keep the file's bytes (for the debugger plugin's
    debug object).
    """

    object_format: ObjectFormat
    read_machine: Callable[[bytes, str], int]
    unsupported_machine: Callable[[int], str]
    scan: Callable[[bytes, str, ObjectTarget], ObjectInterface]
    keeps_object_bytes: bool = False
