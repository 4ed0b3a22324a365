"""The Executor protocol: where linked code lives and how it is called."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple, Protocol

from pyjitlink.executors.services import ExecutorServices
from pyjitlink.jitlink.memory import MemoryManager


class Executor(Protocol):
    """One home for linked code: the host process, an emulator, or nowhere (``-noexec``).

    ``arch`` is the target architecture ('x86_64', 'aarch64'); ``memory_manager`` places
    graphs; ``host_symbols`` lists names the executor defines for programs (libc shims);
    ``run_as_main(address, args)`` calls ``int main(int, char **, char **)`` with ``args`` as
    argv (no program name prepended, as llvm-jitlink does) and returns its result;
    ``run_void(address)`` calls ``void f(void)``; ``tls`` makes thread-local storage
    modules (see TLSService); ``services()`` gives the typed services ORC plugins use
    (executors/services.py).
    """

    arch: str
    memory_manager: MemoryManager
    tls: TLSService

    def host_symbol(self, name: str) -> int | None: ...

    def run_as_main(self, address: int, args: Sequence[str]) -> int: ...

    def run_void(self, address: int) -> None: ...

    def services(self) -> ExecutorServices: ...


class TLSModule(NamedTuple):
    """A thread-local storage module the executor made for one graph's TLS image.

    ``module_id`` is its dtv index (what __tls_get_addr's tls_index names); ``tp_offset`` is
    the signed offset of its block from every thread's thread pointer when it sits in static
    TLS (None otherwise, with ``why_dynamic`` saying why: the executor's words).
    """

    module_id: int
    tp_offset: int | None
    why_dynamic: str = ""


class TLSService(Protocol):
    """An executor's thread-local storage: modules and TLS descriptor resolvers.

    ``create_module(image, size, alignment, name)`` makes a module whose block (``size``
    bytes, aligned to ``alignment``) starts as ``image`` then zeros, in every thread that
    exists or will exist; it tries static TLS first. ``tlsdesc_resolvers()`` gives the
    addresses of the two descriptor resolvers: (static: returns the descriptor's argument,
    a TP offset; dynamic: the argument points at a tls_index {module, offset} that follows
    the descriptor and the resolver returns that variable's address minus TP).

    ``late_images`` is True for a service that reads module images only when the program
    starts (a static executable's PT_TLS): it takes each image again, fixed up, through
    ``update_image(module, image)`` after the graph's fixups, so an initializer may point
    into another object. Services without it make the block from ``create_module``'s image
    and never get ``update_image``.
    """

    late_images: bool

    def create_module(self, image: bytes, size: int, alignment: int, name: str) -> TLSModule:
        ...

    def update_image(self, module: TLSModule, image: bytes) -> None: ...

    def tlsdesc_resolvers(self) -> tuple[int, int]: ...

    def tlv_bootstrap(self) -> int:
        """Mach-O's thread-local variable getter: called with a descriptor {getter,
        module id, offset} in rdi / x0, it returns the variable's address in the calling
        thread and preserves every other register."""
        ...


class ImagesAtCreation:
    """Mixin for TLSServices that make a module's blocks from ``create_module``'s image
    (``late_images`` False): ``update_image`` is never called on them."""

    late_images = False

    def update_image(self, module: TLSModule, image: bytes) -> None:
        raise NotImplementedError("this TLS service takes images only in create_module")
