"""ExecutionSession: JITDylibs, asynchronous lookup, symbol states, the task dispatcher.

Lookups are asynchronous: ``lookup`` finds each name along a search order (running definition
generators where a JITDylib lacks it), starts the materialization of units that define what is
needed, and calls ``on_complete`` once every symbol reached the required state (or with the
first error). Materializations and completions run as tasks on the dispatcher, so nothing
waits by blocking a thread; ``lookup_blocking`` is the thin blocking wrapper for the edges
(tool, tests). Semantics follow ORC's ExecutionSession/JITDylib (llvm/ExecutionEngine/Orc/Core).
"""

from __future__ import annotations

import os
import threading
from collections import deque
from functools import partial
from collections.abc import Callable, Iterable, Mapping
from typing import Protocol, TextIO

from pyjitlink.errors import LookupCycle, OrcError, SymbolsNotFound
from pyjitlink.orc.jitdylib import JITDylib, SymbolTableEntry
from pyjitlink.orc.materialization import MaterializationResponsibility
from pyjitlink.orc.resources import ResourceManager, ResourceTracker
from pyjitlink.orc.symbols import (
    ExecutorSymbolDef,
    JITDylibLookupFlags,
    SymbolFlags,
    SymbolLookupFlags,
    SymbolState,
)

Task = Callable[[], None]
_LOOKUP_FLAG_NAMES = {JITDylibLookupFlags.MATCH_ALL_SYMBOLS: "MatchAllSymbols",
                      JITDylibLookupFlags.MATCH_EXPORTED_SYMBOLS_ONLY: "MatchExportedSymbolsOnly"}
SearchOrder = list[tuple[JITDylib, JITDylibLookupFlags]]
# What a lookup delivers: name -> definition (with the table entry, for dependency tracking).
LookupResult = dict[str, tuple[ExecutorSymbolDef, SymbolTableEntry]]
# Every flags value with EXPORTED set: a set probe instead of IntFlag's ``&`` (Python code).
_EXPORTED_FLAGS = frozenset(SymbolFlags(v) for v in range(2 * max(SymbolFlags))
                            if v & SymbolFlags.EXPORTED)
# ExecutorSymbolDef((address, flags)) without NamedTuple's Python-level __new__: one per
# symbol a lookup reaches.
_symbol_def = partial(tuple.__new__, ExecutorSymbolDef)


class TaskDispatcher(Protocol):
    """Runs the session's tasks. ``on_idle`` (set by the ExecutionSession) is called when no
    task is queued or running while work may still be waiting; it returns True if it made
    progress possible (it failed stuck materializations, see ExecutionSession._on_idle).
    ``is_idle`` tells whether no task is queued or running."""

    on_idle: Callable[[], bool] | None

    def dispatch(self, task: Task) -> None: ...

    def run_until(self, done: Callable[[], bool]) -> None:
        """Block the calling thread until ``done()`` is true, helping to run tasks if useful."""

    def is_idle(self) -> bool: ...

    def shutdown(self) -> None: ...


class InPlaceTaskDispatcher:
    """Runs tasks on the threads that wait (``run_until``), in dispatch order.

    Tasks go on a queue instead of running inside ``dispatch``, so a chain of N dependent links
    uses constant stack depth. With ``-num-threads 0`` this is llvm-jitlink's in-place mode.
    Several threads may wait at once (JIT'd threads making first calls to lazy functions):
    each runs queued tasks; one whose queue is empty waits while another runs a task. A wait
    with nothing queued and nothing running can never end unless ``on_idle`` breaks a cycle
    of materializations waiting for each other; if it cannot, that raises OrcError.
    """

    def __init__(self) -> None:
        self.queue: deque[Task] = deque()
        self.cond = threading.Condition()
        self.running = 0
        self.on_idle: Callable[[], bool] | None = None

    def dispatch(self, task: Task) -> None:
        with self.cond:
            self.queue.append(task)
            self.cond.notify_all()

    def run_until(self, done: Callable[[], bool]) -> None:
        cond = self.cond
        while True:
            task: Task | None = None
            with cond:
                while True:
                    if done():
                        return
                    if self.queue:
                        task = self.queue.popleft()
                        self.running += 1
                        break
                    if self.running == 0:
                        break  # idle: see below, without holding the condition's lock
                    cond.wait(0.05)
            if task is None:
                if self.on_idle is None or not self.on_idle():
                    raise OrcError("internal error: lookup cannot complete (no work left)")
                with cond:  # another thread is about to dispatch, or on_idle did
                    if not self.queue and self.running == 0 and not done():
                        cond.wait(0.05)
                continue
            try:
                task()
            finally:
                with cond:
                    self.running -= 1
                    cond.notify_all()

    def is_idle(self) -> bool:
        with self.cond:
            return not self.queue and self.running == 0

    def shutdown(self) -> None:
        with self.cond:
            self.queue.clear()


