"""Structure-aware mutators for ELF (x86-64, AArch64), Mach-O (x86-64, arm64) and ar inputs.

Each mutator takes the input's bytes and a ``random.Random`` and returns new bytes with one
change that a parser has to notice: a header field, one entry of the section, symbol or
relocation table (or a Mach-O load command, section, nlist or relocation_info) set to an
"interesting" value (0, 1, all ones, sign bits, just past the file's end, another entry's
index), a truncation, or a few flipped bytes. Fields are located by parsing the seed's own
headers (little-endian, 64-bit), so mutations land where they matter instead of mostly in
section contents.
"""

from __future__ import annotations

import random
import struct
from collections.abc import Callable

Mutator = Callable[[bytes, random.Random], bytes]

# ------------------------------------------------------------------------ values


def interesting(rng: random.Random, width: int, data_len: int = 0, near: int = 0) -> int:
    """A value of ``width`` bytes that tends to break bounds checks."""
    bits = 8 * width
    top = (1 << bits) - 1
    choices = [0, 1, 2, 3, 4, 7, 8, 16, 24, 60, 64, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000,
               0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 1 << 32, (1 << 63) - 1,
               1 << 63, top, top - 1, data_len, data_len - 1, data_len + 1, data_len * 2,
               near + 1, near - 1, near * 2, near + rng.randrange(-16, 17),
               rng.getrandbits(bits), rng.randrange(0, max(data_len, 1) + 64)]
    return rng.choice(choices) & top


_FORMATS = {1: "<B", 2: "<H", 4: "<I", 8: "<Q"}


def set_field(data: bytearray, offset: int, width: int, rng: random.Random,
              data_len: int) -> None:
    """Overwrite the little-endian field at ``offset`` (if it lies in ``data``)."""
    if offset < 0 or offset + width > len(data):
        return
    old = struct.unpack_from(_FORMATS[width], data, offset)[0]
    struct.pack_into(_FORMATS[width], data, offset, interesting(rng, width, data_len, old))


