# X86_64_RELOC_SIGNED, SIGNED_1, SIGNED_2 and SIGNED_4: a RIP-relative disp32, value
# S + A - next_pc (next_pc = P + 4 + N when an N-byte immediate follows the field). Extern
# forms (a symbol-table index; the content holds A - 4 - N) and non-extern ("section-
# relative") forms (a section number; the content holds the target's offset from the end of
# the instruction, in the object's own layout), each with zero, positive and negative addends.
#
# Which type the assembler picks says how far the field is from the end of the instruction
# *including the addend*: -(A - 4 - N) - 4 = 1, 2 or 4 selects SIGNED_1/2/4, anything else
# SIGNED. So `movb $1, _ext(%rip)` is a SIGNED_1 but `leaq _ext-1(%rip)` is one too, and
# `movl $1, _ext+4(%rip)` is a plain SIGNED. Every form still means S + A - next_pc.
#
# The non-extern forms come from temporary labels (L...) that have no non-temporary symbol
# before them in their section (here __DATA,__const and the __TEXT,__cstring literal section,
# which is never atomized by symbols); a temporary label with a linker-visible symbol before
# it is addressed as that symbol plus an offset (extern), as the RELOC lines show.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-apple-macosx11.0 -filetype=obj -o %t/signed.o %s
# RUN: %python %S/Inputs/macho_relocs.py list %t/signed.o | FileCheck %s --check-prefix=RELOC
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs _ext=0xfff80000 -entry _main -check %s %t/signed.o

# RELOC:      __TEXT,__text {{.*}} X86_64_RELOC_SIGNED pcrel=1 length=4 extern=1 _ext
# RELOC-NEXT: __TEXT,__text {{.*}} X86_64_RELOC_SIGNED pcrel=1 length=4 extern=1 _ext
# RELOC-NEXT: __TEXT,__text {{.*}} X86_64_RELOC_SIGNED pcrel=1 length=4 extern=1 _ext
# RELOC-NEXT: __TEXT,__text {{.*}} X86_64_RELOC_SIGNED_1 pcrel=1 length=4 extern=1 _ext
# RELOC-NEXT: __TEXT,__text {{.*}} X86_64_RELOC_SIGNED_2 pcrel=1 length=4 extern=1 _ext
# RELOC-NEXT: __TEXT,__text {{.*}} X86_64_RELOC_SIGNED_4 pcrel=1 length=4 extern=1 _ext
# RELOC-NEXT: __TEXT,__text {{.*}} X86_64_RELOC_SIGNED_1 pcrel=1 length=4 extern=1 _ext
# RELOC-NEXT: __TEXT,__text {{.*}} X86_64_RELOC_SIGNED_2 pcrel=1 length=4 extern=1 _ext
# RELOC-NEXT: __TEXT,__text {{.*}} X86_64_RELOC_SIGNED_4 pcrel=1 length=4 extern=1 _ext
# RELOC-NEXT: __TEXT,__text {{.*}} X86_64_RELOC_SIGNED pcrel=1 length=4 extern=1 _ext
# RELOC-NEXT: __TEXT,__text {{.*}} X86_64_RELOC_SIGNED pcrel=1 length=4 extern=1 _ext
# RELOC-NEXT: __TEXT,__text {{.*}} X86_64_RELOC_SIGNED pcrel=1 length=4 extern=0 section 3
# RELOC-NEXT: __TEXT,__text {{.*}} X86_64_RELOC_SIGNED pcrel=1 length=4 extern=0 section 3
# RELOC-NEXT: __TEXT,__text {{.*}} X86_64_RELOC_SIGNED_1 pcrel=1 length=4 extern=0 section 3
# RELOC-NEXT: __TEXT,__text {{.*}} X86_64_RELOC_SIGNED_2 pcrel=1 length=4 extern=0 section 3
# RELOC-NEXT: __TEXT,__text {{.*}} X86_64_RELOC_SIGNED_4 pcrel=1 length=4 extern=0 section 3
# RELOC-NEXT: __TEXT,__text {{.*}} X86_64_RELOC_SIGNED_1 pcrel=1 length=4 extern=0 section 3
# RELOC-NEXT: __TEXT,__text {{.*}} X86_64_RELOC_SIGNED_4 pcrel=1 length=4 extern=0 section 3
# RELOC-NEXT: __TEXT,__text {{.*}} X86_64_RELOC_SIGNED pcrel=1 length=4 extern=0 section 3
# RELOC-NEXT: __TEXT,__text {{.*}} X86_64_RELOC_SIGNED pcrel=1 length=4 extern=0 section 2
# RELOC-NEXT: __TEXT,__text {{.*}} X86_64_RELOC_SIGNED pcrel=1 length=4 extern=0 section 2
# RELOC-NEXT: __TEXT,__text {{.*}} X86_64_RELOC_SIGNED pcrel=1 length=4 extern=1 local_data
# RELOC-NOT:  X86_64_RELOC

        .section __TEXT,__text,regular,pure_instructions
        .globl  _main
        .p2align 4, 0x90
