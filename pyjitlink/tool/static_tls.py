"""Start the command over with more static TLS when a program's initial-exec needs it.

glibc sizes the surplus static TLS that dlopen'ed initial-exec modules share once, at process
start, from the tunable ``glibc.rtld.optional_static_tls`` (512 bytes by default, on top of a
few hundred bytes glibc reserves). A JIT-linked PIE or non-PIC program's thread-local
variables need it all (initial- and local-exec are gcc's and clang's default TLS models
there), so when they do not fit, and before any linked code has run, the command runs again
(execve, same process id) with the tunable raised. It does not when an input was a pipe or a
device (read once, it would be empty the second time) or the command prints before linking
ends (-show-* output would appear twice). Otherwise the error stands: it names the variable
and the size and suggests -ftls-model=global-dynamic.
"""

from __future__ import annotations

import os
import sys

from pyjitlink.jitlink.tls import StaticTLSUnavailable

TUNABLE = "glibc.rtld.optional_static_tls"
# Set in the restarted command, to "restarted:" and the user's GLIBC_TUNABLES: never loop.
MARKER = "PYJITLINK_STATIC_TLS_RETRY"
RESTARTED = "restarted:"
MINIMUM = 64 << 10  # bytes asked for at least: room for later modules of the same program
_state = {"restarted": False, "forbidden": False}


def forbid_restart() -> None:
    """The command has written (or will write) output before linking ends, such as
    ``-show-linked-files`` or ``-show-init-es``: a restart would print it twice."""
    _state["forbidden"] = True


def restore_environment() -> None:
    """In a restarted command, give the program (and what it starts) the user's environment
    back: glibc has read the raised tunable already, at process start. Any value of the
    marker forbids a restart (a user may set it to 1 for that)."""
    marker = os.environ.pop(MARKER, None)
    if marker is None:
        return
    _state["restarted"] = True
    if marker.startswith(RESTARTED):
        original = marker[len(RESTARTED):]
        if original:
            os.environ["GLIBC_TUNABLES"] = original
        else:
            os.environ.pop("GLIBC_TUNABLES", None)


def restart_with_static_tls(err: StaticTLSUnavailable) -> None:
    """execve this command again with enough optional static TLS for ``err``'s module, when
    that can help: nothing linked has run, the tunable is not set by the user, and this is
    not already the restarted command. Returns only when it does not restart."""
    from pyjitlink.executors.native import native_code_has_run
    from pyjitlink.formats.inputs import streamed_input_read

    tunables = os.environ.get("GLIBC_TUNABLES", "")
    if _state["restarted"] or _state["forbidden"] or MARKER in os.environ or \
            TUNABLE in tunables or native_code_has_run() or streamed_input_read():
        return
    size = max(MINIMUM, (4 * err.size + 4095) // 4096 * 4096)
    env = dict(os.environ)
    env[MARKER] = RESTARTED + tunables
    env["GLIBC_TUNABLES"] = f"{tunables}:{TUNABLE}={size}" if tunables else f"{TUNABLE}={size}"
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, [sys.executable, *sys.orig_argv[1:]], env)
