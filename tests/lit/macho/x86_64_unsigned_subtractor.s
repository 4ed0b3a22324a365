# X86_64_RELOC_UNSIGNED (absolute, S + A; the addend is the field's content) and
# X86_64_RELOC_SUBTRACTOR paired with an UNSIGNED at the same place (A - B + content), in
# both widths.
#
# UNSIGNED: 64-bit extern (global, external, local symbol, a temporary label addressed as its
# atom plus an offset) and non-extern (section-relative: a temporary label in a section with
# no linker-visible symbol before it; the content is the target's address in the object);
# 32-bit extern (non-extern 32-bit is x86_64_relocations_beyond_llvm.s).
#
# SUBTRACTOR B + UNSIGNED A: one of A and B must lie in the fixup's block (LLVM's rule). B in
# it gives a Delta (target A), A in it a NegDelta (target B); the block may start before the
# fixup (a table of offsets from its start), and the paired UNSIGNED may be non-extern.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-apple-macosx11.0 -filetype=obj -o %t/unsigned.o %s
# RUN: %python %S/Inputs/macho_relocs.py list %t/unsigned.o \
# RUN:   | FileCheck %s --check-prefix=RELOC
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs _ext=0xfff80000 -abs _far=0x7fff12345678 \
# RUN:     -entry _main -check %s %t/unsigned.o

# RELOC:      __DATA,__data 0x0 X86_64_RELOC_UNSIGNED pcrel=0 length=8 extern=1 _ext
# RELOC-NEXT: __DATA,__data 0x8 X86_64_RELOC_UNSIGNED pcrel=0 length=8 extern=1 _ext
# RELOC-NEXT: __DATA,__data 0x10 X86_64_RELOC_UNSIGNED pcrel=0 length=8 extern=1 _ext
# RELOC-NEXT: __DATA,__data 0x18 X86_64_RELOC_UNSIGNED pcrel=0 length=8 extern=1 _far
# RELOC-NEXT: __DATA,__data 0x20 X86_64_RELOC_UNSIGNED pcrel=0 length=8 extern=1 local_data
# RELOC-NEXT: __DATA,__data 0x28 X86_64_RELOC_UNSIGNED pcrel=0 length=8 extern=1 _fn
# RELOC-NEXT: __DATA,__data 0x30 X86_64_RELOC_UNSIGNED pcrel=0 length=8 extern=1 _main
# RELOC-NEXT: __DATA,__data 0x38 X86_64_RELOC_UNSIGNED pcrel=0 length=8 extern=0 section 2
# RELOC-NEXT: __DATA,__data 0x40 X86_64_RELOC_UNSIGNED pcrel=0 length=8 extern=0 section 2
# RELOC-NEXT: __DATA,__data 0x48 X86_64_RELOC_UNSIGNED pcrel=0 length=8 extern=0 section 2
# RELOC-NEXT: __DATA,__data 0x50 X86_64_RELOC_UNSIGNED pcrel=0 length=4 extern=1 _ext
# RELOC-NEXT: __DATA,__data 0x54 X86_64_RELOC_UNSIGNED pcrel=0 length=4 extern=1 _ext
# RELOC-NEXT: __DATA,__data 0x58 X86_64_RELOC_UNSIGNED pcrel=0 length=4 extern=1 _fn
# RELOC-NEXT: __DATA,__data 0x60 X86_64_RELOC_SUBTRACTOR pcrel=0 length=8 extern=1 delta64
# RELOC-NEXT: __DATA,__data 0x60 X86_64_RELOC_UNSIGNED pcrel=0 length=8 extern=1 _fn
# RELOC-NEXT: __DATA,__data 0x70 X86_64_RELOC_SUBTRACTOR pcrel=0 length=8 extern=1 table64
# RELOC-NEXT: __DATA,__data 0x70 X86_64_RELOC_UNSIGNED pcrel=0 length=8 extern=1 _fn
# RELOC-NEXT: __DATA,__data 0x78 X86_64_RELOC_SUBTRACTOR pcrel=0 length=8 extern=1 _fn
# RELOC-NEXT: __DATA,__data 0x78 X86_64_RELOC_UNSIGNED pcrel=0 length=8 extern=1 negdelta64
# RELOC-NEXT: __DATA,__data 0x88 X86_64_RELOC_SUBTRACTOR pcrel=0 length=8 extern=1 _main
# RELOC-NEXT: __DATA,__data 0x88 X86_64_RELOC_UNSIGNED pcrel=0 length=8 extern=1 negtable64
# RELOC-NEXT: __DATA,__data 0x90 X86_64_RELOC_SUBTRACTOR pcrel=0 length=4 extern=1 delta32
# RELOC-NEXT: __DATA,__data 0x90 X86_64_RELOC_UNSIGNED pcrel=0 length=4 extern=1 _fn
# RELOC-NEXT: __DATA,__data 0x94 X86_64_RELOC_SUBTRACTOR pcrel=0 length=4 extern=1 _fn
# RELOC-NEXT: __DATA,__data 0x94 X86_64_RELOC_UNSIGNED pcrel=0 length=4 extern=1 negdelta32
# RELOC-NEXT: __DATA,__data 0x98 X86_64_RELOC_SUBTRACTOR pcrel=0 length=4 extern=1 table32
# RELOC-NEXT: __DATA,__data 0x98 X86_64_RELOC_UNSIGNED pcrel=0 length=4 extern=1 _main
# RELOC-NEXT: __DATA,__data 0x9c X86_64_RELOC_SUBTRACTOR pcrel=0 length=4 extern=1 table32
# RELOC-NEXT: __DATA,__data 0x9c X86_64_RELOC_UNSIGNED pcrel=0 length=4 extern=1 _main
# RELOC-NEXT: __DATA,__data 0xa0 X86_64_RELOC_SUBTRACTOR pcrel=0 length=4 extern=1 table32
# RELOC-NEXT: __DATA,__data 0xa0 X86_64_RELOC_UNSIGNED pcrel=0 length=4 extern=1 _fn
# RELOC-NEXT: __DATA,__data 0xa8 X86_64_RELOC_SUBTRACTOR pcrel=0 length=8 extern=1 delta64_anon
# RELOC-NEXT: __DATA,__data 0xa8 X86_64_RELOC_UNSIGNED pcrel=0 length=8 extern=0 section 2
# RELOC-NEXT: __DATA,__data 0xb0 X86_64_RELOC_SUBTRACTOR pcrel=0 length=4 extern=1 delta32_anon
# RELOC-NEXT: __DATA,__data 0xb0 X86_64_RELOC_UNSIGNED pcrel=0 length=4 extern=0 section 2
# RELOC-NOT:  X86_64_RELOC

        .section __TEXT,__text,regular,pure_instructions
        .globl  _main
        .p2align 4, 0x90
