# Mach-O arm64 forms pyjitlink links that llvm-jitlink 19 does not link the same way, so
# `PYJITLINK_LIT_TOOL=llvm-jitlink-19` fails this test by design:
# * ARM64_RELOC_POINTER_TO_GOT, absolute 64-bit (`.quad _sym@GOT`, as ld64 accepts): the
#   address of S's GOT entry. LLVM 19 refuses it ("Unsupported arm64 relocation: ...
#   kind=0x7, pc_rel=false, extern=true, length=3").
# * ARM64_RELOC_BRANCH26 to an external within +-128 MiB: pyjitlink makes the branch direct
#   once the target's address is known (its stub stays, unused), as it does for ELF
#   (aarch64/R_AARCH64_CALL26_bypass.s); LLVM 19 has no such pass for Mach-O arm64 and
#   branches to the stub. (Beyond +-128 MiB both use the stub: arm64_relocations.s.)
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=arm64-apple-macos11 -filetype=obj -o %t/beyond.o %s
# RUN: %python %S/Inputs/macho_relocs.py list %t/beyond.o | FileCheck %s --check-prefix=RELOC
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs _near=0xfff80000 -abs _far=0x7fff12345678 \
# RUN:     -entry _main -check %s %t/beyond.o

# RELOC:      __TEXT,__text 0x4 ARM64_RELOC_BRANCH26 pcrel=1 length=4 extern=1 _near
# RELOC-NEXT: __TEXT,__text 0x8 ARM64_RELOC_BRANCH26 pcrel=1 length=4 extern=1 _near
# RELOC-NEXT: __DATA,__data 0x0 ARM64_RELOC_POINTER_TO_GOT pcrel=0 length=8 extern=1 _far
# RELOC-NEXT: __DATA,__data 0x8 ARM64_RELOC_POINTER_TO_GOT pcrel=0 length=8 extern=1 _near
# RELOC-NOT:  ARM64_RELOC

        .section __TEXT,__text,regular,pure_instructions
        .globl  _main
        .p2align 2
_main:
        ret

# jitlink-check: decode_operand(test_bl_near, 0) << 2 = _near - test_bl_near
        .globl  test_bl_near
test_bl_near:
        bl      _near
# jitlink-check: decode_operand(test_b_near, 0) << 2 = _near - test_b_near
        .globl  test_b_near
test_b_near:
        b       _near
        ret

        .section __DATA,__data
        .p2align 3
# jitlink-check: *{8}gotptr = got_addr(beyond.o, _far)
# jitlink-check: *{8}(got_addr(beyond.o, _far)) = _far
# jitlink-check: *{8}(gotptr + 8) = got_addr(beyond.o, _near)
# jitlink-check: *{8}(got_addr(beyond.o, _near)) = _near
        .globl  gotptr
gotptr:
        .quad   _far@GOT
        .quad   _near@GOT

.subsections_via_symbols
