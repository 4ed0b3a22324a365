"""The Executor protocol: where linked code lives and how it is called."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from pyjitlink.jitlink.memory import MemoryManager


class Executor(Protocol):
    """One home for linked code: the host process, an emulator, or nowhere (``-noexec``).

    ``arch`` is the target architecture ('x86_64', 'aarch64'); ``memory_manager`` places
    graphs; ``host_symbols`` lists names the executor defines for programs (libc shims);
    ``run_as_main(address, args)`` calls ``int main(int, char **, char **)`` with ``args`` as
    argv (no program name prepended, as llvm-jitlink does) and returns its result;
    ``run_void(address)`` calls ``void f(void)``.
    """

    arch: str
    memory_manager: MemoryManager

    def host_symbol(self, name: str) -> int | None: ...

    def run_as_main(self, address: int, args: Sequence[str]) -> int: ...

    def run_void(self, address: int) -> None: ...
