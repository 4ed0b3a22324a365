"""Signals of the emulated Linux process: actions (rt_sigaction), per-thread masks and
pending sets, and the signal frame the kernel builds on a thread's stack to run a handler,
which rt_sigreturn reads back.

The frames follow the kernel's layouts, so a handler sees what it would natively (its
``siginfo_t``, a ``ucontext_t`` with the interrupted registers; what it changes there is
what sigreturn restores):

* AArch64 (arch/arm64/kernel/signal.c): ``struct rt_sigframe {siginfo; ucontext}`` at the new
  sp, a ``{fp, lr}`` frame record above it; the registers in ``uc_mcontext`` (fault_address,
  x0-x30, sp, pc, pstate) and an ``fpsimd_context`` record (FPSR, FPCR, v0-v31) in its
  reserved area. The handler returns to ``sa_restorer`` when SA_RESTORER is set, else to the
  vDSO's ``sigtramp`` (here a ``mov x8, #139; svc #0`` the executor provides).
* x86-64 (arch/x86/kernel/signal.c): ``struct rt_sigframe {pretcode; ucontext; siginfo}`` with
  the return address (``sa_restorer``, which glibc always sets) at the new rsp, the
  registers in ``uc_mcontext`` and an FXSAVE image (x87 control, MXCSR, xmm0-15) above it.
"""

from __future__ import annotations

import ctypes
import signal as host_signal
import struct
from dataclasses import dataclass

from pyjitlink.executors.host_bridge import Engine, Memory, unicorn_constants
from pyjitlink.jitlink.target import Arch

SIG_DFL, SIG_IGN = 0, 1
SA_SIGINFO, SA_ONSTACK, SA_RESTORER = 0x4, 0x08000000, 0x04000000
SA_NODEFER, SA_RESETHAND, SA_RESTART = 0x40000000, 0x80000000, 0x10000000
SIGKILL, SIGSTOP = 9, 19
SIGBUS, SIGFPE, SIGILL, SIGSEGV, SIGABRT, SIGALRM, SIGPIPE = 7, 8, 4, 11, 6, 14, 13
SI_USER, SI_TKILL, SI_KERNEL = 0, -6, 0x80
SEGV_MAPERR, SEGV_ACCERR = 1, 2
SS_ONSTACK, SS_DISABLE = 1, 2
UNBLOCKABLE = (1 << (SIGKILL - 1)) | (1 << (SIGSTOP - 1))
# Default action "ignore" (signal(7)): SIGCHLD, SIGCONT, SIGURG, SIGWINCH. The stop signals
# (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU) stop a process; an emulated one has nobody to
# continue it, so they terminate it like the rest.
DEFAULT_IGNORED = frozenset({17, 18, 23, 28})

# AArch64 frame layout (bytes)
A64_UC = 128  # ucontext after the 128-byte siginfo
A64_MCONTEXT = A64_UC + 176
A64_RESERVED = A64_MCONTEXT + 288
A64_FRAME_SIZE = A64_UC + 176 + 288 + 4096
FPSIMD_MAGIC, FPSIMD_SIZE = 0x46508001, 528
# x86-64 frame layout (bytes)
X86_UC = 8  # after pretcode
X86_MCONTEXT = X86_UC + 40
X86_SIGMASK = X86_UC + 296
X86_INFO = X86_UC + 304
X86_FRAME_SIZE = X86_INFO + 128
X86_GREGS = ("R8", "R9", "R10", "R11", "R12", "R13", "R14", "R15", "RDI", "RSI", "RBP", "RBX",
             "RDX", "RAX", "RCX", "RSP", "RIP", "EFLAGS")
# eflags bits sigreturn takes from the frame (the kernel's FIX_EFLAGS: arithmetic, TF, DF,
# AC, RF...); the rest keep their values.
X86_FIX_EFLAGS = 0x40DD5


def signal_name(number: int) -> str:
    """The C library's description of ``number`` ("Aborted", "Segmentation fault")."""
    if 34 <= number <= 64:
        return f"Real-time signal {number - 34}"
    try:
        text = host_signal.strsignal(number)
    except ValueError:
        text = None
    return text or f"Unknown signal {number}"


