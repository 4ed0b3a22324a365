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
        self.jd = jd
        self.defunct = False
        self._on_remove: list[Callable[[], None]] = []
        self._lock = threading.Lock()

    def remove(self) -> None:
        self.jd.session.remove_resource_tracker(self)

    def transfer_to(self, other: ResourceTracker) -> None:
        self.jd.session.transfer_resource_tracker(other, self)

    def __repr__(self) -> str:
        return f"<ResourceTracker of {self.jd.name}{' (defunct)' if self.defunct else ''}>"
