/* calc.h - shared declarations for the calc expression interpreter. */
#ifndef CALC_H
#define CALC_H

#include <stdarg.h>
#include <stddef.h>

/* ---- tokens ---- */
enum tok_kind {
    T_EOF = 0,
    T_NUM,
    T_STR,
    T_IDENT,
    T_LPAREN,
    T_RPAREN,
    T_LBRACE,
    T_RBRACE,
    T_COMMA,
    T_SEMI,
    T_PLUS,
    T_MINUS,
    T_STAR,
    T_SLASH,
    T_PERCENT,
    T_CARET,
    T_ASSIGN,
    T_EQ,
    T_NE,
    T_LT,
    T_LE,
    T_GT,
    T_GE,
    T_AND,
    T_OR,
    T_NOT,
    T_QUEST,
    T_COLON,
    /* keywords */
    T_LET,
    T_DEF,
    T_IF,
    T_ELSE,
    T_WHILE,
    T_RETURN,
    T_PRINT,
    T_PRINTF,
    T_COUNT_
};

struct token {
    enum tok_kind kind;
    double num;
    char *text;     /* identifier or string literal contents */
    int line;
};

struct lexer {
    const char *src;
    size_t pos;
    int line;
    struct token cur;
};

void lex_init(struct lexer *lx, const char *src);
void lex_next(struct lexer *lx);
const char *tok_name(enum tok_kind k);

/* ---- AST ---- */
enum node_kind {
    N_NUM = 0,
    N_VAR,
    N_NEG,
    N_NOT,
    N_BINOP,
    N_AND,
    N_OR,
    N_COND,
    N_CALL,
    N_ASSIGN,
    N_COUNT_
};

enum binop {
    OP_ADD = 0,
    OP_SUB,
    OP_MUL,
    OP_DIV,
    OP_MOD,
    OP_POW,
    OP_EQ,
    OP_NE,
    OP_LT,
    OP_LE,
    OP_GT,
    OP_GE,
    OP_COUNT_
};

struct node {
    enum node_kind kind;
    int line;
    double num;
    char *name;
    enum binop op;
    struct node *a, *b, *c;
    struct node **args;
    int nargs;
};

enum stmt_kind {
    S_EXPR = 0,
    S_LET,
    S_PRINT,
    S_PRINTF,
    S_IF,
    S_WHILE,
    S_RETURN,
    S_DEF,
    S_BLOCK,
    S_COUNT_
};

struct stmt {
    enum stmt_kind kind;
    int line;
    char *name;             /* S_LET, S_DEF */
    char *fmt;              /* S_PRINTF */
    struct node *expr;      /* S_EXPR, S_LET, S_IF cond, S_WHILE cond, S_RETURN */
    struct node **items;    /* S_PRINT / S_PRINTF arguments */
    int nitems;
    char **params;          /* S_DEF */
    int nparams;
    struct stmt *body;      /* S_IF then, S_WHILE body, S_DEF body */
    struct stmt *alt;       /* S_IF else */
    struct stmt **list;     /* S_BLOCK */
    int nlist;
};

struct stmt *parse_program(const char *src);

/* ---- evaluation ---- */
typedef double (*binop_fn)(double, double);

struct builtin {
    const char *name;
    int arity;
    double (*f1)(double);
    double (*f2)(double, double);
    const char *doc;
};

extern const struct builtin calc_builtins[];
extern const int calc_nbuiltins;
const struct builtin *find_builtin(const char *name);

void env_init(void);
int env_get(const char *name, double *out);
void env_set(const char *name, double v);
void env_push(void);
void env_pop(void);
int env_depth(void);
void env_dump(void);

void func_define(struct stmt *def);
struct stmt *func_lookup(const char *name);
int func_count(void);

double eval_node(struct node *n);
int exec_program(struct stmt *prog);
void do_printf(const char *fmt, const double *vals, int nvals, int line);

/* ---- diagnostics (varargs) ---- */
void diag_error(int line, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
void diag_warn(int line, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void diag_vnote(const char *fmt, va_list ap);
void diag_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xstrdup(const char *s);
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);

/* weak hooks */
const char *calc_banner(void);
int calc_max_depth(void);

/* common (tentative) counters - defined without initializer in several files */
extern int calc_stat_nodes;
extern int calc_stat_calls;
extern long calc_stat_evals;

#endif
