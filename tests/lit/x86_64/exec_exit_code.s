# REQUIRES: x86_64-host
#
# main's return value becomes the exit status, and -args gives main its argv (with no
# program name prepended): main returns 40 + argc, so "-args a b" exits with 42.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/exit_code.o %s
# RUN: %python -c "import subprocess, sys; sys.exit(subprocess.run(sys.argv[2:]).returncode != int(sys.argv[1]))" \
# RUN:     42 pyjitlink %t/exit_code.o -args a b
# RUN: %python -c "import subprocess, sys; sys.exit(subprocess.run(sys.argv[2:]).returncode != int(sys.argv[1]))" \
# RUN:     40 pyjitlink %t/exit_code.o

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        leal    40(%rdi), %eax
        retq
        .size   main, .-main
