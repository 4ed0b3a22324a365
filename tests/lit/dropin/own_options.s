# pyjitlink's own dumps and results (llvm-jitlink 19 lacks these options):
# -show-jit-result prints the entry point's return value and succeeds; -graph-output sends
# -show-graphs to a file, so the program's stdout carries no DOT or text dump; a
# -show-graphs regex that does not compile is a usage error.
#
# REQUIRES: x86_64-host
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/ret3.o %s
# RUN: pyjitlink -show-jit-result %t/ret3.o | FileCheck --check-prefix=RESULT %s
# RUN: pyjitlink -noexec -show-graphs=ret3 -graph-output=%t/graph.txt %t/ret3.o \
# RUN:   | FileCheck --allow-empty --check-prefix=EMPTY %s
# RUN: FileCheck --check-prefix=GRAPH %s < %t/graph.txt
# RUN: not pyjitlink -noexec -show-graphs='(' %t/ret3.o 2>&1 \
# RUN:   | FileCheck --check-prefix=REGEX %s
# RUN: not pyjitlink -noexec -graph-output=%t/no/such/dir.txt -show-graphs=. %t/ret3.o 2>&1 \
# RUN:   | FileCheck --check-prefix=NODIR %s
#
# RESULT: {{^}}JIT result: 3{{$}}
# EMPTY-NOT: {{.}}
# GRAPH: Link graph "{{.*}}ret3.o" post-fixup:
# GRAPH: linkage: strong, scope: default, live  -   main
# REGEX: {{^}}pyjitlink: error: invalid -show-graphs regex '(': missing ), unterminated subpattern
# NODIR: {{^}}pyjitlink: error: {{.*}}dir.txt: No such file or directory

        .text
        .globl  main
        .type   main,@function
main:
        movl    $3, %eax
        retq
        .size   main, .-main
