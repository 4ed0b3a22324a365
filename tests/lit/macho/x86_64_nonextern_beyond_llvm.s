# Non-extern (section-relative) forms that the assembler writes but LLVM's JITLink (19)
# refuses ("Unsupported x86-64 relocation: ... extern=false"): X86_64_RELOC_BRANCH to a
# temporary label in another section, 32-bit X86_64_RELOC_UNSIGNED, and a SUBTRACTOR whose
# subtrahend (B) is section-relative. pyjitlink links them as ld64 does: the target is found
# by the address the content holds (for BRANCH, relative to the field's end). So
# `PYJITLINK_LIT_TOOL=llvm-jitlink-19` fails this test by design.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-apple-macosx11.0 -filetype=obj -o %t/nonextern.o %s
# RUN: %python %S/Inputs/macho_relocs.py list %t/nonextern.o \
# RUN:   | FileCheck %s --check-prefix=RELOC
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -entry _main -check %s %t/nonextern.o

# RELOC:      __TEXT,__text 0x2 X86_64_RELOC_BRANCH pcrel=1 length=4 extern=0 section 2
# RELOC-NEXT: __TEXT,__text 0x7 X86_64_RELOC_BRANCH pcrel=1 length=4 extern=0 section 2
# RELOC-NEXT: __DATA,__data 0x0 X86_64_RELOC_UNSIGNED pcrel=0 length=4 extern=0 section 3
# RELOC-NEXT: __DATA,__data 0x4 X86_64_RELOC_UNSIGNED pcrel=0 length=4 extern=0 section 3
# RELOC-NEXT: __DATA,__data 0x8 X86_64_RELOC_SUBTRACTOR pcrel=0 length=8 extern=0 section 3
# RELOC-NEXT: __DATA,__data 0x8 X86_64_RELOC_UNSIGNED pcrel=0 length=8 extern=1 negdelta64_anon
# RELOC-NEXT: __DATA,__data 0x10 X86_64_RELOC_SUBTRACTOR pcrel=0 length=4 extern=0 section 3
# RELOC-NEXT: __DATA,__data 0x10 X86_64_RELOC_UNSIGNED pcrel=0 length=4 extern=1 negdelta32_anon
# RELOC-NOT:  X86_64_RELOC

        .section __TEXT,__text,regular,pure_instructions
        .globl  _main
        .p2align 4, 0x90
_main:
        retq

# BRANCH to __TEXT,__cold (section 2): cold is its start, Lcold2 one byte further.
# jitlink-check: decode_operand(test_call_anon, 0) = cold - next_pc(test_call_anon)
        .globl  test_call_anon
test_call_anon:
        callq   Lcold
# jitlink-check: decode_operand(test_jmp_anon, 0) = (cold + 1) - next_pc(test_jmp_anon)
        .globl  test_jmp_anon
test_jmp_anon:
        jmp     Lcold2
        retq

# jitlink-check: cold = section_addr(nonextern.o, __TEXT,__cold)
        .section __TEXT,__cold,regular,pure_instructions
Lcold:
        retq
Lcold2:
        retq
        .globl  cold
        .set    cold, Lcold

# jitlink-check: const_data = section_addr(nonextern.o, __DATA,__const)
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
# UNSIGNED, 32-bit, non-extern (to __DATA,__const, section 3).
# jitlink-check: *{4}ptr32_anon = const_data + 8
# jitlink-check: *{4}(ptr32_anon + 4) = const_data + 12
        .globl  ptr32_anon
ptr32_anon:
        .long   Lc8
        .long   Lc8 + 4
# SUBTRACTOR with a non-extern B, A in the fixup's block: NegDelta to __DATA,__const + 8.
# jitlink-check: *{8}negdelta64_anon = negdelta64_anon - const_data - 8
        .globl  negdelta64_anon
negdelta64_anon:
        .quad   negdelta64_anon - Lc8
# jitlink-check: *{4}negdelta32_anon = (negdelta32_anon - const_data - 4)[31:0]
        .globl  negdelta32_anon
negdelta32_anon:
        .long   negdelta32_anon - Lc8 + 4

.subsections_via_symbols
