/* libm's domain and range errors: results, errno, and the sign of the NaN (the CPU's
   default NaN is negative on x86-64 and positive on AArch64, and some glibc wrappers return
   the positive NAN constant instead). */
#include <errno.h>
#include <math.h>
#include <stdio.h>

int main(void) {
    volatile double m1 = -1.0, two = 2.0, zero = 0.0, one = 1.0, m8 = -8.0, half = 0.5;
    volatile double inf = INFINITY;
    errno = 0; double a = sqrt(m1); int ea = errno;
    errno = 0; double b = log(m1); int eb = errno;
    errno = 0; double c = acos(two); int ec = errno;
    errno = 0; double d = fmod(one, zero); int ed = errno;
    errno = 0; double e = pow(m8, 1.0 / 3); int ee = errno;
    errno = 0; double f = log(zero); int ef = errno;
    errno = 0; double g = exp(1000 * one); int eg = errno;
    errno = 0; double h = pow(zero, m1); int eh = errno;
    printf("%f %d|%f %d|%f %d|%f %d|%f %d|%f %d|%f %d|%f %d\n", a, ea, b, eb, c, ec, d, ed, e,
           ee, f, ef, g, eg, h, eh);
    printf("%f %f %f\n", zero / zero, sin(1 / zero), atan2(zero, -zero));
    printf("asin %f acosh %f atanh %f log2 %f log10 %f log1p %f\n", asin(two), acosh(half),
           atanh(two), log2(m1), log10(m1), log1p(-two));
    printf("tgamma %f lgamma %f remainder %f sinh %f cos(inf) %f tan(inf) %f\n", tgamma(m1),
           lgamma(zero), remainder(1, zero), sinh(inf), cos(inf), tan(inf));
    printf("sqrtf %f fmodf %f exp2 %f hypot %f\n", (double)sqrtf(-1.0f),
           (double)fmodf(1.0f, 0.0f), exp2(2000 * two), hypot(inf, NAN));
    return 0;
}
