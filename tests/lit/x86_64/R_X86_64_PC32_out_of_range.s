# R_X86_64_PC32 whose target is more than 2 GiB away: the Delta32 fixup must fail with
# LLVM's out-of-range message instead of writing a truncated value.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/pc32_far.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs far=0x7fff00000000 %t/pc32_far.o 2>&1 \
# RUN:   | FileCheck %s
#
# CHECK: In graph {{.*}}pc32_far.o, section .text: relocation target "far" at address 0x7fff00000000 {{(with addend -?0x[0-9a-f]+ )?}}is out of range of Delta32 fixup at 0x{{[0-9a-f]+}} (main, 0x{{[0-9a-f]+}} + 0x3)

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        leaq    far(%rip), %rax
        retq
        .size   main, .-main
