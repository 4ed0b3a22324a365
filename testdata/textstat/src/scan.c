/* scan.c - character classification and the word scanner. */
#include <ctype.h>
#include <string.h>
#include "textstat.h"

long ts_lookup_count;  /* tentative -> common */

static const char *const class_names[CC_COUNT_] = {
    "lower", "upper", "digit", "space", "newline", "sentence-end",
    "clause", "quote", "bracket", "apostrophe", "hyphen", "other",
};

const char *class_name(enum char_class cc)
{
    return (unsigned)cc < CC_COUNT_ ? class_names[cc] : "?";
}

enum char_class classify(int c)
{
    if (c >= 'a' && c <= 'z')
        return CC_LOWER;
    if (c >= 'A' && c <= 'Z')
        return CC_UPPER;
    /* A dense switch over the printable punctuation range. */
    switch (c) {
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
        return CC_DIGIT;
    case ' ': case '\t': case '\r': case '\f': case '\v':
        return CC_SPACE;
    case '\n':
        return CC_NEWLINE;
    case '.': case '!': case '?':
        return CC_SENTENCE_END;
    case ',': case ';': case ':':
        return CC_CLAUSE;
    case '"': case '`':
        return CC_QUOTE;
    case '(': case ')': case '[': case ']': case '{': case '}': case '<': case '>':
        return CC_BRACKET;
    case '\'':
        return CC_APOSTROPHE;
    case '-':
        return CC_HYPHEN;
    default:
        return CC_OTHER;
    }
}

struct scanner {
    char word[MAX_WORD + 1];
    int wlen;
    int line;
    int in_sentence;
    struct text_counts *tc;
    struct hashtab *ht;
};

static void finish_word(struct scanner *s)
{
    int len;
    /* strip trailing apostrophes and hyphens */
    while (s->wlen > 0 && (s->word[s->wlen - 1] == '\'' || s->word[s->wlen - 1] == '-'))
        s->wlen--;
    if (s->wlen == 0)
        return;
    s->word[s->wlen] = 0;
    len = s->wlen;
    s->tc->words++;
    s->tc->length_hist[len > MAX_LEN_BUCKET ? MAX_LEN_BUCKET : len]++;
    ht_add(s->ht, s->word, s->line);
    s->in_sentence = 1;
    s->wlen = 0;
}

static void add_char(struct scanner *s, int c)
{
    if (s->wlen < MAX_WORD)
        s->word[s->wlen++] = (char)c;
}

void scan_text(const char *text, struct text_counts *tc, struct hashtab *ht)
{
    struct scanner s;
    const unsigned char *p = (const unsigned char *)text;
    memset(&s, 0, sizeof s);
    s.line = 1;
    s.tc = tc;
    s.ht = ht;
    for (; *p; p++) {
        int c = *p;
        enum char_class cc = classify(c);
        tc->chars++;
        tc->class_counts[cc]++;
        switch (cc) {
        case CC_LOWER:
            tc->letters++;
            tc->letter_freq[c - 'a']++;
            add_char(&s, c);
            break;
        case CC_UPPER:
            tc->letters++;
            tc->letter_freq[c - 'A']++;
            add_char(&s, tolower(c));
            break;
        case CC_DIGIT:
            add_char(&s, c);
            break;
        case CC_APOSTROPHE:
        case CC_HYPHEN:
            if (s.wlen > 0)
                add_char(&s, c);
            else
                finish_word(&s);
            break;
        case CC_NEWLINE:
            finish_word(&s);
            tc->lines++;
            s.line++;
            break;
        case CC_SENTENCE_END:
            finish_word(&s);
            if (s.in_sentence) {
                tc->sentences++;
                s.in_sentence = 0;
            }
            break;
        case CC_SPACE:
        case CC_CLAUSE:
        case CC_QUOTE:
        case CC_BRACKET:
        case CC_OTHER:
            finish_word(&s);
            break;
        default:
            break;
        }
    }
    finish_word(&s);
    if (p != (const unsigned char *)text && p[-1] != '\n')
        tc->lines++; /* count an unterminated last line */
    if (s.in_sentence)
        tc->sentences++;
}
