"""Symbol aliases and re-exports (ORC's symbolAliases / reexports)."""

from __future__ import annotations

from pyjitlink.orc.jitdylib import JITDylib
from pyjitlink.orc.materialization import MaterializationResponsibility, MaterializationUnit
from pyjitlink.orc.session import LookupResult
from pyjitlink.orc.symbols import JITDylibLookupFlags, SymbolFlags, SymbolLookupFlags, SymbolState


class ReexportsMaterializationUnit(MaterializationUnit):
    """Defines ``alias -> aliasee`` names; an alias resolves to its aliasee's address.

    ``source`` is the JITDylib whose link order finds the aliasees (the defining JITDylib for
    plain aliases). Materializing looks the aliasees up, so defining an alias links nothing
    until the alias itself is needed.
    """

    def __init__(self, source: JITDylib, aliases: dict[str, str],
                 flags: SymbolFlags = SymbolFlags.EXPORTED | SymbolFlags.CALLABLE) -> None:
        super().__init__({alias: flags for alias in aliases}, "-alias")
        self.source = source
        self.aliases = dict(aliases)

    def materialize(self, r: MaterializationResponsibility) -> None:
        wanted = {alias: self.aliases[alias] for alias in r.entries}
        names = {aliasee: SymbolLookupFlags.REQUIRED_SYMBOL for aliasee in wanted.values()}
        order = [(jd, JITDylibLookupFlags.MATCH_ALL_SYMBOLS if jd is self.source else flags)
                 for jd, flags in self.source.link_order]
        # An alias must not find itself: drop the aliases from the search.
        if any(alias == aliasee for alias, aliasee in wanted.items()):
            order = [(jd, f) for jd, f in order if jd is not r.jd] or order

        def done(result: LookupResult | Exception) -> None:
            if isinstance(result, Exception):
                r.fail_materialization(result)
                return
            r.add_dependencies({entry for _, entry in result.values()})
            r.notify_resolved({alias: result[aliasee][0].address
                               for alias, aliasee in wanted.items()})
            r.notify_emitted()

        r.session.lookup(order, names, done, SymbolState.RESOLVED)
