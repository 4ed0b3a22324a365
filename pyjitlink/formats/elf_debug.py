"""An ELF object's debug information at its JIT addresses: the *debug object* (a copy whose
section headers carry the sections' load addresses and whose DWARF relocations are applied
against them, as LLVM's ELF debug-object plugin prepares it for GDB) and its line table.

In a relocatable object every ``sh_addr`` is 0 and DWARF's addresses (``DW_AT_low_pc``,
``DW_LNE_set_address``) are relocations against section symbols; once the sections are placed,
setting ``sh_addr`` and applying ``.rela.debug_*`` (S + A with S the symbol's section address
plus its value; S + A - P for the PC-relative kinds) gives DWARF that names the JIT addresses.
A debugger that relocates the object again (GDB does, for ET_REL) computes the same values.
"""

from __future__ import annotations

import bisect
import io
import os
import struct
import threading

from pyjitlink.formats.elf import (
    EM_AARCH64,
    EM_X86_64,
    SHF_ALLOC,
    SHN_LORESERVE,
    SHN_UNDEF,
    SHT_GROUP,
    SHT_NOBITS,
    SHT_RELA,
    SHT_SYMTAB,
)

# graph.target_data key: the object's bytes (ELF builders keep them for debug plugins).
OBJECT_BYTES = "object-bytes"

# Relocation types found in .rela.debug_*: type -> (size in bytes, PC-relative).
# Keyed by e_machine.
_DEBUG_RELOCATIONS = {
    EM_X86_64: {1: (8, False), 10: (4, False), 11: (4, False), 2: (4, True), 24: (8, True)},
    EM_AARCH64: {257: (8, False), 258: (4, False), 260: (8, True), 261: (4, True)},
}


def _section_headers(data: bytes) -> list[list[int]]:
    """Each section header as [name, type, flags, addr, offset, size, link, info, align,
    entsize] (ELF64 little-endian)."""
    shoff = struct.unpack_from("<Q", data, 0x28)[0]
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    if shentsize != 64 or shoff + shnum * 64 > len(data):
        raise ValueError("bad section header table")
    return [list(struct.unpack_from("<IIQQQQIIQQ", data, shoff + 64 * i))
            for i in range(shnum)]


def has_debug_info(data: bytes) -> bool:
    """Whether the ELF object has a ``.debug_info`` or ``.debug_line`` section."""
    return b".debug_info\0" in data or b".debug_line\0" in data


def loaded_section_addresses(data: bytes, placed: dict[tuple[int, int], int]
                             ) -> dict[int, int]:
    """Section index -> load address, for the object's allocated sections whose block was
    placed. ``placed`` maps a block's pre-layout (file offset, size), which the ELF builder
    gives each section's block, to its final address."""
    found = {}
    for index, header in enumerate(_section_headers(data)):
        _, sh_type, flags, _, offset, size = header[:6]
        if not flags & SHF_ALLOC or sh_type == SHT_GROUP:
            continue
        address = placed.get((offset, size))
        if address is not None:
            found[index] = address
    return found


