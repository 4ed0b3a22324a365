"""Decode one instruction into LLVM's MCInst operand list, for decode_operand and next_pc.

jitlink-check rules index operands the way LLVM's disassembler lays out an ``MCInst``, which
is not how capstone lists them. This module rebuilds LLVM's layout:

x86-64 (capstone gives the length, the operands in Intel order and the field offsets; the
layout and the immediate's extension are ours, checked against ``llvm-mc --disassemble
-show-inst``):

* a memory operand is five operands: base register, scale (Imm), index register,
  displacement (Imm, sign-extended), segment register (0 when absent); a ``moffs`` operand
  (``movabs 0x1122334455667788, %eax``) is two: offset (Imm) and segment register;
* a two-address instruction repeats its destination register as a tied source right after it
  (``addq foo(%rip), %rax`` is ``rax, rax, <mem>``; ``addq $1, %rcx`` is ``rcx, rcx, 1``);
  a memory destination is not repeated (``addq %rax, foo(%rip)`` is ``<mem>, rax``);
* implicit operands are absent: ``addq $imm, %rax`` in its short accumulator form (``48 05``)
  is just ``imm``, ``shlq %rax`` (``d1``) is ``rax, rax``, ``jrcxz`` is ``rel``;
* a relative branch or call is its encoded displacement (``call foo`` is ``foo - next_pc``),
  and a conditional branch, ``setcc`` or ``cmovcc`` also carries its condition code (Imm, the
  low nibble of the opcode) last;
* an immediate is sign-extended from its encoded width to 64 bits when its operand is
  signed in LLVM's tables (``imm8`` of ALU/mov/push/imul forms, ``imm32`` of a 64-bit
  operation, ``ret $imm16``) and zero-extended otherwise (``movl $0xffffffff, %edi`` is
  4294967295, ``movq $-1, %rax`` is -1, shift counts and SSE imm8 are unsigned);
* ``lock`` (and ``xacquire``/``xrelease`` before ``lock``) decode as an instruction of their
  own, one byte long with no operands, as LLVM's disassembler does; other prefixes belong to
  the instruction that follows.

AArch64 (fixed 32-bit words, decoded here; capstone only tells a valid word from an
undefined one): ``adrp`` gives (Rd, signed page count), ``adr`` (Rd, byte offset), ``add/sub``
immediate (Rd, Rn, imm12, shift 0 or 12), loads and stores with an unsigned offset (Rt, Rn,
imm12 scaled by the access size, i.e. the raw field), literal loads (Rt, word offset),
``b``/``bl`` (word offset), ``b.cond`` (cond, word offset), ``cbz`` (Rt, word offset),
``tbz`` (Rt, bit, word offset), ``movz``/``movn`` (Rd, imm16, shift) and ``movk`` (Rd, tied
Rd, imm16, shift), plus pre/post-indexed and unscaled loads, pairs, register-offset loads,
``br``/``blr``/``ret``, ``hint`` and ``udf``. Other valid words decode with ``operands`` None
(their length is known, their layout is not).

Register operands carry capstone's register id (and 0 for "no register", as LLVM does), not
LLVM's register numbers: RuntimeDyldChecker refuses to return a register operand anyway
("Operand 'N' of instruction 'sym' is not an immediate").

capstone is imported on first use, never at module import.
"""

from __future__ import annotations

from typing import Any, NamedTuple

__all__ = ["Instruction", "Operand", "decode"]


class Operand(NamedTuple):
    """One MCInst operand: an immediate (its signed 64-bit value) or a register (id, name)."""

    is_imm: bool
    value: int
    name: str = ""

    def describe(self) -> str:
        if self.is_imm:
            return f"<MCOperand Imm:{self.value}>"
        return f"<MCOperand Reg:{self.name or self.value}>"


