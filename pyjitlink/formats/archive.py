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
from pyjitlink.formats.object import AR_MAGIC, THIN_MAGIC


@dataclass(slots=True)
class ArchiveMember:
    name: str
    offset: int  # of the member's header in the archive, in bytes
    data: bytes
    data_offset: int = 0  # of ``data`` in the archive, in bytes (after a BSD long name)


class Archive:
    """The object members of an archive and which member defines which global symbol.

    Every header field is checked before it is used (LLVM's object::Archive does the same,
    and its messages are the model): the size must be decimal digits and lie inside the
    file, a BSD ``#1/N`` name length decimal digits no larger than the member, a GNU ``/N``
    name an offset into the long-name table. So each step moves forward by at least one
    header, and a malformed archive is a MalformedObject naming the offset, never a loop.
    """

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
        end_of_file = len(data)
        while pos < end_of_file:
            if data[pos:pos + 1] == b"\n":  # padding
                pos += 1
                continue
            header = data[pos:pos + 60]
            if len(header) < 60:
                raise self._malformed("remaining size in archive too small for next archive "
                                      "member header", pos)
            if header[58:60] != b"`\n":
                raise self._malformed("terminator characters in archive member header are "
                                      "not the correct \"`\\n\" values", pos)
            size = self._decimal(header[48:58], "size field in archive member header", pos)
            start = pos + 60
            if size > end_of_file - start:
                raise self._malformed(f"archive member of {size} bytes extends past the end "
                                      f"of the file (truncated?)", pos)
            body = data[start:start + size]
            body_start = start
            name = header[:16].decode("latin-1").rstrip(" ")
            if name == "/" or name == "/SYM64/":
                raw_index = body if name == "/" else None
            elif name == "//":
                long_names = body
            else:
                if name.startswith("#1/"):  # BSD: the name's length, the name after the header
                    length = self._decimal(name[3:].encode("latin-1"),
                                           "long name length after the #1/", pos)
                    if length > size:
                        raise self._malformed(f"long name length {length} is larger than the "
                                              f"member ({size} bytes)", pos)
                    name, body = body[:length].rstrip(b"\0").decode("latin-1"), body[length:]
                    body_start += length
                elif name.startswith("/") and len(name) > 1:  # GNU: /offset into "//"
                    offset = self._decimal(name[1:].encode("latin-1"),
                                           "long name offset after the /", pos)
                    if offset >= len(long_names):
                        raise self._malformed(f"long name offset {offset} is past the end of "
                                              f"the string table", pos)
                    stop = long_names.find(b"\n", offset)
                    name = long_names[offset:stop if stop >= 0 else None].decode("latin-1")
                name = name.rstrip("/")
                if name != "__.SYMDEF" and name != "__.SYMDEF SORTED":
                    by_offset[pos] = len(self.members)
                    self.members.append(ArchiveMember(name, pos, body, body_start))
            pos = start + size + (size & 1)
        if raw_index is not None and len(raw_index) >= 4:
            count = struct.unpack_from(">I", raw_index, 0)[0]
            if count > (len(raw_index) - 4) // 4:
                raise MalformedObject("archive symbol index is truncated", path)
            offsets = struct.unpack_from(f">{count}I", raw_index, 4)
            names = raw_index[4 + 4 * count:].split(b"\0")
            for offset, sym in zip(offsets, names):
                member = by_offset.get(offset)
                if member is not None:
                    self.symbol_index.setdefault(sym.decode("utf-8", "surrogateescape"), member)
        self.has_index = raw_index is not None

    def _malformed(self, what: str, offset: int) -> MalformedObject:
        return MalformedObject(f"truncated or malformed archive ({what} for the archive member "
                               f"header at offset {offset})", self.path)

    def _decimal(self, field: bytes, what: str, offset: int) -> int:
        """A header number: ASCII decimal digits, padded with spaces on the right (as LLVM's
        ``getAsInteger(10)`` after ``rtrim(" ")``; a sign or any other character is an
        error)."""
        text = field.rstrip(b" ")
        if not text or not text.isdigit():
            shown = text.decode("latin-1").encode("unicode_escape").decode("ascii")
            raise self._malformed(f"characters in {what} are not all decimal numbers: "
                                  f"'{shown}'", offset)
        return int(text)

    def member_path(self, index: int) -> str:
        return f"{self.path}({self.members[index].name})"
