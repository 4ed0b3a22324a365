# A 32-bit data reference to an absolute symbol that does not fit is an out-of-range
# error, also when the link places code in native memory, where calls and jumps to far
# addresses may go through stubs: a data value bound to a stub's address would silently
# change what the program computes. Fitting values link as the ABI formulas say (in a slab,
# whose addresses are known; the failing runs place the graph in native memory).
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/data32.o %s
# RUN: llvm-jitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs FAR=0x12345678 -abs NEG=0xffffffff80000000 \
# RUN:     -abs REL=0xfff20000 -check=%s %t/data32.o
# RUN: not llvm-jitlink -noexec -abs FAR=0x1234567890 -abs NEG=0xffffffff80000000 \
# RUN:     -abs REL=0x1000 %t/data32.o 2>&1 | FileCheck --check-prefix=POINTER32 %s
# RUN: not llvm-jitlink -noexec -abs FAR=0x12345678 -abs NEG=0xffffffff7ffffff0 \
# RUN:     -abs REL=0x1000 %t/data32.o 2>&1 | FileCheck --check-prefix=SIGNED %s
# RUN: not llvm-jitlink -noexec -abs FAR=0x12345678 -abs NEG=0xffffffff80000000 \
# RUN:     -abs REL=0x7f0000000000 %t/data32.o 2>&1 | FileCheck --check-prefix=PCREL %s
#
# jitlink-check: *{4}ptr32 = FAR
# jitlink-check: *{4}(load_neg + 3) = NEG[31:0]
# jitlink-check: *{4}delta32 = (REL - delta32)[31:0]
# POINTER32: relocation target "FAR" at address 0x1234567890 is out of range of Pointer32 fixup
# SIGNED: relocation target "NEG" at address 0xffffffff7ffffff0 is out of range of Pointer32Signed fixup
# PCREL: relocation target "REL" at address 0x7f0000000000 is out of range of Delta32 fixup

        .text
        .globl  main
        .type   main,@function
main:
        movl    delta32(%rip), %eax
        .globl  load_neg
load_neg:
        movq    $NEG, %rcx         # R_X86_64_32S
        xorl    %eax, %eax
        retq
        .size   main, .-main

        .data
        .globl  ptr32
ptr32:
        .long   FAR                # R_X86_64_32
        .size   ptr32, 4
        .globl  delta32
delta32:
        .long   REL - .            # R_X86_64_PC32
        .size   delta32, 4
