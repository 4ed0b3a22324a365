"""A minimal ELF shared object written at run time, for the host's dynamic loader to dlopen.

The object has one read-write PT_LOAD holding the ELF header, the program headers, the
dynamic section with its symbol, string, hash and relocation tables, and the data the caller
adds; optionally a PT_TLS segment (an initialisation image followed by zero fill, in that
same PT_LOAD), which makes glibc give the object a TLS module of its own; and PT_GNU_STACK
(without it glibc would make every thread stack executable). Layout rules: System V gABI
("Program Header", "Dynamic Section", "Hash Table"); x86-64 and AArch64 psABIs for the
relocation types a caller asks glibc to apply.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

EM_X86_64 = 62
EM_AARCH64 = 183

PT_LOAD, PT_DYNAMIC, PT_TLS, PT_GNU_STACK = 1, 2, 7, 0x6474E551
PF_W, PF_R = 2, 4
DT_NULL, DT_HASH, DT_STRTAB, DT_SYMTAB, DT_RELA, DT_RELASZ, DT_RELAENT = 0, 4, 5, 6, 7, 8, 9
DT_STRSZ, DT_SYMENT, DT_SONAME, DT_FLAGS = 10, 11, 14, 30
DF_STATIC_TLS = 0x10  # gABI: the object uses the static TLS model (glibc: surplus static TLS)
STB_GLOBAL = 1
STT_OBJECT, STT_FUNC, STT_TLS = 1, 2, 6
SHN_ABS = 0xFFF1

_EHDR_SIZE, _PHDR_SIZE, _SYM_SIZE, _RELA_SIZE = 64, 56, 24, 24
_MAX_PHDRS = 4  # PT_LOAD, PT_DYNAMIC, PT_TLS, PT_GNU_STACK


def _align(value: int, alignment: int) -> int:
    return (value + alignment - 1) & -alignment


@dataclass
class SharedObjectSymbol:
    """A dynamic symbol: ``value`` is an address relative to the object's load base (or an
    absolute value with ``absolute``); ``size`` in bytes; ``stype`` an STT_* value."""

    name: str
    value: int
    size: int = 0
    stype: int = STT_OBJECT
    absolute: bool = False


@dataclass
class SharedObjectWriter:
    """Collects data, dynamic symbols, relocations and a TLS image, then ``build()`` returns
    the object's bytes. Addresses handed out are relative to the load base (the object is
    position independent: the loader chooses the base).

    ``machine`` is EM_X86_64 or EM_AARCH64; ``flags`` is DT_FLAGS (e.g. DF_STATIC_TLS).
    """

    machine: int
    soname: str = "pyjitlink.so"
    flags: int = 0
    symbols: list[SharedObjectSymbol] = field(default_factory=list)
    relocations: list[tuple[int, int, int, int]] = field(default_factory=list)
    _data: list[tuple[int, bytes, int]] = field(default_factory=list)  # (align, bytes, size)
    _tls: tuple[bytes, int, int] | None = None  # (image, memory size, alignment)
    _placed: list[int] = field(default_factory=list)

    def add_data(self, content: bytes, alignment: int = 8, size: int | None = None) -> int:
        """Reserve ``size`` bytes (default: len(content)) starting with ``content``; return
        the index to pass to ``address_of`` after ``build()``."""
        self._data.append((alignment, bytes(content), max(size or 0, len(content))))
        return len(self._data) - 1

    def set_tls(self, image: bytes, size: int, alignment: int) -> None:
        """Give the object a PT_TLS segment: ``image`` (p_filesz bytes) then zeros up to
        ``size`` (p_memsz), aligned to ``alignment`` (a power of two)."""
        if size < len(image) or alignment & (alignment - 1):
            raise ValueError("TLS size below its image, or alignment not a power of two")
        self._tls = (bytes(image), size, max(alignment, 1))

    def add_symbol(self, symbol: SharedObjectSymbol) -> int:
        """Add a dynamic symbol; returns its index in .dynsym (index 0 is the null symbol)."""
        self.symbols.append(symbol)
        return len(self.symbols)

    def add_relocation(self, address: int, rtype: int, symbol: int = 0, addend: int = 0
                       ) -> None:
        """A dynamic relocation (Elf64_Rela) the loader applies at ``address`` (relative to
        the load base, see ``address_of``)."""
        self.relocations.append((address, rtype, symbol, addend))

    def layout(self) -> tuple[list[int], int]:
        """(address of each add_data block, address of the TLS image). The data and the
        image come first, right after the headers, so symbols and relocations added later
        never move them: relocations may name these addresses."""
        return self._layout()[:2]

    def _layout(self) -> tuple[list[int], int, dict[str, int]]:
        # Room for every program header the object may have, whether or not it has PT_TLS.
        offset = _EHDR_SIZE + _MAX_PHDRS * _PHDR_SIZE
        data_places = []
        for alignment, _, size in self._data:
            offset = _align(offset, alignment)
            data_places.append(offset)
            offset += size
        tls_place = 0
        if self._tls is not None:
            offset = _align(offset, self._tls[2])
            tls_place = offset
            offset += len(self._tls[0])
        places: dict[str, int] = {}
        names = b"\0" + self.soname.encode() + b"\0"
        for sym in self.symbols:
            names += sym.name.encode() + b"\0"
        nsyms = len(self.symbols) + 1
        for name, size, alignment in (("hash", 4 * (2 + 1 + nsyms), 8),
                                      ("dynsym", _SYM_SIZE * nsyms, 8),
                                      ("dynstr", len(names), 1),
                                      ("rela", _RELA_SIZE * len(self.relocations), 8),
                                      ("dynamic", 16 * 12, 8)):
            offset = _align(offset, alignment)
            places[name] = offset
            offset += size
        places["dynstr_size"] = len(names)
        places["end"] = offset
        return data_places, tls_place, places

    def build(self) -> bytes:
        """The object's bytes (file offsets equal addresses: one PT_LOAD at address 0)."""
        data_places, tls_place, places = self._layout()
        end = places["end"]
        out = bytearray(end)
        nphdr = 3 + (self._tls is not None)
        out[:_EHDR_SIZE] = struct.pack(
            "<4sBBBBB7xHHIQQQIHHHHHH", b"\x7fELF", 2, 1, 1, 0, 0, 3, self.machine, 1, 0,
            _EHDR_SIZE, 0, 0, _EHDR_SIZE, _PHDR_SIZE, nphdr, 64, 0, 0)
        tls = self._tls
        phdrs = [struct.pack("<IIQQQQQQ", PT_LOAD, PF_R | PF_W, 0, 0, 0, end, end, 0x1000),
                 struct.pack("<IIQQQQQQ", PT_DYNAMIC, PF_R | PF_W, places["dynamic"],
                             places["dynamic"], places["dynamic"], 16 * 12, 16 * 12, 8)]
        if tls is not None:
            phdrs.append(struct.pack("<IIQQQQQQ", PT_TLS, PF_R, tls_place, tls_place,
                                     tls_place, len(tls[0]), tls[1], tls[2]))
        phdrs.append(struct.pack("<IIQQQQQQ", PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 0, 16))
        out[_EHDR_SIZE:_EHDR_SIZE + nphdr * _PHDR_SIZE] = b"".join(phdrs)
        # Strings, symbols, and a one-bucket SysV hash table chaining every symbol.
        names = b"\0" + self.soname.encode() + b"\0"
        syms = bytearray(_SYM_SIZE)
        for sym in self.symbols:
            shndx = SHN_ABS if sym.absolute else 1  # any defined index: one PT_LOAD
            syms += struct.pack("<IBBHQQ", len(names), (STB_GLOBAL << 4) | sym.stype, 0,
                                shndx, sym.value, sym.size)
            names += sym.name.encode() + b"\0"
        nsyms = len(self.symbols) + 1
        chain = [0] + [i + 1 if i + 1 < nsyms else 0 for i in range(1, nsyms)]
        hash_table = struct.pack(f"<III{nsyms}I", 1, nsyms, 1 if nsyms > 1 else 0, *chain)
        out[places["hash"]:places["hash"] + len(hash_table)] = hash_table
        out[places["dynsym"]:places["dynsym"] + len(syms)] = syms
        out[places["dynstr"]:places["dynstr"] + len(names)] = names
        rela = b"".join(struct.pack("<QQq", address, (symbol << 32) | rtype, addend)
                        for address, rtype, symbol, addend in self.relocations)
        out[places["rela"]:places["rela"] + len(rela)] = rela
        dynamic = [(DT_HASH, places["hash"]), (DT_STRTAB, places["dynstr"]),
                   (DT_SYMTAB, places["dynsym"]), (DT_STRSZ, places["dynstr_size"]),
                   (DT_SYMENT, _SYM_SIZE), (DT_SONAME, 1)]
        if rela:
            dynamic += [(DT_RELA, places["rela"]), (DT_RELASZ, len(rela)),
                        (DT_RELAENT, _RELA_SIZE)]
        if self.flags:
            dynamic.append((DT_FLAGS, self.flags))
        dynamic.append((DT_NULL, 0))
        packed = b"".join(struct.pack("<qQ", tag, value) for tag, value in dynamic)
        out[places["dynamic"]:places["dynamic"] + len(packed)] = packed
        for (_, content, _), place in zip(self._data, data_places):
            out[place:place + len(content)] = content
        if tls is not None:
            out[tls_place:tls_place + len(tls[0])] = tls[0]
        return bytes(out)
