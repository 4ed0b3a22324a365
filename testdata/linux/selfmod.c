/* Code a program writes and runs, stores to read-only memory and a call into a page no
 * longer executable: what Unicorn's TLB_NOTDIRTY flag guarded, checked against the -static
 * build (pyjitlink's executors/fast_stores.py). Order matters: the W^X rewrite runs first,
 * the RWX one last (a mapping that is writable and executable at once turns the patch off). */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

typedef int (*fn)(void);
static sigjmp_buf back;

static void on_segv(int sig) {
    (void)sig;
    siglongjmp(back, 1);
}

/* The bytes of a function returning ``value``, written at ``where``. */
static void emit(unsigned char *where, int value) {
#if defined(__aarch64__)
    uint32_t code[2] = {0x52800000u | ((uint32_t)value << 5), 0xd65f03c0u}; /* mov w0; ret */
    memcpy(where, code, sizeof code);
    __builtin___clear_cache((char *)where, (char *)where + sizeof code);
#else
    unsigned char code[6] = {0xb8, 0, 0, 0, 0, 0xc3}; /* mov eax, imm32; ret */
    memcpy(code + 1, &value, 4);
    memcpy(where, code, sizeof code);
#endif
}

int main(void) {
    long page = 4096;
    int results[8], n = 0;
    /* W^X: written while RW, run while RX, rewritten in place, run again. */
    unsigned char *wx = mmap(NULL, page, PROT_READ | PROT_WRITE,
                             MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (int round = 1; round <= 3; round++) {
        emit(wx, 10 * round);
        mprotect(wx, page, PROT_READ | PROT_EXEC);
        for (int i = 0; i < 3; i++)  /* translated, and run from the translation */
            results[n] = ((fn)wx)();
        n++;
        mprotect(wx, page, PROT_READ | PROT_WRITE);
    }
    printf("w^x: %d %d %d\n", results[0], results[1], results[2]);
    /* A store to a page made read-only faults. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_segv;
    sigaction(SIGSEGV, &sa, NULL);
    volatile int *data = mmap(NULL, page, PROT_READ | PROT_WRITE,
                              MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (int i = 0; i < 100; i++)
        data[i] = i;  /* writable: its TLB entry is made */
    mprotect((void *)data, page, PROT_READ);
    if (sigsetjmp(back, 1) == 0) {
        data[5] = 55;
        printf("read-only store: not caught\n");
    } else {
        printf("read-only store: SIGSEGV, value still %d\n", data[5]);
    }
    /* Code rewritten after its page lost PROT_EXEC, then called: SIGSEGV, not the code
     * translated while it was executable. */
    emit(wx, 40);
    if (sigsetjmp(back, 1) == 0) {
        int value = ((fn)wx)();
        printf("call into a non-executable page: returned %d\n", value);
    } else {
        printf("call into a non-executable page: SIGSEGV\n");
    }
    /* RWX: rewritten in place while it stays executable. */
    unsigned char *rwx = mmap(NULL, page, PROT_READ | PROT_WRITE | PROT_EXEC,
                              MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    n = 0;
    for (int round = 1; round <= 3; round++) {
        emit(rwx, round);
        for (int i = 0; i < 3; i++)
            results[n] = ((fn)rwx)();
        n++;
    }
    printf("rwx: %d %d %d\n", results[0], results[1], results[2]);
    return 0;
}