class Instruction(NamedTuple):
    """A decoded instruction: its length, its text, and LLVM's operand list (None if unknown)."""

    size: int
    text: str
    operands: tuple[Operand, ...] | None

    def describe(self) -> str:
        """A dump in the spirit of LLVM's ``MCInst::dump_pretty``."""
        ops = "" if self.operands is None else "".join(" " + o.describe()
                                                        for o in self.operands)
        return f"<MCInst '{self.text}'{ops}>"


def decode(arch: str, code: bytes, address: int = 0) -> Instruction | None:
    """Decode the instruction at the start of ``code``; None if it is not a valid instruction.

    ``arch`` is "x86_64" or "aarch64"; ``address`` is where ``code`` sits (for the text only:
    operands are never absolute addresses).
    """
    if arch == "x86_64":
        return _decode_x86_64(code, address)
    if arch == "aarch64":
        return _decode_aarch64(code, address)
    raise ValueError(f"decode: unsupported architecture {arch!r}")


def _imm(value: int) -> Operand:
    return Operand(True, value)


def _sext(value: int, bits: int) -> int:
    sign = 1 << (bits - 1)
    return (value & (sign - 1)) - (value & sign)


# ---------------------------------------------------------------- capstone, lazily

_ENGINES: dict[str, Any] = {}


def _engine(arch: str) -> Any:
    md = _ENGINES.get(arch)
    if md is None:
        import capstone  # type: ignore[import-untyped]

        if arch == "x86_64":
            md = capstone.Cs(capstone.CS_ARCH_X86, capstone.CS_MODE_64)
            md.detail = True
        else:
            md = capstone.Cs(capstone.CS_ARCH_ARM64, capstone.CS_MODE_ARM)
        _ENGINES[arch] = md
    return md


# ---------------------------------------------------------------- x86-64

_LEGACY_PREFIXES = frozenset((0x66, 0x67, 0x2E, 0x3E, 0x26, 0x64, 0x65, 0x36, 0xF0, 0xF2,
                              0xF3))

# One-byte opcodes whose register operand is implicit: only the immediate is an operand
# (ADD64i32, TEST32i32, IN8ri, OUT8ir, ...).
_ACCUMULATOR_IMM = frozenset((0x04, 0x05, 0x0C, 0x0D, 0x14, 0x15, 0x1C, 0x1D, 0x24, 0x25,
                              0x2C, 0x2D, 0x34, 0x35, 0x3C, 0x3D, 0xA8, 0xA9,
                              0xE4, 0xE5, 0xE6, 0xE7))

# One-byte opcodes whose imm8 LLVM declares signed (i8imm, iNNi8imm); every other imm8
# (shift counts, bt, int, SSE/AVX selectors: u8imm) is zero-extended.
_SIGNED_IMM8 = frozenset((0x04, 0x0C, 0x14, 0x1C, 0x24, 0x2C, 0x34, 0x3C, 0x6A, 0x6B, 0x80,
                          0x82, 0x83, 0xA8, 0xC6, 0xF6) + tuple(range(0xB0, 0xB8)))

# Relative branches (operand: the sign-extended displacement).
_REL_MAP0 = frozenset((0xE8, 0xE9, 0xEB, 0xE0, 0xE1, 0xE2, 0xE3) + tuple(range(0x70, 0x80)))
_REL_MAP1 = frozenset(range(0x80, 0x90))

# Two-byte (0F xx) scalar SSE opcodes that LLVM decodes as tied ``_Int`` forms with an F2/F3
# prefix (cvtsi2ss, sqrtsd, addss, cvtss2sd, ...); capstone marks their destination write-only.
_SCALAR_SSE_TIED = frozenset((0x2A, 0x51, 0x52, 0x53, 0x58, 0x59, 0x5A, 0x5C, 0x5D, 0x5E,
                              0x5F))

# String instructions: LLVM's implicit register operands, by opcode (rdi, rsi, segment).
_STRING_OPS = {
    0xA4: ("rdi", "rsi", ""), 0xA5: ("rdi", "rsi", ""),      # movs
    0xA6: ("rdi", "rsi", ""), 0xA7: ("rdi", "rsi", ""),      # cmps
    0xAA: ("rdi",), 0xAB: ("rdi",),                          # stos
    0xAC: ("rsi", ""), 0xAD: ("rsi", ""),                    # lods
    0xAE: ("rdi",), 0xAF: ("rdi",),                          # scas
    0x6C: ("rdi",), 0x6D: ("rdi",),                          # ins
    0x6E: ("rsi", ""), 0x6F: ("rsi", ""),                    # outs
}


