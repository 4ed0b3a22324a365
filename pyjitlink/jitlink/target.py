"""What a LinkGraph was made for: its architecture and object format, as enums (LLVM's
``Triple::ArchType`` and ``Triple::ObjectFormatType``).

The members are ``StrEnum``s whose values are the spellings the rest of pyjitlink and its
messages have always used ("x86_64", "aarch64"; "elf", "macho"), so a member compares and
hashes equal to its spelling; code in formats/, arch/, jitlink/ and orc/ dispatches on the
members (or on the descriptors keyed by them), never on text.
"""

from __future__ import annotations

from enum import StrEnum


class Arch(StrEnum):
    """A CPU architecture pyjitlink links for."""

    X86_64 = "x86_64"
    AARCH64 = "aarch64"


class ObjectFormat(StrEnum):
    """A relocatable object format pyjitlink reads."""

    ELF = "elf"
    MACHO = "macho"

    @property
    def display_name(self) -> str:
        """How messages name the format ("ELF", "Mach-O")."""
        return _DISPLAY_NAMES[self]


_DISPLAY_NAMES = {ObjectFormat.ELF: "ELF", ObjectFormat.MACHO: "Mach-O"}
