"""decode_operand's operand numbering, checked against LLVM's own disassembler.

Each line is assembled by ``llvm-mc -show-encoding`` (fixup bytes filled with a pattern whose
sign bits are set), disassembled by ``llvm-mc --disassemble -show-inst``, and decoded by
pyjitlink.check.disasm; the operand lists must agree: same count, same kinds, equal immediates
(as 64-bit values), and "no register" where LLVM has Reg:0.
"""

from __future__ import annotations

import io

import pytest
from check_fake_env import FakeEnv
from check_llvm_mc import LLVM_MC, MCInst, assemble, disassemble

from pyjitlink.check.checker import check_rule
from pyjitlink.check.disasm import Instruction, decode

needs_llvm_mc = pytest.mark.skipif(LLVM_MC is None, reason="llvm-mc is not installed")

# Every x86-64 form that carries a relocation in practice, then neighbours that share their
# encodings (prefixes, other registers, immediate widths), then a sample of everything else.
X86_64_LINES = [
    # call/jmp/jcc rel32 (R_X86_64_PLT32 / PC32), and their rel8 forms
    "call foo", "{disp32} jmp foo", "{disp32} jne foo", "{disp32} je foo", "{disp32} jg foo",
    "jmp foo", "jne foo", "addr32 call foo", "data16 data16 rex64 callq __tls_get_addr@PLT",
    "xbegin foo", "jrcxz foo", "loop foo",
    # RIP-relative loads and lea (PC32, GOTPCREL, GOTPCRELX, REX_GOTPCRELX, GOTTPOFF, TLSGD)
    "movq foo(%rip), %rax", "movl foo(%rip), %eax", "movq foo@GOTPCREL(%rip), %rax",
    "movq foo@GOTPCREL(%rip), %r12", "leaq foo(%rip), %rax", "leaq foo(%rip), %r15",
    "lea foo(%rip), %eax", "movq foo@GOTTPOFF(%rip), %rax", "addq foo@GOTTPOFF(%rip), %rax",
    "data16 leaq foo@TLSGD(%rip), %rdi", "leaq foo@TLSLD(%rip), %rdi",
    "movb foo(%rip), %al", "movw foo(%rip), %ax", "movslq foo(%rip), %rax",
    "movzbl foo(%rip), %eax", "movzwl foo(%rip), %eax", "movsbl foo(%rip), %eax",
    # absolute immediates (R_X86_64_32 / 32S / 64 / 16 / 8)
    "movq $foo, %rax", "movq $foo, %r11", "movl $foo, %edi", "movl $foo, %r9d",
    "movabsq $foo, %rax", "movabsq $foo, %r10", "movw $foo, %ax", "movb $foo, %cl",
    "pushq $foo", "pushw $0x1234", "movl $foo, foo(%rip)", "movq $foo, foo(%rip)",
    "movb $1, foo(%rip)", "movw $1, foo(%rip)", "movw $foo, foo(%rip)",
    # absolute displacements: jump tables (R_X86_64_32S), TLS offsets, moffs (R_X86_64_64)
    "movq foo(,%rax,8), %rax", "movl foo(,%rcx,4), %edx", "jmpq *foo(,%rax,8)",
    "movl foo, %eax", "movl %eax, foo", "movq %fs:foo@TPOFF, %rax", "movq %fs:0, %rax",
    "leaq foo@DTPOFF(%rax), %rax", "movq foo@DTPOFF(%rax), %rax",
    "movabsl foo, %eax", "movabsq foo, %rax", "movabsq %rax, foo", "addr32 movl foo, %eax",
    # ALU with RIP-relative memory or immediates (tied operands)
    "cmpq foo(%rip), %rax", "cmpq %rax, foo(%rip)", "cmpl $1, foo(%rip)", "cmpq $foo, %rax",
    "cmpl $foo, %ecx", "addq foo(%rip), %rax", "addq %rax, foo(%rip)", "addq $foo, %rax",
    "addl $foo, %eax", "addq $foo, %rcx", "{disp32} addq $0x12345678, %rcx",
    "addq $0x12345678, %rax", "addl $0x92345678, %eax", "addw $foo, %cx",
    "addw $0x1234, %cx", "addb $foo, %al", "subq foo(%rip), %rax", "andq foo(%rip), %rax",
    "orl foo(%rip), %ecx", "xorl foo(%rip), %eax", "adcq foo(%rip), %rax",
    "sbbl $foo, foo(%rip)", "testq %rax, foo(%rip)", "testl $foo, foo(%rip)",
    "testq $foo, %rax", "testl $foo, %eax", "testl $foo, %ecx", "testb $foo, foo(%rip)",
    "imulq foo(%rip), %rax", "imulq $foo, %rax, %rcx", "imull $0x12345678, foo(%rip), %ecx",
    "cmoveq foo(%rip), %rax", "cmovneq %rcx, %rax", "sete foo(%rip)", "setne %al",
    "incq foo(%rip)", "incq %rax", "decl foo(%rip)", "negq %rax", "notq foo(%rip)",
    "bsfq foo(%rip), %rax", "btq $5, foo(%rip)",
    # indirect calls and jumps through memory (GOTPCRELX on call/jmp)
    "call *foo(%rip)", "call *foo@GOTPCREL(%rip)", "jmp *foo(%rip)", "callq *(%rax)",
    "callq *8(%rax)", "jmpq *%rax", "callq *%rax",
    # prefixes: LLVM decodes lock / xrelease as instructions of their own
    "lock addq $1, foo(%rip)", "lock incl foo(%rip)", "lock cmpxchgq %rcx, foo(%rip)",
    "xrelease lock addq $1, foo(%rip)", "fs movq foo(%rip), %rax",
    "movq %cs:foo(%rip), %rax", "notrack jmpq *%rax", "rep stosb", "rep movsq",
    # SSE/AVX with RIP-relative constants
    "movss foo(%rip), %xmm0", "movsd foo(%rip), %xmm1", "movaps foo(%rip), %xmm2",
    "addsd foo(%rip), %xmm0", "mulss foo(%rip), %xmm3", "cvtsi2sdl foo(%rip), %xmm0",
    "ucomisd foo(%rip), %xmm0", "vmovsd foo(%rip), %xmm0", "vaddsd foo(%rip), %xmm1, %xmm0",
    "movq foo(%rip), %xmm0", "movd foo(%rip), %xmm0", "pinsrd $1, foo(%rip), %xmm0",
    "andps foo(%rip), %xmm0", "sqrtsd foo(%rip), %xmm0", "cvtss2sd foo(%rip), %xmm0",
    "roundsd $4, foo(%rip), %xmm0", "pshufd $0xff, foo(%rip), %xmm0",
    "palignr $8, foo(%rip), %xmm0", "vfmadd231ps foo(%rip), %xmm1, %xmm0",
    "vpshufd $1, foo(%rip), %xmm0", "vinsertf128 $1, foo(%rip), %ymm1, %ymm0",
    # other addressing modes
    "movq foo(%rax,%rcx,4), %rax", "movq foo(%rbx), %rax", "movq foo(%rsp), %rax",
    "movq foo(%r13), %rax", "movq 8(%rbp), %rax", "movq -8(%rbp), %rax",
    "leaq -0x80(%rsp), %rsp", "movq foo(%eax), %rax", "movq %rax, foo(%rip)",
    # implicit operands, two-address oddities, everything else
    "shlq $3, %rax", "shlq %rax", "shlq %cl, %rax", "sarl $1, foo(%rip)",
    "shll $4, foo(%rip)", "rolq $3, foo(%rip)", "shldl $3, %eax, foo(%rip)",
    "xchgq %rax, foo(%rip)", "xchgq %rcx, %rax", "xchgq %rcx, %rdx", "xchgq %r8, %rax",
    "xaddq %rcx, foo(%rip)", "xaddq %rcx, %rdx", "cmpxchgq %rcx, foo(%rip)",
    "cmpxchgq %rcx, %rdx", "movsb", "cmpsb", "lodsq", "scasb", "inb $0x80, %al",
    "outb %al, $0x80", "enter $16, $0", "enter $0xffff, $0xff", "int $0x80",
    "retq $16", "ret", "nop", "nopw 0(%rax,%rax)", "nopl 0(%rax)", "int3", "ud2",
    "endbr64", "syscall", "pushq %rbp", "popq %rbp", "pushq foo(%rip)",
    "movq %rsp, %rbp", "leave", "cqto", "prefetcht0 foo(%rip)", "xorps %xmm0, %xmm0",
    "insb", "outsb", "fs lodsw", "inb %dx, %al", "outl %eax, %dx", "shldl %cl, %eax, %ecx",
    "shrdq %cl, %rdx, foo(%rip)", "pushq %fs", "popq %gs", "fldl foo(%rip)",
    "fstps foo(%rip)", "fadd %st(1), %st", "fdivr %st, %st(3)", "fcmovbe %st(2), %st",
    "cmpltps foo(%rip), %xmm0", "cmpps $1, foo(%rip), %xmm0", "cmpsd $3, foo(%rip), %xmm0",
    "vcmpps $1, foo(%rip), %xmm1, %xmm0", "vcmpps $1, foo(%rip), %zmm1, %k1",
    # AVX-512 (EVEX, compressed disp8*N), BMI, and other VEX maps
    "vmovdqu64 foo(%rip), %zmm0", "vaddps 64(%rax), %zmm1, %zmm0",
    "vpaddd %zmm2, %zmm1, %zmm0 {%k1}", "vpaddd %zmm2, %zmm1, %zmm0 {%k1} {z}",
    "vbroadcastss foo(%rip), %zmm0", "kmovw foo(%rip), %k1", "kandw %k1, %k2, %k3",
    "vpternlogd $0xff, foo(%rip), %zmm1, %zmm0", "vmovaps %ymm0, foo(%rip)",
    "andn foo(%rip), %eax, %ecx", "rorx $3, foo(%rip), %eax", "shlx %eax, foo(%rip), %ecx",
    "movbe foo(%rip), %eax", "crc32q foo(%rip), %rax", "popcntq foo(%rip), %rax",
    "cmpxchg16b foo(%rip)", "pextrd $1, %xmm0, foo(%rip)", "cvttsd2si foo(%rip), %rax",
    "cvtsi2ssq foo(%rip), %xmm0", "aesenc foo(%rip), %xmm0",
    "pclmulqdq $1, foo(%rip), %xmm0", "movsbw foo(%rip), %ax", "retw $0xfffe",
]

