/* parser.c - recursive-descent parser producing an AST. */
#include <stdlib.h>
#include <string.h>
#include "calc.h"

int calc_stat_nodes;   /* tentative definition again -> merged common */
int calc_stat_calls;   /* tentative definition -> common */

struct parser {
    struct lexer lx;
    int depth;
};

static struct node *parse_expr(struct parser *p);
static struct stmt *parse_stmt(struct parser *p);

static struct node *new_node(enum node_kind k, int line)
{
    struct node *n = xmalloc(sizeof *n);
    memset(n, 0, sizeof *n);
    n->kind = k;
    n->line = line;
    calc_stat_nodes++;
    return n;
}

static struct stmt *new_stmt(enum stmt_kind k, int line)
{
    struct stmt *s = xmalloc(sizeof *s);
    memset(s, 0, sizeof *s);
    s->kind = k;
    s->line = line;
    return s;
}

static enum tok_kind cur(struct parser *p)
{
    return p->lx.cur.kind;
}

static void advance(struct parser *p)
{
    lex_next(&p->lx);
}

static void expect(struct parser *p, enum tok_kind k, const char *what)
{
    if (cur(p) != k)
        diag_error(p->lx.cur.line, "expected %s %s, found %s", tok_name(k), what,
                   tok_name(cur(p)));
    advance(p);
}

static int accept(struct parser *p, enum tok_kind k)
{
    if (cur(p) == k) {
        advance(p);
        return 1;
    }
    return 0;
}

static char *expect_ident(struct parser *p, const char *what)
{
    char *s;
    if (cur(p) != T_IDENT)
        diag_error(p->lx.cur.line, "expected identifier %s, found %s", what,
                   tok_name(cur(p)));
    s = p->lx.cur.text;
    advance(p);
    return s;
}

static struct node *parse_call(struct parser *p, char *name, int line)
{
    struct node *n = new_node(N_CALL, line);
    int cap = 4;
    n->name = name;
    n->args = xmalloc(sizeof(struct node *) * (size_t)cap);
    if (!accept(p, T_RPAREN)) {
        do {
            if (n->nargs == cap) {
                cap *= 2;
                n->args = xrealloc(n->args, sizeof(struct node *) * (size_t)cap);
            }
            n->args[n->nargs++] = parse_expr(p);
        } while (accept(p, T_COMMA));
        expect(p, T_RPAREN, "after call arguments");
    }
    return n;
}

static struct node *parse_primary(struct parser *p)
{
    int line = p->lx.cur.line;
    struct node *n;
    switch (cur(p)) {
    case T_NUM:
        n = new_node(N_NUM, line);
        n->num = p->lx.cur.num;
        advance(p);
        return n;
    case T_IDENT: {
        char *name = p->lx.cur.text;
        advance(p);
        if (accept(p, T_LPAREN))
            return parse_call(p, name, line);
        if (accept(p, T_ASSIGN)) {
            n = new_node(N_ASSIGN, line);
            n->name = name;
            n->a = parse_expr(p);
            return n;
        }
        n = new_node(N_VAR, line);
        n->name = name;
        return n;
    }
    case T_LPAREN:
        advance(p);
        n = parse_expr(p);
        expect(p, T_RPAREN, "to close parenthesis");
        return n;
    case T_MINUS:
        advance(p);
        n = new_node(N_NEG, line);
        n->a = parse_primary(p);
        return n;
    case T_NOT:
        advance(p);
        n = new_node(N_NOT, line);
        n->a = parse_primary(p);
        return n;
    case T_PLUS:
        advance(p);
        return parse_primary(p);
    default:
        diag_error(line, "unexpected %s in expression", tok_name(cur(p)));
    }
}

static struct node *binary(int line, enum binop op, struct node *a, struct node *b)
{
    struct node *n = new_node(N_BINOP, line);
    n->op = op;
    n->a = a;
    n->b = b;
    return n;
}

