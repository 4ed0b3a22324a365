# Mach-O __eh_frame records that point nowhere: an FDE whose CIE pointer names no CIE
# ("No CIE found at address", the address computed modulo 2^64 from the field's place,
# 0x24, minus the pointer), and an FDE whose PC-begin (pc-relative, resolved by the
# assembler, no relocation) lands in no block ("No symbol or block covering address":
# the field at 0x28 plus 0x2000).
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-apple-macosx10.9 -filetype=obj --defsym=BADCIE=1 \
# RUN:     -o %t/bad_cie.o %s
# RUN: llvm-mc -triple=x86_64-apple-macosx10.9 -filetype=obj --defsym=BADPC=1 \
# RUN:     -o %t/bad_pc.o %s
# RUN: llvm-mc -triple=x86_64-apple-macosx10.9 -filetype=obj -o %t/good.o %s
# RUN: not llvm-jitlink -noexec %t/bad_cie.o 2>&1 | FileCheck --check-prefix=CIE %s
# RUN: not llvm-jitlink -noexec %t/bad_pc.o 2>&1 | FileCheck --check-prefix=PC %s
# RUN: llvm-jitlink -noexec %t/good.o
#
# CIE: {{^}}llvm-jitlink error: No CIE found at address 0xffffffffffffffe4{{$}}
# PC: {{^}}llvm-jitlink error: No symbol or block covering address 0x2028{{$}}

        .section __TEXT,__text,regular,pure_instructions
        .globl  _main
_main:
        xorl    %eax, %eax
        retq

        .section __TEXT,__eh_frame,coalesced,no_toc+strip_static_syms+live_support
        .p2align 3                  # at 0x8, after __text's 3 bytes
        .long   0x14                # CIE, augmentation "zR", FDE pointers pcrel|absptr
        .long   0
        .byte   1
        .asciz  "zR"
        .byte   1, 0x78, 16, 1, 0x10
        .byte   0x0c, 7, 8, 0x90, 1, 0, 0
        .long   0x1c                # FDE at 0x20
.ifdef BADCIE
        .long   0x40
.else
        .long   0x1c                # back to the CIE at 0x8
.endif
.ifdef BADPC
        .quad   0x2000
.else
        .quad   -0x28               # _main (at 0) - this field (at 0x28)
.endif
        .quad   3
        .byte   0
        .p2align 3
