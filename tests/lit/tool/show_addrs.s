# -show-addrs prints the addresses registered for checking (llvm-jitlink's
# "Registered addresses" dump): symbols, then per file its sections, GOT entries and
# stubs. Map order is unspecified, hence CHECK-DAG. Addresses follow the slab layout:
# per graph an R-- segment (.rodata, then $__GOT), RW- (.data, then zero-fill .bss) and
# R-X (.text, then $__STUBS), each starting on a fresh page from -slab-address.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/show_addrs.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs far_fn=0x7fff00000000 -check %s \
# RUN:     %t/show_addrs.o -show-addrs | FileCheck %s
#
# CHECK: Registered addresses:
# CHECK-NEXT: Symbols:
# CHECK-DAG: {{^}}  "main" target addr = 0x00000000fff02000, content: 0x{{[0-9a-f]+}} -- 0x{{[0-9a-f]+}} (12 bytes)
# CHECK-DAG: {{^}}  "ro" target addr = 0x00000000fff00000, content: 0x{{[0-9a-f]+}} -- 0x{{[0-9a-f]+}} (8 bytes)
# CHECK-DAG: {{^}}  "counter" target addr = 0x00000000fff01000, content: 0x{{[0-9a-f]+}} -- 0x{{[0-9a-f]+}} (4 bytes)
# CHECK-DAG: {{^}}  "zeros" target addr = 0x00000000fff01008, content: 0x{{[0-9a-f]+}} -- 0x{{[0-9a-f]+}} (16 bytes)
# CHECK-DAG: {{^}}  "far_fn" target addr = 0x00007fff00000000, content: 0x0 -- 0x0 (0 bytes)
# CHECK: {{^}}File "show_addrs.o":
# CHECK-DAG: {{^}}  Section ".text": target addr = 0x00000000fff02000, content: 0x{{[0-9a-f]+}} -- 0x{{[0-9a-f]+}} (12 bytes)
# CHECK-DAG: {{^}}  Section ".rodata": target addr = 0x00000000fff00000, content: 0x{{[0-9a-f]+}} -- 0x{{[0-9a-f]+}} (8 bytes)
# CHECK-DAG: {{^}}  Section ".data": target addr = 0x00000000fff01000, content: 0x{{[0-9a-f]+}} -- 0x{{[0-9a-f]+}} (4 bytes)
# CHECK-DAG: {{^}}  Section ".bss": target addr = 0x00000000fff01008, content: 0x{{[0-9a-f]+}} -- 0x{{[0-9a-f]+}} (16 bytes)
# CHECK-DAG: {{^}}  Section "$__GOT": target addr = 0x00000000fff00008, content: 0x{{[0-9a-f]+}} -- 0x{{[0-9a-f]+}} (8 bytes)
# CHECK-DAG: {{^}}  Section "$__STUBS": target addr = 0x00000000fff0200c, content: 0x{{[0-9a-f]+}} -- 0x{{[0-9a-f]+}} (6 bytes)
# CHECK-DAG: {{^}}  GOT "far_fn": target addr = 0x00000000fff00008, content: 0x{{[0-9a-f]+}} -- 0x{{[0-9a-f]+}} (8 bytes)
# CHECK-DAG: {{^}}  Stubs "far_fn": target addr = 0x00000000fff0200c, content: 0x{{[0-9a-f]+}} -- 0x{{[0-9a-f]+}} (6 bytes)

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        movl    counter(%rip), %eax
        callq   far_fn@PLT
        retq
        .size   main, .-main

        .section .rodata,"a",@progbits
        .p2align 3
        .globl  ro
ro:
        .quad   0x1122334455667788
        .size   ro, 8

        .data
        .p2align 2
        .globl  counter
counter:
        .long   42
        .size   counter, 4

        .bss
        .p2align 3
        .globl  zeros
zeros:
        .zero   16
        .size   zeros, 16

# jitlink-check: *{4}counter = 42
