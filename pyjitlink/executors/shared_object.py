"""Write a minimal ELF shared object with given functions and variables, and load it.

For names the host process must *export* from a real loaded object, found by symbol name by
tools outside this process (GDB's JIT interface: ``__jit_debug_register_code`` and
``__jit_debug_descriptor``), or by the dynamic loader for other objects. Python exports
neither, and nothing here may need a compiler at run time.

Layout (System V gABI, "Program Loading" and "Dynamic Linking"; ELF64 little-endian)::

    0x0000  ELF header, program headers, .hash, .dynsym, .dynstr, .text   PT_LOAD R-X
    0x1000  .dynamic, .data                                               PT_LOAD RW-
            section headers, .shstrtab                                     (not loaded)

with PT_DYNAMIC (DT_HASH, DT_STRTAB, DT_SYMTAB, DT_STRSZ, DT_SYMENT, DT_SONAME) and
PT_GNU_STACK (RW-: the object does not ask for an executable stack). No segment is writable
and executable; there are no relocations, so the loader only maps the file.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import struct
import tempfile
from dataclasses import dataclass

EM_X86_64, EM_AARCH64 = 62, 183
ET_DYN = 3
PT_LOAD, PT_DYNAMIC, PT_GNU_STACK = 1, 2, 0x6474E551
PF_X, PF_W, PF_R = 1, 2, 4
SHT_PROGBITS, SHT_STRTAB, SHT_HASH, SHT_DYNAMIC, SHT_DYNSYM = 1, 3, 5, 6, 11
SHF_WRITE, SHF_ALLOC, SHF_EXECINSTR = 1, 2, 4
DT_NULL, DT_HASH, DT_STRTAB, DT_SYMTAB, DT_STRSZ, DT_SYMENT, DT_SONAME = 0, 4, 5, 6, 10, 11, 14
STB_GLOBAL, STT_OBJECT, STT_FUNC = 1, 1, 2
PAGE = 0x1000


@dataclass(frozen=True)
class ExportedSymbol:
    """A function (``code``: its machine code) or a variable (``code``: its initial bytes,
    ``size`` at least their length) the shared object defines and exports."""

    name: str
    code: bytes
    function: bool = True
    size: int = 0

    @property
    def byte_size(self) -> int:
        return max(self.size, len(self.code))


def _elf_hash(name: bytes) -> int:
    """The System V ABI's ELF hash of a symbol name (gABI, "Hash Table")."""
    h = 0
    for c in name:
        h = ((h << 4) + c) & 0xFFFFFFFF
        g = h & 0xF0000000
        if g:
            h ^= g >> 24
        h &= ~g & 0xFFFFFFFF
    return h


def _align(value: int, alignment: int) -> int:
    return (value + alignment - 1) & -alignment


