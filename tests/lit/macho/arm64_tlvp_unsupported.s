# ARM64_RELOC_TLVP_LOAD_PAGE21 / TLVP_LOAD_PAGEOFF12 (adrp + ldr of a thread-local variable's
# descriptor, `_v@TLVPPAGE` / `_v@TLVPPAGEOFF`): pyjitlink has no thread-local storage yet
# and says so, naming the relocation. llvm-jitlink 19 -noexec links it (its arm64 GOT builder
# treats the TLVP pair as a GOT load whose entry holds _tv's address, the descriptor a MachO
# platform would supply), so `PYJITLINK_LIT_TOOL=llvm-jitlink-19` fails this test by design.
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=arm64-apple-macos11 -filetype=obj -o %t/tlvp.o %s
# RUN: %python %S/Inputs/macho_relocs.py list %t/tlvp.o | FileCheck %s --check-prefix=RELOC
# RUN: not pyjitlink -noexec -abs _tv=0x1000 -entry _main %t/tlvp.o 2>&1 | FileCheck %s
#
# RELOC:      __TEXT,__text 0x0 ARM64_RELOC_TLVP_LOAD_PAGE21 pcrel=1 length=4 extern=1 _tv
# RELOC-NEXT: __TEXT,__text 0x4 ARM64_RELOC_TLVP_LOAD_PAGEOFF12 pcrel=0 length=4 extern=1 _tv
# CHECK: ARM64_RELOC_TLVP_LOAD_PAGE{{(21|OFF12)}} {{.*}}thread-local storage is not supported yet

        .section __TEXT,__text,regular,pure_instructions
        .globl  _main
        .p2align 2
_main:
        adrp    x0, _tv@TLVPPAGE
        ldr     x0, [x0, _tv@TLVPPAGEOFF]
        ret

.subsections_via_symbols
