# Thread-local relocations (initial-exec R_X86_64_GOTTPOFF, local-exec R_X86_64_TPOFF32)
# are not supported: the link fails naming the relocation type, as LLVM's
# "Unsupported x86-64 relocation type" error does.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/tls_ie.o %s
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj --defsym=LOCAL_EXEC=1 \
# RUN:     -o %t/tls_le.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 %t/tls_ie.o 2>&1 | FileCheck --check-prefix=IE %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 %t/tls_le.o 2>&1 | FileCheck --check-prefix=LE %s
#
# IE: Unsupported x86-64 relocation type {{.*}}R_X86_64_GOTTPOFF
# LE: Unsupported x86-64 relocation type {{.*}}R_X86_64_TPOFF32

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
.ifndef LOCAL_EXEC
        movq    tls_var@GOTTPOFF(%rip), %rax
        movl    %fs:(%rax), %eax
.else
        movl    %fs:tls_var@TPOFF, %eax
.endif
        retq
        .size   main, .-main

        .section .tbss,"awT",@nobits
        .globl  tls_var
        .p2align 2
tls_var:
        .zero   4
        .size   tls_var, 4
