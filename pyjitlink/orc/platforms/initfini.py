"""Static initializers and finalizers of ELF and Mach-O graphs, collected in run order.

Each graph's platform (``platform_for_graph``) says which sections hold initializers and
finalizers and in which order they run (ELFNixPlatform: ld's SORT_BY_INIT_PRIORITY order;
MachOPlatform: section order). Finalizers run in the reverse of that order. This plugin reads
the function pointers out of each graph's working memory after fixups and keeps them, with
the input's position, for the session to run.
"""

from __future__ import annotations

import struct
import threading

from pyjitlink.jitlink.graph import LinkGraph
from pyjitlink.jitlink.memory import FinalizedAlloc
from pyjitlink.jitlink.passes import PassConfiguration
from pyjitlink.orc.materialization import MaterializationResponsibility
from pyjitlink.orc.platforms import platform_for_graph
from pyjitlink.orc.platforms.base import InitFiniKind
from pyjitlink.orc.resources import ResourceTracker


class InitFiniPlugin:
    """Records (priority, input order, index) -> function address for inits and finis."""

    def __init__(self) -> None:
        # kind -> [(priority, input order, index, address, tracker id)]
        self.entries: dict[InitFiniKind, list[tuple[int, int, int, int, int]]] = {
            kind: [] for kind in InitFiniKind}
        self.input_order: dict[str, int] = {}
        self.armed: set[int] = set()  # ids of fini entries whose initializers have run
        self._lock = threading.Lock()

    def set_input_order(self, name: str, position: int) -> None:
        self.input_order[name] = position

    def modify_pass_config(self, mr: MaterializationResponsibility, graph: LinkGraph,
                           config: PassConfiguration) -> None:
        tracker = id(mr.tracker)
        config.post_fixup_passes.append(lambda g: self._collect(g, tracker))

    def _collect(self, graph: LinkGraph, tracker: int) -> None:
        order = self.input_order.get(graph.name, 1 << 30)
        found = []
        platform = platform_for_graph(graph)
        for section in graph.sections.values():
            info = platform.init_fini_section(section.name)
            if info is None:
                continue
            kind, priority, reverse = info
            for block in sorted(section.blocks, key=lambda b: b.address):
                assert block.content is not None
                count = block.size // 8
                pointers = list(struct.unpack_from(f"<{count}Q", block.content, 0))
                if reverse:
                    pointers.reverse()
                for index, address in enumerate(pointers):
                    if address not in (0, 0xFFFFFFFFFFFFFFFF):
                        found.append((kind, priority, order, index, address))
        with self._lock:
            for kind, priority, order, index, address in found:
                self.entries[kind].append((priority, order, index, address, tracker))

    def notify_emitted(self, mr: MaterializationResponsibility, graph: LinkGraph,
                       alloc: FinalizedAlloc) -> None:
        pass

    def notify_remove_resources(self, tracker: ResourceTracker) -> None:
        """Removed code's pending functions must never run: forget them."""
        with self._lock:
            for kind, entries in self.entries.items():
                self.armed.difference_update(id(e) for e in entries if e[4] == id(tracker))
                self.entries[kind] = [e for e in entries if e[4] != id(tracker)]

    def snapshot(self) -> dict[str, list[tuple[int, int, int, int]]]:
        """The collected functions, by kind (InitFiniKind's value): (priority, input order,
        index in its section, address) each, in collection order; for ``restore``."""
        with self._lock:
            return {str(kind): [entry[:4] for entry in entries]
                    for kind, entries in self.entries.items()}

    def restore(self, snapshot: dict[str, list[tuple[int, int, int, int]]], tracker: int,
                first_input: int) -> None:
        """Add a ``snapshot()``'s functions as ``tracker``'s (``id`` of its
        ResourceTracker), their input order counted from ``first_input`` (where the
        snapshot's first input falls among this session's)."""
        with self._lock:
            for kind, entries in snapshot.items():
                self.entries[InitFiniKind(kind)].extend(
                    (priority, first_input + order, index, address, tracker)
                    for priority, order, index, address in entries)

    def arm_finalizers(self) -> None:
        """The initializers collected so far have run: their graphs' finalizers may run."""
        with self._lock:
            self.armed.update(id(e) for e in self.entries[InitFiniKind.FINI])

    def take(self, kind: InitFiniKind | str, tracker: ResourceTracker | None = None,
             armed_only: bool = False) -> list[int]:
        """Addresses of the ``kind`` functions collected so far (of ``tracker``'s code, or
        all; with ``armed_only``, only finalizers whose initializers ran), in run order;
        forgets them."""
        with self._lock:
            kind = InitFiniKind(kind)
            entries = self.entries[kind]

            def wanted(e: tuple[int, int, int, int, int]) -> bool:
                return (tracker is None or e[4] == id(tracker)) and (
                    not armed_only or id(e) in self.armed)

            taken = [e for e in entries if wanted(e)]
            self.entries[kind] = [e for e in entries if not wanted(e)]
            self.armed.difference_update(id(e) for e in taken)
        addresses = [address for _, _, _, address, _ in sorted(taken)]
        if kind is InitFiniKind.FINI:
            addresses.reverse()
        return addresses
