"""Typed executor services: what ORC plugins (orc/plugins) may ask of an executor.

An executor offers the services it has through ``services()`` (an ExecutorServices whose
absent services are None); the session builds one plugin per service present
(``orc.plugins.executor_plugins``). The plugins hold the link-time logic (which sections,
which edges, when); the services hold what only the executor can do (register with the
host's unwinder, map a stub near the code, remember a symbol for a fault report). This
module imports nothing of orc, so executors stay below it (tests/test_layers.py).

Thread-local storage is the TLSService of executors/base.py (``executor.tls``), used by
orc/platforms/tls.py.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from pyjitlink.jitlink.graph import LinkGraph

# lookup(address) -> (source file, line) or None
LineLookup = Callable[[int], "tuple[str, int] | None"]


class EHFrameRegistrar(Protocol):
    """Registers linked ``.eh_frame`` sections with the executor's unwinder (LLVM's
    EHFrameRegistrar; natively libgcc's ``__register_frame``), so C++ exceptions,
    ``backtrace()`` and debuggers unwind through JIT'd frames.

    ``address`` is the target address of the section's first record (a CIE); the section
    ends with a zero terminator (the graph keeps it, jitlink/eh_frame.py), ``size`` is its
    length in bytes including the terminator. Only a registered range may be deregistered
    (libgcc's ``__deregister_frame`` aborts the process otherwise).
    """

    def register_eh_frame(self, address: int, size: int) -> None: ...

    def deregister_eh_frame(self, address: int, size: int) -> None: ...


class NearProxyService(Protocol):
    """Near proxies for far host symbols (natively: code in the low 2 GiB arena referring
    to the C library near the top of the address space with 32-bit edges).

    ``arch`` is the architecture whose edge kinds the service knows. ``reachable(kind,
    place, target)`` is False when an edge of ``kind`` at target address ``place`` cannot
    encode ``target`` (True for kinds without a range limit); ``is_data_reference(kind)``
    tells an address or offset the program computes with from a branch destination;
    ``is_host_symbol(address)`` is True where the host's loader knows a symbol at
    ``address`` (only those may be bound to a proxy for a data reference, as ld binds a
    copy relocation or a canonical PLT entry). ``proxies_for({name: far address})`` returns
    {name: proxy address} in reach of the executor's code: a copy of a variable (libraries'
    GOT slots redirected to it) or a jump stub for a function.
    """

    arch: str

    def reachable(self, kind: int, place: int, target: int) -> bool: ...

    def is_data_reference(self, kind: int) -> bool: ...

    def is_host_symbol(self, address: int) -> bool: ...

    def proxies_for(self, targets: Mapping[str, int]) -> dict[str, int]: ...


class SymbolMapService(Protocol):
    """What the executor's fault reports know of the linked code, per resource tracker
    (``tracker`` is ``id(ResourceTracker)``): defined symbols (``add_graph``, after fixups),
    ``.eh_frame`` record addresses for the unwinder of its backtraces (``add_eh_frame``),
    source lines for [start, end) (``add_lines``, from DWARF). ``remove(tracker)`` forgets
    all three."""

    def add_graph(self, tracker: int, graph: LinkGraph) -> None: ...

    def add_eh_frame(self, tracker: int, record_addresses: list[int]) -> None: ...

    def add_lines(self, tracker: int, start: int, end: int, lookup: LineLookup) -> None: ...

    def remove(self, tracker: int) -> None: ...


class IRelativeService(Protocol):
    """The static executable's IRELATIVE table (``__rela_iplt_start``..``_end``): at
    start-up the C library calls ``resolver`` and stores its result at ``slot``. ``add``
    raises ExecutionError naming ``name`` when the table is full."""

    def add(self, slot: int, resolver: int, name: str) -> None: ...


class AtexitSetService(Protocol):
    """glibc's ``__libc_atexit`` set (functions ``exit`` runs last, ``_IO_cleanup``):
    ``add(pointers, name)`` appends the fixed-up little-endian 64-bit pointers of one
    graph's section; ExecutionError naming ``name`` when the table is full."""

    def add(self, pointers: bytes, name: str) -> None: ...


class StaticProcessService(Protocol):
    """A process the target's own C runtime starts, as a static executable
    (``-libc=target``): ``static_symbols`` are the names ``ld -static`` would define
    (``__ehdr_start``, ``__init_array_start``, ...) and their addresses;
    ``set_initializers(preinit, init, fini)`` fills the tables the C runtime's start-up and
    ``exit`` run; ``start_process(start, args)`` enters ``_start`` at ``start`` with
    ``args`` as argv on a real initial stack and returns the exit status (with ``main``,
    -entry's function, it goes on as ``_start`` would, at ``__libc_start_main`` at
    ``libc_start_main``, with ``main`` in the program's main's place); ``boot`` runs the
    start-up without ``main``, for calls from Python; ``noop`` is the address of a
    ``ret``."""

    noop: int

    @property
    def static_symbols(self) -> Mapping[str, int]: ...

    def boot(self, libc_start_main: int, args: Sequence[str]) -> None: ...

    def set_initializers(self, preinit: Sequence[int], init: Sequence[int],
                         fini: Sequence[int]) -> None: ...

    def start_process(self, start: int, args: Sequence[str], main: int | None = None,
                      libc_start_main: int = 0) -> int: ...


@dataclass(frozen=True)
class ExecutorServices:
    """The services one executor offers; None for those it has not."""

    symbol_map: SymbolMapService | None = None
    eh_frames: EHFrameRegistrar | None = None
    near_proxies: NearProxyService | None = None
    irelative: IRelativeService | None = None
    atexit_set: AtexitSetService | None = None
    static_process: StaticProcessService | None = None
    # External name -> the name it links to instead, in every graph (-libc=target's
    # __tls_get_addr: executors/linux/tls_get_addr.py).
    symbol_redirects: Mapping[str, str] | None = None
