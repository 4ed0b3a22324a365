"""``-perf-support``: tell Linux perf where JIT'd functions are.

Two channels, as perf reads them (linux tools/perf/Documentation/jit-interface.txt and
jitdump-specification.txt):

* the perf map ``/tmp/perf-PID.map``: one line ``START SIZE name`` (hex, no ``0x``) per
  function; ``perf report`` names samples in anonymous executable memory from it;
* the jitdump file ``$JITDUMPDIR/jit-PID.dump`` (only when ``JITDUMPDIR`` is set): a header
  and one ``JIT_CODE_LOAD`` record (name, address, size, a copy of the code) per function,
  with CLOCK_MONOTONIC timestamps (``perf record -k 1``); the file is mapped once read+exec,
  the marker ``perf record`` looks for to find it, and ``perf inject --jit`` turns its records
  into ELF files ``perf report`` can annotate. (LLVM's PerfSupportPlugin writes the same
  records through its JITLoaderPerf.)

Functions are the graph's named callable symbols with a size, written when the graph is
emitted (its code is in place).
"""

from __future__ import annotations

import ctypes
import mmap
import os
import struct
import threading
import time

from pyjitlink.jitlink.graph import LinkGraph
from pyjitlink.jitlink.target import Arch

JITDUMP_MAGIC = 0x4A695444
JITDUMP_VERSION = 1
JIT_CODE_LOAD, JIT_CODE_CLOSE = 0, 3
ELF_MACHINES: dict[str, int] = {Arch.X86_64: 62, Arch.AARCH64: 183}


def perf_map_path(pid: int | None = None) -> str:
    return f"/tmp/perf-{os.getpid() if pid is None else pid}.map"


def jitdump_path(directory: str, pid: int | None = None) -> str:
    return os.path.join(directory, f"jit-{os.getpid() if pid is None else pid}.dump")


def _timestamp() -> int:
    return time.clock_gettime_ns(time.CLOCK_MONOTONIC)


def graph_functions(graph: LinkGraph) -> list[tuple[int, int, str]]:
    """(address, size, name) of ``graph``'s named functions with a size, by address."""
    found = set()
    for sym in graph.defined_symbols():
        if sym.name and sym.callable and sym.size and not sym.name.startswith(("$", ".L")):
            found.add((sym.address, sym.size, sym.name))
    return sorted(found)


class PerfSupportPlugin:
    """ObjectLinkingLayer plugin writing the perf map and (with ``JITDUMPDIR``) jitdump."""

    def __init__(self, jitdump_dir: str | None = None, read_code: bool = True) -> None:
        self.lock = threading.Lock()
        self.map_path = perf_map_path()
        self._map = open(self.map_path, "a", encoding="utf-8",  # noqa: SIM115 - session-long
                         errors="surrogateescape")
        self.arch = os.uname().machine
        directory = jitdump_dir if jitdump_dir is not None else os.environ.get("JITDUMPDIR")
        self.dump_path: str | None = None
        self._dump = None
        self._marker: mmap.mmap | None = None
        self._index = 0
        self.read_code = read_code
        if directory:
            self.dump_path = jitdump_path(directory)
            self._dump = open(self.dump_path, "w+b")  # noqa: SIM115
            self._dump.write(struct.pack("<IIIIIIQQ", JITDUMP_MAGIC, JITDUMP_VERSION, 40,
                                         ELF_MACHINES.get(self.arch, 0), 0, os.getpid(),
                                         _timestamp(), 0))
            self._dump.flush()
            # The marker: perf record sees this mapping of jit-PID.dump and keeps the file.
            self._marker = mmap.mmap(self._dump.fileno(), 40, mmap.MAP_PRIVATE,
                                     mmap.PROT_READ | mmap.PROT_EXEC)

    def modify_pass_config(self, mr, graph: LinkGraph, config) -> None:  # type: ignore[no-untyped-def]
        pass

    def notify_emitted(self, mr, graph: LinkGraph, alloc) -> None:  # type: ignore[no-untyped-def]
        functions = graph_functions(graph)
        with self.lock:
            self._map.write("".join(f"{address:x} {size:x} {name}\n"
                                    for address, size, name in functions))
            self._map.flush()
            if self._dump is not None:
                pid, tid = os.getpid(), threading.get_native_id()
                for address, size, name in functions:
                    code = ctypes.string_at(address, size) if self.read_code else b""
                    encoded = name.encode("utf-8", "surrogateescape") + b"\0"
                    total = 16 + 40 + len(encoded) + len(code)
                    self._dump.write(struct.pack("<IIQIIQQQQ", JIT_CODE_LOAD, total,
                                                 _timestamp(), pid, tid, address, address,
                                                 len(code), self._index) + encoded + code)
                    self._index += 1
                self._dump.flush()

    def notify_remove_resources(self, tracker) -> None:  # type: ignore[no-untyped-def]
        pass
