"""The emulated Linux process: a static executable's image and start-up, run on the target's
own C runtime (glibc's libc.a, libgcc) with system calls answered by executors/linux/syscalls.

The objects and the runtime members they need link as usual; what ``ld -static`` would add,
this executor provides in emulated memory before the first instruction runs:

* the symbols a static link defines (``STATIC_LINK_SYMBOLS``): ``__ehdr_start`` at a
  synthesised ELF header and program headers (PT_PHDR, PT_TLS with every module's image,
  PT_GNU_STACK), the ``__preinit_array``/``__init_array``/``__fini_array`` tables (filled
  from the platform's initializers and finalizers, padded with a ``ret``), ``__rela_iplt_*``
  (the IRELATIVE table, executors/linux/ifunc.py), ``_init``/``_fini``, ``_end``;
* the initial stack of the System V ABI ("Process Initialization"): argc, argv, envp and
  the auxiliary vector (AT_PHDR, AT_PHENT, AT_PHNUM, AT_PAGESZ, AT_ENTRY, AT_RANDOM,
  AT_HWCAP, AT_SECURE, AT_EXECFN, ...), with ``crt1.o``'s ``_start`` entered on it.

Layout (below 2 GiB, as EmulatedExecutor's): linked code from 0x01000000, the program
break from ``BRK_BASE``, mmap's from ``MMAP_BASE``, the stack below 0x7fff0000.
"""

from __future__ import annotations

import dataclasses
import os
import struct
import sys
from collections.abc import Callable, Iterable, Sequence

from pyjitlink.errors import ExecutionError, JITLinkError
from pyjitlink.executors.darwin.libc_layer import tlv_getter
from pyjitlink.executors.base import TLSModule
from pyjitlink.executors.emulated import ARENA_BASE, ARENA_LIMIT, STACK_TOP, EmulatedExecutor
from pyjitlink.executors.host_bridge import (
    UC_ERR_FETCH_PROT,
    UC_ERR_FETCH_UNALIGNED,
    UC_ERR_FETCH_UNMAPPED,
    UC_ERR_INSN_INVALID,
    UC_ERR_OK,
    UC_ERR_READ_PROT,
    UC_ERR_READ_UNALIGNED,
    UC_ERR_READ_UNMAPPED,
    UC_ERR_WRITE_PROT,
    UC_ERR_WRITE_UNALIGNED,
    UC_ERR_WRITE_UNMAPPED,
    GuestFault,
    LimitExceeded,
    ProgramExit,
)
from pyjitlink.executors.linux import tls_get_addr
from pyjitlink.executors.linux.children import ChildProcesses
from pyjitlink.executors.linux.eh_frame_hdr import (
    SPARE_ENTRIES,
    EHFrameHeader,
    LinuxEHFrameRegistrar,
)
from pyjitlink.executors.linux.ifunc import IRelativeTable
from pyjitlink.executors.linux.signals import (
    SEGV_ACCERR,
    SEGV_MAPERR,
    SIGBUS,
    SIGILL,
    SIGPIPE,
    SIGSEGV,
    SignalFrames,
    signal_name,
)
from pyjitlink.executors.linux.syscalls import LinuxSyscalls
from pyjitlink.executors.linux.threads import RUNNABLE, SLICE, WAITING, Scheduler
from pyjitlink.executors.services import ExecutorServices
from pyjitlink.executors.static_tls import StaticTLSLayout
from pyjitlink.jitlink.graph import MemProt

BRK_BASE, MMAP_BASE, MMAP_LIMIT = 0x40000000, 0x50000000, 0x7F000000  # stack: 0x7F7F0000
# A fault in emulated code -> (signal, si_code) the kernel would send (si_code 1 is
# SEGV_MAPERR, BUS_ADRALN and ILL_ILLOPC alike).
FAULT_SIGNALS = {
    UC_ERR_READ_UNMAPPED: (SIGSEGV, SEGV_MAPERR), UC_ERR_WRITE_UNMAPPED: (SIGSEGV, SEGV_MAPERR),
    UC_ERR_FETCH_UNMAPPED: (SIGSEGV, SEGV_MAPERR), UC_ERR_READ_PROT: (SIGSEGV, SEGV_ACCERR),
    UC_ERR_WRITE_PROT: (SIGSEGV, SEGV_ACCERR), UC_ERR_FETCH_PROT: (SIGSEGV, SEGV_ACCERR),
    UC_ERR_READ_UNALIGNED: (SIGBUS, 1), UC_ERR_WRITE_UNALIGNED: (SIGBUS, 1),
    UC_ERR_FETCH_UNALIGNED: (SIGBUS, 1), UC_ERR_INSN_INVALID: (SIGILL, 1)}
