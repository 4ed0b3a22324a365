"""STT_GNU_IFUNC symbols: where a graph keeps them, and the check for graphs nobody lowered.

An ELF builder defines an IFUNC symbol at its resolver and lists it in
``graph.target_data[IFUNC_SYMBOLS]``. An executor that can run resolvers (the emulated Linux
process, executors/linux/ifunc.py) lowers each one in a pre-prune pass to a stub that jumps
through a slot its start-up code fills (IRELATIVE) and empties the list; ``check_ifuncs``
(post-prune, in every ELF pipeline) rejects a graph whose IFUNC symbols remain.
"""

from __future__ import annotations

from pyjitlink.errors import UnsupportedObject
from pyjitlink.jitlink.graph import LinkGraph

IFUNC_SYMBOLS = "ifunc-symbols"


def check_ifuncs(graph: LinkGraph) -> None:
    """Post-prune pass: UnsupportedObject for the first IFUNC symbol still unlowered."""
    remaining = graph.target_data.get(IFUNC_SYMBOLS)
    if remaining:
        name = remaining[0].name  # type: ignore[index]
        raise UnsupportedObject(f"IFUNC symbol {name} is not supported", graph.name)
