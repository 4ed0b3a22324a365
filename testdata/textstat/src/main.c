/* main.c - textstat driver.  One argument: the file to analyse, taken from
 * argv[argc-1] (works with argc == 2 normally and argc == 1 under a JIT that
 * passes no program name). */
#include <stdlib.h>
#include <string.h>
#include "textstat.h"

long ts_alloc_count;   /* tentative -> common */
long ts_lookup_count;  /* tentative -> common */

size_t ht_resize_count(void);
int ts_messages_logged(void);

/* Weak default, not overridden anywhere. */
__attribute__((weak)) int ts_top_n(void)
{
    return 12;
}

/* Weak default, overridden by title.c. */
__attribute__((weak)) const char *ts_report_title(void)
{
    return "Text statistics (weak default title)";
}

/* Weak undefined: nobody defines these. */
extern const char *ts_locale_name __attribute__((weak));
extern int ts_custom_filter(const char *word) __attribute__((weak));

static char *file_text;
static struct hashtab table;
static int exit_reported;

__attribute__((constructor(102))) static void ctor_102(void)
{
    fputs("textstat: ctor 102\n", stderr);
}

__attribute__((constructor(101))) static void ctor_101(void)
{
    fputs("textstat: ctor 101\n", stderr);
}

__attribute__((constructor)) static void ctor_default(void)
{
    fputs("textstat: ctor default\n", stderr);
}

__attribute__((destructor)) static void dtor(void)
{
    fprintf(stderr, "textstat: dtor (exit reported: %s)\n", exit_reported ? "yes" : "no");
}

static void cleanup(void)
{
    exit_reported = 1;
    ht_free(&table);
    free(file_text);
    fprintf(stderr, "textstat: atexit cleanup done\n");
}

static char *slurp(const char *path, size_t *len_out)
{
    FILE *f = fopen(path, "r");
    size_t cap = 4096, len = 0;
    char *buf;
    if (!f)
        return NULL;
    buf = ts_xmalloc(cap);
    for (;;) {
        size_t n = fread(buf + len, 1, cap - len - 1, f);
        len += n;
        if (n == 0)
            break;
        if (len + 1 == cap) {
            char *nb = ts_xmalloc(cap * 2);
            memcpy(nb, buf, len);
            free(buf);
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    buf[len] = 0;
    *len_out = len;
    return buf;
}

int main(int argc, char **argv)
{
    const char *path;
    struct text_counts tc;
    struct word_entry **arr;
    size_t len = 0, i;
    char line[128];
    int o;
    long singletons = 0;

    if (argc < 1) {
        ts_log("error", "usage: textstat FILE");
        return 2;
    }
    path = argv[argc - 1];
    atexit(cleanup);
    ht_init(&table, 64);

    file_text = slurp(path, &len);
    if (!file_text) {
        ts_log("error", "cannot read '%s'", path);
        return 2;
    }
    printf("== %s ==\n", ts_report_title());
    ts_bprintf(line, sizeof line, "file %s, %zu bytes", path, len);
    ts_log("info", "%s", line);
    if (&ts_locale_name)
        ts_log("info", "locale %s", ts_locale_name);
    else
        ts_log("info", "locale: built-in C rules");

    memset(&tc, 0, sizeof tc);
    scan_text(file_text, &tc, &table);
    report_counts(stdout, &tc);
    if (tc.words == 0) {
        ts_log("warn", "no words found in '%s'", path);
        return 1;
    }

    arr = ht_to_array(&table);
    for (i = 0; i < table.nentries; i++) {
        if (ts_custom_filter && !ts_custom_filter(arr[i]->word))
            continue;
        if (arr[i]->count == 1)
            singletons++;
    }
    printf("distinct words: %zu (singletons %ld, %.2f%%)\n", table.nentries, singletons,
           100.0 * (double)singletons / (double)table.nentries);
    for (o = 0; o < n_sort_orders; o++)
        report_words(stdout, arr, table.nentries, &sort_orders[o],
                     o == 0 ? ts_top_n() : 6, tc.words);
    report_histogram(stdout, &tc);
    report_letters(stdout, &tc);
    {
        struct word_entry *e = ht_find(&table, "the");
        if (e)
            printf("'the' appears %d times (first on line %d)\n", e->count, e->first_line);
        else
            printf("'the' does not appear\n");
    }
    free(arr);
    ts_log("warn", "hash table resized %zu times, %zu collisions, %ld lookups",
           ht_resize_count(), table.collisions, ts_lookup_count);
    fprintf(stderr, "textstat: %d messages, %ld allocations\n", ts_messages_logged(),
            ts_alloc_count);
    return 0;
}
