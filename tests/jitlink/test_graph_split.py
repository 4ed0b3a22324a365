"""LinkGraph.split_block_at against the oracle of repeated split_block calls."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyjitlink.errors import JITLinkError
from pyjitlink.jitlink.graph import Block, LinkGraph, MemProt, Scope


def _graph(size: int, edge_offsets: list[int], symbol_offsets: list[int],
           zero_fill: bool) -> tuple[LinkGraph, Block]:
    graph = LinkGraph("split.o", "x86_64")
    section = graph.create_section(".eh_frame", MemProt.READ)
    graph.create_content_block(section, b"before", address=0x10)
    if zero_fill:
        block = graph.create_zero_fill_block(section, size, 0x100, 8, 4)
    else:
        block = graph.create_content_block(section, bytes(range(size)), 0x100, 8, 4)
    graph.create_content_block(section, b"after", address=0x1000)
    target = graph.add_absolute_symbol("t", 0x5000, scope=Scope.DEFAULT)
    for i, offset in enumerate(edge_offsets):
        block.add_edge(2 + i % 3, offset, target, i)
    for offset in symbol_offsets:
        graph.add_anonymous_symbol(block, offset)
    return graph, block


def _shape(graph: LinkGraph) -> list[tuple]:
    """Everything split changes, by value: blocks in order with their fields, edges and
    the symbols on them."""
    section = graph.sections[".eh_frame"]
    out = []
    for block in section.blocks:
        syms = sorted(s.offset for s in section.symbols if s.block is block)
        out.append((block.size, block.address, block.alignment, block.alignment_offset,
                    None if block.content is None else bytes(block.content),
                    [(e.kind, e.offset, e.addend) for e in block.edges], syms))
    return out


@settings(max_examples=200, deadline=None)
@given(data=st.data(), size=st.integers(2, 80), zero_fill=st.booleans())
def test_split_block_at_equals_repeated_split_block(data: st.DataObject, size: int,
                                                    zero_fill: bool) -> None:
    cuts = sorted(data.draw(st.sets(st.integers(1, size - 1), max_size=10)))
    edges = data.draw(st.lists(st.integers(0, size - 1), max_size=12))
    syms = data.draw(st.lists(st.integers(0, size), max_size=6))
    expected_graph, block = _graph(size, edges, syms, zero_fill)
    previous = 0
    heads = []
    for cut in cuts:
        heads.append(expected_graph.split_block(block, cut - previous))
        previous = cut
    graph, block2 = _graph(size, edges, syms, zero_fill)
    parts = graph.split_block_at(block2, cuts)
    assert parts[-1] is block2 and len(parts) == len(cuts) + 1
    assert _shape(graph) == _shape(expected_graph)


@pytest.mark.parametrize("cuts", [[0], [4], [3, 3], [3, 2], [5, 9]])
def test_split_block_at_refuses_cuts_outside_or_unordered(cuts: list[int]) -> None:
    graph, block = _graph(4, [], [], False)
    with pytest.raises(JITLinkError, match="cannot split block"):
        graph.split_block_at(block, cuts)
    assert block.size == 4 and len(graph.sections[".eh_frame"].blocks) == 3
