# ARM64_RELOC_PAGEOFF12 on loads and stores (unsigned offset): the imm12 field holds
# ((S + A) & 0xfff) >> shift, shift = log2 of the access size: 0 for 8-bit (LDRB/STRB,
# B registers), 1 for 16-bit (LDRH/STRH/LDRSH, H), 2 for 32-bit (LDR/STR W, LDRSW, S),
# 3 for 64-bit (LDR/STR X, D, and PRFM), 4 for 128-bit (LDR/STR Q). One relocation type
# covers them all (ELF has one per size); the linker reads the size from the instruction.
# With an ARM64_RELOC_ADDEND, A is added before scaling. Each load is paired with the
# PAGE21 of its ADRP, checked once per target.
#
# LLVM's operands for these instructions: (Rt, Rn, imm12) with imm12 the scaled field, and
# (prfop, Rn, imm12) for PRFM, so decode_operand(x, 2) = (S + A)[11:shift].
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=arm64-apple-macos11 -filetype=obj -o %t/ldst.o %s
# RUN: %python %S/Inputs/macho_relocs.py list %t/ldst.o | FileCheck %s --check-prefix=RELOC
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs _extq=0x12345ff0 -entry _main -check %s %t/ldst.o

# RELOC:      __TEXT,__text 0x4 ARM64_RELOC_PAGE21 pcrel=1 length=4 extern=1 _b8
# RELOC-NEXT: __TEXT,__text 0x8 ARM64_RELOC_PAGEOFF12 pcrel=0 length=4 extern=1 _b8
# RELOC-COUNT-16: ARM64_RELOC_PAGEOFF12 pcrel=0 length=4 extern=1
# RELOC-NEXT: __TEXT,__text {{.*}} ARM64_RELOC_ADDEND pcrel=0 length=4 extern=0 addend=2
# RELOC-NEXT: __TEXT,__text {{.*}} ARM64_RELOC_PAGEOFF12 pcrel=0 length=4 extern=1 _h16
# RELOC-NEXT: __TEXT,__text {{.*}} ARM64_RELOC_ADDEND pcrel=0 length=4 extern=0 addend=8
# RELOC-NEXT: __TEXT,__text {{.*}} ARM64_RELOC_PAGEOFF12 pcrel=0 length=4 extern=1 _x64
# RELOC-NEXT: __TEXT,__text {{.*}} ARM64_RELOC_ADDEND pcrel=0 length=4 extern=0 addend=32
# RELOC-NEXT: __TEXT,__text {{.*}} ARM64_RELOC_PAGEOFF12 pcrel=0 length=4 extern=1 _q128
# RELOC-NEXT: __TEXT,__text {{.*}} ARM64_RELOC_PAGE21 pcrel=1 length=4 extern=1 _extq
# RELOC-COUNT-5: ARM64_RELOC_PAGEOFF12 pcrel=0 length=4 extern=1 _extq
# RELOC-NOT:  ARM64_RELOC

        .section __TEXT,__text,regular,pure_instructions
        .globl  _main
        .p2align 2
_main:
        ret

# The data: a page-aligned section, 0x7b0 bytes of padding (global, so it is kept), then one
# object per access size at page offsets 0x7b0 ... 0x7c0.
# jitlink-check: _b8[11:0] = 0x7b0
# jitlink-check: _h16[11:0] = 0x7b2
# jitlink-check: _w32[11:0] = 0x7b4
# jitlink-check: _x64[11:0] = 0x7b8
# jitlink-check: _q128[11:0] = 0x7c0

# jitlink-check: decode_operand(test_adrp, 1) = _b8[63:12] - test_adrp[63:12]
        .globl  test_adrp
test_adrp:
        adrp    x0, _b8@PAGE

# ---- 8-bit: shift 0 ----
# jitlink-check: decode_operand(test_ldrb, 2) = _b8[11:0]
# jitlink-check: (*{4}test_ldrb)[9:0] = 0x01
# jitlink-check: (*{4}test_ldrb)[31:22] = 0x0e5
        .globl  test_ldrb
test_ldrb:
        ldrb    w1, [x0, _b8@PAGEOFF]
# jitlink-check: decode_operand(test_strb, 2) = _b8[11:0]
        .globl  test_strb
test_strb:
        strb    w2, [x0, _b8@PAGEOFF]
# jitlink-check: decode_operand(test_ldr_b, 2) = _b8[11:0]
        .globl  test_ldr_b
test_ldr_b:
        ldr     b3, [x0, _b8@PAGEOFF]

# ---- 16-bit: shift 1 ----
# jitlink-check: decode_operand(test_ldrh, 2) = _h16[11:1]
        .globl  test_ldrh
test_ldrh:
        ldrh    w1, [x0, _h16@PAGEOFF]
# jitlink-check: decode_operand(test_strh, 2) = _h16[11:1]
        .globl  test_strh
test_strh:
        strh    w2, [x0, _h16@PAGEOFF]
# jitlink-check: decode_operand(test_ldrsh, 2) = _h16[11:1]
        .globl  test_ldrsh
test_ldrsh:
        ldrsh   x3, [x0, _h16@PAGEOFF]
