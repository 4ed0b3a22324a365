# Invoked as llvm-jitlink (argv[0]'s basename), pyjitlink prints errors as llvm-jitlink 19
# does: what the session reports during the link under "llvm-jitlink error: ", what fails
# before it (options, inputs, check files) under "<argv0>: ", with LLVM's texts.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/needs.o %s
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj --defsym=PROVIDER=1 \
# RUN:     -o %t/provides.o %s
# RUN: not llvm-jitlink -noexec %t/needs.o 2>&1 | FileCheck --check-prefix=UNDEF %s
# RUN: not llvm-jitlink -noexec %t/needs.o %t/provides.o %t/provides.o 2>&1 \
# RUN:   | FileCheck --check-prefix=DUP %s
# RUN: not llvm-jitlink -noexec %t/needs.o %t/absent.o 2>&1 \
# RUN:   | FileCheck --check-prefix=MISSING %s
# RUN: not llvm-jitlink -noexec %t/needs.o %t/provides.o -check=%t/absent.chk 2>&1 \
# RUN:   | FileCheck --check-prefix=NOCHECKFILE %s
# RUN: not llvm-jitlink -noexec %t/needs.o %t/provides.o -check=%s 2>&1 \
# RUN:   | FileCheck --check-prefix=CHECKFAIL %s
#
# UNDEF: {{^}}llvm-jitlink error: Symbols not found: [ helper ]{{$}}
# UNDEF-NOT: {{.}}
# DUP: {{^.*}}llvm-jitlink{{[^/ ]*}}: Duplicate definition of symbol 'helper'{{$}}
# DUP-NOT: {{.}}
# MISSING: {{^.*}}llvm-jitlink{{[^/ ]*}}: '{{.*}}absent.o': No such file or directory{{$}}
# NOCHECKFILE: {{^.*}}llvm-jitlink{{[^/ ]*}}: '{{.*}}absent.chk': No such file or directory{{$}}
# CHECKFAIL: {{.*}}llvm-jitlink{{[^/ ]*}}: Some checks in {{.*}}llvm_banners.s failed{{$}}

# jitlink-check: *{1}helper = 0x90

        .text
.ifndef PROVIDER
        .globl  main
        .type   main,@function
main:
        callq   helper
        retq
        .size   main, .-main
.else
        .globl  helper
        .type   helper,@function
helper:
        retq
        .size   helper, .-helper
.endif
