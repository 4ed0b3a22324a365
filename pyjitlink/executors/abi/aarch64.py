"""AArch64 (Linux, AAPCS64) as the executors see it; see abi.Target."""

from __future__ import annotations

import struct
from typing import Any

from pyjitlink.executors.abi import Target

SIGILL, SIGTRAP, SIGSYS = 4, 5, 31


def _disassembler() -> Any:
    import capstone  # type: ignore[import-untyped]

    return capstone.Cs(capstone.CS_ARCH_ARM64, capstone.CS_MODE_ARM)


def pointer_jump(stub: int, slot: int) -> bytes:
    """``adrp x16, slot; ldr x16, [x16, #slot & 0xfff]; br x16`` placed at ``stub``."""
    page_delta = (slot >> 12) - (stub >> 12)
    assert -(1 << 20) <= page_delta < (1 << 20) and slot % 8 == 0
    imm = page_delta & ((1 << 21) - 1)
    adrp = 0x90000000 | ((imm & 3) << 29) | ((imm >> 2) << 5) | 16
    ldr = 0xF9400000 | (((slot & 0xFFF) // 8) << 10) | (16 << 5) | 16
    br = 0xD61F0200
    return struct.pack("<III", adrp, ldr, br)


RET = struct.pack("<I", 0xD65F03C0)

AARCH64 = Target(
    name="aarch64",
    elf_machine=183,  # EM_AARCH64
    unicorn=(2, 0),  # UC_ARCH_ARM64, UC_MODE_ARM
    disassembler=_disassembler,
    thread_pointer="UC_ARM64_REG_TPIDR_EL0",
    # DWARF for the Arm 64-bit Architecture: x0-x30 are 0-30, sp is 31.
    dwarf_registers=tuple(f"UC_ARM64_REG_X{i}" for i in range(31)) + ("UC_ARM64_REG_SP",),
    # Linux: svc #0 with the number in x8, arguments in x0-x5, the result in x0.
    syscall_number="UC_ARM64_REG_X8",
    syscall_args=tuple(f"UC_ARM64_REG_X{i}" for i in range(6)),
    syscall_result="UC_ARM64_REG_X0",
    syscall_interrupt=2,  # EXCP_SWI: svc, the PC past it
    # Unicorn's (QEMU's) exception numbers: EXCP_UDEF, EXCP_SWI (an svc a process without
    # a system-call layer makes), EXCP_BKPT.
    interrupts={1: (SIGILL, "Illegal instruction"), 2: (SIGSYS, "Bad system call (svc)"),
                7: (SIGTRAP, "Trace/breakpoint trap")},
    trap_pc_adjust={},
    quiet_stop=None,
    return_address_on_stack=False,
    ret=RET,
    trap_slot=RET,
    never_run=b"\0\0\0\0",  # udf #0
    tlsdesc_return=struct.pack("<II", 0xF9400400, 0xD65F03C0),  # ldr x0, [x0, #8]; ret
    pointer_jump=pointer_jump,
    start_trampoline=None,  # x0 = 0: no rtld_fini in a static executable
    sigreturn_trampoline=struct.pack("<II", 0xD2801168, 0xD4000001),  # mov x8, #139; svc #0
    tls_variant=1,
    default_nan=0x7FF8000000000000,  # FPCR.DN's default NaN: sign clear
    # HWCAP_FP | HWCAP_ASIMD (what every ARMv8-A CPU Unicorn emulates has; no HWCAP_CPUID,
    # so glibc does not read MIDR_EL1).
    hwcap=0x3,
    irelative=1032,  # R_AARCH64_IRELATIVE
)
