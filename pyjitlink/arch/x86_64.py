"""x86-64 edge kinds, their fixups, GOT and PLT managers, and GOT/stub relaxation.

Semantics follow the System V x86-64 psABI (relocation formulas) and LLVM's
llvm/ExecutionEngine/JITLink/x86_64.h (edge kind names and their formulas). S is the target
symbol's address, A the signed addend, P the fixup's address, GOT the graph's GOT base.
"""

from __future__ import annotations

import struct
from enum import IntEnum
from typing import cast

from pyjitlink.errors import FixupOutOfRange, InstructionMismatch
from pyjitlink.jitlink.graph import (
    FIRST_RELOCATION,
    Block,
    Edge,
    GenericEdgeKind,
    Linkage,
    LinkGraph,
    MemProt,
    Scope,
    Section,
    Symbol,
    SymbolKind,
    make_target_out_of_range_error,
)
from pyjitlink.jitlink.tables import TableManager
from pyjitlink.jitlink.tls import TLSValue, tls_value

GOT_SECTION = "$__GOT"
PLT_SECTION = "$__STUBS"
GOT_BASE_NAME = "_GLOBAL_OFFSET_TABLE_"

U64 = (1 << 64) - 1


class EdgeKind(IntEnum):
    """x86-64 edge kinds; each member's docstring-like comment gives its fixup expression."""

    Pointer64 = FIRST_RELOCATION  # S + A : 64 bits
    Pointer32 = FIRST_RELOCATION + 1  # S + A : uint32
    Pointer32Signed = FIRST_RELOCATION + 2  # S + A : int32
    Pointer16 = FIRST_RELOCATION + 3  # S + A : int16 or uint16
    Pointer8 = FIRST_RELOCATION + 4  # S + A : int8 or uint8
    Delta64 = FIRST_RELOCATION + 5  # S + A - P : 64 bits
    Delta32 = FIRST_RELOCATION + 6  # S + A - P : int32
    Delta16 = FIRST_RELOCATION + 7  # S + A - P : int16
    Delta8 = FIRST_RELOCATION + 8  # S + A - P : int8
    NegDelta64 = FIRST_RELOCATION + 9  # P - S + A : 64 bits
    NegDelta32 = FIRST_RELOCATION + 10  # P - S + A : int32
    Delta64FromGOT = FIRST_RELOCATION + 11  # S + A - GOT : 64 bits
    BranchPCRel32 = FIRST_RELOCATION + 12  # S + A - (P + 4) : int32
    BranchPCRel32ToPtrJumpStub = FIRST_RELOCATION + 13  # as BranchPCRel32; S is a stub
    BranchPCRel32ToPtrJumpStubBypassable = FIRST_RELOCATION + 14  # stub may be bypassed
    RequestGOTAndTransformToDelta32 = FIRST_RELOCATION + 15  # becomes Delta32 to a GOT entry
    RequestGOTAndTransformToDelta64 = FIRST_RELOCATION + 16  # becomes Delta64 to a GOT entry
    RequestGOTAndTransformToDelta64FromGOT = FIRST_RELOCATION + 17  # Delta64FromGOT to entry
    RequestGOTAndTransformToPCRel32GOTLoadRelaxable = FIRST_RELOCATION + 18
    RequestGOTAndTransformToPCRel32GOTLoadREXRelaxable = FIRST_RELOCATION + 19
    PCRel32GOTLoadRelaxable = FIRST_RELOCATION + 20  # S + A - (P + 4) : int32, S a GOT entry
    PCRel32GOTLoadREXRelaxable = FIRST_RELOCATION + 21  # same, instruction has a REX prefix
    Size64 = FIRST_RELOCATION + 22  # Z + A (Z = target symbol size) : 64 bits
    Size32 = FIRST_RELOCATION + 23  # Z + A : uint32
    # Thread-local storage (x86-64 psABI 4.4 and "ELF Handling For Thread-Local Storage"
    # (Drepper) 4.3 and 5.5; TLSDESC: "RFC: TLS descriptors for x86", Oliva). S is the
    # address of the variable's initialisation image, as every symbol has; the platform's
    # TLSResolver (pyjitlink.jitlink.tls) turns it into the per-thread quantities:
    # M(S) its TLS module's id, DTPOFF(S) = S - (start of the module's image) its offset in
    # the module's block, TP the thread pointer (%fs base; variant II: blocks lie below it).
    DTPOff32 = FIRST_RELOCATION + 24  # DTPOFF(S) + A : int32 (R_X86_64_DTPOFF32)
    DTPOff64 = FIRST_RELOCATION + 25  # DTPOFF(S) + A : 64 bits (R_X86_64_DTPOFF64)
    DTPMod64 = FIRST_RELOCATION + 26  # M(S) : 64 bits (R_X86_64_DTPMOD64)
    TPOff32 = FIRST_RELOCATION + 27  # S + A - TP : int32 (R_X86_64_TPOFF32, local exec)
    TPOff64 = FIRST_RELOCATION + 28  # S + A - TP : 64 bits (R_X86_64_TPOFF64)
    # R_X86_64_TLSGD: GOT + A - P, GOT a 16-byte tls_index {M(S), DTPOFF(S)} (general dynamic)
    RequestTLSGDAndTransformToDelta32 = FIRST_RELOCATION + 29
    # R_X86_64_TLSLD: GOT + A - P, GOT a tls_index {M(S), 0} (local dynamic)
    RequestTLSLDAndTransformToDelta32 = FIRST_RELOCATION + 30
    # R_X86_64_GOTTPOFF: GOT + A - P, GOT an 8-byte entry holding S - TP (initial exec)
    RequestGOTTPOffAndTransformToDelta32 = FIRST_RELOCATION + 31
    # R_X86_64_GOTPC32_TLSDESC: GOT + A - P, GOT a TLS descriptor {resolver, argument}
    # followed by a tls_index {M(S), DTPOFF(S)} (the dynamic resolver's argument points at it)
    RequestTLSDescAndTransformToDelta32 = FIRST_RELOCATION + 32
    TLSDescCall = FIRST_RELOCATION + 33  # R_X86_64_TLSDESC_CALL: marks the call, writes nothing
    TLSDescFunction64 = FIRST_RELOCATION + 34  # a descriptor's resolver address : 64 bits
    # The resolver's argument : 64 bits: S + A - TP for the static resolver, else P + 8
    TLSDescArgument64 = FIRST_RELOCATION + 35