# jitlink-check: decode_operand(test_ldr_h, 2) = _h16[11:1]
        .globl  test_ldr_h
test_ldr_h:
        ldr     h4, [x0, _h16@PAGEOFF]

# ---- 32-bit: shift 2 ----
# jitlink-check: decode_operand(test_ldr_w, 2) = _w32[11:2]
        .globl  test_ldr_w
test_ldr_w:
        ldr     w1, [x0, _w32@PAGEOFF]
# jitlink-check: decode_operand(test_str_w, 2) = _w32[11:2]
        .globl  test_str_w
test_str_w:
        str     w2, [x0, _w32@PAGEOFF]
# jitlink-check: decode_operand(test_ldrsw, 2) = _w32[11:2]
        .globl  test_ldrsw
test_ldrsw:
        ldrsw   x3, [x0, _w32@PAGEOFF]
# jitlink-check: decode_operand(test_ldr_s, 2) = _w32[11:2]
        .globl  test_ldr_s
test_ldr_s:
        ldr     s4, [x0, _w32@PAGEOFF]

# ---- 64-bit: shift 3 ----
# jitlink-check: decode_operand(test_ldr_x, 2) = _x64[11:3]
        .globl  test_ldr_x
test_ldr_x:
        ldr     x1, [x0, _x64@PAGEOFF]
# jitlink-check: decode_operand(test_str_x, 2) = _x64[11:3]
        .globl  test_str_x
test_str_x:
        str     x2, [x0, _x64@PAGEOFF]
# jitlink-check: decode_operand(test_ldr_d, 2) = _x64[11:3]
        .globl  test_ldr_d
test_ldr_d:
        ldr     d3, [x0, _x64@PAGEOFF]
# jitlink-check: decode_operand(test_prfm, 2) = _x64[11:3]
        .globl  test_prfm
test_prfm:
        prfm    pldl1keep, [x0, _x64@PAGEOFF]

# ---- 128-bit: shift 4 ----
# jitlink-check: decode_operand(test_ldr_q, 2) = _q128[11:4]
        .globl  test_ldr_q
test_ldr_q:
        ldr     q1, [x0, _q128@PAGEOFF]
# jitlink-check: decode_operand(test_str_q, 2) = _q128[11:4]
        .globl  test_str_q
test_str_q:
        str     q2, [x0, _q128@PAGEOFF]

# ---- With an ADDEND: A is added before scaling ----
# jitlink-check: decode_operand(test_ldrh_addend, 2) = (_h16 + 2)[11:1]
        .globl  test_ldrh_addend
test_ldrh_addend:
        ldrh    w1, [x0, _h16@PAGEOFF + 2]
# jitlink-check: decode_operand(test_ldr_x_addend, 2) = (_x64 + 8)[11:3]
        .globl  test_ldr_x_addend
test_ldr_x_addend:
        ldr     x1, [x0, _x64@PAGEOFF + 8]
# jitlink-check: decode_operand(test_ldr_q_addend, 2) = (_q128 + 32)[11:4]
        .globl  test_ldr_q_addend
test_ldr_q_addend:
        ldr     q1, [x0, _q128@PAGEOFF + 32]

# ---- An external at the top of its page (_extq = 0x1234_5ff0) ----
# jitlink-check: decode_operand(test_adrp_ext, 1) = _extq[63:12] - test_adrp_ext[63:12]
        .globl  test_adrp_ext
test_adrp_ext:
        adrp    x5, _extq@PAGE
# jitlink-check: decode_operand(test_ldrb_ext, 2) = _extq[11:0]
        .globl  test_ldrb_ext
test_ldrb_ext:
        ldrb    w1, [x5, _extq@PAGEOFF]
# jitlink-check: decode_operand(test_ldrh_ext, 2) = _extq[11:1]
        .globl  test_ldrh_ext
test_ldrh_ext:
        ldrh    w1, [x5, _extq@PAGEOFF]
# jitlink-check: decode_operand(test_ldr_w_ext, 2) = _extq[11:2]
        .globl  test_ldr_w_ext
test_ldr_w_ext:
        ldr     w1, [x5, _extq@PAGEOFF]
# jitlink-check: decode_operand(test_ldr_x_ext, 2) = _extq[11:3]
        .globl  test_ldr_x_ext
test_ldr_x_ext:
        ldr     x1, [x5, _extq@PAGEOFF]
# jitlink-check: decode_operand(test_ldr_q_ext, 2) = _extq[11:4]
# jitlink-check: decode_operand(test_ldr_q_ext, 2) = 0xff
        .globl  test_ldr_q_ext
test_ldr_q_ext:
        ldr     q1, [x5, _extq@PAGEOFF]
        ret

        .section __DATA,__data
        .p2align 12
        .globl  pad
pad:
        .space  0x7b0
        .globl  _b8
_b8:
        .byte   1
        .p2align 1
        .globl  _h16
_h16:
        .short  2
        .p2align 2
        .globl  _w32
_w32:
        .long   3
        .p2align 3
        .globl  _x64
_x64:
        .quad   4
        .p2align 4
        .globl  _q128
_q128:
        .quad   5, 6
        .space  0x40

.subsections_via_symbols