def flip_bytes(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    if not out:
        return bytes(out)
    for _ in range(rng.randint(1, 8)):
        i = rng.randrange(len(out))
        out[i] = rng.choice([out[i] ^ (1 << rng.randrange(8)), rng.getrandbits(8), 0, 0xFF])
    return bytes(out)


def truncate(data: bytes, rng: random.Random) -> bytes:
    if not data:
        return data
    cut = rng.choice([rng.randrange(len(data)), len(data) - rng.randint(1, 16),
                      rng.randrange(min(len(data), 256))])
    return data[:max(cut, 0)]


def _table_entry(data: bytearray, rng: random.Random, base: int, count: int, entsize: int,
                 fields: list[tuple[int, int]]) -> None:
    """Mutate one field of one entry of a table of ``count`` entries at ``base``."""
    if count <= 0:
        return
    entry = base + entsize * rng.randrange(count)
    offset, width = rng.choice(fields)
    set_field(data, entry + offset, width, rng, len(data))


# ------------------------------------------------------------------------ ELF

ELF_HEADER_FIELDS = [(16, 2), (18, 2), (20, 4), (24, 8), (32, 8), (40, 8), (48, 4), (52, 2),
                     (54, 2), (56, 2), (58, 2), (60, 2), (62, 2), (4, 1), (5, 1), (6, 1)]
ELF_SHDR_FIELDS = [(0, 4), (4, 4), (8, 8), (16, 8), (24, 8), (32, 8), (40, 4), (44, 4),
                   (48, 8), (56, 8)]
ELF_SYM_FIELDS = [(0, 4), (4, 1), (5, 1), (6, 2), (8, 8), (16, 8)]
ELF_RELA_FIELDS = [(0, 8), (8, 4), (12, 4), (16, 8)]
SHT_SYMTAB, SHT_STRTAB, SHT_RELA = 2, 3, 4


def _elf_sections(data: bytes) -> list[tuple[int, int, int, int, int, int, int]]:
    """(header offset, type, offset, size, link, info, index) of each section header."""
    if len(data) < 64:
        return []
    shoff, = struct.unpack_from("<Q", data, 40)
    shnum, = struct.unpack_from("<H", data, 60)
    out = []
    for i in range(shnum):
        h = shoff + 64 * i
        if h + 64 > len(data):
            break
        _, sh_type, _, _, off, size, link, info, _, _ = struct.unpack_from("<IIQQQQIIQQ",
                                                                           data, h)
        out.append((h, sh_type, off, size, link, info, i))
    return out


def elf_header(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    offset, width = rng.choice(ELF_HEADER_FIELDS)
    set_field(out, offset, width, rng, len(out))
    return bytes(out)


def elf_section_header(data: bytes, rng: random.Random) -> bytes:
    sections = _elf_sections(data)
    if not sections:
        return flip_bytes(data, rng)
    out = bytearray(data)
    h, sh_type, *_ = rng.choice(sections)
    offset, width = rng.choice(ELF_SHDR_FIELDS)
    if offset == 44 and sh_type == SHT_RELA and rng.random() < 0.5:
        # sh_info of a relocation section: itself, another section, or out of range.
        index = (h - struct.unpack_from("<Q", data, 40)[0]) // 64
        struct.pack_into("<I", out, h + 44, rng.choice([index, 0, len(sections),
                                                         rng.randrange(len(sections))]))
    else:
        set_field(out, h + offset, width, rng, len(out))
    return bytes(out)


def elf_symbol(data: bytes, rng: random.Random) -> bytes:
    tables = [s for s in _elf_sections(data) if s[1] == SHT_SYMTAB]
    if not tables:
        return elf_section_header(data, rng)
    out = bytearray(data)
    _, _, off, size, link, _, _ = tables[0]
    _table_entry(out, rng, off, size // 24, 24, ELF_SYM_FIELDS)
    return bytes(out)


def elf_relocation(data: bytes, rng: random.Random) -> bytes:
    tables = [s for s in _elf_sections(data) if s[1] == SHT_RELA]
    if not tables:
        return elf_section_header(data, rng)
    out = bytearray(data)
    _, _, off, size, _, _, _ = rng.choice(tables)
    _table_entry(out, rng, off, size // 24, 24, ELF_RELA_FIELDS)
    return bytes(out)


def elf_string(data: bytes, rng: random.Random) -> bytes:
    """Break a string table: invalid UTF-8, a lost terminator, a newline in a name."""
    tables = [s for s in _elf_sections(data) if s[1] == SHT_STRTAB and s[3] > 1]
    if not tables:
        return flip_bytes(data, rng)
    out = bytearray(data)
    _, _, off, size, _, _, _ = rng.choice(tables)
    i = off + rng.randrange(1, size)
    if i < len(out):
        out[i] = rng.choice([0xFF, 0xC3, 0x80, 0x0A, 0x00, 0x20, ord("%")])
    return bytes(out)


ELF_MUTATORS: list[Mutator] = [elf_header, elf_section_header, elf_section_header, elf_symbol,
                               elf_symbol, elf_relocation, elf_relocation, elf_relocation,
                               elf_string, truncate, flip_bytes]

# ------------------------------------------------------------------------ Mach-O

LC_SEGMENT_64, LC_SYMTAB, LC_DYSYMTAB = 0x19, 0x2, 0xB
MACHO_HEADER_FIELDS = [(4, 4), (8, 4), (12, 4), (16, 4), (20, 4), (24, 4)]
MACHO_SECTION_FIELDS = [(32, 8), (40, 8), (48, 4), (52, 4), (56, 4), (60, 4), (64, 4),
                        (68, 4), (72, 4)]
MACHO_SEGMENT_FIELDS = [(24, 8), (32, 8), (40, 8), (48, 8), (56, 4), (60, 4), (64, 4),
                        (68, 4)]
MACHO_SYMTAB_FIELDS = [(8, 4), (12, 4), (16, 4), (20, 4)]
MACHO_NLIST_FIELDS = [(0, 4), (4, 1), (5, 1), (6, 2), (8, 8)]
MACHO_RELOC_FIELDS = [(0, 4), (4, 4), (7, 1)]


def _macho_commands(data: bytes) -> list[tuple[int, int, int]]:
    """(offset, cmd, cmdsize) of each load command that lies inside the file."""
    if len(data) < 32:
        return []
    ncmds, = struct.unpack_from("<I", data, 16)
    pos, out = 32, []
    for _ in range(min(ncmds, 256)):
        if pos + 8 > len(data):
            break
        cmd, size = struct.unpack_from("<II", data, pos)
        out.append((pos, cmd, size))
        if size < 8:
            break
        pos += size
    return out


def _macho_sections(data: bytes) -> list[tuple[int, int, int, int]]:
    """(section header offset, file offset, reloff, nreloc) of each 64-bit section."""
    out = []
    for pos, cmd, _ in _macho_commands(data):
        if cmd != LC_SEGMENT_64 or pos + 72 > len(data):
            continue
        nsects, = struct.unpack_from("<I", data, pos + 64)
        for i in range(min(nsects, 256)):
            h = pos + 72 + 80 * i
            if h + 80 > len(data):
                break
            offset, _, reloff, nreloc = struct.unpack_from("<IIII", data, h + 48)
            out.append((h, offset, reloff, nreloc))
    return out


def macho_header(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    offset, width = rng.choice(MACHO_HEADER_FIELDS)
    set_field(out, offset, width, rng, len(out))
    return bytes(out)


def macho_load_command(data: bytes, rng: random.Random) -> bytes:
    commands = _macho_commands(data)
    if not commands:
        return macho_header(data, rng)
    out = bytearray(data)
    pos, cmd, _ = rng.choice(commands)
    if cmd == LC_SEGMENT_64 and rng.random() < 0.7:
        offset, width = rng.choice(MACHO_SEGMENT_FIELDS)
    elif cmd == LC_SYMTAB and rng.random() < 0.8:
        offset, width = rng.choice(MACHO_SYMTAB_FIELDS)
    else:
        offset, width = rng.choice([(0, 4), (4, 4)])
    set_field(out, pos + offset, width, rng, len(out))
    return bytes(out)


def macho_section(data: bytes, rng: random.Random) -> bytes:
    sections = _macho_sections(data)
    if not sections:
        return macho_load_command(data, rng)
    out = bytearray(data)
    h, *_ = rng.choice(sections)
    offset, width = rng.choice(MACHO_SECTION_FIELDS)
    set_field(out, h + offset, width, rng, len(out))
    return bytes(out)


def macho_symbol(data: bytes, rng: random.Random) -> bytes:
    for pos, cmd, _ in _macho_commands(data):
        if cmd == LC_SYMTAB and pos + 24 <= len(data):
            symoff, nsyms, stroff, strsize = struct.unpack_from("<IIII", data, pos + 8)
            out = bytearray(data)
            if rng.random() < 0.25 and strsize > 1:
                i = stroff + rng.randrange(1, strsize)
                if i < len(out):
                    out[i] = rng.choice([0xFF, 0xC3, 0x0A, 0x00])
            else:
                _table_entry(out, rng, symoff, min(nsyms, len(data) // 16), 16,
                             MACHO_NLIST_FIELDS)
            return bytes(out)
    return macho_load_command(data, rng)


def macho_relocation(data: bytes, rng: random.Random) -> bytes:
    sections = [s for s in _macho_sections(data) if s[3]]
    if not sections:
        return macho_section(data, rng)
    out = bytearray(data)
    _, _, reloff, nreloc = rng.choice(sections)
    if rng.random() < 0.5:
        # One of the packed fields: symbolnum (24 bits), pcrel, length, extern, type.
        entry = reloff + 8 * rng.randrange(min(nreloc, len(data) // 8 + 1))
        if entry + 8 <= len(out):
            word, = struct.unpack_from("<I", out, entry + 4)
            field = rng.choice([(0, 24), (24, 1), (25, 2), (27, 1), (28, 4)])
            shift, width = field
            value = interesting(rng, 4, len(data)) & ((1 << width) - 1)
            word = (word & ~(((1 << width) - 1) << shift)) | (value << shift)
            struct.pack_into("<I", out, entry + 4, word & 0xFFFFFFFF)
    else:
        _table_entry(out, rng, reloff, min(nreloc, len(data) // 8 + 1), 8, MACHO_RELOC_FIELDS)
    return bytes(out)


MACHO_MUTATORS: list[Mutator] = [macho_header, macho_load_command, macho_section,
                                 macho_section, macho_symbol, macho_symbol, macho_relocation,
                                 macho_relocation, macho_relocation, truncate, flip_bytes]

# ------------------------------------------------------------------------ ar archives


def ar_member_header(name: bytes, size: int | bytes) -> bytes:
    size_text = size if isinstance(size, bytes) else str(size).encode()
    return (name.ljust(16) + b"0".ljust(12) + b"0".ljust(6) + b"0".ljust(6) +
            b"644".ljust(8) + size_text[:10].ljust(10) + b"`\n")


def make_archive(members: list[tuple[str, bytes]], style: str = "gnu",
                 index: dict[str, int] | None = None) -> bytes:
    """An ar archive of ``members``: "gnu" (``name/``, ``//`` long names, ``/`` symbol index
    when ``index`` maps symbol names to member numbers) or "bsd" (``#1/N`` names)."""
    out = bytearray(b"!<arch>\n")
    body: list[bytes] = []
    long_names = bytearray()
    for name, data in members:
        raw = name.encode()
        if style == "bsd":
            padded = raw + b"\0" * (-len(raw) % 8)
            body.append(ar_member_header(b"#1/%d" % len(padded), len(padded) + len(data)) +
                        padded + data + (b"\n" if (len(padded) + len(data)) & 1 else b""))
        elif len(raw) < 15:
            body.append(ar_member_header(raw + b"/", len(data)) + data +
                        (b"\n" if len(data) & 1 else b""))
        else:
            body.append(ar_member_header(b"/%d" % len(long_names), len(data)) + data +
                        (b"\n" if len(data) & 1 else b""))
            long_names += raw + b"/\n"
    prefix = bytearray()
    if style == "gnu" and long_names:
        prefix += ar_member_header(b"//", len(long_names)) + long_names
        if len(long_names) & 1:
            prefix += b"\n"
    if index and style == "gnu":
        names = list(index)
        table_size = 4 + 4 * len(names) + sum(len(n) + 1 for n in names)
        start = len(out) + 60 + table_size + (table_size & 1) + len(prefix)
        offsets = []
        pos = start
        for chunk in body:
            offsets.append(pos)
            pos += len(chunk)
        table = struct.pack(">I", len(names)) + b"".join(
            struct.pack(">I", offsets[index[n]]) for n in names) + b"".join(
            n.encode() + b"\0" for n in names)
        out += ar_member_header(b"/", len(table)) + table + (b"\n" if len(table) & 1 else b"")
    out += prefix
    for chunk in body:
        out += chunk
    return bytes(out)


def _ar_headers(data: bytes) -> list[tuple[int, int]]:
    """(header offset, member size) of each member header, walking sizes while they parse."""
    out, pos = [], 8
    while pos + 60 <= len(data) and len(out) < 4096:
        if data[pos:pos + 1] == b"\n":
            pos += 1
            continue
        text = data[pos + 48:pos + 58].rstrip(b" ")
        if not text.isdigit():
            out.append((pos, 0))
            break
        size = int(text)
        out.append((pos, size))
        pos += 60 + size + (size & 1)
    return out


AR_BAD_SIZES = [b"-60", b"-61", b"-1", b"", b"abc", b"0x10", b"99999999", b"9999999999",
                b" 12", b"+4", b"1e3"]
AR_BAD_NAMES = [b"#1/abc", b"#1/-5", b"#1/99999", b"#1/", b"/abc", b"/-1", b"/99999", b"/",
                b"//", b"/SYM64/", b"__.SYMDEF", b"\xff\xfe/", b"a\nb/"]


def ar_header(data: bytes, rng: random.Random) -> bytes:
    headers = _ar_headers(data)
    if not headers:
        return flip_bytes(data, rng)
    out = bytearray(data)
    pos, size = rng.choice(headers)
    what = rng.randrange(4)
    if what == 0:
        value = rng.choice(AR_BAD_SIZES + [str(size + rng.randint(-70, 70)).encode(),
                                           str(len(data)).encode()])
        out[pos + 48:pos + 58] = value[:10].ljust(10)
    elif what == 1:
        out[pos:pos + 16] = rng.choice(AR_BAD_NAMES)[:16].ljust(16)
    elif what == 2:
        out[pos + 58:pos + 60] = rng.choice([b"``", b"\n\n", b"`\0", b"  "])
    else:
        i = pos + rng.randrange(60)
        out[i] = rng.getrandbits(8)
    return bytes(out)


def ar_symbol_index(data: bytes, rng: random.Random) -> bytes:
    headers = _ar_headers(data)
    for pos, size in headers:
        if data[pos:pos + 16].rstrip() == b"/" and size >= 4 and pos + 64 <= len(data):
            out = bytearray(data)
            body = pos + 60
            count, = struct.unpack_from(">I", data, body)
            if rng.random() < 0.4:
                struct.pack_into(">I", out, body, interesting(rng, 4, len(data), count))
            elif count:
                entry = body + 4 + 4 * rng.randrange(count)
                if entry + 4 <= len(out):
                    struct.pack_into(">I", out, entry, interesting(rng, 4, len(data)))
            return bytes(out)
    return ar_header(data, rng)


def ar_member(data: bytes, rng: random.Random,
              member_mutators: dict[bytes, list[Mutator]] | None = None) -> bytes:
    """Mutate an object inside the archive (sizes kept consistent, so the mutation reaches
    the object parser)."""
    headers = [(p, s) for p, s in _ar_headers(data)
               if p + 60 + s <= len(data) and data[p:p + 1] not in (b"/",)]
    if not headers:
        return ar_header(data, rng)
    pos, size = rng.choice(headers)
    body = data[pos + 60:pos + 60 + size]
    name = data[pos:pos + 16]
    skip = 0
    if name.startswith(b"#1/") and name[3:].rstrip().isdigit():
        skip = int(name[3:].rstrip())
    member = body[skip:]
    mutators = ELF_MUTATORS if member.startswith(b"\x7fELF") else MACHO_MUTATORS
    new = rng.choice(mutators)(member, rng)
    new_body = body[:skip] + new
    header = bytearray(data[pos:pos + 60])
    header[48:58] = str(len(new_body)).encode().ljust(10)
    tail = data[pos + 60 + size + (size & 1):]
    return (data[:pos] + bytes(header) + new_body + (b"\n" if len(new_body) & 1 else b"") +
            tail)


AR_MUTATORS: list[Mutator] = [ar_header, ar_header, ar_symbol_index, ar_member, ar_member,
                              ar_member, truncate, flip_bytes]


def mutators_for(data: bytes) -> list[Mutator]:
    if data.startswith(b"!<arch>\n"):
        return AR_MUTATORS
    if data.startswith(b"\x7fELF"):
        return ELF_MUTATORS
    return MACHO_MUTATORS


def mutate(data: bytes, rng: random.Random) -> tuple[bytes, list[str]]:
    """One to three structure-aware mutations of ``data``; the new bytes and their names."""
    names = []
    for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
        mutator = rng.choice(mutators_for(data))
        data = mutator(data, rng)
        names.append(mutator.__name__)
    return data, names
