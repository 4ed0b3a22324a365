# -alias alias=aliasee re-exports a symbol under a second name: references to the alias
# reach the aliasee's address. Aliases may also name an -abs symbol.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/alias_user.o %s
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj --defsym=IMPL=1 \
# RUN:     -o %t/alias_impl.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs real_const=0x1234 \
# RUN:     -alias public_fn=impl_fn -alias public_const=real_const \
# RUN:     -check %s %t/alias_user.o %t/alias_impl.o

.ifndef IMPL
        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        retq
        .size   main, .-main

# jitlink-check: decode_operand(test_call_alias, 0) = impl_fn - next_pc(test_call_alias)
        .globl  test_call_alias
        .type   test_call_alias,@function
test_call_alias:
        callq   public_fn@PLT
        .size   test_call_alias, .-test_call_alias

# jitlink-check: *{8}ptr_alias_const = 0x1234
        .data
        .p2align 3
        .globl  ptr_alias_const
ptr_alias_const:
        .quad   public_const
        .size   ptr_alias_const, 8
.else
        .text
        .globl  impl_fn
        .p2align 4, 0x90
        .type   impl_fn,@function
impl_fn:
        retq
        .size   impl_fn, .-impl_fn
.endif
