"""ELF AArch64 objects (llvm-mc, gcc, clang) -> LinkGraphs -> linked code, checked against oracles.

The oracles: pyelftools' reading of each object (relocation type, offset, addend, symbol);
AAELF64's relocation formulas evaluated here; capstone's decoding of every linked instruction
word (branch and literal targets, ADRP pages, ADD/LDR offsets, MOVZ/MOVK immediates); and
``readelf --debug-dump=frames`` for the .eh_frame record boundaries. Links run the whole ELF
AArch64 pipeline (``link_graph``) into a slab with this file's JITLinkContext, which answers
lookups from a table of made-up external addresses.
"""

from __future__ import annotations

import io
import re
import shutil
import struct
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import capstone
import pytest
from capstone import arm64 as cs_arm64
from elftools.elf.elffile import ELFFile

from pyjitlink.arch.aarch64 import (
    GOT_BASE_NAME,
    GOT_SECTION,
    STUBS_SECTION,
    EdgeKind,
    apply_fixup,
)
from pyjitlink.errors import FixupOutOfRange, InstructionMismatch, UnsupportedRelocation
from pyjitlink.formats import build_link_graph, link_graph, object_arch
from pyjitlink.formats.elf_aarch64 import ELF_AARCH64_EDGES, R_AARCH64
from pyjitlink.jitlink.eh_frame import fix_eh_frame_edges, split_eh_frame
from pyjitlink.jitlink.graph import Block, GenericEdgeKind, LinkGraph
from pyjitlink.jitlink.memory import ArenaMemoryManager, FinalizedAlloc, SlabArena
from pyjitlink.jitlink.passes import PassConfiguration, mark_all_symbols_live
from toolchain import find_clang, find_tool

LLVM_MC = find_tool("llvm-mc")
needs_llvm_mc = pytest.mark.skipif(LLVM_MC is None, reason="llvm-mc is not on PATH: cannot "
                                                           "assemble the test objects")
K = EdgeKind
T = {name[len("R_AARCH64_"):]: num for num, name in R_AARCH64.items() if num}
TWO64 = 1 << 64
SLAB = 0x10000000


def assemble(tmp_path: Path, source: str, name: str = "t") -> bytes:
    src = tmp_path / f"{name}.s"
    obj = tmp_path / f"{name}.o"
    src.write_text(source)
    subprocess.run([LLVM_MC, "-filetype=obj", "-triple=aarch64-unknown-linux-gnu", str(src),
                    "-o", str(obj)], check=True, capture_output=True)
    return obj.read_bytes()


def elf_relocations(data: bytes) -> list[dict]:
    """Every RELA entry of the object, read by pyelftools: section, offset, type, addend, sym."""
    elf = ELFFile(io.BytesIO(data))
    symtab = elf.get_section_by_name(".symtab")
    out = []
    for sec in elf.iter_sections():
        if sec.header["sh_type"] != "SHT_RELA":
            continue
        target = elf.get_section(sec.header["sh_info"])
        if not target.header["sh_flags"] & 2:  # SHF_ALLOC: debug info is not linked
            continue
        for rel in sec.iter_relocations():
            sym = symtab.get_symbol(rel["r_info_sym"])
            name = sym.name
            if sym["st_info"]["type"] == "STT_SECTION":
                name = elf.get_section(sym["st_shndx"]).name
            out.append(dict(section=target.name, section_index=sec.header["sh_info"],
                            offset=rel["r_offset"], type=rel["r_info_type"],
                            addend=rel["r_addend"], symbol=name, sym=sym))
    return out


# ----------------------------------------------------------------------------- relocations

# One instance of every supported relocation type. foo (near the slab), far (beyond branch
# range), tiny (< 0x10000) and bar are externals; other/lit/near/nb are defined here in other
# sections than their uses, so the assembler leaves the relocations for the linker.
RELOCS_SRC = """
.text
.globl main
.p2align 2
main:
  adrp x0, :got:foo                     // ADR_GOT_PAGE
  ldr x4, [x0, :got_lo12:foo]           // LD64_GOT_LO12_NC (x4: no GOT relaxation)
  adrp x1, _GLOBAL_OFFSET_TABLE_        // ADR_PREL_PG_HI21 to the GOT base
  ldr x1, [x1, :gotpage_lo15:bar]       // LD64_GOTPAGE_LO15
  ldr x2, :got:foo                      // GOT_LD_PREL19
  adrp x3, near+16                      // ADR_PREL_PG_HI21, addend
  add x3, x3, :lo12:near+16             // ADD_ABS_LO12_NC
  adrp x3, :pg_hi21_nc:near             // ADR_PREL_PG_HI21_NC
  ldrb w4, [x3, :lo12:near+1]           // LDST8_ABS_LO12_NC
  ldrh w4, [x3, :lo12:near+2]           // LDST16_ABS_LO12_NC
  ldr w4, [x3, :lo12:near+4]            // LDST32_ABS_LO12_NC
  ldr x4, [x3, :lo12:near+8]            // LDST64_ABS_LO12_NC
  ldr q4, [x3, :lo12:near+16]           // LDST128_ABS_LO12_NC
  movz x5, #:abs_g0:tiny                // MOVW_UABS_G0
  movz x5, #:abs_g0_nc:far              // MOVW_UABS_G0_NC
  movk x5, #:abs_g1:foo                 // MOVW_UABS_G1
  movk x5, #:abs_g1_nc:far              // MOVW_UABS_G1_NC
  movk x5, #:abs_g2:far                 // MOVW_UABS_G2
  movk x5, #:abs_g2_nc:far              // MOVW_UABS_G2_NC
  movk x5, #:abs_g3:far                 // MOVW_UABS_G3
  bl foo                                // CALL26, near: the stub is bypassed
  bl far                                // CALL26, far: through the stub
  b.eq other                            // CONDBR19
  cbz x0, other                         // CONDBR19
  tbz x0, #3, other                     // TSTBR14
  ldr x6, lit                           // LD_PREL_LO19
  adr x7, other+4                       // ADR_PREL_LO21
  b far                                 // JUMP26
.section .text.b,"ax",@progbits
.globl other
other:
  nop
  ret
.section .rodata
.p2align 3
lit: .xword 42
.data
.globl near
.p2align 4
near: .zero 32
  .xword foo+8                          // ABS64
  .word foo                             // ABS32
  .hword tiny+1                         // ABS16
  .xword far-.                          // PREL64
  .word foo-.                           // PREL32
  .hword nb-.                           // PREL16
  .reloc ., R_AARCH64_NONE, foo
  .byte 0
.section .data.b,"aw",@progbits
.globl nb
nb: .xword 0
"""