class ThreadPoolTaskDispatcher:
    """Runs tasks on a fixed pool of ``num_threads`` worker threads (ORC's
    DynamicThreadPoolTaskDispatcher with a fixed size).

    No task ever blocks waiting for another (links continue through callbacks), so any number
    of mutually dependent links completes on any number of workers. ``run_until`` blocks the
    calling (non-worker) thread until its condition holds, re-checking after every task. An
    exception escaping a task is kept and re-raised by ``run_until``: a bug, never a hang.
    """

    def __init__(self, num_threads: int) -> None:
        if num_threads < 1:
            raise ValueError("a thread pool needs at least one thread")
        self.queue: deque[Task] = deque()
        self.cond = threading.Condition()
        self.stopping = False
        self.error: BaseException | None = None
        self.busy = 0  # workers running a task
        self.on_idle: Callable[[], bool] | None = None
        self.num_threads = num_threads
        self.workers: list[threading.Thread] = []
        self._start_workers()

    def _start_workers(self) -> None:
        self.pid = os.getpid()
        self.workers = [threading.Thread(target=self._work, name=f"pyjitlink-worker-{i}",
                                         daemon=True) for i in range(self.num_threads)]
        for worker in self.workers:
            worker.start()

    def _check_fork(self) -> None:
        """In a forked child (an emulated program's fork is the host's), the workers did
        not come along (only the forking thread does): the pool starts again, with a new
        condition (a worker may have held the old one's lock at the fork), before a task
        is queued for threads that are gone."""
        if self.pid != os.getpid() and not self.stopping:
            self.cond = threading.Condition()
            self.busy = 0
            self._start_workers()

    def dispatch(self, task: Task) -> None:
        self._check_fork()
        with self.cond:
            self.queue.append(task)
            self.cond.notify_all()

    def _work(self) -> None:
        cond = self.cond
        while True:
            with cond:
                while not self.queue and not self.stopping:
                    cond.wait()
                if self.stopping:
                    return
                task = self.queue.popleft()
                self.busy += 1
            try:
                task()
            except BaseException as err:  # noqa: BLE001 - kept for run_until to re-raise
                with cond:
                    self.error = self.error or err
            with cond:
                self.busy -= 1
                idle = not self.queue and self.busy == 0 and not self.stopping
                cond.notify_all()
            if idle and self.on_idle is not None:
                # The last task ended and none is queued: whatever still waits waits for
                # something that cannot happen (a cycle); the session fails it.
                try:
                    self.on_idle()
                except BaseException as err:  # noqa: BLE001 - kept for run_until
                    with cond:
                        self.error = self.error or err
                        cond.notify_all()

    def run_until(self, done: Callable[[], bool]) -> None:
        self._check_fork()
        with self.cond:
            while not done():
                if self.error is not None:
                    raise self.error
                self.cond.wait(0.5)

    def is_idle(self) -> bool:
        with self.cond:
            return not self.queue and self.busy == 0

    def shutdown(self) -> None:
        with self.cond:
            self.stopping = True
            self.queue.clear()
            self.cond.notify_all()
        for worker in self.workers:
            if worker is not threading.current_thread():
                worker.join(timeout=5)


def make_dispatcher(num_threads: int) -> TaskDispatcher:
    """``-num-threads N``: in place for 0, else a pool of N threads."""
    return InPlaceTaskDispatcher() if num_threads == 0 else ThreadPoolTaskDispatcher(num_threads)


class AsynchronousSymbolQuery:
    """A lookup in flight: the names still outstanding and the callback to call once."""

    def __init__(self, names: Iterable[str], required_state: SymbolState,
                 on_complete: Callable[[LookupResult | Exception], None]) -> None:
        self.required_state = required_state
        self.on_complete = on_complete
        self.pending = set(names)
        self.results: LookupResult = {}
        self.done = False

    def met(self, name: str, entry: SymbolTableEntry) -> bool:
        """Record ``name`` as satisfied; True if that completed the query."""
        if self.done or name not in self.pending:
            return False
        self.pending.discard(name)
        self.results[name] = (_symbol_def((entry.address, entry.flags)), entry)
        if not self.pending:
            self.done = True
            return True
        return False


