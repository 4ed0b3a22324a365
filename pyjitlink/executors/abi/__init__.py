"""Per-target descriptors: what an executor needs to know of a CPU to run code for it (the
emulator's and disassembler's mode, registers, CPU exceptions, return and trap
instructions, the static TLS variant, a Linux process's system-call convention).

An executor looks its target up once (``target_for(arch)``) and asks the descriptor from
then on; adding a target is a new module here and a line in ``TARGETS``, not a branch in
every executor. The calling conventions Python uses to call into emulated code are
host_bridge's ABI classes (``ABIS``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pyjitlink.errors import ExecutionError


@dataclass(frozen=True)
class Target:
    """One CPU as the executors see it.

    ``name`` is LinkGraph.arch's; ``elf_machine`` ELF's e_machine; ``unicorn`` (uc_arch,
    uc_mode) for uc_open; ``disassembler()`` a capstone ``Cs`` (capstone imported on
    call). Registers are named as Unicorn's ``*_const`` modules name them:
    ``thread_pointer`` (TPIDR_EL0, FS base), ``dwarf_registers`` (the integer registers by
    DWARF number, the unwinder's numbering), ``syscall_number``/``syscall_args``/
    ``syscall_result`` (Linux's system-call convention). ``syscall_interrupt`` is the
    Unicorn interrupt number a system-call instruction raises (None: the instruction is
    hooked instead, x86-64's ``syscall``). ``interrupts`` maps Unicorn interrupt numbers
    to (signal, message) as a Linux process sees them; ``trap_pc_adjust`` corrects the PC
    a trap reports (after the instruction) to the instruction's own; ``quiet_stop`` is the
    mnemonic of a one-byte privileged instruction that ends emulation without an exception
    (x86's ``hlt``; SIGSEGV in a Linux process). ``return_address_on_stack``: a call
    pushes the return address (x86-64) rather than setting a link register.

    Code: ``ret`` returns; ``trap_slot`` (4 bytes) fills each host-function trap slot;
    ``never_run`` (4 bytes) fills code that must never execute (udf / ud2);
    ``tlsdesc_return`` is glibc's static TLS descriptor resolver (return the descriptor's
    second word); ``pointer_jump(stub, slot)`` the bytes of a jump through the 64-bit
    pointer at ``slot``, placed at ``stub``; ``start_trampoline`` (None where a call can
    enter ``_start`` directly, with no rtld_fini in the first argument) is called with
    (initial sp, ``_start``) and enters ``_start`` with the stack pointer at argc, where a
    call would have pushed its return address (x86-64). ``sigreturn_trampoline`` is where a
    signal handler returns when its sigaction has no SA_RESTORER: Linux's rt_sigreturn
    (AArch64's vDSO ``__kernel_rt_sigreturn``; on x86-64 glibc always passes ``__restore_rt``).

    Data: ``tls_variant`` (Drepper's "ELF Handling For Thread-Local Storage" 3.4: I, the
    TCB at the thread pointer and blocks above; II, blocks below it); ``default_nan`` the
    bits of the NaN an invalid operation gives; ``hwcap`` the AT_HWCAP a Linux process
    is shown; ``irelative`` the R_*_IRELATIVE relocation type.
    """

    name: str
    elf_machine: int
    unicorn: tuple[int, int]
    disassembler: Callable[[], Any]
    thread_pointer: str
    dwarf_registers: tuple[str, ...]
    syscall_number: str
    syscall_args: tuple[str, ...]
    syscall_result: str
    syscall_interrupt: int | None
    interrupts: Mapping[int, tuple[int, str]]
    trap_pc_adjust: Mapping[int, int]
    quiet_stop: str | None
    return_address_on_stack: bool
    ret: bytes
    trap_slot: bytes
    never_run: bytes
    tlsdesc_return: bytes
    pointer_jump: Callable[[int, int], bytes]
    start_trampoline: bytes | None
    sigreturn_trampoline: bytes
    tls_variant: int
    default_nan: int
    hwcap: int
    irelative: int


def _targets() -> dict[str, Target]:
    from pyjitlink.executors.abi.aarch64 import AARCH64
    from pyjitlink.executors.abi.x86_64 import X86_64

    return {target.name: target for target in (AARCH64, X86_64)}


TARGETS: dict[str, Target] = _targets()


def target_for(arch: str) -> Target:
    """The descriptor of ``arch`` (LinkGraph.arch's name); ExecutionError for a target no
    executor supports."""
    target = TARGETS.get(arch)
    if target is None:
        raise ExecutionError(f"no executor for {arch} (only {', '.join(sorted(TARGETS))})")
    return target


__all__ = ["TARGETS", "Target", "target_for"]
