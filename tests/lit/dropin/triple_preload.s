# -triple overrides the architecture and format the first input would choose: objects
# of another architecture are refused, an unknown architecture is an error. -preload
# loads a shared library before linking; one that cannot be loaded is an error with the
# loader's text. (llvm-jitlink 19 lacks -triple; the -preload error is its own.)
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/tp.o %s
# RUN: pyjitlink -noexec -triple=x86_64-unknown-linux-gnu %t/tp.o
# RUN: not pyjitlink -noexec -triple=aarch64-linux-gnu %t/tp.o 2>&1 \
# RUN:   | FileCheck --check-prefix=ARCH %s
# RUN: not pyjitlink -noexec -triple=x86_64-apple-macosx %t/tp.o 2>&1 \
# RUN:   | FileCheck --check-prefix=FORMAT %s
# RUN: not pyjitlink -noexec -triple=riscv64-unknown-linux %t/tp.o 2>&1 \
# RUN:   | FileCheck --check-prefix=UNKNOWN %s
# RUN: not llvm-jitlink -preload %t/missing.so %t/tp.o 2>&1 \
# RUN:   | FileCheck --check-prefix=PRELOAD %s
#
# ARCH: x86_64 object cannot be linked in a session for aarch64
# FORMAT: cannot mix ELF and Mach-O objects in one session
# UNKNOWN: unsupported target triple 'riscv64-unknown-linux'
# PRELOAD: {{.*}}llvm-jitlink{{[^ ]*}}: {{.*}}missing.so: cannot open shared object file: No such file or directory

        .text
        .globl  main
        .type   main,@function
main:
        xorl    %eax, %eax
        retq
        .size   main, .-main