_main:
        retq
Lcase1:
        retq
Lcase2:
        retq
        .globl  _fn
_fn:
        retq

# No linker-visible symbol before these labels: references to them are section-relative.
# jitlink-check: const_data = section_addr(unsigned.o, __DATA,__const)
        .section __DATA,__const
        .p2align 4
Lc0:
        .quad   0x1111
Lc8:
        .quad   0x2222
Lc16:
        .quad   0x3333
        .globl  const_data
        .set    const_data, Lc0

        .section __DATA,__data
        .p2align 3

# ---- UNSIGNED, 64-bit, extern ----
# jitlink-check: *{8}ptr64 = _ext
        .globl  ptr64
ptr64:
        .quad   _ext
# jitlink-check: *{8}ptr64_plus = _ext + 16
        .globl  ptr64_plus
ptr64_plus:
        .quad   _ext + 16
# jitlink-check: *{8}ptr64_minus = _ext - 16
        .globl  ptr64_minus
ptr64_minus:
        .quad   _ext - 16
# A value beyond 32 bits.
# jitlink-check: *{8}ptr64_far = _far + 8
        .globl  ptr64_far
ptr64_far:
        .quad   _far + 8
# To a non-global symbol, and to a function in this object.
# jitlink-check: *{8}ptr64_local = local_data + 8
        .globl  ptr64_local
ptr64_local:
        .quad   local_data + 8
# jitlink-check: *{8}ptr64_fn = _fn
        .globl  ptr64_fn
ptr64_fn:
        .quad   _fn
# A temporary label inside _main: extern to _main, the label's offset in the content.
# jitlink-check: *{8}ptr64_atom = _main + 2
        .globl  ptr64_atom
ptr64_atom:
        .quad   Lcase2

# ---- UNSIGNED, 64-bit, non-extern (to __DATA,__const, section 2) ----
# jitlink-check: *{8}ptr64_anon = const_data + 8
        .globl  ptr64_anon
ptr64_anon:
        .quad   Lc8
# jitlink-check: *{8}ptr64_anon_plus = const_data + 12
        .globl  ptr64_anon_plus
ptr64_anon_plus:
        .quad   Lc8 + 4
# jitlink-check: *{8}ptr64_anon_minus = const_data + 12
        .globl  ptr64_anon_minus
ptr64_anon_minus:
        .quad   Lc16 - 4

# ---- UNSIGNED, 32-bit, extern (the slab lies below 4 GiB) ----
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
# B (delta64) in the fixup's block: Delta64 to _fn, with a constant.
# jitlink-check: *{8}delta64 = _fn - delta64 + 3
        .globl  delta64
delta64:
        .quad   _fn - delta64 + 3
# B at the start of the block, the fixup 8 bytes into it.
# jitlink-check: *{8}(table64 + 8) = _fn - table64
        .globl  table64
table64:
        .quad   0
        .quad   _fn - table64
# A (negdelta64) in the fixup's block: NegDelta64 to _fn.
# jitlink-check: *{8}negdelta64 = negdelta64 - _fn + 8
        .globl  negdelta64
negdelta64:
        .quad   negdelta64 + 8 - _fn
# A at the start of the block, the fixup 8 bytes into it.
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
# A jump table: offsets of code labels from the table's start; the labels inside _main are
# extern to _main with their offset in the content.
# jitlink-check: *{4}table32 = (_main - table32 + 1)[31:0]
# jitlink-check: *{4}(table32 + 4) = (_main - table32 + 2)[31:0]
# jitlink-check: *{4}(table32 + 8) = (_fn - table32)[31:0]
        .globl  table32
table32:
        .long   Lcase1 - table32
        .long   Lcase2 - table32
        .long   _fn - table32
        .long   0

# ---- SUBTRACTOR + non-extern UNSIGNED (A in __DATA,__const) ----
# jitlink-check: *{8}delta64_anon = const_data - delta64_anon + 8
        .globl  delta64_anon
delta64_anon:
        .quad   Lc8 - delta64_anon
# jitlink-check: *{4}delta32_anon = (const_data - delta32_anon + 20)[31:0]
        .globl  delta32_anon
delta32_anon:
        .long   Lc16 + 4 - delta32_anon

local_data:
        .quad   0
        .quad   0

.subsections_via_symbols
