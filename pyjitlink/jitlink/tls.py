"""Thread-local storage as the generic linker sees it: a TLSResolver the platform installs.

A thread-local symbol has an ordinary address in the graph (its initialisation image: a
``thread_local`` section's block, allocated like data). What a TLS fixup writes is not that
address but where the variable lives per thread: its TLS module's id and its offset in the
module's block (the dynamic models: general/local-dynamic, TLSDESC), or its offset from the
thread pointer (the static models: initial-exec, local-exec). Only the platform and its
executor know those ("ELF Handling For Thread-Local Storage", U. Drepper, sections 2-4); they
install a TLSResolver in the graph (``set_tls_resolver``) before fixups, and the architecture's
``apply_fixup`` asks it (``tls_resolver``).
"""

from __future__ import annotations

from typing import Protocol

from pyjitlink.errors import JITLinkError
from pyjitlink.jitlink.graph import LinkGraph

TLS_RESOLVER = "tls-resolver"


class TLSResolver(Protocol):
    """Where the thread-local variable whose image is at ``address`` lives per thread.

    ``name`` is only for errors (the variable's symbol name).
    """

    def module_id(self, address: int, name: str) -> int:
        """The dtv index of the variable's TLS module (what R_*_DTPMOD64 stores)."""
        ...

    def dtp_offset(self, address: int, name: str) -> int:
        """Bytes from the start of the module's TLS block to the variable (DTPOFF; the
        address itself must lie in a module's image)."""
        ...

    def tp_offset(self, address: int, name: str) -> int:
        """Signed bytes from the thread pointer to the variable (TPOFF); raises
        StaticTLSUnavailable when the module is not in static TLS."""
        ...

    def tlsdesc(self, address: int, name: str) -> tuple[int, int | None]:
        """A TLS descriptor's two words (resolver function address, its argument) for the
        variable: calling the resolver with %rax / x0 pointing at the descriptor returns
        the variable's offset from the thread pointer. An argument of None means the
        dynamic resolver's: the address of the tls_index {module id, DTPOFF} that the
        architecture places right after the descriptor's two words."""
        ...


class StaticTLSUnavailable(JITLinkError):
    """A static-model access (initial- or local-exec) to a variable whose TLS module could
    not be placed at a fixed offset from the thread pointer. ``size``: the module's bytes."""

    def __init__(self, message: str, file: str | None, size: int) -> None:
        super().__init__(message, file)
        self.size = size


def set_tls_resolver(graph: LinkGraph, resolver: TLSResolver) -> None:
    """Install the resolver ``graph``'s TLS fixups use (a platform's pre-fixup pass)."""
    graph.target_data[TLS_RESOLVER] = resolver


def tls_resolver(graph: LinkGraph) -> TLSResolver:
    """The resolver the platform installed; JITLinkError if none did (no platform links
    thread-local storage in this session)."""
    resolver = graph.target_data.get(TLS_RESOLVER)
    if resolver is None:
        raise JITLinkError("thread-local storage is used but no platform provides it",
                           graph.name)
    return resolver  # type: ignore[return-value]
