"""Processes under -libc=target (executors/linux/children.py): testdata/procs runs
``system()``, ``popen()`` both ways, fork + waitpid with exit statuses (a child that exits,
one that crashes, one its parent kills), a pipe each way, ``dup3``, ``posix_spawn`` with and
without file actions, ``vfork`` + ``execve``, a failing ``execve``, a robust mutex whose
owner exits holding it (EOWNERDEAD), ``sigsuspend``, ``sigtimedwait`` and a signal from a
child, emulated for AArch64 and under -emulate, eager and -lazy, with the stdout and exit
status of its -static builds (recorded in testdata/procs/expected, and built and run again
here: under qemu-aarch64 for AArch64, except the runs qemu-user cannot do, which the native
x86-64 build answers). Missing tools fail these tests (.ci/run installs them)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = ROOT / "testdata" / "procs"
FLAVOURS = {"aarch64": "a64-O2", "x86_64": "O2"}
RUNS = [line.split(None, 1) for line in (PROGRAM / "target-runs.txt").read_text().splitlines()
        if line.strip()]
# qemu-user 7.2 runs CLONE_VM|CLONE_VFORK as a plain fork and has no robust futex list
# (testdata/build.sh's QEMU_DIFFERS): for these the native x86-64 build is the oracle.
QEMU_DIFFERS = {"vfork", "robust"}


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path is not None, f"{name} is needed (see .ci/run)"
    return path


def _run(command: list[str], cwd: Path = PROGRAM, timeout: float = 300
         ) -> tuple[str, str, int]:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)
    return done.stdout, done.stderr, 128 - done.returncode if done.returncode < 0 else \
        done.returncode


def _pyjitlink(arch: str, *args: str) -> list[str]:
    emulate = ["-emulate"] if arch == "x86_64" else []
    return [sys.executable, "-m", "pyjitlink", "-libc=target", *emulate, *args]


@pytest.fixture(scope="module")
def static_builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """The -static builds of procs.c: the command that runs each."""
    directory = tmp_path_factory.mktemp("procs")
    commands = {}
    for arch, cc in (("x86_64", "gcc"), ("aarch64", "aarch64-linux-gnu-gcc")):
        exe = directory / f"procs-{arch}"
        subprocess.run([_tool(cc), "-std=gnu11", "-O2", "-static", str(PROGRAM / "src" /
                        "procs.c"), "-o", str(exe)], check=True, capture_output=True)
        commands[arch] = [_tool("qemu-aarch64"), str(exe)] if arch == "aarch64" else [str(exe)]
    return commands


@pytest.mark.parametrize("lazy", [False, True], ids=["eager", "lazy"])
@pytest.mark.parametrize("arch", list(FLAVOURS))
@pytest.mark.parametrize("run,args", RUNS, ids=[run for run, _ in RUNS])
def test_procs_matches_its_static_build(static_builds: dict[str, list[str]], run: str,
                                        args: str, arch: str, lazy: bool) -> None:
    objects = [f"{FLAVOURS[arch]}/procs.o"]
    out, err, code = _run(_pyjitlink(arch, *(["-lazy"] if lazy else []), *objects, "-args",
                                     "procs", *args.split()))
    expected = (PROGRAM / "expected" / f"{run}.stdout").read_text(), \
        int((PROGRAM / "expected" / f"{run}.rc").read_text())
    assert (out, code) == expected, err
    oracle = "x86_64" if run in QEMU_DIFFERS else arch
    theirs = _run([*static_builds[oracle], *args.split()])
    assert (out, code) == (theirs[0], theirs[2])
    if run == "processes":  # the crashing child's own report, and nothing else
        assert err.startswith("pyjitlink: error: ") and "Segmentation fault" in err
        assert "main" in err and "warning" not in err
    else:
        assert err == ""


FORKS = r"""
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <sys/wait.h>
extern char **environ;
int main(int argc, char **argv) {
    /* A buffered line before fork is the program's to flush (it is: once, here). */
    printf("before fork\n");
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        printf("child\n");
        exit(3);
    }
    int status;
    waitpid(child, &status, 0);
    printf("after child: %d\n", WEXITSTATUS(status));
    if (argc > 1) {
        char *args[] = {argv[1], NULL};
        execve(argv[1], args, environ);
        printf("execve: %s\n", strerror(errno));
    }
    return 0;
}
"""


def test_forked_child_writes_nothing_twice_and_runs_no_atexit(tmp_path: Path) -> None:
    """A forked child's end flushes none of the tool's buffers and runs none of its atexit
    handlers: -show-times (printed after the run) appears once, from the parent."""
    source = tmp_path / "forks.c"
    source.write_text(FORKS)
    obj = tmp_path / "forks.o"
    subprocess.run([_tool("aarch64-linux-gnu-gcc"), "-O2", "-c", str(source), "-o", str(obj)],
                   check=True)
    out, err, code = _run(_pyjitlink("aarch64", "-show-times", str(obj)), tmp_path)
    assert code == 0, err
    assert out == "before fork\nchild\nafter child: 3\n"
    assert err.count("Total Execution Time") == 1  # the child ended without the report


def test_execve_of_a_foreign_executable(tmp_path: Path) -> None:
    """An emulated AArch64 program's execve is the host's: an AArch64 executable runs only
    through a binfmt_misc handler (qemu-user-binfmt); without one the program gets ENOEXEC
    and one warning names the file."""
    source = tmp_path / "forks.c"
    source.write_text(FORKS)
    obj = tmp_path / "forks.o"
    subprocess.run([_tool("aarch64-linux-gnu-gcc"), "-O2", "-c", str(source), "-o", str(obj)],
                   check=True)
    hello = tmp_path / "hello.c"
    hello.write_text('#include <stdio.h>\nint main(void) { puts("foreign hello"); return 0; }\n')
    exe = tmp_path / "hello-a64"
    subprocess.run([_tool("aarch64-linux-gnu-gcc"), "-static", str(hello), "-o", str(exe)],
                   check=True)
    out, err, code = _run(_pyjitlink("aarch64", str(obj), "-args", "forks", str(exe)), tmp_path)
    handled = any(Path("/proc/sys/fs/binfmt_misc").glob("qemu-aarch64*"))
    if handled:
        assert out.endswith("foreign hello\n") and code == 0, err
    else:
        assert out.endswith("execve: Exec format error\n") and code == 0, err
        assert err == (f"pyjitlink: warning: execve of {exe}: an AArch64 executable does not "
                       f"run on this x86_64 host without a binfmt_misc handler for it "
                       f"(qemu-user-binfmt), as under qemu-user: ENOEXEC\n")


def test_execve_keeps_descriptors_without_cloexec(tmp_path: Path) -> None:
    """open() without O_CLOEXEC and dup() give descriptors an execve keeps (Python's own
    os.open and os.dup make them close-on-exec); O_CLOEXEC ones are closed."""
    source = tmp_path / "fds.c"
    source.write_text(r"""
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
int main(void) {
    int kept = open("/dev/null", O_RDONLY);
    int copy = dup(kept);
    int closed = open("/dev/null", O_RDONLY | O_CLOEXEC);
    char command[128];
    snprintf(command, sizeof command, "for fd in %d %d %d; do "
             "if [ -e /proc/self/fd/$fd ]; then echo open; else echo closed; fi; done",
             kept, copy, closed);
    fflush(stdout);
    return system(command);
}
""")
    obj = tmp_path / "fds.o"
    subprocess.run([_tool("gcc"), "-O2", "-c", str(source), "-o", str(obj)], check=True)
    exe = tmp_path / "fds"
    subprocess.run([_tool("gcc"), "-static", str(source), "-o", str(exe)], check=True,
                   capture_output=True)
    out, err, code = _run(_pyjitlink("x86_64", str(obj)), tmp_path)
    assert (out, code) == _run([str(exe)], tmp_path)[0::2], err
    assert out == "open\nopen\nclosed\n"


def test_fork_is_refused_outside_a_run(capsys: pytest.CaptureFixture[str]) -> None:
    """The children module only forks while start_process runs the program (a forked
    child must end in it): otherwise ENOSYS, with one warning."""
    from pyjitlink.executors.linux.process import LinuxProcessExecutor

    pid = os.getpid()
    executor = LinuxProcessExecutor("aarch64")
    try:
        assert executor.children.new_process(17, 0, 0, 0, 0) == -38
        assert executor.children.new_process(17, 0, 0, 0, 0) == -38
    finally:
        executor.close()
    assert os.getpid() == pid
    assert capsys.readouterr().err == ("pyjitlink: warning: fork outside the program's run "
                                       "(a call from Python) is not emulated: returns "
                                       "ENOSYS\n")


CALLS = r"""
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/resource.h>
#include <sys/times.h>
#include <sys/select.h>
#include <sys/utsname.h>
#include <sys/mman.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <sched.h>
#include <pthread.h>
static volatile sig_atomic_t alarms;
static void on_alarm(int sig) { (void)sig; alarms++; }
int main(void) {
    char buf[PATH_MAX];
    printf("cwd %d\n", getcwd(buf, sizeof buf) != NULL);
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    printf("localtime %d\n", tm.tm_year > 100);
    printf("nprocs %d\n", sysconf(_SC_NPROCESSORS_ONLN) > 0);
    printf("conf %d\n", sysconf(_SC_NPROCESSORS_CONF) > 0);
    cpu_set_t set; printf("affinity %d\n", sched_getaffinity(0, sizeof set, &set));
    DIR *d = opendir(".");
    int n = 0;
    while (readdir(d)) n++;
    closedir(d);
    printf("dir %d\n", n > 1);
    printf("realpath %d\n", realpath(".", buf) != NULL);
    char tmpl[] = "/tmp/miscXXXXXX"; int fd = mkstemp(tmpl); printf("mkstemp %d\n", fd >= 0);
    write(fd, "abc", 3);
    ftruncate(fd, 1);
    struct stat st;
    fstat(fd, &st);
    printf("ftruncate %ld\n", (long)st.st_size);
    fsync(fd); close(fd); unlink(tmpl);
    printf("clock %d\n", clock() >= 0);
    struct tms tms; printf("times %d\n", times(&tms) != (clock_t)-1);
    struct rusage ru; printf("rusage %d\n", getrusage(RUSAGE_SELF, &ru));
    fd_set r;
    FD_ZERO(&r);
    struct timeval tv = {0, 1000};
    printf("select %d\n", select(0, &r, 0, 0, &tv));
    printf("isatty %d\n", isatty(0));
    printf("nice %d\n", nice(0) >= 0);
    struct itimerval it = {{0,0},{0,0}};
    printf("setitimer %d\n", setitimer(ITIMER_REAL, &it, NULL));
    printf("alarm %u\n", alarm(0));
    usleep(1000); sleep(0);
    printf("symlink %d\n", symlink("/tmp", "/tmp/misc-link-xyz"));
    printf("lstat %d\n", lstat("/tmp/misc-link-xyz", &st));
    unlink("/tmp/misc-link-xyz");
    printf("chmod %d\n", chmod("/tmp", 01777));
    printf("access %d\n", access("/etc/passwd", R_OK));
    struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts);
    printf("setlocale %d\n", setlocale(LC_ALL, "C.UTF-8") != NULL);
    void *p = mmap(0, 1 << 20, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0);
    printf("msync %d\n", msync(p, 4096, MS_SYNC));
    printf("mlock %d\n", mlock(p, 4096) == 0 || 1);
    printf("getpriority %d\n", getpriority(PRIO_PROCESS, 0) >= -20);
    printf("statfs via pathconf %d\n", pathconf("/", _PC_NAME_MAX) > 0);
    printf("link %d\n", link("/nonexistent", "/tmp/x") == -1);
    printf("truncate %d\n", truncate("/nonexistent", 0) == -1);
    printf("fchmod %d\n", fchmod(1, 0600) >= -1);
    printf("utimes %d\n", utimensat(AT_FDCWD, "/nonexistent", NULL, 0) == -1);
    printf("getgroups %d\n", getgroups(0, NULL) >= 0);
    printf("pthread attr %d\n", pthread_getattr_np(pthread_self(), &(pthread_attr_t){0}) == 0);
    /* ITIMER_REAL: SIGALRM during pause(), and during a busy loop (a lone thread). */
    signal(SIGALRM, on_alarm);
    alarm(1);
    pause();
    printf("alarm during pause %d\n", alarms);
    struct itimerval every = {{0, 20000}, {0, 20000}};
    setitimer(ITIMER_REAL, &every, NULL);
    while (alarms < 4)
        ;
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &off, NULL);
    printf("alarms in a busy loop %d\n", alarms);
    return 0;
}
"""


@pytest.mark.parametrize("arch", list(FLAVOURS))
def test_system_calls_real_programs_hit(tmp_path: Path, arch: str) -> None:
    """Calls a C library makes for everyday functions (sysconf's CPU count through
    sched_getaffinity, mkstemp + ftruncate, times, getrusage, select, symlink, chmod,
    statfs, utimensat, getgroups, pthread_getattr_np reading /proc/self/maps, alarm and
    setitimer delivering SIGALRM in pause and in a busy loop): no call is unimplemented,
    and the output is the native -static build's (qemu-aarch64 7.2 loses the SIGALRM of
    the busy loop, so the x86-64 build is the oracle for both)."""
    source = tmp_path / "calls.c"
    source.write_text(CALLS)
    cc = "aarch64-linux-gnu-gcc" if arch == "aarch64" else "gcc"
    obj = tmp_path / "calls.o"
    subprocess.run([_tool(cc), "-O2", "-c", str(source), "-o", str(obj)], check=True)
    exe = tmp_path / "calls"
    subprocess.run([_tool("gcc"), "-O2", "-static", str(source), "-o", str(exe)], check=True,
                   capture_output=True)
    out, err, code = _run(_pyjitlink(arch, str(obj)), tmp_path)
    assert err == ""
    assert (out, code) == _run([str(exe)], tmp_path)[0::2]
    assert out.endswith("alarm during pause 1\nalarms in a busy loop 4\n")


BROKEN_PIPE = r"""
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv) {
    if (argc > 1)
        signal(SIGPIPE, SIG_IGN);
    for (int i = 0; i < 100000; i++)
        if (printf("line %d\n", i) < 0) {
            fprintf(stderr, "write failed: %s\n", strerror(errno));
            return 3;
        }
    return 0;
}
"""


@pytest.mark.parametrize("ignored", [False, True], ids=["default", "ignored"])
def test_write_to_a_closed_pipe_raises_sigpipe(tmp_path: Path, ignored: bool) -> None:
    """A write to a pipe without readers: SIGPIPE ends the program (141) as natively,
    although Python ignores SIGPIPE; with SIG_IGN the write fails with EPIPE."""
    source = tmp_path / "pipe.c"
    source.write_text(BROKEN_PIPE)
    obj = tmp_path / "pipe.o"
    subprocess.run([_tool("aarch64-linux-gnu-gcc"), "-O2", "-c", str(source), "-o", str(obj)],
                   check=True)
    args = ["pipe", "ignore"] if ignored else ["pipe"]
    command = " ".join([*_pyjitlink("aarch64", str(obj), "-args", *args)])
    done = subprocess.run(["bash", "-c", f"{command} | head -n 1; exit ${{PIPESTATUS[0]}}"],
                          capture_output=True, text=True, timeout=300)
    assert done.stdout == "line 0\n"
    if ignored:
        assert (done.returncode, done.stderr) == (3, "write failed: Broken pipe\n")
    else:
        assert done.returncode == 141 and ": Broken pipe" in done.stderr


FORK_IN_A_THREAD = r"""
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int counter;
static void *work(void *arg) {
    for (int i = 0; i < 1000; i++) {
        pthread_mutex_lock(&lock);
        counter++;
        pthread_mutex_unlock(&lock);
        if (i % 100 == 0) sched_yield();
    }
    return arg;
}
static void *forker(void *arg) {
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        /* Only this thread exists in the child; the mutex may be taken by a thread that
           is gone, so the child touches nothing shared. */
        char line[] = "child of a thread\n";
        write(1, line, sizeof line - 1);
        _exit(4);
    }
    int status;
    waitpid(child, &status, 0);
    return (void *)(long)WEXITSTATUS(status);
}
int main(void) {
    pthread_t a, b, f;
    pthread_create(&a, NULL, work, NULL);
    pthread_create(&b, NULL, work, NULL);
    pthread_create(&f, NULL, forker, NULL);
    void *code;
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    pthread_join(f, &code);
    printf("counter %d, child status %ld\n", counter, (long)code);
    return 0;
}
"""


def test_fork_in_a_threaded_process(tmp_path: Path) -> None:
    """fork from one of four threads: the child has that thread alone (POSIX) and exits
    with its status; the parent's threads go on (the mutex counts to 2000) and join."""
    source = tmp_path / "ft.c"
    source.write_text(FORK_IN_A_THREAD)
    obj = tmp_path / "ft.o"
    subprocess.run([_tool("aarch64-linux-gnu-gcc"), "-O2", "-c", str(source), "-o", str(obj)],
                   check=True)
    exe = tmp_path / "ft"
    subprocess.run([_tool("aarch64-linux-gnu-gcc"), "-O2", "-static", str(source), "-o",
                    str(exe)], check=True, capture_output=True)
    out, err, code = _run(_pyjitlink("aarch64", str(obj)), tmp_path)
    assert (out, err, code) == ("child of a thread\ncounter 2000, child status 4\n", "", 0)
    assert _run([_tool("qemu-aarch64"), str(exe)], tmp_path)[0::2] == (out, code)


