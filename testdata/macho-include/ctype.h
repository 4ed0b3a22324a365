/* ctype.h for the Mach-O test objects: see stdio.h in this directory for why this
 * freestanding prelude exists (no macOS SDK; names are bound in glibc or pyjitlink's
 * emulated C library, so glibc's names).  The classifiers are plain function calls
 * (glibc exports isalpha etc. as functions), not macOS's __maskrune nor glibc's
 * __ctype_b_loc table macros.  Only what the testdata programs use.
 */
#ifndef PYJITLINK_MACHO_CTYPE_H
#define PYJITLINK_MACHO_CTYPE_H

int isalnum(int c);
int isalpha(int c);
int isdigit(int c);
int tolower(int c);

#endif
