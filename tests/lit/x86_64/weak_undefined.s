# A weak undefined reference that nothing defines resolves to 0 instead of failing:
# through a GOT entry, a pointer, and a call through the PLT stub.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/weak_undef.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check %s %t/weak_undef.o

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        retq
        .size   main, .-main

        .weak   optional_hook
        .weak   optional_data

# The GOT load is not relaxed into a lea of address 0: the GOT entry holds 0.
# jitlink-check: *{8}got_addr(weak_undef.o, optional_hook) = 0
# jitlink-check: decode_operand(test_load_hook, 4) = got_addr(weak_undef.o, optional_hook) - next_pc(test_load_hook)
        .globl  test_load_hook
        .type   test_load_hook,@function
test_load_hook:
        movq    optional_hook@GOTPCREL(%rip), %rax
        .size   test_load_hook, .-test_load_hook

# A call to the missing function goes through its stub, whose GOT entry is 0.
# jitlink-check: decode_operand(test_call_hook, 0) = stub_addr(weak_undef.o, optional_hook) - next_pc(test_call_hook)
        .globl  test_call_hook
        .type   test_call_hook,@function
test_call_hook:
        callq   optional_hook@PLT
        .size   test_call_hook, .-test_call_hook

        .data
        .p2align 3
# jitlink-check: *{8}ptr_optional = 0
        .globl  ptr_optional
ptr_optional:
        .quad   optional_data
        .size   ptr_optional, 8
