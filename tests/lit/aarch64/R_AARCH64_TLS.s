# Every ELF AArch64 thread-local relocation pyjitlink supports, checked against its AAELF64
# formula ("Thread-local storage relocations"; Drepper, "ELF Handling For Thread-Local
# Storage", 3.4.1: variant I, the thread pointer TP points at a 16-byte TCB and module
# blocks follow it).
#
# With -noexec the platform lays TLS modules out as a program's static TLS would be:
# module ids from 1, blocks after the TCB. This object is module 1; its block is .tdata
# (12 bytes, align 8) at offset 0 then .tbss (align 16) at offset 16, and it starts at
# TP + 16. Hence DTPREL(S) = S - section_addr(.tdata) for .tdata, 16 + S -
# section_addr(.tbss) for .tbss, and TPREL(S) = DTPREL(S) + 16: 32 + S - .tbss here.
# Instruction fields are read as raw bits: ADRP immhi:immlo [23:5]:[30:29], imm12 [21:10],
# imm16 [20:5], MOVZ/MOVN/MOVK opc [30:29].
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/tls.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs __tls_get_addr=0x10000 -check %s %t/tls.o

        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        ret
        .size   main, .-main

# TLSDESC_ADR_PAGE21: Page(G(GTLSDESC(S+A))) - Page(P); TLSDESC_LD64_LO12 and
# TLSDESC_ADD_LO12: G(GTLSDESC(S+A)) [11:3] and [11:0]; TLSDESC_CALL marks the BLR, which
# stays as it is. The descriptor: the resolver (none without an executor: 0), then its
# argument: the module is in static TLS, so TPREL(S).
# jitlink-check: decode_operand(test_desc_adrp, 1) = got_addr(tls.o, desc_var)[63:12] - test_desc_adrp[63:12]
# jitlink-check: (*{4}test_desc_ldr)[21:10] = got_addr(tls.o, desc_var)[11:3]
# jitlink-check: (*{4}test_desc_add)[21:10] = got_addr(tls.o, desc_var)[11:0]
# jitlink-check: *{4}test_desc_call = 0xd63f0020
# jitlink-check: *{8}got_addr(tls.o, desc_var) = 0
# jitlink-check: *{8}(got_addr(tls.o, desc_var) + 8) = desc_var - section_addr(tls.o, .tbss) + 32
        .globl  test_desc_adrp, test_desc_ldr, test_desc_add, test_desc_call
test_desc_adrp:
        adrp    x0, :tlsdesc:desc_var
test_desc_ldr:
        ldr     x1, [x0, :tlsdesc_lo12:desc_var]
test_desc_add:
        add     x0, x0, :tlsdesc_lo12:desc_var
        .tlsdesccall desc_var
test_desc_call:
        blr     x1

# TLSIE_ADR_GOTTPREL_PAGE21: Page(G(GTPREL(S+A))) - Page(P); TLSIE_LD64_GOTTPREL_LO12_NC:
# G(GTPREL(S+A)) [11:3]; the GOT entry holds TPREL(S+A).
# jitlink-check: decode_operand(test_ie_adrp, 1) = got_addr(tls.o, ie_var)[63:12] - test_ie_adrp[63:12]
# jitlink-check: (*{4}test_ie_ldr)[21:10] = got_addr(tls.o, ie_var)[11:3]
# jitlink-check: *{8}got_addr(tls.o, ie_var) = ie_var - section_addr(tls.o, .tbss) + 32
        .globl  test_ie_adrp, test_ie_ldr
test_ie_adrp:
        adrp    x0, :gottprel:ie_var
test_ie_ldr:
        ldr     x0, [x0, :gottprel_lo12:ie_var]

# TLSGD_ADR_PAGE21: Page(G(GTLSIDX(S+A))) - Page(P); TLSGD_ADD_LO12_NC: G(GTLSIDX(S+A))
# [11:0]; the GOT entry is a tls_index {module id, DTPREL(S+A)} for __tls_get_addr.
# jitlink-check: decode_operand(test_gd_adrp, 1) = got_addr(tls.o, gd_var)[63:12] - test_gd_adrp[63:12]
# jitlink-check: (*{4}test_gd_add)[21:10] = got_addr(tls.o, gd_var)[11:0]
# jitlink-check: *{8}got_addr(tls.o, gd_var) = 1
# jitlink-check: *{8}(got_addr(tls.o, gd_var) + 8) = gd_var - section_addr(tls.o, .tdata)
        .globl  test_gd_adrp, test_gd_add
# (llvm-mc has no :tlsgd: operators: the relocations are written out; adrp x0, 0 and
# add x0, x0, #0 are the instructions.)
test_gd_adrp:
        .reloc  ., R_AARCH64_TLSGD_ADR_PAGE21, gd_var
        .inst   0x90000000
