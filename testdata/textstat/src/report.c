/* report.c - formatted output: counts, top words, histograms. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "textstat.h"

static const char bar_chars[] = "################################################";

static void rule(FILE *out, int width)
{
    while (width-- > 0)
        fputc('-', out);
    fputc('\n', out);
}

void report_counts(FILE *out, const struct text_counts *tc)
{
    double avg_word = tc->words ? (double)tc->letters / (double)tc->words : 0.0;
    double avg_sent = tc->sentences ? (double)tc->words / (double)tc->sentences : 0.0;
    int i;
    fprintf(out, "%-18s %10ld\n", "characters", tc->chars);
    fprintf(out, "%-18s %10ld\n", "lines", tc->lines);
    fprintf(out, "%-18s %10ld\n", "words", tc->words);
    fprintf(out, "%-18s %10ld\n", "sentences", tc->sentences);
    fprintf(out, "%-18s %10ld\n", "letters", tc->letters);
    fprintf(out, "%-18s %10.3f\n", "avg word length", avg_word);
    fprintf(out, "%-18s %10.3f\n", "words/sentence", avg_sent);
    fprintf(out, "%-18s %10.4e\n", "letter ratio",
            tc->chars ? (double)tc->letters / (double)tc->chars : 0.0);
    fprintf(out, "character classes:\n");
    for (i = 0; i < CC_COUNT_; i++)
        if (tc->class_counts[i])
            fprintf(out, "  %-13s %7ld %6.2f%%\n", class_name((enum char_class)i),
                    tc->class_counts[i], 100.0 * (double)tc->class_counts[i] / (double)tc->chars);
}

void report_words(FILE *out, struct word_entry **arr, size_t n, const struct sort_order *o,
                  int limit, long total)
{
    size_t i;
    int w = 4;
    qsort(arr, n, sizeof *arr, o->cmp);
    for (i = 0; i < n && (int)i < limit; i++)
        if (arr[i]->length > w)
            w = arr[i]->length;
    fprintf(out, "by %s (%s):\n", o->name, o->description);
    for (i = 0; i < n && (int)i < limit; i++) {
        double share = total ? (double)arr[i]->count / (double)total : 0.0;
        fprintf(out, "  %3zu. %-*s %5d %8.4f%% line %-4d %g\n", i + 1, w, arr[i]->word,
                arr[i]->count, 100.0 * share, arr[i]->first_line, share);
    }
}

void report_histogram(FILE *out, const struct text_counts *tc)
{
    long max = 0;
    int i;
    double mean = 0, var = 0;
    long n = 0;
    for (i = 1; i <= MAX_LEN_BUCKET; i++) {
        if (tc->length_hist[i] > max)
            max = tc->length_hist[i];
        n += tc->length_hist[i];
        mean += (double)i * (double)tc->length_hist[i];
    }
    if (n == 0) {
        fprintf(out, "word length histogram: (no words)\n");
        return;
    }
    mean /= (double)n;
    for (i = 1; i <= MAX_LEN_BUCKET; i++)
        var += (double)tc->length_hist[i] * ((double)i - mean) * ((double)i - mean);
    var /= (double)n;
    fprintf(out, "word length histogram (mean %.3f, stddev %.3f):\n", mean, sqrt(var));
    rule(out, 60);
    for (i = 1; i <= MAX_LEN_BUCKET; i++) {
        int width = max ? (int)(40 * tc->length_hist[i] / max) : 0;
        fprintf(out, "%2d%s |%-40.*s| %5ld\n", i, i == MAX_LEN_BUCKET ? "+" : " ", width,
                bar_chars, tc->length_hist[i]);
    }
    rule(out, 60);
}

void report_letters(FILE *out, const struct text_counts *tc)
{
    int i;
    long total = 0;
    double entropy = 0;
    for (i = 0; i < 26; i++)
        total += tc->letter_freq[i];
    if (!total)
        return;
    fprintf(out, "letters:");
    for (i = 0; i < 26; i++) {
        if (i % 13 == 0)
            fprintf(out, "\n ");
        fprintf(out, " %c:%-5ld", 'a' + i, tc->letter_freq[i]);
        if (tc->letter_freq[i]) {
            double p = (double)tc->letter_freq[i] / (double)total;
            entropy -= p * log(p) / log(2.0);
        }
    }
    fprintf(out, "\nletter entropy: %.6f bits (%e nats)\n", entropy, entropy * log(2.0));
}
