/* Blocking descriptors and threads (executors/linux/threads.py's descriptor waits): a read
 * of an empty pipe or socket blocks one thread, not the process, so the others keep
 * running and can write what it waits for. A worker thread computes a while and then plays
 * ping-pong with the main thread, each side blocked in read (pipes) or recv (a socketpair)
 * until the other writes; EOF when the worker closes its end; poll without a timeout on a
 * pipe a sleeping thread writes later; a read a signal handler interrupts (run again with
 * SA_RESTART, EINTR without); select with a timeout while a thread counts. The output is
 * the same on every run (each side waits for the other). */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct channel {
    int to_main, to_worker;  /* the worker writes to_main, reads to_worker */
    int sockets;             /* send/recv instead of write/read */
};

static volatile unsigned long busy_sum;

static long get(int fd, char *buf, size_t size, int sockets) {
    return sockets ? recv(fd, buf, size, 0) : read(fd, buf, size);
}

static long put(int fd, const char *buf, size_t size, int sockets) {
    return sockets ? send(fd, buf, size, 0) : write(fd, buf, size);
}

static void *worker(void *arg) {
    struct channel *ch = arg;
    char buf[32];
    unsigned long sum = 0;
    for (unsigned long i = 0; i < 2000000; i++)  /* the main thread waits meanwhile */
        sum += i ^ (i >> 3);
    busy_sum = sum;
    for (int i = 0; i < 3; i++) {
        int n = snprintf(buf, sizeof buf, "ping %d", i) + 1;
        put(ch->to_main, buf, n, ch->sockets);
        if (get(ch->to_worker, buf, sizeof buf, ch->sockets) <= 0)
            return NULL;
        printf("worker got %s\n", buf);
        fflush(stdout);
    }
    if (ch->sockets)
        shutdown(ch->to_main, SHUT_WR);
    else
        close(ch->to_main);
    return NULL;
}

static void ping_pong(const char *what, struct channel *ch, int main_reads, int main_writes) {
    pthread_t thread;
    char buf[32];
    long n;
    pthread_create(&thread, NULL, worker, ch);
    while ((n = get(main_reads, buf, sizeof buf, ch->sockets)) > 0) {
        printf("%s: main got %s after the worker's sum %lu\n", what, buf, busy_sum);
        fflush(stdout);
        int len = snprintf(buf, sizeof buf, "pong %c", buf[5]) + 1;
        put(main_writes, buf, len, ch->sockets);
    }
    printf("%s: end of input (%ld)\n", what, n);
    pthread_join(thread, NULL);
}

static int late_pipe[2];

static void *late_writer(void *arg) {
    struct timespec pause = {0, 20 * 1000 * 1000};
    (void)arg;
    nanosleep(&pause, NULL);
    write(late_pipe[1], "late", 5);
    return NULL;
}

static pthread_t main_thread;
static int restart_pipe[2];
static volatile sig_atomic_t handled;

static void on_usr1(int sig) {
    (void)sig;
    handled++;
}

static void *signal_then_write(void *arg) {
    struct timespec pause = {0, 50 * 1000 * 1000};
    (void)arg;
    nanosleep(&pause, NULL);  /* the main thread is in read by then */
    pthread_kill(main_thread, SIGUSR1);
    nanosleep(&pause, NULL);
    write(restart_pipe[1], "after", 6);
    return NULL;
}

/* A read of an empty pipe that a handler interrupts: with SA_RESTART it runs again after
 * the handler and returns what is written later; without, it fails with EINTR. */
static void interrupted_read(const char *what, int flags) {
    struct sigaction action;
    pthread_t thread;
    char buf[32];
    memset(&action, 0, sizeof action);
    action.sa_handler = on_usr1;
    action.sa_flags = flags;
    sigaction(SIGUSR1, &action, NULL);
    pipe(restart_pipe);
    handled = 0;
    main_thread = pthread_self();
    pthread_create(&thread, NULL, signal_then_write, NULL);
    long n = read(restart_pipe[0], buf, sizeof buf);
    int err = errno;
    pthread_join(thread, NULL);
    if (n < 0) {
        printf("%s: read: %s, handler ran %d time(s)\n", what,
               err == EINTR ? "EINTR" : "another error", (int)handled);
        n = read(restart_pipe[0], buf, sizeof buf);
    } else {
        printf("%s: read: no error, handler ran %d time(s)\n", what, (int)handled);
    }
    printf("%s: then %ld bytes: %s\n", what, n, buf);
    close(restart_pipe[0]);
    close(restart_pipe[1]);
}

static volatile int stop;
static volatile unsigned long counted;

static void *counter(void *arg) {
    (void)arg;
    while (!stop)
        counted++;
    return NULL;
}

int main(void) {
    int a[2], b[2], s[2];
    pthread_t thread;
    char buf[32];
    pipe(a);
    pipe(b);
    struct channel pipes = {a[1], b[0], 0};
    ping_pong("pipe", &pipes, a[0], b[1]);

    socketpair(AF_UNIX, SOCK_STREAM, 0, s);
    struct channel sockets = {s[1], s[1], 1};
    ping_pong("socketpair", &sockets, s[0], s[0]);

    pipe(late_pipe);
    pthread_create(&thread, NULL, late_writer, NULL);
    struct pollfd wanted = {late_pipe[0], POLLIN, 0};
    int ready = poll(&wanted, 1, -1);
    printf("poll: %d ready, POLLIN %s\n", ready, wanted.revents & POLLIN ? "set" : "clear");
    printf("poll: read %ld bytes: %s\n", (long)read(late_pipe[0], buf, sizeof buf), buf);
    pthread_join(thread, NULL);

    interrupted_read("SA_RESTART", SA_RESTART);
    interrupted_read("no SA_RESTART", 0);

    pthread_create(&thread, NULL, counter, NULL);
    fd_set readable;
    FD_ZERO(&readable);
    FD_SET(a[0], &readable);  /* the worker closed the other end: EOF, readable */
    FD_SET(b[0], &readable);  /* the main thread holds the other end: never readable */
    struct timeval brief = {0, 100 * 1000};
    ready = select(b[0] + 1, &readable, NULL, NULL, &brief);
    printf("select: %d ready (EOF pipe %s, empty pipe %s)\n", ready,
           FD_ISSET(a[0], &readable) ? "set" : "clear",
           FD_ISSET(b[0], &readable) ? "set" : "clear");
    FD_ZERO(&readable);
    FD_SET(b[0], &readable);
    brief.tv_usec = 100 * 1000;
    ready = select(b[0] + 1, &readable, NULL, NULL, &brief);
    unsigned long seen = counted;
    stop = 1;
    pthread_join(thread, NULL);
    printf("select: %d ready after its timeout; the counting thread ran meanwhile: %s\n",
           ready, seen > 0 ? "yes" : "no");
    return 0;
}
