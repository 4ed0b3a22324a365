"""Definition generators: host-process symbols (dlsym), shared libraries, static archives."""

from __future__ import annotations

import ctypes
import os
from array import array
from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum

from pyjitlink.errors import LibraryNotFound, PyJITLinkError
from pyjitlink.formats import ObjectFile
from pyjitlink.jitlink.graph import Scope
from pyjitlink.orc.jitdylib import JITDylib
from pyjitlink.orc.platforms import ELFNixPlatform, Platform
from pyjitlink.orc.symbols import JITDylibLookupFlags, SymbolFlags

RTLD_NOW = 2
RTLD_GLOBAL = 0x100

_libdl = ctypes.CDLL(None)
_dlsym = _libdl.dlsym
_dlsym.restype = ctypes.c_void_p
_dlsym.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
RTLD_DEFAULT = ctypes.c_void_p(0)

# The names a JIT'd program must not take from the host process: they would bind it to
# Python's own startup code instead of its own definitions.
_NEVER_FROM_HOST = frozenset({"main", "_start", "_init", "_fini"})


class DynamicLibrarySearchGenerator:
    """Defines absolute symbols for names a shared library (or the process) exports.

    ``handle`` is a dlopen handle, or None for the whole process (RTLD_DEFAULT), which is
    LLVM's ``DynamicLibrarySearchGenerator::GetForCurrentProcess``. ``allow`` filters names;
    ``overrides`` maps names to addresses the executor provides instead (e.g. ``atexit``).
    """

    def __init__(self, handle: ctypes.c_void_p | None = None,
                 allow: Callable[[str], bool] | None = None,
                 overrides: dict[str, int] | None = None, origin: str = "<process>") -> None:
        self.handle = handle if handle is not None else RTLD_DEFAULT
        self.allow = allow
        self.overrides = overrides or {}
        self.origin = origin
        # Whose C names the objects use: Mach-O's carry a leading "_" ("_printf"); the
        # session sets the platform, and names the platform cannot demangle are not looked up.
        self.platform: Platform = ELFNixPlatform()

    def try_to_generate(self, jd: JITDylib, lookup_flags: JITDylibLookupFlags,
                        names: list[str]) -> None:
        found: dict[str, tuple[int, SymbolFlags]] = {}
        demangle = self.platform.demangle
        for name in names:
            if self.allow is not None and not self.allow(name):
                continue
            host_name = demangle(name)
            if host_name is None or host_name in _NEVER_FROM_HOST:
                continue
            address = self.overrides.get(host_name)
            if address is None:
                address = _dlsym(self.handle, host_name.encode("utf-8", "surrogateescape"))
            if address:
                found[name] = (address, SymbolFlags.EXPORTED)
        if found:
            jd.define_absolute(found, self.origin)


def load_shared_library(path: str) -> ctypes.c_void_p:
    """dlopen ``path`` with RTLD_NOW | RTLD_GLOBAL; LibraryNotFound with dlerror's text."""
    try:
        lib = ctypes.CDLL(path, mode=RTLD_NOW | RTLD_GLOBAL)
    except OSError as err:
        raise LibraryNotFound(f"could not load shared library: {err}", path,
                              str(err)) from None
    return ctypes.c_void_p(lib._handle)


class PackedSymbolIndex:
    """An archive's symbol index (name -> member number) packed for a cache: the names,
    sorted as bytes, NUL-separated in one bytes object, with arrays of where each starts
    and of member numbers. Unpickling it makes no Python object per name (libc.a and
    libstdc++.a have ~11,000 names: a dict of them takes ~6 ms to load, this ~0.1 ms);
    ``get`` bisects the names (a few microseconds), as often as a lookup misses."""

    def __init__(self, index: Mapping[str, int]) -> None:
        items = sorted((name.encode("utf-8", "surrogateescape"), member)
                       for name, member in index.items())
        self.names = b"\0".join(name for name, _ in items)
        self.starts = array("I")
        at = 0
        for name, _ in items:
            self.starts.append(at)
            at += len(name) + 1
        self.members = array("I", [member for _, member in items])

    def __len__(self) -> int:
        return len(self.members)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    def _name(self, i: int) -> bytes:
        end = self.starts[i + 1] - 1 if i + 1 < len(self.starts) else len(self.names)
        return self.names[self.starts[i]:end]

    def get(self, name: str, default: int | None = None) -> int | None:
        """The member number that defines ``name``, else ``default``."""
        key = name.encode("utf-8", "surrogateescape")
        lo, hi = 0, len(self.members)
        while lo < hi:
            mid = (lo + hi) // 2
            if self._name(mid) < key:
                lo = mid + 1
            else:
                hi = mid
        if lo < len(self.members) and self._name(lo) == key:
            return self.members[lo]
        return default


class PackedSpans:
    """Each archive member's (name, offset, size) of its bytes in the file, by member
    number (``StaticLibraryDefinitionGenerator.spans``), packed as PackedSymbolIndex is."""

    def __init__(self, spans: Sequence[tuple[str, int, int]]) -> None:
        self.names = "\0".join(name for name, _, _ in spans)
        self.offsets = array("Q", [offset for _, offset, _ in spans])
        self.sizes = array("Q", [size for _, _, size in spans])
        self._split: list[str] | None = None

    def __len__(self) -> int:
        return len(self.offsets)

    def __getitem__(self, number: int) -> tuple[str, int, int]:
        if self._split is None:
            self._split = self.names.split("\0")
        return self._split[number], self.offsets[number], self.sizes[number]

    def __getstate__(self) -> dict[str, object]:
        return {**self.__dict__, "_split": None}