def edge_kind_name(kind: int) -> str:
    try:
        return EdgeKind(kind).name
    except ValueError:
        return f"EdgeKind({kind})"


# Edges whose target must lie within 2 GiB of the fixup (PC-relative, 32-bit) or below 4 GiB
# (32-bit absolute): the kinds a far external target breaks.
NEAR_TARGET_KINDS = frozenset({
    EdgeKind.Pointer32, EdgeKind.Pointer32Signed, EdgeKind.Delta32, EdgeKind.BranchPCRel32,
    EdgeKind.PCRel32GOTLoadRelaxable, EdgeKind.PCRel32GOTLoadREXRelaxable,
})


def _out_of_range(graph: LinkGraph, block: Block, edge: Edge, value: int) -> FixupOutOfRange:
    return make_target_out_of_range_error(graph, block, edge, value)


_K = EdgeKind
_BRANCH_KINDS = frozenset({_K.BranchPCRel32, _K.BranchPCRel32ToPtrJumpStub,
                           _K.BranchPCRel32ToPtrJumpStubBypassable,
                           _K.PCRel32GOTLoadRelaxable, _K.PCRel32GOTLoadREXRelaxable})
_DELTA32, _POINTER64, _DELTA64 = int(_K.Delta32), int(_K.Pointer64), int(_K.Delta64)
_BRANCH = int(_K.BranchPCRel32)
_KEEP_ALIVE = int(GenericEdgeKind.KeepAlive)
_DEFINED, _STRONG, _LOCAL = SymbolKind.DEFINED, Linkage.STRONG, Scope.LOCAL
_pack_i32 = struct.Struct("<i").pack_into


def _s64(value: int) -> int:
    """``value`` modulo 2**64, read as a signed 64-bit number: addresses and addends are
    64-bit quantities, so 0xffffffff80001000 is -0x7ffff000 for a sign-extended field."""
    return ((value + (1 << 63)) & U64) - (1 << 63)
