/* env.c - variable scopes and the user function table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "calc.h"

long calc_stat_evals;  /* tentative definition -> common */

struct var {
    char *name;
    double value;
    struct var *next;
};

struct scope {
    struct var *vars;
    struct scope *up;
};

static struct scope global_scope;
static struct scope *top = &global_scope;
static int depth;

#define MAX_FUNCS 64
static struct stmt *funcs[MAX_FUNCS];
static int nfuncs;

void env_init(void)
{
    global_scope.vars = NULL;
    global_scope.up = NULL;
    top = &global_scope;
    depth = 0;
}

static struct var *find_in(struct scope *s, const char *name)
{
    struct var *v;
    for (v = s->vars; v; v = v->next)
        if (strcmp(v->name, name) == 0)
            return v;
    return NULL;
}

int env_get(const char *name, double *out)
{
    /* local scope first, then globals (no nested closures) */
    struct var *v = find_in(top, name);
    if (!v && top != &global_scope)
        v = find_in(&global_scope, name);
    if (!v)
        return 0;
    *out = v->value;
    return 1;
}

void env_set(const char *name, double value)
{
    struct var *v = find_in(top, name);
    if (!v && top != &global_scope) {
        v = find_in(&global_scope, name);
    }
    if (!v) {
        v = xmalloc(sizeof *v);
        v->name = xstrdup(name);
        v->next = top->vars;
        top->vars = v;
    }
    v->value = value;
}

void env_define_local(const char *name, double value)
{
    struct var *v = xmalloc(sizeof *v);
    v->name = xstrdup(name);
    v->value = value;
    v->next = top->vars;
    top->vars = v;
}

void env_push(void)
{
    struct scope *s = xmalloc(sizeof *s);
    s->vars = NULL;
    s->up = top;
    top = s;
    depth++;
}

void env_pop(void)
{
    struct scope *s = top;
    struct var *v, *next;
    if (s == &global_scope)
        return;
    for (v = s->vars; v; v = next) {
        next = v->next;
        free(v->name);
        free(v);
    }
    top = s->up;
    free(s);
    depth--;
}

int env_depth(void)
{
    return depth;
}

static int cmp_var(const void *a, const void *b)
{
    const struct var *const *x = a;
    const struct var *const *y = b;
    return strcmp((*x)->name, (*y)->name);
}

void env_dump(void)
{
    struct var *v;
    struct var **arr;
    int n = 0, i;
    for (v = global_scope.vars; v; v = v->next)
        n++;
    arr = xmalloc(sizeof(*arr) * (size_t)(n ? n : 1));
    n = 0;
    for (v = global_scope.vars; v; v = v->next)
        arr[n++] = v;
    qsort(arr, (size_t)n, sizeof *arr, cmp_var);
    printf("globals (%d):\n", n);
    for (i = 0; i < n; i++)
        printf("  %-12s = %14.6f  %-14g %.4e\n", arr[i]->name, arr[i]->value,
               arr[i]->value, arr[i]->value);
    free(arr);
}

void func_define(struct stmt *def)
{
    int i;
    for (i = 0; i < nfuncs; i++) {
        if (strcmp(funcs[i]->name, def->name) == 0) {
            diag_warn(def->line, "redefinition of function '%s'", def->name);
            funcs[i] = def;
            return;
        }
    }
    if (nfuncs == MAX_FUNCS)
        diag_error(def->line, "too many functions");
    if (find_builtin(def->name))
        diag_warn(def->line, "function '%s' shadows a builtin", def->name);
    funcs[nfuncs++] = def;
}

struct stmt *func_lookup(const char *name)
{
    int i;
    for (i = 0; i < nfuncs; i++)
        if (strcmp(funcs[i]->name, name) == 0)
            return funcs[i];
    return NULL;
}

int func_count(void)
{
    return nfuncs;
}
