"""Fault reports for natively run code: SIGSEGV, SIGBUS, SIGILL, SIGFPE and SIGABRT in JIT'd
code print one line (signal, fault address, instruction, symbol+offset, object) and a
backtrace, then the process dies of the signal, as the program would have (status 128 +
signal in a shell). ``-timeout`` reports where the program was and exits 124.

An in-process handler rather than a child-process executor: the program runs in this process
(ctypes calls, shared C library state, copy relocations into libc's GOT, atexit finalizers),
and a child would need all of that rebuilt across a process boundary. The handler is a ctypes
callback installed with ``sigaction(SA_SIGINFO | SA_ONSTACK)`` on an alternate signal stack
(so a stack overflow is reported too); it reads the interrupted registers from the
``ucontext_t`` (x86-64 Linux ``mcontext_t.gregs``), unwinds with the JIT'd objects' CFI (and
libgcc's ``_Unwind_Find_FDE`` for the C library's frames) and reads memory only where
``/proc/self/maps`` says it is readable. A fault whose stack never passes through JIT'd code
(pyjitlink's own, the interpreter's) is not ours: the previous action is put back and the
fault happens again under it.
"""

from __future__ import annotations

import ctypes
import os
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

from pyjitlink.executors.symbolizer import Symbolizer
from pyjitlink.jitlink.unwind import backtrace

SA_SIGINFO, SA_ONSTACK = 4, 0x08000000
SEGV_MAPERR, SEGV_ACCERR = 1, 2
FPE_INTDIV = 1
SIGNAL_NAMES: dict[int, str] = {signal.SIGSEGV: "Segmentation fault", signal.SIGBUS: "Bus error",
                signal.SIGILL: "Illegal instruction", signal.SIGFPE: "Floating point exception",
                signal.SIGABRT: "Aborted"}
ALT_STACK_SIZE = 8 << 20

# x86-64 ucontext_t: uc_flags, uc_link, uc_stack (24 bytes), then mcontext_t.gregs[23].
_GREGS = 40
REG_R8, REG_RDI, REG_RSI, REG_RBP, REG_RBX, REG_RDX, REG_RAX, REG_RCX = 0, 8, 9, 10, 11, 12, 13, 14
REG_RSP, REG_RIP, REG_ERR, REG_TRAPNO = 15, 16, 19, 20
# DWARF register number -> gregs index.
_DWARF_GREGS = {0: REG_RAX, 1: REG_RDX, 2: REG_RCX, 3: REG_RBX, 4: REG_RSI, 5: REG_RDI,
                6: REG_RBP, 7: REG_RSP, **{8 + i: REG_R8 + i for i in range(8)}}


class _SigAction(ctypes.Structure):
    _fields_ = [("handler", ctypes.c_void_p), ("mask", ctypes.c_uint64 * 16),
                ("flags", ctypes.c_int), ("restorer", ctypes.c_void_p)]


class _StackT(ctypes.Structure):
    _fields_ = [("ss_sp", ctypes.c_void_p), ("ss_flags", ctypes.c_int),
                ("ss_size", ctypes.c_size_t)]


class DlInfo(ctypes.Structure):
    """glibc's ``Dl_info`` (dlfcn.h), filled by ``dladdr``/``dladdr1``."""

    _fields_ = [("dli_fname", ctypes.c_char_p), ("dli_fbase", ctypes.c_void_p),
                ("dli_sname", ctypes.c_char_p), ("dli_saddr", ctypes.c_void_p)]


_HANDLER = ctypes.CFUNCTYPE(None, ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)
_libc = ctypes.CDLL(None, use_errno=True)
_sigaction = _libc.sigaction
_sigaction.argtypes = [ctypes.c_int, ctypes.POINTER(_SigAction), ctypes.POINTER(_SigAction)]
_sigaltstack = _libc.sigaltstack
_sigaltstack.argtypes = [ctypes.POINTER(_StackT), ctypes.POINTER(_StackT)]
_raise = getattr(_libc, "raise")
_raise.argtypes = [ctypes.c_int]
_dladdr = _libc.dladdr
_dladdr.argtypes = [ctypes.c_void_p, ctypes.POINTER(DlInfo)]
_find_fde: Any = None
try:
    _find_fde = ctypes.CDLL("libgcc_s.so.1")._Unwind_Find_FDE
    _find_fde.restype = ctypes.c_void_p
    _find_fde.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
except (OSError, AttributeError):
    _find_fde = None


def host_mappings() -> list[tuple[int, int, str]]:
    """This process's mappings from ``/proc/self/maps``: (start address, end address
    (exclusive), permissions such as ``"r-xp"``), in address order."""
    mappings = []
    with open("/proc/self/maps") as maps:
        for line in maps:
            span, perms = line.split()[:2]
            lo, hi = (int(x, 16) for x in span.split("-"))
            mappings.append((lo, hi, perms))
    return mappings


