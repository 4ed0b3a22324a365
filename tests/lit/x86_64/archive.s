# Static archives: members are linked only when they define a symbol that is needed.
# member1 is needed by main, member2 by member1 (pulled in turn), and member3 by nobody:
# it references a symbol that nothing defines, so the link fails if member3 is linked.
# The archive is given as an input and through -L/-l.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/ar_main.o %s
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj --defsym=MEMBER1=1 \
# RUN:     -o %t/member1.o %s
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj --defsym=MEMBER2=1 \
# RUN:     -o %t/member2.o %s
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj --defsym=MEMBER3=1 \
# RUN:     -o %t/member3.o %s
# RUN: llvm-ar rcs %t/libparts.a %t/member1.o %t/member2.o %t/member3.o
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check %s %t/ar_main.o %t/libparts.a
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check %s %t/ar_main.o -L%t -lparts
#
# Without the archive, main's reference fails.
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 %t/ar_main.o 2>&1 | FileCheck %s
# CHECK: Symbols not found: [ part_one ]

        .text
.ifdef MEMBER1
        .globl  part_one
        .p2align 4, 0x90
        .type   part_one,@function
part_one:
        jmp     part_two@PLT
        .size   part_one, .-part_one
# jitlink-check: decode_operand(part_one, 0) = part_two - next_pc(part_one)
.else
.ifdef MEMBER2
        .globl  part_two
        .p2align 4, 0x90
        .type   part_two,@function
part_two:
        retq
        .size   part_two, .-part_two
.else
.ifdef MEMBER3
        .globl  part_three
        .p2align 4, 0x90
        .type   part_three,@function
part_three:
        jmp     never_defined_anywhere@PLT
        .size   part_three, .-part_three
.else
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        callq   part_one@PLT
        retq
        .size   main, .-main
# jitlink-check: decode_operand(main, 0) = part_one - next_pc(main)
.endif
.endif
.endif