_main:
        retq

# ---- extern, to _ext = 0xfff80000 ----

# SIGNED, A = 0, +8 and -8 (no immediate after the field).
# jitlink-check: decode_operand(test_signed, 4) = _ext - next_pc(test_signed)
        .globl  test_signed
test_signed:
        leaq    _ext(%rip), %rax
# jitlink-check: decode_operand(test_signed_plus, 4) = (_ext + 8) - next_pc(test_signed_plus)
        .globl  test_signed_plus
test_signed_plus:
        leaq    _ext+8(%rip), %rax
# jitlink-check: decode_operand(test_signed_minus, 4) = (_ext - 8) - next_pc(test_signed_minus)
        .globl  test_signed_minus
test_signed_minus:
        leaq    _ext-8(%rip), %rax

# SIGNED_1/2/4: a 1, 2 or 4-byte immediate follows the field, so next_pc = P + 5, P + 6,
# P + 8; the immediates are kept.
# jitlink-check: decode_operand(test_signed1, 3) = _ext - next_pc(test_signed1)
# jitlink-check: next_pc(test_signed1) = test_signed1 + 7
# jitlink-check: decode_operand(test_signed1, 5) = 0x11
        .globl  test_signed1
test_signed1:
        movb    $0x11, _ext(%rip)
# jitlink-check: decode_operand(test_signed2, 3) = _ext - next_pc(test_signed2)
# jitlink-check: next_pc(test_signed2) = test_signed2 + 9
# jitlink-check: decode_operand(test_signed2, 5) = 0x2222
        .globl  test_signed2
test_signed2:
        movw    $0x2222, _ext(%rip)
# jitlink-check: decode_operand(test_signed4, 3) = _ext - next_pc(test_signed4)
# jitlink-check: next_pc(test_signed4) = test_signed4 + 10
# jitlink-check: decode_operand(test_signed4, 5) = 0x44444444
        .globl  test_signed4
test_signed4:
        movl    $0x44444444, _ext(%rip)

# SIGNED_1/2/4 chosen by the addend: a lea (no immediate) with A = -1, -2, -4.
# jitlink-check: decode_operand(test_lea_signed1, 4) = (_ext - 1) - next_pc(test_lea_signed1)
        .globl  test_lea_signed1
test_lea_signed1:
        leaq    _ext-1(%rip), %rax
# jitlink-check: decode_operand(test_lea_signed2, 4) = (_ext - 2) - next_pc(test_lea_signed2)
        .globl  test_lea_signed2
test_lea_signed2:
        leaq    _ext-2(%rip), %rax
# jitlink-check: decode_operand(test_lea_signed4, 4) = (_ext - 4) - next_pc(test_lea_signed4)
        .globl  test_lea_signed4
test_lea_signed4:
        leaq    _ext-4(%rip), %rax

# And the other way round: an immediate after the field plus an addend is a plain SIGNED.
# jitlink-check: decode_operand(test_movb_plus, 3) = (_ext + 4) - next_pc(test_movb_plus)
# jitlink-check: next_pc(test_movb_plus) = test_movb_plus + 7
        .globl  test_movb_plus
test_movb_plus:
        movb    $1, _ext+4(%rip)
# jitlink-check: decode_operand(test_movl_plus, 3) = (_ext + 12) - next_pc(test_movl_plus)
        .globl  test_movl_plus
test_movl_plus:
        movl    $1, _ext+12(%rip)

# ---- non-extern, to __DATA,__const (section 3: const_data below) ----

