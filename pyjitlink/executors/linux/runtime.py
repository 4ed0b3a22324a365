"""Finding the target's static C runtime as the gcc driver does.

For a target (``aarch64`` or ``x86_64``) the runtime is glibc's ``crt1.o``, ``libm.a`` and
``libc.a`` and the compiler's ``libgcc.a`` and ``libgcc_eh.a``, the inputs ``gcc -static``
links, with ``libstdc++.a`` first when it is installed (as ``g++ -static`` links it). Each
is found by asking the target's gcc (``aarch64-linux-gnu-gcc -print-file-name=libc.a``), then
in Debian's multiarch and cross directories (``/usr/aarch64-linux-gnu/lib``,
``/usr/lib/gcc-cross/aarch64-linux-gnu/N``, ``/usr/lib/x86_64-linux-gnu``,
``/usr/lib/gcc/x86_64-linux-gnu/N``), below ``sysroot`` when one is given. A "library" that
is a GNU ld linker script (Debian's ``libc.so``, ``libm.a`` on some systems) names its real
inputs with ``GROUP``, ``INPUT`` and ``AS_NEEDED``; ``linker_script_inputs`` reads them.
"""

from __future__ import annotations

import contextlib
import functools
import os
import pickle
import re
import shutil
import sys
import zlib
from dataclasses import dataclass
from typing import Any

from pyjitlink.errors import ExecutionError
from pyjitlink.jitlink.target import Arch

TRIPLES: dict[str, str] = {Arch.AARCH64: "aarch64-linux-gnu", Arch.X86_64: "x86_64-linux-gnu"}
# libm.a too: emulated programs have always had the math functions without -lm, and an
# archive only adds the members a program needs.
RUNTIME_ARCHIVES = ("libm.a", "libc.a", "libgcc.a", "libgcc_eh.a")
# The C++ runtime, first in link order as g++ puts -lstdc++; linked when installed, so that
# C++ objects run without -lstdc++ (a C program takes none of its members).
OPTIONAL_ARCHIVES = ("libstdc++.a",)
STARTUP_OBJECT = "crt1.o"


class RuntimeNotFound(ExecutionError):
    """The target's C runtime (a named file) is not installed where gcc would look."""


@dataclass(frozen=True)
class TargetRuntime:
    """The files a static link of ``arch`` uses: ``crt1`` (``_start``) and ``archives``
    (libstdc++.a when installed, libm.a, libc.a, libgcc.a, libgcc_eh.a, in link order), as
    absolute paths."""

    arch: str
    crt1: str
    archives: tuple[str, ...]


def _gcc_names(arch: str, host_arch: str) -> list[str]:
    names = [f"{TRIPLES[arch]}-gcc"]
    if arch == host_arch:
        names.append("gcc")
    return names


@functools.lru_cache(maxsize=None)
def _ask_gcc(gcc: str, name: str) -> str | None:
    """``gcc -print-file-name=name`` when it names an existing file (gcc echoes the bare
    name when it finds nothing)."""
    path = shutil.which(gcc)
    if path is None:
        return None
    import subprocess  # only when the answer is not cached (find_runtime)

    try:
        out = subprocess.run([path, f"-print-file-name={name}"], capture_output=True,
                             text=True, timeout=20, check=False).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return out if out and os.path.isabs(out) and os.path.isfile(out) else None


def search_dirs(arch: str, sysroot: str | None = None) -> list[str]:
    """The directories a static link of ``arch`` searches, below ``sysroot`` if given: the
    C library's (cross and multiarch layouts) then the compiler's, newest gcc first."""
    triple = TRIPLES[arch]
    root = sysroot or "/"
    dirs = [f"usr/{triple}/lib", f"usr/lib/{triple}", f"lib/{triple}", "usr/lib", "lib",
            "usr/lib64", "lib64"]
    return [os.path.join(root, d) for d in dirs] + compiler_dirs(arch, sysroot)


