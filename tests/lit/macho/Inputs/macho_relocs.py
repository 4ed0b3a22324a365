"""List (or patch) the relocation entries of a 64-bit little-endian Mach-O object.

Used by the lit tests in tests/lit/macho to show which relocation types the assembler
emitted (so a test's claim "this is a SIGNED_4, non-extern" is checked, not assumed), and
to craft objects the assembler never writes.

    macho_relocs.py list OBJ
        one line per entry, each section's sorted by offset (a pair, SUBTRACTOR + UNSIGNED
        or ADDEND + its instruction relocation, keeps its file order):
        SEGMENT,SECTION OFFSET TYPE pcrel=P length=L extern=E TARGET
        (TARGET: the symbol name when extern, "section N" otherwise, "addend=V" for an
        ARM64_RELOC_ADDEND; OFFSET in hex; L in bytes)
    macho_relocs.py patch OBJ OUT SEGMENT,SECTION OFFSET TYPE FIELD=VALUE...
        write OBJ to OUT with the relocation entry of type TYPE at OFFSET (hex) in that
        section changed: FIELD is type (a number or a name from the tables below),
        symbolnum (24 bits; a negative VALUE is stored in two's complement, as an
        ARM64_RELOC_ADDEND holds a negative addend), address, pcrel, length (bytes) or
        extern.
    macho_relocs.py poke OBJ OUT SEGMENT,SECTION OFFSET SIZE VALUE
        write OBJ to OUT with the SIZE-byte little-endian field at OFFSET (hex) in that
        section's content set to VALUE (a relocation's implicit addend).
    macho_relocs.py truncate OBJ OUT SEGMENT,SECTION COUNT
        write OBJ to OUT with only the first COUNT (file order) relocation entries of that
        section kept.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

MH_MAGIC_64 = 0xFEEDFACF
LC_SEGMENT_64 = 0x19
LC_SYMTAB = 0x2
CPU_TYPE_X86_64 = 0x01000007
CPU_TYPE_ARM64 = 0x0100000C

RELOC_NAMES = {
    CPU_TYPE_X86_64: ["X86_64_RELOC_UNSIGNED", "X86_64_RELOC_SIGNED", "X86_64_RELOC_BRANCH",
                      "X86_64_RELOC_GOT_LOAD", "X86_64_RELOC_GOT", "X86_64_RELOC_SUBTRACTOR",
                      "X86_64_RELOC_SIGNED_1", "X86_64_RELOC_SIGNED_2", "X86_64_RELOC_SIGNED_4",
                      "X86_64_RELOC_TLV"],
    CPU_TYPE_ARM64: ["ARM64_RELOC_UNSIGNED", "ARM64_RELOC_SUBTRACTOR", "ARM64_RELOC_BRANCH26",
                     "ARM64_RELOC_PAGE21", "ARM64_RELOC_PAGEOFF12",
                     "ARM64_RELOC_GOT_LOAD_PAGE21", "ARM64_RELOC_GOT_LOAD_PAGEOFF12",
                     "ARM64_RELOC_POINTER_TO_GOT", "ARM64_RELOC_TLVP_LOAD_PAGE21",
                     "ARM64_RELOC_TLVP_LOAD_PAGEOFF12", "ARM64_RELOC_ADDEND",
                     "ARM64_RELOC_AUTHENTICATED_POINTER"],
}
ARM64_RELOC_ADDEND = 10


class Section:
    """One section header: its name, where its relocation entries are, and the header."""

    def __init__(self, name: str, reloff: int, nreloc: int, header: int) -> None:
        self.name, self.reloff, self.nreloc, self.header = name, reloff, nreloc, header


def parse(data: bytes) -> tuple[int, list[Section], list[str]]:
    """(cputype, sections, symbol names)."""
    magic, cputype, _sub, _ft, ncmds, _size, _flags, _res = struct.unpack_from("<8I", data)
    if magic != MH_MAGIC_64:
        raise SystemExit("not a 64-bit little-endian Mach-O file")
    sections: list[Section] = []
    names: list[str] = []
    off = 32
    for _ in range(ncmds):
        cmd, cmdsize = struct.unpack_from("<2I", data, off)
        if cmd == LC_SEGMENT_64:
            nsects = struct.unpack_from("<I", data, off + 64)[0]
            s = off + 72
            for _ in range(nsects):
                sect = data[s:s + 16].rstrip(b"\0").decode()
                seg = data[s + 16:s + 32].rstrip(b"\0").decode()
                reloff, nreloc = struct.unpack_from("<2I", data, s + 56)
                sections.append(Section(f"{seg},{sect}", reloff, nreloc, s))
                s += 80
        elif cmd == LC_SYMTAB:
            symoff, nsyms, stroff, _strsize = struct.unpack_from("<4I", data, off + 8)
            for i in range(nsyms):
                strx = struct.unpack_from("<I", data, symoff + 16 * i)[0]
                end = data.index(b"\0", stroff + strx)
                names.append(data[stroff + strx:end].decode())
        off += cmdsize
    return cputype, sections, names


def type_number(cputype: int, text: str) -> int:
    types = RELOC_NAMES.get(cputype, [])
    return types.index(text) if text in types else int(text, 0)


def list_relocations(path: str) -> int:
    data = Path(path).read_bytes()
    cputype, sections, names = parse(data)
    types = RELOC_NAMES.get(cputype, [])
    for sec in sections:
        entries = [struct.unpack_from("<iI", data, sec.reloff + 8 * i)
                   for i in range(sec.nreloc)]
        for address, info in sorted(entries, key=lambda e: e[0]):
            symbolnum = info & 0xFFFFFF
            pcrel, length = (info >> 24) & 1, 1 << ((info >> 25) & 3)
            extern, rtype = (info >> 27) & 1, info >> 28
            name = types[rtype] if rtype < len(types) else f"type {rtype}"
            if cputype == CPU_TYPE_ARM64 and rtype == ARM64_RELOC_ADDEND:
                addend = symbolnum - (1 << 24) if symbolnum & 0x800000 else symbolnum
                target = f"addend={addend}"
            elif extern:
                target = names[symbolnum] if symbolnum < len(names) else f"symbol {symbolnum}"
            else:
                target = f"section {symbolnum}"
            print(f"{sec.name} 0x{address:x} {name} pcrel={pcrel} length={length} "
                  f"extern={extern} {target}")
    return 0


def patch(src: str, dst: str, secname: str, offset: str, rtype: str,
          assignments: list[str]) -> int:
    data = bytearray(Path(src).read_bytes())
    cputype, sections, _names = parse(bytes(data))
    for sec in sections:
        if sec.name != secname:
            continue
        for i in range(sec.nreloc):
            at = sec.reloff + 8 * i
            address, info = struct.unpack_from("<iI", data, at)
            if address != int(offset, 16) or info >> 28 != type_number(cputype, rtype):
                continue
            fields = {"symbolnum": info & 0xFFFFFF, "pcrel": (info >> 24) & 1,
                      "length": 1 << ((info >> 25) & 3), "extern": (info >> 27) & 1,
                      "type": info >> 28, "address": address}
            for assignment in assignments:
                key, value = assignment.split("=", 1)
                if key not in fields:
                    raise SystemExit(f"unknown field {key}")
                fields[key] = type_number(cputype, value) if key == "type" else int(value, 0)
            info = ((fields["symbolnum"] & 0xFFFFFF) | (fields["pcrel"] & 1) << 24
                    | (fields["length"].bit_length() - 1) << 25
                    | (fields["extern"] & 1) << 27 | (fields["type"] & 0xF) << 28)
            struct.pack_into("<iI", data, at, fields["address"], info)
            Path(dst).write_bytes(data)
            return 0
    raise SystemExit(f"no {rtype} relocation at {offset} in {secname}")


def poke(src: str, dst: str, secname: str, offset: str, size: str, value: str) -> int:
    data = bytearray(Path(src).read_bytes())
    _cputype, sections, _names = parse(bytes(data))
    for sec in sections:
        if sec.name == secname:
            nbytes = int(size)
            fileoff = struct.unpack_from("<I", data, sec.header + 48)[0] + int(offset, 16)
            field = int(value, 0) % (1 << (8 * nbytes))
            data[fileoff:fileoff + nbytes] = field.to_bytes(nbytes, "little")
            Path(dst).write_bytes(data)
            return 0
    raise SystemExit(f"no section {secname}")


def truncate(src: str, dst: str, secname: str, count: str) -> int:
    data = bytearray(Path(src).read_bytes())
    _cputype, sections, _names = parse(bytes(data))
    for sec in sections:
        if sec.name == secname and int(count) <= sec.nreloc:
            struct.pack_into("<I", data, sec.header + 60, int(count))
            Path(dst).write_bytes(data)
            return 0
    raise SystemExit(f"no section {secname} with at least {count} relocations")


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "list":
        return list_relocations(argv[1])
    if len(argv) >= 7 and argv[0] == "patch":
        src, dst, secname, offset, rtype = argv[1:6]
        return patch(src, dst, secname, offset, rtype, argv[6:])
    if len(argv) == 7 and argv[0] == "poke":
        src, dst, secname, offset, size, value = argv[1:]
        return poke(src, dst, secname, offset, size, value)
    if len(argv) == 5 and argv[0] == "truncate":
        src, dst, secname, count = argv[1:]
        return truncate(src, dst, secname, count)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
