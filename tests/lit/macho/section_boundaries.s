# section$start$SEG$SECT / section$end$SEG$SECT (ld64's names for a section's first byte
# and one past its last) on arm64: bound to this graph's part of the section after
# allocation and never looked up; the section is kept whole although no code refers to its
# entries.
#
# REQUIRES: aarch64-registered-target
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=arm64-apple-macos11 -filetype=obj -o %t/set.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -entry _main -check %s %t/set.o

        .section __TEXT,__text,regular,pure_instructions
        .globl  _main
        .p2align 2
_main:
        adrp    x0, section$start$__DATA$__myset@PAGE
        add     x0, x0, section$start$__DATA$__myset@PAGEOFF
        adrp    x1, section$end$__DATA$__myset@PAGE
        add     x1, x1, section$end$__DATA$__myset@PAGEOFF
        ret

# jitlink-check: section$start$__DATA$__myset = section_addr(set.o, __DATA,__myset)
# jitlink-check: section$end$__DATA$__myset = section$start$__DATA$__myset + 24
# jitlink-check: *{8}(section$start$__DATA$__myset) = 0x1111
# jitlink-check: *{8}(section$end$__DATA$__myset - 8) = 0x3333
# jitlink-check: (*{4}_main)[23:5] = (section$start$__DATA$__myset[32:12] - _main[32:12])[20:2]
# jitlink-check: (*{4}(_main + 4))[21:10] = section$start$__DATA$__myset[11:0]
# jitlink-check: (*{4}(_main + 12))[21:10] = section$end$__DATA$__myset[11:0]
        .section __DATA,__myset
        .p2align 3
Lentry1:
        .quad   0x1111
Lentry2:
        .quad   0x2222
Lentry3:
        .quad   0x3333
        .subsections_via_symbols
