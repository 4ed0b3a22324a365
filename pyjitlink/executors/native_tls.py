"""Thread-local storage for natively run code, through glibc's own TLS machinery.

Each graph with thread-local sections gets a TLS module of its own: a tiny ELF shared object
(executors/shared_object.py) whose PT_TLS has the graph's image and size, dlopen'ed from a
memfd. glibc then gives every thread, existing or future, its own block, initialised from the
image ("ELF Handling For Thread-Local Storage", Drepper, 3.4). The object carries two dynamic
relocations against itself that glibc resolves for us: R_X86_64_DTPMOD64 (its module id) and,
for static TLS, R_X86_64_TPOFF64 (its block's offset from the thread pointer). The TPOFF64
relocation is what makes glibc place the block in the surplus static TLS of every thread
(CHECK_STATIC_TLS), as for a dlopen'ed initial-exec library; when that surplus is too small
(glibc.rtld.optional_static_tls, 512 bytes by default), dlopen fails, and the module is made
again without it: dynamic models (__tls_get_addr, TLSDESC) still work, static ones cannot.
"""

from __future__ import annotations

import ctypes
import os
import struct
import threading
from typing import TYPE_CHECKING

from pyjitlink.errors import JITLinkError
from pyjitlink.executors.base import ImagesAtCreation, TLSModule
from pyjitlink.jitlink.graph import MemProt

if TYPE_CHECKING:
    from pyjitlink.executors.native import NativeArena

R_X86_64_DTPMOD64, R_X86_64_TPOFF64 = 16, 18
RTLD_NOW, RTLD_LOCAL = 2, 0
RTLD_DI_LINKMAP = 2

# The static resolver (glibc's _dl_tlsdesc_return): mov 8(%rax),%rax ; ret.
TLSDESC_STATIC = bytes.fromhex("488b4008c3")
# The dynamic resolver: saves every register the psABI lets a call clobber (the TLSDESC
# convention preserves them all, rax aside), calls __tls_get_addr(desc->arg) and returns its
# result minus %fs:0. Assembled from: push rdi,rsi,rdx,rcx,r8-r11; sub $264,%rsp (16-byte
# alignment for the call); movdqu xmm0-15 to the stack; mov 8(%rax),%rdi; movabs
# $__tls_get_addr,%rax; call *%rax; sub %fs:0,%rax; restore in reverse; ret.
_DYNAMIC_HEAD = bytes.fromhex(
    "5756525141504151415241534881ec08010000f30f7f0424f30f7f4c2410f30f7f542420f30f7f5c2430"
    "f30f7f642440f30f7f6c2450f30f7f742460f30f7f7c2470f3440f7f842480000000f3440f7f8c249000"
    "0000f3440f7f9424a0000000f3440f7f9c24b0000000f3440f7fa424c0000000f3440f7fac24d0000000"
    "f3440f7fb424e0000000f3440f7fbc24f0000000488b780848b8")
_DYNAMIC_TAIL = bytes.fromhex(
    "ffd064482b042500000000f30f6f0424f30f6f4c2410f30f6f542420f30f6f5c2430f30f6f642440f30f"
    "6f6c2450f30f6f742460f30f6f7c2470f3440f6f842480000000f3440f6f8c2490000000f3440f6f9424"
    "a0000000f3440f6f9c24b0000000f3440f6fa424c0000000f3440f6fac24d0000000f3440f6fb424e000"
    "0000f3440f6fbc24f00000004881c408010000415b415a41594158595a5e5fc3")

# Mach-O's getter (dyld's tlv_get_addr), called with the descriptor {getter, module, offset}
# in rdi: the same register saving around __tls_get_addr(&descriptor->module), but with
# ``lea 8(%rdi),%rdi`` for the argument and the address itself as the result (no TP offset).
_MOV_ARGUMENT, _LEA_ARGUMENT = bytes.fromhex("488b7808"), bytes.fromhex("488d7f08")
_SUB_TP = bytes.fromhex("64482b042500000000")
assert _DYNAMIC_HEAD[-6:-2] == _MOV_ARGUMENT and _DYNAMIC_TAIL[2:11] == _SUB_TP
_TLV_HEAD = _DYNAMIC_HEAD[:-6] + _LEA_ARGUMENT + _DYNAMIC_HEAD[-2:]
_TLV_TAIL = _DYNAMIC_TAIL[:2] + _DYNAMIC_TAIL[11:]