@dataclass(slots=True)
class SigAction:
    """A kernel ``struct sigaction`` (handler, flags, restorer, mask), as both targets have
    it (asm-generic with SA_RESTORER, and x86-64)."""

    handler: int = SIG_DFL
    flags: int = 0
    restorer: int = 0
    mask: int = 0

    @classmethod
    def unpack(cls, data: bytes) -> SigAction:
        return cls(*struct.unpack("<QQQQ", data))

    def pack(self) -> bytes:
        return struct.pack("<QQQQ", self.handler, self.flags, self.restorer, self.mask)


class SignalFrames:
    """Builds and reads back signal frames for one ``arch`` on ``engine``'s registers;
    ``sigtramp`` is the return address used without SA_RESTORER (AArch64's vDSO stand-in)."""

    def __init__(self, arch: str, engine: Engine, memory: Memory, sigtramp: int) -> None:
        self.arch = arch
        self.engine = engine
        self.memory = memory
        self.sigtramp = sigtramp
        if arch == Arch.AARCH64:
            r = unicorn_constants("arm64_const")
            self.gregs = [getattr(r, f"UC_ARM64_REG_X{i}") for i in range(31)]
            self.sp, self.pc = r.UC_ARM64_REG_SP, r.UC_ARM64_REG_PC
            self.nzcv, self.fpsr, self.fpcr = (r.UC_ARM64_REG_NZCV, r.UC_ARM64_REG_FPSR,
                                               r.UC_ARM64_REG_FPCR)
            self.vregs = [getattr(r, f"UC_ARM64_REG_Q{i}") for i in range(32)]
        else:
            x = unicorn_constants("x86_const")
            self.gregs = [getattr(x, f"UC_X86_REG_{name}") for name in X86_GREGS]
            self.sp, self.pc = x.UC_X86_REG_RSP, x.UC_X86_REG_RIP
            self.mxcsr, self.fpcw = x.UC_X86_REG_MXCSR, x.UC_X86_REG_FPCW
            self.vregs = [getattr(x, f"UC_X86_REG_XMM{i}") for i in range(16)]
            self.args = [x.UC_X86_REG_RDI, x.UC_X86_REG_RSI, x.UC_X86_REG_RDX, x.UC_X86_REG_RAX]
        self._wide = (ctypes.c_uint64 * 2)()

    def _read128(self, reg: int) -> int:
        return self.engine.read128(reg)

    def _write128(self, reg: int, value: int) -> None:
        self._wide[0], self._wide[1] = value & (2**64 - 1), value >> 64
        self.engine.lib.uc_reg_write(self.engine.handle, reg, ctypes.addressof(self._wide))

    @staticmethod
    def siginfo(number: int, code: int, pid: int = 0, uid: int = 0, address: int = 0
                ) -> bytes:
        """A 128-byte siginfo_t: kill's sender (pid, uid) or a fault's address."""
        tail = struct.pack("<Q", address) if address else struct.pack("<iI", pid, uid)
        return (struct.pack("<iii4x", number, 0, code) + tail).ljust(128, b"\0")

    def push(self, number: int, action: SigAction, info: bytes, old_mask: int,
             altstack: tuple[int, int, int], fault_address: int = 0) -> None:
        """Save the thread's registers in a new frame and enter ``action``'s handler."""
        read = self.engine.read
        sp = read(self.sp)
        stack_sp, stack_flags, stack_size = altstack
        on_alt = stack_size and not stack_flags & SS_DISABLE and \
            not stack_sp <= sp < stack_sp + stack_size
        if action.flags & SA_ONSTACK and on_alt:
            sp = stack_sp + stack_size
        uc_stack = struct.pack("<QiiQ", stack_sp, stack_flags, 0, stack_size)
        if self.arch == Arch.AARCH64:
            record = (sp - 16) & -16
            frame = (record - A64_FRAME_SIZE) & -16
            regs = [read(reg) for reg in self.gregs]
            mcontext = struct.pack("<Q31QQQQ", fault_address, *regs, read(self.sp),
                                   read(self.pc), read(self.nzcv))
            fpsimd = struct.pack("<IIII", FPSIMD_MAGIC, FPSIMD_SIZE, read(self.fpsr),
                                 read(self.fpcr)) + b"".join(
                self._read128(v).to_bytes(16, "little") for v in self.vregs)
            ucontext = (struct.pack("<QQ", 0, 0) + uc_stack + struct.pack("<Q", old_mask))
            image = bytearray(A64_FRAME_SIZE)
            image[0:128] = info
            image[A64_UC:A64_UC + len(ucontext)] = ucontext
            image[A64_MCONTEXT:A64_MCONTEXT + len(mcontext)] = mcontext
            image[A64_RESERVED:A64_RESERVED + FPSIMD_SIZE] = fpsimd  # then a null record
            self.memory.write(frame, image)
            self.memory.write(record, struct.pack("<QQ", regs[29], regs[30]))
            write = self.engine.write
            write(self.gregs[0], number)
            write(self.gregs[1], frame)
            write(self.gregs[2], frame + A64_UC)
            write(self.gregs[29], record)
            write(self.gregs[30], action.restorer if action.flags & SA_RESTORER
                  else self.sigtramp)
            write(self.sp, frame)
            write(self.pc, action.handler)
            return
        sp -= 128  # the red zone
        fpstate = (sp - 512) & -64
        frame = ((fpstate - X86_FRAME_SIZE) & -16) - 8
        regs = [read(reg) for reg in self.gregs]
        sigcontext = struct.pack("<18QHHHHQQQQQ", *regs, 0x33, 0, 0, 0x2B, 0, 0, old_mask,
                                 fault_address, fpstate).ljust(256, b"\0")
        fx = bytearray(512)
        struct.pack_into("<H", fx, 0, read(self.fpcw))
        struct.pack_into("<II", fx, 24, read(self.mxcsr), 0xFFFF)
        for i, reg in enumerate(self.vregs):
            fx[160 + 16 * i:176 + 16 * i] = self._read128(reg).to_bytes(16, "little")
        image = bytearray(X86_FRAME_SIZE)
        image[0:8] = struct.pack("<Q", action.restorer)
        image[X86_UC:X86_MCONTEXT] = struct.pack("<QQ", 0, 0) + uc_stack
        image[X86_MCONTEXT:X86_MCONTEXT + 256] = sigcontext
        image[X86_SIGMASK:X86_SIGMASK + 8] = struct.pack("<Q", old_mask)
        image[X86_INFO:X86_INFO + 128] = info
        self.memory.write(fpstate, fx)
        self.memory.write(frame, image)
        write = self.engine.write
        for reg, value in zip(self.args, (number, frame + X86_INFO, frame + X86_UC, 0)):
            write(reg, value)
        write(self.sp, frame)
        write(self.pc, action.handler)

    def pop(self) -> int:
        """rt_sigreturn: restore the registers the frame at the stack pointer holds (as the
        handler left them); the signal mask to restore."""
        read, write = self.engine.read, self.engine.write
        if self.arch == Arch.AARCH64:
            frame = read(self.sp)
            mask = self.memory.u64(frame + A64_UC + 40)
            values = struct.unpack("<31QQQQ", self.memory.read(A64_MCONTEXT + frame + 8,
                                                               34 * 8))
            for reg, value in zip(self.gregs, values[:31]):
                write(reg, value)
            write(self.sp, values[31])
            write(self.pc, values[32])
            write(self.nzcv, values[33] & 0xF0000000)
            head = frame + A64_RESERVED
            magic, size, fpsr, fpcr = struct.unpack("<IIII", self.memory.read(head, 16))
            if magic == FPSIMD_MAGIC:
                write(self.fpsr, fpsr)
                write(self.fpcr, fpcr)
                data = self.memory.read(head + 16, 512)
                for i, reg in enumerate(self.vregs):
                    self._write128(reg, int.from_bytes(data[16 * i:16 * i + 16], "little"))
            return mask
        frame = read(self.sp) - 8
        mask = self.memory.u64(frame + X86_SIGMASK)
        context = self.memory.read(frame + X86_MCONTEXT, 256)
        values = struct.unpack_from("<18Q", context)
        flags = read(self.gregs[17])
        for reg, value in zip(self.gregs[:17], values[:17]):
            write(reg, value)
        write(self.gregs[17], (flags & ~X86_FIX_EFLAGS) | (values[17] & X86_FIX_EFLAGS))
        fpstate = struct.unpack_from("<Q", context, 184)[0]
        if fpstate:
            fx = self.memory.read(fpstate, 512)
            write(self.fpcw, struct.unpack_from("<H", fx, 0)[0])
            write(self.mxcsr, struct.unpack_from("<I", fx, 24)[0])
            for i, reg in enumerate(self.vregs):
                self._write128(reg, int.from_bytes(fx[160 + 16 * i:176 + 16 * i], "little"))
        return mask
