# Mach-O x86-64 relocations mapped onto x86-64 edge kinds: BRANCH, GOT_LOAD, GOT, SIGNED,
# SIGNED_1/2/4 (extern and section-relative), UNSIGNED (64 and 32-bit), SUBTRACTOR pairs.
# Expected values are the ABI formulas, computed by the checker.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-apple-macosx11.0 -filetype=obj -o %t/x.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs _ext=0xfff80000 -abs _extfn=0xfff81000 \
# RUN:     -entry _main -check %s %t/x.o

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

# SIGNED_1 / SIGNED_2 / SIGNED_4 to an external: the immediate after the field is skipped.
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

# SIGNED to a local symbol and (non-extern) to a temporary label in __data.
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
# UNSIGNED, 64-bit, extern and non-extern.
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
# tests/formats/test_macho_x86_64.py covers the section-relative forms without subsections.

.subsections_via_symbols
