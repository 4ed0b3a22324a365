"""``-add-self-relocations``: Delta32 edges for functions that form pointers to themselves.

LLVM's addFunctionPointerRelocationsToCurrentSymbol (ORC IndirectionUtils), which
llvm-jitlink runs as a post-prune pass: an assembler resolves ``leaq _f(%rip), %rax``
inside ``_f`` itself and emits no relocation, so once calls to ``_f`` go through a stub the
pointer ``_f`` forms to itself differs from the one other code forms. The pass disassembles
each callable symbol and adds a ``Delta32`` edge (addend -4) to the symbol on every 64-bit
``leaq`` (the one instruction LLVM's X86 MCInstrAnalysis gives a relocation offset for)
whose RIP-relative operand points at the symbol's own start, whose 32-bit displacement ends
the instruction, and that carries no edge yet. x86-64 only, as in LLVM (AArch64 objects
carry these relocations already); best effort, by disassembly.
"""

from __future__ import annotations

from pyjitlink.arch.x86_64 import EdgeKind
from pyjitlink.errors import JITLinkError
from pyjitlink.jitlink.graph import GenericEdgeKind, LinkGraph, Symbol
from pyjitlink.jitlink.passes import PassConfiguration
from pyjitlink.jitlink.target import Arch


def add_self_relocations(graph: LinkGraph) -> None:
    """Post-prune pass: self-relocations for every callable defined symbol of ``graph``.

    Raises JITLinkError ("failed to disassemble at address ...", LLVM's text) where a
    function's bytes do not decode.
    """
    if graph.arch != Arch.X86_64:
        return
    import capstone
    from capstone import x86

    disassembler = capstone.Cs(capstone.CS_ARCH_X86, capstone.CS_MODE_64)
    disassembler.detail = True
    for sym in list(graph.defined_symbols()):
        if sym.callable and sym.block is not None and sym.block.content is not None:
            _add_to_symbol(graph, sym, disassembler, x86)


def _add_to_symbol(graph: LinkGraph, sym: Symbol, disassembler: object, x86: object) -> None:
    block = sym.block
    assert block is not None and block.content is not None
    size = sym.size or block.size - sym.offset
    code = bytes(block.content[sym.offset:sym.offset + size])
    existing = {e.offset for e in block.edges if e.kind != GenericEdgeKind.KeepAlive}
    offset = 0
    while offset < len(code):
        start = sym.address + offset
        insn = next(disassembler.disasm(code[offset:], start, 1), None)  # type: ignore[attr-defined]
        if insn is None:
            raise JITLinkError(f"failed to disassemble at address {start:#x}", graph.name)
        offset += insn.size
        # LLVM's X86 getMemoryOperandRelocationOffset knows LEA64r alone: a 64-bit leaq.
        if insn.id != x86.X86_INS_LEA or insn.operands[0].size != 8:  # type: ignore[attr-defined]
            continue
        target = None
        for op in insn.operands:
            if op.type == x86.X86_OP_MEM and op.mem.base == x86.X86_REG_RIP:  # type: ignore[attr-defined]
                target = start + insn.size + op.mem.disp
        if target != sym.address:
            continue
        field = insn.disp_offset
        if not field or insn.size - field != 4:
            continue  # an immediate follows the displacement: not a plain 32-bit field
        at = start + field - sym.address + sym.offset
        if at in existing:
            continue
        block.add_edge(EdgeKind.Delta32, at, sym, -4)
        existing.add(at)


class SelfRelocationsPlugin:
    """Adds add_self_relocations to every link's post-prune passes (llvm-jitlink's
    ``-add-self-relocations``)."""

    def modify_pass_config(self, mr, graph: LinkGraph, config: PassConfiguration) -> None:  # type: ignore[no-untyped-def]
        config.post_prune_passes.append(add_self_relocations)

    def notify_emitted(self, mr, graph, alloc) -> None:  # type: ignore[no-untyped-def]
        pass

    def notify_remove_resources(self, tracker) -> None:  # type: ignore[no-untyped-def]
        pass