_dl = ctypes.CDLL(None, use_errno=True)
_dlinfo = _dl.dlinfo
_dlinfo.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p]
_dlinfo.restype = ctypes.c_int


class NativeTLS(ImagesAtCreation):
    """The native executor's TLSService (see executors.base.TLSService).

    ``arena`` provides the page the descriptor resolvers live in (commit/reserve, as
    NativeArena). Modules are never unloaded: code of a removed graph may have handed a
    thread-local address to code that still runs.
    """

    def __init__(self, arena: NativeArena) -> None:
        self.arena = arena
        self._resolvers: tuple[int, int, int] | None = None
        self._libraries: list[tuple[ctypes.CDLL, int]] = []
        self._count = 0
        self._lock = threading.Lock()

    def create_module(self, image: bytes, size: int, alignment: int, name: str) -> TLSModule:
        try:
            module_id, tp_offset = self._load(image, size, alignment, True)
            return TLSModule(module_id, tp_offset)
        except OSError as err:
            why = str(err).rsplit(": ", 1)[-1]
        try:
            module_id, _ = self._load(image, size, alignment, False)
        except OSError as err:
            raise JITLinkError(f"cannot create a TLS module of {size} bytes for its "
                               f"thread-local variables: {err}", name) from None
        return TLSModule(module_id, None, why)

    def _load(self, image: bytes, size: int, alignment: int, static: bool
              ) -> tuple[int, int | None]:
        with self._lock:
            self._count += 1
            count = self._count
        # Only programs with thread-local data pay for the writer's imports (hashlib, tempfile).
        from pyjitlink.executors.shared_object import (
            DF_STATIC_TLS,
            EM_X86_64,
            SharedObjectWriter,
        )

        writer = SharedObjectWriter(EM_X86_64, soname=f"pyjitlink-tls-{count}.so",
                                    flags=DF_STATIC_TLS if static else 0)
        writer.add_data(bytes(16))  # the two words glibc's relocations fill in
        writer.set_tls(image, max(size, 1), max(alignment, 1))
        (place, *_), _ = writer.layout()
        writer.add_relocation(place, R_X86_64_DTPMOD64)
        if static:
            writer.add_relocation(place + 8, R_X86_64_TPOFF64)
        assert writer.layout()[0][0] == place  # the relocations moved no data
        # The memfd stays open: glibc knows loaded objects by path, and a closed fd's number
        # (its /proc/self/fd path) would come back for the next module.
        fd = os.memfd_create(f"pyjitlink-tls-{count}")
        try:
            os.write(fd, writer.build())
            library = ctypes.CDLL(f"/proc/self/fd/{fd}", mode=RTLD_NOW | RTLD_LOCAL)
        except OSError:
            os.close(fd)
            raise
        self._libraries.append((library, fd))
        link_map = ctypes.c_void_p()
        if _dlinfo(library._handle, RTLD_DI_LINKMAP, ctypes.byref(link_map)) != 0:
            raise OSError("dlinfo failed")
        base = ctypes.c_uint64.from_address(link_map.value or 0).value  # l_addr
        module_id, tp_offset = struct.unpack("<Qq", ctypes.string_at(base + place, 16))
        return module_id, tp_offset if static else None

    def _stubs(self) -> tuple[int, int, int]:
        """The page of getters, made on first use: (static TLSDESC resolver, dynamic one,
        Mach-O TLV getter)."""
        with self._lock:
            if self._resolvers is None:
                function = getattr(_dl, "__tls_get_addr")
                address = struct.pack("<Q", ctypes.cast(function, ctypes.c_void_p).value or 0)
                arena = self.arena
                page = arena.reserve(arena.page_size)
                dynamic = _DYNAMIC_HEAD + address + _DYNAMIC_TAIL
                tlv = _TLV_HEAD + address + _TLV_TAIL
                code = TLSDESC_STATIC.ljust(16, b"\xcc") + dynamic.ljust(336, b"\xcc") + tlv
                arena.commit(page, code, arena.page_size, MemProt.READ | MemProt.EXEC)
                self._resolvers = (page, page + 16, page + 16 + 336)
            return self._resolvers

    def tlsdesc_resolvers(self) -> tuple[int, int]:
        static, dynamic, _ = self._stubs()
        return static, dynamic

    def tlv_bootstrap(self) -> int:
        return self._stubs()[2]
