"""apply_block_fixups (one loop per block, common kinds inline) against apply_fixup edge by
edge, for both architectures: random blocks of instruction words and data, random edges of
every kind, random targets near and far. apply_fixup itself is checked against the ABI
formulas in test_x86_64_fixups.py and test_aarch64_fixups.py; here the block loop must
write the same bytes, or fail with the same error, on the same input."""

from __future__ import annotations

import struct
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyjitlink.arch import aarch64, x86_64
from pyjitlink.errors import PyJITLinkError
from pyjitlink.jitlink.graph import Block, Linkage, LinkGraph, MemProt, Scope
from pyjitlink.jitlink.linker import apply_fixups

# Instruction words each AArch64 kind patches, and some it refuses (a mismatch to report).
A64_WORDS = [
    0x94000000, 0x14000000,  # BL, B
    0x90000010, 0x90000000,  # ADRP x16, ADRP x0
    0x91000210, 0x11000000,  # ADD x16, x16, #0; ADD w0
    0xF9400210, 0xB9400000, 0x79400000, 0x39400000, 0x3DC00000,  # LDR x, w, h, b, q
    0xD503201F, 0xAA0003E0,  # NOP, MOV: match no class
]
X86_KINDS = [k for k in x86_64.EdgeKind if "Request" not in k.name and "TLS" not in k.name
             and "DTP" not in k.name and "TPOff" not in k.name]
A64_KINDS = [k for k in aarch64.EdgeKind if "Request" not in k.name and "TLS" not in k.name
             and "TPRel" not in k.name and "DTP" not in k.name]

ADDRESSES = st.one_of(st.integers(0, (1 << 64) - 1), st.integers(0x10000, 0x20000),
                      st.integers(0x7FFF_0000, 0x8001_0000))


def _graph(arch: str, words: list[int], edges: list[tuple[int, int, int, int]],
           targets: list[int], place: int) -> tuple[LinkGraph, Block]:
    kind_name = x86_64.edge_kind_name if arch == "x86_64" else aarch64.edge_kind_name
    graph = LinkGraph("block.o", arch, 8, "little", kind_name)
    text = graph.create_section(".text", MemProt.READ | MemProt.EXEC)
    block = graph.create_content_block(text, struct.pack(f"<{len(words)}I", *words),
                                       address=place)
    data = graph.create_section(".data", MemProt.READ | MemProt.WRITE)
    symbols = []
    for i, address in enumerate(targets):
        if i % 2:
            symbols.append(graph.add_absolute_symbol(f"abs{i}", address, scope=Scope.DEFAULT))
        else:
            dblock = graph.create_content_block(data, bytes(16), address=address)
            symbols.append(graph.add_defined_symbol(dblock, i % 16, f"def{i}", 8,
                                                    Linkage.STRONG, Scope.DEFAULT))
    for kind, offset, target, addend in edges:
        block.add_edge(kind, offset, symbols[target % len(symbols)], addend)
    if arch == "x86_64":
        x86_64.got_base(graph)  # made by build_got_and_plt in a link; Delta64FromGOT needs it
    block.mutable_content()
    return graph, block


def _outcome(apply: Callable[[], None], block: Block) -> tuple[str, object]:
    try:
        apply()
    except PyJITLinkError as err:
        return type(err).__name__, str(err)
    return "ok", bytes(block.content)  # type: ignore[arg-type]


# AArch64 kinds the block loop writes itself, with words of their instruction classes.
A64_FAST = {
    aarch64.EdgeKind.Branch26PCRel: [0x94000000, 0x14000000],
    aarch64.EdgeKind.Branch26PCRelToPtrJumpStubBypassable: [0x94000000, 0x14000000],
    aarch64.EdgeKind.Page21: [0x90000010, 0x90000000],
    aarch64.EdgeKind.PageOffset12: [0x91000210, 0x11000000, 0xF9400210, 0xB9400000,
                                    0x79400000, 0x39400000, 0x3DC00000],
}
X86_FAST = [x86_64.EdgeKind.Delta32, x86_64.EdgeKind.BranchPCRel32, x86_64.EdgeKind.Pointer64,
            x86_64.EdgeKind.PCRel32GOTLoadRelaxable,
            x86_64.EdgeKind.BranchPCRel32ToPtrJumpStubBypassable]
# Distances from the block around the limits of a branch, an ADRP, a rel32.
NEAR = st.builds(lambda limit, sign, slack: sign * limit + slack,
                 st.sampled_from([0, 1 << 20, 1 << 27, 1 << 31, 1 << 32]),
                 st.sampled_from([1, -1]), st.integers(-8192, 8192))
