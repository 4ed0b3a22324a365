"""Post-fixup dumps of the tool: -show-graphs and -show-relocated-section-contents."""

from __future__ import annotations

import re
import sys
import threading
from typing import TextIO

from pyjitlink.jitlink.dump import dump_graph, dump_graph_dot
from pyjitlink.jitlink.graph import LinkGraph
from pyjitlink.jitlink.passes import PassConfiguration

# -show-relocated-section-contents prints at most this many bytes of one section.
MAX_SECTION_DUMP_BYTES = 64 * 1024


def dump_section_contents(graph: LinkGraph, out: TextIO,
                          limit: int = MAX_SECTION_DUMP_BYTES) -> None:
    """llvm-jitlink's dumpSectionContents: each section's bytes that symbols cover, 16 a line.

    Sections go in address order (those without symbols last, as "section empty"); only
    bytes inside some symbol (its size) are printed, gaps as blanks. Overlapping symbols
    print their bytes once. Output per section stops after ``limit`` bytes.
    """
    out.write(f"Relocated section contents for {graph.name}:\n")

    def start(section):  # type: ignore[no-untyped-def]
        return min((b.address for b in section.blocks), default=0)

    sections = sorted(graph.sections.values(),
                      key=lambda s: (not s.symbols, start(s) if s.symbols else 0))
    for section in sections:
        out.write(f"{section.name} content:")
        symbols = sorted((s for s in section.symbols if s.block is not None),
                         key=lambda s: (s.address, s.size))
        if not symbols:
            out.write("\n  section empty\n")
            continue
        next_addr = symbols[0].address & ~15
        printed = 0
        truncated = False
        for sym in symbols:
            sym_start, sym_end = sym.address, sym.address + sym.size
            if sym_end <= next_addr:
                continue  # covered by an earlier, overlapping symbol
            while next_addr < sym_start:
                if next_addr % 16 == 0:
                    out.write(f"\n{next_addr:#x}:")
                out.write("   ")
                next_addr += 1
            block = sym.block
            assert block is not None
            content = block.content
            while next_addr < sym_end:
                if printed >= limit:
                    truncated = True
                    break
                if next_addr % 16 == 0:
                    out.write(f"\n{next_addr:#x}:")
                offset = next_addr - block.address
                byte = content[offset] if content is not None and offset < block.size else 0
                out.write(f" {byte:02x}")
                next_addr += 1
                printed += 1
            if truncated:
                out.write(f"\n  ... (output limited to {limit} bytes)")
                break
        out.write("\n")
    out.flush()


class DumpPlugin:
    """Prints graphs whose name matches a regex, and/or relocated section contents."""

    def __init__(self, graphs_regex: str | None, graph_format: str,
                 section_contents: bool, out: TextIO | None = None) -> None:
        self.regex = re.compile(graphs_regex) if graphs_regex else None
        self.graph_format = graph_format
        self.section_contents = section_contents
        self.out = out or sys.stdout
        self.lock = threading.Lock()

    def modify_pass_config(self, mr, graph: LinkGraph, config: PassConfiguration) -> None:  # type: ignore[no-untyped-def]
        config.post_fixup_passes.append(self._dump)

    def _dump(self, graph: LinkGraph) -> None:
        with self.lock:
            if self.regex is not None and self.regex.search(graph.name):
                if self.graph_format == "dot":
                    dump_graph_dot(graph, self.out)
                else:
                    self.out.write(f'Link graph "{graph.name}" post-fixup:\n')
                    dump_graph(graph, self.out)
            if self.section_contents:
                dump_section_contents(graph, self.out)
            self.out.flush()

    def notify_emitted(self, mr, graph, alloc) -> None:  # type: ignore[no-untyped-def]
        pass

    def notify_remove_resources(self, tracker) -> None:  # type: ignore[no-untyped-def]
        pass
