"""Debug objects: each linked ELF object's DWARF at its JIT addresses, for the executor's fault
reports (source lines) and for GDB (the JIT interface), as LLVM's DebugObjectManagerPlugin
with its ELF debug objects does for llvm-jitlink's ``-debugger-support``.

Per graph, a pre-prune pass notes every block's pre-layout place (the ELF builder gives each
section's block its file offset and size), and a post-fixup pass, when addresses are final,
copies the object with ``sh_addr`` set and ``.rela.debug_*`` applied
(formats.elf_debug.relocate_debug_object). The line table goes to the executor's Symbolizer
(parsed on first use); the object is registered with GDB when the graph is emitted, and
unregistered when its resource tracker is removed.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, cast

from pyjitlink.formats.elf_debug import (
    OBJECT_BYTES,
    LineTable,
    has_debug_info,
    loaded_section_addresses,
    relocate_debug_object,
)
from pyjitlink.jitlink.graph import LinkGraph, MemProt
from pyjitlink.jitlink.target import ObjectFormat

if TYPE_CHECKING:
    from pyjitlink.executors.gdb_jit import GDBJITInterface
    from pyjitlink.executors.services import SymbolMapService

_LAYOUT = "debug-object-layout"  # graph.target_data: [(block, pre-layout address, size)]
_DEBUG_OBJECT = "debug-object"


class DebugObjectPlugin:
    """Builds debug objects for ELF graphs; gives their line tables to ``symbolizer`` (the
    executor's SymbolMapService) and, if ``gdb`` is given, registers them with the
    debugger."""

    def __init__(self, symbolizer: SymbolMapService | None, gdb: GDBJITInterface | None = None
                 ) -> None:
        self.symbolizer = symbolizer
        self.gdb = gdb
        self.lock = threading.Lock()
        self.registered: set[int] = set()  # id(tracker) with GDB registrations

    def modify_pass_config(self, mr, graph: LinkGraph, config) -> None:  # type: ignore[no-untyped-def]
        data = graph.target_data.get(OBJECT_BYTES)
        if graph.object_format is not ObjectFormat.ELF or not isinstance(data, bytes):
            return
        if self.gdb is None and not has_debug_info(data):
            return
        tracker = id(mr.tracker)
        config.pre_prune_passes.insert(0, self._note_layout)
        config.post_fixup_passes.append(lambda g: self._build(tracker, g, data))

    @staticmethod
    def _note_layout(graph: LinkGraph) -> None:
        graph.target_data[_LAYOUT] = [(b, b.address, b.size) for b in graph.blocks()]

    def _build(self, tracker: int, graph: LinkGraph, data: bytes) -> None:
        layout = cast("list[tuple[Any, int, int]]", graph.target_data.pop(_LAYOUT, []))
        live = {id(b) for b in graph.blocks()}
        placed = {(address, size): block.address for block, address, size in layout
                  if id(block) in live}
        try:
            debug_object = relocate_debug_object(data, loaded_section_addresses(data, placed))
        except (ValueError, IndexError, KeyError):
            return  # a malformed header the builder tolerated: no debug object
        if self.symbolizer is not None and has_debug_info(data):
            code = [b for b in graph.blocks() if b.section.prot & MemProt.EXEC and b.size]
            if code:
                table = LineTable(debug_object, graph.name)
                self.symbolizer.add_lines(tracker, min(b.address for b in code),
                                          max(b.address + b.size for b in code), table.lookup)
        if self.gdb is not None:
            graph.target_data[_DEBUG_OBJECT] = debug_object

    def notify_emitted(self, mr, graph: LinkGraph, alloc) -> None:  # type: ignore[no-untyped-def]
        debug_object = graph.target_data.pop(_DEBUG_OBJECT, None)
        if self.gdb is not None and isinstance(debug_object, bytes):
            with self.lock:
                self.registered.add(id(mr.tracker))
            self.gdb.register(id(mr.tracker), debug_object)

    def notify_remove_resources(self, tracker) -> None:  # type: ignore[no-untyped-def]
        if self.symbolizer is not None:
            self.symbolizer.remove(id(tracker))
        with self.lock:
            registered = id(tracker) in self.registered
            self.registered.discard(id(tracker))
        if registered and self.gdb is not None:
            self.gdb.unregister(id(tracker))
