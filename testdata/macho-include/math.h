/* math.h for the Mach-O test objects: see stdio.h in this directory for why this
 * freestanding prelude exists (no macOS SDK; names are bound in glibc or pyjitlink's
 * emulated C library, so glibc's names).  Only what the testdata programs use.
 */
#ifndef PYJITLINK_MACHO_MATH_H
#define PYJITLINK_MACHO_MATH_H

double sin(double x);
double cos(double x);
double tan(double x);
double atan(double x);
double atan2(double y, double x);
double exp(double x);
double log(double x);
double pow(double x, double y);
double sqrt(double x);
double floor(double x);
double ceil(double x);
double fmod(double x, double y);
double fabs(double x);

#endif
