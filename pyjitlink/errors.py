"""The error families of pyjitlink; every error carries its data and turns into text only here."""

from __future__ import annotations


class PyJITLinkError(Exception):
    """Root of every error pyjitlink raises on purpose.

    ``file`` names the input the error is about (or None); ``str(err)`` is the message without
    the file, so the CLI can print ``pyjitlink: error: <file>: <message>``. ``llvm_message``
    is llvm-jitlink 19's text for the same error where it differs (the CLI prints it when
    invoked as ``llvm-jitlink``); None: ``message`` is it. ``during_link`` is set on an error
    that ended the link or run (llvm-jitlink's session reports those, with its own banner).
    ``details`` are lines that follow the one-line message (a fault's backtrace), each a
    line of its own; ``str(err)`` includes them.
    """

    llvm_message: str | None = None
    during_link: bool = False
    details: tuple[str, ...] = ()

    def __str__(self) -> str:
        return "\n".join((self.message, *self.details))

    def __init__(self, message: str, file: str | None = None,
                 llvm_message: str | None = None) -> None:
        """An error saying ``message`` about the input ``file`` (a path, or an option such as
        ``-triple``; None: no input in particular); ``llvm_message`` is llvm-jitlink's wording where
        it differs."""
        super().__init__(message)
        self.message = message
        self.file = file
        if llvm_message is not None:
            self.llvm_message = llvm_message

    @property
    def file(self) -> str | None:
        """The input the error is about (or None). Setting it also adds a note (PEP 678) naming it,
        so a Python traceback shows the file."""
        return self._file

    @file.setter
    def file(self, value: str | None) -> None:
        # A Python caller's traceback shows only str(err): a note (PEP 678) names the file.
        self._file = value
        notes: list[str] = getattr(self, "__notes__", [])
        old = getattr(self, "_file_note", None)
        if old is not None and old in notes:
            notes.remove(old)
        self._file_note = f"(file: {value})" if value is not None else None
        if self._file_note is not None:
            self.add_note(self._file_note)


# ---------------------------------------------------------------- JITLink (graph, formats, fixups)


class JITLinkError(PyJITLinkError):
    """An error in building, laying out or fixing up a LinkGraph."""


class MalformedObject(JITLinkError):
    """The object file is truncated, not of a known format, or internally inconsistent."""


class UnsupportedObject(JITLinkError):
    """The object is well formed but uses a format, machine or feature pyjitlink lacks."""


class UnsupportedRelocation(JITLinkError):
    """A relocation type the format x architecture table does not map to an edge kind.

    Fields: ``section`` (name), ``offset`` (bytes into the section), ``type_name``.
    """

    def __init__(self, file: str | None, section: str, offset: int, type_name: str,
                 why: str = "unsupported relocation", arch: str | None = None) -> None:
        # LLVM's wording ("Unsupported x86-64 relocation type R_X86_64_GOT32") where the
        # architecture is known, then the place; ``why`` adds the reason if there is one.
        head = f"Unsupported {arch} relocation type {type_name}" if arch else \
            f"{why} {type_name}"
        reason = f": {why.rstrip(':')}" if arch and why != "unsupported relocation" else ""
        super().__init__(f"{head} in section {section} at offset {offset:#x}{reason}", file)
        self.section = section
        self.offset = offset
        self.type_name = type_name


class FixupOutOfRange(JITLinkError):
    """A fixup value does not fit its field.

    Fields: ``section``, ``offset`` (bytes into the section), ``address`` (of the fixup),
    ``kind`` (edge kind name), ``target`` (symbol name), ``value`` (the computed value).
    """

    def __init__(self, file: str | None, section: str, offset: int, address: int, kind: str,
                 target: str, value: int, target_address: int | None = None,
                 block_address: int | None = None, block_symbol: str | None = None,
                 edge_offset: int | None = None, quote_target: bool = True) -> None:
        """A fixup of ``kind`` at ``offset`` in ``section`` of ``file`` (address ``address``) whose
        value does not fit; the remaining fields name the target and the block, for LLVM's
        message."""
        # LLVM's makeTargetOutOfRangeError wording first (so FileCheck patterns written for
        # llvm-jitlink match), then what it leaves out: the value and the section offset.
        where = (f"{block_symbol if block_symbol else '<anonymous block> @'}"
                 f"{',' if block_symbol else ''} {block_address:#x} + {edge_offset:#x}"
                 if block_address is not None and edge_offset is not None else "")
        shown = f'"{target}"' if quote_target else target
        at = f" at address {target_address:#x}" if target_address is not None else ""
        llvm_text = (f"In graph {file}, section {section}: relocation target {shown}{at} is out "
                     f"of range of {kind} fixup at {address:#x}{f' ({where})' if where else ''}")
        text = (f"{llvm_text}: value {'-' if value < 0 else ''}{abs(value):#x} does not fit "
                f"(at {section}+{offset:#x})")
        super().__init__(text, file, llvm_text)
        self.section = section
        self.offset = offset
        self.address = address
        self.kind = kind
        self.target = target
        self.value = value


class InstructionMismatch(JITLinkError):
    """A relocation sits on an instruction it cannot apply to (e.g. GOTPCRELX not on a mov)."""


# ---------------------------------------------------------------- ORC (session, lookup)


class OrcError(PyJITLinkError):
    """An error of the session layer."""


class SymbolsNotFound(OrcError):
    """A lookup named symbols that no JITDylib in the search order defines."""

    def __init__(self, symbols: list[str], file: str | None = None) -> None:
        """A lookup failed for ``symbols`` (kept sorted in ``symbols``); ``file`` is the object that
        referenced them, if any. LLVM's text: ``Symbols not found: [ a, b ]``."""
        names = ", ".join(sorted(symbols))
        super().__init__(f"Symbols not found: [ {names} ]", file)
        self.symbols = sorted(symbols)


class LookupCycle(OrcError):
    """Symbols whose materializations wait for each other, so none can ever resolve (an
    alias or re-export cycle such as ``-alias a=b -alias b=a``). ``symbols``: every symbol
    that waited, sorted."""

    def __init__(self, symbols: list[str], file: str | None = None) -> None:
        names = ", ".join(sorted(symbols))
        super().__init__(f"Symbols wait for each other in a cycle and can never be resolved "
                         f"(an alias or re-export cycle): [ {names} ]", file)
        self.symbols = sorted(symbols)


class DuplicateDefinition(OrcError):
    """Two strong definitions of one name in one JITDylib."""

    def __init__(self, name: str, file: str | None = None, other: str | None = None) -> None:
        """``name`` is defined twice in one JITDylib; ``file`` is the second definition's object,
        ``other`` the first's."""
        where = f" (first defined in {other})" if other else ""
        super().__init__(f"Duplicate definition of symbol '{name}'{where}", file,
                         f"Duplicate definition of symbol '{name}'")
        self.name = name
        self.other = other


class MaterializationFailed(OrcError):
    """A symbol could not be materialized because something it depends on failed."""


class LibraryNotFound(OrcError):
    """A ``-l NAME`` library was found neither as a shared library nor as an archive."""


class UnsupportedTarget(PyJITLinkError):
    """An architecture (or target triple) pyjitlink has no linker or executor for."""


# ---------------------------------------------------------------- execution


class ExecutionError(PyJITLinkError):
    """Running linked code failed (no entry point, a bad argument, a fault)."""


class CheckError(PyJITLinkError):
    """A jitlink-check rule is malformed or failed."""
