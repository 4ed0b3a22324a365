# An instruction relocation on a word that is not an instruction it can patch fails the
# link when the graph is built, naming the relocation, the place and the word; so does one
# at an offset that is not 4-byte aligned. (gcc and llvm-mc never emit these; .reloc does.)
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj --defsym=CASE=1 \
# RUN:     -o %t/mismatch1.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs ext=0x1000 %t/mismatch1.o 2>&1 \
# RUN:   | FileCheck %s --check-prefix=CALL26
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj --defsym=CASE=2 \
# RUN:     -o %t/mismatch2.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs ext=0x1000 %t/mismatch2.o 2>&1 \
# RUN:   | FileCheck %s --check-prefix=ADRP
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj --defsym=CASE=3 \
# RUN:     -o %t/mismatch3.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs ext=0x1000 %t/mismatch3.o 2>&1 \
# RUN:   | FileCheck %s --check-prefix=LDST64
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj --defsym=CASE=4 \
# RUN:     -o %t/mismatch4.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs ext=0x1000 %t/mismatch4.o 2>&1 \
# RUN:   | FileCheck %s --check-prefix=MOVW
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj --defsym=CASE=5 \
# RUN:     -o %t/mismatch5.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs ext=0x1000 %t/mismatch5.o 2>&1 \
# RUN:   | FileCheck %s --check-prefix=GOTLO12
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj --defsym=CASE=6 \
# RUN:     -o %t/mismatch6.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs ext=0x1000 %t/mismatch6.o 2>&1 \
# RUN:   | FileCheck %s --check-prefix=CONDBR
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj --defsym=CASE=7 \
# RUN:     -o %t/mismatch7.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs ext=0x1000 %t/mismatch7.o 2>&1 \
# RUN:   | FileCheck %s --check-prefix=TSTBR
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj --defsym=CASE=8 \
# RUN:     -o %t/mismatch8.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs ext=0x1000 %t/mismatch8.o 2>&1 \
# RUN:   | FileCheck %s --check-prefix=ADD
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj --defsym=CASE=9 \
# RUN:     -o %t/mismatch9.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs ext=0x1000 %t/mismatch9.o 2>&1 \
# RUN:   | FileCheck %s --check-prefix=UNALIGNED
#
# CALL26: mismatch1.o: R_AARCH64_CALL26 in section .text at offset 0x4 applies to instruction word 0xd503201f, which is not a B or BL
# ADRP: mismatch2.o: R_AARCH64_ADR_PREL_PG_HI21 in section .text at offset 0x4 applies to instruction word 0x10000000, which is not an ADRP
# LDST64: mismatch3.o: R_AARCH64_LDST64_ABS_LO12_NC in section .text at offset 0x4 applies to instruction word 0xb9400020, which is not a 64-bit load/store (unsigned immediate)
# MOVW: mismatch4.o: R_AARCH64_MOVW_UABS_G1 in section .text at offset 0x4 applies to instruction word 0xd2800000, which is not a MOVZ or MOVK with LSL #16
# GOTLO12: mismatch5.o: R_AARCH64_LD64_GOT_LO12_NC in section .text at offset 0x4 applies to instruction word 0xb9400000, which is not an LDR Xt (unsigned immediate)
# CONDBR: mismatch6.o: R_AARCH64_CONDBR19 in section .text at offset 0x4 applies to instruction word 0x14000000, which is not a B.cond, CBZ or CBNZ
# TSTBR: mismatch7.o: R_AARCH64_TSTBR14 in section .text at offset 0x4 applies to instruction word 0xb4000000, which is not a TBZ or TBNZ
# ADD: mismatch8.o: R_AARCH64_ADD_ABS_LO12_NC in section .text at offset 0x4 applies to instruction word 0xf9400000, which is not an ADD (immediate)
# UNALIGNED: mismatch9.o: R_AARCH64_CALL26 in section .text at offset 0x6 applies to instruction word {{.*}}, which is not a B or BL (instructions are 4-byte aligned)

        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        ret
        .size   main, .-main

        .globl  ext
        .globl  wrong
wrong:
.if CASE == 1
        .reloc  ., R_AARCH64_CALL26, ext
        nop                               // d503201f
.elseif CASE == 2
        .reloc  ., R_AARCH64_ADR_PREL_PG_HI21, ext
        adr     x0, .                     // an ADR (10000000)
.elseif CASE == 3
        .reloc  ., R_AARCH64_LDST64_ABS_LO12_NC, ext
        ldr     w0, [x1]                  // a 32-bit load (b9400020)
.elseif CASE == 4
        .reloc  ., R_AARCH64_MOVW_UABS_G1, ext
        movz    x0, #0                    // LSL #0, not #16 (d2800000)
.elseif CASE == 5
        .reloc  ., R_AARCH64_LD64_GOT_LO12_NC, ext
        ldr     w0, [x0]                  // LDR Wt (b9400000)
.elseif CASE == 6
        .reloc  ., R_AARCH64_CONDBR19, ext
        b       .                         // B (14000000)
.elseif CASE == 7
        .reloc  ., R_AARCH64_TSTBR14, ext
        cbz     x0, .                     // CBZ (b4000000)
.elseif CASE == 8
        .reloc  ., R_AARCH64_ADD_ABS_LO12_NC, ext
        ldr     x0, [x0]                  // f9400000
.else
        .reloc  . + 2, R_AARCH64_CALL26, ext
        bl      .
.endif
        .size   wrong, 4
