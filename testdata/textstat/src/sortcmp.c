/* sortcmp.c - qsort comparator callbacks, exposed through a table of
 * {name, function pointer, description} in initialized data. */
#include <string.h>
#include "textstat.h"

#define ENTRY(p) (*(struct word_entry *const *)(p))

static int by_word(const void *a, const void *b)
{
    return strcmp(ENTRY(a)->word, ENTRY(b)->word);
}

static int by_count(const void *a, const void *b)
{
    const struct word_entry *x = ENTRY(a), *y = ENTRY(b);
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp(x->word, y->word);
}

static int by_length(const void *a, const void *b)
{
    const struct word_entry *x = ENTRY(a), *y = ENTRY(b);
    if (x->length != y->length)
        return x->length > y->length ? -1 : 1;
    return strcmp(x->word, y->word);
}

static int by_first_line(const void *a, const void *b)
{
    const struct word_entry *x = ENTRY(a), *y = ENTRY(b);
    if (x->first_line != y->first_line)
        return x->first_line < y->first_line ? -1 : 1;
    return strcmp(x->word, y->word);
}

static int by_reverse(const void *a, const void *b)
{
    const char *x = ENTRY(a)->word, *y = ENTRY(b)->word;
    size_t i = strlen(x), j = strlen(y);
    while (i > 0 && j > 0) {
        unsigned char cx = (unsigned char)x[--i], cy = (unsigned char)y[--j];
        if (cx != cy)
            return cx < cy ? -1 : 1;
    }
    if (i != j)
        return i < j ? -1 : 1;
    return 0;
}

const struct sort_order sort_orders[] = {
    {"count", by_count, "most frequent first"},
    {"alpha", by_word, "alphabetical"},
    {"length", by_length, "longest first"},
    {"first", by_first_line, "order of first appearance"},
    {"rhyme", by_reverse, "sorted by reversed spelling"},
};
const int n_sort_orders = (int)(sizeof sort_orders / sizeof sort_orders[0]);

const struct sort_order *find_order(const char *name)
{
    int i;
    for (i = 0; i < n_sort_orders; i++)
        if (strcmp(sort_orders[i].name, name) == 0)
            return &sort_orders[i];
    return NULL;
}
