/* The Darwin layer's fcntl and ioctl (libc_layer.py): Darwin's requests, flags and struct
 * flock as Linux's, then glibc's fcntl/ioctl. libc_layer.py holds this file compiled (its
 * .text bytes and relocations, FCNTL_IOCTL_CODE), by
 *   clang-19 --target=<aarch64|x86_64>-linux-gnu -O2 -fno-pic -fno-stack-protector
 *     -fno-jump-tables -fno-asynchronous-unwind-tables -ffreestanding -c fcntl_ioctl.c
 * and tests/executors/test_darwin_layer.py compiles it again and compares. Calls are
 * System V / AAPCS64 here; the arm64 shim first moves Darwin's stack slot (the one
 * anonymous argument) to x2. Darwin's values: xnu's <sys/fcntl.h>, <sys/filio.h>,
 * <sys/ttycom.h>; Linux's: asm-generic/fcntl.h, asm-generic/ioctls.h (one set for x86-64
 * and AArch64, besides the O_* bits the DARWIN_FLAGS_... macros take as arguments). */
int fcntl(int fd, int cmd, ...);
int ioctl(int fd, unsigned long request, ...);

#define MOVE(value, from, to) ((((value) >> (from)) & 1) << (to))

/* F_GETFL/F_SETFL's status flags: O_NONBLOCK (Darwin 0x4, Linux 0x800), O_APPEND (0x8,
 * 0x400), O_ASYNC (0x40, 0x2000), O_SYNC (0x80; Linux 0x101000), O_DSYNC (0x400000,
 * 0x1000); the access mode (bits 0-1) is one. */
static int flags_to_linux(long darwin) {
    return (int)((darwin & 3) | MOVE(darwin, 2, 11) | MOVE(darwin, 3, 10) |
                 MOVE(darwin, 6, 13) | MOVE(darwin, 7, 20) | MOVE(darwin, 7, 12) |
                 MOVE(darwin, 22, 12));
}

static int flags_to_darwin(int linux_flags) {
    return (linux_flags & 3) | MOVE(linux_flags, 11, 2) | MOVE(linux_flags, 10, 3) |
           MOVE(linux_flags, 13, 6) | MOVE(linux_flags, 20, 7) | MOVE(linux_flags, 12, 22);
}

struct darwin_flock { long start, len; int pid; short type, whence; };
struct linux_flock { short type, whence; long start, len; int pid; };

/* Lock types: Darwin F_RDLCK 1, F_UNLCK 2, F_WRLCK 3; Linux 0, 2, 1. */
static short type_to_linux(short type) { return type == 1 ? 0 : type == 3 ? 1 : type; }
static short type_to_darwin(short type) { return type == 0 ? 1 : type == 1 ? 3 : type; }

int darwin_fcntl(int fd, int cmd, long arg) {
    switch (cmd) {
    case 0: case 1: case 2:  /* F_DUPFD, F_GETFD, F_SETFD (FD_CLOEXEC is 1 on both) */
        return fcntl(fd, cmd, arg);
    case 3: {  /* F_GETFL */
        int flags = fcntl(fd, 3);
        return flags < 0 ? flags : flags_to_darwin(flags);
    }
    case 4:  /* F_SETFL */
        return fcntl(fd, 4, flags_to_linux(arg));
    case 5:  /* F_GETOWN */
        return fcntl(fd, 9);
    case 6:  /* F_SETOWN */
        return fcntl(fd, 8, arg);
    case 7: case 8: case 9: {  /* F_GETLK, F_SETLK, F_SETLKW: Linux 5, 6, 7 */
        struct darwin_flock *lock = (struct darwin_flock *)arg;
        struct linux_flock theirs = {type_to_linux(lock->type), lock->whence, lock->start,
                                     lock->len, lock->pid};
        int result = fcntl(fd, cmd - 2, &theirs);
        if (result == 0 && cmd == 7) {
            lock->type = type_to_darwin(theirs.type);
            lock->whence = theirs.whence;
            lock->start = theirs.start;
            lock->len = theirs.len;
            lock->pid = theirs.pid;
        }
        return result;
    }
    case 67:  /* F_DUPFD_CLOEXEC */
        return fcntl(fd, 1030, arg);
    default:  /* Darwin's own (F_FULLFSYNC, F_GETPATH, ...): EINVAL, as Linux's unknown */
        return fcntl(fd, -1, arg);
    }
}

int darwin_ioctl(int fd, unsigned long request, long arg) {
    unsigned long theirs;
    switch (request) {
    case 0x20006601: theirs = 0x5451; break;  /* FIOCLEX */
    case 0x20006602: theirs = 0x5450; break;  /* FIONCLEX */
    case 0x4004667f: theirs = 0x541b; break;  /* FIONREAD (int *) */
    case 0x8004667e: theirs = 0x5421; break;  /* FIONBIO (int *) */
    case 0x8004667d: theirs = 0x5452; break;  /* FIOASYNC (int *) */
    case 0x40087468: theirs = 0x5413; break;  /* TIOCGWINSZ (struct winsize: one layout) */
    case 0x80087467: theirs = 0x5414; break;  /* TIOCSWINSZ */
    case 0x40047477: theirs = 0x540f; break;  /* TIOCGPGRP (pid_t *) */
    case 0x80047476: theirs = 0x5410; break;  /* TIOCSPGRP */
    case 0x40047473: theirs = 0x5411; break;  /* TIOCOUTQ (int *) */
    case 0x20007461: theirs = 0x540e; break;  /* TIOCSCTTY */
    case 0x20007471: theirs = 0x5422; break;  /* TIOCNOTTY */
    case 0x2000740d: theirs = 0x540c; break;  /* TIOCEXCL */
    case 0x2000740e: theirs = 0x540d; break;  /* TIOCNXCL */
    default: theirs = request;  /* Darwin's others (termios' TIOCGETA, ...): ENOTTY */
    }
    return ioctl(fd, theirs, arg);
}