# AArch64 forms, written with numeric operands (llvm-mc's AArch64 fixups are bit fields).
AARCH64_LINES = [
    # ADRP/ADR (ADR_PREL_PG_HI21, ADR_PREL_LO21, GOT pages, TLS)
    "adrp x0, #-0x12345000", "adrp x16, #0x12345000", "adr x1, #-8", "adr x1, #0xfffff",
    # ADD :lo12: (ADD_ABS_LO12_NC, TLSLE_ADD_TPREL_*)
    "add x0, x0, #0x123", "add x16, x16, #0xff8", "add w0, w1, #0xfff, lsl #12",
    "adds x0, x1, #4", "subs w0, w1, #4", "cmp x0, #4", "sub x0, x1, #4",
    "add x0, sp, #16", "mov x0, sp", "mov sp, x0",
    # LDR/STR unsigned offsets (LDST*_ABS_LO12_NC, LD64_GOT_LO12_NC), scaled fields
    "ldr x0, [x1, #0xff8]", "ldr x17, [x16, #8]", "ldr w0, [x1, #4092]",
    "ldrb w0, [x1, #4095]", "ldrh w0, [x1, #4094]", "ldrsw x0, [x1, #4]",
    "ldrsb x0, [x1, #4]", "ldrsb w0, [x1, #4]", "ldrsh x0, [x1, #2]", "ldr q0, [x1, #16]",
    "ldr d0, [x1, #8]", "ldr s0, [x1, #4]", "ldr h0, [x1, #2]", "ldr b0, [x1, #1]",
    "str x0, [x1, #8]", "str w0, [sp, #12]", "strb w0, [x1, #1]", "strh w0, [x1, #2]",
    "str q0, [x1, #32]", "prfm pldl1keep, [x0, #8]",
    # literal loads (LD_PREL_LO19)
    "ldr x0, #-16", "ldr w0, #16", "ldrsw x0, #16", "ldr q0, #16", "ldr d0, #16",
    "ldr s0, #-4", "prfm pldl1keep, #16",
    # branches (JUMP26, CALL26, CONDBR19, TSTBR14)
    "b #-16", "b #0x7fffffc", "bl #0x7fffffc", "bl #-0x8000000", "b.eq #-16", "b.ne #16",
    "b.al #16", "cbz x0, #-16", "cbnz w0, #16", "tbz x0, #33, #-16", "tbnz w0, #3, #16",
    "tbz w5, #0, #0x7ffc",
    # MOVZ/MOVK/MOVN (MOVW_UABS_G*, MOVW_SABS_G*)
    "movz x0, #0xfedc", "movz x0, #0xffff, lsl #48", "movz w0, #0xffff, lsl #16",
    "movk x0, #0x1234, lsl #16", "movk x0, #0x1234, lsl #32", "movk x0, #0x1234, lsl #48",
    "movk w0, #0x1234, lsl #16", "movk x1, #0x1234", "movn x0, #0x10",
    "movn w0, #0x10, lsl #16", "mov x0, #0x10000", "mov x0, #-1",
    # stubs and the rest
    "br x16", "blr x0", "ret", "ret x1", "nop", "hint #25", "hint #34", "udf #0",
    "udf #0x1234", "brk #1", "svc #0", "hlt #3",
    "ldr x0, [x1, #8]!", "ldr x0, [x1], #8", "str x0, [sp, #-16]!", "ldr w0, [x1, #-4]!",
    "ldp x0, x1, [x2, #16]", "ldp x29, x30, [sp], #16", "stp x29, x30, [sp, #-16]!",
    "ldp q0, q1, [x0, #32]", "ldp w0, w1, [x0, #8]", "ldpsw x0, x1, [x0, #8]",
    "stp d8, d9, [sp, #-32]!", "ldur x0, [x1, #-8]", "stur w0, [x1, #3]",
    "ldurb w0, [x1, #-1]", "add x0, x1, x2", "add x0, x1, x2, lsl #3",
    "sub x0, x1, x2, lsr #3", "orr x0, x1, x2", "mov x0, x1", "and w0, w1, w2, asr #2",
    "ldr x0, [x1, x2, lsl #3]", "ldr x0, [x1, x2]", "ldr w0, [x1, w2, sxtw #2]",
    "ldrb w0, [x1, x2]", "str x0, [x1, w2, uxtw]",
]


