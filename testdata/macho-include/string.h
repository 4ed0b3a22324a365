/* string.h for the Mach-O test objects: see stdio.h in this directory for why this
 * freestanding prelude exists (no macOS SDK; names are bound in glibc or pyjitlink's
 * emulated C library, so glibc's names).  Only what the testdata programs use.
 */
#ifndef PYJITLINK_MACHO_STRING_H
#define PYJITLINK_MACHO_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t size);
void *memset(void *dst, int c, size_t size);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
char *strchr(const char *s, int c);
char *strdup(const char *s);

#endif
