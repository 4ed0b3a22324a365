"""A minimal ELF shared object written at run time, for the host's dynamic loader to dlopen.

Two users need a real loaded object that no compiler made: GDB's JIT interface looks up
``__jit_debug_register_code`` and ``__jit_debug_descriptor`` by symbol name in the objects a
process has loaded (Python exports neither), and native thread-local storage needs a TLS
module of glibc's own (a PT_TLS segment, optionally in static TLS with DF_STATIC_TLS).
Nothing here needs a compiler at run time.

Layout (System V gABI, "Program Header", "Dynamic Section", "Hash Table"; ELF64
little-endian; x86-64 and AArch64 psABIs for the relocation types a caller asks glibc to
apply)::

    0x0000  ELF header, program headers, .hash, .dynsym, .dynstr, .rela.dyn, .text  PT_LOAD R-X
    page    .dynamic, .data, the TLS initialisation image                           PT_LOAD RW-
            section headers, .shstrtab                                               (not loaded)

with PT_DYNAMIC, PT_TLS when a TLS image is set, and PT_GNU_STACK (RW-: without it glibc
would make every thread stack executable). No segment is writable and executable. File
offsets equal addresses relative to the load base (the object is position independent).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import stat
import struct
from dataclasses import dataclass, field

EM_X86_64 = 62
EM_AARCH64 = 183

ET_DYN = 3
PT_LOAD, PT_DYNAMIC, PT_TLS, PT_GNU_STACK = 1, 2, 7, 0x6474E551
PF_X, PF_W, PF_R = 1, 2, 4
SHT_PROGBITS, SHT_STRTAB, SHT_RELA, SHT_HASH, SHT_DYNAMIC = 1, 3, 4, 5, 6
SHT_NOBITS, SHT_DYNSYM = 8, 11
SHF_WRITE, SHF_ALLOC, SHF_EXECINSTR, SHF_TLS = 1, 2, 4, 0x400
DT_NULL, DT_HASH, DT_STRTAB, DT_SYMTAB, DT_RELA, DT_RELASZ, DT_RELAENT = 0, 4, 5, 6, 7, 8, 9
DT_STRSZ, DT_SYMENT, DT_SONAME, DT_FLAGS = 10, 11, 14, 30
DF_STATIC_TLS = 0x10  # gABI: the object uses the static TLS model (glibc: surplus static TLS)
STB_GLOBAL = 1
STT_OBJECT, STT_FUNC, STT_TLS = 1, 2, 6
SHN_ABS = 0xFFF1
PAGE = 0x1000

_EHDR_SIZE, _PHDR_SIZE, _SHDR_SIZE, _SYM_SIZE, _RELA_SIZE = 64, 56, 64, 24, 24
_DYNAMIC_SLOTS = 12
# Section indices (see _SECTIONS): symbols name the section they are defined in.
_SECTIONS = (b".hash", b".dynsym", b".dynstr", b".rela.dyn", b".text", b".dynamic", b".data",
             b".tdata", b".shstrtab")
SEC_TEXT, SEC_DATA, SEC_TDATA = 5, 7, 8


def _align(value: int, alignment: int) -> int:
    return (value + alignment - 1) & -alignment


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


@dataclass
class SharedObjectSymbol:
    """A dynamic symbol: ``value`` is an address relative to the object's load base (or an
    absolute value with ``absolute``; for STT_TLS an offset in the TLS block); ``size`` in
    bytes; ``stype`` an STT_* value; ``section`` the SEC_* index it is defined in."""

    name: str
    value: int
    size: int = 0
    stype: int = STT_OBJECT
    absolute: bool = False
    section: int = SEC_DATA


@dataclass
class SharedObjectWriter:
    """Collects functions, data, dynamic symbols, relocations and a TLS image, then
    ``build()`` returns the object's bytes. Addresses handed out are relative to the load
    base; the layout depends only on sizes, so ``layout()`` gives them before ``build()``.

    ``machine`` is EM_X86_64 or EM_AARCH64; ``flags`` is DT_FLAGS (e.g. DF_STATIC_TLS).
    """

    machine: int
    soname: str = "pyjitlink.so"
    flags: int = 0
    symbols: list[SharedObjectSymbol] = field(default_factory=list)
    relocations: list[tuple[int, int, int, int]] = field(default_factory=list)
    _functions: list[tuple[str, bytes]] = field(default_factory=list)
    _data: list[tuple[int, bytes, int, str | None]] = field(default_factory=list)
    _tls: tuple[bytes, int, int] | None = None  # (image, memory size, alignment)

    def add_function(self, name: str, code: bytes) -> int:
        """Export a function ``name`` whose machine code is ``code`` (read-only, executable);
        returns its index for ``layout()``'s function addresses."""
        self._functions.append((name, bytes(code)))
        return len(self._functions) - 1

    def add_data(self, content: bytes, alignment: int = 8, size: int | None = None,
                 name: str | None = None) -> int:
        """Reserve ``size`` bytes (default: len(content)) of writable data starting with
        ``content``, exported as ``name`` when given; returns the index for ``layout()``."""
        self._data.append((alignment, bytes(content), max(size or 0, len(content)), name))
        return len(self._data) - 1

    def set_tls(self, image: bytes, size: int, alignment: int) -> None:
        """Give the object a PT_TLS segment: ``image`` (p_filesz bytes) then zeros up to
        ``size`` (p_memsz), aligned to ``alignment`` (a power of two).

        Raises ValueError if ``size`` is below the image's length or ``alignment`` is not a
        power of two."""
        if size < len(image) or alignment & (alignment - 1):
            raise ValueError("TLS size below its image, or alignment not a power of two")
        self._tls = (bytes(image), size, max(alignment, 1))

    def add_symbol(self, symbol: SharedObjectSymbol) -> int:
        """Add a dynamic symbol; returns its index in .dynsym (index 0 is the null symbol;
        symbols of ``add_function`` and named ``add_data`` come after these)."""
        self.symbols.append(symbol)
        return len(self.symbols)

    def add_relocation(self, address: int, rtype: int, symbol: int = 0, addend: int = 0
                       ) -> None:
        """A dynamic relocation (Elf64_Rela) the loader applies at ``address`` (relative to
        the load base, see ``layout``)."""
        self.relocations.append((address, rtype, symbol, addend))

    def layout(self) -> tuple[list[int], int]:
        """(address of each add_data block, address of the TLS image) before ``build``."""
        places = self._layout()
        return places.data, places.tls

    def function_addresses(self) -> list[int]:
        """The address of each add_function's code, relative to the load base."""
        return self._layout().functions

    def _all_symbols(self, places: _Places) -> list[SharedObjectSymbol]:
        symbols = list(self.symbols)
        for (name, code), address in zip(self._functions, places.functions):
            symbols.append(SharedObjectSymbol(name, address, len(code), STT_FUNC,
                                              section=SEC_TEXT))
        for (_, _, size, data_name), address in zip(self._data, places.data):
            if data_name is not None:
                symbols.append(SharedObjectSymbol(data_name, address, size, STT_OBJECT))
        return symbols

    def _names(self) -> bytes:
        names = b"\0" + self.soname.encode() + b"\0"
        for sym in self.symbols:
            names += sym.name.encode() + b"\0"
        for name, _ in self._functions:
            names += name.encode() + b"\0"
        for *_, data_name in self._data:
            if data_name is not None:
                names += data_name.encode() + b"\0"
        return names

    def _layout(self) -> _Places:
        p = _Places()
        nphdr = 4 + (self._tls is not None)
        nsyms = 1 + len(self.symbols) + len(self._functions) + sum(
            1 for *_, name in self._data if name is not None)
        p.nphdr, p.nsyms, p.nbucket = nphdr, nsyms, max(1, nsyms - 1)
        p.dynstr_size = len(self._names())
        offset = _EHDR_SIZE + nphdr * _PHDR_SIZE
        for name, size, alignment in (("hash", 4 * (2 + p.nbucket + nsyms), 8),
                                      ("dynsym", _SYM_SIZE * nsyms, 8),
                                      ("dynstr", p.dynstr_size, 1),
                                      ("rela", _RELA_SIZE * len(self.relocations), 8)):
            offset = _align(offset, alignment)
            setattr(p, name, offset)
            offset += size
        offset = p.text = _align(offset, 16)
        for _, code in self._functions:
            p.functions.append(offset)
            offset = _align(offset + len(code), 16)
        p.text_end = offset
        offset = p.dynamic = _align(offset, PAGE)
        offset += 16 * _DYNAMIC_SLOTS
        p.data_start = offset
        for alignment, _, size, _ in self._data:
            offset = _align(offset, alignment)
            p.data.append(offset)
            offset += size
        p.data_end = offset
        if self._tls is not None:
            offset = p.tls = _align(offset, self._tls[2])
            offset += len(self._tls[0])
        p.end = max(offset, p.dynamic + 16 * _DYNAMIC_SLOTS)
        return p

    def build(self) -> bytes:
        """The object's bytes."""
        p = self._layout()
        symbols = self._all_symbols(p)
        shstrtab = b"\0" + b"\0".join(_SECTIONS) + b"\0"
        shstrtab_offset = p.end
        shoff = _align(shstrtab_offset + len(shstrtab), 8)
        nsections = len(_SECTIONS) + 1
        out = bytearray(shoff + _SHDR_SIZE * nsections)
        struct.pack_into("<4sBBBBB7xHHIQQQIHHHHHH", out, 0, b"\x7fELF", 2, 1, 1, 0, 0, ET_DYN,
                         self.machine, 1, 0, _EHDR_SIZE, shoff, 0, _EHDR_SIZE, _PHDR_SIZE,
                         p.nphdr, _SHDR_SIZE, nsections, nsections - 1)
        rw_size = p.end - p.dynamic
        tls = self._tls
        # (type, flags, offset = vaddr = paddr, filesz, memsz, align)
        phdrs = [(PT_LOAD, PF_R | PF_X, 0, p.text_end, p.text_end, PAGE),
                 (PT_LOAD, PF_R | PF_W, p.dynamic, rw_size, rw_size, PAGE),
                 (PT_DYNAMIC, PF_R | PF_W, p.dynamic, 16 * _DYNAMIC_SLOTS,
                  16 * _DYNAMIC_SLOTS, 8)]
        if tls is not None:
            phdrs.append((PT_TLS, PF_R, p.tls, len(tls[0]), tls[1], tls[2]))
        phdrs.append((PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 16))
        for i, (ptype, flags, where, filesz, memsz, align) in enumerate(phdrs):
            struct.pack_into("<IIQQQQQQ", out, _EHDR_SIZE + _PHDR_SIZE * i, ptype, flags,
                             where, where, where, filesz, memsz, align)
        # Strings, symbols and the SysV hash table.
        names = self._names()
        name_offsets = []
        cursor = len(self.soname.encode()) + 2
        for sym in symbols:
            name_offsets.append(cursor)
            cursor += len(sym.name.encode()) + 1
        out[p.dynstr:p.dynstr + len(names)] = names
        buckets = [0] * p.nbucket
        chains = [0] * p.nsyms
        for index, sym in enumerate(symbols, start=1):
            shndx = SHN_ABS if sym.absolute else (SEC_TDATA if sym.stype == STT_TLS
                                                  else sym.section)
            struct.pack_into("<IBBHQQ", out, p.dynsym + _SYM_SIZE * index,
                             name_offsets[index - 1], (STB_GLOBAL << 4) | sym.stype, 0,
                             shndx, sym.value, sym.size)
            bucket = _elf_hash(sym.name.encode()) % p.nbucket
            chains[index] = buckets[bucket]
            buckets[bucket] = index
        struct.pack_into(f"<{2 + p.nbucket + p.nsyms}I", out, p.hash, p.nbucket, p.nsyms,
                         *buckets, *chains)
        for i, (address, rtype, symbol, addend) in enumerate(self.relocations):
            struct.pack_into("<QQq", out, p.rela + _RELA_SIZE * i, address,
                             (symbol << 32) | rtype, addend)
        for (_, code), address in zip(self._functions, p.functions):
            out[address:address + len(code)] = code
        dynamic = [(DT_HASH, p.hash), (DT_STRTAB, p.dynstr), (DT_SYMTAB, p.dynsym),
                   (DT_STRSZ, p.dynstr_size), (DT_SYMENT, _SYM_SIZE), (DT_SONAME, 1)]
        if self.relocations:
            dynamic += [(DT_RELA, p.rela), (DT_RELASZ, _RELA_SIZE * len(self.relocations)),
                        (DT_RELAENT, _RELA_SIZE)]
        if self.flags:
            dynamic.append((DT_FLAGS, self.flags))
        dynamic.append((DT_NULL, 0))
        for i, (tag, value) in enumerate(dynamic):
            struct.pack_into("<qQ", out, p.dynamic + 16 * i, tag, value)
        for (_, content, _, _), address in zip(self._data, p.data):
            out[address:address + len(content)] = content
        if tls is not None:
            out[p.tls:p.tls + len(tls[0])] = tls[0]
        out[shstrtab_offset:shstrtab_offset + len(shstrtab)] = shstrtab

        def name_of(section: bytes) -> int:
            return shstrtab.index(b"\0" + section + b"\0") + 1

        tls_image, _, tls_align = tls if tls is not None else (b"", 0, 1)
        # (name, type, flags, address (= file offset when allocated), size, link, info,
        #  align, entsize); the null section first.
        sections = [
            (b".hash", SHT_HASH, SHF_ALLOC, p.hash, 4 * (2 + p.nbucket + p.nsyms), 2, 0, 8, 4),
            (b".dynsym", SHT_DYNSYM, SHF_ALLOC, p.dynsym, _SYM_SIZE * p.nsyms, 3, 1, 8,
             _SYM_SIZE),
            (b".dynstr", SHT_STRTAB, SHF_ALLOC, p.dynstr, p.dynstr_size, 0, 0, 1, 0),
            (b".rela.dyn", SHT_RELA, SHF_ALLOC, p.rela, _RELA_SIZE * len(self.relocations),
             2, 0, 8, _RELA_SIZE),
            (b".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, p.text, p.text_end - p.text,
             0, 0, 16, 0),
            (b".dynamic", SHT_DYNAMIC, SHF_ALLOC | SHF_WRITE, p.dynamic,
             16 * _DYNAMIC_SLOTS, 3, 0, 8, 16),
            (b".data", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, p.data_start,
             p.data_end - p.data_start, 0, 0, 16, 0),
            (b".tdata", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE | SHF_TLS, p.tls or p.data_end,
             len(tls_image), 0, 0, tls_align, 0),
            (b".shstrtab", SHT_STRTAB, 0, shstrtab_offset, len(shstrtab), 0, 0, 1, 0),
        ]
        for i, (name, sh_type, flags, where, size, link, info, align, entsize) in enumerate(
                sections, start=1):
            address = where if flags & SHF_ALLOC else 0
            struct.pack_into("<IIQQQQIIQQ", out, shoff + _SHDR_SIZE * i, name_of(name),
                             sh_type, flags, address, where, size, link, info, align, entsize)
        return bytes(out)


