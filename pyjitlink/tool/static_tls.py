"""Start the command over with more static TLS when a program's initial-exec needs it.

glibc sizes the surplus static TLS that dlopen'ed initial-exec modules share once, at process
start, from the tunable ``glibc.rtld.optional_static_tls`` (512 bytes by default, on top of a
few hundred bytes glibc reserves). A JIT-linked PIE or non-PIC program's thread-local
variables need it all (initial- and local-exec are gcc's and clang's default TLS models
there), so when they do not fit, and before any linked code has run, the command runs again
(execve, same process id) with the tunable raised. Otherwise the error stands: it names the
variable and the size and suggests -ftls-model=global-dynamic.
"""

from __future__ import annotations

import os
import sys

from pyjitlink.jitlink.tls import StaticTLSUnavailable

TUNABLE = "glibc.rtld.optional_static_tls"
MARKER = "PYJITLINK_STATIC_TLS_RETRY"  # set in the restarted command: never loop
MINIMUM = 64 << 10  # bytes asked for at least: room for later modules of the same program


def restart_with_static_tls(err: StaticTLSUnavailable) -> None:
    """execve this command again with enough optional static TLS for ``err``'s module, when
    that can help: nothing linked has run, the tunable is not set by the user, and this is
    not already the restarted command. Returns only when it does not restart."""
    from pyjitlink.executors.native import native_code_has_run

    tunables = os.environ.get("GLIBC_TUNABLES", "")
    if os.environ.get(MARKER) or TUNABLE in tunables or native_code_has_run():
        return
    size = max(MINIMUM, (4 * err.size + 4095) // 4096 * 4096)
    env = dict(os.environ)
    env[MARKER] = "1"
    env["GLIBC_TUNABLES"] = f"{tunables}:{TUNABLE}={size}" if tunables else f"{TUNABLE}={size}"
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, [sys.executable, *sys.orig_argv[1:]], env)
