"""A linked graph is released once it is emitted (LinkGraph.release, as LLVM frees the
LinkGraph after its link): its blocks, symbols and edges are freed by reference counting
alone, without the cyclic collector, unless the layer is told to keep graphs."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

import pyjitlink
from pyjitlink.jitlink.graph import Block, Edge, LinkGraph

CALC = Path(__file__).resolve().parents[2] / "testdata" / "calc" / "O2-pie"


def _live(kind: type) -> int:
    return sum(1 for o in gc.get_objects() if type(o) is kind)


@pytest.mark.parametrize("keep", [False, True])
def test_linked_graphs_are_freed_without_the_collector(keep: bool) -> None:
    gc.collect()
    blocks_before, edges_before = _live(Block), _live(Edge)
    session = pyjitlink.Session(noexec=True)
    session.layer.keep_graphs = keep
    linked: list[LinkGraph] = []
    session.layer.on_graph_linking.append(lambda jd, graph: linked.append(graph))
    gc.disable()
    try:
        for path in sorted(CALC.glob("*.o")):
            session.add_object(session.main_jd, path.read_bytes(), str(path))
        assert _live(Block) > blocks_before  # the graphs are built when added
        address = session.lookup("main")
        assert address != 0
        assert len(linked) == len(list(CALC.glob("*.o")))
        if keep:
            assert all(graph.sections for graph in linked)
            assert _live(Edge) > edges_before
        else:
            for graph in linked:
                assert not graph.sections and not graph.external_symbols
                assert not graph.absolute_symbols and not list(graph.blocks())
            linked.clear()
            # Nothing of the link is left for the collector to find: every block and edge
            # made for it went with its last reference.
            assert _live(Block) == blocks_before
            assert _live(Edge) == edges_before
        # The session still answers for what was linked.
        assert session.lookup("main") == address
    finally:
        gc.enable()
        session.es.end_session()
