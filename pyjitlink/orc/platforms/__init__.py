"""Platforms: the policy an object format brings to a session (LLVM's ELFNixPlatform and
MachOPlatform): C symbol mangling, static initializer and finalizer sections and their run
order, the default entry point, the executor's calling convention and thread-local storage.

``platform_for_format(ObjectFormat.ELF)`` / ``platform_for_graph(graph)`` give the one
instance per format; code that used to ask ``object_format == "macho"`` asks the platform
instead. Adding a platform means a module here and its entry in ``PLATFORMS``.
"""

from __future__ import annotations

from pyjitlink.jitlink.graph import LinkGraph
from pyjitlink.jitlink.target import ObjectFormat
from pyjitlink.orc.platforms.base import InitFiniKind, InitFiniSection, Platform
from pyjitlink.orc.platforms.elfnix import ELFNixPlatform
from pyjitlink.orc.platforms.macho import MachOPlatform

# Object format (LinkGraph.object_format, formats.ObjectFile.object_format) -> its platform.
PLATFORMS: dict[ObjectFormat, Platform] = {ObjectFormat.ELF: ELFNixPlatform(),
                                           ObjectFormat.MACHO: MachOPlatform()}


def platform_for_format(object_format: ObjectFormat | str) -> Platform:
    """The platform of ``object_format`` (an ObjectFormat or its spelling, "elf" or
    "macho"); KeyError for anything else."""
    try:
        return PLATFORMS[ObjectFormat(object_format)]
    except ValueError:
        raise KeyError(object_format) from None


def platform_for_graph(graph: LinkGraph) -> Platform:
    """The platform whose rules apply to ``graph`` (by the format it was read from)."""
    return PLATFORMS[graph.object_format]


__all__ = ["ELFNixPlatform", "InitFiniKind", "InitFiniSection", "MachOPlatform", "PLATFORMS",
           "Platform", "platform_for_format", "platform_for_graph"]
