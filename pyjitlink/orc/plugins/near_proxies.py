"""NearProxyPlugin: externals that a 32-bit edge cannot reach are rebound, before the fixups,
to proxies the executor's NearProxyService places within reach (a copy of a host variable,
as after ld's copy relocation, or a jump stub for a host function: a canonical PLT entry)."""

from __future__ import annotations

from pyjitlink.executors.services import NearProxyService
from pyjitlink.jitlink.graph import LinkGraph, Symbol
from pyjitlink.jitlink.memory import FinalizedAlloc
from pyjitlink.jitlink.passes import PassConfiguration
from pyjitlink.orc.materialization import MaterializationResponsibility
from pyjitlink.orc.resources import ResourceTracker


class NearProxyPlugin:
    """ObjectLinkingLayer plugin: the first pre-fixup pass of every graph of the service's
    architecture rebinds its far absolute externals to near proxies."""

    def __init__(self, service: NearProxyService) -> None:
        self.service = service

    def modify_pass_config(self, mr: MaterializationResponsibility, graph: LinkGraph,
                           config: PassConfiguration) -> None:
        if graph.arch == self.service.arch:  # edge kinds are only meaningful per arch
            config.pre_fixup_passes.insert(0, self._rebind)

    def _rebind(self, graph: LinkGraph) -> None:
        service = self.service
        # Symbols hash by identity: membership costs one set probe per edge.
        externals = {s for s in graph.external_symbols.values() if s.absolute_address}
        if not externals:
            return
        far: dict[str, Symbol] = {}
        data_refs: set[str] = set()
        reachable = service.reachable
        for block in graph.blocks():
            for edge in block.edges:
                target = edge.target
                if target in externals and not reachable(
                        edge.kind, block.address + edge.offset, target.address):
                    assert target.name is not None
                    far[target.name] = target
                    if service.is_data_reference(edge.kind):
                        data_refs.add(target.name)
        # A data reference (an address or offset the program computes with) may be bound to
        # a proxy only where ld would bind it so too: a host variable (its copy) or a host
        # function (its canonical PLT entry). Any other far address, such as an -abs
        # definition, stays as it is and its 32-bit data fixups fail out of range; calls
        # and jumps alone may reach it through a stub.
        for name in data_refs:
            if not service.is_host_symbol(far[name].address):
                del far[name]
        if far:
            proxies = service.proxies_for({n: s.address for n, s in far.items()})
            for name, sym in far.items():
                sym.absolute_address = proxies[name]

    def notify_emitted(self, mr: MaterializationResponsibility, graph: LinkGraph,
                       alloc: FinalizedAlloc) -> None:
        pass

    def notify_remove_resources(self, tracker: ResourceTracker) -> None:
        pass
