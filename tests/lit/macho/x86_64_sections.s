# Mach-O sections are named "segment,section": section_addr takes the comma-joined name.
# Zero-fill (S_ZEROFILL) and common symbols get zero-filled memory; the GOT_LOAD of a
# defined symbol is relaxed from movq to leaq.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-apple-macosx11.0 -filetype=obj -o %t/x.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -entry _main -check %s %t/x.o

        .section __TEXT,__text,regular,pure_instructions
        .globl  _main
        .p2align 4, 0x90
# jitlink-check: _main = section_addr(x.o, __TEXT,__text)
_main:
        retq

# jitlink-check: decode_operand(test_gotload, 4) = _zf - next_pc(test_gotload)
        .globl  test_gotload
test_gotload:
        movq    _zf@GOTPCREL(%rip), %rax

        .section __DATA,__data
        .p2align 3
# jitlink-check: first_data = section_addr(x.o, __DATA,__data)
# jitlink-check: *{8}first_data = _cm
        .globl  first_data
first_data:
        .quad   _cm

# jitlink-check: _zf = section_addr(x.o, __DATA,__bss)
# jitlink-check: *{8}_zf = 0
        .globl  _zf
.zerofill __DATA,__bss,_zf,16,4
# jitlink-check: (_cm & 7) = 0
# jitlink-check: *{8}_cm = 0
        .comm   _cm,8,3

.subsections_via_symbols
