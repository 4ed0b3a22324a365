# ARM64_RELOC_TLVP_LOAD_PAGE21 / TLVP_LOAD_PAGEOFF12 (adrp + ldr of a thread-local
# variable's descriptor, `_v@TLVPPAGE` / `_v@TLVPPAGEOFF`): a GOT load of the descriptor's
# address (the entry holds _tv), as llvm-jitlink's arm64 GOT builder does. (The LDR's
# base is not its destination, so pyjitlink's GOT relaxation, macho/arm64_got_relax.s,
# leaves the load alone and both tools link the same bytes.) The MachO
# platform rewrites each descriptor {__tlv_bootstrap, 0, $tlv$init address} into {its
# getter, module id, offset of the variable in the module}; with -noexec and a slab there
# is no getter (0) and modules are numbered from 1.
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=arm64-apple-macos11 -filetype=obj -o %t/tlvp.o %s
# RUN: %python %S/Inputs/macho_relocs.py list %t/tlvp.o | FileCheck %s --check-prefix=RELOC
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -entry _main -check %s %t/tlvp.o
#
# RELOC:      __TEXT,__text 0x0 ARM64_RELOC_TLVP_LOAD_PAGE21 pcrel=1 length=4 extern=1 _tv
# RELOC-NEXT: __TEXT,__text 0x4 ARM64_RELOC_TLVP_LOAD_PAGEOFF12 pcrel=0 length=4 extern=1 _tv

        .section __TEXT,__text,regular,pure_instructions
        .globl  _main
        .p2align 2
# jitlink-check: decode_operand(_main, 1) = got_addr(tlvp.o, _tv)[63:12] - _main[63:12]
# jitlink-check: (*{4}(_main + 4))[21:10] = got_addr(tlvp.o, _tv)[11:3]
# jitlink-check: *{8}got_addr(tlvp.o, _tv) = _tv
_main:
        adrp    x1, _tv@TLVPPAGE
        ldr     x0, [x1, _tv@TLVPPAGEOFF]
        ldr     x8, [x0]
        blr     x8
        ret

# jitlink-check: *{8}_tv = 0
# jitlink-check: *{8}(_tv + 8) = 1
# jitlink-check: *{8}(_tv + 16) = _tv$tlv$init - section_addr(tlvp.o, __DATA,__thread_data)
        .section __DATA,__thread_data,thread_local_regular
        .p2align 2
_tv$tlv$init:
        .long   7

        .section __DATA,__thread_vars,thread_local_variables
        .globl  _tv
_tv:
        .quad   __tlv_bootstrap
        .quad   0
        .quad   _tv$tlv$init

.subsections_via_symbols