_SEGMENT_PREFIXES = {0x26: "es", 0x2E: "cs", 0x36: "ss", 0x3E: "ds", 0x64: "fs", 0x65: "gs"}


class _X86Encoding(NamedTuple):
    # 0: one-byte, 1: 0F, 2: 0F38, 3: 0F3A; VEX/EVEX/XOP: 0x100 + their map, so that rules
    # for legacy encodings never match them.
    opcode_map: int
    opcode: int
    prefixes: frozenset[int]
    rex_w: bool
    rex_b: bool
    end: int               # offset just past the opcode byte(s)


def _x86_encoding(raw: bytes) -> _X86Encoding:
    i = 0
    prefixes: set[int] = set()
    while i < len(raw) and raw[i] in _LEGACY_PREFIXES:
        prefixes.add(raw[i])
        i += 1
    rex = 0
    while i < len(raw) and 0x40 <= raw[i] <= 0x4F:   # only the last REX counts
        rex = raw[i]
        i += 1
    b = raw[i] if i < len(raw) else 0
    pre, w, rb = frozenset(prefixes), bool(rex & 8), bool(rex & 1)
    if b == 0xC5 and i + 2 < len(raw):                                    # 2-byte VEX
        return _X86Encoding(0x101, raw[i + 2], pre, False, False, i + 3)
    if (b == 0xC4 or (b == 0x8F and raw[i + 1] & 0x38)) and i + 3 < len(raw):  # VEX, XOP
        return _X86Encoding(0x100 + (raw[i + 1] & 0x1F), raw[i + 3], pre, False, False, i + 4)
    if b == 0x62 and i + 4 < len(raw):                                    # EVEX
        return _X86Encoding(0x100 + (raw[i + 1] & 0x7), raw[i + 4], pre, False, False, i + 5)
    if b == 0x0F and i + 1 < len(raw):
        nxt = raw[i + 1]
        if nxt in (0x38, 0x3A) and i + 2 < len(raw):
            return _X86Encoding(2 if nxt == 0x38 else 3, raw[i + 2], pre, w, rb, i + 3)
        return _X86Encoding(1, nxt, pre, w, rb, i + 2)
    return _X86Encoding(0, b, pre, w, rb, i + 1)


def _x86_immediate(raw: bytes, offset: int, size: int, enc: _X86Encoding) -> int:
    """The immediate as LLVM's disassembler stores it: signed or unsigned per operand type."""
    value = int.from_bytes(raw[offset:offset + size], "little")
    if size == 8:
        signed = True
    elif size == 4:
        # i64i32imm (REX.W forms, push imm32) is sign-extended; i32imm is not.
        signed = enc.rex_w or (enc.opcode_map == 0 and enc.opcode == 0x68)
    elif size == 2:
        # ret $imm16 / enter take i16imm without an operand-size prefix: sign-extended.
        signed = (enc.opcode_map == 0 and enc.opcode in (0xC2, 0xCA, 0xC8)
                  and 0x66 not in enc.prefixes)
    else:
        signed = enc.opcode_map == 0 and enc.opcode in _SIGNED_IMM8
    return _sext(value, size * 8) if signed else value


def _decode_x86_64(code: bytes, address: int) -> Instruction | None:
    if not code:
        return None
    # LLVM decodes these prefixes as instructions of their own (LOCK_PREFIX, XACQUIRE_PREFIX,
    # XRELEASE_PREFIX).
    if code[0] == 0xF0:
        return Instruction(1, "lock", ())
    if code[0] in (0xF2, 0xF3) and code[1:2] == b"\xf0":
        return Instruction(1, "xacquire" if code[0] == 0xF2 else "xrelease", ())
    md = _engine("x86_64")
    insn = next(md.disasm(bytes(code[:15]), address, 1), None)
    if insn is None:
        return None
    raw = bytes(insn.bytes)
    text = f"{insn.mnemonic} {insn.op_str}".strip()
    enc = _x86_encoding(raw)
    return Instruction(insn.size, text, _x86_operands(insn, raw, enc))