WAIT_WHILE_THREADS_RUN = r"""
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
#include <time.h>
#include <sys/wait.h>
static int go[2];
static void *release(void *arg) {
    struct timespec pause = {0, 50 * 1000 * 1000};
    nanosleep(&pause, NULL);  /* main is in waitpid by now */
    write(go[1], "g", 1);
    return arg;
}
int main(void) {
    pipe(go);
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        char byte;
        read(go[0], &byte, 1);  /* written by a thread of the parent */
        _exit(5);
    }
    pthread_t thread;
    pthread_create(&thread, NULL, release, NULL);
    int status;
    waitpid(child, &status, 0);
    pthread_join(thread, NULL);
    printf("child released by a thread: %d\n", WEXITSTATUS(status));
    return 0;
}
"""


@pytest.mark.parametrize("arch", list(FLAVOURS))
def test_waitpid_lets_the_other_threads_run(tmp_path: Path, arch: str) -> None:
    """A child that waits for a byte a thread of its parent writes after the parent is in
    waitpid: a blocking wait with other threads alive polls (the call restarts), so the
    thread runs and the child exits (a host wait4 that blocked the emulation would hang)."""
    source = tmp_path / "wt.c"
    source.write_text(WAIT_WHILE_THREADS_RUN)
    obj = tmp_path / "wt.o"
    cc = "aarch64-linux-gnu-gcc" if arch == "aarch64" else "gcc"
    subprocess.run([_tool(cc), "-O2", "-c", str(source), "-o", str(obj)], check=True)
    out, err, code = _run(_pyjitlink(arch, str(obj)), tmp_path, timeout=60)
    assert (out, err, code) == ("child released by a thread: 5\n", "", 0)


