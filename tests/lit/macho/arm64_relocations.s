# Mach-O arm64 instruction relocations, with expected values from the ABI formulas:
# * ARM64_RELOC_BRANCH26 (B/BL imm26 = (S + A - P) >> 2): to functions of this object,
#   backwards and forwards, and to an external beyond +-128 MiB through a stub
#   ("adrp x16, GOT@PAGE; ldr x16, [x16, GOT@PAGEOFF]; br x16") whose GOT entry holds it;
# * ARM64_RELOC_PAGE21 (ADRP: Page(S + A) - Page(P), Page(x) = x & ~0xfff) and
#   ARM64_RELOC_PAGEOFF12 on an ADD (imm12 = (S + A) & 0xfff; loads and stores, whose imm12
#   is scaled, are arm64_pageoff12_ldst.s);
# * ARM64_RELOC_GOT_LOAD_PAGE21 / GOT_LOAD_PAGEOFF12 (adrp + ldr of `_sym@GOTPAGE` /
#   `_sym@GOTPAGEOFF`: the page and the scaled offset of S's GOT entry, which holds S);
# * ARM64_RELOC_ADDEND: the instruction's immediate stays zero and a preceding ADDEND entry
#   at the same address holds A (signed, 24 bits) for the BRANCH26, PAGE21 or PAGEOFF12
#   after it. llvm-mc 19 writes negative addends wrongly (the value spills out of the
#   24-bit field into the entry's other bits), so the negative ones here are written as
#   +0x123 and patched to -16 before linking (as Apple's assembler writes them).
# A reference to a temporary label (L...) is extern to the section's start symbol `ltmpN`
# plus an ADDEND: arm64 relocations are never section-relative.
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=arm64-apple-macos11 -filetype=obj -o %t/asm.o %s
# RUN: %python %S/Inputs/macho_relocs.py patch %t/asm.o %t/patched.o __TEXT,__text 0x4 \
# RUN:     ARM64_RELOC_ADDEND symbolnum=-16
# RUN: %python %S/Inputs/macho_relocs.py patch %t/patched.o %t/arm64.o __TEXT,__text 0x8 \
# RUN:     ARM64_RELOC_ADDEND symbolnum=-16
# RUN: %python %S/Inputs/macho_relocs.py list %t/arm64.o | FileCheck %s --check-prefix=RELOC
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs _ext=0x123456789 -abs _far=0x7fff00001000 \
# RUN:     -entry _main -check %s %t/arm64.o

