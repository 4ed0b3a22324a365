"""AtexitSetPlugin: glibc's ``__libc_atexit`` section (pointers to functions ``exit`` runs
last, ``_IO_cleanup``) is kept alive, as ld's KEEP does, and its fixed-up pointers go to the
executor's AtexitSetService (the table ``__start___libc_atexit`` names in the emulated
Linux process)."""

from __future__ import annotations

from pyjitlink.executors.services import AtexitSetService
from pyjitlink.jitlink.graph import LinkGraph
from pyjitlink.jitlink.memory import FinalizedAlloc
from pyjitlink.jitlink.passes import PassConfiguration
from pyjitlink.orc.materialization import MaterializationResponsibility
from pyjitlink.orc.resources import ResourceTracker

LIBC_ATEXIT_SECTION = "__libc_atexit"


class AtexitSetPlugin:
    """ObjectLinkingLayer plugin: keeps ``__libc_atexit`` blocks live and, after the fixups,
    hands their contents to the service."""

    def __init__(self, service: AtexitSetService) -> None:
        self.service = service

    def modify_pass_config(self, mr: MaterializationResponsibility, graph: LinkGraph,
                           config: PassConfiguration) -> None:
        section = graph.sections.get(LIBC_ATEXIT_SECTION)
        if section is None:
            return
        for block in section.blocks:
            graph.add_anonymous_symbol(block, 0, live=True)
        config.post_fixup_passes.append(self._record)

    def _record(self, graph: LinkGraph) -> None:
        for block in graph.sections[LIBC_ATEXIT_SECTION].blocks:
            self.service.add(bytes(block.content or bytes(block.size)), graph.name)

    def notify_emitted(self, mr: MaterializationResponsibility, graph: LinkGraph,
                       alloc: FinalizedAlloc) -> None:
        pass

    def notify_remove_resources(self, tracker: ResourceTracker) -> None:
        pass