# AAELF64 type -> edge kind. No AArch64 kind carries a PC bias: every addend stays as written.
EXPECTED = {
    T["ABS64"]: K.Pointer64, T["ABS32"]: K.Pointer32, T["ABS16"]: K.Pointer16,
    T["PREL64"]: K.Delta64, T["PREL32"]: K.Delta32, T["PREL16"]: K.Delta16,
    T["MOVW_UABS_G0"]: K.MoveWide16Checked, T["MOVW_UABS_G0_NC"]: K.MoveWide16,
    T["MOVW_UABS_G1"]: K.MoveWide16Checked, T["MOVW_UABS_G1_NC"]: K.MoveWide16,
    T["MOVW_UABS_G2"]: K.MoveWide16Checked, T["MOVW_UABS_G2_NC"]: K.MoveWide16,
    T["MOVW_UABS_G3"]: K.MoveWide16,
    T["LD_PREL_LO19"]: K.LDRLiteral19, T["ADR_PREL_LO21"]: K.ADRLiteral21,
    T["ADR_PREL_PG_HI21"]: K.Page21, T["ADR_PREL_PG_HI21_NC"]: K.Page21NC,
    T["ADD_ABS_LO12_NC"]: K.PageOffset12, T["LDST8_ABS_LO12_NC"]: K.PageOffset12,
    T["LDST16_ABS_LO12_NC"]: K.PageOffset12, T["LDST32_ABS_LO12_NC"]: K.PageOffset12,
    T["LDST64_ABS_LO12_NC"]: K.PageOffset12, T["LDST128_ABS_LO12_NC"]: K.PageOffset12,
    T["TSTBR14"]: K.TestAndBranch14PCRel, T["CONDBR19"]: K.CondBranch19PCRel,
    T["JUMP26"]: K.Branch26PCRel, T["CALL26"]: K.Branch26PCRel,
    T["ADR_GOT_PAGE"]: K.RequestGOTAndTransformToPage21,
    T["LD64_GOT_LO12_NC"]: K.RequestGOTAndTransformToPageOffset12,
    T["LD64_GOTPAGE_LO15"]: K.RequestGOTAndTransformToPageOffset15,
    T["GOT_LD_PREL19"]: K.RequestGOTAndTransformToLDRLiteral19,
}
R_NONE = 0
# Where the test places the externals: data near the slab, functions near or far.
EXTERNALS = {"foo": SLAB + 0x80_0000, "far": 0x7F12_3456_7890, "tiny": 0x1234,
             "bar": 0x7F00_0000_1000}


# Thread-local relocations: linked by the TLS tests below and tests/lit/aarch64/R_AARCH64_TLS.s.
TLS_EXPECTED = {
    T["TLSDESC_ADR_PAGE21"]: K.RequestTLSDescAndTransformToPage21,
    T["TLSDESC_LD64_LO12"]: K.RequestTLSDescAndTransformToPageOffset12,
    T["TLSDESC_ADD_LO12"]: K.RequestTLSDescAndTransformToPageOffset12,
    T["TLSDESC_CALL"]: K.TLSDescCall,
    T["TLSIE_ADR_GOTTPREL_PAGE21"]: K.RequestGOTTPRelAndTransformToPage21,
    T["TLSIE_LD64_GOTTPREL_LO12_NC"]: K.RequestGOTTPRelAndTransformToPageOffset12,
    T["TLSGD_ADR_PAGE21"]: K.RequestTLSGDAndTransformToPage21,
    T["TLSGD_ADD_LO12_NC"]: K.RequestTLSGDAndTransformToPageOffset12,
    T["TLSLE_ADD_TPREL_HI12"]: K.TPRelAddHi12, T["TLSLE_ADD_TPREL_LO12"]: K.TPRelAddLo12,
    T["TLSLE_ADD_TPREL_LO12_NC"]: K.TPRelAddLo12NC,
    T["TLSLE_MOVW_TPREL_G2"]: K.TPRelMoveWide16Checked,
    T["TLSLE_MOVW_TPREL_G1"]: K.TPRelMoveWide16Checked,
    T["TLSLE_MOVW_TPREL_G1_NC"]: K.TPRelMoveWide16,
    T["TLSLE_MOVW_TPREL_G0"]: K.TPRelMoveWide16Checked,
    T["TLSLE_MOVW_TPREL_G0_NC"]: K.TPRelMoveWide16,
    T["TLSLE_LDST8_TPREL_LO12_NC"]: K.TPRelLoadStore12,
    T["TLSLE_LDST16_TPREL_LO12_NC"]: K.TPRelLoadStore12,
    T["TLSLE_LDST32_TPREL_LO12_NC"]: K.TPRelLoadStore12,
    T["TLSLE_LDST64_TPREL_LO12_NC"]: K.TPRelLoadStore12,
    T["TLS_DTPMOD64"]: K.DTPMod64, T["TLS_DTPREL64"]: K.DTPRel64, T["TLS_TPREL64"]: K.TPRel64,
}


def test_table_is_what_the_test_expects() -> None:
    assert ELF_AARCH64_EDGES == {**EXPECTED, **TLS_EXPECTED}


