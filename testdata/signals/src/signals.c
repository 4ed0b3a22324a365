/* Signal handlers: raise() runs a handler (SA_SIGINFO sees the signal and its code), a
   blocked signal waits until it is unblocked, a handler's changes to the interrupted
   registers' memory survive sigreturn, a SIGSEGV handler escapes the fault with
   siglongjmp, and abort() runs a SIGABRT handler before the default action ends the
   process (exit status 134). The last argument chooses how far it goes: "all" (the
   default) or "return" (no abort: exit status 0). */
#include <setjmp.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t usr1_count, usr2_seen_code;
static sigjmp_buf escape;
static volatile int faults;
static volatile uintptr_t bad_address = 16; /* unmapped in every process */

static void on_usr1(int sig) {
    (void)sig;
    usr1_count++;
}

static void on_usr2(int sig, siginfo_t *info, void *context) {
    (void)context;
    usr2_seen_code = info->si_signo == sig ? info->si_code : -1000;
}

static void on_segv(int sig, siginfo_t *info, void *context) {
    (void)context;
    faults++;
    /* The faulting address arrives in si_addr. */
    siglongjmp(escape, info->si_addr == (void *)16 ? sig : -sig);
}

static void on_abort(int sig) {
    const char message[] = "SIGABRT handler ran\n";
    (void)sig;
    write(1, message, sizeof message - 1);
}

static double busy_math(int n) {
    /* Floating-point state must survive a handler that runs in the middle. */
    double x = 1.0;
    for (int i = 1; i <= n; i++) {
        x = x * 1.5 + 1.0 / i;
        if (i == n / 2)
            raise(SIGUSR1);
    }
    return x;
}

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[argc - 1] : "all";
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    sa.sa_sigaction = on_usr2;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR2, &sa, NULL);

    raise(SIGUSR1);
    raise(SIGUSR1);
    printf("after two raises: usr1_count=%d\n", (int)usr1_count);
    raise(SIGUSR2);
    printf("SIGUSR2 si_code: %s\n", usr2_seen_code == SI_TKILL ? "SI_TKILL" :
           usr2_seen_code == SI_USER ? "SI_USER" : "other");
    kill(getpid(), SIGUSR2);
    printf("kill() si_code: %s\n", usr2_seen_code == SI_USER ? "SI_USER" : "other");

    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, &old);
    raise(SIGUSR1);
    sigset_t pending;
    sigpending(&pending);
    printf("blocked: count=%d pending=%d\n", (int)usr1_count, sigismember(&pending, SIGUSR1));
    sigprocmask(SIG_SETMASK, &old, NULL);
    printf("unblocked: count=%d\n", (int)usr1_count);

    double math = busy_math(40);
    printf("math: %.6f count=%d\n", math, (int)usr1_count);

    signal(SIGUSR1, SIG_IGN);
    raise(SIGUSR1);
    printf("ignored: count=%d\n", (int)usr1_count);

    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    for (int round = 0; round < 2; round++) {
        int got = sigsetjmp(escape, 1);
        if (got == 0) {
            volatile int *bad = (volatile int *)bad_address;
            *bad = 42;
            printf("not reached\n");
        } else {
            printf("escaped fault %d with %d\n", faults, got);
        }
    }

    fflush(stdout);
    if (strcmp(mode, "return") == 0)
        return 0;
    signal(SIGABRT, on_abort);
    abort();
}