def _readable_ranges() -> list[tuple[int, int]]:
    return [(lo, hi) for lo, hi, perms in host_mappings() if perms.startswith("r")]


def host_function_name(address: int) -> str | None:
    """The exported function of a loaded library that contains ``address`` (dladdr)."""
    info = DlInfo()
    if _dladdr(address, ctypes.byref(info)) and info.dli_sname:
        return info.dli_sname.decode(errors="replace")
    return None


class NativeFaultHandler:
    """Reports faults of JIT'd code (see the module docstring); ``in_jit(address)`` says
    whether an address is linked code, ``symbolizer`` names it."""

    def __init__(self, symbolizer: Symbolizer, in_jit: Callable[[int], bool]) -> None:
        self.symbolizer = symbolizer
        self.in_jit = in_jit
        self._callback = _HANDLER(self._handle)  # kept alive as long as the handler
        self._previous: dict[int, _SigAction] = {}
        self._alt_stack: ctypes.Array | None = None
        self._timeout: float | None = None
        self._timer: threading.Thread | None = None
        self._ranges: list[tuple[int, int]] = []
        # Made by install(), before JIT'd code runs: a link that runs nothing (-noexec)
        # never pays capstone's import (tens of ms), and a signal handler never imports.
        self._disassembler: Any = None

    # ------------------------------------------------------------------ set-up

    def install(self) -> None:
        """Install the handler for the five fault signals (idempotent), with an alternate
        signal stack for this thread."""
        if self._previous:
            return
        if self._disassembler is None:
            try:
                import capstone  # type: ignore[import-untyped]

                self._disassembler = capstone.Cs(capstone.CS_ARCH_X86, capstone.CS_MODE_64)
                self._disassembler.detail = True
            except ImportError:
                pass
        if self._alt_stack is None:
            self._alt_stack = ctypes.create_string_buffer(ALT_STACK_SIZE)
            stack = _StackT(ctypes.addressof(self._alt_stack), 0, ALT_STACK_SIZE)
            _sigaltstack(ctypes.byref(stack), None)
        for signo in SIGNAL_NAMES:
            self._set(signo)

    def _set(self, signo: int) -> None:
        action = _SigAction()
        action.handler = ctypes.cast(self._callback, ctypes.c_void_p).value
        action.flags = SA_SIGINFO | SA_ONSTACK
        previous = _SigAction()
        if _sigaction(signo, ctypes.byref(action), ctypes.byref(previous)) == 0:
            self._previous.setdefault(signo, previous)

    def arm_timeout(self, seconds: float) -> None:
        """After ``seconds``, report where the main thread is and exit with status 124
        (as timeout(1)); once per process."""
        if self._timer is not None:
            return
        self._timeout = seconds
        target = threading.main_thread().ident
        deadline = time.monotonic() + seconds
        self._set(signal.SIGALRM)

        def watch() -> None:
            while (left := deadline - time.monotonic()) > 0:
                time.sleep(min(left, 0.5))
            signal.pthread_kill(target, signal.SIGALRM)  # type: ignore[arg-type]

        self._timer = threading.Thread(target=watch, name="pyjitlink-timeout", daemon=True)
        self._timer.start()

    # ------------------------------------------------------------------ the handler

    def _handle(self, signo: int, info: int, context: int) -> None:
        try:
            report = self._report(signo, info, context)
        except Exception:  # noqa: BLE001 - never fault while handling a fault
            report = None
        if signo == signal.SIGALRM:
            os.write(2, (report or f"pyjitlink: error: timed out after {self._timeout:g} "
                                   f"seconds\n").encode(errors="replace"))
            os._exit(124)
        if report is not None:
            os.write(2, report.encode(errors="replace"))
            default = _SigAction()  # SIG_DFL
            _sigaction(signo, ctypes.byref(default), None)
            _raise(signo)  # delivered on return: the process dies of the signal
            return
        # Not ours: put the previous action back and let the signal happen again under it
        # (a fault re-executes; a signal someone sent is sent again).
        previous = self._previous.pop(signo, _SigAction())
        _sigaction(signo, ctypes.byref(previous), None)
        si_code = ctypes.c_int.from_address(info + 8).value
        if si_code <= 0:
            _raise(signo)

    def _read(self, address: int, size: int) -> bytes:
        for lo, hi in self._ranges:
            if lo <= address and address + size <= hi:
                return ctypes.string_at(address, size)
        raise LookupError(f"{address:#x} is not readable")

    def _find_fde(self, pc: int) -> int | None:
        found = self.symbolizer.find_fde(self._read, pc)
        if found is None and _find_fde is not None and not self.in_jit(pc):
            bases = (ctypes.c_void_p * 3)()
            found = _find_fde(pc, ctypes.byref(bases)) or None
        return found

    def _instruction(self, pc: int) -> tuple[str, int] | None:
        """(text, memory operand size or 0) of the instruction at ``pc``."""
        if self._disassembler is None:
            return None
        try:
            code = self._read(pc, 16)
        except LookupError:
            try:
                code = self._read(pc, 1)
            except LookupError:
                return None
        for insn in self._disassembler.disasm(code, pc):
            size = 0
            for op in insn.operands:
                if op.type == 3:  # X86_OP_MEM
                    size = op.size
            return f"{insn.mnemonic} {insn.op_str}".strip(), size
        return None

    def _report(self, signo: int, info: int, context: int) -> str | None:
        """The report for a signal in JIT'd code (or in a C function JIT'd code called), or
        None if JIT'd code is not on the interrupted stack."""
        self._ranges = _readable_ranges()
        gregs = [ctypes.c_uint64.from_address(context + _GREGS + 8 * i).value
                 for i in range(23)]
        pc = gregs[REG_RIP]
        registers = {number: gregs[index] for number, index in _DWARF_GREGS.items()}
        try:
            self._read(pc, 1)
            frames = [pc] + backtrace(self._read, self._find_fde, pc, registers, "x86_64")
        except LookupError:
            # A jump or call to a bad address: the caller is one return address away.
            sp = registers[7]
            caller = int.from_bytes(self._read(sp, 8), "little")
            registers[7] = sp + 8
            frames = [pc, caller] + backtrace(self._read, self._find_fde, caller - 1,
                                              registers, "x86_64")
        first = next((i for i, a in enumerate(frames)
                      if self.in_jit(a - 1 if i else a)), None)
        if first is None:
            return None
        # Frames from the C function JIT'd code called (if the signal came from there) up to
        # the outermost JIT'd frame.
        start = max(first - 1, 0)
        end = first
        while end < len(frames) and self.in_jit(frames[end] - 1 if end else frames[end]):
            end += 1
        shown = frames[start:end]
        symbolizer = self.symbolizer
        lines = []
        for number, address in enumerate(shown):
            returning = start + number > 0
            lines.append(symbolizer.frame_line(
                number, address, returning,
                lambda a: (f"C library function '{host_function_name(a)}'"
                           if host_function_name(a) else None)))
        jit_pc = frames[first]
        found = symbolizer.find(jit_pc - 1 if first else jit_pc)
        file = found[2] if found else None
        message = self._message(signo, info, gregs, frames, first)
        if signo == signal.SIGALRM:
            message = f"timed out after {self._timeout:g} seconds at {pc:#x} " \
                      f"({symbolizer.describe(pc) if first == 0 else 'outside JIT code'})"
        where = f"{file}: " if file else ""
        return f"pyjitlink: error: {where}{message}\n" + "".join(f"{line}\n" for line in lines)

    def _message(self, signo: int, info: int, gregs: list[int], frames: list[int],
                 first: int) -> str:
        name = SIGNAL_NAMES.get(signo, f"signal {signo}")
        si_code = ctypes.c_int.from_address(info + 8).value
        fault_address = ctypes.c_uint64.from_address(info + 16).value
        symbolizer = self.symbolizer
        if first == 1 and not any(lo <= frames[0] < hi for lo, hi in self._ranges):
            return f"{name}: execution of unmapped address {frames[0]:#x} (return address " \
                   f"{symbolizer.describe(frames[1], True)})"
        if first > 0:
            # In a C library function the JIT'd code called.
            callee = host_function_name(frames[first - 1]) or f"{frames[first - 1]:#x}"
            caller = symbolizer.describe(frames[first], True)
            if signo == signal.SIGSEGV:
                return f"{name}: invalid access at {fault_address:#x} in C library function " \
                       f"'{callee}' called from {caller}"
            return f"{name} (in '{callee}' called from {caller})"
        pc = frames[0]
        decoded = self._instruction(pc)
        by = f"by {decoded[0]!r} " if decoded else ""
        where = f"{by}at {pc:#x} ({symbolizer.describe(pc)})"
        if signo == signal.SIGSEGV:
            if si_code in (SEGV_MAPERR, SEGV_ACCERR):
                kind = "write" if gregs[REG_TRAPNO] == 14 and gregs[REG_ERR] & 2 else "read"
                if gregs[REG_TRAPNO] == 14 and gregs[REG_ERR] & 0x10:
                    kind = "execution"
                size = f" of {decoded[1]} byte{'s' if decoded[1] != 1 else ''}" \
                    if decoded and decoded[1] and kind != "execution" else ""
                what = "unmapped" if si_code == SEGV_MAPERR else "protected"
                return f"{name}: {kind}{size} at {what} address {fault_address:#x} {where}"
            return f"{name} (general protection) {where}"
        if signo == signal.SIGBUS:
            return f"{name} at address {fault_address:#x} {where}"
        if signo == signal.SIGFPE and si_code == FPE_INTDIV:
            return f"{name}: integer division error {where}"
        return f"{name} {where}"
