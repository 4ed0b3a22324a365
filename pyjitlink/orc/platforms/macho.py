"""MachOPlatform: Mach-O objects run as on Darwin, as LLVM's MachOPlatform."""

from __future__ import annotations

from pyjitlink.formats.macho import MACHO_FINI_SUFFIX, MACHO_INIT_SUFFIX
from pyjitlink.orc.platforms.base import DEFAULT_PRIORITY, InitFiniSection, Platform


class MachOPlatform(Platform):
    """Mach-O objects: C names carry a leading ``_`` (``_main``), initializers live in
    ``__mod_init_func`` sections, and an emulated C library follows Darwin's conventions."""

    name = "MachO"
    object_format = "macho"
    global_prefix = "_"
    default_entry = "_main"
    executor_abi = "darwin"

    def init_fini_section(self, section: str) -> InitFiniSection | None:
        # dyld runs them in section order, input after input; the compiler has sorted a
        # file's constructors by priority, and no priority crosses files.
        if section.endswith(MACHO_INIT_SUFFIX):
            return InitFiniSection("init", DEFAULT_PRIORITY, False)
        if section.endswith(MACHO_FINI_SUFFIX):
            return InitFiniSection("fini", DEFAULT_PRIORITY, False)
        return None
