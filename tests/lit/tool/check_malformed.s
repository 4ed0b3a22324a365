# Malformed rules are errors, reported with the expression and the parser's complaint,
# and they fail the run (each file is run with one bad rule selected by -check-name).
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/malformed.o %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check-name=double-eq -check %s %t/malformed.o \
# RUN:     2>&1 | FileCheck --check-prefix=DOUBLE-EQ %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check-name=open-paren -check %s %t/malformed.o \
# RUN:     2>&1 | FileCheck --check-prefix=OPEN-PAREN %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check-name=unknown-sym -check %s %t/malformed.o \
# RUN:     2>&1 | FileCheck --check-prefix=UNKNOWN-SYM %s
# RUN: not pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check-name=bad-operand -check %s %t/malformed.o \
# RUN:     2>&1 | FileCheck --check-prefix=BAD-OPERAND %s
#
# DOUBLE-EQ: Error evaluating expression 'answer = = 1': Encountered unexpected token '=' while parsing subexpression '= 1'
# DOUBLE-EQ: Some checks in {{.*}}check_malformed.s failed
# OPEN-PAREN: Error evaluating expression '(answer = 1': {{.*}}expected ')'
# OPEN-PAREN: Some checks in {{.*}}check_malformed.s failed
# UNKNOWN-SYM: Error evaluating expression 'no_such_symbol = 1': No known address for symbol 'no_such_symbol'
# UNKNOWN-SYM: Some checks in {{.*}}check_malformed.s failed
# MOV32rm has 6 operands (dst and the 5 memory operands).
# BAD-OPERAND: Error evaluating expression 'decode_operand(main, 9) = 1': Invalid operand index '9' for instruction 'main'. Instruction has only 6 operands.
# BAD-OPERAND: Some checks in {{.*}}check_malformed.s failed

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        movl    answer(%rip), %eax
        retq
        .size   main, .-main

        .data
        .globl  answer
answer:
        .long   42
        .size   answer, 4

# double-eq: answer = = 1
# open-paren: (answer = 1
# unknown-sym: no_such_symbol = 1
# bad-operand: decode_operand(main, 9) = 1
