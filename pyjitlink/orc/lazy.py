"""Lazy reexports: callable symbols whose bodies link on their first call (``-lazy``).

A lazy input's callable symbols keep their names as *entry points*: redirectable stubs that
jump through a pointer. The bodies are renamed inside the object (``name$body``, hidden) and
every reference to them, the object's own included, goes through the entry point, so function
pointers compare equal whoever takes them and whenever. Until the first call a pointer aims at
a re-entry trampoline; the first call (from any thread) looks the body up through the ordinary
session lookup, which links the object, repoints the stub at the body and continues into it
with the caller's arguments. Later calls go stub -> body. Objects with static initializers or
exported data are linked eagerly, since their addresses must be real at once. The shape is
ORC's LazyReexportsManager and RedirectableSymbolManager.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Protocol

from pyjitlink.errors import PyJITLinkError
from pyjitlink.formats.object import ObjectInterface
from pyjitlink.jitlink.graph import LinkGraph, Linkage, Scope
from pyjitlink.orc.jitdylib import JITDylib
from pyjitlink.orc.materialization import MaterializationResponsibility, MaterializationUnit
from pyjitlink.orc.object_layer import has_initializers
from pyjitlink.orc.resources import ResourceTracker
from pyjitlink.orc.session import ExecutionSession
from pyjitlink.orc.symbols import JITDylibLookupFlags, SymbolFlags

BODY_SUFFIX = "$body"


class LazySupport(Protocol):
    """What an executor provides for laziness (see executors.native.NativeLazySupport).

    ``create_entry_points(ids)`` makes one (stub address, pointer slot address) per id, each
    slot aimed at a thunk that enters the re-entry function with that id; ``redirect(slot,
    address)`` repoints a stub; ``fatal(message)`` ends the program from inside JIT'd code.
    """

    def create_entry_points(self, ids: list[int]) -> list[tuple[int, int]]: ...

    def redirect(self, slot: int, address: int) -> None: ...

    def fatal(self, message: str, file: str | None) -> None:
        """End the program with one error line, ``pyjitlink: error: <file>: <message>``
        (exit status 1): called from inside JIT'd code, where nothing can unwind."""


class LazyReexportsManager:
    """Binds entry points to bodies and answers re-entry from the first call of each."""

    def __init__(self, session: ExecutionSession,
                 make_support: Callable[[Callable[[int], int]], LazySupport]) -> None:
        self.session = session
        self.support = make_support(self.reenter)
        self.lock = threading.Lock()
        # id -> (JITDylib of the body, body name, entry name, slot address, origin file)
        self.targets: dict[int, tuple[JITDylib, str, str, int, str | None]] = {}
        self.next_id = 1
        self.reentries = 0  # first calls served (each body looked up once per entry point)
        # Called with [(entry name, stub address, slot address)] as entry points are made.
        self.on_entry_points: list[Callable[[list[tuple[str, int, int]]], None]] = []

    def create_lazy_reexports(self, jd: JITDylib, entries: dict[str, tuple[str, SymbolFlags]],
                              origin: str | None = None,
                              tracker: ResourceTracker | None = None) -> None:
        """Define entry points ``name -> (body name in jd, flags)`` in ``jd``."""
        jd.define(LazyReexportsMaterializationUnit(self, jd, entries, origin), tracker)

    def _allocate(self, jd: JITDylib, wanted: dict[str, str], origin: str | None
                  ) -> dict[str, int]:
        with self.lock:
            ids = list(range(self.next_id, self.next_id + len(wanted)))
            self.next_id += len(wanted)
        points = self.support.create_entry_points(ids)
        stubs = {}
        made = []
        with self.lock:
            for ident, (entry, body), (stub, slot) in zip(ids, wanted.items(), points):
                self.targets[ident] = (jd, body, entry, slot, origin)
                stubs[entry] = stub
                made.append((entry, stub, slot))
        for callback in self.on_entry_points:
            callback(made)
        return stubs

    def reenter(self, ident: int) -> int:
        """First call through entry point ``ident``: link the body, redirect, return it.

        Runs on the calling thread (a ctypes callback). A body that fails to link ends the
        program with an error naming the function and the cause.
        """
        jd, body, entry, slot, origin = self.targets[ident]
        try:
            address = self.session.lookup_blocking(
                [(jd, JITDylibLookupFlags.MATCH_ALL_SYMBOLS)], [body])[body].address
        except PyJITLinkError as err:
            self.support.fatal(f"lazy call to '{entry}' failed: {err.message}",
                               err.file or origin)
            raise  # not reached: fatal ends the process
        except Exception as err:  # noqa: BLE001 - must not unwind into JIT'd frames
            self.support.fatal(f"lazy call to '{entry}' failed: internal error: "
                               f"{type(err).__name__}: {err}", origin)
            raise
        self.support.redirect(slot, address)
        with self.lock:
            self.reentries += 1
        return address


