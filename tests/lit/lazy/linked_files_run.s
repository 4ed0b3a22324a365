# Running links main.o at once and the lazy input at its first call, printed in that order
# by -show-linked-files; an input nothing calls is never linked. The exit status is what
# the lazy body returns.
#
# REQUIRES: x86_64-host
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/main.o %S/Inputs/lazy_main.s
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/lazy.o %s
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj --defsym=UNUSED=1 \
# RUN:   -o %t/unused.o %s
# RUN: %python -c "import subprocess, sys; sys.exit(subprocess.run(sys.argv[2:]).returncode != int(sys.argv[1]))" \
# RUN:   7 pyjitlink -show-linked-files %t/main.o -lazy %t/lazy.o -lazy %t/unused.o \
# RUN:   > %t/out.txt
# RUN: FileCheck %s < %t/out.txt
#
# CHECK: Linking {{.*}}main.o
# CHECK-NEXT: Linking {{.*}}lazy.o
# CHECK-NOT: unused.o

        .text
.ifndef UNUSED
        .globl  lazy_fn
        .p2align 4, 0x90
        .type   lazy_fn,@function
lazy_fn:
        movl    $7, %eax
        retq
        .size   lazy_fn, .-lazy_fn
.else
        .globl  never_called
        .type   never_called,@function
never_called:
        movl    $9, %eax
        retq
        .size   never_called, .-never_called
.endif