# jitlink-check: decode_operand(test_anon_signed, 4) = (const_data + 8) - next_pc(test_anon_signed)
        .globl  test_anon_signed
test_anon_signed:
        leaq    Lc8(%rip), %rax
# jitlink-check: decode_operand(test_anon_signed_plus, 4) = (const_data + 20) - next_pc(test_anon_signed_plus)
        .globl  test_anon_signed_plus
test_anon_signed_plus:
        leaq    Lc16+4(%rip), %rax
# jitlink-check: decode_operand(test_anon_signed1, 3) = const_data - next_pc(test_anon_signed1)
# jitlink-check: next_pc(test_anon_signed1) = test_anon_signed1 + 7
        .globl  test_anon_signed1
test_anon_signed1:
        movb    $1, Lc0(%rip)
# jitlink-check: decode_operand(test_anon_signed2, 3) = (const_data + 16) - next_pc(test_anon_signed2)
# jitlink-check: next_pc(test_anon_signed2) = test_anon_signed2 + 9
        .globl  test_anon_signed2
test_anon_signed2:
        movw    $1, Lc16(%rip)
# jitlink-check: decode_operand(test_anon_signed4, 3) = (const_data + 24) - next_pc(test_anon_signed4)
# jitlink-check: next_pc(test_anon_signed4) = test_anon_signed4 + 10
        .globl  test_anon_signed4
test_anon_signed4:
        movl    $1, Lc24(%rip)
# The lea forms: A = -1 (SIGNED_1) and -4 (SIGNED_4), and a movl with A = +4 (SIGNED).
# jitlink-check: decode_operand(test_anon_lea_signed1, 4) = (const_data + 15) - next_pc(test_anon_lea_signed1)
        .globl  test_anon_lea_signed1
test_anon_lea_signed1:
        leaq    Lc16-1(%rip), %rax
# jitlink-check: decode_operand(test_anon_lea_signed4, 4) = (const_data + 4) - next_pc(test_anon_lea_signed4)
        .globl  test_anon_lea_signed4
test_anon_lea_signed4:
        leaq    Lc8-4(%rip), %rax
# jitlink-check: decode_operand(test_anon_movl_plus, 3) = (const_data + 12) - next_pc(test_anon_movl_plus)
# jitlink-check: next_pc(test_anon_movl_plus) = test_anon_movl_plus + 10
        .globl  test_anon_movl_plus
test_anon_movl_plus:
        movl    $1, Lc8+4(%rip)

# ---- non-extern, to the C-string literals (section 2), as clang addresses "..." ----
# The strings are "hi" at __cstring + 0 and "there" at + 3.
# jitlink-check: decode_operand(test_cstring, 4) = section_addr(signed.o, __TEXT,__cstring) - next_pc(test_cstring)
# jitlink-check: *{2}(section_addr(signed.o, __TEXT,__cstring)) = 0x6968
        .globl  test_cstring
test_cstring:
        leaq    L.str(%rip), %rdi
# jitlink-check: decode_operand(test_cstring2, 4) = (section_addr(signed.o, __TEXT,__cstring) + 3) - next_pc(test_cstring2)
# jitlink-check: *{4}(section_addr(signed.o, __TEXT,__cstring) + 3) = 0x72656874
        .globl  test_cstring2
test_cstring2:
        leaq    L.str.1(%rip), %rdi

# ---- extern to a local (non-global, non-temporary) symbol, A = 4 ----
# jitlink-check: decode_operand(test_local, 4) = (local_data + 4) - next_pc(test_local)
        .globl  test_local
test_local:
        leaq    local_data+4(%rip), %rax
        retq

        .section __TEXT,__cstring,cstring_literals
L.str:
        .asciz  "hi"
L.str.1:
        .asciz  "there"

# No linker-visible symbol before these labels: references to them are section-relative.
# const_data (after them) names the section's start for the checks.
# jitlink-check: const_data = section_addr(signed.o, __DATA,__const)
        .section __DATA,__const
        .p2align 4
Lc0:
        .quad   0
Lc8:
        .quad   0
Lc16:
        .quad   0
Lc24:
        .quad   0
        .globl  const_data
        .set    const_data, Lc0

        .section __DATA,__data
        .p2align 3
local_data:
        .quad   0
        .quad   0

.subsections_via_symbols
