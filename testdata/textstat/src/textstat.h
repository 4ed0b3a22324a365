/* textstat.h - shared declarations for the text statistics tool. */
#ifndef TEXTSTAT_H
#define TEXTSTAT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#define MAX_WORD 64
#define MAX_LEN_BUCKET 16

enum char_class {
    CC_LOWER = 0,
    CC_UPPER,
    CC_DIGIT,
    CC_SPACE,
    CC_NEWLINE,
    CC_SENTENCE_END,
    CC_CLAUSE,
    CC_QUOTE,
    CC_BRACKET,
    CC_APOSTROPHE,
    CC_HYPHEN,
    CC_OTHER,
    CC_COUNT_
};

struct word_entry {
    char *word;
    int count;
    int first_line;
    int length;
    struct word_entry *next;
};

struct hashtab {
    struct word_entry **buckets;
    size_t nbuckets;
    size_t nentries;
    size_t collisions;
};

struct text_counts {
    long chars;
    long lines;
    long words;
    long sentences;
    long letters;
    long class_counts[CC_COUNT_];
    long length_hist[MAX_LEN_BUCKET + 1];
    long letter_freq[26];
};

/* hashtab.c */
void ht_init(struct hashtab *ht, size_t nbuckets);
struct word_entry *ht_add(struct hashtab *ht, const char *word, int line);
struct word_entry *ht_find(const struct hashtab *ht, const char *word);
struct word_entry **ht_to_array(const struct hashtab *ht);
void ht_free(struct hashtab *ht);
unsigned long ht_hash(const char *s);

/* scan.c */
enum char_class classify(int c);
const char *class_name(enum char_class cc);
void scan_text(const char *text, struct text_counts *tc, struct hashtab *ht);

/* sortcmp.c */
typedef int (*cmp_fn)(const void *, const void *);
struct sort_order {
    const char *name;
    cmp_fn cmp;
    const char *description;
};
extern const struct sort_order sort_orders[];
extern const int n_sort_orders;
const struct sort_order *find_order(const char *name);

/* report.c */
void report_counts(FILE *out, const struct text_counts *tc);
void report_words(FILE *out, struct word_entry **arr, size_t n, const struct sort_order *o,
                  int limit, long total);
void report_histogram(FILE *out, const struct text_counts *tc);
void report_letters(FILE *out, const struct text_counts *tc);

/* logmsg.c (varargs) */
void ts_log(const char *level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ts_vlog(const char *level, const char *fmt, va_list ap);
int ts_bprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void *ts_xmalloc(size_t n);
char *ts_strdup(const char *s);

/* weak configuration hooks */
int ts_top_n(void);
const char *ts_report_title(void);

/* common (tentative) counters */
extern long ts_alloc_count;
extern long ts_lookup_count;

#endif