def _x86_operands(insn: Any, raw: bytes, enc: _X86Encoding) -> tuple[Operand, ...]:
    from capstone import x86  # type: ignore[import-untyped]

    def reg(r: int) -> Operand:
        if r == x86.X86_REG_INVALID:
            return Operand(False, 0)
        return Operand(False, r, insn.reg_name(r))

    op, m = enc.opcode, enc.opcode_map
    cs_ops = list(insn.operands)

    if m == 0:
        if op in _STRING_OPS:
            seg = next((n for p, n in _SEGMENT_PREFIXES.items() if p in enc.prefixes), "")
            return tuple(Operand(False, 1 if n else 0, n) if n else
                         Operand(False, 1 if seg else 0, seg) for n in _STRING_OPS[op])
        if op in (0xEC, 0xED, 0xEE, 0xEF):   # in/out with %dx: all operands implicit
            return ()
        if op in _ACCUMULATOR_IMM:
            return (_imm(_x86_immediate(raw, insn.imm_offset, insn.imm_size, enc)),)
        if 0xA0 <= op <= 0xA3:        # mov moffs: offset and segment
            mem = next(o for o in cs_ops if o.type == x86.X86_OP_MEM)
            width = 4 if 0x67 in enc.prefixes else 8
            off = int.from_bytes(raw[enc.end:enc.end + width], "little")
            return (_imm(_sext(off, 64) if width == 8 else off), reg(mem.mem.segment))
        if op == 0xC8:                # enter $imm16, $imm8: both signed
            return (_imm(_sext(int.from_bytes(raw[-3:-1], "little"), 16)),
                    _imm(_sext(raw[-1], 8)))
        if 0x91 <= op <= 0x97 or (op == 0x90 and enc.rex_b):
            # xchg %reg, %rax (XCHG64ar): the non-accumulator register, twice.
            r = next(o.reg for o in cs_ops
                     if insn.reg_name(o.reg) not in ("rax", "eax", "ax"))
            return (reg(r), reg(r))
        if op in (0x86, 0x87):       # xchg: register forms list both twice, memory form reg first
            r = [o for o in cs_ops if o.type == x86.X86_OP_REG]
            mem_ops = [o for o in cs_ops if o.type == x86.X86_OP_MEM]
            if mem_ops:
                return (reg(r[0].reg), reg(r[0].reg)) + _x86_mem(mem_ops[0], reg)
            # capstone prints (rm, reg); XCHG64rr is (reg, rm, reg, rm).
            pair = (reg(r[1].reg), reg(r[0].reg))
            return pair + pair
        if op in (0xD0, 0xD1, 0xD2, 0xD3):  # shift by 1 or by %cl: that operand is implicit
            first = cs_ops[0]
            if first.type == x86.X86_OP_MEM:
                return _x86_mem(first, reg)
            return (reg(first.reg), reg(first.reg))
        if 0xD8 <= op <= 0xDF and len(raw) > enc.end and raw[enc.end] >= 0xC0:
            # x87 register forms: only st(i), %st(0) is implicit.
            regs = [reg(o.reg) for o in cs_ops if o.type == x86.X86_OP_REG]
            others = [r for r in regs if r.name != "st(0)"]
            return tuple(others[:1] or regs[:1])
    if m == 1 and op in (0xA0, 0xA1, 0xA8, 0xA9):   # push/pop %fs/%gs: implicit
        return ()
    if m == 1 and op in (0xA5, 0xAD):   # shld/shrd by %cl: %cl is implicit
        cs_ops = [o for o in cs_ops if not (o.type == x86.X86_OP_REG and
                                            insn.reg_name(o.reg) == "cl")]
    if m == 1 and op in (0xC0, 0xC1):  # xadd: register form (rm, reg) twice; memory reg first
        r = [o for o in cs_ops if o.type == x86.X86_OP_REG]
        mem_ops = [o for o in cs_ops if o.type == x86.X86_OP_MEM]
        if mem_ops:
            return (reg(r[0].reg), reg(r[0].reg)) + _x86_mem(mem_ops[0], reg)
        pair = (reg(cs_ops[0].reg), reg(cs_ops[1].reg))
        return pair + pair

    relative = (m == 0 and op in _REL_MAP0) or (m == 1 and op in _REL_MAP1) or \
        (m == 0 and op == 0xC7 and insn.mnemonic == "xbegin")

    out: list[Operand] = []
    for i, o in enumerate(cs_ops):
        if o.type == x86.X86_OP_REG:
            out.append(reg(o.reg))
            if i == 0 and _x86_tied(o, enc):
                out.append(reg(o.reg))
        elif o.type == x86.X86_OP_MEM:
            out.extend(_x86_mem(o, reg))
        elif o.type == x86.X86_OP_IMM:
            if relative:
                rel = int.from_bytes(raw[insn.imm_offset:insn.imm_offset + insn.imm_size],
                                     "little")
                out.append(_imm(_sext(rel, insn.imm_size * 8)))
            elif insn.imm_size:
                out.append(_imm(_x86_immediate(raw, insn.imm_offset, insn.imm_size, enc)))
            else:
                out.append(_imm(o.imm))
    # (v)cmpps/pd/ss/sd: capstone folds the predicate into the mnemonic; LLVM keeps the imm8.
    if op == 0xC2 and m in (1, 0x101) and not any(o.type == x86.X86_OP_IMM for o in cs_ops):
        out.append(_imm(raw[-1]))
    # jcc, setcc and cmovcc carry their condition code last.
    if (m == 0 and 0x70 <= op <= 0x7F) or (m == 1 and (0x80 <= op <= 0x9F or
                                                      0x40 <= op <= 0x4F)):
        out.append(_imm(op & 0xF))
    return tuple(out)


