# Malformed or unlinkable Mach-O arm64 relocations fail the link with one error. The objects
# are the assembler's, patched with Inputs/macho_relocs.py where no assembler writes them.
# The CHECK lines accept LLVM's wording (llvm-jitlink 19) or pyjitlink's for the same refusal.
#
# An ARM64_RELOC_ADDEND must be followed, at the same address, by the BRANCH26, PAGE21 or
# PAGEOFF12 it gives its addend to:
# * followed by a GOT_LOAD_PAGE21, which takes no addend (prefix GOT);
# * followed by a (64-bit) UNSIGNED (prefix DATA);
# * its PAGE21 moved to another instruction (prefix MOVED);
# * the last entry of the section, its PAGE21 dropped (prefix LAST).
# And a PAGEOFF12 on a load whose access size does not divide the target's page offset (an
# 8-byte LDR of an address ending in 4; prefix MISALIGNED) is out of range of the scaled
# field.
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=arm64-apple-macos11 -filetype=obj -o %t/addend.o %s
# RUN: %python %S/Inputs/macho_relocs.py list %t/addend.o | FileCheck %s --check-prefix=RELOC
#
# RUN: %python %S/Inputs/macho_relocs.py patch %t/addend.o %t/got.o __TEXT,__text 0x4 \
# RUN:     ARM64_RELOC_PAGE21 type=ARM64_RELOC_GOT_LOAD_PAGE21
# RUN: not pyjitlink -noexec -abs _ext=0x12345678 -entry _main %t/got.o 2>&1 \
# RUN:   | FileCheck %s --check-prefix=GOT
# GOT: {{Invalid relocation pair: Addend \+ MachOGOTPage21|ARM64_RELOC_ADDEND in section __TEXT,__text at offset 0x4: ADDEND is not followed by a BRANCH26, PAGE21 or PAGEOFF12}}
#
# RUN: %python %S/Inputs/macho_relocs.py patch %t/addend.o %t/data.o __TEXT,__text 0x8 \
# RUN:     ARM64_RELOC_PAGEOFF12 type=ARM64_RELOC_UNSIGNED length=8
# RUN: not pyjitlink -noexec -abs _ext=0x12345678 -entry _main %t/data.o 2>&1 \
# RUN:   | FileCheck %s --check-prefix=DATA
# DATA: {{Invalid relocation pair: Addend \+ MachOPointer64|ARM64_RELOC_ADDEND in section __TEXT,__text at offset 0x8: ADDEND is not followed by a BRANCH26, PAGE21 or PAGEOFF12}}
#
# RUN: %python %S/Inputs/macho_relocs.py patch %t/addend.o %t/moved.o __TEXT,__text 0x4 \
# RUN:     ARM64_RELOC_PAGE21 address=0x0
# RUN: not pyjitlink -noexec -abs _ext=0x12345678 -entry _main %t/moved.o 2>&1 \
# RUN:   | FileCheck %s --check-prefix=MOVED
# MOVED: {{Paired relocation points at different target|ARM64_RELOC_ADDEND in section __TEXT,__text at offset 0x4: ADDEND is not followed by a BRANCH26, PAGE21 or PAGEOFF12 at the same place}}
#
# RUN: %python %S/Inputs/macho_relocs.py truncate %t/addend.o %t/last.o __TEXT,__text 3
# RUN: %python %S/Inputs/macho_relocs.py list %t/last.o | FileCheck %s --check-prefix=LASTREL
# RUN: not pyjitlink -noexec -abs _ext=0x12345678 -entry _main %t/last.o 2>&1 \
# RUN:   | FileCheck %s --check-prefix=LAST
# LAST: {{Unpaired Addend reloc at 0x0*4$|ARM64_RELOC_ADDEND in section __TEXT,__text at offset 0x4: ADDEND is not followed by a BRANCH26, PAGE21 or PAGEOFF12}}
#
# RUN: llvm-mc -triple=arm64-apple-macos11 -filetype=obj --defsym=MISALIGNED=1 \
# RUN:     -o %t/misaligned.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs _ext=0x12345678 -abs _odd=0x12345674 -entry _main \
# RUN:     %t/misaligned.o 2>&1 | FileCheck %s --check-prefix=MISALIGNED
# MISALIGNED: {{PAGEOFF12 target is not aligned|relocation target "_odd" at address 0x12345674 is out of range of PageOffset12 fixup}}
#
# The assembler's entries (file order is the reverse; each ADDEND precedes its partner).
# RELOC:      __TEXT,__text 0x4 ARM64_RELOC_ADDEND pcrel=0 length=4 extern=0 addend=16
# RELOC-NEXT: __TEXT,__text 0x4 ARM64_RELOC_PAGE21 pcrel=1 length=4 extern=1 _ext
# RELOC-NEXT: __TEXT,__text 0x8 ARM64_RELOC_ADDEND pcrel=0 length=4 extern=0 addend=16
# RELOC-NEXT: __TEXT,__text 0x8 ARM64_RELOC_PAGEOFF12 pcrel=0 length=4 extern=1 _ext
# RELOC-NOT:  ARM64_RELOC
# LASTREL:      __TEXT,__text 0x4 ARM64_RELOC_ADDEND pcrel=0 length=4 extern=0 addend=16
# LASTREL-NEXT: __TEXT,__text 0x8 ARM64_RELOC_ADDEND pcrel=0 length=4 extern=0 addend=16
# LASTREL-NEXT: __TEXT,__text 0x8 ARM64_RELOC_PAGEOFF12 pcrel=0 length=4 extern=1 _ext
# LASTREL-NOT:  ARM64_RELOC

        .section __TEXT,__text,regular,pure_instructions
        .globl  _main
        .p2align 2
_main:
        ret
        adrp    x0, _ext@PAGE + 16
        add     x0, x0, _ext@PAGEOFF + 16
.ifdef MISALIGNED
        ldr     x1, [x0, _odd@PAGEOFF]
.endif
        ret

.subsections_via_symbols
