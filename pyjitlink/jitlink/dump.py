"""Human-readable dumps of a LinkGraph: LLVM's LinkGraph::dump text, and Graphviz DOT."""

from __future__ import annotations

from typing import TextIO

from pyjitlink.jitlink.graph import Block, Edge, LinkGraph, Linkage, Scope, Symbol


def _x8(value: int) -> str:
    return f"0x{value:08x}"


def _symbol_line(sym: Symbol) -> str:
    block = sym.block
    assert block is not None
    linkage = "weak" if sym.linkage is Linkage.WEAK else "strong"
    scope = {Scope.DEFAULT: "default", Scope.HIDDEN: "hidden", Scope.LOCAL: "local"}[sym.scope]
    return (f"      {sym.address:#x} (block + {_x8(sym.offset)}): size: {_x8(sym.size)}, "
            f"linkage: {linkage}, scope: {scope}, {'live' if sym.live else 'dead'}  -   "
            f"{sym.name if sym.name else '<anonymous symbol>'}")


def _edge_target(edge: Edge) -> str:
    target = edge.target
    if target.name:
        return target.name
    if target.block is not None:
        return f"addressable@{target.block.address:#018x}+{_x8(target.offset)}"
    return f"addressable@{target.address:#018x}"


def _edge_line(graph: LinkGraph, block: Block, edge: Edge) -> str:
    sign = "-" if edge.addend < 0 else "+"
    return (f"      {block.address + edge.offset:#x} (block + {_x8(edge.offset)}), addend = "
            f"{sign}{_x8(abs(edge.addend))}, kind = {graph.edge_kind_name(edge.kind)}, "
            f"target = {_edge_target(edge)}")


def dump_graph(graph: LinkGraph, out: TextIO) -> None:
    """Write ``graph`` in the layout of LLVM's ``LinkGraph::dump`` (sections by name, blocks
    by address; each block's symbols and edges), then its absolute and external symbols."""
    for section in sorted(graph.sections.values(), key=lambda s: s.name):
        out.write(f"section {section.name}:\n\n")
        symbols_by_block: dict[int, list[Symbol]] = {}
        for sym in section.symbols:
            if sym.block is not None:
                symbols_by_block.setdefault(id(sym.block), []).append(sym)
        for block in sorted(section.blocks, key=lambda b: b.address):
            zero = ", zero-fill" if block.content is None else ""
            out.write(f"  block {block.address:#x} size = {_x8(block.size)}, align = "
                      f"{block.alignment}, alignment-offset = {block.alignment_offset}{zero}\n")
            symbols = sorted(symbols_by_block.get(id(block), []), key=lambda s: s.offset)
            if symbols:
                out.write("    symbols:\n")
                out.writelines(_symbol_line(s) + "\n" for s in symbols)
            else:
                out.write("    no symbols\n")
            if block.edges:
                out.write("    edges:\n")
                out.writelines(_edge_line(graph, block, e) + "\n"
                               for e in sorted(block.edges, key=lambda e: e.offset))
            else:
                out.write("    no edges\n")
            out.write("\n")
    out.write("Absolute symbols:\n")
    if graph.absolute_symbols:
        for sym in graph.absolute_symbols:
            out.write(f"  {sym.address:#018x}: {sym.name or '<anonymous symbol>'}\n")
    else:
        out.write("  none\n")
    out.write("\nExternal symbols:\n")
    if graph.external_symbols:
        for name, sym in sorted(graph.external_symbols.items()):
            weak = " (weak)" if sym.weakly_referenced else ""
            out.write(f"  {sym.address:#018x}: {name}{weak}\n")
    else:
        out.write("  none\n")


def _dot_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def dump_graph_dot(graph: LinkGraph, out: TextIO) -> None:
    """Write ``graph`` as a Graphviz digraph: one cluster per section, one node per block
    (labelled with address, size and symbols), one node per external or absolute symbol,
    and one arrow per edge labelled with its kind and addend."""
    ids: dict[int, str] = {}

    def node_of(sym: Symbol) -> str:
        if sym.block is not None:
            return ids[id(sym.block)]
        key = f"ext_{len(ids)}"
        return ids.setdefault(id(sym), key)

    out.write(f"digraph {_dot_quote(graph.name)} {{\n  rankdir=LR;\n  node [shape=record, "
              f"fontname=monospace, fontsize=10];\n")
    for n, section in enumerate(sorted(graph.sections.values(), key=lambda s: s.name)):
        title = _dot_quote(f"{section.name} ({section.prot})")
        out.write(f"  subgraph cluster_{n} {{\n    label={title};\n")
        names: dict[int, list[str]] = {}
        for sym in section.symbols:
            if sym.block is not None and sym.name:
                names.setdefault(id(sym.block), []).append(f"+{sym.offset:#x} {sym.name}")
        for m, block in enumerate(sorted(section.blocks, key=lambda b: b.address)):
            node = f"b{n}_{m}"
            ids[id(block)] = node
            label = "|".join([f"{block.address:#x}, {block.size:#x} bytes",
                              *names.get(id(block), [])])
            label = label.replace("{", "\\{").replace("}", "\\}").replace("<", "\\<").replace(
                ">", "\\>")
            out.write(f"    {node} [label={_dot_quote('{' + label + '}')}];\n")
        out.write("  }\n")
    for sym in [*graph.external_symbols.values(), *graph.absolute_symbols]:
        node = node_of(sym)
        kind = "external" if sym.is_external else "absolute"
        out.write(f"  {node} [shape=ellipse, label={_dot_quote(f'{sym.name} ({kind})')}];\n")
    for section in graph.sections.values():
        for block in section.blocks:
            for edge in block.edges:
                label = f"{graph.edge_kind_name(edge.kind)} @{edge.offset:#x}"
                if edge.addend:
                    label += f" {edge.addend:+#x}"
                out.write(f"  {ids[id(block)]} -> {node_of(edge.target)} "
                          f"[label={_dot_quote(label)}];\n")
    out.write("}\n")
