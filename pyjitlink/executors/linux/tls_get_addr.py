"""``__tls_get_addr`` for the emulated process: general- and local-dynamic TLS accesses.

``ld -static`` relaxes general- and local-dynamic accesses to local-exec, so a static glibc
needs no real ``__tls_get_addr``: x86-64's ``libc.a`` has none, and AArch64's (for
``-mtls-dialect=trad``) returns ``dtv[1] + ti_offset``, the one PT_TLS block of a static
program, whatever ``ti_module`` says. pyjitlink does not relax, and gives each object with
thread-local data its own TLS module, so references to ``__tls_get_addr`` are redirected to
a stub of ours (``NAME``): ``tp + offsets[ti_module] + ti_offset``, where ``offsets`` is a
table in emulated memory of each module's offset from the thread pointer (``TLSModule``'s
``tp_offset``, written as modules are made).
"""

from __future__ import annotations

import struct
from pyjitlink.jitlink.target import Arch


NAME = "__pyjitlink_tls_get_addr"
MODULES = 256  # entries of the offsets table: module ids 1 .. MODULES - 1
# The executor's symbol redirects (executors/services.py): external name -> the name linked.
REDIRECTS = {"__tls_get_addr": NAME}


def stub(arch: str, table: int) -> bytes:
    """The stub's code for ``arch`` with the offsets table at ``table`` (below 2 GiB)."""
    if arch == Arch.AARCH64:
        # ldr x1, [x0]; ldr x2, table; ldr x1, [x2, x1, lsl #3]; ldr x3, [x0, #8];
        # add x1, x1, x3; mrs x0, tpidr_el0; add x0, x0, x1; ret; table: .quad
        words = (0xF9400001, 0x580000E2, 0xF8617841, 0xF9400403, 0x8B030021, 0xD53BD040,
                 0x8B010000, 0xD65F03C0)
        return struct.pack("<8IQ", *words, table)
    # mov (%rdi),%rax; mov table(,%rax,8),%rax; add 8(%rdi),%rax; add %fs:0,%rax; ret
    return (bytes.fromhex("488b07488b04c5") + struct.pack("<i", table) +
            bytes.fromhex("48034708644803042500000000c3"))
