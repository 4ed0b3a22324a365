# A flag takes llvm::cl's boolean values: -flag=false / =0 turns it off (here -noexec, so
# the program runs and exits 3), =true / =1 on; any other value is a usage error.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/ret3.o %s
# RUN: llvm-jitlink -noexec=true %t/ret3.o
# RUN: llvm-jitlink -noexec=1 %t/ret3.o
# RUN: not llvm-jitlink -noexec=false %t/ret3.o
# RUN: not llvm-jitlink --noexec=0 %t/ret3.o
# RUN: not llvm-jitlink -noexec=maybe %t/ret3.o 2>&1 | FileCheck %s
#
# CHECK: for the --noexec option: 'maybe' is invalid value for boolean argument! Try 0 or 1

        .text
        .globl  main
        .type   main,@function
main:
        movl    $3, %eax
        retq
        .size   main, .-main
