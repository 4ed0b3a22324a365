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

from enum import Enum
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


class TLSValue(Enum):
    """What a 64-bit (or narrower) TLS data word holds; each architecture maps its kinds."""

    MODULE_ID = 1  # M(S): DTPMOD64
    DTP_OFFSET = 2  # DTPOFF(S) + A: DTPOFF32/64, DTPREL64
    TP_OFFSET = 3  # S + A - TP: TPOFF32/64, TPREL64
    DESCRIPTOR_FUNCTION = 4  # a TLS descriptor's resolver
    DESCRIPTOR_ARGUMENT = 5  # its argument: S + A - TP, or the tls_index after it (P + 8)


def tls_value(graph: LinkGraph, what: TLSValue, address: int, addend: int, name: str,
              place: int) -> int:
    """The value of a TLS word for the variable at ``address`` (``name`` for errors), its
    ``addend``, the word being at ``place``; from the graph's resolver. Raises as the
    resolver does (StaticTLSUnavailable, JITLinkError)."""
    resolver = tls_resolver(graph)
    if what is TLSValue.MODULE_ID:
        return resolver.module_id(address, name)
    if what is TLSValue.DTP_OFFSET:
        return resolver.dtp_offset(address, name) + addend
    if what is TLSValue.TP_OFFSET:
        return resolver.tp_offset(address, name) + addend
    function, argument = resolver.tlsdesc(address, name)
    if what is TLSValue.DESCRIPTOR_FUNCTION:
        return function
    # The dynamic resolver's argument is the tls_index that follows this word.
    return place + 8 if argument is None else argument + addend