class LazyReexportsMaterializationUnit(MaterializationUnit):
    """Entry points for lazy bodies: materializing makes stubs, links nothing."""

    def __init__(self, manager: LazyReexportsManager, jd: JITDylib,
                 entries: dict[str, tuple[str, SymbolFlags]], origin: str | None) -> None:
        super().__init__({name: flags for name, (_, flags) in entries.items()},
                         f"<lazy reexports of {origin}>" if origin else "<lazy reexports>")
        self.manager = manager
        self.jd = jd
        self.bodies = {name: body for name, (body, _) in entries.items()}
        self.file = origin

    def materialize(self, r: MaterializationResponsibility) -> None:
        wanted = {name: self.bodies[name] for name in r.entries}
        stubs = self.manager._allocate(self.jd, wanted, self.file)
        r.notify_resolved(stubs)
        r.notify_emitted()


def lazy_entries_from_interface(interface: ObjectInterface
                                ) -> dict[str, tuple[str, SymbolFlags]] | None:
    """What ``lazy_entries`` will give for the object, from its symbol table alone (None if
    it must link eagerly): no graph is built until a body is first called."""
    if interface.has_initializers or not interface.symbols:
        return None
    entries = {}
    for name, (callable_, scope, linkage, _) in interface.symbols.items():
        if not callable_:
            return None
        flags = SymbolFlags.CALLABLE
        if scope is Scope.DEFAULT:
            flags |= SymbolFlags.EXPORTED
        if linkage is Linkage.WEAK:
            flags |= SymbolFlags.WEAK
        entries[name] = (name + BODY_SUFFIX, flags)
    return entries


def lazy_entries(graph: LinkGraph) -> dict[str, tuple[str, SymbolFlags]] | None:
    """Prepare ``graph`` for lazy linking; return its entry points, or None if it must link
    eagerly (it has static initializers or exported data, or nothing callable).

    Each callable non-local definition ``f`` becomes the hidden ``f$body``; every edge that
    pointed at it now points at the external ``f``, i.e. the entry point.
    """
    if has_initializers(graph):
        return None
    defined = [s for s in graph.defined_symbols() if s.name and s.scope is not Scope.LOCAL]
    if not defined or any(not s.callable for s in defined) or any(
            s.name for s in graph.absolute_symbols if s.scope is not Scope.LOCAL):
        return None
    entries: dict[str, tuple[str, SymbolFlags]] = {}
    renamed = {}
    for sym in defined:
        assert sym.name is not None
        flags = SymbolFlags.CALLABLE
        if sym.scope is Scope.DEFAULT:
            flags |= SymbolFlags.EXPORTED
        if sym.linkage is Linkage.WEAK:
            flags |= SymbolFlags.WEAK
        entry = sym.name
        sym.name = entry + BODY_SUFFIX
        sym.scope = Scope.HIDDEN
        entries[entry] = (sym.name, flags)
        renamed[id(sym)] = graph.add_external_symbol(entry)
    for block in graph.blocks():
        for edge in block.edges:
            external = renamed.get(id(edge.target))
            # Only references to the function's start move to the entry point (addend 0, or
            # -4 for x86-64 PC-relative fields); one into its middle keeps the body.
            if external is not None and edge.addend in (0, -4):
                edge.target = external
    return entries
