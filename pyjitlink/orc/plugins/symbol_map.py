"""SymbolMapPlugin: each graph's defined symbols and ``.eh_frame`` records go to the
executor's SymbolMapService after the fixups (addresses are final), for its fault reports
and backtraces; ExternalReferencesPlugin: the C names each graph refers to, strongly or
only weakly, go to its ExternalReferenceService."""

from __future__ import annotations

from pyjitlink.executors.services import ExternalReferenceService, SymbolMapService
from pyjitlink.jitlink.eh_frame import EH_FRAME, MACHO_EH_FRAME
from pyjitlink.jitlink.graph import LinkGraph
from pyjitlink.jitlink.memory import FinalizedAlloc
from pyjitlink.jitlink.passes import PassConfiguration
from pyjitlink.orc.materialization import MaterializationResponsibility
from pyjitlink.orc.platforms import platform_for_graph
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


class ExternalReferencesPlugin:
    """ObjectLinkingLayer plugin: after pruning, each graph's external names, demangled by
    its platform (Mach-O's "_printf" is "printf"; a name the platform cannot demangle is no
    C name and is left out), split into strongly and only weakly referenced ones."""

    def __init__(self, service: ExternalReferenceService) -> None:
        self.service = service

    def modify_pass_config(self, mr: MaterializationResponsibility, graph: LinkGraph,
                           config: PassConfiguration) -> None:
        config.post_prune_passes.append(self._references)

    def _references(self, graph: LinkGraph) -> None:
        platform = platform_for_graph(graph)
        strong: list[str] = []
        weak: list[str] = []
        for name, sym in graph.external_symbols.items():
            c_name = platform.demangle(name)
            if c_name is not None:
                (weak if sym.weakly_referenced else strong).append(c_name)
        self.service.add_references(strong, weak)

    def notify_emitted(self, mr: MaterializationResponsibility, graph: LinkGraph,
                       alloc: FinalizedAlloc) -> None:
        pass

    def notify_remove_resources(self, tracker: ResourceTracker) -> None:
        pass