def build_shared_object(symbols: list[ExportedSymbol], soname: str,
                        machine: int = EM_X86_64) -> tuple[bytes, dict[str, int]]:
    """The bytes of a shared object exporting ``symbols``, and each symbol's offset from the
    object's load address."""
    functions = [s for s in symbols if s.function]
    variables = [s for s in symbols if not s.function]
    dynstr = bytearray(b"\0")
    name_offsets = {}
    for sym in symbols:
        name_offsets[sym.name] = len(dynstr)
        dynstr += sym.name.encode() + b"\0"
    soname_offset = len(dynstr)
    dynstr += soname.encode() + b"\0"
    nsyms = len(symbols) + 1
    nphdr = 4
    # Read-only/executable segment.
    offset = 64 + 56 * nphdr
    hash_offset = _align(offset, 8)
    nbucket = max(1, len(symbols))
    hash_size = 4 * (2 + nbucket + nsyms)
    dynsym_offset = _align(hash_offset + hash_size, 8)
    dynstr_offset = dynsym_offset + 24 * nsyms
    text_offset = _align(dynstr_offset + len(dynstr), 16)
    addresses: dict[str, int] = {}
    text = bytearray()
    for sym in functions:
        addresses[sym.name] = text_offset + len(text)
        text += sym.code + b"\xcc" * (-len(sym.code) % 16)
    text_end = text_offset + max(len(text), 1)
    # Writable segment.
    dynamic_offset = _align(text_end, PAGE)
    ndyn = 7
    data_offset = dynamic_offset + 16 * ndyn
    data = bytearray()
    for sym in variables:
        data += b"\0" * (-len(data) % 16)
        addresses[sym.name] = data_offset + len(data)
        data += sym.code + b"\0" * (sym.byte_size - len(sym.code))
    data_end = data_offset + len(data)
    shstrtab = b"\0.hash\0.dynsym\0.dynstr\0.text\0.dynamic\0.data\0.shstrtab\0"
    shstrtab_offset = data_end
    shoff = _align(shstrtab_offset + len(shstrtab), 8)
    nsections = 8
    image = bytearray(shoff + 64 * nsections)
    # ELF header.
    image[0:16] = b"\x7fELF\x02\x01\x01" + bytes(9)
    struct.pack_into("<HHIQQQIHHHHHH", image, 16, ET_DYN, machine, 1, 0, 64, shoff, 0, 64,
                     56, nphdr, 64, nsections, nsections - 1)
    # Program headers: (type, flags, offset, vaddr, paddr, filesz, memsz, align).
    phdrs = [(PT_LOAD, PF_R | PF_X, 0, 0, 0, text_end, text_end, PAGE),
             (PT_LOAD, PF_R | PF_W, dynamic_offset, dynamic_offset, dynamic_offset,
              data_end - dynamic_offset, data_end - dynamic_offset, PAGE),
             (PT_DYNAMIC, PF_R | PF_W, dynamic_offset, dynamic_offset, dynamic_offset,
              16 * ndyn, 16 * ndyn, 8),
             (PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 0, 16)]
    for i, ph in enumerate(phdrs):
        struct.pack_into("<IIQQQQQQ", image, 64 + 56 * i, *ph)
    # .hash
    buckets = [0] * nbucket
    chains = [0] * nsyms
    for index, sym in enumerate(symbols, start=1):
        bucket = _elf_hash(sym.name.encode()) % nbucket
        chains[index] = buckets[bucket]
        buckets[bucket] = index
    struct.pack_into(f"<{2 + nbucket + nsyms}I", image, hash_offset, nbucket, nsyms,
                     *buckets, *chains)
    # .dynsym: text is section 4, data section 6 (see the section headers below).
    for index, sym in enumerate(symbols, start=1):
        info = (STB_GLOBAL << 4) | (STT_FUNC if sym.function else STT_OBJECT)
        struct.pack_into("<IBBHQQ", image, dynsym_offset + 24 * index, name_offsets[sym.name],
                         info, 0, 4 if sym.function else 6, addresses[sym.name],
                         sym.byte_size)
    image[dynstr_offset:dynstr_offset + len(dynstr)] = dynstr
    image[text_offset:text_offset + len(text)] = text
    dynamic = [(DT_HASH, hash_offset), (DT_STRTAB, dynstr_offset), (DT_SYMTAB, dynsym_offset),
               (DT_STRSZ, len(dynstr)), (DT_SYMENT, 24), (DT_SONAME, soname_offset),
               (DT_NULL, 0)]
    for i, (tag, value) in enumerate(dynamic):
        struct.pack_into("<qQ", image, dynamic_offset + 16 * i, tag, value)
    image[data_offset:data_end] = data
    image[shstrtab_offset:shstrtab_offset + len(shstrtab)] = shstrtab

    def name_of(text: bytes) -> int:
        return shstrtab.index(b"\0" + text + b"\0") + 1

    # (name, type, flags, addr/offset, size, link, info, align, entsize)
    sections = [
        (0, 0, 0, 0, 0, 0, 0, 0, 0),
        (name_of(b".hash"), SHT_HASH, SHF_ALLOC, hash_offset, hash_size, 2, 0, 8, 4),
        (name_of(b".dynsym"), SHT_DYNSYM, SHF_ALLOC, dynsym_offset, 24 * nsyms, 3, 1, 8, 24),
        (name_of(b".dynstr"), SHT_STRTAB, SHF_ALLOC, dynstr_offset, len(dynstr), 0, 0, 1, 0),
        (name_of(b".text"), SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, text_offset, len(text),
         0, 0, 16, 0),
        (name_of(b".dynamic"), SHT_DYNAMIC, SHF_ALLOC | SHF_WRITE, dynamic_offset, 16 * ndyn,
         3, 0, 8, 16),
        (name_of(b".data"), SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, data_offset, len(data), 0,
         0, 16, 0),
        (name_of(b".shstrtab"), SHT_STRTAB, 0, 0, len(shstrtab), 0, 0, 1, 0),
    ]
    for i, (name, sh_type, flags, where, size, link, info, align, entsize) in enumerate(
            sections):
        address = where if flags & SHF_ALLOC else 0
        file_offset = shstrtab_offset if i == nsections - 1 else where
        struct.pack_into("<IIQQQQIIQQ", image, shoff + 64 * i, name, sh_type, flags, address,
                         file_offset, size, link, info, align, entsize)
    return bytes(image), addresses


def load_shared_object(image: bytes, soname: str) -> tuple[ctypes.CDLL, str]:
    """dlopen ``image`` (from build_shared_object); returns the library and its path.

    The file stays on disk, named by its contents in the temporary directory, so debuggers
    and profilers that read loaded objects by path can open it; loading the same image again
    (another run) reuses it.
    """
    digest = hashlib.sha256(image).hexdigest()[:16]
    path = os.path.join(tempfile.gettempdir(), f"pyjitlink-{os.getuid()}-{digest}-{soname}")
    try:
        with open(path, "rb") as f:
            current = f.read()
    except OSError:
        current = None
    if current != image:
        fd, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".pyjitlink-")
        with os.fdopen(fd, "wb") as f:
            f.write(image)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    return ctypes.CDLL(path), path
