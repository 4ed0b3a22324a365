/* Processes under -libc=target: system(), popen() reading a child's output, fork + waitpid
   with exit statuses, a pipe between parent and child, posix_spawn (found and missing),
   vfork + execve, a signal to a child, a robust mutex whose owner thread exits holding it,
   sigsuspend and sigtimedwait. Output does not depend on scheduling: the parent waits for
   each child before it prints again, and flushes stdout before each fork. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static void show_status(const char *what, int status) {
    if (WIFEXITED(status))
        printf("%s: exited %d\n", what, WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        printf("%s: killed by signal %d\n", what, WTERMSIG(status));
    else
        printf("%s: status %#x\n", what, status);
}

static void part_system(void) {
    fflush(stdout);
    int status = system("echo from the shell; exit 3");
    show_status("system", status);
    fflush(stdout);
    status = system("printf '%s\\n' \"$PROCS_VALUE\"");
    show_status("system with environment", status);
    printf("system(NULL): %d\n", system(NULL) != 0);
}

static void part_popen(void) {
    fflush(stdout);
    FILE *in = popen("printf 'one\\ntwo\\nthree\\n'; exit 5", "r");
    if (!in) {
        perror("popen");
        return;
    }
    char line[64];
    int count = 0;
    while (fgets(line, sizeof line, in))
        printf("popen line %d: %s", ++count, line);
    show_status("pclose", pclose(in));
    FILE *out = popen("tr a-z A-Z", "w");
    fputs("written through popen\n", out);
    fflush(stdout);
    show_status("pclose (w)", pclose(out));
}

static void part_fork(void) {
    for (int code = 0; code < 3; code++) {
        fflush(stdout);
        pid_t child = fork();
        if (child == 0) {
            printf("child %d runs\n", code);
            exit(10 + code);  /* flushes the child's own copy of stdout */
        }
        int status;
        pid_t got = waitpid(child, &status, 0);
        printf("waitpid found the child: %d\n", got == child);
        show_status("fork child", status);
    }
    /* A child that crashes, and one killed by its parent. */
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        volatile int *nowhere = NULL;
        *nowhere = 1;
        _exit(0);
    }
    int status;
    waitpid(child, &status, 0);
    show_status("crashing child", status);
    int ready[2];
    if (pipe(ready) != 0)
        perror("pipe");
    fflush(stdout);
    child = fork();
    if (child == 0) {
        close(ready[0]);
        write(ready[1], "r", 1);
        for (;;)
            pause();
    }
    close(ready[1]);
    char byte;
    read(ready[0], &byte, 1);
    close(ready[0]);
    kill(child, SIGTERM);
    waitpid(child, &status, 0);
    show_status("killed child", status);
    errno = 0;
    int none = waitpid(-1, &status, WNOHANG);
    printf("waitpid with no children: %d, ECHILD %d\n", none, errno == ECHILD);
}

static void part_pipe(void) {
    int down[2], up[2];
    if (pipe(down) || pipe2(up, O_CLOEXEC)) {
        perror("pipe");
        return;
    }
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        close(down[1]);
        close(up[0]);
        char buffer[128];
        ssize_t got = read(down[0], buffer, sizeof buffer);
        long sum = 0;
        for (ssize_t i = 0; i < got; i++)
            sum += buffer[i];
        char reply[64];
        int n = snprintf(reply, sizeof reply, "%zd bytes, sum %ld", got, sum);
        write(up[1], reply, n);
        _exit(0);
    }
    close(down[0]);
    close(up[1]);
    const char *message = "the parent writes this";
    write(down[1], message, strlen(message));
    close(down[1]);
    char reply[64] = {0};
    ssize_t got = read(up[0], reply, sizeof reply - 1);
    close(up[0]);
    int status;
    waitpid(child, &status, 0);
    printf("pipe reply (%zd): %s\n", got, reply);
    show_status("pipe child", status);
    int copy = dup(1);
    int other = dup3(copy, 20, O_CLOEXEC);
    dprintf(other, "written through dup3's descriptor %d\n", other);
    close(copy);
    close(other);
}

static void part_spawn(void) {
    char *argv[] = {"sh", "-c", "echo spawned with $# arguments: $0 $1 $2", "a", "b", NULL};
    pid_t child;
    fflush(stdout);
    int err = posix_spawn(&child, "/bin/sh", NULL, NULL, argv, environ);
    printf("posix_spawn: %d\n", err);
    int status;
    if (err == 0) {
        waitpid(child, &status, 0);
        show_status("spawned", status);
    }
    /* File actions: the child's stdout goes to a pipe. */
    int out[2];
    pipe(out);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    char *echo[] = {"echo", "through", "file", "actions", NULL};
    err = posix_spawnp(&child, "echo", &actions, NULL, echo, environ);
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    char text[64] = {0};
    read(out[0], text, sizeof text - 1);
    close(out[0]);
    waitpid(child, &status, 0);
    printf("posix_spawnp with file actions: %d, read: %s", err, text);
    show_status("spawned echo", status);
}

