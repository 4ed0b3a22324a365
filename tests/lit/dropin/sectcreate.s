# -sectcreate SECTION,FILE@SYM=OFFSET,...: a read-only section holding the file's bytes,
# with a symbol at each offset, in the JITDylib of its position; linked when a lookup
# needs one of its symbols. Bad specifications and missing files are errors.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/reader.o %s
# RUN: llvm-jitlink -noexec -sectcreate __blob,%S/Inputs/eight_bytes.txt@blob=0,tail=0x4 \
# RUN:     -check=%s %t/reader.o
# RUN: llvm-jitlink -noexec -sectcreate __blob,%S/Inputs/eight_bytes.txt@blob=0,tail=4 \
# RUN:     -show-graphs=sectcreate %t/reader.o | FileCheck --check-prefix=GRAPH %s
# RUN: not llvm-jitlink -noexec -sectcreate __blob,%S/Inputs/eight_bytes.txt@blob=0x,tail=4 \
# RUN:     %t/reader.o 2>&1 | FileCheck --check-prefix=BADINT %s
# RUN: not llvm-jitlink -noexec -sectcreate %S/Inputs/eight_bytes.txt %t/reader.o 2>&1 \
# RUN:   | FileCheck --check-prefix=NOFILE %s
# RUN: not llvm-jitlink -noexec -sectcreate __blob,%t/absent.txt@blob=0 %t/reader.o 2>&1 \
# RUN:   | FileCheck --check-prefix=ABSENT %s
#
# "JIT!link": the file's bytes at blob, its second word at tail (little-endian loads).
# jitlink-check: *{4}blob = 0x2154494a
# jitlink-check: *{4}tail = 0x6b6e696c
# jitlink-check: tail = blob + 4
# jitlink-check: *{4}(main + 2) = blob - (main + 6)
#
# GRAPH: Link graph "orc_sectcreate___blob" post-fixup:
# GRAPH-NEXT: section __blob:
# GRAPH: size = 0x00000008, align = 16
# GRAPH: linkage: strong, scope: default, live  -   blob
# GRAPH: linkage: strong, scope: default, live  -   tail
# BADINT: In -sectcreate=__blob,{{.*}}eight_bytes.txt@blob=0x,tail=4, 0x is not a valid integer
# NOFILE: In -sectcreate={{.*}}eight_bytes.txt, filename component cannot be empty
# ABSENT: '{{.*}}absent.txt': No such file or directory

        .text
        .globl  main
        .type   main,@function
main:
        movl    blob(%rip), %eax
        addl    tail(%rip), %eax
        retq
        .size   main, .-main