class StaticLibraryDefinitionGenerator:
    """Adds an archive member to the JITDylib when it defines a name a lookup needs.

    ``archive`` is the input as formats.load read it (a static archive; MalformedObject
    otherwise); ``add_object(jd, member)`` adds one member, an ObjectFile named
    ``archive(member)``. Members are found through the archive's symbol index (or, without
    one, by reading each member's interface once); like ld, only members that define
    something needed are linked.
    """

    def __init__(self, archive: ObjectFile,
                 add_object: Callable[[JITDylib, ObjectFile], None]) -> None:
        self.path = archive.name
        self.add_object = add_object
        self.added: set[int] = set()
        self.index: Mapping[str, int] | PackedSymbolIndex = {}
        self._load: Callable[[], ObjectFile] | None = None
        self._spans: Sequence[tuple[str, int, int]] | None = None
        self._use(archive)

    @classmethod
    def deferred(cls, path: str, index: Mapping[str, int] | PackedSymbolIndex,
                 load: Callable[[], ObjectFile],
                 add_object: Callable[[JITDylib, ObjectFile], None],
                 spans: Sequence[tuple[str, int, int]] | None = None
                 ) -> StaticLibraryDefinitionGenerator:
        """A generator for the archive at ``path`` whose symbol index (name -> member
        number, as ``index`` of the generator made from the file, or a PackedSymbolIndex
        of it) is known already, e.g. cached: ``load()`` reads and parses the archive only
        when a member is first needed. With ``spans`` (``spans()`` of the generator made
        from the file, or a PackedSpans of them: each member's name and where its bytes
        lie in it) a needed member is read on its own (an ObjectFile named
        ``path(member)``, as ``members`` names it), and the archive is read whole only if
        that read fails."""
        self = cls.__new__(cls)
        self.path = path
        self.add_object = add_object
        self.added = set()
        self.index = index
        self._load = load
        self._spans = spans
        return self

    def _use(self, archive: ObjectFile) -> None:
        self.archive = archive.archive
        self._members = archive.members
        self.index = self.archive.symbol_index if self.archive.has_index else self._scan()

    @property
    def members(self) -> list[ObjectFile]:
        """The archive's members (read now for a ``deferred`` generator)."""
        if self._load is not None:
            load, self._load = self._load, None
            self._use(load())
        return self._members

    def spans(self) -> list[tuple[str, int, int]]:
        """(name, offset, size) of each member's bytes in the archive file, by member
        number: what ``deferred`` reads one member by."""
        return [(m.name, m.data_offset, len(m.data)) for m in self.archive.members]

    def _member(self, number: int) -> ObjectFile:
        """Member ``number``: read alone when its span is known and the archive is not read
        yet, else from ``members``."""
        if self._load is not None and self._spans is not None:
            name, offset, size = self._spans[number]
            try:
                with open(self.path, "rb") as f:
                    data = os.pread(f.fileno(), size, offset)
            except OSError:
                data = b""
            if len(data) == size:
                return ObjectFile(data, f"{self.path}({name})")
        return self.members[number]

    def _scan(self) -> dict[str, int]:
        index: dict[str, int] = {}
        for i, member in enumerate(self.members):
            try:
                symbols = member.interface.symbols
            except PyJITLinkError:
                continue
            for name, (_, scope, _, _) in symbols.items():
                if scope is not Scope.LOCAL:
                    index.setdefault(name, i)
        return index

    def try_to_generate(self, jd: JITDylib, lookup_flags: JITDylibLookupFlags,
                        names: list[str]) -> None:
        for name in names:
            member = self.index.get(name)
            if member is None or member in self.added or name in jd.symbols:
                continue
            self.added.add(member)
            self.add_object(jd, self._member(member))


class LibraryKind(StrEnum):
    """What ``-l NAME`` found: a shared library or a static archive."""

    SHARED = "shared"
    ARCHIVE = "archive"


def find_library(name: str, search_paths: list[str],
                 archives_only: bool = False) -> tuple[LibraryKind, str]:
    """Resolve ``-l NAME`` like ld: ``libNAME.so`` then ``libNAME.a`` in each directory.

    Returns (kind, path), kind a LibraryKind. The system directories, and
    gcc's own (``/usr/lib/gcc/x86_64-linux-gnu/N``: libstdc++, libgcc), follow the ``-L``
    ones, as the gcc driver passes them to ld; a GNU ld script links its first input.
    A name that no directory has as a file but that the dynamic loader knows
    (``libm.so.6``) is loaded by soname. Raises LibraryNotFound.
    """
    from pyjitlink.executors.linux.runtime import (
        compiler_dirs,
        is_linker_script,
        linker_script_target,
    )

    system = ["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64",
              "/lib", "/usr/lib", "/usr/local/lib", *compiler_dirs("x86_64")]
    for directory in [*search_paths, *system]:
        candidates = ((LibraryKind.SHARED, f"lib{name}.so"),
                      (LibraryKind.ARCHIVE, f"lib{name}.a"))
        for kind, filename in candidates[1:] if archives_only else candidates:
            path = os.path.join(directory, filename)
            if os.path.isfile(path):
                with open(path, "rb") as f:
                    head = f.read(512)
                if not is_linker_script(head):
                    return kind, path
                # A GNU ld script (Debian's libm.so: GROUP ( libm.so.6 AS_NEEDED (...) )).
                target = linker_script_target(path, archives_only)
                if target is not None:
                    return LibraryKind(target[0]), target[1]
    raise LibraryNotFound(f"library not found for -l{name}", f"-l{name}")
