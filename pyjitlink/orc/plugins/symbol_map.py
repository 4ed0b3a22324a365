"""SymbolMapPlugin: each graph's defined symbols and ``.eh_frame`` records go to the
executor's SymbolMapService after the fixups (addresses are final), for its fault reports
and backtraces."""

from __future__ import annotations

from pyjitlink.executors.services import SymbolMapService
from pyjitlink.jitlink.eh_frame import EH_FRAME, MACHO_EH_FRAME
from pyjitlink.jitlink.graph import LinkGraph
from pyjitlink.jitlink.memory import FinalizedAlloc
from pyjitlink.jitlink.passes import PassConfiguration
from pyjitlink.orc.materialization import MaterializationResponsibility
from pyjitlink.orc.resources import ResourceTracker

EH_FRAME_SECTIONS = (EH_FRAME, MACHO_EH_FRAME)


class SymbolMapPlugin:
    """ObjectLinkingLayer plugin: records each graph's defined symbols and ``.eh_frame``
    records (every block of 8 bytes or more: a CIE or FDE, not the terminator) in the
    service; forgets them when the graph's resource tracker is removed."""

    def __init__(self, service: SymbolMapService) -> None:
        self.service = service

    def modify_pass_config(self, mr: MaterializationResponsibility, graph: LinkGraph,
                           config: PassConfiguration) -> None:
        tracker = id(mr.tracker)
        config.post_fixup_passes.append(lambda g: self._record(tracker, g))

    def _record(self, tracker: int, graph: LinkGraph) -> None:
        self.service.add_graph(tracker, graph)
        for name in EH_FRAME_SECTIONS:
            section = graph.sections.get(name)
            if section is not None:
                self.service.add_eh_frame(tracker, [b.address for b in section.blocks
                                                    if b.size >= 8])

    def notify_emitted(self, mr: MaterializationResponsibility, graph: LinkGraph,
                       alloc: FinalizedAlloc) -> None:
        pass

    def notify_remove_resources(self, tracker: ResourceTracker) -> None:
        self.service.remove(id(tracker))
