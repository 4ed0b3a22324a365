# X86_64_RELOC_TLV (`movq _v@TLVP(%rip), %rdi`, then `callq *(%rdi)`): a GOT load of the
# variable's descriptor in __thread_vars, relaxed to leaq when the descriptor is near, as
# ld64 does. The MachO platform rewrites each descriptor {__tlv_bootstrap, 0, $tlv$init
# address} into {its getter, module id, offset of the variable in the module}: the getter
# is called with the descriptor in rdi and returns the variable's address in this thread.
# With -noexec and a slab there is no getter (0) and modules are numbered from 1; this
# object's module is __thread_data (4 bytes) then __thread_bss at offset 4.
# llvm-jitlink 19 -noexec fails here: without a MachO platform, "unsupported edge kind
# RequestTLVPAndTransformToPCRel32TLVPLoadREXRelaxable".
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-apple-macosx11.0 -filetype=obj -o %t/tlv.o %s
# RUN: %python %S/Inputs/macho_relocs.py list %t/tlv.o | FileCheck %s --check-prefix=RELOC
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -entry _main -check %s %t/tlv.o
#
# RELOC: __TEXT,__text 0x3 X86_64_RELOC_TLV pcrel=1 length=4 extern=1 _tv

        .section __TEXT,__text,regular,pure_instructions
        .globl  _main
# jitlink-check: *{2}_main = 0x8d48
# jitlink-check: decode_operand(_main, 4) = _tv - next_pc(_main)
# jitlink-check: *{2}(_main + 7) = 0x17ff
_main:
        movq    _tv@TLVP(%rip), %rdi
        callq   *(%rdi)
        retq

# jitlink-check: *{8}_tv = 0
# jitlink-check: *{8}(_tv + 8) = 1
# jitlink-check: *{8}(_tv + 16) = _tv$tlv$init - section_addr(tlv.o, __DATA,__thread_data)
# jitlink-check: *{8}_tz = 0
# jitlink-check: *{8}(_tz + 8) = 1
# jitlink-check: *{8}(_tz + 16) = _tz$tlv$init - section_addr(tlv.o, __DATA,__thread_bss) + 4
        .section __DATA,__thread_data,thread_local_regular
        .p2align 2
_tv$tlv$init:
        .long   7
.tbss _tz$tlv$init, 4, 2

        .section __DATA,__thread_vars,thread_local_variables
        .globl  _tv
_tv:
        .quad   __tlv_bootstrap
        .quad   0
        .quad   _tv$tlv$init
        .globl  _tz
_tz:
        .quad   __tlv_bootstrap
        .quad   0
        .quad   _tz$tlv$init

.subsections_via_symbols