@pytest.fixture(scope="module")
def relocs_object(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    if LLVM_MC is None:
        pytest.skip("llvm-mc is not on PATH")
    return assemble(tmp_path_factory.mktemp("relocs"), RELOCS_SRC, "relocs")


def _edges_at(graph: LinkGraph, section: str, offset: int) -> list:
    (block,) = graph.sections[section].blocks
    return [e for e in block.edges if e.offset == offset]


@needs_llvm_mc
def test_object_has_every_relocation_type(relocs_object: bytes) -> None:
    types = {r["type"] for r in elf_relocations(relocs_object)}
    assert types == set(EXPECTED) | {R_NONE}
    assert object_arch(relocs_object, "relocs.o") == "aarch64"


@needs_llvm_mc
def test_relocation_types_map_to_edge_kinds(relocs_object: bytes) -> None:
    graph = build_link_graph(relocs_object, "relocs.o")
    assert (graph.arch, graph.pointer_size) == ("aarch64", 8)
    relocs = elf_relocations(relocs_object)
    for r in relocs:
        edges = _edges_at(graph, r["section"], r["offset"])
        if r["type"] == R_NONE:
            assert edges == [], r
            continue
        (edge,) = edges
        assert (graph.edge_kind_name(edge.kind), edge.addend) == (EXPECTED[r["type"]].name,
                                                                  r["addend"]), r
        assert edge.target.name == r["symbol"] or (
            edge.target.name is None and edge.target.block.section.name == r["symbol"]), r
    total = sum(len(b.edges) for b in graph.blocks())
    assert total == sum(1 for r in relocs if r["type"] != R_NONE)


# ----------------------------------------------------------------------------- linking


class SlabContext:
    """A JITLinkContext: a slab at SLAB, lookups answered from ``externals``, nothing pruned.

    Records each block's pre-layout address (an ELF block's is its section's file offset plus
    the block's offset in the section) so relocations can be found again after layout.
    """

    def __init__(self, externals: Mapping[str, int]) -> None:
        self.memory_manager = ArenaMemoryManager(SlabArena(SLAB, 1 << 26, 4096))
        self.externals = dict(externals)
        self.error: Exception | None = None
        self.alloc: FinalizedAlloc | None = None
        self.pre_layout: list[tuple[str, int, Block]] = []
        self.looked_up: set[str] = set()

    def notify_failed(self, err: Exception) -> None:
        self.error = err

    def lookup(self, symbols: Mapping[str, bool], on_result: Callable) -> None:
        # Required names the table lacks (libgcc helpers such as __multf3) get far addresses;
        # weak references the table lacks stay unresolved.
        self.looked_up |= set(symbols)
        for name, required in sorted(symbols.items()):
            if required and name not in self.externals:
                self.externals[name] = 0x7E00_0000_0000 + 0x100 * len(self.externals)
        on_result({n: self.externals[n] for n in symbols if n in self.externals})

    def notify_resolved(self, graph: LinkGraph) -> None:
        pass

    def notify_finalized(self, alloc: FinalizedAlloc) -> None:
        self.alloc = alloc

    def modify_pass_config(self, graph: LinkGraph, config: PassConfiguration) -> None:
        config.pre_prune_passes.insert(0, mark_all_symbols_live)
        config.post_prune_passes.append(self._record)

    def _record(self, graph: LinkGraph) -> None:
        self.pre_layout = [(b.section.name, b.address, b) for b in graph.blocks()]


def link(data: bytes, name: str, externals: Mapping[str, int]) -> tuple[LinkGraph, SlabContext]:
    graph = build_link_graph(data, name)
    ctx = SlabContext(externals)
    link_graph(graph, ctx)
    if ctx.error is not None:
        raise ctx.error
    assert ctx.alloc is not None
    return graph, ctx


class Linked:
    """Reads a linked graph through the object's own coordinates (section offsets)."""

    def __init__(self, data: bytes, graph: LinkGraph, ctx: SlabContext) -> None:
        self.elf = ELFFile(io.BytesIO(data))
        self.data = data
        self.graph = graph
        self.ctx = ctx

    def address(self, section_index: int, offset: int) -> int | None:
        """Linked address of ``offset`` in ELF section ``section_index``, None if stripped."""
        sec = self.elf.get_section(section_index)
        pre = sec.header["sh_offset"] + offset
        for name, start, block in self.ctx.pre_layout:
            if name == sec.name and start <= pre < start + max(block.size, 1):
                return block.address + pre - start
        return None

    def read(self, address: int, size: int) -> bytes:
        for block in self.graph.blocks():
            if block.address <= address and address + size <= block.address + block.size:
                off = address - block.address
                return bytes(block.content[off:off + size]) if block.content is not None \
                    else bytes(size)
        raise AssertionError(f"nothing linked at {address:#x}")

    def u64(self, address: int) -> int:
        return int.from_bytes(self.read(address, 8), "little")

    def symbol_value(self, r: dict) -> int:
        sym = r["sym"]
        shndx = sym["st_shndx"]
        if shndx == "SHN_UNDEF":
            if sym.name == GOT_BASE_NAME:
                base = self.graph.find_symbol(GOT_BASE_NAME)
                assert base is not None and base.is_defined
                return base.address
            return self.ctx.externals.get(sym.name, 0)  # an unresolved weak reference is 0
        if shndx == "SHN_ABS":
            return sym["st_value"]
        if shndx == "SHN_COMMON":
            found = self.graph.find_symbol(sym.name)
            assert found is not None
            return found.address
        value = 0 if sym["st_info"]["type"] == "STT_SECTION" else sym["st_value"]
        address = self.address(shndx, value)
        assert address is not None, f"target {sym.name} was stripped"
        return address

    def got_entries_holding(self, value: int) -> set[int]:
        section = self.graph.sections.get(GOT_SECTION)
        blocks = section.blocks if section is not None else []
        return {b.address for b in blocks if b.size == 8 and self.u64(b.address) == value}

    def stub_destination(self, address: int) -> int | None:
        section = self.graph.sections.get(STUBS_SECTION)
        for block in section.blocks if section is not None else []:
            if block.address == address:
                adrp, ldr, br = MD.disasm(bytes(block.content), block.address)
                assert (adrp.mnemonic, ldr.mnemonic, br.mnemonic) == ("adrp", "ldr", "br")
                assert ldr.operands[1].mem.base == adrp.operands[0].reg == br.operands[0].reg
                return self.u64(_imm(adrp) + ldr.operands[1].mem.disp)
        return None


MD = capstone.Cs(capstone.CS_ARCH_ARM64, capstone.CS_MODE_ARM)
MD.detail = True


def _imm(insn: capstone.CsInsn) -> int:
    last = insn.operands[-1]
    assert last.type == cs_arm64.ARM64_OP_IMM, (insn.mnemonic, insn.op_str)
    return last.imm % TWO64


def _disp(insn: capstone.CsInsn) -> int:
    last = insn.operands[-1]
    assert last.type == cs_arm64.ARM64_OP_MEM, (insn.mnemonic, insn.op_str)
    return last.mem.disp


def page(x: int) -> int:
    return x & ~0xFFF


DATA_WIDTH = {T["ABS64"]: 8, T["ABS32"]: 4, T["ABS16"]: 2, T["PREL64"]: 8, T["PREL32"]: 4,
              T["PREL16"]: 2}
BRANCH_RANGE = 1 << 27


def verify_linked(data: bytes, graph: LinkGraph, ctx: SlabContext) -> set[int]:
    """Check every relocation of ``data`` against AAELF64 in the linked graph; return the types
    checked. The expected value is the formula's; the linked one is read back from the linked
    bytes (instructions decoded by capstone)."""
    linked = Linked(data, graph, ctx)
    checked: set[int] = set()
    got_base = graph.find_symbol(GOT_BASE_NAME)
    for r in elf_relocations(data):
        t = r["type"]
        if t == R_NONE:
            continue
        p = linked.address(r["section_index"], r["offset"])
        if p is None:
            continue  # in a record the pipeline dropped (an .eh_frame terminator)
        s, a = linked.symbol_value(r), r["addend"]
        where = f"{r['section']}+{r['offset']:#x} {R_AARCH64[t]} {r['symbol']}{a:+#x}"
        if t in DATA_WIDTH:
            width = DATA_WIDTH[t]
            value = int.from_bytes(linked.read(p, width), "little")
            x = s + a if t in (T["ABS64"], T["ABS32"], T["ABS16"]) else s + a - p
            assert value == x % (1 << 8 * width), where
            checked.add(t)
            continue
        (word,) = struct.unpack("<I", linked.read(p, 4))
        (insn,) = MD.disasm(struct.pack("<I", word), p)
        original = struct.unpack_from("<I", data, linked.elf.get_section(
            r["section_index"]).header["sh_offset"] + r["offset"])[0]
        if t in (T["CALL26"], T["JUMP26"]):
            target = _imm(insn)
            if r["sym"]["st_shndx"] == "SHN_UNDEF" and s == 0 and t == T["CALL26"]:
                assert target == p + 4, where  # unresolved weak: the next instruction
            elif target != (s + a) % TWO64:
                # Through a stub, only when the target is beyond the branch.
                assert linked.stub_destination(target) == s + a, where
                assert not -BRANCH_RANGE <= s + a - p < BRANCH_RANGE, where
        elif t in (T["CONDBR19"], T["TSTBR14"], T["LD_PREL_LO19"], T["ADR_PREL_LO21"]):
            assert _imm(insn) == s + a, where
        elif t in (T["ADR_PREL_PG_HI21"], T["ADR_PREL_PG_HI21_NC"]):
            assert insn.mnemonic == "adrp" and _imm(insn) == page(s + a), where
        elif t == T["ADD_ABS_LO12_NC"]:
            assert insn.mnemonic == "add" and _imm(insn) == (s + a) & 0xFFF, where
        elif t in (T["LDST8_ABS_LO12_NC"], T["LDST16_ABS_LO12_NC"], T["LDST32_ABS_LO12_NC"],
                   T["LDST64_ABS_LO12_NC"], T["LDST128_ABS_LO12_NC"]):
            assert _disp(insn) == (s + a) & 0xFFF, where
        elif t in (T["MOVW_UABS_G0"], T["MOVW_UABS_G0_NC"], T["MOVW_UABS_G1"],
                   T["MOVW_UABS_G1_NC"], T["MOVW_UABS_G2"], T["MOVW_UABS_G2_NC"],
                   T["MOVW_UABS_G3"]):
            shift = 16 * ((original >> 21) & 3)
            last = insn.operands[-1]
            got = (last.imm << (last.shift.value if last.shift.type else 0)) % TWO64
            assert got == (((s + a) % TWO64 >> shift) & 0xFFFF) << shift, where
        elif t == T["ADR_GOT_PAGE"]:
            # The GOT entry's page, or after GOT relaxation a NOP or the page of S + A.
            slots = linked.got_entries_holding((s + a) % TWO64)
            assert insn.mnemonic == "nop" or _imm(insn) in {
                page(e) for e in [*slots, (s + a) % TWO64]}, where
        elif t == T["LD64_GOT_LO12_NC"]:
            # LDR of the entry's page offset; relaxed: ADD of S + A's, ADR of S + A, or LDR
            # (literal) of the entry.
            slots = linked.got_entries_holding((s + a) % TWO64)
            if insn.mnemonic == "add":
                assert _imm(insn) == (s + a) & 0xFFF, where
            elif insn.mnemonic == "adr":
                assert _imm(insn) == (s + a) % TWO64, where
            elif insn.operands[-1].type == cs_arm64.ARM64_OP_IMM:
                assert insn.mnemonic == "ldr" and _imm(insn) in slots, where
            else:
                assert insn.mnemonic == "ldr" and _disp(insn) in {e & 0xFFF for e in slots}, \
                    where
        elif t == T["LD64_GOTPAGE_LO15"]:
            assert got_base is not None
            slots = linked.got_entries_holding((s + a) % TWO64)
            assert page(got_base.address) + _disp(insn) in slots, where
        elif t == T["GOT_LD_PREL19"]:
            assert _imm(insn) in linked.got_entries_holding((s + a) % TWO64), where
        else:  # pragma: no cover - only supported types link
            raise AssertionError(where)
        checked.add(t)
    return checked


@needs_llvm_mc
def test_linked_fixups_follow_aaelf64_formulas(relocs_object: bytes) -> None:
    graph, ctx = link(relocs_object, "relocs.o", EXTERNALS)
    checked = verify_linked(relocs_object, graph, ctx)
    assert checked == set(EXPECTED)
    # The near call went straight to foo, the far ones through one stub; the GOT holds foo
    # (ADR_GOT_PAGE/LD64_GOT_LO12_NC/GOT_LD_PREL19 share it) and bar.
    assert len(graph.sections[STUBS_SECTION].blocks) == 2  # foo's (bypassed) and far's
    got_values = sorted(int.from_bytes(bytes(b.content), "little")
                        for b in graph.sections[GOT_SECTION].blocks if b.size)
    assert got_values == sorted([EXTERNALS["foo"], EXTERNALS["far"], EXTERNALS["bar"]])


GOT_RELAX_SRC = """
.text
.globl main
.p2align 2
main:
  adrp x0, :got:foo
  ldr x0, [x0, :got_lo12:foo]
  adrp x1, :got:mid
  ldr x1, [x1, :got_lo12:mid]
  adrp x2, :got:far
  ldr x2, [x2, :got_lo12:far]
  adrp x3, :got:near
  ldr x3, [x3, :got_lo12:near]
  adrp x4, :got:bar
  ldr x4, [x4, :got_lo12:bar]
  adrp x5, :got:bar
  ldr x6, [x5, :got_lo12:bar]
  ret
.data
.globl near
near: .xword 1
"""


@needs_llvm_mc
def test_got_load_pairs_relax_by_distance(tmp_path: Path) -> None:
    """AAELF64 "Relocation optimization", checked with capstone: NOP; ADR within 1 MiB,
    ADRP; ADD within 4 GiB, else NOP; LDR (literal) of the GOT entry; a pair of an entry
    with another reference that is no pair (bar, loaded into another register) stays."""
    data = assemble(tmp_path, GOT_RELAX_SRC)
    externals = {"foo": SLAB + 0x1000, "mid": SLAB + 0x8000_0000, "far": 0x7F12_3456_7890,
                 "bar": SLAB + 0x2000}
    graph, ctx = link(data, "relax.o", externals)
    (text,) = [b for b in graph.blocks() if b.section.name == ".text"]
    insns = list(MD.disasm(bytes(text.content), text.address))
    near = graph.find_symbol("near")
    assert near is not None
    slot = {int.from_bytes(bytes(b.content), "little"): b.address
            for b in graph.sections[GOT_SECTION].blocks}
    got = [(i.mnemonic, i.op_str) for i in insns[:12]]
    assert got[0] == ("nop", "") and insns[1].mnemonic == "adr"
    assert _imm(insns[1]) == externals["foo"]
    assert insns[2].mnemonic == "adrp" and _imm(insns[2]) == page(externals["mid"])
    assert insns[3].mnemonic == "add" and _imm(insns[3]) == externals["mid"] & 0xFFF
    assert got[4] == ("nop", "") and insns[5].mnemonic == "ldr"
    assert _imm(insns[5]) == slot[externals["far"]]
    assert got[6] == ("nop", "") and insns[7].mnemonic == "adr"
    assert _imm(insns[7]) == near.address
    for adrp, ldr in ((insns[8], insns[9]), (insns[10], insns[11])):
        assert adrp.mnemonic == "adrp" and _imm(adrp) == page(slot[externals["bar"]])
        assert ldr.mnemonic == "ldr" and _disp(ldr) == slot[externals["bar"]] & 0xFFF
    assert [i.op_str.split(",")[0] for i in insns[:12:2]] == ["", "x1", "", "", "x4", "x5"]


@needs_llvm_mc
def test_far_data_reference_is_out_of_range(tmp_path: Path) -> None:
    data = assemble(tmp_path, ".text\n.globl main\nmain: adrp x0, far\n ret\n")
    with pytest.raises(FixupOutOfRange) as info:
        link(data, "far.o", {"far": 0x7F12_3456_7890})
    err = info.value
    assert (err.kind, err.target, err.section, err.offset, err.file) == (
        "Page21", "far", ".text", 0, "far.o")


# ----------------------------------------------------------------------------- errors


@pytest.mark.parametrize("source,type_name,kind", [
    ("adrp x0, :tlsdesc:tv", "R_AARCH64_TLSDESC_ADR_PAGE21",
     "RequestTLSDescAndTransformToPage21"),
    ("ldr x1, [x0, :tlsdesc_lo12:tv]", "R_AARCH64_TLSDESC_LD64_LO12",
     "RequestTLSDescAndTransformToPageOffset12"),
    ("add x0, x0, :tlsdesc_lo12:tv", "R_AARCH64_TLSDESC_ADD_LO12",
     "RequestTLSDescAndTransformToPageOffset12"),
    (".tlsdesccall tv\nblr x1", "R_AARCH64_TLSDESC_CALL", "TLSDescCall"),
    ("adrp x0, :gottprel:tv", "R_AARCH64_TLSIE_ADR_GOTTPREL_PAGE21",
     "RequestGOTTPRelAndTransformToPage21"),
    ("ldr x0, [x0, :gottprel_lo12:tv]", "R_AARCH64_TLSIE_LD64_GOTTPREL_LO12_NC",
     "RequestGOTTPRelAndTransformToPageOffset12"),
    ("add x0, x0, :tprel_hi12:tv", "R_AARCH64_TLSLE_ADD_TPREL_HI12", "TPRelAddHi12"),
    ("add x0, x0, :tprel_lo12:tv", "R_AARCH64_TLSLE_ADD_TPREL_LO12", "TPRelAddLo12"),
    ("add x0, x0, :tprel_lo12_nc:tv", "R_AARCH64_TLSLE_ADD_TPREL_LO12_NC", "TPRelAddLo12NC"),
    ("movz x0, #:tprel_g1:tv", "R_AARCH64_TLSLE_MOVW_TPREL_G1", "TPRelMoveWide16Checked"),
    ("movk x0, #:tprel_g0_nc:tv", "R_AARCH64_TLSLE_MOVW_TPREL_G0_NC", "TPRelMoveWide16"),
    ("ldr w0, [x0, :tprel_lo12_nc:tv]", "R_AARCH64_TLSLE_LDST32_TPREL_LO12_NC",
     "TPRelLoadStore12"),
    (".reloc ., R_AARCH64_TLSGD_ADR_PAGE21, tv\n.inst 0x90000000", "R_AARCH64_TLSGD_ADR_PAGE21",
     "RequestTLSGDAndTransformToPage21"),
    (".reloc ., R_AARCH64_TLSGD_ADD_LO12_NC, tv\n.inst 0x91000000",
     "R_AARCH64_TLSGD_ADD_LO12_NC", "RequestTLSGDAndTransformToPageOffset12"),
], ids=lambda v: v if isinstance(v, str) and v.startswith("R_") else "")
@needs_llvm_mc
def test_tls_relocations_map_to_tls_edge_kinds(tmp_path: Path, source: str, type_name: str,
                                               kind: str) -> None:
    """Each thread-local relocation becomes its edge kind at its offset, aimed at the .tbss
    variable (a thread-local section's defined symbol)."""
    data = assemble(tmp_path, ".text\nnop\n" + source +
                    "\n.section .tbss,\"awT\",@nobits\n.globl tv\ntv: .zero 4\n")
    (r, *_) = [r for r in elf_relocations(data) if r["section"] == ".text"]
    assert R_AARCH64[r["type"]] == type_name
    graph = build_link_graph(data, "tls.o")
    (edge,) = [e for b in graph.blocks() if b.section.name == ".text" for e in b.edges]
    assert (graph.edge_kind_name(edge.kind), edge.offset, edge.target.name) == (
        kind, r["offset"], "tv")
    assert graph.sections[".tbss"].thread_local


@pytest.mark.parametrize("source,type_name", [
    ("add x0, x0, :dtprel_lo12:tv", "R_AARCH64_TLSLD_ADD_DTPREL_LO12"),
    ("movz x0, #:dtprel_g1:tv", "R_AARCH64_TLSLD_MOVW_DTPREL_G1"),
])
@needs_llvm_mc
def test_local_dynamic_tls_relocations_are_unsupported(tmp_path: Path, source: str,
                                                       type_name: str) -> None:
    data = assemble(tmp_path, ".text\nnop\n" + source + "\n")
    (r, *_) = [r for r in elf_relocations(data) if r["section"] == ".text"]
    with pytest.raises(UnsupportedRelocation) as info:
        build_link_graph(data, "tls.o")
    err = info.value
    assert "thread-local storage relocation is not supported" in str(err)
    assert (err.file, err.type_name, err.section, err.offset) == ("tls.o", type_name, ".text",
                                                                  r["offset"])


@pytest.mark.parametrize("reloc", ["R_AARCH64_MOVW_SABS_G0", "R_AARCH64_MOVW_PREL_G0",
                                   "R_AARCH64_GOTREL64", "R_AARCH64_LD64_GOTOFF_LO15"])
@needs_llvm_mc
def test_unsupported_relocation_names_type(tmp_path: Path, reloc: str) -> None:
    data = assemble(tmp_path, f".text\n.globl foo\nnop\n.reloc ., {reloc}, foo\nmovz x0, #0\n")
    with pytest.raises(UnsupportedRelocation) as info:
        build_link_graph(data, "u.o")
    assert (info.value.type_name, info.value.section, info.value.offset) == (reloc, ".text", 4)
    assert "unsupported" in str(info.value).lower()


@needs_llvm_mc
def test_unknown_relocation_type_is_unsupported(tmp_path: Path) -> None:
    data = bytearray(assemble(tmp_path, ".text\nnop\n.word foo-.\n"))
    elf = ELFFile(io.BytesIO(bytes(data)))
    rela = elf.get_section_by_name(".rela.text")
    struct.pack_into("<I", data, rela.header["sh_offset"] + 8, 1000)  # r_info's type
    with pytest.raises(UnsupportedRelocation) as info:
        build_link_graph(bytes(data), "bad.o")
    assert "1000" in str(info.value) and info.value.offset == 4


# (relocation, the instruction it is put on, what the error says it should be)
MISMATCHES = [
    ("R_AARCH64_CALL26", "nop", "a B or BL"),
    ("R_AARCH64_JUMP26", "b.eq .", "a B or BL"),
    ("R_AARCH64_CONDBR19", "tbz x0, #1, .", "a B.cond, CBZ or CBNZ"),
    ("R_AARCH64_TSTBR14", "cbz x0, .", "a TBZ or TBNZ"),
    ("R_AARCH64_LD_PREL_LO19", "ldr x0, [x1]", "an LDR (literal)"),
    ("R_AARCH64_ADR_PREL_LO21", "adrp x0, 0", "an ADR"),
    ("R_AARCH64_ADR_PREL_PG_HI21", "adr x0, .", "an ADRP"),
    ("R_AARCH64_ADR_GOT_PAGE", "add x0, x0, #0", "an ADRP"),
    ("R_AARCH64_ADD_ABS_LO12_NC", "ldr x0, [x1]", "an ADD (immediate)"),
    ("R_AARCH64_LDST8_ABS_LO12_NC", "ldrh w0, [x1]", "an 8-bit load/store"),
    ("R_AARCH64_LDST8_ABS_LO12_NC", "ldr q0, [x1]", "an 8-bit load/store"),
    ("R_AARCH64_LDST16_ABS_LO12_NC", "ldrb w0, [x1]", "a 16-bit load/store"),
    ("R_AARCH64_LDST32_ABS_LO12_NC", "ldr x0, [x1]", "a 32-bit load/store"),
    ("R_AARCH64_LDST64_ABS_LO12_NC", "ldr w0, [x1]", "a 64-bit load/store"),
    ("R_AARCH64_LDST128_ABS_LO12_NC", "ldr b0, [x1]", "a 128-bit load/store"),
    ("R_AARCH64_LDST64_ABS_LO12_NC", "ldur x0, [x1]", "a 64-bit load/store"),
    ("R_AARCH64_MOVW_UABS_G0", "movk x0, #0, lsl #16", "LSL #0"),
    ("R_AARCH64_MOVW_UABS_G1_NC", "movz x0, #0", "LSL #16"),
    ("R_AARCH64_MOVW_UABS_G2", "movn x0, #0, lsl #32", "LSL #32"),
    ("R_AARCH64_MOVW_UABS_G3", "movk x0, #0, lsl #32", "LSL #48"),
    ("R_AARCH64_LD64_GOT_LO12_NC", "ldr w0, [x1]", "an LDR Xt (unsigned immediate)"),
    ("R_AARCH64_LD64_GOTPAGE_LO15", "str x0, [x1]", "an LDR Xt (unsigned immediate)"),
    ("R_AARCH64_GOT_LD_PREL19", "ldr w0, .", "an LDR Xt (literal)"),
]


@pytest.mark.parametrize("reloc,insn,expected", MISMATCHES,
                         ids=[f"{r[len('R_AARCH64_'):]}-{i}" for r, i, _ in MISMATCHES])
@needs_llvm_mc
def test_relocation_on_wrong_instruction_is_refused(tmp_path: Path, reloc: str, insn: str,
                                                    expected: str) -> None:
    data = assemble(tmp_path, f".text\n.globl foo\nnop\nnop\n.reloc ., {reloc}, foo\n{insn}\n")
    text = ELFFile(io.BytesIO(data)).get_section_by_name(".text")
    word = struct.unpack_from("<I", data, text.header["sh_offset"] + 8)[0]
    with pytest.raises(InstructionMismatch) as info:
        build_link_graph(data, "wrong.o")
    message = str(info.value)
    assert info.value.file == "wrong.o"
    assert reloc in message and "section .text" in message and "offset 0x8" in message
    assert f"{word:#010x}" in message and expected in message


@needs_llvm_mc
def test_instruction_relocation_at_unaligned_offset_is_refused(tmp_path: Path) -> None:
    data = assemble(tmp_path, ".data\n.globl foo\n.byte 0\n.reloc ., R_AARCH64_CALL26, foo\n"
                              ".word 0x94000000\n")
    with pytest.raises(InstructionMismatch, match="offset 0x1.*4-byte aligned"):
        build_link_graph(data, "odd.o")


# ----------------------------------------------------------------------------- .eh_frame

EH_SRC = """
.text
.globl f1
.type f1,@function
f1:
.cfi_startproc
ret
.cfi_endproc
.section .text.f2,"ax",@progbits
.globl f2
f2:
.cfi_startproc
stp x29, x30, [sp, #-16]!
.cfi_def_cfa_offset 16
ldp x29, x30, [sp], #16
ret
.cfi_endproc
.section .text.f3,"ax",@progbits
.globl f3
f3:
.cfi_startproc
ret
.cfi_endproc
"""

READELF = shutil.which("readelf")


def _readelf_frames(path: Path) -> list[tuple[int, int, str]]:
    """(offset, total size, 'CIE'/'FDE') per .eh_frame record, as readelf reports them."""
    out = subprocess.run([READELF, "--debug-dump=frames", str(path)], check=True,
                         capture_output=True, text=True).stdout
    return [(int(m.group(1), 16), int(m.group(2), 16) + 4, m.group(4)) for m in re.finditer(
        r"^([0-9a-f]{8}) ([0-9a-f]{8,16}) ([0-9a-f]{8}) (CIE|FDE)", out, re.M)]


@needs_llvm_mc
@pytest.mark.skipif(READELF is None, reason="readelf is not on PATH")
def test_eh_frame_split_and_fde_edges(tmp_path: Path) -> None:
    data = assemble(tmp_path, EH_SRC, "eh")
    records = _readelf_frames(tmp_path / "eh.o")
    assert [k for _, _, k in records] == ["CIE", "FDE", "FDE", "FDE"]
    relocs = [r for r in elf_relocations(data) if r["section"] == ".eh_frame"]
    assert {r["type"] for r in relocs} == {T["PREL32"]}  # FDE PC-begin: R_AARCH64_PREL32
    graph = build_link_graph(data, "eh.o")
    section = graph.sections[".eh_frame"]
    (whole,) = section.blocks
    start = whole.address
    original = bytes(whole.content)
    split_eh_frame(graph)
    assert [(b.address - start, b.size) for b in section.blocks] == [
        (off, size) for off, size, _ in records]
    fix_eh_frame_edges(graph, neg_delta32=K.NegDelta32)
    cie = section.blocks[0]
    for fde, r in zip(section.blocks[1:], relocs):
        fde_off = fde.address - start
        assert [e.offset + fde_off for e in fde.edges if e.kind == K.Delta32] == [r["offset"]]
        (cie_edge,) = [e for e in fde.edges if e.kind == K.NegDelta32]
        assert cie_edge.offset == 4 and cie_edge.target.block is cie
        func_block = graph.sections[r["symbol"]].blocks[0]
        keep = [e for e in func_block.edges if e.kind == GenericEdgeKind.KeepAlive]
        assert [e.target.block for e in keep] == [fde]
    # Laid out again in order, the CIE pointers come out as the assembler wrote them.
    address = 0x40000
    for block in section.blocks:
        block.address = address
        block.mutable_content()
        address += block.size
    for fde in section.blocks[1:]:
        (edge,) = [e for e in fde.edges if e.kind == K.NegDelta32]
        before = bytes(fde.content[4:8])
        fde.content[4:8] = bytes(4)
        apply_fixup(graph, fde, edge)
        assert bytes(fde.content[4:8]) == before
        assert before == original[fde.address - 0x40000 + 4:fde.address - 0x40000 + 8]


@needs_llvm_mc
def test_eh_frame_links_and_pc_begin_points_at_function(tmp_path: Path) -> None:
    data = assemble(tmp_path, EH_SRC, "eh")
    graph, ctx = link(data, "eh.o", {})
    assert verify_linked(data, graph, ctx) == {T["PREL32"]}
    blocks = sorted(graph.sections[".eh_frame"].blocks, key=lambda b: b.address)
    assert bytes(blocks[-1].content) == bytes(4)  # the terminator the pipeline adds
    for fde in blocks[1:-1]:
        pc_begin = fde.address + 8 + struct.unpack_from("<i", fde.content, 8)[0]
        cie = fde.address + 4 - struct.unpack_from("<I", fde.content, 4)[0]
        assert cie == blocks[0].address
        assert pc_begin in {graph.find_symbol(f).address for f in ("f1", "f2", "f3")}


# ----------------------------------------------------------------------------- the tool


@needs_llvm_mc
def test_tool_links_aarch64_object_into_slab(tmp_path: Path, relocs_object: bytes) -> None:
    obj = tmp_path / "relocs.o"
    obj.write_bytes(relocs_object)
    abs_args = [a for name, value in EXTERNALS.items() for a in ("-abs", f"{name}={value:#x}")]
    result = subprocess.run(
        [sys.executable, "-m", "pyjitlink", "-noexec", "-slab-allocate", "64Mb",
         "-slab-address", f"{SLAB:#x}", "-no-process-syms", *abs_args, "-show-graphs", "relocs",
         "-entry", "main", str(obj)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    for kind in ("Page21", "PageOffset12", "GotPageOffset15", "MoveWide16Checked",
                 "Branch26PCRel", "CondBranch19PCRel", "TestAndBranch14PCRel", "LDRLiteral19",
                 "ADRLiteral21", "Pointer64", "Delta16"):
        assert kind in result.stdout, kind


# ----------------------------------------------------------------------------- compilers

C_SOURCE = r"""
#include <stdio.h>
#include <string.h>
extern int ext_var;
extern int ext_arr[];
extern void ext_fn(int);
extern int weak_fn(void) __attribute__((weak));
int common_var;
static int static_var = 3;
int global_var = 4;
static char sbuf[100];
static short shorts[10] = {1, 2, 3};
static long longs[10] = {1, 2, 3};
static long double ld = 1.5L;
static __int128 i128 = 7;
const char *strs[] = {"a", "b", "c"};
static int (*fp)(const char *) = puts;
typedef int v4si __attribute__((vector_size(16)));
static v4si vec = {1, 2, 3, 4};
double dconst(double x) { return x * 3.14159 + 2.71828; }
float fconst(float x) { return x * 1.2345f; }
long double ldf(long double x) { return x * ld; }
__int128 i128f(__int128 x) { return x + i128; }
v4si vecf(v4si v) { return v + vec; }
int sw(int x) {
  switch (x) { case 0: return 11; case 1: return 22; case 2: return 33; case 3: return 44;
  case 4: return 55; case 5: return 66; case 6: return 77; default: return 0; }
}
static int helper(int x) { return x * 7 + static_var; }
int tail(int x) { return helper(x + 1); }
void tailext(int x) { ext_fn(x); }
int use(int i) {
  if (weak_fn) weak_fn();
  sbuf[i] = (char)i; shorts[i] = (short)i; longs[i] = i;
  printf("%d %s\n", ext_var + ext_arr[i] + common_var + global_var, strs[i]);
  ext_fn(helper(i));
  fp("x");
  return memcmp(sbuf, "abc", 3) + (int)strlen(strs[0]);
}
int bits(unsigned x) {
  int n = 0;
  for (int i = 0; i < 32; i++) if (x & (1u << 5)) n++; else if (x & 0x80) n--;
  return n;
}
int main(int argc, char **argv) { return use(argc) + tail(argc) + sw(argc) + bits(argc); }
"""
# Data near the code (ADRP and tiny-model ADR reach it); functions near (the stub is bypassed)
# or far (it stays); weak_fn stays unresolved.
C_EXTERNALS = {"ext_var": SLAB + 0x8_0000, "ext_arr": SLAB + 0x8_0100,
               "ext_fn": SLAB + 0x10_0000, "printf": 0x7F00_1234_5670, "puts": 0x7F00_1234_6000,
               "memcmp": SLAB + 0x20_0000, "strlen": 0x7F00_1234_7000}


def _compilers() -> list[tuple[str, list[str]]]:
    found = []
    gcc = shutil.which("aarch64-linux-gnu-gcc")
    if gcc:
        found.append(("gcc", [gcc]))
    clang = find_clang()
    if clang:
        found.append(("clang", [clang, "--target=aarch64-linux-gnu"]))
    return found


COMPILERS = _compilers()
MODELS = [["-fPIE"], ["-fPIC"], ["-fpic"], ["-fno-pic"], ["-fno-pic", "-mcmodel=large"],
          ["-mcmodel=tiny"]]
OPTS = ["-O0", "-O1", "-O2", "-O3"]
# What gcc 12 and clang 14 emit for C across these models and levels (and the .eh_frame).
COMPILER_TYPES = {T[n] for n in (
    "ABS64", "PREL32", "PREL64", "CALL26", "JUMP26", "ADR_PREL_PG_HI21", "ADD_ABS_LO12_NC",
    "LDST8_ABS_LO12_NC", "LDST16_ABS_LO12_NC", "LDST32_ABS_LO12_NC", "LDST64_ABS_LO12_NC",
    "LDST128_ABS_LO12_NC", "ADR_GOT_PAGE", "LD64_GOT_LO12_NC", "LD64_GOTPAGE_LO15",
    "MOVW_UABS_G0_NC", "MOVW_UABS_G1_NC", "MOVW_UABS_G2_NC", "MOVW_UABS_G3", "GOT_LD_PREL19",
    "ADR_PREL_LO21", "LD_PREL_LO19")}


@pytest.fixture(scope="module")
def c_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("c") / "corpus.c"
    path.write_text(C_SOURCE)
    return path


SEEN: dict[str, set[int]] = {}


@pytest.mark.skipif(not COMPILERS, reason="no AArch64 C compiler (aarch64-linux-gnu-gcc, "
                                          "clang) is installed")
@pytest.mark.parametrize("compiler", COMPILERS, ids=[c for c, _ in COMPILERS])
@pytest.mark.parametrize("opt", OPTS)
@pytest.mark.parametrize("model", MODELS, ids=" ".join)
def test_compiled_c_links_and_matches_formulas(c_source: Path, compiler: tuple[str, list[str]],
                                               opt: str, model: list[str]) -> None:
    name, command = compiler
    obj = c_source.with_name(f"{name}{opt}{''.join(model)}.o")
    result = subprocess.run([*command, opt, *model, "-c", str(c_source), "-o", str(obj)],
                            capture_output=True, text=True)
    # Every compiler takes every model and level: a compile failure is a failure.
    assert result.returncode == 0, f"{name} {opt} {' '.join(model)}: {result.stderr}"
    data = obj.read_bytes()
    types = {r["type"] for r in elf_relocations(data)}
    assert types <= set(ELF_AARCH64_EDGES), {R_AARCH64.get(t, t) for t in types
                                             - set(ELF_AARCH64_EDGES)}
    graph, ctx = link(data, obj.name, C_EXTERNALS)
    assert "weak_fn" in ctx.looked_up
    checked = verify_linked(data, graph, ctx)
    assert checked == types - {R_NONE}
    SEEN.setdefault(name, set()).update(types)


@pytest.mark.skipif(not COMPILERS, reason="no AArch64 C compiler is installed")
def test_compilers_emit_only_known_types(c_source: Path) -> None:
    # Every type the compilers emitted over the matrix above is one this file expected them to.
    for name, command in COMPILERS:
        for opt in OPTS:
            for model in MODELS:
                obj = c_source.with_name(f"k-{name}{opt}{''.join(model)}.o")
                subprocess.run([*command, opt, *model, "-c", str(c_source), "-o", str(obj)],
                               capture_output=True, check=True)
                types = {r["type"] for r in elf_relocations(obj.read_bytes())}
                assert types - {R_NONE} <= COMPILER_TYPES, (name, opt, model)