/* power is right-associative and binds tighter than unary minus on the right */
static struct node *parse_power(struct parser *p)
{
    struct node *a = parse_primary(p);
    if (cur(p) == T_CARET) {
        int line = p->lx.cur.line;
        advance(p);
        return binary(line, OP_POW, a, parse_power(p));
    }
    return a;
}

static struct node *parse_term(struct parser *p)
{
    struct node *a = parse_power(p);
    for (;;) {
        int line = p->lx.cur.line;
        enum binop op;
        if (cur(p) == T_STAR) op = OP_MUL;
        else if (cur(p) == T_SLASH) op = OP_DIV;
        else if (cur(p) == T_PERCENT) op = OP_MOD;
        else return a;
        advance(p);
        a = binary(line, op, a, parse_power(p));
    }
}

static struct node *parse_sum(struct parser *p)
{
    struct node *a = parse_term(p);
    for (;;) {
        int line = p->lx.cur.line;
        enum binop op;
        if (cur(p) == T_PLUS) op = OP_ADD;
        else if (cur(p) == T_MINUS) op = OP_SUB;
        else return a;
        advance(p);
        a = binary(line, op, a, parse_term(p));
    }
}

static struct node *parse_cmp(struct parser *p)
{
    struct node *a = parse_sum(p);
    for (;;) {
        int line = p->lx.cur.line;
        enum binop op;
        switch (cur(p)) {
        case T_EQ: op = OP_EQ; break;
        case T_NE: op = OP_NE; break;
        case T_LT: op = OP_LT; break;
        case T_LE: op = OP_LE; break;
        case T_GT: op = OP_GT; break;
        case T_GE: op = OP_GE; break;
        default: return a;
        }
        advance(p);
        a = binary(line, op, a, parse_sum(p));
    }
}

static struct node *parse_and(struct parser *p)
{
    struct node *a = parse_cmp(p);
    while (cur(p) == T_AND) {
        struct node *n = new_node(N_AND, p->lx.cur.line);
        advance(p);
        n->a = a;
        n->b = parse_cmp(p);
        a = n;
    }
    return a;
}

static struct node *parse_or(struct parser *p)
{
    struct node *a = parse_and(p);
    while (cur(p) == T_OR) {
        struct node *n = new_node(N_OR, p->lx.cur.line);
        advance(p);
        n->a = a;
        n->b = parse_and(p);
        a = n;
    }
    return a;
}

static struct node *parse_expr(struct parser *p)
{
    struct node *c;
    if (++p->depth > calc_max_depth())
        diag_error(p->lx.cur.line, "expression nested too deeply (limit %d)",
                   calc_max_depth());
    c = parse_or(p);
    if (cur(p) == T_QUEST) {
        struct node *n = new_node(N_COND, p->lx.cur.line);
        advance(p);
        n->a = c;
        n->b = parse_expr(p);
        expect(p, T_COLON, "in conditional expression");
        n->c = parse_expr(p);
        c = n;
    }
    p->depth--;
    return c;
}

static struct node **parse_list(struct parser *p, int *count)
{
    int cap = 4, n = 0;
    struct node **v = xmalloc(sizeof(struct node *) * (size_t)cap);
    do {
        if (n == cap) {
            cap *= 2;
            v = xrealloc(v, sizeof(struct node *) * (size_t)cap);
        }
        v[n++] = parse_expr(p);
    } while (accept(p, T_COMMA));
    *count = n;
    return v;
}

static struct stmt *parse_block(struct parser *p)
{
    struct stmt *b = new_stmt(S_BLOCK, p->lx.cur.line);
    int cap = 4;
    expect(p, T_LBRACE, "to open block");
    b->list = xmalloc(sizeof(struct stmt *) * (size_t)cap);
    while (cur(p) != T_RBRACE) {
        if (cur(p) == T_EOF)
            diag_error(p->lx.cur.line, "unexpected end of file inside block");
        if (b->nlist == cap) {
            cap *= 2;
            b->list = xrealloc(b->list, sizeof(struct stmt *) * (size_t)cap);
        }
        b->list[b->nlist++] = parse_stmt(p);
    }
    advance(p);
    return b;
}

