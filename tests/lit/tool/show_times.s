# -show-times prints llvm-jitlink's phase timers on stderr: an LLVM TimerGroup table with
# the load and link phases; with -noexec there is no run phase.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/times.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 %t/times.o -show-times 2>&1 >/dev/null | FileCheck %s
#
# CHECK: ===-------------------------------------------------------------------------===
# CHECK-NEXT: {{^ +}}timers for {{.*}} phases
# CHECK-NEXT: ===-------------------------------------------------------------------------===
# CHECK-NEXT: Total Execution Time: {{[0-9]+\.[0-9]+}} seconds ({{[0-9]+\.[0-9]+}} wall clock)
# CHECK-EMPTY:
# CHECK-NEXT: ---Wall Time---  --- Name ---
# CHECK-DAG: {{[0-9]+\.[0-9]+}} ({{ *[0-9]+\.[0-9]+}}%)  time to load/add object files
# CHECK-DAG: {{[0-9]+\.[0-9]+}} ({{ *[0-9]+\.[0-9]+}}%)  time to link object files
# CHECK-NOT: time to execute
# CHECK: {{[0-9]+\.[0-9]+}} (100.0%)  Total

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        retq
        .size   main, .-main