def _x86_tied(first: Any, enc: _X86Encoding) -> bool:
    """Does LLVM repeat this destination register as a tied source?"""
    from capstone import CS_AC_READ, CS_AC_WRITE  # type: ignore[import-untyped]

    m, op = enc.opcode_map, enc.opcode
    if m == 1 and 0x40 <= op <= 0x4F:                      # cmovcc
        return True
    if m == 1 and op in _SCALAR_SSE_TIED and enc.prefixes & {0xF2, 0xF3}:
        return True
    if m == 3 and op in (0x0A, 0x0B) and 0x66 in enc.prefixes:  # roundss/roundsd
        return True
    if m == 1 and op in (0xB0, 0xB1):                      # cmpxchg: not tied
        return False
    return bool(first.access & CS_AC_READ and first.access & CS_AC_WRITE)


def _x86_mem(o: Any, reg: Any) -> tuple[Operand, ...]:
    # capstone's disp is the sign-extended displacement (its disp_size is wrong after 0x66).
    mem = o.mem
    return (reg(mem.base), _imm(mem.scale), reg(mem.index), _imm(mem.disp), reg(mem.segment))


# ---------------------------------------------------------------- AArch64


def _xreg(n: int, sp: bool = False, wide: bool = True) -> Operand:
    if n == 31:
        name = ("sp" if wide else "wsp") if sp else ("xzr" if wide else "wzr")
    else:
        name = f"{'x' if wide else 'w'}{n}"
    return Operand(False, n + 1, name)


def _vreg(n: int, size_letter: str) -> Operand:
    return Operand(False, n + 1, f"{size_letter}{n}")


