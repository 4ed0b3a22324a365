/* Blocking writes larger than a pipe's or socket's free room while another thread reads
   them: write, writev (the progress spans its iovecs) and send each write everything, in
   order, and return the full count; a signal handler interrupting a write that already
   wrote some ends it with that partial count (with or without SA_RESTART). */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>

#define SIZE (1 << 20)

static int fds[2];
static unsigned char *data;

struct result {
    long total;
    unsigned long sum;
    long mismatch;
};

static void *reader(void *arg) {
    struct result *r = arg;
    static unsigned char buf[40000];
    long n;
    r->total = 0;
    r->sum = 0;
    r->mismatch = -1;
    while ((n = read(fds[0], buf, sizeof buf)) > 0) {
        for (long i = 0; i < n; i++) {
            if (r->mismatch < 0 && buf[i] != data[r->total + i])
                r->mismatch = r->total + i;
            r->sum = r->sum * 31 + buf[i];
        }
        r->total += n;
    }
    return NULL;
}

static void run(const char *what, int kind) {
    pthread_t t;
    struct result r;
    long wrote;
    if (kind == 2 ? socketpair(AF_UNIX, SOCK_STREAM, 0, fds) : pipe(fds)) {
        perror("pipe");
        exit(1);
    }
    pthread_create(&t, NULL, reader, &r);
    if (kind == 0) {
        wrote = write(fds[1], data, SIZE);
    } else if (kind == 1) {
        struct iovec iov[3] = {{data, 1000}, {data + 1000, 300000},
                               {data + 301000, SIZE - 301000}};
        wrote = writev(fds[1], iov, 3);
    } else {
        wrote = send(fds[1], data, SIZE, 0);
    }
    close(fds[1]);
    pthread_join(t, NULL);
    close(fds[0]);
    printf("%s: returned %ld\n", what, wrote);
    printf("%s: reader got %ld bytes, first difference %ld, hash %lx\n", what, r.total,
           r.mismatch, r.sum);
}

static volatile int handled;
static void on_alarm(int sig) {
    (void)sig;
    handled++;
}

static void interrupted(const char *what, int flags) {
    struct sigaction sa;
    struct itimerval tv = {{0, 0}, {0, 100000}};
    long wrote;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sa.sa_flags = flags;
    sigaction(SIGALRM, &sa, NULL);
    handled = 0;
    if (pipe(fds)) {
        perror("pipe");
        exit(1);
    }
    setitimer(ITIMER_REAL, &tv, NULL);
    wrote = write(fds[1], data, SIZE);  /* nobody reads: the pipe fills, then SIGALRM */
    printf("%s: returned %ld (a partial count: %s), handler ran %d time(s)\n", what, wrote,
           wrote > 0 && wrote < SIZE ? "yes" : "no", handled);
    close(fds[0]);
    close(fds[1]);
}

int main(void) {
    data = malloc(SIZE);
    for (long i = 0; i < SIZE; i++)
        data[i] = (unsigned char)(i * 7 + i / 251);
    run("write to a pipe", 0);
    run("writev to a pipe", 1);
    run("send to a socketpair", 2);
    interrupted("SA_RESTART: write", SA_RESTART);
    interrupted("no SA_RESTART: write", 0);
    return 0;
}