ADDENDS = st.one_of(st.integers(-8, 8).map(lambda a: a * 4), st.integers(-(1 << 63),
                                                                          (1 << 63) - 1))


@pytest.mark.parametrize("arch", ["x86_64", "aarch64"])
@settings(max_examples=400, deadline=None)
@given(data=st.data(), place=ADDRESSES, targets=st.lists(ADDRESSES, min_size=1, max_size=2),
       near=st.lists(NEAR, max_size=3), mostly_fast=st.booleans())
def test_block_loop_writes_what_apply_fixup_writes(arch: str, data: st.DataObject,
                                                   place: int, targets: list[int],
                                                   near: list[int], mostly_fast: bool) -> None:
    """Each edge gets its own word (AArch64: usually one its kind patches); the edges are
    usually of the kinds the loop writes itself, sometimes of any kind (then the errors, and
    the kinds left to apply_fixup, must come out the same too)."""
    place &= ~3
    count = data.draw(st.integers(1, 6))
    edges = []
    words = []
    for i in range(count):
        if arch == "aarch64":
            fast = mostly_fast or data.draw(st.booleans())
            kind = data.draw(st.sampled_from(list(A64_FAST) if fast else A64_KINDS))
            choices = A64_FAST.get(kind, A64_WORDS)
            words.append(data.draw(st.sampled_from(choices if data.draw(st.integers(0, 9))
                                                   else A64_WORDS)))
            offset = 4 * i
        else:
            kind = data.draw(st.sampled_from(X86_FAST if mostly_fast else X86_KINDS))
            words += data.draw(st.lists(st.integers(0, (1 << 32) - 1), min_size=3,
                                        max_size=3))
            offset = 12 * i + data.draw(st.integers(0, 4))
        edges.append((kind, offset, data.draw(st.integers(0, 6)), data.draw(ADDENDS)))
    place = min(place, (1 << 64) - 4 * len(words))
    # Targets at the edges of the fields' ranges from the block.
    targets = targets + [(place + delta) % (1 << 64) for delta in near]
    module = aarch64 if arch == "aarch64" else x86_64
    graph, block = _graph(arch, words, edges, targets, place)
    graph2, block2 = _graph(arch, words, edges, targets, place)
    # The per-edge path (apply_fixups without a block loop) is the oracle.
    expected = _outcome(lambda: apply_fixups(graph, module.apply_fixup), block)
    got = _outcome(lambda: apply_fixups(graph2, module.apply_fixup,
                                        module.apply_block_fixups), block2)
    assert got == expected


def _one_edge(arch: str, kind: int, word: int, delta: int,
              place: int = 0x4000_0000_0000) -> tuple[str, object, str, object]:
    """(outcome per edge, outcome through the block loop) of one edge at ``place`` to a
    target ``delta`` bytes away."""
    module = aarch64 if arch == "aarch64" else x86_64
    outcomes = []
    for block_fixup in (None, module.apply_block_fixups):
        graph, block = _graph(arch, [word, 0, 0], [(kind, 0, 0, 0)], [place + delta], place)
        outcomes.append(_outcome(
            lambda g=graph, f=block_fixup: apply_fixups(g, module.apply_fixup, f), block))
    return (*outcomes[0], *outcomes[1])


def _around(*limits: int) -> list[int]:
    return sorted({limit + d for limit in limits for d in (-4096, -8, -4, -1, 0, 1, 4)})


A = aarch64.EdgeKind
X = x86_64.EdgeKind


@pytest.mark.parametrize("arch,kind,word,delta", [
    *[("aarch64", A.Branch26PCRel, 0x94000000, d) for d in _around(-(1 << 27), 1 << 27)],
    *[("aarch64", A.Page21, 0x90000010, d) for d in _around(-(1 << 32), 1 << 32)],
    *[("aarch64", A.PageOffset12, w, d) for w in (0xF9400210, 0x3DC00000, 0x79400000)
      for d in (1, 2, 8, 16, 0xFF0)],
    *[("x86_64", k, 0, d) for k in (X.Delta32, X.BranchPCRel32)
      for d in _around(-(1 << 31), 1 << 31)],
], ids=str)
def test_block_loop_at_field_limits(arch: str, kind: int, word: int, delta: int) -> None:
    """At the limits of each field the loop writes itself: the same bytes, or the same
    FixupOutOfRange, as apply_fixup."""
    per_edge_status, per_edge, loop_status, loop = _one_edge(arch, kind, word, delta)
    assert (loop_status, loop) == (per_edge_status, per_edge)
