/* lexer.c - tokenizer for calc. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "calc.h"

int calc_stat_nodes;   /* tentative definition -> common symbol */

static const char *const tok_names[T_COUNT_] = {
    [T_EOF] = "end of file", [T_NUM] = "number", [T_STR] = "string",
    [T_IDENT] = "identifier", [T_LPAREN] = "'('", [T_RPAREN] = "')'",
    [T_LBRACE] = "'{'", [T_RBRACE] = "'}'", [T_COMMA] = "','",
    [T_SEMI] = "';'", [T_PLUS] = "'+'", [T_MINUS] = "'-'",
    [T_STAR] = "'*'", [T_SLASH] = "'/'", [T_PERCENT] = "'%'",
    [T_CARET] = "'^'", [T_ASSIGN] = "'='", [T_EQ] = "'=='",
    [T_NE] = "'!='", [T_LT] = "'<'", [T_LE] = "'<='", [T_GT] = "'>'",
    [T_GE] = "'>='", [T_AND] = "'&&'", [T_OR] = "'||'", [T_NOT] = "'!'",
    [T_QUEST] = "'?'", [T_COLON] = "':'", [T_LET] = "'let'",
    [T_DEF] = "'def'", [T_IF] = "'if'", [T_ELSE] = "'else'",
    [T_WHILE] = "'while'", [T_RETURN] = "'return'", [T_PRINT] = "'print'",
    [T_PRINTF] = "'printf'",
};

static const struct {
    const char *word;
    enum tok_kind kind;
} keywords[] = {
    {"let", T_LET},       {"def", T_DEF},       {"if", T_IF},
    {"else", T_ELSE},     {"while", T_WHILE},   {"return", T_RETURN},
    {"print", T_PRINT},   {"printf", T_PRINTF},
};

static int lex_tokens_made;

const char *tok_name(enum tok_kind k)
{
    if ((int)k < 0 || k >= T_COUNT_)
        return "?";
    return tok_names[k];
}

void lex_init(struct lexer *lx, const char *src)
{
    lx->src = src;
    lx->pos = 0;
    lx->line = 1;
    lx->cur.kind = T_EOF;
    lx->cur.text = NULL;
    lex_next(lx);
}

static int peekc(struct lexer *lx, size_t off)
{
    return (unsigned char)lx->src[lx->pos + off];
}

static void skip_space(struct lexer *lx)
{
    for (;;) {
        int c = peekc(lx, 0);
        if (c == '\n') {
            lx->line++;
            lx->pos++;
        } else if (c == ' ' || c == '\t' || c == '\r') {
            lx->pos++;
        } else if (c == '#') {
            while (peekc(lx, 0) && peekc(lx, 0) != '\n')
                lx->pos++;
        } else {
            return;
        }
    }
}

static void lex_number(struct lexer *lx)
{
    const char *start = lx->src + lx->pos;
    char *end;
    double v = strtod(start, &end);
    if (end == start)
        diag_error(lx->line, "malformed number");
    lx->pos += (size_t)(end - start);
    lx->cur.kind = T_NUM;
    lx->cur.num = v;
}

static void lex_ident(struct lexer *lx)
{
    size_t start = lx->pos;
    size_t i;
    while (isalnum(peekc(lx, 0)) || peekc(lx, 0) == '_')
        lx->pos++;
    size_t len = lx->pos - start;
    char *s = xmalloc(len + 1);
    memcpy(s, lx->src + start, len);
    s[len] = 0;
    for (i = 0; i < sizeof keywords / sizeof keywords[0]; i++) {
        if (strcmp(s, keywords[i].word) == 0) {
            free(s);
            lx->cur.kind = keywords[i].kind;
            return;
        }
    }
    lx->cur.kind = T_IDENT;
    lx->cur.text = s;
}

static void lex_string(struct lexer *lx)
{
    size_t cap = 16, len = 0;
    char *s = xmalloc(cap);
    lx->pos++; /* opening quote */
    for (;;) {
        int c = peekc(lx, 0);
        if (c == 0 || c == '\n')
            diag_error(lx->line, "unterminated string literal");
        lx->pos++;
        if (c == '"')
            break;
        if (c == '\\') {
            int e = peekc(lx, 0);
            lx->pos++;
            switch (e) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case '\\': c = '\\'; break;
            case '"': c = '"'; break;
            case '0': c = 0; break;
            default:
                diag_error(lx->line, "unknown escape '\\%c'", e);
            }
        }
        if (len + 2 > cap) {
            cap *= 2;
            s = xrealloc(s, cap);
        }
        s[len++] = (char)c;
    }
    s[len] = 0;
    lx->cur.kind = T_STR;
    lx->cur.text = s;
}

/* Two-character operator helper. */
static enum tok_kind two(struct lexer *lx, int next, enum tok_kind yes, enum tok_kind no)
{
    if (peekc(lx, 1) == next) {
        lx->pos += 2;
        return yes;
    }
    lx->pos += 1;
    return no;
}

void lex_next(struct lexer *lx)
{
    int c;
    skip_space(lx);
    lx->cur.line = lx->line;
    lx->cur.text = NULL;
    lex_tokens_made++;
    c = peekc(lx, 0);
    if (c == 0) {
        lx->cur.kind = T_EOF;
        return;
    }
    if (isdigit(c) || (c == '.' && isdigit(peekc(lx, 1)))) {
        lex_number(lx);
        return;
    }
    if (isalpha(c) || c == '_') {
        lex_ident(lx);
        return;
    }
    /* Dense switch over punctuation: '!' (33) .. '?' (63). */
    switch (c) {
    case '!': lx->cur.kind = two(lx, '=', T_NE, T_NOT); return;
    case '"': lex_string(lx); return;
    case '%': lx->cur.kind = T_PERCENT; break;
    case '&':
        if (peekc(lx, 1) != '&')
            diag_error(lx->line, "expected '&&'");
        lx->pos += 2;
        lx->cur.kind = T_AND;
        return;
    case '(': lx->cur.kind = T_LPAREN; break;
    case ')': lx->cur.kind = T_RPAREN; break;
    case '*': lx->cur.kind = T_STAR; break;
    case '+': lx->cur.kind = T_PLUS; break;
    case ',': lx->cur.kind = T_COMMA; break;
    case '-': lx->cur.kind = T_MINUS; break;
    case '/': lx->cur.kind = T_SLASH; break;
    case ':': lx->cur.kind = T_COLON; break;
    case ';': lx->cur.kind = T_SEMI; break;
    case '<': lx->cur.kind = two(lx, '=', T_LE, T_LT); return;
    case '=': lx->cur.kind = two(lx, '=', T_EQ, T_ASSIGN); return;
    case '>': lx->cur.kind = two(lx, '=', T_GE, T_GT); return;
    case '?': lx->cur.kind = T_QUEST; break;
    default:
        if (c == '^') {
            lx->cur.kind = T_CARET;
            break;
        }
        if (c == '{') {
            lx->cur.kind = T_LBRACE;
            break;
        }
        if (c == '}') {
            lx->cur.kind = T_RBRACE;
            break;
        }
        if (c == '|') {
            if (peekc(lx, 1) != '|')
                diag_error(lx->line, "expected '||'");
            lx->pos += 2;
            lx->cur.kind = T_OR;
            return;
        }
        diag_error(lx->line, "unexpected character '%c' (code %d)", c, c);
    }
    lx->pos++;
}

int lex_token_count(void)
{
    return lex_tokens_made;
}
