# -add-self-relocations: a function that forms a pointer to itself with a RIP-relative
# operand the assembler resolved (no relocation) gets a Delta32 edge (addend -4) to itself
# on that operand's displacement, so the pointer stays right when calls go through stubs.
# As in LLVM: only 64-bit leaq (the one instruction LLVM's X86 MCInstrAnalysis gives a
# relocation offset for) whose operand points at the function's own start and has no edge
# yet; loads of the function's bytes and operands that point elsewhere are left.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-apple-macosx10.9 -filetype=obj -o %t/self.o %s
# RUN: llvm-jitlink -noexec -show-graphs=self %t/self.o | FileCheck --check-prefix=PLAIN %s
# RUN: llvm-jitlink -noexec -show-graphs=self -add-self-relocations %t/self.o \
# RUN:   | FileCheck --check-prefix=SELF %s
# RUN: llvm-jitlink -noexec -add-self-relocations -slab-allocate 100Kb \
# RUN:     -slab-address 0xfff00000 -slab-page-size 4096 -check=%s %t/self.o
#
# PLAIN:      _get_self
# PLAIN-NEXT: edges:
# PLAIN-NEXT: (block + 0x00000011), addend = -0x00000004, kind = Delta32, target = _other
# PLAIN-NOT:  kind =
# PLAIN:      - _other{{$}}
# SELF:      _get_self
# SELF-NEXT: edges:
# SELF-NEXT: (block + 0x00000003), addend = -0x00000004, kind = Delta32, target = _get_self
# SELF-NEXT: (block + 0x0000000a), addend = -0x00000004, kind = Delta32, target = _get_self
# SELF-NEXT: (block + 0x00000011), addend = -0x00000004, kind = Delta32, target = _other
# SELF-NOT:  kind =
# SELF:      - _other{{$}}
#
# jitlink-check: *{4}(_get_self + 3) = (_get_self - (_get_self + 7))[31:0]
# jitlink-check: *{4}(_get_self + 10) = (_get_self - (_get_self + 14))[31:0]

        .section __TEXT,__text,regular,pure_instructions
        .globl  _get_self
_get_self:
        leaq    _get_self(%rip), %rax       # 0: displacement at 3
        leaq    _get_self(%rip), %rcx       # 7: displacement at 10
        leaq    _other(%rip), %rdx          # 14: relocated: displacement at 17
        movq    _get_self(%rip), %rsi       # 21: a load, not leaq: left alone
        leal    _get_self(%rip), %edi       # 28: a 32-bit lea: left alone
        retq

        .globl  _other
_other:
        retq

        .globl  _main
_main:
        callq   _get_self
        xorl    %eax, %eax
        retq

        .subsections_via_symbols
