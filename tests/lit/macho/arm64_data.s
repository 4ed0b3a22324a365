# Mach-O arm64 data relocations, whose addend is the field's content:
# * ARM64_RELOC_UNSIGNED, 64 and 32-bit (S + A): to externals, to symbols of this object, to
#   a temporary label (extern to the symbol or to the section-start symbol ltmpN before it,
#   the offset in the content);
# * ARM64_RELOC_SUBTRACTOR + UNSIGNED at the same place (A - B + content), 64 and 32-bit, with
#   B in the fixup's block (Delta) or A in it (NegDelta), the block starting at or before the
#   fixup (ARM64_RELOC_POINTER_TO_GOT: arm64_pointer_to_got.s; non-extern UNSIGNED:
#   arm64_unsigned_nonextern.s).
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=arm64-apple-macos11 -filetype=obj -o %t/data.o %s
# RUN: %python %S/Inputs/macho_relocs.py list %t/data.o | FileCheck %s --check-prefix=RELOC
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs _ext=0xfff80000 -abs _far=0x7fff12345678 \
# RUN:     -entry _main -check %s %t/data.o

# RELOC:      __DATA,__data 0x0 ARM64_RELOC_UNSIGNED pcrel=0 length=8 extern=1 _ext
# RELOC-NEXT: __DATA,__data 0x8 ARM64_RELOC_UNSIGNED pcrel=0 length=8 extern=1 _ext
# RELOC-NEXT: __DATA,__data 0x10 ARM64_RELOC_UNSIGNED pcrel=0 length=8 extern=1 _far
# RELOC-NEXT: __DATA,__data 0x18 ARM64_RELOC_UNSIGNED pcrel=0 length=8 extern=1 local_data
# RELOC-NEXT: __DATA,__data 0x20 ARM64_RELOC_UNSIGNED pcrel=0 length=8 extern=1 _fn
# RELOC-NEXT: __DATA,__data 0x28 ARM64_RELOC_UNSIGNED pcrel=0 length=8 extern=1 _main
# RELOC-NEXT: __DATA,__data 0x30 ARM64_RELOC_UNSIGNED pcrel=0 length=8 extern=1 ltmp1
# RELOC-NEXT: __DATA,__data 0x38 ARM64_RELOC_UNSIGNED pcrel=0 length=4 extern=1 _ext
# RELOC-NEXT: __DATA,__data 0x3c ARM64_RELOC_UNSIGNED pcrel=0 length=4 extern=1 _ext
# RELOC-NEXT: __DATA,__data 0x40 ARM64_RELOC_UNSIGNED pcrel=0 length=4 extern=1 _fn
# RELOC-NEXT: __DATA,__data 0x48 ARM64_RELOC_SUBTRACTOR pcrel=0 length=8 extern=1 delta64
# RELOC-NEXT: __DATA,__data 0x48 ARM64_RELOC_UNSIGNED pcrel=0 length=8 extern=1 _fn
# RELOC-NEXT: __DATA,__data 0x58 ARM64_RELOC_SUBTRACTOR pcrel=0 length=8 extern=1 table64
# RELOC-NEXT: __DATA,__data 0x58 ARM64_RELOC_UNSIGNED pcrel=0 length=8 extern=1 _fn
# RELOC-NEXT: __DATA,__data 0x60 ARM64_RELOC_SUBTRACTOR pcrel=0 length=8 extern=1 _fn
# RELOC-NEXT: __DATA,__data 0x60 ARM64_RELOC_UNSIGNED pcrel=0 length=8 extern=1 negdelta64
# RELOC-NEXT: __DATA,__data 0x70 ARM64_RELOC_SUBTRACTOR pcrel=0 length=8 extern=1 _main
# RELOC-NEXT: __DATA,__data 0x70 ARM64_RELOC_UNSIGNED pcrel=0 length=8 extern=1 negtable64
# RELOC-NEXT: __DATA,__data 0x78 ARM64_RELOC_SUBTRACTOR pcrel=0 length=4 extern=1 delta32
# RELOC-NEXT: __DATA,__data 0x78 ARM64_RELOC_UNSIGNED pcrel=0 length=4 extern=1 _fn
# RELOC-NEXT: __DATA,__data 0x7c ARM64_RELOC_SUBTRACTOR pcrel=0 length=4 extern=1 _fn
# RELOC-NEXT: __DATA,__data 0x7c ARM64_RELOC_UNSIGNED pcrel=0 length=4 extern=1 negdelta32
# RELOC-NEXT: __DATA,__data 0x80 ARM64_RELOC_SUBTRACTOR pcrel=0 length=4 extern=1 table32
# RELOC-NEXT: __DATA,__data 0x80 ARM64_RELOC_UNSIGNED pcrel=0 length=4 extern=1 _main
# RELOC-NEXT: __DATA,__data 0x84 ARM64_RELOC_SUBTRACTOR pcrel=0 length=4 extern=1 table32
# RELOC-NEXT: __DATA,__data 0x84 ARM64_RELOC_UNSIGNED pcrel=0 length=4 extern=1 _main
# RELOC-NEXT: __DATA,__data 0x88 ARM64_RELOC_SUBTRACTOR pcrel=0 length=4 extern=1 table32
# RELOC-NEXT: __DATA,__data 0x88 ARM64_RELOC_UNSIGNED pcrel=0 length=4 extern=1 _fn
# RELOC-NOT:  ARM64_RELOC

        .section __TEXT,__text,regular,pure_instructions
        .globl  _main
        .p2align 2
