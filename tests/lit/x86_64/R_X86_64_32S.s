# R_X86_64_32S (S + A, sign-extended 32-bit) -> Pointer32Signed: values in
# [-2^31, 2^31) as 64-bit addresses, i.e. the low 2 GiB and the top 2 GiB.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/abs32s.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs low=0x7ffffff0 -abs kernel=0xffffffff80001000 \
# RUN:     -check %s %t/abs32s.o

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        retq
        .size   main, .-main

# movq $imm32, %rax is MOV64ri32 = dst, imm (sign-extended to 64 bits when decoded).
# jitlink-check: decode_operand(test_mov_low, 1) = low
        .globl  test_mov_low
        .type   test_mov_low,@function
test_mov_low:
        movq    $low, %rax
        .size   test_mov_low, .-test_mov_low

# The highest value: 0x7ffffff0 + 0xf = 0x7fffffff.
# jitlink-check: decode_operand(test_mov_max, 1) = low + 0xf
        .globl  test_mov_max
        .type   test_mov_max,@function
test_mov_max:
        movq    $low+0xf, %rcx
        .size   test_mov_max, .-test_mov_max

# A negative value: the top-2-GiB address survives sign extension.
# jitlink-check: decode_operand(test_mov_kernel, 1) = kernel
        .globl  test_mov_kernel
        .type   test_mov_kernel,@function
test_mov_kernel:
        movq    $kernel, %rdx
        .size   test_mov_kernel, .-test_mov_kernel

# An absolute memory operand (no base register): movl disp32(,%rcx,4), %eax; the
# displacement is operand 4.
# jitlink-check: decode_operand(test_indexed, 4) = kernel + 8
        .globl  test_indexed
        .type   test_indexed,@function
test_indexed:
        movl    kernel+8(,%rcx,4), %eax
        .size   test_indexed, .-test_indexed

# The stored field is the low 32 bits.
# jitlink-check: *{4}word_kernel = kernel[31:0]
        .data
        .globl  word_kernel
word_kernel:
        .reloc  ., R_X86_64_32S, kernel
        .long   0
        .size   word_kernel, 4
