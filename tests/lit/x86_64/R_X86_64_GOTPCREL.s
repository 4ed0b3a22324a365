# R_X86_64_GOTPCREL (G + GOT + A - P) -> RequestGOTAndTransformToDelta32: a GOT entry is
# made for the target and the field points at it. Plain GOTPCREL is never relaxed, even
# when the target is close (assembled with -relax-relocations=false).
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -relax-relocations=false \
# RUN:     -filetype=obj -o %t/gotpcrel.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs ext=0xffe01000 -check %s %t/gotpcrel.o

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        retq
        .size   main, .-main

# A GOT load of a local definition: the instruction stays a mov (8b), its displacement
# reaches the GOT entry, and the entry holds the definition's address.
# jitlink-check: *{1}(test_gotpcrel_local + 1) = 0x8b
# jitlink-check: decode_operand(test_gotpcrel_local, 4) = got_addr(gotpcrel.o, local_var) - next_pc(test_gotpcrel_local)
# jitlink-check: *{8}got_addr(gotpcrel.o, local_var) = local_var
        .globl  test_gotpcrel_local
        .type   test_gotpcrel_local,@function
test_gotpcrel_local:
        movq    local_var@GOTPCREL(%rip), %rax
        .size   test_gotpcrel_local, .-test_gotpcrel_local

# A GOT load of an external.
# jitlink-check: decode_operand(test_gotpcrel_ext, 4) = got_addr(gotpcrel.o, ext) - next_pc(test_gotpcrel_ext)
# jitlink-check: *{8}got_addr(gotpcrel.o, ext) = ext
        .globl  test_gotpcrel_ext
        .type   test_gotpcrel_ext,@function
test_gotpcrel_ext:
        movq    ext@GOTPCREL(%rip), %rcx
        .size   test_gotpcrel_ext, .-test_gotpcrel_ext

# A second reference to the same target uses the same GOT entry; a non-mov
# instruction is fine too. ADD64rm = dst, src, base, scale, index, disp, segment.
# jitlink-check: decode_operand(test_gotpcrel_add, 5) = got_addr(gotpcrel.o, local_var) - next_pc(test_gotpcrel_add)
        .globl  test_gotpcrel_add
        .type   test_gotpcrel_add,@function
test_gotpcrel_add:
        addq    local_var@GOTPCREL(%rip), %rdx
        .size   test_gotpcrel_add, .-test_gotpcrel_add

# An indirect call through the GOT.
# jitlink-check: *{2}test_gotpcrel_call = 0x15ff
# jitlink-check: decode_operand(test_gotpcrel_call, 3) = got_addr(gotpcrel.o, ext) - next_pc(test_gotpcrel_call)
        .globl  test_gotpcrel_call
        .type   test_gotpcrel_call,@function
test_gotpcrel_call:
        callq   *ext@GOTPCREL(%rip)
        .size   test_gotpcrel_call, .-test_gotpcrel_call

        .data
        .p2align 3
        .globl  local_var
local_var:
        .quad   7
        .size   local_var, 8
