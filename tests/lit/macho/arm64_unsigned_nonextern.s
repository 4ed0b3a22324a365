# ARM64_RELOC_UNSIGNED, 64-bit, non-extern (section-relative): the entry names a section
# (1-based) and the field holds the target's address in the object; the linker finds the
# target by that address and keeps the rest as the addend (LLVM's MachOPointer64Anon). llvm-mc
# never writes this form for arm64 (a temporary label is addressed as ltmpN + offset, extern),
# so the two extern entries are rewritten into it: __DATA,__const is section 2 at object
# address 0x10, so Lc8 is 0x18 and Lc0 + 4 is 0x14.
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=arm64-apple-macos11 -filetype=obj -o %t/asm.o %s
# RUN: %python %S/Inputs/macho_relocs.py list %t/asm.o | FileCheck %s --check-prefix=ASM
# RUN: %python %S/Inputs/macho_relocs.py patch %t/asm.o %t/p1.o __DATA,__data 0x0 \
# RUN:     ARM64_RELOC_UNSIGNED extern=0 symbolnum=2
# RUN: %python %S/Inputs/macho_relocs.py poke %t/p1.o %t/p2.o __DATA,__data 0x0 8 0x18
# RUN: %python %S/Inputs/macho_relocs.py patch %t/p2.o %t/p3.o __DATA,__data 0x8 \
# RUN:     ARM64_RELOC_UNSIGNED extern=0 symbolnum=2
# RUN: %python %S/Inputs/macho_relocs.py poke %t/p3.o %t/anon.o __DATA,__data 0x8 8 0x14
# RUN: %python %S/Inputs/macho_relocs.py list %t/anon.o | FileCheck %s --check-prefix=RELOC
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -entry _main -check %s %t/anon.o

# ASM:        __DATA,__data 0x0 ARM64_RELOC_UNSIGNED pcrel=0 length=8 extern=1 ltmp1
# ASM-NEXT:   __DATA,__data 0x8 ARM64_RELOC_UNSIGNED pcrel=0 length=8 extern=1 ltmp1
# RELOC:      __DATA,__data 0x0 ARM64_RELOC_UNSIGNED pcrel=0 length=8 extern=0 section 2
# RELOC-NEXT: __DATA,__data 0x8 ARM64_RELOC_UNSIGNED pcrel=0 length=8 extern=0 section 2
# RELOC-NOT:  ARM64_RELOC

        .section __TEXT,__text,regular,pure_instructions
        .globl  _main
        .p2align 2
_main:
        ret

# jitlink-check: const_data = section_addr(anon.o, __DATA,__const)
        .section __DATA,__const
        .p2align 4
Lc0:
        .quad   1
Lc8:
        .quad   2
        .globl  const_data
        .set    const_data, Lc0

        .section __DATA,__data
        .p2align 3
# jitlink-check: *{8}ptr = const_data + 8
# jitlink-check: *{8}(ptr + 8) = const_data + 4
        .globl  ptr
ptr:
        .quad   Lc8
        .quad   Lc0 + 4

.subsections_via_symbols
