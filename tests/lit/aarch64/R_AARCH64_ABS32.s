# R_AARCH64_ABS32 (S + A, 32 bits) -> Pointer32. AAELF64 accepts X in [-2**31, 2**32): the
# field may hold a signed or an unsigned 32-bit value.
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/abs32.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs port=0x1234 -abs maxu32=0xffffffff \
# RUN:     -abs mins32=0xffffffff80000000 -check %s %t/abs32.o

        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        ret
        .size   main, .-main

        .data
        .p2align 2
# A slab address (0xfff0xxxx) fits unsigned.
# jitlink-check: *{4}word_main = main
        .globl  word_main
word_main:
        .word   main
        .size   word_main, 4

# jitlink-check: *{4}word_data_addend = word_main + 8
        .globl  word_data_addend
word_data_addend:
        .word   word_main + 8
        .size   word_data_addend, 4

# jitlink-check: *{4}word_port = 0x1234
        .globl  word_port
word_port:
        .word   port
        .size   word_port, 4

# The largest unsigned value.
# jitlink-check: *{4}word_max = 0xffffffff
        .globl  word_max
word_max:
        .word   maxu32
        .size   word_max, 4

# The smallest signed value, -2**31 (S = 2**64 - 2**31).
# jitlink-check: *{4}word_min = 0x80000000
        .globl  word_min
word_min:
        .word   mins32
        .size   word_min, 4

# A negative value: 0x1234 - 0x2234 = -0x1000.
# jitlink-check: *{4}word_negative = 0xfffff000
        .globl  word_negative
word_negative:
        .word   port - 0x2234
        .size   word_negative, 4

# jitlink-check: *{4}guard = 0xa55aa55a
        .globl  guard
guard:
        .word   0xa55aa55a
        .size   guard, 4
