"""SymbolRedirectPlugin: an executor's symbol redirects (ExecutorServices.symbol_redirects)
applied to every graph: an external reference to NAME links to the name the executor gives
instead (before pruning, so the lookup asks for the replacement)."""

from __future__ import annotations

from collections.abc import Mapping

from pyjitlink.jitlink.graph import LinkGraph
from pyjitlink.jitlink.memory import FinalizedAlloc
from pyjitlink.jitlink.passes import PassConfiguration
from pyjitlink.orc.materialization import MaterializationResponsibility
from pyjitlink.orc.resources import ResourceTracker


class SymbolRedirectPlugin:
    """ObjectLinkingLayer plugin: renames the external symbols ``redirects`` names."""

    def __init__(self, redirects: Mapping[str, str]) -> None:
        self.redirects = dict(redirects)

    def modify_pass_config(self, mr: MaterializationResponsibility, graph: LinkGraph,
                           config: PassConfiguration) -> None:
        if any(name in graph.external_symbols for name in self.redirects):
            config.pre_prune_passes.append(self._redirect)

    def _redirect(self, graph: LinkGraph) -> None:
        for name, target in self.redirects.items():
            sym = graph.external_symbols.pop(name, None)
            if sym is not None:
                sym.name = target
                graph.external_symbols[target] = sym

    def notify_emitted(self, mr: MaterializationResponsibility, graph: LinkGraph,
                       alloc: FinalizedAlloc) -> None:
        pass

    def notify_remove_resources(self, tracker: ResourceTracker) -> None:
        pass