LAZY_FORK = r"""
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
__attribute__((noinline)) int child_work(int x) { return x * 3 + 1; }
__attribute__((noinline)) int thread_work(int x) { return x * 7; }
__attribute__((noinline)) int parent_work(int x) { return x - 1; }
static void *in_thread(void *arg) { return (void *)(long)thread_work((int)(long)arg); }
int main(void) {
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        pthread_t thread;
        void *got;
        printf("child: %d\n", child_work(13));
        pthread_create(&thread, NULL, in_thread, (void *)5L);
        pthread_join(thread, &got);
        printf("child's thread: %ld\n", (long)got);
        return 5;
    }
    int status = 0;
    waitpid(pid, &status, 0);
    printf("parent: %d, child exited %d\n", parent_work(10), WEXITSTATUS(status));
    return 0;
}
"""


@pytest.mark.parametrize("arch", list(FLAVOURS))
def test_lazy_link_in_a_forked_child_with_link_threads(tmp_path: Path, arch: str) -> None:
    """-lazy -num-threads 2: the child's first calls of child_work (its own, and its
    thread's of thread_work) link them (-lazy links each function at its first call). The
    link workers are threads of the host process, which a fork does not copy: the child's
    dispatcher starts its own (before, the child queued the link for workers it did not
    have and hung)."""
    cc = _tool("aarch64-linux-gnu-gcc" if arch == "aarch64" else "gcc")
    source, obj, exe = tmp_path / "lazy_fork.c", tmp_path / "lazy_fork.o", tmp_path / "exe"
    source.write_text(LAZY_FORK)
    subprocess.run([cc, "-O2", "-c", str(source), "-o", str(obj)], check=True)
    subprocess.run([cc, "-O2", "-static", "-pthread", str(source), "-o", str(exe)],
                   check=True)
    theirs = _run([_tool("qemu-aarch64"), str(exe)] if arch == "aarch64" else [str(exe)],
                  tmp_path)
    assert theirs == ("child: 40\nchild's thread: 35\nparent: 9, child exited 5\n", "", 0)
    for threads in ("2", "0"):
        ours = _run(_pyjitlink(arch, "-lazy", "-num-threads", threads, str(obj)), tmp_path,
                    timeout=120)
        assert ours == theirs, threads
