/* stdio.h for the Mach-O test objects (testdata/build.sh, macho-* flavours).
 *
 * There is no macOS SDK on the Linux build machine, so clang --target=*-apple-macos11
 * compiles the testdata programs against this freestanding prelude instead of a system
 * header.  The objects are run on Linux by pyjitlink, which strips the Mach-O leading
 * underscore from every C-library name and binds it in glibc (native x86-64) or in
 * pyjitlink's emulated C library (pyjitlink/executors/hostlib.py).  So everything below
 * uses glibc's names and ABI (stdout is a plain `FILE *` variable, not macOS's
 * __stdoutp), and it declares only what the programs' sources use.  clang's own
 * stddef.h, stdarg.h and stdint.h (in its resource directory, which -nostdlibinc keeps)
 * supply size_t, va_list and uint32_t.
 */
#ifndef PYJITLINK_MACHO_STDIO_H
#define PYJITLINK_MACHO_STDIO_H

#include <stdarg.h>
#include <stddef.h>

typedef struct _IO_FILE FILE;

extern FILE *stdout;
extern FILE *stderr;

FILE *fopen(const char *path, const char *mode);
int fclose(FILE *stream);
int fflush(FILE *stream);
size_t fread(void *ptr, size_t size, size_t count, FILE *stream);
size_t fwrite(const void *ptr, size_t size, size_t count, FILE *stream);

int printf(const char *fmt, ...);
int fprintf(FILE *stream, const char *fmt, ...);
int snprintf(char *buf, size_t size, const char *fmt, ...);
int vfprintf(FILE *stream, const char *fmt, va_list ap);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

int fputc(int c, FILE *stream);
int putchar(int c);
int fputs(const char *s, FILE *stream);

#endif
