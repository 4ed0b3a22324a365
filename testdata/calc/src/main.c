/* main.c - calc driver.  Takes exactly one argument, the script path, read
 * from argv[argc-1] so it works both as a normal executable (argc == 2) and
 * under a JIT runner that passes no program name (argc == 1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "calc.h"

int calc_stat_nodes;   /* tentative definition -> common */
long calc_stat_evals;  /* tentative definition -> common */

int diag_warning_count(void);
int lex_token_count(void);
void builtins_list(FILE *out);
void op_stats_print(FILE *out);

/* Weak definition, overridden by the strong one in builtins.c. */
__attribute__((weak)) const char *calc_banner(void)
{
    return "calc (weak default banner)";
}

/* Weak definition that nothing overrides. */
__attribute__((weak)) int calc_max_depth(void)
{
    return 64;
}

/* Weak undefined references: nobody defines these, so they stay NULL. */
extern void calc_debug_hook(const char *what) __attribute__((weak));
extern int calc_trace_level __attribute__((weak));

static const char *script_path;
static char *script_text;

__attribute__((constructor(101))) static void init_first(void)
{
    printf("[init 101] calc starting\n");
}

__attribute__((constructor(102))) static void init_second(void)
{
    printf("[init 102] environment ready\n");
    env_init();
}

__attribute__((constructor)) static void init_last(void)
{
    printf("[init] banner: %s\n", calc_banner());
}

__attribute__((destructor)) static void fini(void)
{
    printf("[fini] nodes=%d calls=%d\n", calc_stat_nodes, calc_stat_calls);
}

static void at_exit_handler(void)
{
    printf("[atexit] releasing script buffer\n");
    free(script_text);
    script_text = NULL;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    size_t cap = 1024, len = 0, n;
    if (!f)
        return NULL;
    buf = xmalloc(cap);
    while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len - 1 == 0) {
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
    }
    fclose(f);
    buf[len] = 0;
    return buf;
}

int main(int argc, char **argv)
{
    struct stmt *prog;
    if (argc < 1) {
        fprintf(stderr, "usage: calc SCRIPT\n");
        return 2;
    }
    script_path = argv[argc - 1];
    atexit(at_exit_handler);

    if (calc_debug_hook)
        calc_debug_hook("start");
    else
        printf("debug hook: absent\n");
    if (&calc_trace_level)
        printf("trace level: %d\n", calc_trace_level);
    else
        printf("trace level: absent\n");
    printf("max depth: %d\n", calc_max_depth());

    script_text = read_file(script_path);
    if (!script_text) {
        fprintf(stderr, "calc: cannot open script '%s'\n", script_path);
        return 2;
    }
    printf("script: %zu bytes\n", strlen(script_text));
    prog = parse_program(script_text);
    diag_note("parsed %d top-level statements, %d tokens", prog->nlist,
              lex_token_count());
    exec_program(prog);

    printf("---\n");
    env_dump();
    printf("functions: %d, builtins: %d\n", func_count(), calc_nbuiltins);
    if (func_count() == 0)
        builtins_list(stdout);
    op_stats_print(stdout);
    printf("evals: %ld\n", calc_stat_evals);
    fprintf(stderr, "calc: %d warning%s\n", diag_warning_count(),
            diag_warning_count() == 1 ? "" : "s");
    return diag_warning_count() ? 1 : 0;
}
