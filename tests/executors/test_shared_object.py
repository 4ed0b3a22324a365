"""The run-time ELF shared object writer: what llvm-readelf reads in it, and what glibc's
dlopen makes of it (a symbol dlsym finds, a TLS module whose image __tls_get_addr copies)."""

from __future__ import annotations

import ctypes
import os
import shutil
import struct
import subprocess
from pathlib import Path

from pyjitlink.executors.shared_object import (
    DF_STATIC_TLS,
    EM_X86_64,
    SharedObjectSymbol,
    SharedObjectWriter,
)

R_X86_64_DTPMOD64, R_X86_64_TPOFF64 = 16, 18


def _writer() -> tuple[SharedObjectWriter, int]:
    writer = SharedObjectWriter(EM_X86_64, soname="probe.so", flags=DF_STATIC_TLS)
    index = writer.add_data(struct.pack("<Q", 0x1122334455667788) + bytes(16))
    writer.set_tls(b"\x2a\0\0\0\x07\0\0\0", 64, 16)
    (place, *_), _ = writer.layout()
    writer.add_symbol(SharedObjectSymbol("probe_value", place, 8))
    writer.add_relocation(place + 8, R_X86_64_DTPMOD64)
    writer.add_relocation(place + 16, R_X86_64_TPOFF64)
    return writer, index


def test_readelf_sees_segments_symbols_and_relocations(tmp_path: Path) -> None:
    readelf = shutil.which("llvm-readelf") or "/usr/lib/llvm-14/bin/llvm-readelf"
    path = tmp_path / "probe.so"
    path.write_bytes(_writer()[0].build())
    out = subprocess.run([readelf, "-lsdr", "--dyn-syms", str(path)], capture_output=True,
                         text=True, check=True).stdout
    assert "DYN (Shared object file)" in out
    for segment in ("LOAD", "DYNAMIC", "TLS", "GNU_STACK"):
        assert f"  {segment} " in out, segment
    assert "probe_value" in out and "STATIC_TLS" in out
    relocations = subprocess.run([readelf, "--dyn-relocations", str(path)],
                                 capture_output=True, text=True, check=True).stdout
    assert "R_X86_64_DTPMOD64" in relocations and "R_X86_64_TPOFF64" in relocations


def test_glibc_loads_it(tmp_path: Path) -> None:
    path = tmp_path / "probe.so"
    path.write_bytes(_writer()[0].build())
    library = ctypes.CDLL(str(path), mode=os.RTLD_NOW | os.RTLD_LOCAL)
    address = ctypes.cast(library.probe_value, ctypes.c_void_p).value
    assert address is not None
    value, module, tp_offset = struct.unpack("<QQq", ctypes.string_at(address, 24))
    assert value == 0x1122334455667788
    # glibc applied the relocations: a module id, and a static block below the thread pointer.
    assert module >= 1 and tp_offset < 0 and tp_offset % 16 == 0
    tls_get_addr = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p)(
        ctypes.cast(getattr(ctypes.CDLL(None), "__tls_get_addr"), ctypes.c_void_p).value)
    index = (ctypes.c_uint64 * 2)(module, 4)
    variable = tls_get_addr(ctypes.addressof(index))
    assert ctypes.c_int.from_address(variable).value == 7  # the image's second word
    assert ctypes.c_int.from_address(variable + 8).value == 0  # zero fill after the image