/* What qemu-user 7.2 gets wrong (it runs CLONE_VM|CLONE_VFORK as a plain fork: the
   parent never sees a posix_spawn child's exec error, and a vfork child on the parent's
   stack hangs it), so the reference for this part is the native x86-64 build. */
static void part_vfork(void) {
    pid_t child;
    int status, err;
    char *missing[] = {"no-such-program", NULL};
    err = posix_spawnp(&child, "pyjitlink-no-such-program", NULL, NULL, missing, environ);
    printf("posix_spawnp of a missing program: %s\n", strerror(err));
    /* vfork + execve, and an execve that fails in the child. */
    fflush(stdout);
    child = vfork();
    if (child == 0) {
        char *args[] = {"/bin/sh", "-c", "exit 7", NULL};
        execve(args[0], args, environ);
        _exit(99);
    }
    waitpid(child, &status, 0);
    show_status("vfork + execve", status);
    child = fork();
    if (child == 0) {
        char *args[] = {"/nonexistent/program", NULL};
        execve(args[0], args, environ);
        _exit(errno == ENOENT ? 42 : 43);
    }
    waitpid(child, &status, 0);
    show_status("execve of a missing file", status);
}

/* A robust mutex whose owner exits holding it: the next locker gets EOWNERDEAD. */
static pthread_mutex_t robust;

static void *owner(void *arg) {
    (void)arg;
    pthread_mutex_lock(&robust);
    return NULL;  /* exits holding it */
}

static void *waiter(void *arg) {
    (void)arg;
    int err = pthread_mutex_lock(&robust);
    printf("waiter: lock gives %s\n", err == EOWNERDEAD ? "EOWNERDEAD" : strerror(err));
    if (err == EOWNERDEAD)
        printf("consistent: %d\n", pthread_mutex_consistent(&robust));
    pthread_mutex_unlock(&robust);
    return NULL;
}

static void part_robust(void) {
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(&robust, &attr);
    pthread_t first, second;
    pthread_create(&first, NULL, owner, NULL);
    pthread_join(first, NULL);
    pthread_create(&second, NULL, waiter, NULL);
    pthread_join(second, NULL);
    printf("main: lock gives %d\n", pthread_mutex_lock(&robust));
    pthread_mutex_unlock(&robust);
}

static volatile sig_atomic_t got_usr1;
static void on_usr1(int sig) { got_usr1 = sig; }

static void part_signals(void) {
    struct sigaction action = {0};
    action.sa_handler = on_usr1;
    sigaction(SIGUSR1, &action, NULL);
    sigset_t block, old, wait_for;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigaddset(&block, SIGUSR2);
    sigprocmask(SIG_BLOCK, &block, &old);
    raise(SIGUSR1);
    printf("handled while blocked: %d\n", got_usr1);
    sigsuspend(&old);
    printf("sigsuspend ran the handler: %d\n", got_usr1);
    sigset_t now;
    sigprocmask(SIG_SETMASK, NULL, &now);
    printf("mask restored: %d\n", sigismember(&now, SIGUSR1));
    raise(SIGUSR2);
    sigemptyset(&wait_for);
    sigaddset(&wait_for, SIGUSR2);
    siginfo_t info;
    int sig = sigtimedwait(&wait_for, &info, NULL);
    printf("sigtimedwait: %d (SIGUSR2 %d), si_signo %d\n", sig, SIGUSR2, info.si_signo);
    struct timespec short_wait = {0, 1000000};
    errno = 0;
    sig = sigtimedwait(&wait_for, &info, &short_wait);
    int timed_out = errno == EAGAIN;
    printf("sigtimedwait timeout: %d, EAGAIN %d\n", sig, timed_out);
    /* A child signals its parent, which waits in sigsuspend. */
    got_usr1 = 0;
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        kill(getppid(), SIGUSR1);
        _exit(0);
    }
    while (!got_usr1)
        sigsuspend(&old);
    int status;
    waitpid(child, &status, 0);
    printf("signal from the child: %d\n", got_usr1);
    sigprocmask(SIG_SETMASK, &old, NULL);
}

/* The argument names a part, or a group: "processes" (system, popen, fork, pipe, spawn),
   "all" (every part). */
static const char *chosen;

static int run(const char *part, const char *group) {
    return !strcmp(chosen, "all") || !strcmp(chosen, part) || !strcmp(chosen, group);
}

int main(int argc, char **argv) {
    chosen = argc > 1 ? argv[argc - 1] : "all";
    setenv("PROCS_VALUE", "seen by the shell", 1);
    if (run("system", "processes")) part_system();
    if (run("popen", "processes")) part_popen();
    if (run("fork", "processes")) part_fork();
    if (run("pipe", "processes")) part_pipe();
    if (run("spawn", "processes")) part_spawn();
    if (run("vfork", "")) part_vfork();
    if (run("robust", "")) part_robust();
    if (run("signals", "")) part_signals();
    printf("done\n");
    return 0;
}