def _aarch64_transfer_reg(w: int, rt: int) -> Operand:
    """The data register of a load/store (integer or SIMD&FP, by size/V/opc)."""
    size, v, opc = w >> 30, (w >> 26) & 1, (w >> 22) & 3
    if v:
        letter = "q" if (size == 0 and opc >= 2) else "bhsd"[size]
        return _vreg(rt, letter)
    wide = size == 3 or (opc == 2 and size != 3)   # ldrsb/ldrsh/ldrsw into Xt
    return _xreg(rt, wide=wide)


def _aarch64_valid_ldst(w: int) -> bool:
    size, v, opc = w >> 30, (w >> 26) & 1, (w >> 22) & 3
    if v:
        return opc < 2 or size == 0
    return not ((size == 3 and opc == 3) or (size == 2 and opc == 3))


# (opc, LL) of svc, hvc, smc, brk, hlt, dcps1-3.
_EXCEPTION_GEN = frozenset(((0, 1), (0, 2), (0, 3), (1, 0), (2, 0), (5, 1), (5, 2), (5, 3)))

# xpaclri, pacia1716, pacib1716, autia1716, autib1716, paciaz, paciasp, pacibz, pacibsp,
# autiaz, autiasp, autibz, autibsp.
_PAC_HINTS = frozenset((7, 8, 10, 12, 14) + tuple(range(24, 32)))


def _decode_aarch64(code: bytes, address: int) -> Instruction | None:
    if len(code) < 4:
        return None
    md = _engine("aarch64")
    insn = next(md.disasm(bytes(code[:4]), address, 1), None)
    if insn is None:
        return None
    text = f"{insn.mnemonic} {insn.op_str}".strip()
    w = int.from_bytes(code[:4], "little")
    return Instruction(4, text, _aarch64_operands(w))


