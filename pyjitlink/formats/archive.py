"""Static archives (``ar`` format, GNU and BSD variants): members and the symbol index.

Format per the System V ABI's "Archive File" description as GNU ar writes it: the magic
``!<arch>\\n``, then members with 60-byte headers; ``/`` is the symbol index (big-endian count,
member offsets, NUL-terminated names), ``//`` the long-name table. There is no maintained
Python library for reading ar archives, so this small reader is ours.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from pyjitlink.errors import MalformedObject, UnsupportedObject

AR_MAGIC = b"!<arch>\n"
THIN_MAGIC = b"!<thin>\n"


@dataclass(slots=True)
class ArchiveMember:
    name: str
    offset: int  # of the member's header in the archive, in bytes
    data: bytes


class Archive:
    """The object members of an archive and which member defines which global symbol."""

    def __init__(self, data: bytes, path: str) -> None:
        self.path = path
        self.members: list[ArchiveMember] = []
        self.symbol_index: dict[str, int] = {}  # name -> index into members
        if data.startswith(THIN_MAGIC):
            raise UnsupportedObject("thin archives are not supported", path)
        if not data.startswith(AR_MAGIC):
            raise MalformedObject("not an ar archive", path)
        long_names = b""
        raw_index: bytes | None = None
        by_offset: dict[int, int] = {}
        pos = len(AR_MAGIC)
        while pos < len(data):
            if data[pos:pos + 1] == b"\n":  # padding
                pos += 1
                continue
            header = data[pos:pos + 60]
            if len(header) < 60 or header[58:60] != b"`\n":
                raise MalformedObject(f"bad archive member header at offset {pos}", path)
            name = header[:16].decode("latin-1").rstrip()
            try:
                size = int(header[48:58].decode("ascii").strip() or "0")
            except ValueError:
                raise MalformedObject(f"bad member size at offset {pos}", path) from None
            start = pos + 60
            if start + size > len(data):
                raise MalformedObject(f"archive member at offset {pos} is truncated", path)
            body = data[start:start + size]
            if name == "/" or name == "/SYM64/":
                raw_index = body if name == "/" else None
            elif name == "//":
                long_names = body
            else:
                if name.startswith("#1/"):  # BSD: name follows the header
                    n = int(name[3:])
                    name, body = body[:n].rstrip(b"\0").decode("latin-1"), body[n:]
                elif name.startswith("/") and name[1:].isdigit():
                    off = int(name[1:])
                    end = long_names.find(b"\n", off)
                    name = long_names[off:end if end >= 0 else None].decode("latin-1")
                name = name.rstrip("/")
                if name != "__.SYMDEF" and name != "__.SYMDEF SORTED":
                    by_offset[pos] = len(self.members)
                    self.members.append(ArchiveMember(name, pos, body))
            pos = start + size + (size & 1)
        if raw_index is not None and len(raw_index) >= 4:
            count = struct.unpack_from(">I", raw_index, 0)[0]
            if 4 + 4 * count > len(raw_index):
                raise MalformedObject("archive symbol index is truncated", path)
            offsets = struct.unpack_from(f">{count}I", raw_index, 4)
            names = raw_index[4 + 4 * count:].split(b"\0")
            for offset, sym in zip(offsets, names):
                member = by_offset.get(offset)
                if member is not None:
                    self.symbol_index.setdefault(sym.decode("utf-8", "surrogateescape"), member)
        self.has_index = raw_index is not None

    def member_path(self, index: int) -> str:
        return f"{self.path}({self.members[index].name})"