# RELOC:      __TEXT,__text 0x4 ARM64_RELOC_ADDEND pcrel=0 length=4 extern=0 addend=-16
# RELOC-NEXT: __TEXT,__text 0x4 ARM64_RELOC_PAGE21 pcrel=1 length=4 extern=1 _gdata
# RELOC-NEXT: __TEXT,__text 0x8 ARM64_RELOC_ADDEND pcrel=0 length=4 extern=0 addend=-16
# RELOC-NEXT: __TEXT,__text 0x8 ARM64_RELOC_PAGEOFF12 pcrel=0 length=4 extern=1 _gdata
# RELOC-NEXT: __TEXT,__text {{.*}} ARM64_RELOC_BRANCH26 pcrel=1 length=4 extern=1 _fn
# RELOC-NEXT: __TEXT,__text {{.*}} ARM64_RELOC_BRANCH26 pcrel=1 length=4 extern=1 _fn
# RELOC-NEXT: __TEXT,__text {{.*}} ARM64_RELOC_BRANCH26 pcrel=1 length=4 extern=1 _main
# RELOC-NEXT: __TEXT,__text {{.*}} ARM64_RELOC_ADDEND pcrel=0 length=4 extern=0 addend=8
# RELOC-NEXT: __TEXT,__text {{.*}} ARM64_RELOC_BRANCH26 pcrel=1 length=4 extern=1 _fn
# RELOC-NEXT: __TEXT,__text {{.*}} ARM64_RELOC_BRANCH26 pcrel=1 length=4 extern=1 ltmp1
# RELOC-NEXT: __TEXT,__text {{.*}} ARM64_RELOC_BRANCH26 pcrel=1 length=4 extern=1 _far
# RELOC-NEXT: __TEXT,__text {{.*}} ARM64_RELOC_BRANCH26 pcrel=1 length=4 extern=1 _far
# RELOC-NEXT: __TEXT,__text {{.*}} ARM64_RELOC_PAGE21 pcrel=1 length=4 extern=1 _gdata
# RELOC-NEXT: __TEXT,__text {{.*}} ARM64_RELOC_PAGEOFF12 pcrel=0 length=4 extern=1 _gdata
# RELOC-NEXT: __TEXT,__text {{.*}} ARM64_RELOC_ADDEND pcrel=0 length=4 extern=0 addend=2136
# RELOC-NEXT: __TEXT,__text {{.*}} ARM64_RELOC_PAGE21 pcrel=1 length=4 extern=1 _gdata
# RELOC-NEXT: __TEXT,__text {{.*}} ARM64_RELOC_ADDEND pcrel=0 length=4 extern=0 addend=2136
# RELOC-NEXT: __TEXT,__text {{.*}} ARM64_RELOC_PAGEOFF12 pcrel=0 length=4 extern=1 _gdata
# RELOC-NEXT: __TEXT,__text {{.*}} ARM64_RELOC_PAGE21 pcrel=1 length=4 extern=1 _ext
# RELOC-NEXT: __TEXT,__text {{.*}} ARM64_RELOC_PAGEOFF12 pcrel=0 length=4 extern=1 _ext
# RELOC-NEXT: __TEXT,__text {{.*}} ARM64_RELOC_ADDEND pcrel=0 length=4 extern=0 addend=4112
# RELOC-NEXT: __TEXT,__text {{.*}} ARM64_RELOC_PAGE21 pcrel=1 length=4 extern=1 _ext
# RELOC-NEXT: __TEXT,__text {{.*}} ARM64_RELOC_ADDEND pcrel=0 length=4 extern=0 addend=4112
# RELOC-NEXT: __TEXT,__text {{.*}} ARM64_RELOC_PAGEOFF12 pcrel=0 length=4 extern=1 _ext
# RELOC-NEXT: __TEXT,__text {{.*}} ARM64_RELOC_ADDEND pcrel=0 length=4 extern=0 addend=24
# RELOC-NEXT: __TEXT,__text {{.*}} ARM64_RELOC_PAGE21 pcrel=1 length=4 extern=1 ltmp2
# RELOC-NEXT: __TEXT,__text {{.*}} ARM64_RELOC_ADDEND pcrel=0 length=4 extern=0 addend=24
# RELOC-NEXT: __TEXT,__text {{.*}} ARM64_RELOC_PAGEOFF12 pcrel=0 length=4 extern=1 ltmp2
# RELOC-NEXT: __TEXT,__text {{.*}} ARM64_RELOC_GOT_LOAD_PAGE21 pcrel=1 length=4 extern=1 _far
# RELOC-NEXT: __TEXT,__text {{.*}} ARM64_RELOC_GOT_LOAD_PAGEOFF12 pcrel=0 length=4 extern=1 _far
# RELOC-NEXT: __TEXT,__text {{.*}} ARM64_RELOC_GOT_LOAD_PAGE21 pcrel=1 length=4 extern=1 _ext
# RELOC-NEXT: __TEXT,__text {{.*}} ARM64_RELOC_GOT_LOAD_PAGEOFF12 pcrel=0 length=4 extern=1 _ext
# RELOC-NEXT: __TEXT,__text {{.*}} ARM64_RELOC_GOT_LOAD_PAGE21 pcrel=1 length=4 extern=1 _gdata
# RELOC-NEXT: __TEXT,__text {{.*}} ARM64_RELOC_GOT_LOAD_PAGEOFF12 pcrel=0 length=4 extern=1 _gdata
# RELOC-NOT:  ARM64_RELOC

        .section __TEXT,__text,regular,pure_instructions
        .globl  _main
        .p2align 2
_main:
        ret

# ---- ADDEND, negative (patched from +0x123 to -16, see above): S + A = _gdata - 16 ----
# jitlink-check: decode_operand(test_adrp_neg, 1) = (_gdata - 16)[63:12] - test_adrp_neg[63:12]
        .globl  test_adrp_neg
test_adrp_neg:
        adrp    x5, _gdata@PAGE + 0x123
# jitlink-check: decode_operand(test_add_neg, 2) = (_gdata - 16)[11:0]
        .globl  test_add_neg
test_add_neg:
        add     x5, x5, _gdata@PAGEOFF + 0x123

# ---- BRANCH26 ----
# Forwards to _fn (a BL and a B; the opcode bits are kept), backwards to _main.
# jitlink-check: decode_operand(test_bl_fn, 0) << 2 = _fn - test_bl_fn
# jitlink-check: (*{4}test_bl_fn)[31:26] = 0x25
        .globl  test_bl_fn
test_bl_fn:
        bl      _fn
