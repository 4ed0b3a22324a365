"""x86-64 (Linux, System V) as the executors see it; see abi.Target."""

from __future__ import annotations

import struct
from typing import Any

from pyjitlink.executors.abi import Target

SIGILL, SIGTRAP, SIGBUS, SIGFPE, SIGSEGV = 4, 5, 7, 8, 11


def _disassembler() -> Any:
    import capstone  # type: ignore[import-untyped]

    return capstone.Cs(capstone.CS_ARCH_X86, capstone.CS_MODE_64)


def pointer_jump(stub: int, slot: int) -> bytes:
    """``jmp *slot(%rip)`` placed at ``stub``."""
    return b"\xff\x25" + struct.pack("<i", slot - (stub + 6))


X86_64 = Target(
    name="x86_64",
    elf_machine=62,  # EM_X86_64
    unicorn=(4, 8),  # UC_ARCH_X86, UC_MODE_64
    disassembler=_disassembler,
    thread_pointer="UC_X86_REG_FS_BASE",
    # System V AMD64 psABI, "DWARF Register Number Mapping": rax, rdx, rcx, rbx, rsi, rdi,
    # rbp, rsp, then r8-r15.
    dwarf_registers=tuple(f"UC_X86_REG_{n}" for n in ("RAX", "RDX", "RCX", "RBX", "RSI",
                                                      "RDI", "RBP", "RSP")) +
    tuple(f"UC_X86_REG_R{i}" for i in range(8, 16)),
    # Linux: syscall with the number in rax, arguments in rdi, rsi, rdx, r10, r8, r9, the
    # result in rax.
    syscall_number="UC_X86_REG_RAX",
    syscall_args=tuple(f"UC_X86_REG_{r}" for r in ("RDI", "RSI", "RDX", "R10", "R8", "R9")),
    syscall_result="UC_X86_REG_RAX",
    syscall_interrupt=None,  # the syscall instruction is hooked (UC_HOOK_INSN)
    # CPU exception vectors (Intel SDM vol. 3, 6.3.1) as Linux turns them into signals.
    interrupts={0: (SIGFPE, "Floating point exception: integer division error"),
                1: (SIGTRAP, "Trace/breakpoint trap"), 3: (SIGTRAP, "Trace/breakpoint trap"),
                4: (SIGSEGV, "Segmentation fault (overflow trap)"),
                5: (SIGSEGV, "Segmentation fault (bound range)"),
                6: (SIGILL, "Illegal instruction"),
                13: (SIGSEGV, "Segmentation fault (general protection)"),
                14: (SIGSEGV, "Segmentation fault"),
                16: (SIGFPE, "Floating point exception"), 17: (SIGBUS, "Bus error"),
                19: (SIGFPE, "Floating point exception")},
    trap_pc_adjust={3: -1},  # int3 reports the next instruction
    quiet_stop="hlt",
    return_address_on_stack=True,
    ret=b"\xc3",
    trap_slot=b"\xc3\xcc\xcc\xcc",  # ret; int3 padding
    never_run=b"\x0f\x0b\x0f\x0b",  # ud2; ud2
    tlsdesc_return=bytes.fromhex("488b4008c3"),  # mov 8(%rax), %rax; ret
    pointer_jump=pointer_jump,
    # mov %rdi, %rsp; xor %edx, %edx (no rtld_fini); jmp *%rsi.
    start_trampoline=bytes.fromhex("4889fc31d2ffe6"),
    sigreturn_trampoline=bytes.fromhex("48c7c00f0000000f05"),  # mov $15, %rax; syscall
    tls_variant=2,
    default_nan=0xFFF8000000000000,  # the "real indefinite" QNaN: sign set
    hwcap=0x178BFBFF,  # glibc reads cpuid; AT_HWCAP is informational
    irelative=37,  # R_X86_64_IRELATIVE
)
