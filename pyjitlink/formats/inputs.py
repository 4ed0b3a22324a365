"""Reading an input file (object, archive, check file) exactly once, with bounds.

An input is a regular file, read whole, or a stream: a pipe or FIFO (``pyjitlink <(cat x.o)``,
``/dev/fd/N``, ``mkfifo``), a character device or a socket, read until end of file but at most
``STREAM_LIMIT`` bytes, so ``/dev/zero`` is an error and not the end of the machine's memory.
Directories, block devices and the like are refused. Each path is opened once: a pipe cannot
be read twice, so callers keep the bytes (see ``InputCache``).

A FIFO that no process ever opens for writing would block a reader forever. It is opened
without blocking and then waited on with ``poll``: if nothing (no data, no end of file)
arrives within ``FIFO_WAIT`` seconds, that is an error naming the FIFO ("no writer"). Once
data arrives, reading goes on for as long as the writer keeps writing.
"""

from __future__ import annotations

import os
import select
import stat
import time

from pyjitlink.errors import PyJITLinkError

STREAM_LIMIT = 256 << 20  # bytes read at most from a pipe, FIFO or device
FIFO_WAIT = 30.0  # seconds to wait for a FIFO's first byte (or its end) before giving up
_CHUNK = 1 << 20


class InputError(PyJITLinkError):
    """An input cannot be read: missing, unreadable, of the wrong kind, or too large."""


def fifo_wait() -> float:
    """``FIFO_WAIT``, or the seconds in the environment variable PYJITLINK_FIFO_WAIT."""
    text = os.environ.get("PYJITLINK_FIFO_WAIT")
    if text:
        try:
            value = float(text)
            if value > 0:
                return value
        except ValueError:
            pass
    return FIFO_WAIT


_streams_read = [False]  # set once a pipe, FIFO or device has been read


def streamed_input_read() -> bool:
    """True once this process has read an input that cannot be read again (a pipe, FIFO or
    device): a command that started over (tool/static_tls.py) would find it empty."""
    return _streams_read[0]


def read_input(path: str, limit: int = STREAM_LIMIT, what: str = "an input") -> bytes:
    """The whole content of ``path``: a regular file, or a stream read up to ``limit`` bytes.

    Raises InputError naming ``path`` when it cannot be opened, is not a regular file, pipe,
    FIFO, character device or socket, holds more than ``limit`` bytes as a stream, or is a
    FIFO that no writer opens within ``fifo_wait()`` seconds. ``what`` names the input's role
    in messages ("an input", "a check file").
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as err:
        # llvm-jitlink's text quotes the file: "'x.o': No such file or directory".
        raise InputError(err.strerror or str(err), path,
                         f"'{path}': {err.strerror or err}") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISREG(mode):
            os.set_blocking(fd, True)
            return _read_all(fd, path, None, what)
        if stat.S_ISDIR(mode):
            raise InputError("Is a directory", path)
        if not (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode) or stat.S_ISSOCK(mode)):
            raise InputError(f"not a regular file, pipe or character device: cannot "
                             f"read it as {what}", path)
        if stat.S_ISFIFO(mode):
            _wait_for_writer(fd, path)
        os.set_blocking(fd, True)
        _streams_read[0] = True
        return _read_all(fd, path, limit, what)
    finally:
        os.close(fd)


def _wait_for_writer(fd: int, path: str) -> None:
    """Block until the FIFO has data or has been closed by a writer, up to fifo_wait()."""
    wait = fifo_wait()
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
    deadline = time.monotonic() + wait
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise InputError(f"no data from the FIFO within {wait:g} s (no process "
                             f"writes to it?)", path)
        if poller.poll(max(1, int(left * 1000))):
            return


def _read_all(fd: int, path: str, limit: int | None, what: str) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while True:
        try:
            chunk = os.read(fd, _CHUNK)
        except OSError as err:
            raise InputError(err.strerror or str(err), path) from None
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if limit is not None and total > limit:
            raise InputError(f"larger than {limit >> 20} MiB, the limit for reading "
                             f"{what} from a pipe or device", path)
        chunks.append(chunk)


class InputCache:
    """Each input path read once (``read_input``): its bytes, or the error reading it gave,
    kept for every later use. ``derived`` keeps, per path, what a reader made of the bytes
    (formats.load keeps its ObjectFile there), so that is done once too."""

    def __init__(self) -> None:
        self._data: dict[str, bytes | InputError] = {}
        self.derived: dict[str, object] = {}

    def read(self, path: str, what: str = "an input") -> bytes:
        data = self._data.get(path)
        if data is None:
            try:
                data = read_input(path, what=what)
            except InputError as err:
                data = err
            self._data[path] = data
        if isinstance(data, InputError):
            raise data
        return data

    def forget(self) -> None:
        self._data.clear()
        self.derived.clear()