static struct stmt *parse_def(struct parser *p, int line)
{
    struct stmt *s = new_stmt(S_DEF, line);
    int cap = 4;
    s->name = expect_ident(p, "after 'def'");
    expect(p, T_LPAREN, "after function name");
    s->params = xmalloc(sizeof(char *) * (size_t)cap);
    if (!accept(p, T_RPAREN)) {
        do {
            if (s->nparams == cap) {
                cap *= 2;
                s->params = xrealloc(s->params, sizeof(char *) * (size_t)cap);
            }
            s->params[s->nparams++] = expect_ident(p, "in parameter list");
        } while (accept(p, T_COMMA));
        expect(p, T_RPAREN, "after parameters");
    }
    if (accept(p, T_ASSIGN)) {
        /* def f(x) = expr;  is shorthand for  def f(x) { return expr; } */
        struct stmt *r = new_stmt(S_RETURN, p->lx.cur.line);
        r->expr = parse_expr(p);
        expect(p, T_SEMI, "after function expression");
        s->body = r;
    } else {
        s->body = parse_block(p);
    }
    return s;
}

static struct stmt *parse_stmt(struct parser *p)
{
    int line = p->lx.cur.line;
    struct stmt *s;
    switch (cur(p)) {
    case T_LET:
        advance(p);
        s = new_stmt(S_LET, line);
        s->name = expect_ident(p, "after 'let'");
        expect(p, T_ASSIGN, "in let statement");
        s->expr = parse_expr(p);
        expect(p, T_SEMI, "after let statement");
        return s;
    case T_DEF:
        advance(p);
        return parse_def(p, line);
    case T_IF:
        advance(p);
        s = new_stmt(S_IF, line);
        s->expr = parse_expr(p);
        s->body = parse_block(p);
        if (accept(p, T_ELSE)) {
            if (cur(p) == T_IF)
                s->alt = parse_stmt(p);
            else
                s->alt = parse_block(p);
        }
        return s;
    case T_WHILE:
        advance(p);
        s = new_stmt(S_WHILE, line);
        s->expr = parse_expr(p);
        s->body = parse_block(p);
        return s;
    case T_RETURN:
        advance(p);
        s = new_stmt(S_RETURN, line);
        s->expr = parse_expr(p);
        expect(p, T_SEMI, "after return");
        return s;
    case T_PRINT:
        advance(p);
        s = new_stmt(S_PRINT, line);
        s->items = parse_list(p, &s->nitems);
        expect(p, T_SEMI, "after print");
        return s;
    case T_PRINTF:
        advance(p);
        s = new_stmt(S_PRINTF, line);
        if (cur(p) != T_STR)
            diag_error(line, "printf needs a format string");
        s->fmt = p->lx.cur.text;
        advance(p);
        if (accept(p, T_COMMA))
            s->items = parse_list(p, &s->nitems);
        expect(p, T_SEMI, "after printf");
        return s;
    case T_LBRACE:
        return parse_block(p);
    default:
        s = new_stmt(S_EXPR, line);
        s->expr = parse_expr(p);
        expect(p, T_SEMI, "after expression");
        return s;
    }
}

struct stmt *parse_program(const char *src)
{
    struct parser p;
    struct stmt *prog = new_stmt(S_BLOCK, 1);
    int cap = 8;
    p.depth = 0;
    lex_init(&p.lx, src);
    prog->list = xmalloc(sizeof(struct stmt *) * (size_t)cap);
    while (cur(&p) != T_EOF) {
        if (prog->nlist == cap) {
            cap *= 2;
            prog->list = xrealloc(prog->list, sizeof(struct stmt *) * (size_t)cap);
        }
        prog->list[prog->nlist++] = parse_stmt(&p);
    }
    return prog;
}
