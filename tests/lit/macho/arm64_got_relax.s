# Mach-O arm64 GOT relaxation (pyjitlink's own behaviour: llvm-jitlink 19 keeps every GOT
# load): an ARM64_RELOC_GOT_LOAD_PAGE21 + GOT_LOAD_PAGEOFF12 pair (or TLVP_LOAD_PAGE21 +
# TLVP_LOAD_PAGEOFF12) on consecutive words of one block, with one register as ADRP
# destination, LDR base and LDR destination, computes the entry's value instead, as for
# ELF (aarch64/R_AARCH64_GOT_relax.s): NOP; ADR within +-1 MiB of the target, ADRP; ADD
# within +-4 GiB of its page, else NOP; LDR (literal) of the GOT entry when that is within
# +-1 MiB. A symbol between the two instructions (with .subsections_via_symbols, a block
# boundary) leaves the pair alone: code may branch to it. The entry's other pairs stay too.
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=arm64-apple-macos11 -filetype=obj -o %t/got_relax.o %s
# RUN: %python %S/Inputs/macho_relocs.py list %t/got_relax.o | FileCheck %s --check-prefix=RELOC
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs _mid=0x120000ff8 -abs _far=0x7fff00001000 \
# RUN:     -entry _main -check %s %t/got_relax.o
#
# RELOC:      __TEXT,__text 0x4 ARM64_RELOC_GOT_LOAD_PAGE21 pcrel=1 length=4 extern=1 _gdata
# RELOC-NEXT: __TEXT,__text 0x8 ARM64_RELOC_GOT_LOAD_PAGEOFF12 pcrel=0 length=4 extern=1 _gdata
# RELOC:      __TEXT,__text 0x1c ARM64_RELOC_TLVP_LOAD_PAGE21 pcrel=1 length=4 extern=1 _tv
# RELOC-NEXT: __TEXT,__text 0x20 ARM64_RELOC_TLVP_LOAD_PAGEOFF12 pcrel=0 length=4 extern=1 _tv

        .section __TEXT,__text,regular,pure_instructions
        .globl  _main
        .p2align 2
_main:
        ret

# A definition of this graph: NOP; ADR x0, _gdata (LLVM's ADR operands: Rd, byte offset).
# jitlink-check: *{4}test_near = 0xd503201f
# jitlink-check: decode_operand(test_near + 4, 1) = _gdata - test_near - 4
# jitlink-check: (*{4}(test_near + 4))[31:31] = 0
# jitlink-check: (*{4}(test_near + 4))[28:24] = 0x10
# jitlink-check: (*{4}(test_near + 4))[4:0] = 0
# jitlink-check: *{8}got_addr(got_relax.o, _gdata) = _gdata
        .globl  test_near
test_near:
        adrp    x0, _gdata@GOTPAGE
        ldr     x0, [x0, _gdata@GOTPAGEOFF]

# Beyond ADR's reach, within ADRP's: ADRP x1, _mid; ADD x1, x1, _mid@PAGEOFF (ADDXri:
# Rd, Rn, imm12, shift).
# jitlink-check: decode_operand(test_mid, 1) = _mid[63:12] - test_mid[63:12]
# jitlink-check: decode_operand(test_mid + 4, 2) = 0xff8
# jitlink-check: (*{4}(test_mid + 4))[31:22] = 0x244
# jitlink-check: (*{4}(test_mid + 4))[9:0] = 0x21
        .globl  test_mid
test_mid:
        adrp    x1, _mid@GOTPAGE
        ldr     x1, [x1, _mid@GOTPAGEOFF]

# Beyond ADRP's reach: NOP; LDR x2, <GOT entry> (LDRXl: Rt, word offset).
# jitlink-check: *{4}test_far = 0xd503201f
# jitlink-check: decode_operand(test_far + 4, 1) << 2 = got_addr(got_relax.o, _far) - test_far - 4
# jitlink-check: (*{4}(test_far + 4))[31:24] = 0x58
# jitlink-check: *{8}got_addr(got_relax.o, _far) = _far
        .globl  test_far
test_far:
        adrp    x2, _far@GOTPAGE
        ldr     x2, [x2, _far@GOTPAGEOFF]

# A thread-local variable's descriptor: NOP; ADR x0, _tv.
# jitlink-check: *{4}test_tlv = 0xd503201f
# jitlink-check: decode_operand(test_tlv + 4, 1) = _tv - test_tlv - 4
        .globl  test_tlv
test_tlv:
        adrp    x0, _tv@TLVPPAGE
        ldr     x0, [x0, _tv@TLVPPAGEOFF]
        ldr     x8, [x0]
        blr     x8

# A label between ADRP and LDR: both pairs of _gdata2 keep loading its GOT entry.
# jitlink-check: decode_operand(test_split, 1) = got_addr(got_relax.o, _gdata2)[63:12] - test_split[63:12]
# jitlink-check: decode_operand(test_split_ldr, 2) = got_addr(got_relax.o, _gdata2)[11:3]
# jitlink-check: decode_operand(test_whole, 1) = got_addr(got_relax.o, _gdata2)[63:12] - test_whole[63:12]
# jitlink-check: decode_operand(test_whole + 4, 2) = got_addr(got_relax.o, _gdata2)[11:3]
# jitlink-check: (*{4}(test_whole + 4))[31:22] = 0x3e5
        .globl  test_split
test_split:
        adrp    x3, _gdata2@GOTPAGE
        .globl  test_split_ldr
test_split_ldr:
        ldr     x3, [x3, _gdata2@GOTPAGEOFF]
        .globl  test_whole
test_whole:
        adrp    x4, _gdata2@GOTPAGE
        ldr     x4, [x4, _gdata2@GOTPAGEOFF]
        ret

        .section __DATA,__data
        .globl  _gdata
        .p2align 3
_gdata:
        .quad   1
        .globl  _gdata2
_gdata2:
        .quad   2

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
