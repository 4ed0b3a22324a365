"""MachOPlatform: Mach-O objects run as on Darwin, as LLVM's MachOPlatform."""

from __future__ import annotations

from collections.abc import Callable

from pyjitlink.arch import ARCHITECTURES
from pyjitlink.formats.object import MACHO_FINI_SUFFIX, MACHO_INIT_SUFFIX
from pyjitlink.jitlink.graph import Edge, LinkGraph, Scope
from pyjitlink.jitlink.target import ObjectFormat
from pyjitlink.orc.platforms.base import (
    DEFAULT_PRIORITY,
    InitFiniKind,
    InitFiniSection,
    Platform,
)

THREAD_VARS_SECTION = "__DATA,__thread_vars"
TLV_BOOTSTRAP = "__tlv_bootstrap"  # what a descriptor's getter names (C: _tlv_bootstrap)
TLV_DESCRIPTOR_SIZE = 24  # <mach-o/loader.h> struct tlv_descriptor: thunk, key, offset


class MachOPlatform(Platform):
    """Mach-O objects: C names carry a leading ``_`` (``_main``), initializers live in
    ``__mod_init_func`` sections, and emulated code reaches glibc through the Darwin layer."""

    name = "MachO"
    object_format = ObjectFormat.MACHO
    global_prefix = "_"
    default_entry = "_main"
    executor_abi = "darwin"

    def matches_triple(self, components: list[str]) -> bool:
        # LLVM's Triple::isOSDarwin, and the "apple" vendor.
        return any(c.startswith(("darwin", "macos", "ios", "tvos", "watchos")) or c == "apple"
                   for c in components)

    def init_fini_section(self, section: str) -> InitFiniSection | None:
        # dyld runs them in section order, input after input; the compiler has sorted a
        # file's constructors by priority, and no priority crosses files.
        if section.endswith(MACHO_INIT_SUFFIX):
            return InitFiniSection(InitFiniKind.INIT, DEFAULT_PRIORITY, False)
        if section.endswith(MACHO_FINI_SUFFIX):
            return InitFiniSection(InitFiniKind.FINI, DEFAULT_PRIORITY, False)
        return None

    def prepare_thread_locals(self, graph: LinkGraph, getter: Callable[[], int]) -> None:
        """Each ``__thread_vars`` descriptor {thunk, key, offset} becomes {the executor's
        getter, module id, offset of the variable in its module}: a tls_index after the
        thunk, as the getter (called with the descriptor's address in rdi / x0, returning
        the variable's address in this thread) reads it. The assembler's descriptor names
        ``__tlv_bootstrap`` and the variable's ``$tlv$init`` image (ld64 and dyld's
        convention; LLVM's MachOPlatform rebinds the thunk likewise)."""
        section = graph.sections.get(THREAD_VARS_SECTION)
        if section is None:
            return
        arch = ARCHITECTURES[graph.arch]
        module_kind, offset_kind = arch.tls_module_kind, arch.tls_offset_kind
        bootstrap = graph.external_symbols.pop(TLV_BOOTSTRAP, None)
        thunk = graph.add_absolute_symbol(None, getter(), scope=Scope.LOCAL, live=True)
        start = min((b.address for b in section.blocks), default=0)
        for block in section.blocks:
            added = []
            for edge in block.edges:
                if edge.target is bootstrap:
                    edge.target = thunk
                elif (block.address + edge.offset - start) % TLV_DESCRIPTOR_SIZE == 16:
                    edge.kind = offset_kind
                    added.append(Edge(module_kind, edge.offset - 8, edge.target, 0))
            block.edges.extend(added)