_pack_u64 = struct.Struct("<Q").pack_into


def apply_fixup(graph: LinkGraph, block: Block, edge: Edge) -> None:
    """Write ``edge``'s value into ``block``'s working memory.

    Raises FixupOutOfRange when the value does not fit the field (it never writes a truncated
    value); formulas per the x86-64 psABI table 4.10 as expressed by LLVM's x86_64.h kinds.
    The most frequent kinds are tested first.
    """
    kind = edge.kind
    content = block.content
    assert content is not None
    off = edge.offset
    p = block.address + off
    s = edge.target.address
    a = edge.addend
    if kind == _DELTA32:
        value = s + a - p
        if not -0x80000000 <= value <= 0x7FFFFFFF:
            value = _s64(value)
            if not -0x80000000 <= value <= 0x7FFFFFFF:
                raise _out_of_range(graph, block, edge, value)
        _pack_i32(content, off, value)
    elif kind in _BRANCH_KINDS:
        value = s + a - (p + 4)
        if not -0x80000000 <= value <= 0x7FFFFFFF:
            value = _s64(value)
            if not -0x80000000 <= value <= 0x7FFFFFFF:
                raise _out_of_range(graph, block, edge, value)
        _pack_i32(content, off, value)
    elif kind == _POINTER64:
        _pack_u64(content, off, (s + a) & U64)
    elif kind == _DELTA64:
        _pack_u64(content, off, (s + a - p) & U64)
    elif kind == _K.Pointer32:
        value = s + a
        if not 0 <= value <= 0xFFFFFFFF:
            raise _out_of_range(graph, block, edge, value)
        struct.pack_into("<I", content, off, value)
    elif kind == _K.Pointer32Signed:
        value = s + a
        if not -0x80000000 <= value <= 0x7FFFFFFF:
            value = _s64(value)
            if not -0x80000000 <= value <= 0x7FFFFFFF:
                raise _out_of_range(graph, block, edge, value)
        _pack_i32(content, off, value)
    elif kind == _K.Delta64FromGOT:
        _pack_u64(content, off, (s + a - got_base(graph).address) & U64)
    elif kind == _K.Delta16:
        value = s + a - p
        if not -0x8000 <= value <= 0x7FFF:
            value = _s64(value)
            if not -0x8000 <= value <= 0x7FFF:
                raise _out_of_range(graph, block, edge, value)
        struct.pack_into("<h", content, off, value)
    elif kind == _K.Delta8:
        value = s + a - p
        if not -0x80 <= value <= 0x7F:
            value = _s64(value)
            if not -0x80 <= value <= 0x7F:
                raise _out_of_range(graph, block, edge, value)
        struct.pack_into("<b", content, off, value)
    elif kind == _K.Pointer16:
        value = s + a
        if not -0x8000 <= value <= 0xFFFF:
            value = _s64(value)
            if not -0x8000 <= value <= 0xFFFF:
                raise _out_of_range(graph, block, edge, value)
        struct.pack_into("<H", content, off, value & 0xFFFF)
    elif kind == _K.Pointer8:
        value = s + a
        if not -0x80 <= value <= 0xFF:
            value = _s64(value)
            if not -0x80 <= value <= 0xFF:
                raise _out_of_range(graph, block, edge, value)
        struct.pack_into("<B", content, off, value & 0xFF)
    elif kind == _K.NegDelta64:
        _pack_u64(content, off, (p - s + a) & U64)
    elif kind == _K.NegDelta32:
        value = p - s + a
        if not -0x80000000 <= value <= 0x7FFFFFFF:
            value = _s64(value)
            if not -0x80000000 <= value <= 0x7FFFFFFF:
                raise _out_of_range(graph, block, edge, value)
        _pack_i32(content, off, value)
    elif kind == _K.Size64:
        _pack_u64(content, off, (edge.target.size + a) & U64)
    elif kind == _K.Size32:
        value = edge.target.size + a
        if not 0 <= value <= 0xFFFFFFFF:
            raise _out_of_range(graph, block, edge, value)
        struct.pack_into("<I", content, off, value)
    elif kind in _TLS_VALUE_KINDS:
        _apply_tls_fixup(graph, block, edge)
    else:
        raise InstructionMismatch(
            f"edge kind {edge_kind_name(kind)} at {block.section.name}+{edge.offset:#x} was "
            f"not lowered before fixup", graph.name)