TABLE_CAPACITY = 1024  # entries of each init/fini/IRELATIVE table
ATEXIT_CAPACITY = 16  # entries of the __libc_atexit table
UC_HOOK_INSN, UC_X86_INS_SYSCALL = 2, 699
TLS_ALIGN = 64  # PT_TLS p_align: modules' alignment must not exceed it
PT_LOAD, PT_PHDR, PT_TLS, PT_GNU_EH_FRAME, PT_GNU_STACK = 1, 6, 7, 0x6474E550, 0x6474E551
(AT_NULL, AT_PHDR, AT_PHENT, AT_PHNUM, AT_PAGESZ, AT_BASE, AT_FLAGS, AT_ENTRY, AT_UID,
 AT_EUID, AT_GID, AT_EGID, AT_PLATFORM, AT_HWCAP, AT_CLKTCK, AT_SECURE, AT_RANDOM, AT_HWCAP2,
 AT_EXECFN) = (0, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 23, 25, 26, 31)


class LinuxTLS:
    """The TLSService of the emulated process: modules get static offsets from the thread
    pointer (static_tls.py's layout, variant I starting at ``TLS_ALIGN`` as glibc's
    ``__libc_setup_tls`` places a PT_TLS block of that alignment); their images wait for
    ``segment()`` to join them into the PT_TLS image. glibc allocates the thread's block and
    sets the thread pointer itself."""

    def __init__(self, arch: str, resolver: int,
                 offsets: Callable[[int, int], None] = lambda module, offset: None,
                 tlv_getter: int = 0) -> None:
        self.layout = StaticTLSLayout(arch)
        self.offsets = offsets  # told each module's (id, thread-pointer offset)
        self.tlv_getter = tlv_getter  # Mach-O's (executors/darwin/libc_layer.py), or 0
        if self.layout.variant == 1:
            self.layout.used = TLS_ALIGN  # roundup(TCB size 16, p_align)
        self.images: list[tuple[int, bytes]] = []  # (tp offset, image)
        self.resolver = resolver

    def create_module(self, image: bytes, size: int, alignment: int, name: str) -> TLSModule:
        if alignment > TLS_ALIGN:
            raise JITLinkError(f"thread-local data aligned to {alignment} bytes: the emulated "
                               f"process's TLS segment is aligned to {TLS_ALIGN}", name)
        module = self.layout.create_module(image, size, alignment, name)
        assert module.tp_offset is not None
        if module.module_id >= tls_get_addr.MODULES:
            raise JITLinkError(f"more than {tls_get_addr.MODULES - 1} objects with "
                               f"thread-local data", name)
        self.offsets(module.module_id, module.tp_offset)
        self.images.append((module.tp_offset, bytes(image)))
        return module

    def snapshot(self) -> tuple[tuple[int, int], list[tuple[int, bytes]]]:
        """(the layout's ``snapshot()``: (bytes used, module count), the modules' images as
        (thread-pointer offset, initialised bytes)), for ``restore``."""
        return self.layout.snapshot(), list(self.images)

    def restore(self, snapshot: tuple[tuple[int, int], list[tuple[int, bytes]]],
                modules: Iterable[TLSModule]) -> None:
        """Continue from a ``snapshot()`` of a process laid out as this one, whose
        ``modules`` (their ids and thread-pointer offsets) the offsets table learns again;
        later modules follow them. Only before any module was made here."""
        layout, images = snapshot
        self.layout.restore(layout)
        self.images = list(images)
        for module in modules:
            if module.tp_offset is not None:
                self.offsets(module.module_id, module.tp_offset)

    late_images = True  # images are read at start-up: TLSPlugin sends them after fixups

    def update_image(self, module: TLSModule, image: bytes) -> None:
        self.images = [(offset, image if offset == module.tp_offset else data)
                       for offset, data in self.images]

    def tlsdesc_resolvers(self) -> tuple[int, int]:
        return self.resolver, self.resolver

    def tlv_bootstrap(self) -> int:
        """Mach-O's thread-local variable getter (executors/darwin/libc_layer.tlv_getter)."""
        return self.tlv_getter

    def segment(self) -> tuple[bytes, int]:
        """The PT_TLS image (initialised bytes) and its memory size: variant I from offset
        ``TLS_ALIGN`` up; variant II the ``used`` bytes (rounded to ``TLS_ALIGN``) below TP."""
        if self.layout.variant == 1:
            base, size = TLS_ALIGN, self.layout.used - TLS_ALIGN
        else:
            size = -(-self.layout.used // TLS_ALIGN) * TLS_ALIGN
            base = -size
        image = bytearray(size)
        end = 0
        for offset, data in self.images:
            at = offset - base
            image[at:at + len(data)] = data
            if data:
                end = max(end, at + len(data))
        return bytes(image[:end]), size


class LinuxProcessExecutor(EmulatedExecutor):
    """An EmulatedExecutor whose program runs on the target's own C runtime: external names
    resolve only to the static-link symbols (the runtime's archives are the session's), and
    ``start_process`` enters ``_start`` on a real initial stack. ``svc #0`` (AArch64) is a
    system call to ``syscalls``."""

    def __init__(self, arch: str, timeout: float | None = None,
                 max_instructions: int | None = None) -> None:
        super().__init__(arch, timeout, max_instructions)
        # Linked .eh_frame sections: their FDEs go to the PT_GNU_EH_FRAME table.
        self.eh_frame_registrar = LinuxEHFrameRegistrar(self._read_target)
        self.syscalls = LinuxSyscalls(arch, self.memory, BRK_BASE, (MMAP_BASE, MMAP_LIMIT),
                                      self._set_thread_pointer)
        arena = self.arena
        code = arena.reserve(4096)
        # ret at +0, the TLSDESC resolver at +16, x86-64's start trampoline at +32, the
        # signal return trampoline at +48.
        text = (self.target.ret.ljust(16, b"\0") + self.target.tlsdesc_return).ljust(48, b"\0")
        arena.commit(code, text + self.target.sigreturn_trampoline, 4096,
                     MemProt.READ | MemProt.EXEC)
        self.noop, resolver = code, code + 16
        self.scheduler = Scheduler(arch, self.engine, self.memory, os.getpid(),
                                   SignalFrames(arch, self.engine, self.memory, code + 48))
        self.syscalls.add_handlers(self.scheduler.handlers())
        # New processes are host forks (executors/linux/children.py).
        self.children = ChildProcesses(arch, self.engine, self.memory, self.scheduler,
                                       self._after_fork)
        self.syscalls.add_handlers(self.children.handlers())
        self.scheduler.new_process = self.children.new_process
        self.scheduler.kill_other = self.children.kill_other
        self.scheduler.mirror_host_signals = True
        self.syscalls.on_broken_pipe = lambda: self.scheduler.thread_signal(SIGPIPE)
        self.syscalls.wait_for_descriptors = self.scheduler.wait_for_descriptors
        self.syscalls.can_wait_for_descriptors = self.scheduler.can_wait_for_descriptors
        self.syscalls.take_progress = self.scheduler.take_progress
        self._counting = False  # the running emu_start has an instruction count
        self._recount = False  # a system call stopped it to start counting
        self.scheduler.describe = self.describe
        self.scheduler.backtrace_lines = self.backtrace_lines
        # Data: ELF header + program headers, scratch words, then the tables.
        self.data_size = 0x2000 + 8 * 3 * TABLE_CAPACITY + 24 * TABLE_CAPACITY
        self.data = data = arena.reserve(self.data_size)
        arena.commit(data, b"", self.data_size, MemProt.READ | MemProt.WRITE)
        buffer = self.memory.buffer
        self.phdr = data + 64
        scratch, dso_handle = data + 0x1000, data + 0x1008
        self.tables: dict[str, int] = {}
        at = data + 0x2000
        for name in ("preinit", "init", "fini"):
            self.tables[name] = at
            for i in range(TABLE_CAPACITY):
                buffer[at + 8 * i:at + 8 * i + 8] = self.noop.to_bytes(8, "little")
            at += 8 * TABLE_CAPACITY
        self.irelative = IRelativeTable(arch, buffer, at, TABLE_CAPACITY, self.noop, scratch)
        # glibc's __libc_atexit set (_IO_cleanup, run by exit): a table of noop-padded
        # pointers in the scratch page, filled from the graphs that contribute to it.
        self.atexit_set = AtexitSet(buffer, data + 0x1100, ATEXIT_CAPACITY, self.noop)
        end = 8 * TABLE_CAPACITY
        self.static_symbols = {
            "__ehdr_start": data, "__dso_handle": dso_handle,
            "__preinit_array_start": self.tables["preinit"],
            "__preinit_array_end": self.tables["preinit"] + end,
            "__init_array_start": self.tables["init"],
            "__init_array_end": self.tables["init"] + end,
            "__fini_array_start": self.tables["fini"],
            "__fini_array_end": self.tables["fini"] + end,
            "__rela_iplt_start": self.irelative.address, "__rela_iplt_end": self.irelative.end,
            "_init": self.noop, "_fini": self.noop,
            "_end": BRK_BASE, "end": BRK_BASE, "_edata": BRK_BASE, "edata": BRK_BASE,
            "__start___libc_atexit": data + 0x1100,
            "__stop___libc_atexit": data + 0x1100 + 8 * ATEXIT_CAPACITY,
            # The stdio vtable check accepts any vtable in the linked code: libio's vtables
            # are wherever their objects were linked, not in one section.
            "__start___libc_IO_vtables": ARENA_BASE, "__stop___libc_IO_vtables": ARENA_LIMIT,
            # Freed only under memory debuggers (__libc_freeres): empty sets.
            "__start___libc_subfreeres": data + 0x1010, "__stop___libc_subfreeres": data + 0x1010,
            "__start___libc_freeres_ptrs": data + 0x1010,
            "__stop___libc_freeres_ptrs": data + 0x1010,
            "__bss_start": BRK_BASE, "_etext": data, "etext": data, "__etext": data,
        }
        self.tls_offsets = data + 0x1800  # module id -> thread-pointer offset, 8 bytes each
        # Mach-O thread-locals: a getter (executors/darwin/libc_layer.py) after the start
        # trampoline, reading the same table of modules' offsets as __tls_get_addr's stub.
        getter = tlv_getter(arch, self.tls_offsets)
        self.memory.buffer[code + 0x100:code + 0x100 + len(getter)] = getter
        self.tls = self.process_tls = LinuxTLS(arch, resolver, self._note_tls_offset,
                                               code + 0x100)
        # General/local-dynamic TLS: __tls_get_addr references reach a stub of ours.
        stub = tls_get_addr.stub(arch, self.tls_offsets)
        self.memory.buffer[code + 64:code + 64 + len(stub)] = stub
        self.static_symbols[tls_get_addr.NAME] = code + 64
        if self.target.syscall_interrupt is None:
            self._hook_syscall_instruction()
        trampoline = self.target.start_trampoline
        if trampoline is not None:
            # Enters _start with the stack pointer at argc (see abi.Target).
            self.trampoline = code + 32
            self.memory.buffer[code + 32:code + 32 + len(trampoline)] = trampoline

    def services(self) -> ExecutorServices:
        """The emulated executor's services, the static executable's IRELATIVE and
        ``__libc_atexit`` tables, and the process itself (its start-up)."""
        return dataclasses.replace(super().services(), irelative=self.irelative,
                                   atexit_set=self.atexit_set, static_process=self,
                                   eh_frames=self.eh_frame_registrar,
                                   symbol_redirects=tls_get_addr.REDIRECTS)

    def _note_tls_offset(self, module: int, offset: int) -> None:
        at = self.tls_offsets + 8 * module
        self.memory.buffer[at:at + 8] = offset.to_bytes(8, "little", signed=True)

    def _hook_syscall_instruction(self) -> None:
        """x86-64 ``syscall`` reaches _system_call (Unicorn's UC_HOOK_INSN for
        UC_X86_INS_SYSCALL; the instruction id is uc_hook_add's variadic argument)."""
        import ctypes

        engine = self.engine
        callback = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)(
            lambda uc, data: self._system_call())
        engine._callbacks.append(callback)
        hook = ctypes.c_size_t()
        err = engine.lib.uc_hook_add(engine.handle, ctypes.byref(hook), UC_HOOK_INSN,
                                     ctypes.cast(callback, ctypes.c_void_p), None,
                                     ctypes.c_uint64(1), ctypes.c_uint64(0),
                                     ctypes.c_int(UC_X86_INS_SYSCALL))
        if err:
            raise ExecutionError(f"cannot hook the syscall instruction (unicorn error {err})")

    # ------------------------------------------------------------------ symbols

    def host_symbol(self, name: str) -> int | None:
        """A static-link symbol's address (``__ehdr_start``, ``__init_array_start``, ...);
        None for any other name: the C runtime's archives define the rest."""
        return self.static_symbols.get(name)

    def after_link(self) -> None:
        """IFUNC symbols linked after glibc's ``apply_irel`` ran (a -lazy body's, or for a
        call from Python): call each resolver now, as ``apply_irel`` does (AArch64:
        ``(AT_HWCAP | _IFUNC_ARG_HWCAP, &{size, hwcap, hwcap2})``; x86-64: no argument), on
        the stack below the interrupted code's, and fill its slot; every register of the
        interrupted code is restored after (Unicorn's context save and restore)."""
        late = self.irelative.take_late()
        if not late:
            return
        import ctypes

        engine, lib = self.engine, self.engine.lib
        context = ctypes.c_void_p()
        if lib.uc_context_alloc(engine.handle, ctypes.byref(context)):
            raise ExecutionError("cannot save the registers to resolve an IFUNC symbol")
        lib.uc_context_save(engine.handle, context)
        try:
            for slot, resolver in late:
                sp = (self.abi.sp - 512) & -16  # below x86-64's red zone
                args: list[int] = []
                if self.arch == "aarch64":
                    arg = sp - 32
                    self.memory.buffer[arg:arg + 24] = struct.pack("<QQQ", 24,
                                                                   self.target.hwcap, 0)
                    args = [self.target.hwcap | (1 << 62), arg]
                    sp = arg - 32
                value = self.bridge.call(resolver, args, sp)
                self.memory.buffer[slot:slot + 8] = value.to_bytes(8, "little")
        finally:
            lib.uc_context_restore(engine.handle, context)
            lib.uc_context_free(context)

    # ------------------------------------------------------------------ system calls

    def _record_interrupt(self, intno: int) -> None:
        if intno == self.target.syscall_interrupt:  # AArch64's svc #0, PC past it
            self._system_call()
            return
        super()._record_interrupt(intno)

    def _system_call(self) -> None:
        regs = self.abi.regs
        read = self.engine.read
        number = read(getattr(regs, self.target.syscall_number))
        args = [read(getattr(regs, name)) for name in self.target.syscall_args]
        try:
            result = self.syscalls.dispatch(number, args)
        except GuestFault as fault:  # a bad pointer handed to the kernel: EFAULT
            del fault
            result = -14
        except BaseException as err:  # noqa: BLE001 - stored, re-raised after emu_start
            if self.bridge.pending is None:
                self.bridge.pending = err
            self.engine.stop()
            return
        self.engine.write(getattr(regs, self.target.syscall_result), result)
        if not self._counting and self._others_could_run():
            # A wake or clone made another thread runnable while this start runs without
            # a count: stop here (past the svc, so synchronously safe) and count from now.
            self._recount = True
            self.engine.stop()

    # ------------------------------------------------------------------ start-up

    def set_initializers(self, preinit: Sequence[int], init: Sequence[int],
                         fini: Sequence[int]) -> None:
        """The program's ``.preinit_array``, ``.init_array`` and ``.fini_array`` functions
        (in run order; glibc runs the fini table backwards, so it is stored reversed)."""
        buffer = self.memory.buffer
        for name, functions in (("preinit", list(preinit)), ("init", list(init)),
                                ("fini", list(reversed(list(fini))))):
            if len(functions) > TABLE_CAPACITY:
                raise ExecutionError(f"more than {TABLE_CAPACITY} {name} functions")
            at = self.tables[name]
            for i, address in enumerate(functions):
                buffer[at + 8 * i:at + 8 * i + 8] = address.to_bytes(8, "little")

    def _program_headers(self) -> int:
        """Write the ELF header and program headers; their count."""
        image, memsz = self.process_tls.segment()
        tls_at = 0
        if memsz:
            tls_at = self.arena.reserve(max(len(image), 1))
            self.arena.commit(tls_at, image, max(len(image), 1), MemProt.READ)
        # One PT_LOAD spans the whole arena: glibc's _dl_find_object covers each PT_LOAD
        # of a static program, and answers with PT_GNU_EH_FRAME (eh_frame_hdr.py).
        fdes = self.eh_frame_registrar.fdes()
        capacity = len(fdes) + SPARE_ENTRIES
        size = EHFrameHeader.size_for(capacity)
        hdr_at = self.arena.reserve(size)
        self.arena.commit(hdr_at, b"", size, MemProt.READ)
        self.eh_frame_registrar.header = EHFrameHeader(self.memory.buffer, hdr_at, capacity)
        self.eh_frame_registrar.header.write(fdes)
        phdrs = [(PT_PHDR, 4, self.phdr - self.data, self.phdr, 0, 0, 8),
                 (PT_LOAD, 5, 0, ARENA_BASE, 0, ARENA_LIMIT - ARENA_BASE, 4096),
                 (PT_GNU_EH_FRAME, 4, 0, hdr_at, size, size, 4),
                 (PT_GNU_STACK, 6, 0, 0, 0, 0, 16)]
        if memsz:
            phdrs.append((PT_TLS, 4, 0, tls_at, len(image), memsz, TLS_ALIGN))
        count = len(phdrs)
        phdrs[0] = (PT_PHDR, 4, 64, self.phdr, 56 * count, 56 * count, 8)
        header = (b"\x7fELF\x02\x01\x01" + bytes(9) +
                  struct.pack("<HHIQQQIHHHHHH", 2, self.target.elf_machine, 1, 0, 64, 0, 0, 64,
                              56, count, 64, 0, 0))
        body = b"".join(struct.pack("<IIQQQQQQ", kind, flags, offset, vaddr, vaddr, filesz,
                                    memsz_, align)
                        for kind, flags, offset, vaddr, filesz, memsz_, align in phdrs)
        self.memory.buffer[self.data:self.data + 64 + len(body)] = header + body
        return count

    def _initial_stack(self, entry: int, args: Sequence[str], phnum: int) -> int:
        """Build argc/argv/envp/auxv below STACK_TOP; the stack pointer (at argc)."""
        buffer = self.memory.buffer
        top = STACK_TOP - 16

        def push(data: bytes) -> int:
            nonlocal top
            top -= len(data)
            buffer[top:top + len(data)] = data
            return top

        strings = [os.fsencode(a) for a in args]
        env = [os.fsencode(k) + b"=" + os.fsencode(v) for k, v in os.environ.items()]
        execfn = push((strings[0] if strings else b"") + b"\0")
        argv = [push(s + b"\0") for s in strings]
        envp = [push(e + b"\0") for e in env]
        platform = push(self.target.name.encode() + b"\0")
        top &= -16
        random = push(os.urandom(16))
        auxv = [(AT_PHDR, self.phdr), (AT_PHENT, 56), (AT_PHNUM, phnum), (AT_PAGESZ, 4096),
                (AT_BASE, 0), (AT_FLAGS, 0), (AT_ENTRY, entry), (AT_UID, os.getuid()),
                (AT_EUID, os.geteuid()), (AT_GID, os.getgid()), (AT_EGID, os.getegid()),
                (AT_PLATFORM, platform), (AT_HWCAP, self.target.hwcap), (AT_CLKTCK, 100),
                (AT_SECURE, 0), (AT_RANDOM, random), (AT_HWCAP2, 0), (AT_EXECFN, execfn),
                (AT_NULL, 0)]
        words = [len(argv), *argv, 0, *envp, 0] + [v for pair in auxv for v in pair]
        top = (top - 8 * len(words)) & -16
        buffer[top:top + 8 * len(words)] = struct.pack(f"<{len(words)}Q", *words)
        return top

    def start_process(self, start: int, args: Sequence[str], main: int | None = None,
                      libc_start_main: int = 0) -> int:
        """Run the process from ``start`` (crt1.o's ``_start``) with ``args`` as argv and
        the host's environment; its exit status (glibc's ``exit`` ends it, or the last
        thread's ``exit``). With ``main`` (-entry: a function other than the program's
        main), the process starts as ``_start`` would go on, at ``libc_start_main(main,
        argc, argv, 0, 0, 0, stack_end)``: the same start-up, then ``main`` is called."""
        self.syscalls.exe = os.path.abspath(args[0]) if args else ""
        sp = self._initial_stack(start, args, self._program_headers())
        self.irelative.started = True  # apply_irel takes what is in the table now
        if main is not None:
            below = sp - 256  # x86-64's seventh argument (stack_end) above the return
            self.memory.buffer[below:below + 8] = sp.to_bytes(8, "little")
            with self._top_level():
                self.abi.enter(libc_start_main, [main, len(args), sp + 8, 0, 0, 0, sp][
                    :len(self.abi.int_regs)], below, self.bridge.sentinel)
                return self._run_process(libc_start_main)
        with self._top_level():
            if self.target.start_trampoline is None:
                self.abi.enter(start, [0], sp, self.bridge.sentinel)  # x0: no rtld_fini
                return self._run_process(start)
            self.abi.enter(self.trampoline, [sp, start], sp - 256, self.bridge.sentinel)
            return self._run_process(self.trampoline)

    def _run_process(self, pc: int) -> int:
        """_run_threads, with fork allowed; a forked child's run ends its host process
        here (executors/linux/children.py), never returning to the tool."""
        children = self.children
        children.enabled = True
        try:
            status = self._run_threads(pc)
        except BaseException as err:
            if children.forked:
                children.end_child_by_error(err)
            raise
        finally:
            children.enabled = False
        if children.forked:
            children.end_child(status)
        return status

    def _after_fork(self) -> None:
        """In a forked child: a watchdog of its own (-timeout, Ctrl-C); the parent's
        thread is not in this process."""
        if self._watchdog is not None:
            self._watchdog = type(self._watchdog)(self.engine, self._deadline)

    def boot(self, libc_start_main: int, args: Sequence[str]) -> None:
        """Run the C runtime's start-up without a ``main``, for calls from Python
        (``call``, ``run_void``) into a process whose C library works (TLS, IRELATIVE
        slots, stdio, malloc): ``__libc_start_main(main, argc, argv, 0, 0, 0, stack_end)``
        with ``main`` the return sentinel, so emulation stops where main would begin, with
        the initial thread's state (thread pointer included) kept for the calls. The
        init tables stay empty: the session runs its initializers as calls. Errors as
        ``start_process``."""
        self.syscalls.exe = os.path.abspath(args[0]) if args else ""
        sp = self._initial_stack(libc_start_main, args, self._program_headers())
        self.irelative.started = True  # apply_irel takes what is in the table now
        sentinel = self.bridge.sentinel
        argc, argv = len(args), sp + 8
        below = sp - 256
        # x86-64 passes stack_end, the seventh argument, above the return address.
        self.memory.buffer[below:below + 8] = sp.to_bytes(8, "little")
        with self._top_level():
            registers = len(self.abi.int_regs)  # 8 on AArch64, 6 on x86-64
            self.abi.enter(libc_start_main, [sentinel, argc, argv, 0, 0, 0, sp][:registers],
                           below, sentinel)
            self.bridge.depth += 1
            try:
                err = self.engine.start(libc_start_main, sentinel, 0,
                                        self.bridge.max_instructions)
            finally:
                self.bridge.depth -= 1
            pending, self.bridge.pending = self.bridge.pending, None
            if pending is not None:
                raise pending
            if self.scheduler.exit_status is not None:
                raise ExecutionError(f"the C runtime's start-up exited with status "
                                     f"{self.scheduler.exit_status}")
            if err != UC_ERR_OK or self.abi.pc != sentinel:
                raise self._stopped(err)

    def _run_threads(self, pc: int) -> int:
        """Run the process's threads (threads.Scheduler) from ``pc`` until it exits; its
        status. Faults end it (GuestFault, 128 + signal) unless a handler takes them."""
        bridge, scheduler = self.bridge, self.scheduler
        limit, executed = bridge.max_instructions, 0
        bridge.depth += 1
        try:
            while True:
                bridge.check_stop()
                # Count (a slice) only while another thread or an armed ITIMER_REAL could take
                # the CPU: Unicorn's count is a hook call before every instruction
                # (bench/README.md).
                self._counting = self._others_could_run()
                self._recount = False
                count = SLICE if self._counting else 0
                if limit:
                    count = min(count or limit, limit - executed)
                err = self.engine.start(pc, bridge.sentinel, 0, count)
                pending, bridge.pending = bridge.pending, None
                if pending is not None:
                    raise pending
                if self._watchdog is not None and (self._watchdog.expired or
                                                   self._watchdog.interrupted):
                    raise self._stopped(err)
                if scheduler.exit_status is not None:
                    return scheduler.exit_status
                if err != UC_ERR_OK:
                    if not self._fault_to_handler(err):
                        raise self._stopped(err)
                elif self._interrupt is not None or self.abi.pc == bridge.sentinel:
                    if self.abi.pc == bridge.sentinel:
                        raise ExecutionError("the program's _start returned")
                    raise self._stopped(err)
                elif self._recount and not scheduler.stop_requested:
                    pass  # another thread became runnable: go on counting
                elif not scheduler.stop_requested:  # the slice or -max-instructions ran out
                    if not count:
                        raise self._stopped(err)
                    executed += count
                    if limit and executed >= limit:
                        raise LimitExceeded(f"stopped after {limit} instructions "
                                            f"(-max-instructions) at {self.abi.pc:#x} "
                                            f"({self.describe(self.abi.pc)})",
                                            self.file_of(self.abi.pc))
                    scheduler.preempt()
                pc = scheduler.resume(self._killed, bridge.check_stop)
        finally:
            bridge.depth -= 1

    def _others_could_run(self) -> bool:
        """Whether a thread other than the running one is runnable, or waits with a
        deadline (it becomes runnable at a time the running one does not see), or an
        ITIMER_REAL timer is armed (its SIGALRM must interrupt a busy loop); a wait on a
        descriptor counts as one with a deadline (its readiness is polled)."""
        current = self.scheduler.current
        if self.scheduler.alarm_at is not None:
            return True
        return any(t is not current and (t.state == RUNNABLE or (
            t.state == WAITING and (t.deadline is not None or t.fds is not None)))
            for t in self.scheduler.threads.values())

    def _fault_to_handler(self, err: int) -> bool:
        """Whether the running thread's handler for the fault ``err`` now runs."""
        signal, code = FAULT_SIGNALS.get(err, (0, 0))
        if not signal:
            return False
        invalid = self._invalid
        address = invalid[1] if invalid is not None else self.abi.pc
        if err in (UC_ERR_FETCH_UNMAPPED, UC_ERR_FETCH_PROT, UC_ERR_INSN_INVALID):
            address = self.abi.pc
        if not self.scheduler.deliver_fault(signal, code, address):
            return False
        self._invalid = None
        return True

    def _killed(self, signal: int) -> BaseException:
        """A signal's default action ended the process: a fault report at the thread's
        program counter."""
        pc = self.abi.pc
        return self._add_backtrace(GuestFault(signal, signal_name(signal),
                                              self.file_of(pc)), pc)

    def close(self) -> None:
        self.scheduler.close()
        self.eh_frame_registrar.header = None  # in the memory about to go: nothing to rewrite
        super().close()

    def run_as_main(self, address: int, args: Sequence[str]) -> int:
        raise ExecutionError("-libc=target starts the program at _start (start_process)")

    def exit_process(self, code: int) -> None:
        """The program has already exited through glibc's ``exit``: only the status."""
        sys.stdout.flush()
        raise ProgramExit(code)


class AtexitSet:
    """glibc's ``__libc_atexit`` set (pointers to functions ``exit`` runs last,
    ``_IO_cleanup``) as a table of ``capacity`` noop-padded pointers at ``address``: the
    AtexitSetService (executors/services.py) orc/plugins/libc_atexit.py fills."""

    def __init__(self, buffer, address: int, capacity: int, noop: int) -> None:  # type: ignore[no-untyped-def]
        self.buffer = buffer
        self.address = address
        self.capacity = capacity
        self.count = 0
        for i in range(capacity):
            buffer[address + 8 * i:address + 8 * i + 8] = noop.to_bytes(8, "little")

    def snapshot(self) -> bytes:
        """The pointers added so far (8 bytes each, little-endian), for ``add`` to another
        set."""
        return bytes(self.buffer[self.address:self.address + 8 * self.count])

    def add(self, pointers: bytes, name: str) -> None:
        for at in range(0, len(pointers) - 7, 8):
            if self.count == self.capacity:
                raise ExecutionError(f"more than {self.capacity} __libc_atexit entries", name)
            where = self.address + 8 * self.count
            self.buffer[where:where + 8] = pointers[at:at + 8]
            self.count += 1

