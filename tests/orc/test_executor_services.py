"""The ORC plugins over typed executor services (orc/plugins, executors/services.py): what
reaches the service, and, natively, what the host's unwinder then sees."""

from __future__ import annotations

import ctypes
import struct
import subprocess
from collections.abc import Mapping
from pathlib import Path

from pyjitlink.arch.x86_64 import EdgeKind
from pyjitlink.executors.native import NearProxies
from pyjitlink.jitlink.graph import Linkage, LinkGraph, MemProt, Scope
from pyjitlink.jitlink.passes import PassConfiguration
from pyjitlink.orc.plugins import NearProxyPlugin
from pyjitlink.tool.session import Session

_libgcc = ctypes.CDLL("libgcc_s.so.1")
_find_fde = _libgcc._Unwind_Find_FDE
_find_fde.restype = ctypes.c_void_p
_find_fde.argtypes = [ctypes.c_void_p, ctypes.c_void_p]


class _Bases(ctypes.Structure):
    """libgcc's struct dwarf_eh_bases {void *tbase, *dbase, *func}."""

    _fields_ = [("tbase", ctypes.c_void_p), ("dbase", ctypes.c_void_p),
                ("func", ctypes.c_void_p)]


def _fde_for(pc: int) -> tuple[int, int] | None:
    """(FDE address, the function start libgcc reports) for ``pc``, or None."""
    bases = _Bases()
    fde = _find_fde(pc, ctypes.byref(bases))
    return None if not fde else (fde, bases.func or 0)


def test_an_eh_frame_registered_through_the_service_is_found_and_gone_after_remove(
        tmp_path: Path) -> None:
    """Natively the EHFrameRegistrar is libgcc's __register_frame: after the link,
    _Unwind_Find_FDE finds the function's FDE (its pc_begin, DW_EH_PE_pcrel|sdata4 as gcc
    emits it, is the function's address), and after the tracker is removed it finds none."""
    source = tmp_path / "f.c"
    source.write_text("int twice(int x) { return 2 * x; }\n")
    obj = tmp_path / "f.o"
    subprocess.run(["gcc", "-c", "-O1", "-fasynchronous-unwind-tables", str(source), "-o",
                    str(obj)], check=True)
    with Session() as session:
        tracker = session.main_jd.create_resource_tracker()
        session.add_object_file(session.main_jd, str(obj), tracker=tracker)
        twice = session.lookup("twice")
        found = _fde_for(twice + 1)
        assert found is not None
        fde, func = found
        assert func == twice
        (pc_begin,) = struct.unpack("<i", ctypes.string_at(fde + 8, 4))
        assert fde + 8 + pc_begin == twice
        session.remove(tracker)
        assert _fde_for(twice + 1) is None


class _FarHost:
    """A NearProxyService stand-in with the native executor's reach rules."""

    arch = "x86_64"
    reachable = staticmethod(NearProxies.reachable)
    is_data_reference = staticmethod(NearProxies.is_data_reference)

    def __init__(self, host: set[int]) -> None:
        self.host = host
        self.asked: list[dict[str, int]] = []

    def is_host_symbol(self, address: int) -> bool:
        return address in self.host

    def proxies_for(self, targets: Mapping[str, int]) -> dict[str, int]:
        self.asked.append(dict(targets))
        return {name: 0x1000 + 0x10 * i for i, name in enumerate(sorted(targets))}


def _graph_with_externals() -> LinkGraph:
    graph = LinkGraph("a.o", "x86_64", object_format="elf")
    text = graph.create_section(".text", MemProt.READ | MemProt.EXEC)
    block = graph.create_content_block(text, bytes(32), address=0x10000)
    graph.add_defined_symbol(block, 0, "f", 32, Linkage.STRONG, Scope.DEFAULT)
    far = 0x7F0000000000
    for name, address in (("call_me", far), ("host_var", far + 0x100),
                          ("abs_var", far + 0x200), ("near", 0x20000)):
        graph.add_external_symbol(name).absolute_address = address
    ext = graph.external_symbols
    block.add_edge(EdgeKind.BranchPCRel32, 1, ext["call_me"], 0)
    block.add_edge(EdgeKind.Delta32, 8, ext["host_var"], -4)
    block.add_edge(EdgeKind.Delta32, 12, ext["abs_var"], -4)
    block.add_edge(EdgeKind.Delta32, 16, ext["near"], -4)
    block.add_edge(EdgeKind.Pointer64, 20, ext["abs_var"], 0)
    return graph


def test_near_proxies_rebind_only_what_32_bits_cannot_reach() -> None:
    """Far call targets and far host variables get proxies; a far data reference to a
    non-host address (an -abs definition) keeps its address (its fixup then fails out of
    range, as with ld); a near target and 64-bit edges are left alone."""
    service = _FarHost(host={0x7F0000000100})
    graph = _graph_with_externals()
    config = PassConfiguration()
    NearProxyPlugin(service).modify_pass_config(None, graph, config)  # type: ignore[arg-type]
    (rebind,) = config.pre_fixup_passes
    rebind(graph)
    ext = graph.external_symbols
    assert service.asked == [{"call_me": 0x7F0000000000, "host_var": 0x7F0000000100}]
    assert (ext["call_me"].address, ext["host_var"].address) == (0x1000, 0x1010)
    assert ext["abs_var"].address == 0x7F0000000200
    assert ext["near"].address == 0x20000


def test_near_proxies_leave_other_architectures_alone() -> None:
    graph = LinkGraph("a.o", "aarch64", object_format="elf")
    config = PassConfiguration()
    NearProxyPlugin(_FarHost(set())).modify_pass_config(None, graph, config)  # type: ignore[arg-type]
    assert config.pre_fixup_passes == []