# Kinds whose field is S + A - P - bias : int32, and their bias: the commonest edges, which
# apply_block_fixups writes without a call per edge.
_PCREL32_BIAS: dict[int, int] = {_DELTA32: 0, **{int(k): 4 for k in _BRANCH_KINDS}}


def apply_block_fixups(graph: LinkGraph, block: Block) -> None:
    """Write every edge of ``block``, as apply_fixup would edge by edge.

    The PC-relative 32-bit kinds and Pointer64 (almost every edge of compiled code) are
    computed here in one loop; other kinds, and values out of range (for the error), go
    through apply_fixup. struct.error, as apply_fixup, for a field past the block's end.
    """
    content = block.content
    assert content is not None
    base = block.address
    pcrel = _PCREL32_BIAS.get
    pack_i32 = _pack_i32
    for edge in block.edges:
        kind = edge.kind
        bias = pcrel(kind)
        if bias is not None:
            target = edge.target
            tblock = target.block
            s = target.absolute_address if tblock is None else tblock.address + target.offset
            off = edge.offset
            value = s + edge.addend - base - off - bias
            if -0x80000000 <= value <= 0x7FFFFFFF:
                pack_i32(content, off, value)
                continue
        elif kind == _POINTER64:
            target = edge.target
            tblock = target.block
            s = target.absolute_address if tblock is None else tblock.address + target.offset
            _pack_u64(content, edge.offset, (s + edge.addend) & U64)
            continue
        if kind > _KEEP_ALIVE:
            apply_fixup(graph, block, edge)


_TLS_VALUE_KINDS = frozenset({_K.DTPOff32, _K.DTPOff64, _K.DTPMod64, _K.TPOff32, _K.TPOff64,
                              _K.TLSDescCall, _K.TLSDescFunction64, _K.TLSDescArgument64})


# The TLS kinds' values: what the platform's resolver says (pyjitlink.jitlink.tls).
_TLS_VALUES: dict[int, TLSValue] = {
    _K.DTPOff32: TLSValue.DTP_OFFSET, _K.DTPOff64: TLSValue.DTP_OFFSET,
    _K.DTPMod64: TLSValue.MODULE_ID, _K.TPOff32: TLSValue.TP_OFFSET,
    _K.TPOff64: TLSValue.TP_OFFSET, _K.TLSDescFunction64: TLSValue.DESCRIPTOR_FUNCTION,
    _K.TLSDescArgument64: TLSValue.DESCRIPTOR_ARGUMENT}


def _apply_tls_fixup(graph: LinkGraph, block: Block, edge: Edge) -> None:
    """The TLS kinds' fixups: the per-thread quantities come from the platform's resolver."""
    kind = edge.kind
    if kind == _K.TLSDescCall:
        return
    content = block.content
    assert content is not None
    target = edge.target
    value = tls_value(graph, _TLS_VALUES[kind], target.address, edge.addend,
                      target.name or "<anonymous>", block.address + edge.offset)
    if kind in (_K.DTPOff32, _K.TPOff32):
        if not _is_int32(value):
            raise _out_of_range(graph, block, edge, value)
        _pack_i32(content, edge.offset, value)
    else:
        _pack_u64(content, edge.offset, value & U64)


# ---------------------------------------------------------------------------- GOT and PLT

NULL_POINTER = bytes(8)
# jmp *disp32(%rip): the PLT stub of JITLink's x86_64::createPointerJumpStubBlock.
POINTER_JUMP_STUB = bytes([0xFF, 0x25, 0, 0, 0, 0])


