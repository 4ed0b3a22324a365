# X86_64_RELOC_BRANCH (call/jmp rel32: S + A - next_pc), X86_64_RELOC_GOT_LOAD (a movq from
# the GOT: GOT(S) - next_pc, relaxed to a leaq of S when S is within +-2 GiB) and
# X86_64_RELOC_GOT (any other GOT reference: GOT(S) + A - next_pc, never relaxed; in data,
# `.long _sym@GOTPCREL+4` is GOT(S) - P, as in the personality pointer of __eh_frame).
#
# A BRANCH to an external goes through a stub (jmp *GOT(S)(%rip)) unless the target is within
# +-2 GiB of the call, which is then made direct (the stub stays, unused). One GOT entry per
# target serves GOT_LOAD, GOT and the stub.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-apple-macosx11.0 -filetype=obj -o %t/got.o %s
# RUN: %python %S/Inputs/macho_relocs.py list %t/got.o | FileCheck %s --check-prefix=RELOC
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs _ext=0xfff80000 -abs _far=0x7fff12345678 \
# RUN:     -abs _low=0x1000 -entry _main -check %s %t/got.o

# RELOC:      __TEXT,__text {{.*}} X86_64_RELOC_BRANCH pcrel=1 length=4 extern=1 _fn
# RELOC-NEXT: __TEXT,__text {{.*}} X86_64_RELOC_BRANCH pcrel=1 length=4 extern=1 _ext
# RELOC-NEXT: __TEXT,__text {{.*}} X86_64_RELOC_BRANCH pcrel=1 length=4 extern=1 _ext
# RELOC-NEXT: __TEXT,__text {{.*}} X86_64_RELOC_BRANCH pcrel=1 length=4 extern=1 _far
# RELOC-NEXT: __TEXT,__text {{.*}} X86_64_RELOC_BRANCH pcrel=1 length=4 extern=1 _far
# RELOC-NEXT: __TEXT,__text {{.*}} X86_64_RELOC_GOT_LOAD pcrel=1 length=4 extern=1 _ext
# RELOC-NEXT: __TEXT,__text {{.*}} X86_64_RELOC_GOT_LOAD pcrel=1 length=4 extern=1 _far
# RELOC-NEXT: __TEXT,__text {{.*}} X86_64_RELOC_GOT_LOAD pcrel=1 length=4 extern=1 _low
# RELOC-NEXT: __TEXT,__text {{.*}} X86_64_RELOC_GOT_LOAD pcrel=1 length=4 extern=1 _gdata
# RELOC-NEXT: __TEXT,__text {{.*}} X86_64_RELOC_GOT pcrel=1 length=4 extern=1 _far
# RELOC-NEXT: __TEXT,__text {{.*}} X86_64_RELOC_GOT pcrel=1 length=4 extern=1 _ext
# RELOC-NEXT: __TEXT,__text {{.*}} X86_64_RELOC_GOT pcrel=1 length=4 extern=1 _far
# RELOC-NEXT: __TEXT,__text {{.*}} X86_64_RELOC_GOT pcrel=1 length=4 extern=1 _gdata
# RELOC-NEXT: __DATA,__data 0x8 X86_64_RELOC_GOT pcrel=1 length=4 extern=1 _far
# RELOC-NEXT: __DATA,__data 0xc X86_64_RELOC_GOT pcrel=1 length=4 extern=1 _ext
# RELOC-NOT:  X86_64_RELOC

        .section __TEXT,__text,regular,pure_instructions
        .globl  _main
        .p2align 4, 0x90
_main:
        retq

# ---- BRANCH ----
# To a function of this object (another atom: .subsections_via_symbols keeps the relocation).
# jitlink-check: decode_operand(test_call_fn, 0) = _fn - next_pc(test_call_fn)
        .globl  test_call_fn
test_call_fn:
        callq   _fn
# To an external within range: direct, with and without an addend.
# jitlink-check: decode_operand(test_call_ext, 0) = _ext - next_pc(test_call_ext)
        .globl  test_call_ext
test_call_ext:
        callq   _ext
# jitlink-check: decode_operand(test_call_ext_plus, 0) = (_ext + 8) - next_pc(test_call_ext_plus)
        .globl  test_call_ext_plus
test_call_ext_plus:
        callq   _ext+8
# To an external beyond +-2 GiB: through the stub, a call and a tail call alike.
# jitlink-check: decode_operand(test_call_far, 0) = stub_addr(got.o, _far) - next_pc(test_call_far)
        .globl  test_call_far
test_call_far:
        callq   _far