test_gd_add:
        .reloc  ., R_AARCH64_TLSGD_ADD_LO12_NC, gd_var
        .inst   0x91000000
        bl      __tls_get_addr

# TLSLE_ADD_TPREL_HI12: TPREL(S+A) [23:12] (X < 2**24); TLSLE_ADD_TPREL_LO12_NC: [11:0];
# TLSLE_ADD_TPREL_LO12: [11:0] with X < 2**12 (ie_var is within the first 4 KiB);
# TLSLE_LDST32_TPREL_LO12_NC: [11:2] into a 32-bit load's scaled imm12.
# jitlink-check: (*{4}test_le_hi12)[21:10] = (le_var - section_addr(tls.o, .tbss) + 32)[23:12]
# jitlink-check: (*{4}test_le_hi12)[22:22] = 1
# jitlink-check: (*{4}test_le_lo12_nc)[21:10] = (le_var - section_addr(tls.o, .tbss) + 32)[11:0]
# jitlink-check: (*{4}test_le_lo12)[21:10] = (ie_var - section_addr(tls.o, .tbss) + 32)[11:0]
# jitlink-check: (*{4}test_le_ldst32)[21:10] = (le_var - section_addr(tls.o, .tbss) + 32)[11:2]
        .globl  test_le_hi12, test_le_lo12_nc, test_le_lo12, test_le_ldst32
test_le_hi12:
        add     x0, x0, :tprel_hi12:le_var
test_le_lo12_nc:
        add     x0, x0, :tprel_lo12_nc:le_var
test_le_lo12:
        add     x0, x0, :tprel_lo12:ie_var
test_le_ldst32:
        ldr     w0, [x0, :tprel_lo12_nc:le_var]

# TLSLE_MOVW_TPREL_G2/G1/G0: TPREL(S+A) [47:32]/[31:16]/[15:0] into a MOVZ (X >= 0) with
# the signed range checked; the _NC forms into a MOVK, unchecked.
# jitlink-check: (*{4}test_movw_g2)[20:5] = (le_var - section_addr(tls.o, .tbss) + 32)[47:32]
# jitlink-check: (*{4}test_movw_g2)[30:29] = 2
# jitlink-check: (*{4}test_movw_g1)[20:5] = (le_var - section_addr(tls.o, .tbss) + 32)[31:16]
# jitlink-check: (*{4}test_movw_g1_nc)[20:5] = (le_var - section_addr(tls.o, .tbss) + 32)[31:16]
# jitlink-check: (*{4}test_movw_g1_nc)[30:29] = 3
# jitlink-check: (*{4}test_movw_g0)[20:5] = (le_var - section_addr(tls.o, .tbss) + 32)[15:0]
# jitlink-check: (*{4}test_movw_g0_nc)[20:5] = (le_var - section_addr(tls.o, .tbss) + 32)[15:0]
        .globl  test_movw_g2, test_movw_g1, test_movw_g1_nc, test_movw_g0, test_movw_g0_nc
test_movw_g2:
        movz    x0, #:tprel_g2:le_var
test_movw_g1:
        movz    x0, #:tprel_g1:le_var
test_movw_g1_nc:
        movk    x0, #:tprel_g1_nc:le_var
test_movw_g0:
        movz    x0, #:tprel_g0:le_var
test_movw_g0_nc:
        movk    x0, #:tprel_g0_nc:le_var
        ret

# TLS_DTPMOD64: the module id; TLS_DTPREL64: DTPREL(S+A); TLS_TPREL64: TPREL(S+A) (as a
# dynamic linker would write them, here in data).
# jitlink-check: *{8}dtpmod = 1
# jitlink-check: *{8}dtprel64 = gd_var - section_addr(tls.o, .tdata) + 8
# jitlink-check: *{8}tprel64 = le_var - section_addr(tls.o, .tbss) + 32
        .data
        .p2align 3
        .globl  dtpmod, dtprel64, tprel64
dtpmod:
        .reloc  ., R_AARCH64_TLS_DTPMOD64, gd_var
        .xword  0
dtprel64:
        .reloc  ., R_AARCH64_TLS_DTPREL64, gd_var+8
        .xword  0
tprel64:
        .reloc  ., R_AARCH64_TLS_TPREL64, le_var
        .xword  0

        .section .tdata,"awT",@progbits
        .p2align 3
        .globl  gd_var
gd_var: .xword  1
        .word   2

        .section .tbss,"awT",@nobits
        .p2align 4
        .globl  ie_var, le_var, desc_var
ie_var: .zero   16
big:    .zero   8192
le_var: .zero   4
desc_var:
        .zero   4
