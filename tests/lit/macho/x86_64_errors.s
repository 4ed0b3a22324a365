# Mach-O x86-64 relocations that cannot be linked fail the link with one error naming the
# problem (pyjitlink and llvm-jitlink 19 alike):
# * a GOT_LOAD (or GOT) to a section (non-extern): a GOT entry needs a symbol;
# * a SUBTRACTOR pair whose minuend and subtrahend both lie outside the fixup's block
#   (the edge would be neither a Delta nor a NegDelta of the block).
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-apple-macosx11.0 -filetype=obj --defsym=GOT=1 \
# RUN:     -o %t/got.o %s
# RUN: %python %S/Inputs/macho_relocs.py list %t/got.o | FileCheck %s --check-prefix=GOTREL
# RUN: not pyjitlink -noexec -entry _main %t/got.o 2>&1 | FileCheck %s --check-prefix=GOT
# RUN: llvm-mc -triple=x86_64-apple-macosx11.0 -filetype=obj --defsym=SUB=1 \
# RUN:     -o %t/sub.o %s
# RUN: %python %S/Inputs/macho_relocs.py list %t/sub.o | FileCheck %s --check-prefix=SUBREL
# RUN: not pyjitlink -noexec -entry _main %t/sub.o 2>&1 | FileCheck %s --check-prefix=SUB
#
# GOTREL: __TEXT,__text 0x3 X86_64_RELOC_GOT_LOAD pcrel=1 length=4 extern=0 section 2
# GOT: Unsupported x86-64 relocation
# SUBREL:      __DATA,__data 0x8 X86_64_RELOC_SUBTRACTOR pcrel=0 length=8 extern=1 _main
# SUBREL-NEXT: __DATA,__data 0x8 X86_64_RELOC_UNSIGNED pcrel=0 length=8 extern=1 _a
# SUB: SUBTRACTOR {{.*}}must fix up either

        .section __TEXT,__text,regular,pure_instructions
        .globl  _main
_main:
.ifdef GOT
        movq    Lc8@GOTPCREL(%rip), %rax
.endif
        retq

.ifdef GOT
        .section __DATA,__const
        .p2align 4
Lc0:
        .quad   0
Lc8:
        .quad   0
.endif

.ifdef SUB
        .section __DATA,__data
        .globl  _a
_a:
        .quad   0
# _c's block holds neither _a nor _main.
        .globl  _c
_c:
        .quad   _a - _main
.endif

.subsections_via_symbols