_main:
        nop
Lcase1:
        nop
Lcase2:
        ret
        .globl  _fn
_fn:
        ret

# Nothing linker-visible before Lc8: ltmp1 (the section's start) + 8.
# jitlink-check: const_data = section_addr(data.o, __DATA,__const)
        .section __DATA,__const
        .p2align 4
Lc0:
        .quad   0
Lc8:
        .quad   0
        .globl  const_data
        .set    const_data, Lc0

        .section __DATA,__data
        .p2align 3

# ---- UNSIGNED, 64-bit ----
# jitlink-check: *{8}ptr64 = _ext
        .globl  ptr64
ptr64:
        .quad   _ext
# jitlink-check: *{8}ptr64_plus = _ext + 16
        .globl  ptr64_plus
ptr64_plus:
        .quad   _ext + 16
# jitlink-check: *{8}ptr64_far = _far - 8
        .globl  ptr64_far
ptr64_far:
        .quad   _far - 8
# jitlink-check: *{8}ptr64_local = local_data + 8
        .globl  ptr64_local
ptr64_local:
        .quad   local_data + 8
# jitlink-check: *{8}ptr64_fn = _fn
        .globl  ptr64_fn
ptr64_fn:
        .quad   _fn
# A temporary label inside _main: _main + 8.
# jitlink-check: *{8}ptr64_atom = _main + 8
        .globl  ptr64_atom
ptr64_atom:
        .quad   Lcase2
# jitlink-check: *{8}ptr64_ltmp = const_data + 8
        .globl  ptr64_ltmp
ptr64_ltmp:
        .quad   Lc8

# ---- UNSIGNED, 32-bit (the slab lies below 4 GiB) ----
# jitlink-check: *{4}ptr32 = _ext
        .globl  ptr32
ptr32:
        .long   _ext
# jitlink-check: *{4}ptr32_plus = _ext + 0x10
        .globl  ptr32_plus
ptr32_plus:
        .long   _ext + 0x10
# The next four bytes are not touched.
# jitlink-check: *{4}ptr32_fn = _fn
# jitlink-check: *{4}(ptr32_fn + 4) = 0xa5a5a5a5
        .globl  ptr32_fn
ptr32_fn:
        .long   _fn
        .long   0xa5a5a5a5

# ---- SUBTRACTOR + UNSIGNED, 64-bit ----
# jitlink-check: *{8}delta64 = _fn - delta64 + 3
        .globl  delta64
delta64:
        .quad   _fn - delta64 + 3
# jitlink-check: *{8}(table64 + 8) = _fn - table64
        .globl  table64
table64:
        .quad   0
        .quad   _fn - table64
# jitlink-check: *{8}negdelta64 = negdelta64 - _fn + 8
        .globl  negdelta64
negdelta64:
        .quad   negdelta64 + 8 - _fn
# jitlink-check: *{8}(negtable64 + 8) = negtable64 - _main
        .globl  negtable64
negtable64:
        .quad   0
        .quad   negtable64 - _main

# ---- SUBTRACTOR + UNSIGNED, 32-bit ----
# jitlink-check: *{4}delta32 = (_fn - delta32 - 8)[31:0]
        .globl  delta32
delta32:
        .long   _fn - delta32 - 8
# jitlink-check: *{4}negdelta32 = (negdelta32 - _fn + 4)[31:0]
        .globl  negdelta32
negdelta32:
        .long   negdelta32 - _fn + 4
# A jump table: code labels inside _main relative to the table's start.
# jitlink-check: *{4}table32 = (_main - table32 + 4)[31:0]
# jitlink-check: *{4}(table32 + 4) = (_main - table32 + 8)[31:0]
# jitlink-check: *{4}(table32 + 8) = (_fn - table32)[31:0]
        .globl  table32
table32:
        .long   Lcase1 - table32
        .long   Lcase2 - table32
        .long   _fn - table32
        .long   0

local_data:
        .quad   0
        .quad   0

.subsections_via_symbols
