"""Guest stores on Unicorn's inline fast path: one instruction of the loaded libunicorn.

Why. Unicorn 2.1.4 stubs QEMU's dirty-memory bitmap (``qemu/include/exec/ram_addr.h``:
``cpu_physical_memory_is_clean`` is always true), so ``tlb_set_page_with_attrs``
(``qemu/accel/tcg/cputlb.c``) sets ``TLB_NOTDIRTY`` in the write entry of every writable
page and ``notdirty_write`` can never clear it. Every guest store then misses the inline
TLB compare of the translated code and goes through ``store_helper``: Unicorn's region
lookup (``uc->memory_mapping``: ``flatview_translate``, ``phys_page_find``) and
``notdirty_write`` -> ``tb_invalidate_phys_page_fast``, for every store. That is about half
of an emulated run's CPU time (bench/README.md, "Emulation against qemu-aarch64").

What. ``enable(lib, arch)`` replaces the one instruction that sets the flag (``or $0x100,
%r8`` in ``tlb_set_page_with_attrs_aarch64``, ``or $0x400, %r9`` in ``..._x86_64``: the flag
is ``1 << (TARGET_PAGE_BITS_MIN - 2)``) by a NOP of the same length, written through
``/proc/self/mem`` (the kernel copies the page; nothing is ever mapped writable and
executable). Only an exact match of the instruction with its neighbours, once, inside the
function, is patched: the x86-64 Linux wheel of unicorn 2.1.4 on PyPI. Anything else (another
build or release, another host) is left as it is and runs as before. The environment variable
``PYJITLINK_UNICORN_PATCH=0`` turns it off.

What the flag did, and what stands in for it. ``TLB_NOTDIRTY`` is how QEMU notices guest
stores into pages that hold translated code (self-modifying code). Emulated code pages are
never writable in pyjitlink (segments are R-X, W^X); a range whose protection changes to or
from executable has its translations dropped (``Memory.protect``); and a guest mapping that
is writable and executable at once (a JIT's) calls ``restore``, which puts the original
instruction back for the rest of the process, after which the engine's TLB is flushed so its
new entries carry the flag again. Protection is unchanged: a page Unicorn maps without write
permission gets no write TLB entry, so a store to it still faults. Memory hooks are unchanged:
with a ``UC_HOOK_MEM_READ``/``WRITE`` hook Unicorn sends every access through the helpers,
decided when code is translated (``tcg/i386/tcg-target.c.inc``, ``tcg_out_tlb_load``).
"""

from __future__ import annotations

import ctypes
import os
from typing import Any

# (the instruction that sets TLB_NOTDIRTY, the instructions after it) by Unicorn arch name.
# Both are followed by ``cmpb $0x0,0x30(%rsi); je`` (section->readonly: TLB_DISCARD_WRITE).
_SITES = {
    "aarch64": bytes.fromhex("4981c800010000"),  # or $0x100,%r8
    "x86_64": bytes.fromhex("4981c900040000"),  # or $0x400,%r9
}
_AFTER = bytes.fromhex("807e30000f84")
_NOP7 = bytes.fromhex("0f1f8000000000")  # nopl 0x0(%rax)
_SEARCH = 4096  # bytes of the function searched (the site is at +0x649 / +0x65f)

_patched: dict[str, tuple[int, bytes]] = {}  # arch -> (address, original bytes)
_restored: set[str] = set()


def _function(lib: Any, arch: str) -> int | None:
    try:
        return ctypes.cast(getattr(lib, f"tlb_set_page_with_attrs_{arch}"),
                           ctypes.c_void_p).value
    except AttributeError:
        return None


def _poke(address: int, data: bytes) -> bool:
    try:
        with open("/proc/self/mem", "r+b", buffering=0) as mem:
            mem.seek(address)
            return mem.write(data) == len(data)
    except OSError:
        return False


def enable(lib: Any, arch: str) -> bool:
    """Patch ``lib`` (libunicorn, loaded) so that ``arch``'s writable pages take guest stores
    inline; True if that is (now or already) the case. Idempotent; does nothing once
    ``restore`` ran for ``arch`` in this process, for another build than the one known, or
    with ``PYJITLINK_UNICORN_PATCH=0``."""
    if arch in _patched:
        return True
    site = _SITES.get(arch)
    if site is None or arch in _restored or os.environ.get("PYJITLINK_UNICORN_PATCH") == "0":
        return False
    start = _function(lib, arch)
    if start is None:
        return False
    code = ctypes.string_at(start, _SEARCH)
    where = code.find(site + _AFTER)
    if where < 0 or code.find(site + _AFTER, where + 1) >= 0:
        return False
    if not _poke(start + where, _NOP7):
        return False
    _patched[arch] = (start + where, site)
    return True


def enabled(arch: str) -> bool:
    return arch in _patched


def restore(arch: str) -> bool:
    """Put the original instruction back (a guest mapping is writable and executable: its
    stores must invalidate translations again); True if it was patched. The caller flushes
    its engine's TLB, whose entries made meanwhile lack the flag."""
    entry = _patched.pop(arch, None)
    _restored.add(arch)
    if entry is None:
        return False
    address, original = entry
    _poke(address, original)
    return True