def got_base(graph: LinkGraph) -> Symbol:
    """The graph's GOT base symbol (``_GLOBAL_OFFSET_TABLE_``), made on first use.

    It sits at the start of the graph's GOT section, as ld places it for x86-64 (psABI 4.4.2
    leaves its position to the linker; code only ever uses differences from it).
    """
    cached = graph.target_data.get(GOT_BASE_NAME)
    if isinstance(cached, Symbol):
        return cached
    section = graph.sections.get(GOT_SECTION)
    if section is None:
        section = graph.create_section(GOT_SECTION, MemProt.READ)
    if section.blocks:
        first = min(section.blocks, key=lambda b: b.address)
    else:
        first = graph.create_content_block(section, b"", alignment=8)
    base = graph.add_defined_symbol(first, 0, GOT_BASE_NAME, 0, Linkage.STRONG, Scope.LOCAL,
                                    live=True)
    graph.target_data[GOT_BASE_NAME] = base
    return base


class GOTTableManager(TableManager):
    """Makes a pointer-sized GOT entry (a Pointer64 edge to the target) per target."""

    section_name = GOT_SECTION

    def __init__(self) -> None:
        super().__init__()
        self.section: Section | None = None

    def create_entry(self, graph: LinkGraph, target: Symbol) -> Symbol:
        # One entry per GOT-using target of every graph: the block, edge and symbol are made
        # directly (what create_content_block, add_edge and add_anonymous_symbol do).
        section = self.section
        if section is None:
            section = self.section = graph.get_or_create_section(GOT_SECTION, MemProt.READ)
        # Entries get increasing pseudo-addresses so layout keeps creation order.
        block = Block(section, 8, 8, 0, NULL_POINTER, 8 * (len(section.blocks) + 1),
                      [Edge(_POINTER64, 0, target, 0)])
        section.blocks.append(block)
        entry = Symbol(None, _DEFINED, block, 0, 8, _STRONG, _LOCAL)
        section.symbols.append(entry)
        return entry


class PLTTableManager(TableManager):
    """Makes a ``jmp *GOT(%rip)`` stub per external call target; the call may bypass it later."""

    section_name = PLT_SECTION

    def __init__(self, got: GOTTableManager) -> None:
        super().__init__()
        self.got = got
        self.section: Section | None = None

    def create_entry(self, graph: LinkGraph, target: Symbol) -> Symbol:
        section = self.section
        if section is None:
            section = self.section = graph.get_or_create_section(
                PLT_SECTION, MemProt.READ | MemProt.EXEC)
        block = Block(section, 6, 1, 0, POINTER_JUMP_STUB, 6 * (len(section.blocks) + 1),
                      [Edge(_BRANCH, 2, self.got.get_entry_for_target(graph, target), 0)])
        section.blocks.append(block)
        stub = Symbol(None, _DEFINED, block, 0, 6, _STRONG, _LOCAL, True)
        section.symbols.append(stub)
        return stub


class TLSTableManager(TableManager):
    """Makes the GOT entries thread-local accesses load from, one per target and kind of
    access: a tls_index {M(S), DTPOFF(S)} for general dynamic, {M(S), 0} for local dynamic,
    S - TP for initial exec, a descriptor {resolver, argument} for TLSDESC. They live in the
    GOT section, so ``got_addr(file, sym)`` finds them."""

    section_name = GOT_SECTION

    def __init__(self, words: tuple[tuple[int, int], ...]) -> None:
        super().__init__()
        self.words = words  # (edge kind, addend) per 8-byte word of an entry

    def create_entry(self, graph: LinkGraph, target: Symbol) -> Symbol:
        section = graph.sections.get(GOT_SECTION) or graph.create_section(GOT_SECTION,
                                                                          MemProt.READ)
        size = 8 * len(self.words)
        block = graph.create_content_block(section, bytes(size), alignment=8,
                                           address=8 * (len(section.blocks) + 1))
        for index, (kind, addend) in enumerate(self.words):
            if kind:
                block.add_edge(kind, 8 * index, target, addend)
        return graph.add_anonymous_symbol(block, 0, size)


