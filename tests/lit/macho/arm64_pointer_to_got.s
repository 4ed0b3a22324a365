# ARM64_RELOC_POINTER_TO_GOT (pc-relative, 32-bit: `.long _sym@GOT - .`, as in the personality
# pointers of __eh_frame): the field becomes GOT(S) - P, S's GOT entry holding S.
#
# The field's content is no addend: llvm-mc 19 writes its own partial evaluation of
# `_sym - .` there (0 only for the first field below; -4 for the second, and for defined
# targets their offset minus the field's: here 8 and -8). LLVM's JITLink and lld read an
# implicit addend only for UNSIGNED and SUBTRACTOR and ignore this one; the checks below
# expect GOT(S) - P for all four fields.
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=arm64-apple-macos11 -filetype=obj -o %t/ptg.o %s
# RUN: %python %S/Inputs/macho_relocs.py list %t/ptg.o | FileCheck %s --check-prefix=RELOC
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs _ext=0xfff80000 -abs _far=0x7fff12345678 \
# RUN:     -entry _main -check %s %t/ptg.o

# RELOC:      __DATA,__data 0x0 ARM64_RELOC_POINTER_TO_GOT pcrel=1 length=4 extern=1 _far
# RELOC-NEXT: __DATA,__data 0x4 ARM64_RELOC_POINTER_TO_GOT pcrel=1 length=4 extern=1 _ext
# RELOC-NEXT: __DATA,__data 0x8 ARM64_RELOC_POINTER_TO_GOT pcrel=1 length=4 extern=1 _gdata
# RELOC-NEXT: __DATA,__data 0xc ARM64_RELOC_POINTER_TO_GOT pcrel=1 length=4 extern=1 _fn
# RELOC-NOT:  ARM64_RELOC

        .section __TEXT,__text,regular,pure_instructions
        .globl  _main
        .p2align 2
_main:
        ret
        .globl  _fn
_fn:
        ret

        .section __DATA,__data
        .p2align 3
# To externals, far and near.
# jitlink-check: *{4}ptg = (got_addr(ptg.o, _far) - ptg)[31:0]
# jitlink-check: *{8}(got_addr(ptg.o, _far)) = _far
# jitlink-check: *{4}(ptg + 4) = (got_addr(ptg.o, _ext) - ptg - 4)[31:0]
# jitlink-check: *{8}(got_addr(ptg.o, _ext)) = _ext
# To a symbol defined after the field in the same section, and to a function.
# jitlink-check: *{4}(ptg + 8) = (got_addr(ptg.o, _gdata) - ptg - 8)[31:0]
# jitlink-check: *{8}(got_addr(ptg.o, _gdata)) = _gdata
# jitlink-check: *{4}(ptg + 12) = (got_addr(ptg.o, _fn) - ptg - 12)[31:0]
# jitlink-check: *{8}(got_addr(ptg.o, _fn)) = _fn
        .globl  ptg
ptg:
        .long   _far@GOT - .
        .long   _ext@GOT - .
        .long   _gdata@GOT - .
        .long   _fn@GOT - .
        .globl  _gdata
_gdata:
        .quad   0

.subsections_via_symbols