def compiler_dirs(arch: str, sysroot: str | None = None) -> list[str]:
    """gcc's own library directories for ``arch`` (libgcc.a, libstdc++), newest version
    first: ``usr/lib/gcc-cross/TRIPLE/N`` and ``usr/lib/gcc/TRIPLE/N`` below ``sysroot``."""
    triple = TRIPLES[arch]
    root = sysroot or "/"
    dirs = []
    for parent in (f"usr/lib/gcc-cross/{triple}", f"usr/lib/gcc/{triple}"):
        base = os.path.join(root, parent)
        try:
            versions = sorted(os.listdir(base), key=_version_key, reverse=True)
        except OSError:
            continue
        dirs += [os.path.join(base, v) for v in versions if os.path.isdir(os.path.join(base, v))]
    return dirs


def _version_key(text: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else -1 for p in text.split("."))


def find_file(arch: str, name: str, sysroot: str | None = None,
              host_arch: str = "x86_64") -> str | None:
    """Where ``name`` (``libc.a``, ``crt1.o``, ...) of ``arch``'s runtime is, or None:
    the target gcc's answer (when no sysroot is given), else the first of ``search_dirs``."""
    if sysroot is None:
        for gcc in _gcc_names(arch, host_arch):
            found = _ask_gcc(gcc, name)
            if found is not None:
                return os.path.normpath(found)
    for directory in search_dirs(arch, sysroot):
        path = os.path.join(directory, name)
        if os.path.isfile(path):
            return path
    return None