def _walk(arch: str, code: bytes) -> list[Instruction | None]:
    out: list[Instruction | None] = []
    offset = 0
    while offset < len(code):
        inst = decode(arch, code[offset:], 0x1000 + offset)
        out.append(inst)
        if inst is None:
            break
        offset += inst.size
    return out


def _agree(ours: Instruction | None, theirs: MCInst) -> bool:
    if ours is None or ours.operands is None or len(ours.operands) != len(theirs.operands):
        return False
    for op, mc in zip(ours.operands, theirs.operands):
        if op.is_imm:
            if mc.kind != "Imm" or (op.value - mc.value) % (1 << 64):
                return False
        elif mc.kind != "Reg" or (op.value == 0) != (mc.value == 0):
            return False
    return True


@pytest.fixture(scope="module")
def oracle() -> dict[tuple[str, str], tuple[bytes, list[MCInst]]]:
    if LLVM_MC is None:
        pytest.skip("llvm-mc is not installed")
    table: dict[tuple[str, str], tuple[bytes, list[MCInst]]] = {}
    for arch, lines in (("x86_64", X86_64_LINES), ("aarch64", AARCH64_LINES)):
        encodings = assemble(lines, arch)
        for line, enc, insts in zip(lines, encodings, disassemble(encodings, arch)):
            table[arch, line] = (enc, insts)
    return table