# jitlink-check: decode_operand(test_jmp_far, 0) = stub_addr(got.o, _far) - next_pc(test_jmp_far)
# jitlink-check: *{1}test_jmp_far = 0xe9
        .globl  test_jmp_far
test_jmp_far:
        jmp     _far
# The stub: jmp *disp32(%rip) (ff 25) to _far's GOT entry, which holds _far.
# jitlink-check: *{2}(stub_addr(got.o, _far)) = 0x25ff
# jitlink-check: *{4}(stub_addr(got.o, _far) + 2) = (got_addr(got.o, _far) - stub_addr(got.o, _far) - 6)[31:0]
# jitlink-check: *{8}(got_addr(got.o, _far)) = _far

# ---- GOT_LOAD ----
# Within range: movq -> leaq of the target itself (opcode 8b -> 8d; REX and ModRM kept).
# jitlink-check: *{1}(test_gotload + 1) = 0x8d
# jitlink-check: decode_operand(test_gotload, 4) = _ext - next_pc(test_gotload)
# jitlink-check: *{1}test_gotload = 0x48
# jitlink-check: *{1}(test_gotload + 2) = 0x05
        .globl  test_gotload
test_gotload:
        movq    _ext@GOTPCREL(%rip), %rax
# Beyond range (above, and below by more than 2 GiB): the movq stays, from the GOT entry.
# jitlink-check: *{1}(test_gotload_far + 1) = 0x8b
# jitlink-check: decode_operand(test_gotload_far, 4) = got_addr(got.o, _far) - next_pc(test_gotload_far)
        .globl  test_gotload_far
test_gotload_far:
        movq    _far@GOTPCREL(%rip), %rcx
# jitlink-check: *{1}(test_gotload_low + 1) = 0x8b
# jitlink-check: decode_operand(test_gotload_low, 4) = got_addr(got.o, _low) - next_pc(test_gotload_low)
# jitlink-check: *{8}(got_addr(got.o, _low)) = _low
        .globl  test_gotload_low
test_gotload_low:
        movq    _low@GOTPCREL(%rip), %rdx
# To a symbol defined in this object: relaxed (REX.WR movq to r9 -> leaq).
# jitlink-check: *{1}(test_gotload_local + 1) = 0x8d
# jitlink-check: decode_operand(test_gotload_local, 4) = _gdata - next_pc(test_gotload_local)
# jitlink-check: *{8}(got_addr(got.o, _gdata)) = _gdata
        .globl  test_gotload_local
test_gotload_local:
        movq    _gdata@GOTPCREL(%rip), %r9

# ---- GOT ----
# callq *GOT(%rip) and pushq GOT(%rip): the GOT entry's address, not relaxed (not even for
# the near _ext).
# jitlink-check: decode_operand(test_got_call_far, 3) = got_addr(got.o, _far) - next_pc(test_got_call_far)
        .globl  test_got_call_far
test_got_call_far:
        callq   *_far@GOTPCREL(%rip)
# jitlink-check: decode_operand(test_got_push, 3) = got_addr(got.o, _ext) - next_pc(test_got_push)
# jitlink-check: *{8}(got_addr(got.o, _ext)) = _ext
        .globl  test_got_push
test_got_push:
        pushq   _ext@GOTPCREL(%rip)
# An addend: 4 past the GOT entry.
# jitlink-check: decode_operand(test_got_addend, 3) = (got_addr(got.o, _far) + 4) - next_pc(test_got_addend)
        .globl  test_got_addend
test_got_addend:
        pushq   _far@GOTPCREL+4(%rip)
# An addq from the GOT entry of a defined symbol (operands: dst, tied src, then memory).
# jitlink-check: decode_operand(test_got_add, 5) = got_addr(got.o, _gdata) - next_pc(test_got_add)
        .globl  test_got_add
test_got_add:
        addq    _gdata@GOTPCREL(%rip), %rax
        retq

        .globl  _fn
_fn:
        retq

        .section __DATA,__data
        .p2align 3
        .globl  _gdata
_gdata:
        .quad   0
# GOT in data: `+4` makes the field GOT(S) - P (relative to the field's start), without it
# the field is relative to its end.
# jitlink-check: *{4}gotpcrel_data = (got_addr(got.o, _far) - gotpcrel_data)[31:0]
# jitlink-check: *{4}(gotpcrel_data + 4) = (got_addr(got.o, _ext) - gotpcrel_data - 8)[31:0]
        .globl  gotpcrel_data
gotpcrel_data:
        .long   _far@GOTPCREL+4
        .long   _ext@GOTPCREL

.subsections_via_symbols