def _tls_managers() -> dict[int, TLSTableManager]:
    """GOT-requesting TLS kind -> the table of its entries (fresh tables for one graph)."""
    return {
        EdgeKind.RequestTLSGDAndTransformToDelta32: TLSTableManager(
            ((EdgeKind.DTPMod64, 0), (EdgeKind.DTPOff64, 0))),
        # {M(S), 0}: the code adds each variable's DTPOFF32 to what __tls_get_addr returns.
        EdgeKind.RequestTLSLDAndTransformToDelta32: TLSTableManager(
            ((EdgeKind.DTPMod64, 0), (0, 0))),
        EdgeKind.RequestGOTTPOffAndTransformToDelta32: TLSTableManager(
            ((EdgeKind.TPOff64, 0),)),
        # {resolver, argument} then the tls_index a dynamic resolver's argument points at.
        EdgeKind.RequestTLSDescAndTransformToDelta32: TLSTableManager(
            ((EdgeKind.TLSDescFunction64, 0), (EdgeKind.TLSDescArgument64, 0),
             (EdgeKind.DTPMod64, 0), (EdgeKind.DTPOff64, 0))),
    }


# What build_got_and_plt turns each GOT-requesting kind into (it retargets the edge at the
# target's GOT entry).
_GOT_TRANSFORMS: dict[int, int] = {
    EdgeKind.RequestGOTAndTransformToDelta32: EdgeKind.Delta32,
    EdgeKind.RequestGOTAndTransformToDelta64: EdgeKind.Delta64,
    EdgeKind.RequestGOTAndTransformToDelta64FromGOT: EdgeKind.Delta64FromGOT,
    EdgeKind.RequestGOTAndTransformToPCRel32GOTLoadRelaxable: EdgeKind.PCRel32GOTLoadRelaxable,
    EdgeKind.RequestGOTAndTransformToPCRel32GOTLoadREXRelaxable:
        EdgeKind.PCRel32GOTLoadREXRelaxable,
}


def build_got_and_plt(graph: LinkGraph) -> None:
    """Post-prune pass: give GOT-requesting edges entries and external calls stubs.

    GOT-requesting kinds become their lowered kind aimed at the target's GOT entry; a call to
    a symbol this graph does not define goes to a stub (bypassed later if the target is
    near); calls within the graph stay direct. One loop over the edges: this pass sees every
    edge of every graph, so it is kept tight.
    """
    got = GOTTableManager()
    plt = PLTTableManager(got)
    transforms = _GOT_TRANSFORMS
    branch = EdgeKind.BranchPCRel32
    from_got = EdgeKind.Delta64FromGOT
    defined = SymbolKind.DEFINED
    uses_got_base = GOT_BASE_NAME in graph.external_symbols
    tls_first = EdgeKind.RequestTLSGDAndTransformToDelta32
    tls_last = EdgeKind.RequestTLSDescAndTransformToDelta32
    tls: dict[int, TLSTableManager] | None = None
    # The edges optimize_got_and_stub_accesses may relax, so that it need not visit the rest.
    candidates: list[tuple[Block, Edge]] = []
    relaxable = _RELAXABLE
    bypassable = EdgeKind.BranchPCRel32ToPtrJumpStubBypassable
    got_entry = got.get_entry_for_target
    plt_entry = plt.get_entry_for_target
    for section in list(graph.sections.values()):
        for block in section.blocks:
            for edge in block.edges:
                kind = edge.kind
                new_kind = transforms.get(kind)
                if new_kind is not None:
                    edge.kind = new_kind
                    edge.target = got_entry(graph, edge.target)
                    if new_kind in relaxable:
                        candidates.append((block, edge))
                    uses_got_base = uses_got_base or new_kind == from_got
                elif kind == branch:
                    if edge.target.kind is not defined:
                        edge.kind = bypassable
                        edge.target = plt_entry(graph, edge.target)
                        candidates.append((block, edge))
                elif kind == from_got:
                    uses_got_base = True
                elif tls_first <= kind <= tls_last:
                    if tls is None:
                        tls = _tls_managers()
                    edge.target = tls[kind].get_entry_for_target(graph, edge.target)
                    edge.kind = EdgeKind.Delta32
    if uses_got_base:
        base = got_base(graph)
        ext = graph.external_symbols.pop(GOT_BASE_NAME, None)
        if ext is not None:
            for b in graph.blocks():
                for e in b.edges:
                    if e.target is ext:
                        e.target = base
    graph.target_data[RELAXATION_CANDIDATES] = candidates


