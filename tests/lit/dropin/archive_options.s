# Archive options: -load_hidden PATH links an archive whose members' symbols other
# JITDylibs cannot see; -search-sys-lib adds LD_LIBRARY_PATH's directories to the -l search.
#
# RUN: rm -rf %t && mkdir -p %t/lib
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/user.o %s
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj --defsym=MEMBER=1 \
# RUN:     -o %t/member.o %s
# RUN: llvm-ar rcs %t/lib/libparts.a %t/member.o
#
# The archive in JITDylib "other", which main links against: its symbol is visible unless
# it came in through -load_hidden.
# RUN: llvm-jitlink -noexec %t/user.o -jd other %t/lib/libparts.a -jd main -lother
# RUN: not llvm-jitlink -noexec %t/user.o -jd other -load_hidden %t/lib/libparts.a \
# RUN:     -jd main -lother 2>&1 | FileCheck --check-prefix=HIDDEN %s
# Within its own JITDylib a hidden member's symbols still resolve.
# RUN: llvm-jitlink -noexec %t/user.o -load_hidden %t/lib/libparts.a
#
# RUN: env LD_LIBRARY_PATH=%t/lib llvm-jitlink -noexec -search-sys-lib %t/user.o -lparts
# RUN: not llvm-jitlink -noexec %t/user.o -lparts 2>&1 | FileCheck --check-prefix=NOSYS %s
#
# HIDDEN: Symbols not found: [ part ]
# NOSYS: While linking main, could not find library for -lparts

        .text
.ifndef MEMBER
        .globl  main
        .type   main,@function
main:
        callq   part
        retq
        .size   main, .-main
.else
        .globl  part
        .type   part,@function
part:
        xorl    %eax, %eax
        retq
        .size   part, .-part
.endif
