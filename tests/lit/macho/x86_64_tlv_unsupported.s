# X86_64_RELOC_TLV (a movq from a thread-local variable's descriptor, `_v@TLVP(%rip)`):
# pyjitlink has no thread-local storage yet and says so, naming the relocation.
# llvm-jitlink 19 -noexec fails too, differently: without a MachO platform, "unsupported edge
# kind RequestTLVPAndTransformToPCRel32TLVPLoadREXRelaxable".
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-apple-macosx11.0 -filetype=obj -o %t/tlv.o %s
# RUN: %python %S/Inputs/macho_relocs.py list %t/tlv.o | FileCheck %s --check-prefix=RELOC
# RUN: not pyjitlink -noexec -abs _tv=0x1000 -entry _main %t/tlv.o 2>&1 | FileCheck %s
#
# RELOC: __TEXT,__text 0x3 X86_64_RELOC_TLV pcrel=1 length=4 extern=1 _tv
# CHECK: X86_64_RELOC_TLV {{.*}}thread-local storage is not supported yet

        .section __TEXT,__text,regular,pure_instructions
        .globl  _main
_main:
        movq    _tv@TLVP(%rip), %rdi
        retq

.subsections_via_symbols