# jitlink-check: decode_operand(test_b_fn, 0) << 2 = _fn - test_b_fn
# jitlink-check: (*{4}test_b_fn)[31:26] = 0x5
        .globl  test_b_fn
test_b_fn:
        b       _fn
# jitlink-check: decode_operand(test_bl_back, 0) << 2 = _main - test_bl_back
        .globl  test_bl_back
test_bl_back:
        bl      _main
# With an ADDEND: 8 bytes into _fn.
# jitlink-check: decode_operand(test_bl_addend, 0) << 2 = _fn - test_bl_addend + 8
        .globl  test_bl_addend
test_bl_addend:
        bl      _fn + 8
# To a temporary label at the start of __TEXT,__cold: ltmp1, the section's start symbol.
# jitlink-check: decode_operand(test_bl_cold, 0) << 2 = section_addr(arm64.o, __TEXT,__cold) - test_bl_cold
        .globl  test_bl_cold
test_bl_cold:
        bl      Lcold
# To an external far beyond +-128 MiB: both branches go to its stub.
# jitlink-check: decode_operand(test_bl_far, 0) << 2 = stub_addr(arm64.o, _far) - test_bl_far
        .globl  test_bl_far
test_bl_far:
        bl      _far
# jitlink-check: decode_operand(test_b_far, 0) << 2 = stub_addr(arm64.o, _far) - test_b_far
# jitlink-check: (*{4}test_b_far)[31:26] = 0x5
        .globl  test_b_far
test_b_far:
        b       _far
# The stub: ADRP x16 to the GOT entry's page, LDR x16 of its scaled page offset, BR x16; the
# GOT entry holds _far.
# jitlink-check: *{8}(got_addr(arm64.o, _far)) = _far
# jitlink-check: (*{4}(stub_addr(arm64.o, _far)))[31:31] = 1
# jitlink-check: (*{4}(stub_addr(arm64.o, _far)))[28:24] = 0x10
# jitlink-check: (*{4}(stub_addr(arm64.o, _far)))[4:0] = 16
# jitlink-check: (*{4}(stub_addr(arm64.o, _far)))[30:29] = (got_addr(arm64.o, _far)[63:12] - stub_addr(arm64.o, _far)[63:12])[1:0]
# jitlink-check: (*{4}(stub_addr(arm64.o, _far)))[23:5] = (got_addr(arm64.o, _far)[63:12] - stub_addr(arm64.o, _far)[63:12])[20:2]
# jitlink-check: (*{4}(stub_addr(arm64.o, _far) + 4))[31:22] = 0x3e5
# jitlink-check: (*{4}(stub_addr(arm64.o, _far) + 4))[9:0] = 0x210
# jitlink-check: (*{4}(stub_addr(arm64.o, _far) + 4))[21:10] = got_addr(arm64.o, _far)[11:3]
# jitlink-check: *{4}(stub_addr(arm64.o, _far) + 8) = 0xd61f0200

# ---- PAGE21 + PAGEOFF12 (ADD) ----
# _gdata lies 0x7b0 into its page (the checks below compute from its address, this only
# makes sure the fields are not zero).
# jitlink-check: _gdata[11:0] = 0x7b0
# jitlink-check: decode_operand(test_adrp_local, 1) = _gdata[63:12] - test_adrp_local[63:12]
# jitlink-check: (*{4}test_adrp_local)[4:0] = 0
# jitlink-check: (*{4}test_adrp_local)[31:31] = 1
        .globl  test_adrp_local
test_adrp_local:
        adrp    x0, _gdata@PAGE
# jitlink-check: decode_operand(test_add_local, 2) = _gdata[11:0]
# jitlink-check: (*{4}test_add_local)[9:0] = 0
        .globl  test_add_local
test_add_local:
        add     x0, x0, _gdata@PAGEOFF
# ADDEND 0x858: the page of S + A (the next one), not the page of S.
# jitlink-check: decode_operand(test_adrp_local_addend, 1) = (_gdata + 0x858)[63:12] - test_adrp_local_addend[63:12]
# jitlink-check: (_gdata + 0x858)[63:12] = _gdata[63:12] + 1
        .globl  test_adrp_local_addend
test_adrp_local_addend:
        adrp    x1, _gdata@PAGE + 0x858
# jitlink-check: decode_operand(test_add_local_addend, 2) = (_gdata + 0x858)[11:0]
        .globl  test_add_local_addend
test_add_local_addend:
        add     x1, x1, _gdata@PAGEOFF + 0x858
