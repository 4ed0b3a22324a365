# -all_load: every member of every static archive links, needed or not (ld64's rule);
# without it an unreferenced member stays out. The member here has a static initializer,
# so once it is in, it is linked even with -noexec; and a member that defines a name
# twice in one JITDylib is then a duplicate. (llvm-jitlink 19 lacks -all_load.)
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/al_main.o %s
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj --defsym=INIT=1 \
# RUN:     -o %t/with_init.o %s
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj --defsym=DUP=1 \
# RUN:     -o %t/dup_main.o %s
# RUN: llvm-ar rcs %t/libinit.a %t/with_init.o
# RUN: llvm-ar rcs %t/libdup.a %t/dup_main.o
# RUN: pyjitlink -noexec -show-linked-files %t/al_main.o %t/libinit.a \
# RUN:   | FileCheck --check-prefix=NEEDED %s
# RUN: pyjitlink -noexec -all_load -show-linked-files %t/al_main.o %t/libinit.a \
# RUN:   | FileCheck --check-prefix=ALL %s
# RUN: pyjitlink -noexec %t/al_main.o %t/libdup.a
# RUN: not pyjitlink -noexec -all_load %t/al_main.o %t/libdup.a 2>&1 \
# RUN:   | FileCheck --check-prefix=DUP %s
#
# NEEDED: Linking {{.*}}al_main.o
# NEEDED-NOT: with_init.o
# ALL-DAG: Linking {{.*}}al_main.o
# ALL-DAG: Linking {{.*}}libinit.a(with_init.o)
# DUP: Duplicate definition of symbol 'main'

        .text
.ifdef INIT
        .globl  init_hook
        .type   init_hook,@function
init_hook:
        retq
        .size   init_hook, .-init_hook
        .section .init_array,"aw"
        .p2align 3
        .quad   init_hook
.else
        .globl  main
        .type   main,@function
main:
        xorl    %eax, %eax
        retq
        .size   main, .-main
.endif
