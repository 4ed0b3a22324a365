/* vm.c - a tiny stack machine interpreted two ways: a big dense switch
 * (jump table at -O2) and a table of function pointers.  Both must agree. */
#include <stdio.h>
#include "dsbench.h"

unsigned long dsb_ops;  /* tentative -> common */

enum opcode {
    OP_PUSH, OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD, OP_NEG, OP_DUP,
    OP_SWAP, OP_DROP, OP_AND, OP_OR, OP_XOR, OP_SHL, OP_SHR, OP_MAX,
    OP_NCODES
};

static const char *const op_names[OP_NCODES] = {
    "push", "add", "sub", "mul", "div", "mod", "neg", "dup",
    "swap", "drop", "and", "or", "xor", "shl", "shr", "max",
};

struct insn {
    enum opcode op;
    long imm;
};

#define STACK_MAX 64

struct machine {
    long stack[STACK_MAX];
    int sp;
};

static long pop(struct machine *m)
{
    return m->sp > 0 ? m->stack[--m->sp] : 1;
}

static void push(struct machine *m, long v)
{
    /* wrap to 32 bits so no 64-bit operation below can overflow */
    if (m->sp < STACK_MAX)
        m->stack[m->sp++] = (long)(int32_t)(uint32_t)(unsigned long)v;
}

/* Variant 1: switch. */
static long run_switch(const struct insn *code, int n)
{
    struct machine m;
    int pc;
    long a, b;
    m.sp = 0;
    for (pc = 0; pc < n; pc++) {
        const struct insn *i = &code[pc];
        switch (i->op) {
        case OP_PUSH: push(&m, i->imm); break;
        case OP_ADD: b = pop(&m); a = pop(&m); push(&m, a + b); break;
        case OP_SUB: b = pop(&m); a = pop(&m); push(&m, a - b); break;
        case OP_MUL: b = pop(&m); a = pop(&m); push(&m, (a * b) % 1000003); break;
        case OP_DIV: b = pop(&m); a = pop(&m); push(&m, b ? a / b : 0); break;
        case OP_MOD: b = pop(&m); a = pop(&m); push(&m, b ? a % b : 0); break;
        case OP_NEG: push(&m, -pop(&m)); break;
        case OP_DUP: a = pop(&m); push(&m, a); push(&m, a); break;
        case OP_SWAP: b = pop(&m); a = pop(&m); push(&m, b); push(&m, a); break;
        case OP_DROP: (void)pop(&m); break;
        case OP_AND: b = pop(&m); a = pop(&m); push(&m, a & b); break;
        case OP_OR: b = pop(&m); a = pop(&m); push(&m, a | b); break;
        case OP_XOR: b = pop(&m); a = pop(&m); push(&m, a ^ b); break;
        case OP_SHL: b = pop(&m); a = pop(&m); push(&m, (long)((unsigned long)a << (b & 7))); break;
        case OP_SHR: b = pop(&m); a = pop(&m); push(&m, a >> (b & 7)); break;
        case OP_MAX: b = pop(&m); a = pop(&m); push(&m, a > b ? a : b); break;
        default: break;
        }
    }
    return m.sp ? m.stack[m.sp - 1] : 0;
}

/* Variant 2: table of function pointers. */
typedef void (*op_handler)(struct machine *, long);

static void h_push(struct machine *m, long imm) { push(m, imm); }
static void h_add(struct machine *m, long imm) { long b = pop(m), a = pop(m); (void)imm; push(m, a + b); }
static void h_sub(struct machine *m, long imm) { long b = pop(m), a = pop(m); (void)imm; push(m, a - b); }
static void h_mul(struct machine *m, long imm) { long b = pop(m), a = pop(m); (void)imm; push(m, (a * b) % 1000003); }
static void h_div(struct machine *m, long imm) { long b = pop(m), a = pop(m); (void)imm; push(m, b ? a / b : 0); }
static void h_mod(struct machine *m, long imm) { long b = pop(m), a = pop(m); (void)imm; push(m, b ? a % b : 0); }
static void h_neg(struct machine *m, long imm) { (void)imm; push(m, -pop(m)); }
static void h_dup(struct machine *m, long imm) { long a = pop(m); (void)imm; push(m, a); push(m, a); }
static void h_swap(struct machine *m, long imm) { long b = pop(m), a = pop(m); (void)imm; push(m, b); push(m, a); }
static void h_drop(struct machine *m, long imm) { (void)imm; (void)pop(m); }
static void h_and(struct machine *m, long imm) { long b = pop(m), a = pop(m); (void)imm; push(m, a & b); }
static void h_or(struct machine *m, long imm) { long b = pop(m), a = pop(m); (void)imm; push(m, a | b); }
static void h_xor(struct machine *m, long imm) { long b = pop(m), a = pop(m); (void)imm; push(m, a ^ b); }
static void h_shl(struct machine *m, long imm) { long b = pop(m), a = pop(m); (void)imm; push(m, (long)((unsigned long)a << (b & 7))); }
static void h_shr(struct machine *m, long imm) { long b = pop(m), a = pop(m); (void)imm; push(m, a >> (b & 7)); }
static void h_max(struct machine *m, long imm) { long b = pop(m), a = pop(m); (void)imm; push(m, a > b ? a : b); }

/* Writable (non-const) global table of function pointers. */
op_handler vm_handlers[OP_NCODES] = {
    h_push, h_add, h_sub, h_mul, h_div, h_mod, h_neg, h_dup,
    h_swap, h_drop, h_and, h_or, h_xor, h_shl, h_shr, h_max,
};

static long run_table(const struct insn *code, int n)
{
    struct machine m;
    int pc;
    m.sp = 0;
    for (pc = 0; pc < n; pc++)
        vm_handlers[code[pc].op](&m, code[pc].imm);
    return m.sp ? m.stack[m.sp - 1] : 0;
}

long vm_run_random(struct rng *r, int nops, struct strbuf *trace)
{
    struct insn *code;
    arena_reset();
    code = arena_alloc(sizeof *code * (size_t)nops);
    int i, hist[OP_NCODES] = {0};
    long a, b;
    for (i = 0; i < nops; i++) {
        /* bias towards pushes so the stack does not run dry */
        if (rng_below(r, 3) == 0)
            code[i].op = OP_PUSH;
        else
            code[i].op = (enum opcode)rng_below(r, OP_NCODES);
        code[i].imm = (long)rng_below(r, 1000) - 200;
        hist[code[i].op]++;
        dsb_ops++;
    }
    a = run_switch(code, nops);
    b = run_table(code, nops);
    for (i = 0; i < OP_NCODES; i++)
        if (hist[i])
            sb_printf(trace, "%s=%d ", op_names[i], hist[i]);
    if (a != b) {
        err("vm: switch and table disagree (%ld vs %ld)", a, b);
        return -1;
    }
    return a;
}