# To an external 4.5 GiB up (_ext = 0x1_2345_6789).
# jitlink-check: decode_operand(test_adrp_ext, 1) = _ext[63:12] - test_adrp_ext[63:12]
        .globl  test_adrp_ext
test_adrp_ext:
        adrp    x2, _ext@PAGE
# jitlink-check: decode_operand(test_add_ext, 2) = _ext[11:0]
        .globl  test_add_ext
test_add_ext:
        add     x2, x2, _ext@PAGEOFF
# jitlink-check: decode_operand(test_adrp_ext_addend, 1) = (_ext + 0x1010)[63:12] - test_adrp_ext_addend[63:12]
        .globl  test_adrp_ext_addend
test_adrp_ext_addend:
        adrp    x3, _ext@PAGE + 0x1010
# jitlink-check: decode_operand(test_add_ext_addend, 2) = (_ext + 0x1010)[11:0]
        .globl  test_add_ext_addend
test_add_ext_addend:
        add     x3, x3, _ext@PAGEOFF + 0x1010
# A temporary label 24 bytes into __DATA,__const: ltmp2 + ADDEND 24.
# jitlink-check: decode_operand(test_adrp_const, 1) = (section_addr(arm64.o, __DATA,__const) + 24)[63:12] - test_adrp_const[63:12]
        .globl  test_adrp_const
test_adrp_const:
        adrp    x4, Lc24@PAGE
# jitlink-check: decode_operand(test_add_const, 2) = (section_addr(arm64.o, __DATA,__const) + 24)[11:0]
        .globl  test_add_const
test_add_const:
        add     x4, x4, Lc24@PAGEOFF

# ---- GOT_LOAD_PAGE21 + GOT_LOAD_PAGEOFF12 ----
# jitlink-check: decode_operand(test_gotpage_far, 1) = got_addr(arm64.o, _far)[63:12] - test_gotpage_far[63:12]
        .globl  test_gotpage_far
test_gotpage_far:
        adrp    x8, _far@GOTPAGE
# LDR Xt (unsigned offset, 0xf9400000): imm12 = the entry's page offset / 8; Rt, Rn kept.
# jitlink-check: decode_operand(test_gotpageoff_far, 2) = got_addr(arm64.o, _far)[11:3]
# jitlink-check: (*{4}test_gotpageoff_far)[31:22] = 0x3e5
# jitlink-check: (*{4}test_gotpageoff_far)[9:0] = 0x108
        .globl  test_gotpageoff_far
test_gotpageoff_far:
        ldr     x8, [x8, _far@GOTPAGEOFF]
# Near externals and defined symbols load from their GOT entries too: a label between
# ADRP and LDR (a block boundary) keeps GOT relaxation (arm64_got_relax.s) off these pairs.
# jitlink-check: decode_operand(test_gotpage_ext, 1) = got_addr(arm64.o, _ext)[63:12] - test_gotpage_ext[63:12]
        .globl  test_gotpage_ext
test_gotpage_ext:
        adrp    x9, _ext@GOTPAGE
# jitlink-check: decode_operand(test_gotpageoff_ext, 2) = got_addr(arm64.o, _ext)[11:3]
# jitlink-check: *{8}(got_addr(arm64.o, _ext)) = _ext
        .globl  test_gotpageoff_ext
test_gotpageoff_ext:
        ldr     x9, [x9, _ext@GOTPAGEOFF]
# jitlink-check: decode_operand(test_gotpage_local, 1) = got_addr(arm64.o, _gdata)[63:12] - test_gotpage_local[63:12]
        .globl  test_gotpage_local
test_gotpage_local:
        adrp    x10, _gdata@GOTPAGE
# jitlink-check: decode_operand(test_gotpageoff_local, 2) = got_addr(arm64.o, _gdata)[11:3]
# jitlink-check: *{8}(got_addr(arm64.o, _gdata)) = _gdata
        .globl  test_gotpageoff_local
test_gotpageoff_local:
        ldr     x10, [x10, _gdata@GOTPAGEOFF]
        ret

        .globl  _fn
        .p2align 2
_fn:
        nop
        nop
        nop
        ret

        .section __TEXT,__cold,regular,pure_instructions
Lcold:
        ret

        .section __DATA,__const
        .p2align 4
Lc0:
        .quad   0
        .quad   0
        .quad   0
Lc24:
        .quad   0

# A page-aligned section; pad is global so that it is not dead-stripped.
        .section __DATA,__data
        .p2align 12
        .globl  pad
pad:
        .space  0x7b0
        .globl  _gdata
_gdata:
        .quad   7
        .space  0x900

.subsections_via_symbols
