/* _exit(2)/exit_group(2), signal(7), pthreads(7): a process whose other threads
 * sleep ends at once. A child starts threads that sleep in an untimed
 * FUTEX_WAIT, nanosleep and clock_nanosleep of 100 s, a read of an empty pipe,
 * poll and select with no timeout, pause, sigsuspend, sigtimedwait and wait4
 * for a child that outlives the process; then one thread ends the process with
 * exit_group (the main thread, or another one), or the parent sends SIGKILL or
 * an unhandled SIGTERM. Every time the parent must reap the child promptly
 * (well under 2 s, against sleeps of 100 s) with the right wait status: every
 * sleep is interrupted by the group exit, as on Linux. */
#include "apus_test.h"
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/select.h>

#define FUTEX_WAIT_PRIVATE (0 | 128)

enum sleep_kind { FUTEX, NANOSLEEP, CLOCK_NANOSLEEP, PIPE_READ, POLL, SELECT, PAUSE, SIGSUSPEND, SIGTIMEDWAIT, WAIT4,
                  KINDS };
enum ending { EXIT_GROUP_MAIN, EXIT_GROUP_THREAD, KILLED, TERMINATED };

static uint32_t never_woken;
static int empty_pipe[2];
static int grandchild_pipe[2];
static atomic_int started;

static void *sleeper(void *arg)
{
    enum sleep_kind kind = (enum sleep_kind)(long)arg;
    atomic_fetch_add(&started, 1);
    char byte;
    struct timespec hundred_seconds = {100, 0};
    struct pollfd pfd = {empty_pipe[0], POLLIN, 0};
    sigset_t none, usr2;
    sigemptyset(&none);
    sigemptyset(&usr2);
    sigaddset(&usr2, SIGUSR2);
    fd_set readable;
    FD_ZERO(&readable);
    FD_SET(empty_pipe[0], &readable);
    pid_t grandchild;
    switch (kind) {
    case FUTEX: syscall(SYS_futex, &never_woken, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0); break;
    case NANOSLEEP: nanosleep(&hundred_seconds, NULL); break;
    case CLOCK_NANOSLEEP: clock_nanosleep(CLOCK_MONOTONIC, 0, &hundred_seconds, NULL); break;
    case PIPE_READ: (void)!read(empty_pipe[0], &byte, 1); break;
    case POLL: poll(&pfd, 1, -1); break;
    case SELECT: select(empty_pipe[0] + 1, &readable, NULL, NULL, NULL); break;
    case PAUSE: pause(); break;
    case SIGSUSPEND: sigsuspend(&none); break;
    case SIGTIMEDWAIT: sigtimedwait(&usr2, NULL, &hundred_seconds); break;
    case WAIT4:
        /* A child that lives until this process has ended (its pipe then reads EOF). */
        grandchild = fork();
        if (grandchild == 0) {
            close(grandchild_pipe[1]);
            (void)!read(grandchild_pipe[0], &byte, 1);
            _exit(0);
        }
        waitpid(grandchild, NULL, 0);
        break;
    default: break;
    }
    /* Woken without the process ending: a failure the parent sees as exit 99. */
    _exit(99);
}

static void *exiter(void *arg)
{
    (void)arg;
    apus_sleep_ms(100);
    syscall(SYS_exit_group, 7);
    return NULL;
}

/* The child: every kind of sleeper (or only `only` if >= 0), then the ending. */
static void run_child(int only, enum ending ending, int ready_fd)
{
    if (pipe(empty_pipe) != 0 || pipe(grandchild_pipe) != 0)
        _exit(90);
    sigset_t usr2;
    sigemptyset(&usr2);
    sigaddset(&usr2, SIGUSR2);
    sigprocmask(SIG_BLOCK, &usr2, NULL);      /* for sigtimedwait; the threads inherit it */
    for (int kind = 0; kind < KINDS; kind++) {
        if (only >= 0 && kind != only)
            continue;
        pthread_t thread;
        if (pthread_create(&thread, NULL, sleeper, (void *)(long)kind) != 0)
            _exit(91);
    }
    int expected = only >= 0 ? 1 : KINDS;
    while (atomic_load(&started) < expected)
        apus_sleep_ms(1);
    apus_sleep_ms(100);         /* let them reach their sleeps */
    switch (ending) {
    case EXIT_GROUP_MAIN:
        syscall(SYS_exit_group, 7);
        break;
    case EXIT_GROUP_THREAD: {
        pthread_t thread;
        if (pthread_create(&thread, NULL, exiter, NULL) != 0)
            _exit(92);
        pause();
        break;
    }
    case KILLED:
    case TERMINATED:
        (void)!write(ready_fd, "r", 1);
        pause();
        break;
    }
    _exit(98);
}

/* Runs one child and returns how long it took from the ending to the reaping (ns); checks the status. */
static long long run_case(int only, enum ending ending)
{
    int ready[2];
    CHECK_OK(pipe(ready));
    long long start = apus_now_ns();
    pid_t pid = fork();
    if (pid == 0) {
        close(ready[0]);
        run_child(only, ending, ready[1]);
    }
    close(ready[1]);
    CHECK(pid > 0, "fork");
    if (pid <= 0)
        return 0;
    if (ending == KILLED || ending == TERMINATED) {
        char byte;
        CHECK_EQ_LONG(read(ready[0], &byte, 1), 1);
        apus_sleep_ms(100);
        start = apus_now_ns();
        CHECK_OK(kill(pid, ending == KILLED ? SIGKILL : SIGTERM));
    } else {
        start += 100 * 1000000LL;   /* the child sleeps 100 ms before it ends */
    }
    int status = child_exit_status(pid);
    long long elapsed = apus_now_ns() - start;
    close(ready[0]);
    int expected = ending == KILLED ? 1000 + SIGKILL : ending == TERMINATED ? 1000 + SIGTERM : 7;
    if (status != expected)
        fprintf(stderr, "sleep kind %d ending %d: status %d, expected %d\n", only, (int)ending, status, expected);
    CHECK_EQ_LONG(status, expected);
    return elapsed;
}

int main(void)
{
    const long long limit = 2000000000LL;
    /* Each kind of sleep alone, ended by exit_group from the main thread. */
    for (int kind = 0; kind < KINDS; kind++) {
        long long elapsed = run_case(kind, EXIT_GROUP_MAIN);
        if (elapsed >= limit)
            fprintf(stderr, "sleep kind %d: exit_group took %lld ms\n", kind, elapsed / 1000000);
        CHECK(elapsed < limit, "exit_group ends a process whose thread sleeps at once");
    }
    /* All of them together, for every ending. */
    enum ending endings[] = {EXIT_GROUP_MAIN, EXIT_GROUP_THREAD, KILLED, TERMINATED};
    for (unsigned i = 0; i < sizeof endings / sizeof endings[0]; i++) {
        long long elapsed = run_case(-1, endings[i]);
        if (elapsed >= limit)
            fprintf(stderr, "ending %d: took %lld ms\n", (int)endings[i], elapsed / 1000000);
        CHECK(elapsed < limit, "the process with sleeping threads is reaped at once");
    }
    return test_finish("exit_sleepers");
}
