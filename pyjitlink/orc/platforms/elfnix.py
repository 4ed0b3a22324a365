"""ELFNixPlatform: ELF on Linux (and other Unix-likes), as LLVM's ELFNixPlatform."""

from __future__ import annotations

from pyjitlink.jitlink.target import ObjectFormat
from pyjitlink.orc.platforms.base import (
    DEFAULT_PRIORITY,
    InitFiniKind,
    InitFiniSection,
    Platform,
)

# (prefix, kind, reversed). ld's default script orders ``.init_array.NNNNN`` and
# ``.ctors.NNNNN`` by priority (SORT_BY_INIT_PRIORITY; a ``.ctors.N`` priority is 65535 - N),
# then the plain sections, in input order; ``.ctors``/``.dtors`` entries run last-to-first.
_INIT_FINI = ((".preinit_array", InitFiniKind.PREINIT, False),
              (".init_array", InitFiniKind.INIT, False), (".ctors", InitFiniKind.INIT, True),
              (".fini_array", InitFiniKind.FINI, False), (".dtors", InitFiniKind.FINI, True))


class ELFNixPlatform(Platform):
    """ELF objects: C names as they are, ``main``, ``.init_array``/``.ctors`` families."""

    name = "ELFNix"
    object_format = ObjectFormat.ELF
    global_prefix = ""
    default_entry = "main"
    executor_abi = "linux"

    def init_fini_section(self, section: str) -> InitFiniSection | None:
        for prefix, kind, reverse in _INIT_FINI:
            if section == prefix:
                return InitFiniSection(kind, DEFAULT_PRIORITY, reverse)
            if section.startswith(prefix + ".") and section[len(prefix) + 1:].isdigit():
                number = int(section[len(prefix) + 1:])
                return InitFiniSection(kind, (DEFAULT_PRIORITY - number) if reverse else number,
                                       reverse)
        return None
