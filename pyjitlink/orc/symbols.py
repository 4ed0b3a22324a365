"""Symbol flags, states and lookup flags of the session layer (ORC's Core.h vocabulary)."""

from __future__ import annotations

from enum import Enum, IntEnum, IntFlag
from typing import NamedTuple


class SymbolFlags(IntFlag):
    """What a definition promises to lookups (JITSymbolFlags)."""

    NONE = 0
    EXPORTED = 1  # visible to other JITDylibs (default visibility)
    WEAK = 2  # may be overridden by a strong definition
    CALLABLE = 4  # a function
    COMMON = 8  # a tentative (common) definition
    MATERIALIZATION_SIDE_EFFECTS_ONLY = 16  # looked up only to make its unit materialize


class SymbolState(IntEnum):
    """Where a symbol is in its life; queries name the state they need."""

    NEVER_SEARCHED = 0  # defined by a unit nobody asked to materialize yet
    MATERIALIZING = 1  # its unit is being linked
    RESOLVED = 2  # its address is known (memory allocated), contents not yet final
    EMITTED = 3  # its memory is finalized; some dependency may not be
    READY = 4  # it and everything it depends on are emitted: safe to run


class JITDylibLookupFlags(Enum):
    """Whether a JITDylib in a search order shows all its symbols or only exported ones."""

    MATCH_EXPORTED_SYMBOLS_ONLY = 0
    MATCH_ALL_SYMBOLS = 1


class SymbolLookupFlags(Enum):
    REQUIRED_SYMBOL = 0
    WEAKLY_REFERENCED_SYMBOL = 1


class ExecutorSymbolDef(NamedTuple):
    """A resolved symbol: its target address and flags."""

    address: int
    flags: SymbolFlags