def cache_dir() -> str | None:
    """pyjitlink's private cache directory, ``$XDG_CACHE_HOME/pyjitlink`` (by default
    ``~/.cache/pyjitlink``), created with mode 0700; None when it cannot be made or is not
    ours alone (then nothing is cached)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = os.path.join(base, "pyjitlink")
    try:
        os.makedirs(path, mode=0o700, exist_ok=True)
        info = os.stat(path)
    except OSError:
        return None
    if info.st_uid != os.getuid() or info.st_mode & 0o077:
        return None
    return path


def _stamp(path: str) -> list[int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return [info.st_size, info.st_mtime_ns]


@functools.lru_cache(maxsize=1)
def source_stamp() -> str:
    """pyjitlink's own source files as a text, one line per ``.py`` file of the package
    (relative path, size and modification time) after Python's version: what a cached link
    result depends on besides its inputs, so that any change to the linker invalidates it.
    Compared whole (a few kB; no digest, so no hashing library is loaded for it)."""
    package = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    lines = [sys.version]

    def scan(directory: str, prefix: str) -> None:
        with os.scandir(directory) as entries:
            found = sorted(entries, key=lambda entry: entry.name)
        for entry in found:
            if entry.name.endswith(".py") and entry.is_file():
                info = entry.stat()
                lines.append(f"{prefix}{entry.name} {info.st_size} {info.st_mtime_ns}")
            elif entry.name != "__pycache__" and entry.is_dir():
                scan(entry.path, f"{prefix}{entry.name}/")

    scan(package, "")
    return "\n".join(lines)


def runtime_stamp(runtime: TargetRuntime, sysroot: str | None = None) -> list[Any]:
    """What a result computed from ``runtime``'s files depends on: the architecture, the
    sysroot, each file's path, size and modification time, and pyjitlink's sources
    (``source_stamp``)."""
    return [runtime.arch, sysroot, [(path, _stamp(path)) for path in
                                    (runtime.crt1, *runtime.archives)], source_stamp()]


def cached_name(prefix: str, key: Any) -> str:
    """``PREFIX-CHECKSUM.pickle``, CHECKSUM the CRC-32 of ``key``'s repr in hex: values
    cached under different keys (two checkouts of pyjitlink, two sysroots) live side by
    side. Only the file's name: ``load_cached`` compares the whole key, so two keys with
    one checksum take turns in one file, and neither is ever taken for the other."""
    checksum = zlib.crc32(repr(key).encode("utf-8", "surrogateescape"))
    return f"{prefix}-{checksum:08x}.pickle"


def load_cached(name: str, key: Any) -> Any:
    """The value ``store_cached(name, key, value)`` saved in ``cache_dir()``, if its key is
    ``key``; None when there is none, it was saved under another key, or the file cannot be
    read or is corrupt (a cache is never an error). The directory is private (``cache_dir``
    refuses one others may write), so its files are trusted as pickles."""
    directory = cache_dir()
    if directory is None:
        return None
    try:
        with open(os.path.join(directory, name), "rb") as f:
            saved_key, value = pickle.load(f)
    except Exception:  # noqa: BLE001 - unreadable, truncated, corrupt, stale format
        return None
    return value if saved_key == key else None


def store_cached(name: str, key: Any, value: Any, keep: int | None = None) -> None:
    """Save ``value`` under ``key`` as ``cache_dir()/name`` (replaced atomically, so a
    concurrent reader sees the old file or the new one); nothing when there is no cache
    directory or it cannot be written. With ``keep``, files named as ``cached_name`` names
    them with the same prefix are removed but for the ``keep`` newest."""
    directory = cache_dir()
    if directory is None:
        return
    path = os.path.join(directory, name)
    temporary = f"{path}.{os.getpid()}"
    try:
        with open(temporary, "wb") as f:
            pickle.dump((key, value), f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        return
    if keep is not None:
        prefix = name.rsplit("-", 1)[0] + "-"
        try:
            siblings = [os.path.join(directory, n) for n in os.listdir(directory)
                        if n.startswith(prefix) and n.endswith(".pickle")]
            siblings.sort(key=lambda p: os.stat(p).st_mtime_ns, reverse=True)
            for old in siblings[keep:]:
                os.unlink(old)
        except OSError:
            pass


def find_runtime(arch: str, sysroot: str | None = None,
                 host_arch: str = "x86_64") -> TargetRuntime:
    """The static C runtime of ``arch``; RuntimeNotFound naming the first missing file and
    the package that provides it on Debian.

    The answer is remembered in ``cache_dir()`` (``runtime-ARCH.pickle``, see
    ``load_cached``), keyed by the target gcc's and the search directories' modification
    times and checked against each file's size and modification time, so that a run does
    not ask gcc again."""
    if arch not in TRIPLES:
        raise RuntimeNotFound(f"no target C runtime for {arch}")
    gccs = [shutil.which(g) for g in _gcc_names(arch, host_arch)] if sysroot is None else []
    key = [arch, sysroot, host_arch, [(g, _stamp(g)) for g in gccs if g],
           [(d, _stamp(d)) for d in search_dirs(arch, sysroot)]]
    name = f"runtime-{arch}.pickle"
    saved = load_cached(name, key)  # (TargetRuntime, [(path, stamp) of each file])
    if isinstance(saved, tuple) and len(saved) == 2 and isinstance(saved[0], TargetRuntime) \
            and all(_stamp(path) == stamp for path, stamp in saved[1]):
        return saved[0]
    runtime = _find_runtime(arch, sysroot, host_arch)
    store_cached(name, key, (runtime, [(path, _stamp(path)) for path in
                                       (runtime.crt1, *runtime.archives)]))
    return runtime


def _find_runtime(arch: str, sysroot: str | None, host_arch: str) -> TargetRuntime:
    paths = {}
    for name in (STARTUP_OBJECT, *RUNTIME_ARCHIVES):
        path = find_file(arch, name, sysroot, host_arch)
        if path is None:
            where = f" below {sysroot}" if sysroot else ""
            package = ("gcc-aarch64-linux-gnu and libc6-dev-arm64-cross" if
                       arch == Arch.AARCH64 else "gcc and libc6-dev")
            raise RuntimeNotFound(f"an emulated {arch} program runs on the target's C "
                                  f"runtime, and its {name} was not found{where} (Debian: "
                                  f"install {package}; or give -sysroot DIR)")
        paths[name] = path
    archives: list[str] = []
    for name in OPTIONAL_ARCHIVES:
        path = find_file(arch, name, sysroot, host_arch)
        if path is not None:
            archives += expand_library(path, sysroot)
    for name in RUNTIME_ARCHIVES:
        archives += expand_library(paths[name], sysroot)
    return TargetRuntime(arch, paths[STARTUP_OBJECT], tuple(archives))


# ---------------------------------------------------------------------------- linker scripts

_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_TOKEN = re.compile(r"\(|\)|,|[^\s(),]+")


def is_linker_script(data: bytes) -> bool:
    """Whether ``data`` is a GNU ld script rather than an object or archive (text that
    starts with a comment or a command)."""
    head = data[:512].lstrip()
    if data.startswith((b"!<arch>", b"!<thin>", b"\x7fELF")) or not head:
        return False
    try:
        head.decode("ascii")
    except UnicodeDecodeError:
        return False
    return head.startswith((b"/*", b"GROUP", b"INPUT", b"OUTPUT_FORMAT", b"SEARCH_DIR",
                            b"AS_NEEDED"))


def linker_script_inputs(text: str) -> list[tuple[str, bool]]:
    """The files a GNU ld script names in ``GROUP ( ... )`` and ``INPUT ( ... )``, in order,
    each with whether it is inside ``AS_NEEDED ( ... )`` (ld's "Simple Linker Script
    Commands"). ``-lNAME`` entries are kept as written; other commands are skipped."""
    tokens = _TOKEN.findall(_COMMENT.sub(" ", text))
    inputs: list[tuple[str, bool]] = []
    stack: list[str] = []
    previous = ""
    for token in tokens:
        if token == "(":
            stack.append(previous)
        elif token == ")":
            if stack:
                stack.pop()
        elif token != ",":
            upper = token.upper()
            if stack and stack[0] in ("GROUP", "INPUT") and upper not in ("AS_NEEDED",):
                inputs.append((token, "AS_NEEDED" in stack))
        previous = token.upper() if token not in ("(", ")", ",") else previous
    return inputs


def expand_library(path: str, sysroot: str | None = None, depth: int = 0) -> list[str]:
    """``path`` itself, or, for a linker script, the static archives it names (shared
    objects and AS_NEEDED entries are skipped: the process is a static executable). Paths
    in a script under ``sysroot`` are taken below it, as ld does for scripts in a sysroot."""
    try:
        with open(path, "rb") as f:
            data = f.read(1 << 16)
    except OSError as err:
        raise RuntimeNotFound(f"cannot read {path}: {err.strerror}") from None
    if not is_linker_script(data):
        return [path]
    if depth > 8:
        raise RuntimeNotFound(f"{path}: linker scripts nest too deeply")
    result: list[str] = []
    for name, as_needed in linker_script_inputs(data.decode("ascii", "replace")):
        if as_needed or ".so" in os.path.basename(name):
            continue
        if sysroot and os.path.isabs(name) and not name.startswith(sysroot):
            name = os.path.join(sysroot, name.lstrip("/"))
        elif not os.path.isabs(name):
            name = os.path.join(os.path.dirname(path), name)
        result += expand_library(name, sysroot, depth + 1)
    return result


def linker_script_target(path: str, archives_only: bool = False) -> tuple[str, str] | None:
    """What ``-l`` links when it finds the GNU ld script at ``path`` (Debian's ``libm.so``,
    ``libm.a``, ``libc.so``): (kind, file) of the script's first input that exists and is
    not ``AS_NEEDED``, kind "shared" or "archive" (only archives with ``archives_only``);
    None when the file is no script or names nothing usable."""
    try:
        with open(path, "rb") as f:
            data = f.read(1 << 16)
    except OSError:
        return None
    if not is_linker_script(data):
        return None
    for name, as_needed in linker_script_inputs(data.decode("ascii", "replace")):
        if as_needed or name.startswith("-l"):
            continue
        if not os.path.isabs(name):
            name = os.path.join(os.path.dirname(path), name)
        kind = "archive" if name.endswith(".a") else "shared"
        if os.path.isfile(name) and (kind == "archive" or not archives_only):
            return kind, name
    return None
