/* Compiler-runtime helpers without naming libgcc: complex multiplication and division
   (__muldc3, __divdc3, __mulxc3), long double <-> __float128 (__extendxftf2,
   __trunctfdf2) and __float128 arithmetic (__addtf3, __multf3, __divtf3) come from gcc's
   libgcc.a; cabs and sqrtl from libm (-lm). x86-64 only (__float128, x87 long double). */
#include <complex.h>
#include <math.h>
#include <stdio.h>
int main(int argc, char **argv) {
  volatile double a = argc + 0.5, b = -1.25;
  double complex z = a + b * I, w = 2.0 - 3.0 * I;
  double complex p = z * w, q = z / w;
  printf("p = %.6f%+.6fi, q = %.6f%+.6fi, |p| = %.6f\n", creal(p), cimag(p), creal(q), cimag(q), cabs(p));
  volatile long double x = 1.0L / 3.0L + argc;
  printf("long double: %.18Lf, sqrtl = %.18Lf\n", x, sqrtl(x));
  __float128 f = (__float128)x * 3 + 1;
  __float128 g = f / 7;
  printf("float128: %.12f %.12f\n", (double)f, (double)g);
  long double complex lz = x + 2.0L * I;
  lz = lz * lz;
  printf("long double complex: %.12Lf %+.12Lfi\n", creall(lz), cimagl(lz));
  return 0;
}
