"""Resource trackers: every materialization belongs to one; removing it frees what it made."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from pyjitlink.orc.jitdylib import JITDylib


class ResourceManager(Protocol):
    """Something that holds resources per tracker (a layer's allocations, registrations)."""

    def handle_remove_resources(self, tracker: ResourceTracker) -> None: ...

    def handle_transfer_resources(self, dst: ResourceTracker, src: ResourceTracker) -> None: ...


class ResourceTracker:
    """A handle on what some materializations made in one JITDylib.

    ``remove()`` removes the tracker's symbols from the JITDylib and asks every resource manager
    to free the tracker's resources (memory, registrations); ``transfer_to`` moves them.
    """

    def __init__(self, jd: JITDylib) -> None:
        """A tracker of ``jd``; made by ``JITDylib.create_resource_tracker``."""
        self.jd = jd
        self.defunct = False
        self._on_remove: list[Callable[[], None]] = []
        self._lock = threading.Lock()

    def remove(self) -> None:
        """Remove everything this tracker owns: its symbols leave its JITDylib and its memory and
        registrations are freed (``ResourceTracker::remove``). Finalizers do not run:
        ``Session.remove`` runs them first."""
        self.jd.session.remove_resource_tracker(self)

    def transfer_to(self, other: ResourceTracker) -> None:
        """Give everything this tracker owns to ``other`` (same JITDylib;
        ``ResourceTracker::transferTo``); this one then owns nothing."""
        self.jd.session.transfer_resource_tracker(other, self)

    def __repr__(self) -> str:
        return f"<ResourceTracker of {self.jd.name}{' (defunct)' if self.defunct else ''}>"
