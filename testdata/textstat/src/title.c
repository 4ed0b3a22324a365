/* title.c - strong definition overriding the weak title in main.c. */
#include "textstat.h"

long ts_alloc_count;   /* tentative -> common */

static const char title_text[] = "TEXTSTAT REPORT";

const char *ts_report_title(void)
{
    return title_text;
}
