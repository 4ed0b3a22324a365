# SUBTRACTOR pairs inside a Mach-O arm64 __eh_frame, as compilers write an FDE's fields
# when the records carry names: the CIE pointer is "_fde + 4 - _cie" (both operands in the
# section's one block before the records are split: the direction follows their offsets,
# LLVM's rule), the PC-begin is "_main - (_fde + 8)" (content -8, which belongs to the
# subtrahend: the target is _main itself, the addend LLVM's value + (P - B)). The CIE
# pointer is then read from its edge, not from the content (4). Checked with the formulas:
# the CIE pointer field holds P - CIE, the PC-begin _main - P.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=arm64-apple-macos11 -filetype=obj -o %t/sub_eh.o %s
# RUN: llvm-jitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check=%s %t/sub_eh.o
# RUN: llvm-jitlink -noexec %t/sub_eh.o -show-graphs=sub_eh | FileCheck %s
#
# jitlink-check: *{4}(_cie + 24) = 24
# jitlink-check: *{8}(_cie + 28) = _main - (_cie + 28)
#
# CHECK: section __TEXT,__eh_frame:
# CHECK: edges:
# CHECK-NEXT: (block + 0x00000004), addend = +0x00000000, kind = NegDelta32, target =
# CHECK-NEXT: (block + 0x00000008), addend = +0x00000000, kind = Delta64, target = _main

        .section __TEXT,__text,regular,pure_instructions
        .globl  _main
        .p2align 2
_main:
        mov     w0, #0
        ret

        .section __TEXT,__eh_frame
        .p2align 3
        .globl  _cie                // global: llvm-jitlink's checker sees it too
_cie:
        .long   0x10                // CIE, augmentation "zR", FDE pointers pcrel|absptr
        .long   0
        .byte   1
        .asciz  "zR"
        .byte   1, 0x78, 30, 1, 0x10
        .byte   0x0c, 31, 0
_fde:                                // at _cie + 0x14
        .long   0x18
        .long   _fde + 4 - _cie       // SUBTRACTOR _cie + UNSIGNED _fde, content 4
        .quad   _main - (_fde + 8)   // SUBTRACTOR _fde + UNSIGNED _main, content -8
        .quad   8
        .byte   0
        .p2align 2
