"""ELF x86-64 objects assembled by llvm-mc -> LinkGraphs, checked against the object itself.

The oracles: pyelftools' reading of the object (relocation type, offset, addend, symbol binding
and visibility), the psABI relocation formulas evaluated here, and ``readelf --debug-dump=frames``
for the .eh_frame record boundaries.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import capstone
import pytest
from capstone import x86 as cs_x86
from elftools.elf.elffile import ELFFile

from pyjitlink.arch.x86_64 import (
    GOT_BASE_NAME,
    GOT_SECTION,
    PLT_SECTION,
    EdgeKind,
    apply_fixup,
    build_got_and_plt,
)
from pyjitlink.errors import MalformedObject, UnsupportedRelocation
from pyjitlink.formats import build_link_graph
from pyjitlink.formats.elf_x86_64 import relocation_type_name
from pyjitlink.jitlink.eh_frame import fix_eh_frame_edges, split_eh_frame
from pyjitlink.jitlink.graph import GenericEdgeKind, LinkGraph, Linkage, Scope
from pyjitlink.jitlink.linker import apply_fixups
from toolchain import find_tool

LLVM_MC = find_tool("llvm-mc")
pytestmark = pytest.mark.skipif(LLVM_MC is None, reason="llvm-mc is not on PATH: cannot "
                                                        "assemble the test objects")
K = EdgeKind


def assemble(tmp_path: Path, source: str, name: str = "t") -> bytes:
    src = tmp_path / f"{name}.s"
    obj = tmp_path / f"{name}.o"
    src.write_text(source)
    subprocess.run([LLVM_MC, "-filetype=obj", "-triple=x86_64-unknown-linux-gnu", str(src),
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
        target = elf.get_section(sec.header["sh_info"]).name
        for rel in sec.iter_relocations():
            sym = symtab.get_symbol(rel["r_info_sym"])
            name = sym.name
            if sym["st_info"]["type"] == "STT_SECTION":
                name = elf.get_section(sym["st_shndx"]).name
            out.append(dict(section=target, offset=rel["r_offset"], type=rel["r_info_type"],
                            addend=rel["r_addend"], symbol=name, sym=sym))
    return out


# ----------------------------------------------------------------------------- relocations

# One instance of every supported relocation, at distinct offsets. foo, tiny and nb are
# externals placed by the test (foo near the code, tiny below 0x100, nb within 127 bytes of .data);
# sized is a defined object with a size.
RELOCS_SRC = """
.text
.globl main
main:
  movq foo@GOTPCREL(%rip), %rax      # R_X86_64_REX_GOTPCRELX
  movl foo@GOTPCREL(%rip), %eax      # R_X86_64_GOTPCRELX
  call foo@PLT                       # R_X86_64_PLT32
  leaq foo+16(%rip), %rax            # R_X86_64_PC32, addend 16 - 4
  movl $foo, %eax                    # R_X86_64_32
  movq $foo+5, %rax                  # R_X86_64_32S
  movabsq $foo@GOT, %rax             # R_X86_64_GOT64
  movabsq $foo@GOTOFF, %rax          # R_X86_64_GOTOFF64
  movabsq $foo@PLTOFF, %rax          # R_X86_64_PLTOFF64
  leaq _GLOBAL_OFFSET_TABLE_(%rip), %rbx   # R_X86_64_GOTPC32
  ret
.data
.globl near
near:
  .quad foo+8                        # R_X86_64_64
  .long foo                          # R_X86_64_32
  .word tiny                         # R_X86_64_16
  .byte tiny+1                       # R_X86_64_8
  .word foo-.                        # R_X86_64_PC16
  .byte nb-.                         # R_X86_64_PC8
  .quad foo-.                        # R_X86_64_PC64
  .long foo-.                        # R_X86_64_PC32
  .long foo@GOTPCREL                 # R_X86_64_GOTPCREL
  .long sized@SIZE                   # R_X86_64_SIZE32
  .quad sized@SIZE+3                 # R_X86_64_SIZE64
  .quad foo@GOTOFF+2                 # R_X86_64_GOTOFF64
  .quad foo@GOT                      # R_X86_64_GOT64
  .quad foo@PLTOFF                   # R_X86_64_PLTOFF64
  .reloc ., R_X86_64_GOTPCREL64, foo+1
  .quad 0
  .reloc ., R_X86_64_GOTPC64, _GLOBAL_OFFSET_TABLE_+6
  .quad 0
  .reloc ., R_X86_64_GOTPC32, _GLOBAL_OFFSET_TABLE_
  .long 0
  .reloc ., R_X86_64_NONE, foo
  .byte 0
