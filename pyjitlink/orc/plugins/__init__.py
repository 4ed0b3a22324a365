"""ORC plugins: those over an executor's typed services (eh-frame registration, near proxies,
symbol maps, IFUNC and ``__libc_atexit`` tables of a static process),
built from ``executor.services()`` by ``executor_plugins``, and those that show JIT'd code to
tools: debug objects for fault reports and debuggers (GDB's JIT interface), perf maps and
jitdump files, symbol-table dumps."""

from __future__ import annotations

from pyjitlink.executors.services import ExecutorServices
from pyjitlink.orc.object_layer import Plugin
from pyjitlink.orc.plugins.eh_frame import EHFrameRegistrationPlugin
from pyjitlink.orc.plugins.ifunc import IFuncPlugin
from pyjitlink.orc.plugins.libc_atexit import AtexitSetPlugin
from pyjitlink.orc.plugins.near_proxies import NearProxyPlugin
from pyjitlink.orc.plugins.redirects import SymbolRedirectPlugin
from pyjitlink.orc.plugins.symbol_map import SymbolMapPlugin


def executor_plugins(services: ExecutorServices) -> list[Plugin]:
    """One plugin per service ``services`` offers, in the order the layer should run them
    (near proxies first: they rebind externals before any other pre-fixup pass)."""
    plugins: list[Plugin] = []
    if services.symbol_redirects:
        plugins.append(SymbolRedirectPlugin(services.symbol_redirects))
    if services.near_proxies is not None:
        plugins.append(NearProxyPlugin(services.near_proxies))
    if services.eh_frames is not None:
        plugins.append(EHFrameRegistrationPlugin(services.eh_frames))
    if services.symbol_map is not None:
        plugins.append(SymbolMapPlugin(services.symbol_map))
    if services.irelative is not None:
        plugins.append(IFuncPlugin(services.irelative))
    if services.atexit_set is not None:
        plugins.append(AtexitSetPlugin(services.atexit_set))
    return plugins


def executor_plugin_types() -> tuple[type, ...]:
    """The classes ``executor_plugins`` makes plugins of."""
    return (SymbolRedirectPlugin, NearProxyPlugin, EHFrameRegistrationPlugin, SymbolMapPlugin,
            IFuncPlugin, AtexitSetPlugin)


__all__ = ["AtexitSetPlugin", "EHFrameRegistrationPlugin",
           "IFuncPlugin", "NearProxyPlugin", "SymbolMapPlugin", "SymbolRedirectPlugin",
           "executor_plugin_types", "executor_plugins"]
