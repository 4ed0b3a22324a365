# A universal (fat) file of static archives (llvm-lipo -create of an x86-64 and an arm64
# .a) links as the archive slice for the session's architecture, given as an input or
# found by -l; its member defines what main needs.
#
# RUN: rm -rf %t && mkdir -p %t/lib
# RUN: llvm-mc -triple=x86_64-apple-macosx10.9 -filetype=obj --defsym=MAIN=1 \
# RUN:     -o %t/fat_main.o %s
# RUN: llvm-mc -triple=x86_64-apple-macosx10.9 -filetype=obj -o %t/helper_x86.o %s
# RUN: llvm-mc -triple=arm64-apple-macos11 -filetype=obj --defsym=ARM=1 \
# RUN:     -o %t/helper_arm.o %s
# RUN: llvm-ar rcs %t/x86.a %t/helper_x86.o
# RUN: llvm-ar rcs %t/arm.a %t/helper_arm.o
# RUN: llvm-lipo -create %t/x86.a %t/arm.a -output %t/lib/libfat.a
# RUN: llvm-jitlink -noexec %t/fat_main.o %t/lib/libfat.a
# RUN: llvm-jitlink -noexec %t/fat_main.o -L%t/lib -lfat
# RUN: not llvm-jitlink -noexec %t/fat_main.o 2>&1 | FileCheck %s
#
# CHECK: Symbols not found: [ _helper ]

.ifdef MAIN
        .section __TEXT,__text,regular,pure_instructions
        .globl  _main
_main:
        jmp     _helper
.else
        .section __TEXT,__text,regular,pure_instructions
        .globl  _helper
_helper:
.ifdef ARM
        mov     w0, #0
        ret
.else
        xorl    %eax, %eax
        retq
.endif
.endif