_RELAXABLE = frozenset({EdgeKind.PCRel32GOTLoadRelaxable, EdgeKind.PCRel32GOTLoadREXRelaxable})
# graph.target_data key: the (block, edge) pairs build_got_and_plt made relaxable or
# bypassable, in graph order; optimize_got_and_stub_accesses visits only those.
RELAXATION_CANDIDATES = "x86_64.relaxation_candidates"


def _is_int32(value: int) -> bool:
    return -0x80000000 <= value <= 0x7FFFFFFF


def _got_entry_target(entry: Symbol) -> Symbol | None:
    block = entry.block
    if block is None or not block.edges:
        return None
    return block.edges[0].target


def optimize_got_and_stub_accesses(graph: LinkGraph) -> None:
    """Pre-fixup pass: relax GOT loads and stub calls whose final target is in range.

    As lld and JITLink do (x86-64 psABI B.2, "Optimize GOTPCRELX Relocations"):
    ``mov foo@GOTPCREL(%rip), %reg`` -> ``lea foo(%rip), %reg``;
    ``call *foo@GOTPCREL(%rip)`` -> ``addr32 call foo``; ``jmp *foo@GOTPCREL(%rip)`` ->
    ``jmp foo; nop``; a call through a PLT stub -> a direct call. Relaxation applies only when
    the target is within +-2 GiB of the instruction; otherwise the GOT or stub stays.
    """
    relaxable = _RELAXABLE
    bypassable = EdgeKind.BranchPCRel32ToPtrJumpStubBypassable
    candidates = cast("list[tuple[Block, Edge]] | None",
                      graph.target_data.pop(RELAXATION_CANDIDATES, None))
    if candidates is None:  # a graph build_got_and_plt did not see: every edge
        candidates = [(block, edge) for block in graph.blocks() for edge in block.edges]
    for block, edge in candidates:
        kind = edge.kind
        if kind != bypassable and kind not in relaxable:
            continue
        content = block.content
        if kind in relaxable:
            target = _got_entry_target(edge.target)
            off = edge.offset
            if target is None or off < 2 or content is None or edge.addend != 0:
                continue
            if target.is_external and target.address == 0:
                continue  # unresolved weak reference: keep the null GOT entry
            p = block.address + off
            if not _is_int32(target.address - (p + 4)):
                continue
            op, modrm = content[off - 2], content[off - 1]
            if op == 0x8B:  # mov disp(%rip), %reg -> lea disp(%rip), %reg
                block.mutable_content()[off - 2] = 0x8D
                edge.kind = EdgeKind.Delta32
                edge.target = target
                edge.addend = -4
            elif op == 0xFF and modrm == 0x15 and kind == EdgeKind.PCRel32GOTLoadRelaxable:
                buf = block.mutable_content()  # call *disp(%rip) -> addr32 call rel32
                buf[off - 2] = 0x67
                buf[off - 1] = 0xE8
                edge.kind = EdgeKind.BranchPCRel32
                edge.target = target
            elif (op == 0xFF and modrm == 0x25 and kind == EdgeKind.PCRel32GOTLoadRelaxable
                  and _is_int32(target.address - (p + 3))):
                # The relaxed jmp rel32 ends one byte earlier (at P + 3): check that range.
                buf = block.mutable_content()  # jmp *disp(%rip) -> jmp rel32; nop
                buf[off - 2] = 0xE9
                buf[off - 1:off + 3] = bytes(content[off:off + 4])
                buf[off + 3] = 0x90
                edge.offset = off - 1
                edge.kind = EdgeKind.BranchPCRel32
                edge.target = target
        elif kind == EdgeKind.BranchPCRel32ToPtrJumpStubBypassable:
            stub_block = edge.target.block
            if stub_block is None or not stub_block.edges:
                continue
            target = _got_entry_target(stub_block.edges[0].target)
            if target is None or (target.is_external and target.address == 0):
                continue
            p = block.address + edge.offset
            if _is_int32(target.address + edge.addend - (p + 4)):
                edge.kind = EdgeKind.BranchPCRel32
                edge.target = target
