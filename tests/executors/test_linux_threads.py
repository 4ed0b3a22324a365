"""Threads and signals under -libc=target (executors/linux/threads.py, signals.py): the
testdata programs pthreads (threads, mutex, condition variables, thread-local counters,
join) and signals (handlers, masks, a SIGSEGV handler that siglongjmps, abort) run emulated
for AArch64 and under -emulate on x86-64 with the stdout and exit status of their -static
builds (qemu-aarch64; natively on x86-64), both as recorded in testdata/<prog>/expected and
built and run again here. Missing tools fail these tests (.ci/run installs them)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TESTDATA = ROOT / "testdata"
FLAVOURS = {"aarch64": "a64-O2", "x86_64": "O2"}


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path is not None, f"{name} is needed (see .ci/run)"
    return path


def _status(code: int) -> int:
    return 128 - code if code < 0 else code


def _run(command: list[str], cwd: Path) -> tuple[str, str, int]:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300,
                          stdin=subprocess.DEVNULL)
    return done.stdout, done.stderr, _status(done.returncode)


def _pyjitlink(arch: str, *args: str) -> list[str]:
    emulate = ["-emulate"] if arch == "x86_64" else []
    return [sys.executable, "-m", "pyjitlink", "-libc=target", *emulate, *args]


def _static(arch: str, sources: list[Path], exe: Path, flags: str = "-O2") -> list[str]:
    """Link ``sources`` -static for ``arch``; the command that runs the executable."""
    cc = _tool("aarch64-linux-gnu-gcc" if arch == "aarch64" else "gcc")
    subprocess.run([cc, *flags.split(), "-static", *map(str, sources), "-o", str(exe)],
                   check=True)
    return [_tool("qemu-aarch64"), str(exe)] if arch == "aarch64" else [str(exe)]


def _cases() -> list[tuple[str, str, str, str]]:
    cases = []
    for prog in ("pthreads", "signals"):
        for line in (TESTDATA / prog / "target-runs.txt").read_text().splitlines():
            if line.strip():
                run, args = line.split(None, 1)
                cases += [(prog, arch, run, args) for arch in FLAVOURS]
    return cases


@pytest.mark.parametrize("prog,arch,run,args", _cases(),
                         ids=[f"{p}-{a}-{r}" for p, a, r, _ in _cases()])
def test_testdata_program_matches_its_static_build(tmp_path: Path, prog: str, arch: str,
                                                   run: str, args: str) -> None:
    directory = TESTDATA / prog
    objects = sorted(str(p.relative_to(directory)) for p in
                     (directory / FLAVOURS[arch]).glob("*.o"))
    out, err, code = _run(_pyjitlink(arch, *objects, "-args", prog, *args.split()), directory)
    expected = directory / "expected"
    assert (out, code) == ((expected / f"{run}.stdout").read_text(),
                           int((expected / f"{run}.rc").read_text()))
    # The oracle again, from the sources: the -static build, run under qemu or natively.
    exe = _static(arch, sorted((directory / "src").glob("*.c")), tmp_path / prog)
    theirs = _run([*exe, *args.split()], directory)
    assert (out, code) == (theirs[0], theirs[2])
    if code == 134:  # abort(): the fault report, with the frames that led there
        assert err.startswith("pyjitlink: error: ") and ": Aborted\n" in err
        assert "in abort+" in err and "in main+" in err
    else:
        assert err == ""


CORNERS = r"""
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;
static volatile int *volatile nowhere;
static void *waits_for_ever(void *arg) {
    (void)arg;
    pthread_mutex_lock(&lock);
    pthread_cond_wait(&never, &lock);
    return NULL;
}
static void *faults(void *arg) {
    (void)arg;
    *nowhere = 1;
    return NULL;
}
static volatile sig_atomic_t handled;
static pthread_t handled_by;
static void on_usr2(int sig) {
    (void)sig;
    handled_by = pthread_self();
    handled = 1;
}
static void *until_signalled(void *arg) {
    (void)arg;
    while (!handled)
        sched_yield();
    return NULL;
}
static char alternate[64 * 1024];
static volatile int on_alternate, reported_onstack;
static void on_usr1_alt(int sig) {
    char local;
    stack_t now;
    (void)sig;
    on_alternate = &local >= alternate && &local < alternate + sizeof alternate;
    sigaltstack(NULL, &now);
    reported_onstack = (now.ss_flags & SS_ONSTACK) != 0;
}
static void *chatter(void *arg) {
    char line[32];
    for (int step = 0; step < 5; step++) {
        int n = snprintf(line, sizeof line, "thread %ld step %d\n", (long)arg, step);
        write(1, line, n);
        sched_yield();
    }
    return NULL;
}
static void *sleeper(void *arg) {
    struct timespec pause = {0, 20 * 1000 * 1000};
    nanosleep(&pause, NULL);
    printf("sleeper %ld woke\n", (long)arg);
    return arg;
}
int main(int argc, char **argv) {
    const char *mode = argv[argc - 1];
    pthread_t thread;
    if (!strcmp(mode, "deadlock")) {
        pthread_create(&thread, NULL, waits_for_ever, NULL);
        pthread_join(thread, NULL);
    } else if (!strcmp(mode, "timedwait")) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 30 * 1000 * 1000;
        if (until.tv_nsec >= 1000000000) { until.tv_sec++; until.tv_nsec -= 1000000000; }
        pthread_mutex_lock(&lock);
        int got = pthread_cond_timedwait(&never, &lock, &until);
        printf("timedwait: %s\n", got == ETIMEDOUT ? "ETIMEDOUT" : "other");
        pthread_create(&thread, NULL, sleeper, (void *)1L);
        void *value;
        pthread_join(thread, &value);
        printf("joined %ld\n", (long)value);
    } else if (!strcmp(mode, "yield")) {
        pthread_t threads[3];
        for (long i = 0; i < 3; i++)
            pthread_create(&threads[i], NULL, chatter, (void *)i);
        for (int i = 0; i < 3; i++)
            pthread_join(threads[i], NULL);
    } else if (!strcmp(mode, "pthread_kill")) {
        signal(SIGUSR2, on_usr2);
        pthread_create(&thread, NULL, until_signalled, NULL);
        pthread_kill(thread, SIGUSR2);
        pthread_join(thread, NULL);
        printf("SIGUSR2 handled by the %s thread\n",
               pthread_equal(handled_by, thread) ? "target" : "other");
    } else if (!strcmp(mode, "altstack")) {
        stack_t stack = {.ss_sp = alternate, .ss_size = sizeof alternate, .ss_flags = 0};
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_usr1_alt;
        sa.sa_flags = SA_ONSTACK;
        sigaltstack(&stack, NULL);
        sigaction(SIGUSR1, &sa, NULL);
        raise(SIGUSR1);
        printf("handler on the alternate stack: %s, SS_ONSTACK: %s\n",
               on_alternate ? "yes" : "no", reported_onstack ? "yes" : "no");
    } else if (!strcmp(mode, "usr1")) {
        printf("before\n");
        fflush(stdout);
        raise(SIGUSR1);
        printf("not reached\n");
    } else if (!strcmp(mode, "threadfault")) {
        pthread_create(&thread, NULL, faults, NULL);
        pthread_join(thread, NULL);
    }
    return 0;
}
"""


@pytest.mark.parametrize("arch", list(FLAVOURS))
def test_timeouts_default_actions_and_deadlock(tmp_path: Path, arch: str) -> None:
    source = tmp_path / "corners.c"
    source.write_text(CORNERS)
    cc = _tool("aarch64-linux-gnu-gcc" if arch == "aarch64" else "gcc")
    obj = tmp_path / "corners.o"
    subprocess.run([cc, "-O2", "-c", str(source), "-o", str(obj)], check=True)
    exe = _static(arch, [source], tmp_path / "corners")
    for mode, status in (("timedwait", 0), ("pthread_kill", 0), ("altstack", 0), ("usr1", 138),
                         ("threadfault", 139)):
        ours = _run(_pyjitlink(arch, str(obj), "-args", "corners", mode), tmp_path)
        theirs = _run([*exe, mode], tmp_path)
        assert (ours[0], ours[2]) == (theirs[0], theirs[2]) and ours[2] == status, mode
        assert "other" not in ours[0] and ": no" not in ours[0]
        if status:
            name = "User defined signal 1" if mode == "usr1" else "Segmentation fault"
            assert ours[1].startswith("pyjitlink: error: ") and name in ours[1]
        else:
            assert ours[1] == ""
    # Unsynchronised threads that yield: interleaved, and the same way on every run (the
    # scheduler counts instructions; nothing depends on the host's timing or cores).
    runs = [_run(_pyjitlink(arch, str(obj), "-args", "corners", "yield"), tmp_path)
            for _ in range(2)]
    lines = runs[0][0].splitlines()
    assert runs[0] == runs[1] and runs[0][2] == 0 and len(lines) == 15
    assert sorted(lines) == sorted(f"thread {t} step {s}" for t in range(3) for s in range(5))
    assert lines != sorted(lines, key=lambda line: line.split()[1])  # not one after another
    # qemu and the kernel would wait for ever; the emulated process reports a deadlock.
    started = time.monotonic()
    out, err, code = _run(_pyjitlink(arch, str(obj), "-args", "corners", "deadlock"),
                          tmp_path)
    first, *details = err.splitlines()
    assert code == 1 and out == ""
    assert first.startswith("pyjitlink: error: ") and "deadlock: every thread waits" in first
    assert f"thread {_main_tid(first)} in __futex_abstimed_wait" in first
    # Then each waiting thread's frames: main in pthread_join, the other in its condvar.
    assert details[0] == f"  thread {_main_tid(first)}:"
    assert any("in main+" in line for line in details)
    assert any("in waits_for_ever+" in line for line in details)
    assert time.monotonic() - started < 60


@pytest.mark.parametrize("arch", list(FLAVOURS))
def test_blocking_reads_block_one_thread(tmp_path: Path, arch: str) -> None:
    """testdata/linux/blocking_io.c: read, recv, poll and select on empty pipes and sockets
    wait in the scheduler, so the thread that writes them runs (before, the first read
    blocked the whole emulated process for ever)."""
    source = TESTDATA / "linux" / "blocking_io.c"
    cc = _tool("aarch64-linux-gnu-gcc" if arch == "aarch64" else "gcc")
    obj = tmp_path / "blocking_io.o"
    subprocess.run([cc, "-O2", "-c", str(source), "-o", str(obj)], check=True)
    exe = _static(arch, [source], tmp_path / "blocking_io")
    ours = _run(_pyjitlink(arch, str(obj)), tmp_path)
    theirs = _run(exe, tmp_path)
    assert ours == theirs
    out = ours[0]
    assert out.count("main got ping") == out.count("worker got pong") == 6
    assert "pipe: end of input (0)\n" in out and "socketpair: end of input (0)\n" in out
    assert "poll: 1 ready, POLLIN set\npoll: read 5 bytes: late\n" in out
    # A handler interrupting a blocked read: SA_RESTART runs the read again after it.
    assert "SA_RESTART: read: no error, handler ran 1 time(s)\nSA_RESTART: then 6 bytes: " \
           "after\n" in out
    assert "no SA_RESTART: read: EINTR, handler ran 1 time(s)\nno SA_RESTART: then 6 " \
           "bytes: after\n" in out
    assert "select: 1 ready (EOF pipe set, empty pipe clear)\n" in out
    assert out.endswith("select: 0 ready after its timeout; the counting thread ran "
                        "meanwhile: yes\n")


@pytest.mark.parametrize("arch", list(FLAVOURS))
def test_big_writes_block_one_thread(tmp_path: Path, arch: str) -> None:
    """testdata/linux/big_write.c: a 1 MiB write, writev and send to a pipe or socket that
    another thread reads write what fits, wait in the scheduler for room and go on from
    there (before, the host write blocked the whole process once the pipe was full: a
    hang); a signal handler interrupting one that wrote some ends it with that count."""
    source = TESTDATA / "linux" / "big_write.c"
    cc = _tool("aarch64-linux-gnu-gcc" if arch == "aarch64" else "gcc")
    obj = tmp_path / "big_write.o"
    subprocess.run([cc, "-O2", "-c", str(source), "-o", str(obj)], check=True)
    exe = _static(arch, [source], tmp_path / "big_write")
    done = subprocess.run(_pyjitlink(arch, str(obj)), cwd=tmp_path, capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL)
    ours = done.stdout, done.stderr, _status(done.returncode)
    assert ours == _run(exe, tmp_path)
    out = ours[0]
    for what in ("write to a pipe", "writev to a pipe", "send to a socketpair"):
        assert f"{what}: returned 1048576\n{what}: reader got 1048576 bytes, first " \
               "difference -1" in out
    for what in ("SA_RESTART", "no SA_RESTART"):
        assert f"\n{what}: write: returned" in out
        assert "(a partial count: yes), handler ran 1 time(s)\n" in out.split(
            f"\n{what}: write: returned", 1)[1]


def _main_tid(err: str) -> str:
    """The first thread named in a deadlock message (main, waiting in pthread_join)."""
    return err.split("(thread ", 1)[1].split(" ", 1)[0]


@pytest.mark.parametrize("prog,run", [("pthreads", "run"), ("signals", "all")])
def test_lazy_threads_and_signal_handlers(prog: str, run: str) -> None:
    """-lazy: the first call of a function from any thread (or from a signal handler)
    links it through the re-entry trampoline."""
    directory = TESTDATA / prog
    args = dict(line.split(None, 1) for line in
                (directory / "target-runs.txt").read_text().splitlines() if line.strip())[run]
    out, _, code = _run(_pyjitlink("aarch64", "-lazy", f"a64-O2/{prog}.o", "-args", prog,
                                   *args.split()), directory)
    expected = directory / "expected"
    assert (out, code) == ((expected / f"{run}.stdout").read_text(),
                           int((expected / f"{run}.rc").read_text()))


def test_munmap_and_mprotect_of_part_of_a_mapping() -> None:
    """glibc's thread arenas reserve 128 MiB, unmap the unaligned ends and make the start
    writable: the system-call layer and Memory's own record of protections follow
    (Memory.check faults where the program would)."""
    from pyjitlink.executors.abi import target_for
    from pyjitlink.executors.host_bridge import Engine, GuestFault, Memory
    from pyjitlink.executors.linux.syscalls import LinuxSyscalls

    engine = Engine(target_for("aarch64"))
    memory = Memory(engine)
    try:
        calls = LinuxSyscalls("aarch64", memory, 0x40000000, (0x50000000, 0x60000000))
        base = calls.sc_mmap(0, 16 * 4096, 0, 0x22, -1, 0)  # PROT_NONE, private anonymous
        assert base == 0x50000000
        assert calls.sc_munmap(base, 4096) == 0 and calls.sc_munmap(base + 12 * 4096,
                                                                   4 * 4096) == 0
        assert not memory.is_mapped(base) and not memory.is_mapped(base + 12 * 4096)
        assert memory.is_mapped(base + 4096) and memory.is_mapped(base + 11 * 4096)
        assert calls.sc_mprotect(base + 2 * 4096, 2 * 4096, 3) == 0  # PROT_READ|WRITE
        memory.check(base + 2 * 4096, 2 * 4096, write=True)
        for address in (base + 4096, base + 4 * 4096):  # still PROT_NONE on either side
            with pytest.raises(GuestFault):
                memory.check(address, 4, write=True)
        assert calls.sc_mprotect(base, 4096, 3) == -12  # unmapped: ENOMEM
        # Freed pieces are reused.
        assert calls.sc_mmap(0, 4096, 3, 0x22, -1, 0) == base
    finally:
        engine.close()
        memory.close()
