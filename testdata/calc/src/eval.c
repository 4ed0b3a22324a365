/* eval.c - AST evaluator and statement executor. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "calc.h"

long calc_stat_evals;  /* tentative definition -> common */
int calc_stat_calls;   /* tentative definition -> common */

void env_define_local(const char *name, double value);

static double op_add(double a, double b) { return a + b; }
static double op_sub(double a, double b) { return a - b; }
static double op_mul(double a, double b) { return a * b; }
static double op_div(double a, double b) { return a / b; }
static double op_mod(double a, double b) { return fmod(a, b); }
static double op_eq(double a, double b) { return a == b; }
static double op_ne(double a, double b) { return a != b; }
static double op_lt(double a, double b) { return a < b; }
static double op_le(double a, double b) { return a <= b; }
static double op_gt(double a, double b) { return a > b; }
static double op_ge(double a, double b) { return a >= b; }

/* Array of function pointers in read-only data; pow comes from libm. */
static binop_fn const binops[OP_COUNT_] = {
    [OP_ADD] = op_add, [OP_SUB] = op_sub, [OP_MUL] = op_mul,
    [OP_DIV] = op_div, [OP_MOD] = op_mod, [OP_POW] = pow,
    [OP_EQ] = op_eq,   [OP_NE] = op_ne,   [OP_LT] = op_lt,
    [OP_LE] = op_le,   [OP_GT] = op_gt,   [OP_GE] = op_ge,
};

static const char *const binop_names[OP_COUNT_] = {
    "+", "-", "*", "/", "%", "^", "==", "!=", "<", "<=", ">", ">=",
};

/* Writable global table of per-operator counters plus pointer to names. */
struct op_stats {
    const char *const *names;
    long counts[OP_COUNT_];
};
struct op_stats calc_op_stats = {binop_names, {0}};

static int returning;
static double return_value;
static int call_depth;

static double call_user(struct stmt *f, struct node *n)
{
    double args[16];
    double result = 0;
    int i;
    if (n->nargs != f->nparams)
        diag_error(n->line, "function '%s' expects %d argument%s, got %d", f->name,
                   f->nparams, f->nparams == 1 ? "" : "s", n->nargs);
    if (n->nargs > 16)
        diag_error(n->line, "too many arguments");
    if (++call_depth > calc_max_depth() * 4)
        diag_error(n->line, "recursion too deep in '%s'", f->name);
    for (i = 0; i < n->nargs; i++)
        args[i] = eval_node(n->args[i]);
    env_push();
    for (i = 0; i < f->nparams; i++)
        env_define_local(f->params[i], args[i]);
    returning = 0;
    exec_program(f->body);
    if (returning) {
        result = return_value;
        returning = 0;
    }
    env_pop();
    call_depth--;
    return result;
}

static double call(struct node *n)
{
    const struct builtin *b;
    struct stmt *f;
    calc_stat_calls++;
    f = func_lookup(n->name);
    if (f)
        return call_user(f, n);
    b = find_builtin(n->name);
    if (!b)
        diag_error(n->line, "unknown function '%s'", n->name);
    if (n->nargs != b->arity)
        diag_error(n->line, "builtin '%s' expects %d argument%s, got %d", b->name,
                   b->arity, b->arity == 1 ? "" : "s", n->nargs);
    if (b->arity == 1)
        return b->f1(eval_node(n->args[0]));
    else {
        double x = eval_node(n->args[0]);
        double y = eval_node(n->args[1]);
        return b->f2(x, y);
    }
}

double eval_node(struct node *n)
{
    double v;
    calc_stat_evals++;
    switch (n->kind) {
    case N_NUM:
        return n->num;
    case N_VAR:
        if (!env_get(n->name, &v))
            diag_error(n->line, "undefined variable '%s'", n->name);
        return v;
    case N_NEG:
        return -eval_node(n->a);
    case N_NOT:
        return eval_node(n->a) == 0.0;
    case N_BINOP: {
        double a = eval_node(n->a);
        double b = eval_node(n->b);
        calc_op_stats.counts[n->op]++;
        if (n->op == OP_DIV && b == 0.0)
            diag_error(n->line, "division by zero");
        return binops[n->op](a, b);
    }
    case N_AND:
        return eval_node(n->a) != 0.0 && eval_node(n->b) != 0.0;
    case N_OR:
        return eval_node(n->a) != 0.0 || eval_node(n->b) != 0.0;
    case N_COND:
        return eval_node(n->a) != 0.0 ? eval_node(n->b) : eval_node(n->c);
    case N_CALL:
        return call(n);
    case N_ASSIGN:
        v = eval_node(n->a);
        env_set(n->name, v);
        return v;
    default:
        diag_error(n->line, "internal error: bad node kind %d", (int)n->kind);
    }
}

static void print_value(double v)
{
    if (v == floor(v) && fabs(v) < 1e15)
        printf("%.0f", v);
    else
        printf("%.10g", v);
}

int exec_program(struct stmt *s)
{
    int i;
    double vals[32];
    if (returning)
        return 0;
    switch (s->kind) {
    case S_EXPR:
        (void)eval_node(s->expr);
        break;
    case S_LET:
        env_set(s->name, eval_node(s->expr));
        break;
    case S_PRINT:
        for (i = 0; i < s->nitems; i++) {
            if (i)
                putchar(' ');
            print_value(eval_node(s->items[i]));
        }
        putchar('\n');
        break;
    case S_PRINTF:
        if (s->nitems > 32)
            diag_error(s->line, "too many printf arguments");
        for (i = 0; i < s->nitems; i++)
            vals[i] = eval_node(s->items[i]);
        do_printf(s->fmt, vals, s->nitems, s->line);
        break;
    case S_IF:
        if (eval_node(s->expr) != 0.0)
            exec_program(s->body);
        else if (s->alt)
            exec_program(s->alt);
        break;
    case S_WHILE: {
        long guard = 0;
        while (!returning && eval_node(s->expr) != 0.0) {
            exec_program(s->body);
            if (++guard > 1000000)
                diag_error(s->line, "loop limit exceeded");
        }
        break;
    }
    case S_RETURN:
        return_value = eval_node(s->expr);
        returning = 1;
        break;
    case S_DEF:
        func_define(s);
        break;
    case S_BLOCK:
        for (i = 0; i < s->nlist && !returning; i++)
            exec_program(s->list[i]);
        break;
    default:
        diag_error(s->line, "internal error: bad statement kind %d", (int)s->kind);
    }
    return 0;
}

void op_stats_print(FILE *out)
{
    int i;
    fprintf(out, "operator usage:");
    for (i = 0; i < OP_COUNT_; i++)
        if (calc_op_stats.counts[i])
            fprintf(out, " %s:%ld", calc_op_stats.names[i], calc_op_stats.counts[i]);
    fprintf(out, "\n");
}