@dataclass
class _Places:
    """Where build() puts each part (addresses relative to the load base)."""

    nphdr: int = 0
    nsyms: int = 0
    nbucket: int = 1
    dynstr_size: int = 0
    hash: int = 0
    dynsym: int = 0
    dynstr: int = 0
    rela: int = 0
    text: int = 0
    text_end: int = 0
    dynamic: int = 0
    data_start: int = 0
    data_end: int = 0
    tls: int = 0
    end: int = 0
    functions: list[int] = field(default_factory=list)
    data: list[int] = field(default_factory=list)


def _private_directory() -> str:
    """``<tmp>/pyjitlink-<uid>``, made 0700 if missing; OSError unless it is a real directory
    that only this user owns and can write (another user must not be able to swap the
    object between its check and its load)."""
    import tempfile  # here: only a run that loads an object pays for it (and hashlib)

    path = os.path.join(tempfile.gettempdir(), f"pyjitlink-{os.getuid()}")
    with contextlib.suppress(FileExistsError):
        os.mkdir(path, 0o700)
    info = os.lstat(path)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or \
            info.st_mode & 0o077:
        raise OSError(f"{path} is not a private directory of this user")
    return path


def load_shared_object(image: bytes, soname: str) -> tuple[ctypes.CDLL, str]:
    """dlopen ``image`` (from SharedObjectWriter.build); returns the library and its path.

    The file stays on disk, named by its contents in a directory only this user can write
    (``<tmp>/pyjitlink-<uid>``), so debuggers and profilers that read loaded objects by path
    can open it; loading the same image again (another run) reuses it. Raises OSError if the
    file cannot be written or loaded.
    """
    import hashlib
    import tempfile

    digest = hashlib.sha256(image).hexdigest()[:16]
    directory = _private_directory()
    path = os.path.join(directory, f"{digest}-{soname}")
    try:
        with open(path, "rb") as f:
            current = f.read()
    except OSError:
        current = None
    if current != image:
        fd, temporary = tempfile.mkstemp(dir=directory, prefix=".pyjitlink-")
        with os.fdopen(fd, "wb") as f:
            f.write(image)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    return ctypes.CDLL(path), path