.globl sized
sized:
  .zero 24
.size sized, 24
"""

# psABI type -> (edge kind, addend adjustment). PLT32 / GOTPCRELX kinds carry the -4 PC bias.
EXPECTED = {
    1: (K.Pointer64, 0),                                   # R_X86_64_64
    2: (K.Delta32, 0),                                     # PC32
    4: (K.BranchPCRel32, 4),                               # PLT32
    9: (K.RequestGOTAndTransformToDelta32, 0),             # GOTPCREL
    10: (K.Pointer32, 0),                                  # 32
    11: (K.Pointer32Signed, 0),                            # 32S
    12: (K.Pointer16, 0),                                  # 16
    13: (K.Delta16, 0),                                    # PC16
    14: (K.Pointer8, 0),                                   # 8
    15: (K.Delta8, 0),                                     # PC8
    24: (K.Delta64, 0),                                    # PC64
    25: (K.Delta64FromGOT, 0),                             # GOTOFF64
    26: (K.Delta32, 0),                                    # GOTPC32
    27: (K.RequestGOTAndTransformToDelta64FromGOT, 0),     # GOT64
    28: (K.RequestGOTAndTransformToDelta64, 0),            # GOTPCREL64
    29: (K.Delta64, 0),                                    # GOTPC64
    31: (K.Delta64FromGOT, 0),                             # PLTOFF64
    32: (K.Size32, 0),                                     # SIZE32
    33: (K.Size64, 0),                                     # SIZE64
    41: (K.RequestGOTAndTransformToPCRel32GOTLoadRelaxable, 4),      # GOTPCRELX
    42: (K.RequestGOTAndTransformToPCRel32GOTLoadREXRelaxable, 4),   # REX_GOTPCRELX
}
R_NONE = 0


@pytest.fixture(scope="module")
def relocs_object(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return assemble(tmp_path_factory.mktemp("relocs"), RELOCS_SRC, "relocs")


def _edges_at(graph: LinkGraph, section: str, offset: int) -> list:
    (block,) = graph.sections[section].blocks
    return [e for e in block.edges if e.offset == offset]


def test_object_has_every_relocation_type(relocs_object: bytes) -> None:
    types = {r["type"] for r in elf_relocations(relocs_object)}
    assert types == set(EXPECTED) | {R_NONE}


def test_relocation_types_map_to_edge_kinds(relocs_object: bytes) -> None:
    graph = build_link_graph(relocs_object, "relocs.o")
    relocs = elf_relocations(relocs_object)
    for r in relocs:
        edges = _edges_at(graph, r["section"], r["offset"])
        if r["type"] == R_NONE:
            assert edges == [], r
            continue
        kind, bias = EXPECTED[r["type"]]
        assert len(edges) == 1, r
        (edge,) = edges
        assert (graph.edge_kind_name(edge.kind), edge.addend) == (kind.name,
                                                                  r["addend"] + bias), r
        assert edge.target.name == r["symbol"], r
    total = sum(len(b.edges) for b in graph.blocks())
    assert total == sum(1 for r in relocs if r["type"] != R_NONE)


def test_gotpcrelx_with_unusual_addend_is_not_relaxable(tmp_path: Path) -> None:
    # movq foo@GOTPCREL+8(%rip), %rax spelled out, since llvm-mc would pick plain GOTPCREL.
    data = assemble(tmp_path, """
        .text
        .globl foo
        .byte 0x48, 0x8b, 0x05
        .reloc ., R_X86_64_REX_GOTPCRELX, foo+4
        .long 0
    """)
    (r,) = elf_relocations(data)
    assert r["type"] == 42 and r["addend"] == 4
    graph = build_link_graph(data, "x.o")
    (edge,) = _edges_at(graph, ".text", r["offset"])
    # GOT + G + A - P with A = 4 is still a GOT access, but not one that may be rewritten.
    assert (edge.kind, edge.addend) == (K.RequestGOTAndTransformToDelta32, 4)


# Addresses for the hand-made layout; foo and tiny are the externals' addresses.
TEXT, DATA, GOT, STUBS = 0x10000, 0x11000, 0x12000, 0x13000
FOO, TINY, NB = 0x10800, 0x40, DATA + 0x40
WIDTH = {1: 8, 2: 4, 4: 4, 9: 4, 10: 4, 11: 4, 12: 2, 13: 2, 14: 1, 15: 1, 24: 8, 25: 8, 26: 4,
         27: 8, 28: 8, 29: 8, 31: 8, 32: 4, 33: 8, 41: 4, 42: 4}
SIGNED = {2, 4, 9, 11, 13, 15, 24, 25, 26, 28, 29, 31, 41, 42}

MD = capstone.Cs(capstone.CS_ARCH_X86, capstone.CS_MODE_64)
MD.detail = True


def _read(graph: LinkGraph, address: int, width: int, signed: bool = False) -> int:
    for block in graph.blocks():
        if block.address <= address < block.address + block.size:
            off = address - block.address
            raw = bytes(block.content[off:off + width]) if block.content is not None else \
                bytes(width)
            return int.from_bytes(raw, "little", signed=signed)
    raise AssertionError(f"nothing at {address:#x}")


def _stub_destination(graph: LinkGraph, address: int) -> int:
    """Where the PLT stub at ``address`` jumps: decode ``jmp *disp(%rip)``, read the slot."""
    (block,) = [b for b in graph.sections[PLT_SECTION].blocks if b.address == address]
    (insn,) = MD.disasm(bytes(block.content), address)
    assert insn.mnemonic == "jmp"
    (op,) = insn.operands
    assert op.type == cs_x86.X86_OP_MEM and op.mem.base == cs_x86.X86_REG_RIP
    return _read(graph, insn.address + insn.size + op.mem.disp, 8)


def test_fixups_follow_psabi_formulas(relocs_object: bytes) -> None:
    """Layout by hand, GOT/PLT pass, fixups; each field checked with its psABI formula."""
    graph = build_link_graph(relocs_object, "relocs.o")
    build_got_and_plt(graph)
    bases = {".text": TEXT, ".data": DATA, GOT_SECTION: GOT, PLT_SECTION: STUBS}
    for name, section in graph.sections.items():
        address = bases[name]
        for block in section.blocks:
            address = (address + block.alignment - 1) // block.alignment * block.alignment
            block.address = address
            block.mutable_content()
            address += block.size
    graph.external_symbols["foo"].absolute_address = FOO
    graph.external_symbols["tiny"].absolute_address = TINY
    graph.external_symbols["nb"].absolute_address = NB
    apply_fixups(graph, apply_fixup)

    got_base = graph.find_symbol(GOT_BASE_NAME)
    assert got_base is not None and got_base.is_defined
    got = got_base.address
    section_base = {".text": TEXT, ".data": DATA}

    def symbol_value(r: dict) -> int:
        sym = r["sym"]
        if r["symbol"] == "foo":
            return FOO
        if r["symbol"] == "tiny":
            return TINY
        if r["symbol"] == "nb":
            return NB
        if r["symbol"] == GOT_BASE_NAME:
            return got
        shndx = sym["st_shndx"]
        assert isinstance(shndx, int)
        sec = ELFFile(io.BytesIO(relocs_object)).get_section(shndx).name
        value = sym["st_value"] if sym["st_info"]["type"] != "STT_SECTION" else 0
        return section_base[sec] + value

    checked = set()
    for r in elf_relocations(relocs_object):
        t = r["type"]
        if t == R_NONE:
            continue
        s, a = symbol_value(r), r["addend"]
        p = section_base[r["section"]] + r["offset"]
        v = _read(graph, p, WIDTH[t], signed=t in SIGNED)
        mask = (1 << (8 * WIDTH[t])) - 1
        if t in (1, 10, 11, 12, 14):                 # S + A
            assert v == (s + a) & mask if t not in SIGNED else v == s + a, r
        elif t in (2, 13, 15, 24):                   # S + A - P
            assert v == s + a - p, r
        elif t in (9, 41, 42, 28):                   # G + GOT + A - P: a slot holding S
            assert _read(graph, v - a + p, 8) == s, r
        elif t == 27:                                # G + A
            assert _read(graph, got + v - a, 8) == s, r
        elif t in (26, 29):                          # GOT + A - P
            assert v == got + a - p, r
        elif t == 25:                                # S + A - GOT
            assert v == s + a - got, r
        elif t in (4, 31):                           # L + A - P, L - GOT + A
            plt = v - a + p if t == 4 else v + got - a
            assert plt == s or _stub_destination(graph, plt) == s, r
        elif t in (32, 33):                          # Z + A
            assert v == 24 + a, r
        else:  # pragma: no cover - every type above is handled
            raise AssertionError(r)
        checked.add(t)
    assert checked == set(EXPECTED)


# ----------------------------------------------------------------------------- TLS


TLS_SOURCE = """
.text
nop
data16 leaq gd@tlsgd(%rip), %rdi
leaq ld@tlsld(%rip), %rdi
leaq ld@dtpoff(%rax), %rcx
movq ie@gottpoff(%rip), %rax
movl %fs:le@tpoff, %eax
leaq desc@tlsdesc(%rip), %rax
call *desc@tlscall(%rax)
.data
.reloc ., R_X86_64_DTPMOD64, gd
.quad 0
.reloc ., R_X86_64_DTPOFF64, ld
.quad 0
.reloc ., R_X86_64_TPOFF64, le
.quad 0
.section .tbss,"awT",@nobits
.globl le
le: .zero 4
"""

TLS_KINDS = {
    "R_X86_64_TLSGD": EdgeKind.RequestTLSGDAndTransformToDelta32,
    "R_X86_64_TLSLD": EdgeKind.RequestTLSLDAndTransformToDelta32,
    "R_X86_64_DTPOFF32": EdgeKind.DTPOff32,
    "R_X86_64_GOTTPOFF": EdgeKind.RequestGOTTPOffAndTransformToDelta32,
    "R_X86_64_TPOFF32": EdgeKind.TPOff32,
    "R_X86_64_GOTPC32_TLSDESC": EdgeKind.RequestTLSDescAndTransformToDelta32,
    "R_X86_64_TLSDESC_CALL": EdgeKind.TLSDescCall,
    "R_X86_64_DTPMOD64": EdgeKind.DTPMod64,
    "R_X86_64_DTPOFF64": EdgeKind.DTPOff64,
    "R_X86_64_TPOFF64": EdgeKind.TPOff64,
}


def test_tls_relocations_map_to_tls_edge_kinds(tmp_path: Path) -> None:
    """Each thread-local relocation becomes its edge kind at its offset, with its addend
    (the GOT-relative ones keep the instruction's -4), aimed at its symbol; .tbss is a
    thread-local section whose symbols are defined."""
    data = assemble(tmp_path, TLS_SOURCE)
    graph = build_link_graph(data, "tls.o")
    edges = {(b.section.name, e.offset): e for b in graph.blocks() for e in b.edges}
    relocations = [(relocation_type_name(r["type"]), r) for r in elf_relocations(data)]
    assert {name for name, _ in relocations} == set(TLS_KINDS)
    for name, r in relocations:
        edge = edges[r["section"], r["offset"]]
        assert (graph.edge_kind_name(edge.kind), edge.addend, edge.target.name) == (
            TLS_KINDS[name].name, r["addend"], r["symbol"]), r
    tbss = graph.sections[".tbss"]
    assert tbss.thread_local and not graph.sections[".data"].thread_local
    assert [s.name for s in tbss.symbols if s.name] == ["le"]


def test_unknown_relocation_type_is_unsupported(tmp_path: Path) -> None:
    data = bytearray(assemble(tmp_path, ".text\nnop\n.long foo-.\n"))
    elf = ELFFile(io.BytesIO(bytes(data)))
    rela = elf.get_section_by_name(".rela.text")
    data[rela.header["sh_offset"] + 8] = 200  # low byte of r_info = the type
    with pytest.raises(UnsupportedRelocation) as info:
        build_link_graph(bytes(data), "bad.o")
    assert "200" in str(info.value) and ".text" in str(info.value)
    assert info.value.offset == 1


# ----------------------------------------------------------------------------- symbols

SYMBOLS_SRC = """
.text
.globl g_def; .type g_def,@function
g_def: ret
.globl g_hid; .hidden g_hid
g_hid: ret
.globl g_prot; .protected g_prot
g_prot: ret
.globl g_int; .internal g_int
g_int: ret
.weak w_def
w_def: ret
.weak w_hid; .hidden w_hid
w_hid: ret
.weak w_prot; .protected w_prot
w_prot: ret
.weak w_int; .internal w_int
w_int: ret
l_def: ret
.hidden l_hid
l_hid: ret
.protected l_prot
l_prot: ret
.internal l_int
l_int: ret
.type l_func,@function
l_func: ret
.weak wref
.globl sref
  call wref
  call sref
"""


def _expected_linkage_scope(bind: str, vis: str) -> tuple[Linkage, Scope]:
    # gABI: LOCAL is invisible outside the object; HIDDEN (and INTERNAL, which is "hidden and
    # more") is invisible outside the component: the JITDylib; WEAK yields to a STRONG one.
    if bind == "STB_LOCAL":
        return Linkage.STRONG, Scope.LOCAL
    linkage = Linkage.WEAK if bind == "STB_WEAK" else Linkage.STRONG
    scope = Scope.HIDDEN if vis in ("STV_HIDDEN", "STV_INTERNAL") else Scope.DEFAULT
    return linkage, scope


def test_binding_and_visibility_give_linkage_and_scope(tmp_path: Path) -> None:
    data = assemble(tmp_path, SYMBOLS_SRC)
    graph = build_link_graph(data, "syms.o")
    elf = ELFFile(io.BytesIO(data))
    combos = set()
    for sym in elf.get_section_by_name(".symtab").iter_symbols():
        if not sym.name or sym["st_shndx"] == "SHN_UNDEF":
            continue
        bind, vis = sym["st_info"]["bind"], sym["st_other"]["visibility"]
        combos.add((bind, vis))
        gsym = graph.find_symbol(sym.name)
        assert gsym is not None and gsym.is_defined, sym.name
        assert (gsym.linkage, gsym.scope) == _expected_linkage_scope(bind, vis), sym.name
        assert gsym.callable == (sym["st_info"]["type"] == "STT_FUNC"), sym.name
        assert gsym.offset == sym["st_value"]
    assert len(combos) == 12  # LOCAL/GLOBAL/WEAK x the four visibilities all present
    assert graph.external_symbols["wref"].weakly_referenced
    assert not graph.external_symbols["sref"].weakly_referenced


def test_common_symbols_are_weak_zero_fill_in_common_section(tmp_path: Path) -> None:
    data = assemble(tmp_path, """
        .comm cbuf, 100, 32
        .comm c2, 8, 8
        .hidden c2
    """)
    elf = ELFFile(io.BytesIO(data))
    coms = {s.name: s for s in elf.get_section_by_name(".symtab").iter_symbols()
            if s["st_shndx"] == "SHN_COMMON"}
    assert set(coms) == {"cbuf", "c2"}
    graph = build_link_graph(data, "common.o")
    for name, size, align, scope in (("cbuf", 100, 32, Scope.DEFAULT),
                                     ("c2", 8, 8, Scope.HIDDEN)):
        sym = graph.find_symbol(name)
        assert sym is not None and sym.is_defined
        assert (coms[name]["st_size"], coms[name]["st_value"]) == (size, align)
        block = sym.block
        assert block.section.name == "__common"
        assert block.is_zero_fill
        assert (block.size, block.alignment, sym.offset, sym.size) == (size, align, 0, size)
        assert (sym.linkage, sym.scope) == (Linkage.WEAK, scope)


def test_abs_symbols(tmp_path: Path) -> None:
    data = assemble(tmp_path, """
        .globl absx
        absx = 0x1234
        .weak absw
        absw = 0xfedcba9876543210
        .data
        .quad absl
        absl = 0x99
    """)
    elf = ELFFile(io.BytesIO(data))
    abs_syms = {s.name: s for s in elf.get_section_by_name(".symtab").iter_symbols()
                if s["st_shndx"] == "SHN_ABS"}
    assert {"absx", "absw", "absl"} <= set(abs_syms)
    graph = build_link_graph(data, "abs.o")
    by_name = {s.name: s for s in graph.absolute_symbols}
    for name in ("absx", "absw", "absl"):
        sym = by_name[name]
        assert sym.is_absolute and sym.address == abs_syms[name]["st_value"]
        bind, vis = abs_syms[name]["st_info"]["bind"], abs_syms[name]["st_other"]["visibility"]
        assert (sym.linkage, sym.scope) == _expected_linkage_scope(bind, vis)


def test_bss_is_zero_fill(tmp_path: Path) -> None:
    data = assemble(tmp_path, """
        .bss
        .globl bvar
        .p2align 4
        .zero 8
        bvar: .zero 56
        .data
        .quad bvar
    """)
    graph = build_link_graph(data, "bss.o")
    (block,) = graph.sections[".bss"].blocks
    assert block.is_zero_fill and block.size == 64 and block.alignment == 16
    bvar = graph.find_symbol("bvar")
    assert bvar.block is block and bvar.offset == 8
    (edge,) = graph.sections[".data"].blocks[0].edges
    assert edge.target is bvar


def test_comdat_members_are_weak(tmp_path: Path) -> None:
    data = assemble(tmp_path, """
        .section .text.foo,"axG",@progbits,foo,comdat
        .globl foo
        foo: ret
        inner: ret
        .section .text.bar,"ax",@progbits
        .globl bar
        bar: ret
    """)
    elf = ELFFile(io.BytesIO(data))
    assert any(s.header["sh_type"] == "SHT_GROUP" for s in elf.iter_sections())
    graph = build_link_graph(data, "comdat.o")
    foo, bar, inner = (graph.find_symbol(n) for n in ("foo", "bar", "inner"))
    assert (foo.linkage, foo.scope) == (Linkage.WEAK, Scope.DEFAULT)
    assert (bar.linkage, bar.scope) == (Linkage.STRONG, Scope.DEFAULT)
    assert (inner.linkage, inner.scope) == (Linkage.STRONG, Scope.LOCAL)
    assert ".group" not in graph.sections


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
nop
pushq %rbp
.cfi_def_cfa_offset 16
popq %rbp
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
    records = []
    for m in re.finditer(r"^([0-9a-f]{8}) ([0-9a-f]{8,16}) ([0-9a-f]{8}) (CIE|FDE)", out, re.M):
        records.append((int(m.group(1), 16), int(m.group(2), 16) + 4, m.group(4)))
    return records


@pytest.mark.skipif(READELF is None, reason="readelf is not on PATH")
def test_eh_frame_split_into_cie_and_fde_blocks(tmp_path: Path) -> None:
    data = assemble(tmp_path, EH_SRC, "eh")
    records = _readelf_frames(tmp_path / "eh.o")
    assert [k for _, _, k in records] == ["CIE", "FDE", "FDE", "FDE"]
    graph = build_link_graph(data, "eh.o")
    section = graph.sections[".eh_frame"]
    (whole,) = section.blocks
    start = whole.address
    original = bytes(whole.content)
    split_eh_frame(graph)
    got = [(b.address - start, b.size) for b in section.blocks]
    assert got == [(off, size) for off, size, _ in records]
    for block in section.blocks:
        off = block.address - start
        assert bytes(block.content) == original[off:off + block.size]
        assert block.alignment == 4

    # Each FDE's PC-begin relocation stays with its FDE; CIE pointers become edges; each
    # function's block keeps its FDE alive.
    fix_eh_frame_edges(graph, neg_delta32=K.NegDelta32)
    cie = section.blocks[0]
    relocs = [r for r in elf_relocations(data) if r["section"] == ".eh_frame"]
    assert len(relocs) == 3
    for fde, r in zip(section.blocks[1:], relocs):
        fde_off = fde.address - start
        pc_edges = [e for e in fde.edges if e.kind == K.Delta32]
        assert [e.offset + fde_off for e in pc_edges] == [r["offset"]]
        cie_edges = [e for e in fde.edges if e.kind == K.NegDelta32]
        assert len(cie_edges) == 1 and cie_edges[0].offset == 4
        assert cie_edges[0].target.block is cie
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
        for edge in fde.edges:
            if edge.kind == K.NegDelta32:
                before = bytes(fde.content[4:8])
                fde.content[4:8] = b"\0\0\0\0"
                apply_fixup(graph, fde, edge)
                assert bytes(fde.content[4:8]) == before


def test_truncated_eh_frame_record_is_malformed(tmp_path: Path) -> None:
    data = assemble(tmp_path, """
        .section .eh_frame,"a",@unwind
        .long 0x40
        .long 0
        .quad 0
    """)
    graph = build_link_graph(data, "eh.o")
    with pytest.raises(MalformedObject, match="extends past"):
        split_eh_frame(graph)
