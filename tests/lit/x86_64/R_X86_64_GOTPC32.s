# R_X86_64_GOTPC32 (GOT + A - P, 32-bit): a PC-relative reference to the GOT base,
# _GLOBAL_OFFSET_TABLE_, as "leaq _GLOBAL_OFFSET_TABLE_(%rip), %reg" produces.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/gotpc32.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs far=0x7fff00000000 -check %s %t/gotpc32.o

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        retq
        .size   main, .-main

# jitlink-check: decode_operand(test_gotpc32, 4) = _GLOBAL_OFFSET_TABLE_ - next_pc(test_gotpc32)
        .globl  test_gotpc32
        .type   test_gotpc32,@function
test_gotpc32:
        leaq    _GLOBAL_OFFSET_TABLE_(%rip), %rbx
        .size   test_gotpc32, .-test_gotpc32

# With an entry in it, the GOT base is the start of the GOT section (where ld puts it
# too), so base + (entry - base) reaches the entry.
# jitlink-check: _GLOBAL_OFFSET_TABLE_ = section_addr(gotpc32.o, $__GOT)
# jitlink-check: *{8}got_addr(gotpc32.o, far) = far
        .globl  test_got_entry
        .type   test_got_entry,@function
test_got_entry:
        movq    far@GOTPCREL(%rip), %rax
        .size   test_got_entry, .-test_got_entry
