/* fcntl and ioctl through the Darwin layer (pyjitlink/executors/darwin/fcntl_ioctl.c):
 * Darwin's commands, O_* status flags, struct flock and ioctl requests, in the values
 * macOS's headers give them, must act as on macOS. Built for macOS by clang (no SDK: the
 * __APPLE__ branch defines what macOS's headers would) and, as the oracle, for Linux by
 * gcc -static with Linux's headers (x86-64 natively, AArch64 under qemu-aarch64); the
 * program prints only what the two systems agree on. */
#ifdef __APPLE__
typedef __SIZE_TYPE__ size_t;
typedef long off_t;
typedef int pid_t;
int printf(const char *, ...);
int fcntl(int, int, ...);
int ioctl(int, unsigned long, ...);
int pipe(int[2]);
int close(int);
long write(int, const void *, size_t);
long read(int, void *, size_t);
int open(const char *, int, ...);
int unlink(const char *);
int getppid(void);
int fork(void);
typedef struct __sFILE FILE;
extern FILE *__stdoutp;
#define stdout __stdoutp
int fflush(FILE *);
int waitpid(int, int *, int);
extern int *__error(void);
#define errno (*__error())
/* macOS's <sys/fcntl.h> */
#define O_RDONLY 0x0000
#define O_RDWR 0x0002
#define O_NONBLOCK 0x0004
#define O_APPEND 0x0008
#define O_CREAT 0x0200
#define O_TRUNC 0x0400
#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_GETLK 7
#define F_SETLK 8
#define F_DUPFD_CLOEXEC 67
#define FD_CLOEXEC 1
#define F_RDLCK 1
#define F_UNLCK 2
#define F_WRLCK 3
#define SEEK_SET 0
#define EAGAIN 35
#define ENOTTY 25
struct flock { off_t l_start; off_t l_len; pid_t l_pid; short l_type; short l_whence; };
/* macOS's <sys/filio.h> and <sys/ttycom.h> */
struct winsize { unsigned short ws_row, ws_col, ws_xpixel, ws_ypixel; };
#define FIOCLEX 0x20006601UL
#define FIONCLEX 0x20006602UL
#define FIONREAD 0x4004667fUL
#define FIONBIO 0x8004667eUL
#define TIOCGWINSZ 0x40087468UL
#else
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

int main(void) {
    int p[2];
    char buf[16];
    pipe(p);
    int flags = fcntl(p[0], F_GETFL);
    printf("F_GETFL: O_NONBLOCK %d, access %d\n", !!(flags & O_NONBLOCK), flags & 3);
    printf("F_SETFL O_NONBLOCK: %d\n", fcntl(p[0], F_SETFL, flags | O_NONBLOCK));
    flags = fcntl(p[0], F_GETFL);
    printf("F_GETFL: O_NONBLOCK %d, O_APPEND %d\n", !!(flags & O_NONBLOCK),
           !!(flags & O_APPEND));
    long got = read(p[0], buf, sizeof buf);
    printf("read of the empty pipe: %ld, EAGAIN %d\n", got, errno == EAGAIN);
    int on = 0;
    printf("FIONBIO off: %d\n", ioctl(p[0], FIONBIO, &on));
    printf("F_GETFL: O_NONBLOCK %d\n", !!(fcntl(p[0], F_GETFL) & O_NONBLOCK));
    on = 1;
    ioctl(p[0], FIONBIO, &on);
    printf("FIONBIO on: O_NONBLOCK %d\n", !!(fcntl(p[0], F_GETFL) & O_NONBLOCK));
    write(p[1], "hello", 5);
    int pending = -1;
    int result = ioctl(p[0], FIONREAD, &pending);
    printf("FIONREAD: %d, %d bytes\n", result, pending);
    printf("F_GETFD: %d\n", fcntl(p[0], F_GETFD));
    result = ioctl(p[0], FIOCLEX);
    printf("FIOCLEX: %d, F_GETFD: %d\n", result, fcntl(p[0], F_GETFD));
    result = ioctl(p[0], FIONCLEX);
    printf("FIONCLEX: %d, F_GETFD: %d\n", result, fcntl(p[0], F_GETFD));
    result = fcntl(p[0], F_SETFD, FD_CLOEXEC);
    printf("F_SETFD FD_CLOEXEC: %d, F_GETFD: %d\n", result, fcntl(p[0], F_GETFD));
    int copy = fcntl(p[0], F_DUPFD_CLOEXEC, 10);
    printf("F_DUPFD_CLOEXEC: >= 10 %d, F_GETFD %d\n", copy >= 10, fcntl(copy, F_GETFD));
    int other = fcntl(p[1], F_DUPFD, 20);
    printf("F_DUPFD: >= 20 %d, F_GETFD %d\n", other >= 20, fcntl(other, F_GETFD));
    struct winsize size = {0, 0, 0, 0};
    result = ioctl(p[0], TIOCGWINSZ, &size);
    printf("TIOCGWINSZ on a pipe: %d, ENOTTY %d\n", result, errno == ENOTTY);
    int file = open("fcntl_ioctl.tmp", O_RDWR | O_CREAT | O_TRUNC | O_APPEND, 0600);
    flags = fcntl(file, F_GETFL);
    printf("file F_GETFL: O_APPEND %d, O_NONBLOCK %d, access %d\n", !!(flags & O_APPEND),
           !!(flags & O_NONBLOCK), flags & 3);
    struct flock lock = {.l_start = 0, .l_len = 10, .l_type = F_WRLCK, .l_whence = SEEK_SET};
    printf("F_SETLK write lock: %d\n", fcntl(file, F_SETLK, &lock));
    struct flock probe = {.l_start = 0, .l_len = 10, .l_type = F_RDLCK, .l_whence = SEEK_SET};
    result = fcntl(file, F_GETLK, &probe);
    printf("F_GETLK (own lock): %d, type unlocked %d\n", result, probe.l_type == F_UNLCK);
    fflush(stdout);
    int child = fork();
    if (child == 0) {
        struct flock theirs = {.l_start = 2, .l_len = 4, .l_type = F_RDLCK,
                               .l_whence = SEEK_SET};
        int r = fcntl(file, F_GETLK, &theirs);
        printf("child F_GETLK: %d, write lock %d, start %ld, len %ld, pid is parent's %d\n",
               r, theirs.l_type == F_WRLCK, (long)theirs.l_start, (long)theirs.l_len,
               theirs.l_pid == getppid());
        fflush(stdout);
        return 0;
    }
    int status;
    waitpid(child, &status, 0);
    lock.l_type = F_UNLCK;
    printf("F_SETLK unlock: %d\n", fcntl(file, F_SETLK, &lock));
    close(file);
    unlink("fcntl_ioctl.tmp");
    return 0;
}
