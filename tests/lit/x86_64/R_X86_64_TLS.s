# Every ELF x86-64 thread-local relocation, checked against its formula (x86-64 psABI 4.4;
# Drepper, "ELF Handling For Thread-Local Storage", 4.3 and 5.5; TLSDESC: Oliva's "TLS
# descriptors for x86").
#
# With -noexec the platform lays TLS modules out as a program's static TLS would be:
# module ids from 1, variant II blocks below the thread pointer. This object is module 1,
# its block is .tdata (12 bytes, align 8) at offset 0 then .tbss (24 bytes, align 16) at
# offset 16: 40 bytes, aligned to 16, so the block starts at TP - 48. Hence, for a variable
# S: DTPOFF(S) = S - section_addr(.tdata) for .tdata, 16 + S - section_addr(.tbss) for
# .tbss, and S - TP = DTPOFF(S) - 48.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t/tls.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -abs __tls_get_addr=0xffe01000 -check %s %t/tls.o

        .text
        .globl  main
        .p2align 4, 0x90
        .type   main,@function
main:
        retq
        .size   main, .-main

# R_X86_64_TLSGD: GOT + A - P, the GOT entry a tls_index {DTPMOD64(S), DTPOFF64(S)}.
# jitlink-check: decode_operand(test_gd, 4) = got_addr(tls.o, gd_var) - next_pc(test_gd)
# jitlink-check: *{8}got_addr(tls.o, gd_var) = 1
# jitlink-check: *{8}(got_addr(tls.o, gd_var) + 8) = gd_var - section_addr(tls.o, .tdata)
        .globl  test_gd
test_gd:
        data16 leaq gd_var@tlsgd(%rip), %rdi
        data16 data16 rex64 callq __tls_get_addr@PLT

# R_X86_64_TLSLD: GOT + A - P, the GOT entry a tls_index {DTPMOD64 of the module, 0};
# R_X86_64_DTPOFF32: DTPOFF(S) + A, added to what __tls_get_addr returns.
# jitlink-check: decode_operand(test_ld, 4) = got_addr(tls.o, ld_var) - next_pc(test_ld)
# jitlink-check: *{8}got_addr(tls.o, ld_var) = 1
# jitlink-check: *{8}(got_addr(tls.o, ld_var) + 8) = 0
# jitlink-check: decode_operand(test_dtpoff32, 4) = ld_var - section_addr(tls.o, .tdata)
        .globl  test_ld
test_ld:
        leaq    ld_var@tlsld(%rip), %rdi
        callq   __tls_get_addr@PLT
        .globl  test_dtpoff32
test_dtpoff32:
        leaq    ld_var@dtpoff(%rax), %rcx

# R_X86_64_GOTTPOFF: GOT + A - P, the GOT entry holding S - TP (TPOFF64).
# jitlink-check: decode_operand(test_ie, 4) = got_addr(tls.o, ie_var) - next_pc(test_ie)
# jitlink-check: *{8}got_addr(tls.o, ie_var) = ie_var - section_addr(tls.o, .tbss) + 16-48
        .globl  test_ie
test_ie:
        movq    ie_var@gottpoff(%rip), %rax

# R_X86_64_TPOFF32: S + A - TP, a negative 32-bit displacement from %fs.
# jitlink-check: *{4}(test_le + 4) = (le_var - section_addr(tls.o, .tbss) + 16-48)[31:0]
        .globl  test_le
test_le:
        movl    %fs:le_var@tpoff, %eax

# R_X86_64_GOTPC32_TLSDESC: GOT + A - P, the GOT entry a TLS descriptor; its module is in
# static TLS, so its resolver (none without an executor: 0) returns the argument, S - TP.
# R_X86_64_TLSDESC_CALL marks the call and changes nothing: the call stays ff 10.
# jitlink-check: decode_operand(test_desc, 4) = got_addr(tls.o, desc_var) - next_pc(test_desc)
# jitlink-check: *{8}got_addr(tls.o, desc_var) = 0
# jitlink-check: *{8}(got_addr(tls.o, desc_var) + 8) = desc_var - section_addr(tls.o, .tbss) + 16-48
# jitlink-check: *{2}test_desc_call = 0x10ff
        .globl  test_desc
test_desc:
        leaq    desc_var@tlsdesc(%rip), %rax
        .globl  test_desc_call
test_desc_call:
        callq   *desc_var@tlscall(%rax)

# R_X86_64_DTPMOD64: the module id; R_X86_64_DTPOFF64: DTPOFF(S) + A; R_X86_64_TPOFF64:
# S + A - TP (as a dynamic linker would write them, here in data).
# jitlink-check: *{8}dtpmod = 1
# jitlink-check: *{8}dtpoff64 = ld_var - section_addr(tls.o, .tdata)
# jitlink-check: *{8}tpoff64 = le_var - section_addr(tls.o, .tbss) + 16-48
        .data
        .p2align 3
        .globl  dtpmod
dtpmod:
        .reloc  ., R_X86_64_DTPMOD64, gd_var
        .quad   0
        .globl  dtpoff64
dtpoff64:
        .reloc  ., R_X86_64_DTPOFF64, ld_var
        .quad   0
        .globl  tpoff64
tpoff64:
        .reloc  ., R_X86_64_TPOFF64, le_var
        .quad   0

        .section .tdata,"awT",@progbits
        .p2align 3
        .globl  gd_var
gd_var: .quad   1
        .globl  ld_var
ld_var: .long   2

        .section .tbss,"awT",@nobits
        .p2align 4
        .globl  ie_var
ie_var: .zero   16
        .globl  le_var
le_var: .zero   4
        .globl  desc_var
desc_var:
        .zero   4