class ExecutionSession:
    """Owns JITDylibs and the dispatcher; runs lookups and tracks symbol states."""

    def __init__(self, dispatcher: TaskDispatcher | None = None) -> None:
        """An empty session whose tasks (materializations, lookup callbacks) run on ``dispatcher``:
        in place on the calling thread by default, or a ThreadPoolTaskDispatcher's threads
        (``make_dispatcher(n)``; LLVM's TaskDispatcher)."""
        self.dispatcher: TaskDispatcher = dispatcher or InPlaceTaskDispatcher()
        self.lock = threading.RLock()
        self.jit_dylibs: dict[str, JITDylib] = {}
        self.resource_managers: list[ResourceManager] = []
        # Units materializing and not yet emitted or failed; emitted units not yet ready.
        self._in_flight = 0
        self._pending_ready: list[MaterializationResponsibility] = []
        # Responsibilities whose materialize task has started and that have not finished,
        # and how many were created but have not started yet (their task may be about to be
        # dispatched by a thread outside the dispatcher).
        self._materializing: set[MaterializationResponsibility] = set()
        self._unstarted = 0
        if hasattr(self.dispatcher, "on_idle"):
            self.dispatcher.on_idle = self._on_idle

    # ------------------------------------------------------------------ JITDylibs

    def create_jit_dylib(self, name: str) -> JITDylib:
        """A new, empty JITDylib called ``name`` whose link order is itself
        (``ExecutionSession::createBareJITDylib``). OrcError if the session has one of that name
        already."""
        with self.lock:
            if name in self.jit_dylibs:
                raise OrcError(f"JITDylib '{name}' already exists")
            jd = JITDylib(self, name)
            self.jit_dylibs[name] = jd
            return jd

    def get_jit_dylib(self, name: str) -> JITDylib | None:
        """The JITDylib called ``name``, or None (``getJITDylibByName``)."""
        return self.jit_dylibs.get(name)

    def register_resource_manager(self, rm: ResourceManager) -> None:
        """Have ``rm`` (a ResourceManager: the ObjectLinkingLayer, the lazy-reexports manager) free
        and transfer what it holds for a ResourceTracker when the tracker is removed or transferred
        (``registerResourceManager``)."""
        self.resource_managers.append(rm)

    # ------------------------------------------------------------------ lookup

    def lookup(self, search_order: SearchOrder, symbols: Mapping[str, SymbolLookupFlags],
               on_complete: Callable[[LookupResult | Exception], None],
               required_state: SymbolState = SymbolState.READY) -> None:
        """Find ``symbols`` along ``search_order``; ``on_complete`` gets the result or an error.

        Required names that no JITDylib (nor its generators) defines fail the query with
        SymbolsNotFound; weakly referenced ones are simply absent from the result.
        """
        to_materialize: list[MaterializationResponsibility] = []
        error: Exception | None = None
        with self.lock:
            query = AsynchronousSymbolQuery([], required_state, on_complete)
            found: dict[str, SymbolTableEntry] = {}
            unresolved = dict(symbols)
            for jd, flags in search_order:
                if not unresolved:
                    break
                self._match(jd, flags, unresolved, found)
                if unresolved and jd.generators:
                    for generator in jd.generators:
                        try:
                            generator.try_to_generate(jd, flags, list(unresolved))
                        except Exception as err:  # noqa: BLE001 - handed to the query
                            error = err
                            break
                        self._match(jd, flags, unresolved, found)
                        if not unresolved:
                            break
                if error is not None:
                    break
            missing = [n for n, f in unresolved.items()
                       if f is SymbolLookupFlags.REQUIRED_SYMBOL]
            if error is None and missing:
                error = SymbolsNotFound(missing)
            if error is None:
                pending = query.pending
                results = query.results
                for name, entry in found.items():
                    if entry.error is not None:
                        error = entry.error
                        break
                    state = entry.state
                    if state >= required_state:
                        results[name] = (_symbol_def((entry.address, entry.flags)), entry)
                        continue
                    pending.add(name)
                    entry.queries.append(query)
                    if state is SymbolState.NEVER_SEARCHED:
                        to_materialize.append(self._start_materializing(entry))
                if error is not None:
                    query.done = True
                    for entry in found.values():
                        if query in entry.queries:
                            entry.queries.remove(query)
                elif not pending:
                    query.done = True
                    self.dispatcher.dispatch(lambda: on_complete(results))
        if error is not None:
            failure: Exception = error
            self.dispatcher.dispatch(lambda: on_complete(failure))
        for mr in to_materialize:
            self._dispatch_materialization(mr)

    @staticmethod
    def _match(jd: JITDylib, flags: JITDylibLookupFlags, unresolved: dict[str, SymbolLookupFlags],
               found: dict[str, SymbolTableEntry]) -> None:
        symbols = jd.symbols
        exported_only = flags is JITDylibLookupFlags.MATCH_EXPORTED_SYMBOLS_ONLY
        for name in list(unresolved):
            entry = symbols.get(name)
            if entry is None or (exported_only and entry.flags not in _EXPORTED_FLAGS):
                continue
            found[name] = entry
            del unresolved[name]

    def _start_materializing(self, entry: SymbolTableEntry) -> MaterializationResponsibility:
        mu = entry.mu
        assert mu is not None
        jd = entry.jd
        entries = [e for e in (jd.symbols.get(n) for n in mu.symbols)
                   if e is not None and e.mu is mu]
        mr = MaterializationResponsibility(self, jd, mu, entries, entry.tracker)
        self._in_flight += 1
        self._unstarted += 1
        for e in entries:
            e.state = SymbolState.MATERIALIZING
            e.mu = None
            e.mr = mr
        return mr

    def _dispatch_materialization(self, mr: MaterializationResponsibility) -> None:
        def run() -> None:
            with self.lock:
                self._unstarted -= 1
                if not mr.finished:
                    self._materializing.add(mr)
            try:
                mr.unit.materialize(mr)
            except Exception as err:
                if not mr.finished:
                    mr.fail_materialization(err)
                else:
                    raise
        self.dispatcher.dispatch(run)

    def lookup_blocking(self, search_order: SearchOrder, names: Iterable[str],
                        required_state: SymbolState = SymbolState.READY,
                        weak: Iterable[str] = ()) -> dict[str, ExecutorSymbolDef]:
        """Blocking wrapper of ``lookup`` for tools and tests; raises the lookup's error."""
        box: list[LookupResult | Exception] = []
        symbols = {n: SymbolLookupFlags.REQUIRED_SYMBOL for n in names}
        symbols.update({n: SymbolLookupFlags.WEAKLY_REFERENCED_SYMBOL for n in weak})
        self.lookup(search_order, symbols, box.append, required_state)
        self.dispatcher.run_until(lambda: bool(box))
        result = box[0]
        if isinstance(result, Exception):
            raise result
        return {name: d for name, (d, _) in result.items()}

    # ------------------------------------------------------------------ state transitions

    def _wake(self, entry: SymbolTableEntry, completed: list[AsynchronousSymbolQuery]) -> None:
        keep = []
        state = entry.state
        name = entry.name
        definition = None
        for query in entry.queries:
            if query.done:
                continue
            if state >= query.required_state:
                # AsynchronousSymbolQuery.met, inline (one definition for every query).
                pending = query.pending
                if name in pending:
                    pending.discard(name)
                    if definition is None:
                        definition = (_symbol_def((entry.address, entry.flags)), entry)
                    query.results[name] = definition
                    if not pending:
                        query.done = True
                        completed.append(query)
            else:
                keep.append(query)
        entry.queries = keep

    def _complete(self, completed: list[AsynchronousSymbolQuery]) -> None:
        for query in completed:
            self.dispatcher.dispatch(partial(query.on_complete, query.results))

    def notify_resolved(self, mr: MaterializationResponsibility,
                        addresses: Mapping[str, int]) -> None:
        """``mr``'s symbols have addresses (``addresses``: name -> address, an int): they become
        Resolved and queries waiting for that state complete
        (``MaterializationResponsibility::notifyResolved``). Called by materialization units, not by
        users."""
        completed: list[AsynchronousSymbolQuery] = []
        with self.lock:
            for name, entry in mr.entries.items():
                address = addresses.get(name)
                if address is None:
                    raise OrcError(f"materialization of {mr.unit.name} did not resolve "
                                   f"symbol {name}")
                entry.address = address
                entry.state = SymbolState.RESOLVED
                if entry.queries:
                    self._wake(entry, completed)
        self._complete(completed)

    def notify_emitted(self, mr: MaterializationResponsibility) -> None:
        """``mr``'s memory is final; its symbols become READY once every unit they can reach
        through dependencies has emitted.

        A unit whose dependencies are all READY is ready at once (leaves, chains). Any other
        waits in ``_pending_ready`` until no materialization is in flight; then every pending
        unit's closure is emitted, so all become ready together, except those that reach a
        failed symbol, which fail. That is never early (no code can run before what it calls
        is emitted), costs time linear in the dependencies, and makes cycles of any size
        ready once their last member emits.
        """
        completed: list[AsynchronousSymbolQuery] = []
        failures: list[tuple[MaterializationResponsibility, Exception]] = []
        with self.lock:
            mr.finished = True
            self._in_flight -= 1
            self._materializing.discard(mr)
            for entry in mr.entries.values():
                entry.state = SymbolState.EMITTED
                if entry.queries:
                    self._wake(entry, completed)
            if all(dep.state is SymbolState.READY or dep.mr is mr for dep in mr.dependencies):
                self._make_ready(mr, completed)
            else:
                self._pending_ready.append(mr)
            if self._in_flight == 0 and self._pending_ready:
                failures = self._flush_pending_ready(completed)
        self._complete(completed)
        for unit, err in failures:
            self._fail(unit, err)

    def _make_ready(self, mr: MaterializationResponsibility,
                    completed: list[AsynchronousSymbolQuery]) -> None:
        for entry in mr.entries.values():
            entry.state = SymbolState.READY
            entry.mr = None
            if entry.queries:
                self._wake(entry, completed)

    def _flush_pending_ready(self, completed: list[AsynchronousSymbolQuery]
                             ) -> list[tuple[MaterializationResponsibility, Exception]]:
        """Nothing is in flight: ready every pending unit except those reaching a failure."""
        pending = self._pending_ready
        self._pending_ready = []
        members = set(pending)
        dependents: dict[MaterializationResponsibility, list[MaterializationResponsibility]] = {}
        failed: dict[MaterializationResponsibility, Exception] = {}
        for unit in pending:
            for dep in unit.dependencies:
                if dep.error is not None:
                    failed.setdefault(unit, dep.error)
                elif dep.mr in members and dep.mr is not unit:
                    dependents.setdefault(dep.mr, []).append(unit)
        work = list(failed)
        while work:
            unit = work.pop()
            for dependent in dependents.get(unit, ()):
                if dependent not in failed:
                    failed[dependent] = failed[unit]
                    work.append(dependent)
        for unit in pending:
            if unit not in failed:
                self._make_ready(unit, completed)
        return list(failed.items())

    def notify_failed(self, mr: MaterializationResponsibility, err: Exception) -> None:
        """``mr`` failed with ``err``: its symbols carry the error, and every query and dependent
        waiting on them fails with it (``MaterializationResponsibility::failMaterialization``).
        Called by materialization units, not by users."""
        completed: list[AsynchronousSymbolQuery] = []
        failures: list[tuple[MaterializationResponsibility, Exception]] = []
        with self.lock:
            if not mr.finished:
                mr.finished = True
                self._in_flight -= 1
            self._materializing.discard(mr)
        self._fail(mr, err)
        with self.lock:
            if self._in_flight == 0 and self._pending_ready:
                failures = self._flush_pending_ready(completed)
        self._complete(completed)
        for unit, unit_err in failures:
            self._fail(unit, unit_err)

    def _on_idle(self) -> bool:
        """No task is queued or running: every materialization that started and has not
        finished waits, directly or not, for one of the others (``-alias a=b -alias b=a``:
        each alias waits for the other's address). Nothing can ever wake them, so they all
        fail with a LookupCycle naming their symbols, and so does every query that waits
        on them. Returns False if there was nothing to fail."""
        with self.lock:
            if self._unstarted or not self.dispatcher.is_idle():
                return True  # work arrived or is about to: not stuck
            stuck = [mr for mr in self._materializing if not mr.finished]
            if not stuck:
                return False
            names = sorted(name for mr in stuck for name in mr.entries)
            origins = sorted({mr.unit.origin for mr in stuck if mr.unit.origin})
            error = LookupCycle(names, origins[0] if origins else None)
        for mr in sorted(stuck, key=lambda m: sorted(m.entries)):
            self.notify_failed(mr, error)
        return True

    def _fail(self, mr: MaterializationResponsibility, err: Exception) -> None:
        """Fail ``mr``'s symbols and every query waiting on them."""
        to_notify: list[AsynchronousSymbolQuery] = []
        with self.lock:
            for entry in mr.entries.values():
                entry.error = err
                for query in entry.queries:
                    if not query.done:
                        query.done = True
                        to_notify.append(query)
                entry.queries = []
        for query in to_notify:
            self.dispatcher.dispatch(partial(query.on_complete, err))

    # ------------------------------------------------------------------ resources

    def remove_resource_tracker(self, tracker: ResourceTracker) -> None:
        """Remove what ``tracker`` owns (``ResourceTracker::remove``): its symbols leave its
        JITDylib, then every resource manager frees its memory and registrations. The tracker is
        defunct afterwards."""
        with self.lock:
            tracker.defunct = True
            jd = tracker.jd
            for name in [n for n, e in jd.symbols.items() if e.tracker is tracker]:
                del jd.symbols[name]
        for rm in self.resource_managers:
            rm.handle_remove_resources(tracker)

    def transfer_resource_tracker(self, dst: ResourceTracker, src: ResourceTracker) -> None:
        """Move what ``src`` owns to ``dst`` (both of one JITDylib;
        ``ResourceTracker::transferTo``): its symbols and every resource manager's records."""
        with self.lock:
            for entry in src.jd.symbols.values():
                if entry.tracker is src:
                    entry.tracker = dst
        for rm in self.resource_managers:
            rm.handle_transfer_resources(dst, src)

    def clear_jit_dylib(self, jd: JITDylib) -> None:
        """Remove everything ``jd`` holds, tracker by tracker (``JITDylib::clear``); ``jd`` stays,
        empty, with a new default tracker."""
        trackers = {id(e.tracker): e.tracker for e in jd.symbols.values()}
        trackers[id(jd.default_tracker)] = jd.default_tracker
        for tracker in trackers.values():
            self.remove_resource_tracker(tracker)
        jd.default_tracker = ResourceTracker(jd)

    def dump(self, out: TextIO) -> None:
        """Every JITDylib, its link order and symbol table, in LLVM's ``ExecutionSession::dump``
        wording (JITDylibs in creation order, symbols sorted by name)."""
        states = {SymbolState.NEVER_SEARCHED: "Never-Searched",
                  SymbolState.MATERIALIZING: "Materializing", SymbolState.RESOLVED: "Resolved",
                  SymbolState.EMITTED: "Emitted", SymbolState.READY: "Ready"}
        with self.lock:
            for jd in self.jit_dylibs.values():
                out.write(f'JITDylib "{jd.name}" (ES: {id(self):#018x}, State = Open)\n')
                order = ", ".join(f'("{j.name}", {_LOOKUP_FLAG_NAMES[f]})'
                                  for j, f in jd.link_order)
                out.write(f"Link order: [ {order} ]\n" if order else "Link order: [ ]\n")
                out.write("Symbol table:\n")
                for name in sorted(jd.symbols):
                    entry = jd.symbols[name]
                    flags = entry.flags
                    text = "[*ERROR*]" if entry.error is not None else ""
                    text += "[Callable]" if flags & SymbolFlags.CALLABLE else "[Data]"
                    if flags & SymbolFlags.WEAK:
                        text += "[Weak]"
                    elif flags & SymbolFlags.COMMON:
                        text += "[Common]"
                    if not flags & SymbolFlags.EXPORTED:
                        text += "[Hidden]"
                    where = f"{entry.address:#x}" if entry.address else "<not resolved> "
                    line = f'    "{name}": {where} {text} {states[entry.state]}'
                    if entry.mu is not None:
                        line += f" (Materializer {id(entry.mu):#x}, {entry.mu.name})"
                    out.write(line + "\n")

    def end_session(self) -> None:
        """Clear every JITDylib (their code unmapped, registrations undone) and stop the
        dispatcher's threads (``ExecutionSession::endSession``). The session cannot be used
        afterwards."""
        for jd in list(self.jit_dylibs.values()):
            jd.clear()
        self.dispatcher.shutdown()