def _aarch64_operands(w: int) -> tuple[Operand, ...] | None:  # noqa: C901 - a decode table
    rd, rn = w & 31, (w >> 5) & 31
    sf = bool(w >> 31)

    if (w & 0x1F000000) == 0x10000000:                       # adr / adrp
        imm = _sext((((w >> 5) & 0x7FFFF) << 2) | ((w >> 29) & 3), 21)
        return (_xreg(rd), _imm(imm))
    if (w & 0x1F800000) == 0x11000000:                       # add/sub (immediate)
        s = bool(w & (1 << 29))
        return (_xreg(rd, sp=not s, wide=sf), _xreg(rn, sp=True, wide=sf),
                _imm((w >> 10) & 0xFFF), _imm(12 if w & (1 << 22) else 0))
    if (w & 0x1F800000) == 0x12800000:                       # movn/movz/movk
        opc, hw = (w >> 29) & 3, (w >> 21) & 3
        if opc == 1 or (not sf and hw >= 2):
            return None
        d = _xreg(rd, wide=sf)
        imm16, shift = _imm((w >> 5) & 0xFFFF), _imm(hw * 16)
        return (d, d, imm16, shift) if opc == 3 else (d, imm16, shift)
    if (w & 0x7C000000) == 0x14000000:                       # b / bl
        return (_imm(_sext(w & 0x3FFFFFF, 26)),)
    if (w & 0xFF000010) == 0x54000000:                       # b.cond
        return (_imm(w & 0xF), _imm(_sext((w >> 5) & 0x7FFFF, 19)))
    if (w & 0x7E000000) == 0x34000000:                       # cbz / cbnz
        return (_xreg(rd, wide=sf), _imm(_sext((w >> 5) & 0x7FFFF, 19)))
    if (w & 0x7E000000) == 0x36000000:                       # tbz / tbnz
        bit = ((w >> 31) << 5) | ((w >> 19) & 31)
        return (_xreg(rd, wide=sf), _imm(bit), _imm(_sext((w >> 5) & 0x3FFF, 14)))
    if (w & 0x3B000000) == 0x18000000:                       # load literal
        opc, v = w >> 30, (w >> 26) & 1
        off = _imm(_sext((w >> 5) & 0x7FFFF, 19))
        if opc == 3:
            return None if v else (_imm(rd), off)            # prfm: the prefetch op is an Imm
        if v:
            return (_vreg(rd, "sdq"[opc]), off)
        return (_xreg(rd, wide=opc != 0), off)
    if (w & 0x3B000000) == 0x39000000:                       # load/store, unsigned offset
        if not _aarch64_valid_ldst(w):
            return None
        imm12 = _imm((w >> 10) & 0xFFF)
        if w >> 30 == 3 and not (w >> 26) & 1 and (w >> 22) & 3 == 2:     # prfm
            return (_imm(rd), _xreg(rn, sp=True), imm12)
        return (_aarch64_transfer_reg(w, rd), _xreg(rn, sp=True), imm12)
    if (w & 0x3B200000) == 0x38000000:                       # load/store, imm9 forms
        if not _aarch64_valid_ldst(w):
            return None
        mode = (w >> 10) & 3
        simm9 = _imm(_sext((w >> 12) & 0x1FF, 9))
        base = _xreg(rn, sp=True)
        if w >> 30 == 3 and not (w >> 26) & 1 and (w >> 22) & 3 == 2:
            return (_imm(rd), base, simm9) if mode == 0 else None          # prfum
        t = _aarch64_transfer_reg(w, rd)
        if mode in (1, 3):                                   # post-/pre-index: writeback base
            return (base, t, base, simm9)
        return (t, base, simm9)
    if (w & 0x3B200C00) == 0x38200800:                       # load/store, register offset
        if not _aarch64_valid_ldst(w):
            return None
        option = (w >> 13) & 7
        prfm = w >> 30 == 3 and not (w >> 26) & 1 and (w >> 22) & 3 == 2
        return (_imm(rd) if prfm else _aarch64_transfer_reg(w, rd), _xreg(rn, sp=True),
                _xreg((w >> 16) & 31, wide=bool(option & 1)),
                _imm((option >> 2) & 1), _imm((w >> 12) & 1))
    if (w & 0x3A000000) == 0x28000000:                       # load/store pair
        opc, v, mode = w >> 30, (w >> 26) & 1, (w >> 23) & 3
        if opc == 3 or (not v and opc == 1 and not (w >> 22) & 1):
            return None
        if v:
            t1, t2 = _vreg(rd, "sdq"[opc]), _vreg((w >> 10) & 31, "sdq"[opc])
        else:
            wide = opc != 0
            t1, t2 = _xreg(rd, wide=wide), _xreg((w >> 10) & 31, wide=wide)
        base, imm7 = _xreg(rn, sp=True), _imm(_sext((w >> 15) & 0x7F, 7))
        if mode in (1, 3):
            return (base, t1, t2, base, imm7)
        return (t1, t2, base, imm7)
    if (w & 0x1F200000) in (0x0B000000, 0x0A000000, 0x0A200000):  # add/sub/logical shifted
        if (w & 0x1F200000) == 0x0B000000 and (w >> 22) & 3 == 3:
            return None
        # LLVM's shifter operand: shift type in bits 7:6, amount below.
        shifter = (((w >> 22) & 3) << 6) | ((w >> 10) & 0x3F)
        return (_xreg(rd, wide=sf), _xreg(rn, wide=sf), _xreg((w >> 16) & 31, wide=sf),
                _imm(shifter))
    if (w & 0xFFFFFC1F) in (0xD61F0000, 0xD63F0000, 0xD65F0000):   # br / blr / ret
        return (_xreg(rn),)
    if (w & 0xFFFFF01F) == 0xD503201F:                       # hint (nop is hint #0)
        n = (w >> 5) & 0x7F
        # The pointer-authentication hints decode as instructions without operands.
        return () if n in _PAC_HINTS else (_imm(n),)
    if (w & 0xFF00001C) == 0xD4000000 and ((w >> 21) & 7, w & 3) in _EXCEPTION_GEN:
        return (_imm((w >> 5) & 0xFFFF),)                    # svc/hvc/smc/brk/hlt/dcps
    if (w & 0xFFFF0000) == 0:                                # udf
        return (_imm(w & 0xFFFF),)
    return None
