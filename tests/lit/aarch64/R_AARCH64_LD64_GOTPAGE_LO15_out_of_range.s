# R_AARCH64_LD64_GOTPAGE_LO15 needs G(GDAT(S + A)) - Page(GOT) in [0, 2**15): the small GOT
# holds 4096 entries. With 4097 targets (sym_0 ... sym_4096, resolved to 0 by
# -phony-externals) and the GOT starting the slab on a page boundary, the last entry is
# 0x8000 bytes past Page(GOT) and its load fails.
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/gotpage_lo15_far.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -phony-externals %t/gotpage_lo15_far.o 2>&1 | FileCheck %s
#
# CHECK: In graph {{.*}}gotpage_lo15_far.o, section .text: relocation target {{.*}} at address 0xfff08000 {{(with addend -?0x[0-9a-f]+ )?}}is out of range of GotPageOffset15 fixup at 0x{{[0-9a-f]+}} ({{[^,]+}}, 0xfff09000 + 0x{{[0-9a-f]+}})

        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        adrp    x1, _GLOBAL_OFFSET_TABLE_
        .altmacro
        .macro  load_got n
        ldr     x0, [x1, #:gotpage_lo15:sym_\n]
        .endm
        .set    i, 0
        .rept   4097
        load_got %i
        .set    i, i + 1
        .endr
        ret
        .size   main, .-main
