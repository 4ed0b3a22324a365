# A relocation type with no edge kind fails the link with LLVM's "Unsupported aarch64
# relocation type" error naming it: R_AARCH64_MOVW_SABS_G0 (signed MOVZ/MOVN), and a TLS
# one outside the models compilers use for AArch64 (R_AARCH64_TLSLD_ADD_DTPREL_LO12, local
# dynamic), which says why.
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj -o %t/sabs.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs ext=0x1000 %t/sabs.o 2>&1 | FileCheck %s
# RUN: llvm-mc -triple=aarch64-unknown-linux-gnu -filetype=obj --defsym=TLS=1 \
# RUN:     -o %t/tls.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs ext=0x1000 %t/tls.o 2>&1 \
# RUN:   | FileCheck %s --check-prefix=TLS
#
# CHECK: Unsupported aarch64 relocation type {{.*}}R_AARCH64_MOVW_SABS_G0
# TLS: Unsupported aarch64 relocation type {{.*}}R_AARCH64_TLSLD_ADD_DTPREL_LO12{{.*}}thread-local storage relocation is not supported

        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
.ifdef TLS
        add     x0, x0, :dtprel_lo12:ext
.else
        movz    x0, #:abs_g0_s:ext
.endif
        ret
        .size   main, .-main
