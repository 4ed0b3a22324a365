# Mach-O x86-64 relocations mapped onto x86-64 edge kinds: one of each, BRANCH, GOT_LOAD, GOT,
# SIGNED, SIGNED_1/2 (extern), UNSIGNED (64 and 32-bit), SUBTRACTOR pairs. Expected values are
# the ABI formulas, computed by the checker. The RELOC lines record what the assembler wrote
# (it picks SIGNED_N from the addend, so `movl $1, _ext+8(%rip)` is a plain SIGNED, and a
# temporary label after local_data is addressed as local_data + offset, extern).
# More of each: x86_64_signed.s (SIGNED/SIGNED_1/2/4, extern and non-extern, addends),
# x86_64_unsigned_subtractor.s, x86_64_got_branch.s, x86_64_nonextern_beyond_llvm.s,
# x86_64_errors.s, x86_64_tlv_unsupported.s.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-apple-macosx11.0 -filetype=obj -o %t/x.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs _ext=0xfff80000 -abs _extfn=0xfff81000 \
# RUN:     -entry _main -check %s %t/x.o
# RUN: %python %S/Inputs/macho_relocs.py list %t/x.o | FileCheck %s --check-prefix=RELOC

# RELOC:      __TEXT,__text 0x2 X86_64_RELOC_BRANCH pcrel=1 length=4 extern=1 _extfn
# RELOC-NEXT: __TEXT,__text 0x9 X86_64_RELOC_GOT_LOAD pcrel=1 length=4 extern=1 _ext
# RELOC-NEXT: __TEXT,__text 0xf X86_64_RELOC_GOT pcrel=1 length=4 extern=1 _extfn
# RELOC-NEXT: __TEXT,__text 0x15 X86_64_RELOC_SIGNED_1 pcrel=1 length=4 extern=1 _ext
# RELOC-NEXT: __TEXT,__text 0x1d X86_64_RELOC_SIGNED_2 pcrel=1 length=4 extern=1 _ext
# RELOC-NEXT: __TEXT,__text 0x25 X86_64_RELOC_SIGNED pcrel=1 length=4 extern=1 _ext
# RELOC-NEXT: __TEXT,__text 0x30 X86_64_RELOC_SIGNED pcrel=1 length=4 extern=1 local_data
# RELOC-NEXT: __TEXT,__text 0x36 X86_64_RELOC_SIGNED_1 pcrel=1 length=4 extern=1 local_data
# RELOC-NEXT: __DATA,__data 0x10 X86_64_RELOC_UNSIGNED pcrel=0 length=8 extern=1 _ext
# RELOC-NEXT: __DATA,__data 0x18 X86_64_RELOC_UNSIGNED pcrel=0 length=8 extern=1 local_data
# RELOC-NEXT: __DATA,__data 0x20 X86_64_RELOC_UNSIGNED pcrel=0 length=4 extern=1 _ext
# RELOC-NEXT: __DATA,__data 0x24 X86_64_RELOC_SUBTRACTOR pcrel=0 length=8 extern=1 delta64
# RELOC-NEXT: __DATA,__data 0x24 X86_64_RELOC_UNSIGNED pcrel=0 length=8 extern=1 _main
# RELOC-NEXT: __DATA,__data 0x2c X86_64_RELOC_SUBTRACTOR pcrel=0 length=8 extern=1 _main
# RELOC-NEXT: __DATA,__data 0x2c X86_64_RELOC_UNSIGNED pcrel=0 length=8 extern=1 negdelta64
# RELOC-NEXT: __DATA,__data 0x34 X86_64_RELOC_SUBTRACTOR pcrel=0 length=4 extern=1 delta32
# RELOC-NEXT: __DATA,__data 0x34 X86_64_RELOC_UNSIGNED pcrel=0 length=4 extern=1 test_call
# RELOC-NOT:  X86_64_RELOC

        .section __TEXT,__text,regular,pure_instructions
        .globl  _main
        .p2align 4, 0x90
_main:
        retq

# BRANCH -> BranchPCRel32.
# jitlink-check: decode_operand(test_call, 0) = _extfn - next_pc(test_call)
        .globl  test_call
test_call:
        callq   _extfn

# GOT_LOAD -> GOT entry (the movq may be relaxed to leaq, which keeps the target).
# jitlink-check: *{8}(got_addr(x.o, _ext)) = _ext
        .globl  test_gotload
test_gotload:
        movq    _ext@GOTPCREL(%rip), %rax

# GOT -> Delta32 to the GOT entry.
# jitlink-check: decode_operand(test_got, 3) = got_addr(x.o, _extfn) - next_pc(test_got)
        .globl  test_got
test_got:
        pushq   _extfn@GOTPCREL(%rip)

# SIGNED_1 / SIGNED_2 to an external: the immediate after the field is skipped. With an
# addend the movl is a plain SIGNED (SIGNED_4 and the other forms: x86_64_signed.s).
# jitlink-check: decode_operand(test_signed1, 3) = _ext - next_pc(test_signed1)
        .globl  test_signed1
test_signed1:
        movb    $1, _ext(%rip)
# jitlink-check: decode_operand(test_signed2, 3) = _ext - next_pc(test_signed2)
        .globl  test_signed2
test_signed2:
        movw    $1, _ext(%rip)
# jitlink-check: decode_operand(test_signed4, 3) = (_ext + 8) - next_pc(test_signed4)
        .globl  test_signed4
test_signed4:
        movl    $1, _ext+8(%rip)

# SIGNED to a local symbol, and SIGNED_1 to a temporary label in __data, which the assembler
# writes as local_data + 8 (extern): the section has a linker-visible symbol before it.
# jitlink-check: decode_operand(test_signed, 4) = (local_data + 4) - next_pc(test_signed)
        .globl  test_signed
test_signed:
        leaq    local_data+4(%rip), %rax
# jitlink-check: decode_operand(test_signed_anon, 3) = (local_data + 8) - next_pc(test_signed_anon)
        .globl  test_signed_anon
test_signed_anon:
        movb    $1, Ltmp(%rip)
        retq

        .section __DATA,__data
        .p2align 3
local_data:
        .quad   0
Ltmp:
        .quad   0
# UNSIGNED, 64-bit, extern (Ltmp + 4 is local_data + 12: extern too).
# jitlink-check: *{8}ptr64 = _ext + 16
        .globl  ptr64
ptr64:
        .quad   _ext + 16
# jitlink-check: *{8}ptr64_anon = local_data + 12
        .globl  ptr64_anon
ptr64_anon:
        .quad   Ltmp + 4
# UNSIGNED, 32-bit.
# jitlink-check: *{4}ptr32 = _ext
        .globl  ptr32
ptr32:
        .long   _ext
# SUBTRACTOR + UNSIGNED, both directions, 64 and 32 bits.
# jitlink-check: *{8}delta64 = _main - delta64 + 3
        .globl  delta64
delta64:
        .quad   _main - delta64 + 3
# jitlink-check: *{8}negdelta64 = negdelta64 - _main
        .globl  negdelta64
negdelta64:
        .quad   negdelta64 - _main
# jitlink-check: *{4}delta32 = test_call - delta32
        .globl  delta32
delta32:
        .long   test_call - delta32
# A difference whose operands both lie outside the fixup's block is refused (as by LLVM);
# tests/formats/test_macho_x86_64.py covers the section-relative forms without subsections;
# x86_64_errors.s the refusal.

.subsections_via_symbols
