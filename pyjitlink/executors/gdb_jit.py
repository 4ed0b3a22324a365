"""GDB's JIT interface in this process: register in-memory object files with a debugger.

The protocol (GDB manual, "JIT Compilation Interface"; LLVM's JITLoaderGDB implements the same):
the process exports a function ``__jit_debug_register_code`` (empty; the debugger breaks on it)
and a variable ``__jit_debug_descriptor``::

    struct jit_code_entry { jit_code_entry *next, *prev; const char *symfile_addr;
                            uint64_t symfile_size; };
    struct jit_descriptor { uint32_t version;  /* 1 */  uint32_t action_flag;
                            jit_code_entry *relevant_entry, *first_entry; };

To register an object, link a new entry at the head of the list, set ``relevant_entry`` and
``action_flag = JIT_REGISTER_FN`` and call the function; to unregister, unlink it and call
with ``JIT_UNREGISTER_FN``. The two names come from a tiny shared object written and loaded at
run time (executors/shared_object.py), since Python exports neither.
"""

from __future__ import annotations

import ctypes
import threading

from pyjitlink.executors.abi import target_for
from pyjitlink.executors.shared_object import (
    SharedObjectWriter,
    load_shared_object,
)

JIT_NOACTION, JIT_REGISTER_FN, JIT_UNREGISTER_FN = 0, 1, 2
SONAME = "libpyjitlink-gdb-jit.so"
REGISTER_CODE = "__jit_debug_register_code"
DESCRIPTOR = "__jit_debug_descriptor"



class JITCodeEntry(ctypes.Structure):
    pass


JITCodeEntry._fields_ = [("next", ctypes.POINTER(JITCodeEntry)),
                         ("prev", ctypes.POINTER(JITCodeEntry)),
                         ("symfile_addr", ctypes.c_void_p),
                         ("symfile_size", ctypes.c_uint64)]


class JITDescriptor(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("action_flag", ctypes.c_uint32),
                ("relevant_entry", ctypes.POINTER(JITCodeEntry)),
                ("first_entry", ctypes.POINTER(JITCodeEntry))]


class GDBJITInterface:
    """The process's registrations with an attached (or later attaching) debugger.

    ``register(key, image)`` keeps a copy of ``image`` (an ELF object) alive and announces it;
    ``unregister(key)`` withdraws every image registered under ``key``. One per process.
    """

    _instance: GDBJITInterface | None = None
    _instance_lock = threading.Lock()

    def __init__(self, arch: str = "x86_64") -> None:
        target = target_for(arch)
        writer = SharedObjectWriter(target.elf_machine, soname=SONAME)
        writer.add_function(REGISTER_CODE, target.ret)  # an empty function
        writer.add_data((1).to_bytes(4, "little"), 16, ctypes.sizeof(JITDescriptor),
                        name=DESCRIPTOR)
        image = writer.build()
        self.library, self.path = load_shared_object(image, SONAME)
        self._register_code = ctypes.CFUNCTYPE(None)((REGISTER_CODE, self.library))
        self.descriptor = JITDescriptor.in_dll(self.library, DESCRIPTOR)
        self.lock = threading.Lock()
        # key -> [(entry, buffer)]: both must live as long as the registration.
        self.entries: dict[int, list[tuple[JITCodeEntry, ctypes.Array]]] = {}

    @classmethod
    def get(cls) -> GDBJITInterface:
        """The process's interface, made (and its shared object loaded) on first use."""
        with cls._instance_lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def register(self, key: int, image: bytes) -> int:
        """Announce ``image``; returns the address of the in-memory copy the debugger reads."""
        buffer = ctypes.create_string_buffer(image, len(image))
        entry = JITCodeEntry()
        entry.symfile_addr = ctypes.addressof(buffer)
        entry.symfile_size = len(image)
        with self.lock:
            descriptor = self.descriptor
            head = descriptor.first_entry
            entry.next = head
            if head:
                head.contents.prev = ctypes.pointer(entry)
            descriptor.first_entry = ctypes.pointer(entry)
            descriptor.relevant_entry = ctypes.pointer(entry)
            descriptor.action_flag = JIT_REGISTER_FN
            self.entries.setdefault(key, []).append((entry, buffer))
            self._register_code()
            descriptor.action_flag = JIT_NOACTION
        return ctypes.addressof(buffer)

    def unregister(self, key: int) -> None:
        """Withdraw every image registered under ``key``."""
        with self.lock:
            descriptor = self.descriptor
            for entry, _buffer in self.entries.pop(key, []):
                if entry.prev:
                    entry.prev.contents.next = entry.next
                else:
                    descriptor.first_entry = entry.next
                if entry.next:
                    entry.next.contents.prev = entry.prev
                descriptor.relevant_entry = ctypes.pointer(entry)
                descriptor.action_flag = JIT_UNREGISTER_FN
                self._register_code()
                descriptor.action_flag = JIT_NOACTION

    def registered(self) -> list[tuple[int, int]]:
        """(address, size) of every registered image, walking the descriptor's list."""
        found = []
        with self.lock:
            node = self.descriptor.first_entry
            while node:
                found.append((node.contents.symfile_addr, node.contents.symfile_size))
                node = node.contents.next
        return found