def _compare(oracle: dict[tuple[str, str], tuple[bytes, list[MCInst]]], arch: str,
             line: str) -> None:
    code, theirs = oracle[arch, line]
    ours = _walk(arch, code)
    assert len(ours) == len(theirs), (line, code.hex(), ours, theirs)
    for mine, mc in zip(ours, theirs):
        assert _agree(mine, mc), (line, code.hex(), mine, mc)


@needs_llvm_mc
@pytest.mark.parametrize("line", X86_64_LINES)
def test_x86_64_operands_match_llvm(oracle, line: str) -> None:  # type: ignore[no-untyped-def]
    _compare(oracle, "x86_64", line)


@needs_llvm_mc
@pytest.mark.parametrize("line", AARCH64_LINES)
def test_aarch64_operands_match_llvm(oracle, line: str) -> None:  # type: ignore[no-untyped-def]
    _compare(oracle, "aarch64", line)


# ---------------------------------------------------------------- without llvm-mc


def ops(arch: str, hex_bytes: str) -> list[int | str]:
    inst = decode(arch, bytes.fromhex(hex_bytes))
    assert inst is not None and inst.operands is not None
    return [o.value if o.is_imm else ("reg" if o.value else "noreg") for o in inst.operands]


def test_x86_64_relocated_fields() -> None:
    # call rel32: the displacement, sign-extended
    assert ops("x86_64", "e8fcffffff") == [-4]
    # jne rel32: displacement, condition code (NE = 5)
    assert ops("x86_64", "0f8510000000") == [0x10, 5]
    # movq disp(%rip), %rax: rax, rip, scale 1, no index, disp, no segment
    assert ops("x86_64", "488b05f0debc9a") == ["reg", "reg", 1, "noreg", -0x65432110, "noreg"]
    # addq disp(%rip), %rax: the destination is repeated (tied)
    assert ops("x86_64", "48030510000000") == ["reg", "reg", "reg", 1, "noreg", 0x10, "noreg"]
    # movl $0xffffffff, %edi: zero-extended; movq $-1, %rax: sign-extended
    assert ops("x86_64", "bfffffffff") == ["reg", 0xFFFFFFFF]
    assert ops("x86_64", "48c7c0ffffffff") == ["reg", -1]
    # movabsq $imm64, %rax
    assert ops("x86_64", "48b88877665544332211") == ["reg", 0x1122334455667788]
    # movq disp32(,%rax,8), %rax: no base, scale 8, index rax
    assert ops("x86_64", "488b04c510000000") == ["reg", "noreg", 8, "reg", 0x10, "noreg"]
    # addq $imm32, %rax in its accumulator form: the immediate only
    assert ops("x86_64", "480510000000") == [0x10]


