# REQUIRES: x86_64-host
#
# -show-times on a run that executes code also times the run phase.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/times_exec.o %s
# RUN: pyjitlink %t/times_exec.o -show-times 2>&1 >/dev/null | FileCheck %s
#
# CHECK: timers for {{.*}} phases
# CHECK-DAG: time to load/add object files
# CHECK-DAG: time to link object files
# CHECK-DAG: time to execute jitlink'd code
# CHECK: Total

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        xorl    %eax, %eax
        retq
        .size   main, .-main
