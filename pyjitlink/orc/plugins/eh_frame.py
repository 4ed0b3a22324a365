"""EHFrameRegistrationPlugin: each linked graph's ``.eh_frame`` (Mach-O:
``__TEXT,__eh_frame``, the same DWARF records) goes to the executor's EHFrameRegistrar when
the graph is emitted, and is deregistered when its resource tracker is removed, as LLVM's
EHFrameRegistrationPlugin does."""

from __future__ import annotations

import threading
from typing import cast

from pyjitlink.executors.services import EHFrameRegistrar
from pyjitlink.jitlink.eh_frame import EH_FRAME, MACHO_EH_FRAME
from pyjitlink.jitlink.graph import LinkGraph
from pyjitlink.jitlink.memory import FinalizedAlloc
from pyjitlink.jitlink.passes import PassConfiguration
from pyjitlink.orc.materialization import MaterializationResponsibility
from pyjitlink.orc.resources import ResourceTracker

EH_FRAME_RANGE = "eh-frame-range"  # graph.target_data key: (address, size) of .eh_frame


class EHFrameRegistrationPlugin:
    """ObjectLinkingLayer plugin over an EHFrameRegistrar: post-fixup notes where the
    section landed (only a section with records besides its terminator), emission
    registers it, removal of the graph's tracker deregisters it."""

    def __init__(self, registrar: EHFrameRegistrar) -> None:
        self.registrar = registrar
        self.registered: dict[int, list[tuple[int, int]]] = {}  # id(tracker) -> ranges
        self.lock = threading.Lock()

    def modify_pass_config(self, mr: MaterializationResponsibility, graph: LinkGraph,
                           config: PassConfiguration) -> None:
        config.post_fixup_passes.append(self._record)

    @staticmethod
    def _record(graph: LinkGraph) -> None:
        section = graph.sections.get(EH_FRAME) or graph.sections.get(MACHO_EH_FRAME)
        if section is not None and len(section.blocks) > 1:
            start = min(b.address for b in section.blocks)
            end = max(b.address + b.size for b in section.blocks)
            graph.target_data[EH_FRAME_RANGE] = (start, end - start)

    def notify_emitted(self, mr: MaterializationResponsibility, graph: LinkGraph,
                       alloc: FinalizedAlloc) -> None:
        found = cast("tuple[int, int] | None", graph.target_data.pop(EH_FRAME_RANGE, None))
        if found is None:
            return
        with self.lock:
            self.registered.setdefault(id(mr.tracker), []).append(found)
        self.registrar.register_eh_frame(*found)

    def notify_remove_resources(self, tracker: ResourceTracker) -> None:
        with self.lock:
            ranges = self.registered.pop(id(tracker), [])
        for address, size in ranges:
            self.registrar.deregister_eh_frame(address, size)