def test_x86_64_lock_is_an_instruction_of_its_own() -> None:
    inst = decode("x86_64", bytes.fromhex("f04883050000000001"))
    assert inst == Instruction(1, "lock", ())


def test_x86_64_lengths() -> None:
    for hex_bytes, size in [("c3", 1), ("e800000000", 5), ("48b80000000000000000", 10),
                            ("f30f1efa", 4), ("66662e0f1f840000000000", 11)]:
        inst = decode("x86_64", bytes.fromhex(hex_bytes) + b"\xcc" * 4)
        assert inst is not None and inst.size == size


def test_undecodable_bytes() -> None:
    assert decode("x86_64", b"") is None
    assert decode("x86_64", bytes.fromhex("06")) is None          # push %es: invalid in 64-bit
    assert decode("x86_64", bytes.fromhex("e800")) is None        # truncated
    assert decode("aarch64", bytes.fromhex("000000")) is None     # short
    assert decode("aarch64", bytes.fromhex("ffffffff")) is None   # unallocated
    with pytest.raises(ValueError):
        decode("riscv64", b"\x13\x00\x00\x00")


def test_aarch64_relocated_fields() -> None:
    # adrp x0, #-0x12345000: signed page count
    assert ops("aarch64", "c0e5f6f0") == ["reg", -0x12345]
    # add x0, x0, #0x123: Rd, Rn, imm12, shift
    assert ops("aarch64", "008c0491") == ["reg", "reg", 0x123, 0]
    # ldr x0, [x1, #0xff8]: the scaled field (0xff8 / 8)
    assert ops("aarch64", "20fc47f9") == ["reg", "reg", 0x1FF]
    # bl #0x7fffffc / b #-16: word offsets
    assert ops("aarch64", "ffffff95") == [0x1FFFFFF]
    assert ops("aarch64", "fcffff17") == [-4]
    # b.ne #16: cond, offset; tbz x0, #33, #-16: Rt, bit, offset
    assert ops("aarch64", "81000054") == [1, 4]
    assert ops("aarch64", "80ff0fb6") == ["reg", 33, -4]
    # movk x0, #0x1234, lsl #16: Rd, tied Rd, imm16, shift
    assert ops("aarch64", "8046a2f2") == ["reg", "reg", 0x1234, 16]
    # movz x0, #0xffff, lsl #48
    assert ops("aarch64", "e0ffffd2") == ["reg", 0xFFFF, 48]