def relocate_debug_object(data: bytes, addresses: dict[int, int]) -> bytes:
    """A copy of the ELF object ``data`` with ``sh_addr`` of each section in ``addresses``
    (index -> load address) set and every ``.rela.debug_*`` relocation applied against
    those addresses. Relocations against undefined symbols are left as they are."""
    out = bytearray(data)
    headers = _section_headers(data)
    shoff = struct.unpack_from("<Q", data, 0x28)[0]
    kinds = _DEBUG_RELOCATIONS.get(struct.unpack_from("<H", data, 18)[0], {})
    for index, address in addresses.items():
        headers[index][3] = address
        struct.pack_into("<Q", out, shoff + 64 * index + 0x10, address)
    shstr = headers[struct.unpack_from("<H", data, 0x3E)[0]]

    def name(header: list[int]) -> bytes:
        start = shstr[4] + header[0]
        return data[start:data.index(b"\0", start)]

    for header in headers:
        if header[1] != SHT_RELA or header[7] >= len(headers):
            continue
        target = headers[header[7]]
        if not name(target).startswith(b".debug_") or target[1] == SHT_NOBITS:
            continue
        symtab = headers[header[6]] if header[6] < len(headers) else None
        if symtab is None or symtab[1] != SHT_SYMTAB:
            continue
        nsyms = symtab[5] // 24
        for r_offset, r_info, r_addend in struct.iter_unpack(
                "<QQq", data[header[4]:header[4] + header[5] - header[5] % 24]):
            rtype, symindex = r_info & 0xFFFFFFFF, r_info >> 32
            kind = kinds.get(rtype)
            if kind is None or symindex >= nsyms:
                continue
            size, pcrel = kind
            _, _, _, shndx, value, _ = struct.unpack_from("<IBBHQQ", data,
                                                          symtab[4] + 24 * symindex)
            if shndx == SHN_UNDEF or r_offset + size > target[5]:
                continue
            base = headers[shndx][3] if shndx < SHN_LORESERVE and shndx < len(headers) else 0
            result = base + value + r_addend
            if pcrel:
                result -= target[3] + r_offset
            out[target[4] + r_offset:target[4] + r_offset + size] = (
                result & ((1 << (8 * size)) - 1)).to_bytes(size, "little")
    return bytes(out)


class LineTable:
    """Address -> (file, line) over a debug object's ``.debug_line`` (pyelftools parses it;
    DWARF 2-5). Built on first lookup; ``name`` is used for nothing but ``repr``."""

    def __init__(self, debug_object: bytes, name: str = "") -> None:
        self.debug_object = debug_object
        self.name = name
        self._rows: list[tuple[int, int, str, int]] | None = None  # (address, end, file, line)
        self._starts: list[int] = []
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<LineTable {self.name}>"

    def _load(self) -> list[tuple[int, int, str, int]]:
        from elftools.elf.elffile import ELFFile

        rows: list[tuple[int, int, str, int]] = []
        try:
            elf = ELFFile(io.BytesIO(self.debug_object))
            if not elf.has_dwarf_info():
                return rows
            dwarf = elf.get_dwarf_info(relocate_dwarf_sections=False)
            for cu in dwarf.iter_CUs():
                program = dwarf.line_program_for_CU(cu)
                if program is None:
                    continue
                version = program.header["version"]
                files = program.header["file_entry"]
                directories = program.header["include_directory"]
                previous = None
                for entry in program.get_entries():
                    state = entry.state
                    if state is None:
                        continue
                    if previous is not None and state.address > previous.address:
                        rows.append((previous.address, state.address,
                                     _file_name(files, directories, previous.file, version),
                                     previous.line))
                    previous = None if state.end_sequence else state
        except Exception:  # noqa: BLE001 - bad DWARF: no lines, never a failure
            return []
        rows.sort()
        return rows

    def lookup(self, address: int) -> tuple[str, int] | None:
        """(file, line) of the row containing ``address``, if any."""
        with self._lock:
            if self._rows is None:
                self._rows = self._load()
                self._starts = [r[0] for r in self._rows]
        index = bisect.bisect_right(self._starts, address) - 1
        if index < 0:
            return None
        start, end, file, line = self._rows[index]
        return (file, line) if start <= address < end else None


def _file_name(files: list, directories: list, index: int, version: int) -> str:
    """The line program's file ``index`` as written (DWARF 5 counts files from 0, earlier
    versions from 1); a relative name keeps its directory only if that is relative too."""
    position = index if version >= 5 else index - 1
    if not 0 <= position < len(files):
        return "??"
    entry = files[position]
    name = entry.name.decode("utf-8", "replace") if isinstance(entry.name, bytes) else \
        str(entry.name)
    directory_index = entry.dir_index if version >= 5 else entry.dir_index - 1
    if not os.path.isabs(name) and 0 < directory_index < len(directories) + (
            0 if version >= 5 else 1):
        directory = directories[directory_index]
        directory = directory.decode("utf-8", "replace") if isinstance(directory, bytes) \
            else str(directory)
        if not os.path.isabs(directory):
            name = os.path.join(directory, name)
    return name
