# R_AARCH64_GOT_LD_PREL19 whose GOT entry is more than 1 MiB from the load fails. 1 MiB of
# .bss (zero-fill: nothing in the object) sits between the GOT (first page, read-only) and
# .text (read-write pages come between), so the entry at 0xfff00000 is
# 0xfff00000 - 0x100001004 = -0x101004 bytes from the load.
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/got_ld_prel19_far.o %s
# RUN: not pyjitlink -noexec -slab-allocate 2Mb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs ext=0x1234 %t/got_ld_prel19_far.o 2>&1 | FileCheck %s
#
# CHECK: In graph {{.*}}got_ld_prel19_far.o, section .text: relocation target {{.*}} at address 0xfff00000 {{(with addend -?0x[0-9a-f]+ )?}}is out of range of LDRLiteral19 fixup at 0x100001004 ({{[^,]+}}, 0x100001000 + 0x4)

        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        ret
        .size   main, .-main

        .globl  load
load:
        ldr     x0, :got:ext
        .size   load, 4

        .bss
        .globl  big_bss
big_bss:
        .zero   0x100000
        .size   big_bss, 0x100000