def test_aarch64_unknown_layout_still_has_a_length() -> None:
    inst = decode("aarch64", bytes.fromhex("0008c11a"))  # udiv w0, w0, w1
    assert inst is not None and inst.size == 4 and inst.operands is None


def test_checker_on_aarch64() -> None:
    code = bytes.fromhex("c0e5f6f0" "008c0491" "ffffff95" "0008c11a")
    env = FakeEnv(blocks={0x400000: code}, arch="aarch64",
                  symbols={"adrp": 0x400000, "add": 0x400004, "bl": 0x400008,
                           "udiv": 0x40000C})
    for rule in ["decode_operand(adrp, 1) = 0-0x12345",
                 "decode_operand(adrp, 1)[20:0] = 0x1edcbb",
                 "decode_operand(add, 2) = 0x123", "decode_operand(bl, 0) = 0x1ffffff",
                 "decode_operand(adrp + 8, 0) = 0x1ffffff", "next_pc(bl) = bl + 4",
                 "next_pc(udiv) = udiv + 4"]:
        err = io.StringIO()
        assert check_rule(env, rule, err), err.getvalue()
    err = io.StringIO()
    assert not check_rule(env, "decode_operand(udiv, 0) = 0", err)
    assert "Operand layout of instruction 'udiv' is not known to pyjitlink" in err.getvalue()


# Instruction classes decode() claims to lay out for AArch64: (mask, value) of their encodings.
AARCH64_CLASSES = [
    (0x1F000000, 0x10000000), (0x1F800000, 0x11000000), (0x1F800000, 0x12800000),
    (0x7C000000, 0x14000000), (0xFF000010, 0x54000000), (0x7E000000, 0x34000000),
    (0x7E000000, 0x36000000), (0x3B000000, 0x18000000), (0x3B000000, 0x39000000),
    (0x3B200000, 0x38000000), (0x3B200C00, 0x38200800), (0x3A000000, 0x28000000),
    (0x1F200000, 0x0B000000), (0x1F000000, 0x0A000000), (0xFFFFF01F, 0xD503201F),
    (0xFF00001C, 0xD4000000),
]


@needs_llvm_mc
def test_aarch64_random_words_of_every_claimed_class_match_llvm() -> None:
    import random

    rng = random.Random(20240601)
    words: list[bytes] = []
    while len(words) < 600:
        mask, value = rng.choice(AARCH64_CLASSES)
        word = ((rng.getrandbits(32) & ~mask) | value).to_bytes(4, "little")
        inst = decode("aarch64", word)
        if inst is not None and inst.operands is not None:
            words.append(word)
    for word, theirs in zip(words, disassemble(words, "aarch64")):
        assert len(theirs) == 1 and _agree(decode("aarch64", word), theirs[0]), \
            (word[::-1].hex(), decode("aarch64", word), theirs)
