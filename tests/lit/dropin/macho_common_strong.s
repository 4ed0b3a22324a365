# A strong definition overrides a common (tentative) one of the same name, in either
# input order, as a static linker resolves them: main reads the strong object's 5.
# (llvm-jitlink 19 stops with "Unexpected definitions" here.)
#
# REQUIRES: x86_64-host
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-apple-macosx10.9 -filetype=obj -o %t/uses_common.o %s
# RUN: llvm-mc -triple=x86_64-apple-macosx10.9 -filetype=obj --defsym=STRONG=1 \
# RUN:     -o %t/strong.o %s
# RUN: pyjitlink -show-jit-result %t/uses_common.o %t/strong.o | FileCheck %s
# RUN: pyjitlink -show-jit-result %t/strong.o %t/uses_common.o | FileCheck %s
# RUN: pyjitlink -show-jit-result %t/uses_common.o | FileCheck --check-prefix=COMMON %s
#
# CHECK: JIT result: 5
# COMMON: JIT result: 0

.ifdef STRONG
        .section __DATA,__data
        .globl  _counter
        .p2align 2
_counter:
        .long   5
.else
        .section __TEXT,__text,regular,pure_instructions
        .globl  _main
_main:
        movl    _counter(%rip), %eax
        retq
        .comm   _counter, 4, 2
.endif
