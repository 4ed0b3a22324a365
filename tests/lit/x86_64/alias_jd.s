# -alias with JITDylib prefixes ([<dst-jd>:]<alias>=[<src-jd>:]<aliasee>): main gets
# "api", re-exporting lib's impl_fn, although main does not link lib. Without a prefix
# the alias goes to the JITDylib chosen by position (the last -jd before it).
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/alias_jd_main.o %s
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj --defsym=LIB=1 \
# RUN:     -o %t/alias_jd_lib.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check %s %t/alias_jd_main.o -jd lib %t/alias_jd_lib.o \
# RUN:     -alias main:api=lib:impl_fn
#
# Placed after -jd lib without a prefix, the alias is defined in lib, not in main.
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 %t/alias_jd_main.o -jd lib %t/alias_jd_lib.o \
# RUN:     -alias api=impl_fn 2>&1 | FileCheck %s
# CHECK: Symbols not found: [ api ]

.ifndef LIB
        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        callq   api@PLT
        retq
        .size   main, .-main
# jitlink-check: decode_operand(main, 0) = impl_fn - next_pc(main)
.else
        .text
        .globl  impl_fn
        .p2align 4, 0x90
        .type   impl_fn,@function
impl_fn:
        retq
        .size   impl_fn, .-impl_fn
.endif
