/* execve(2) "All threads other than the calling thread are destroyed during an
 * execve()", and a thread other than the leader that calls execve takes the
 * leader's ID: the new program runs with getpid() == gettid() == the old
 * process ID, the other threads are gone (even those asleep in a futex wait or
 * a 100 s nanosleep), and the parent sees the new program's exit status for the
 * same child PID. */
#include "apus_test.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#define FUTEX_WAIT_PRIVATE (0 | 128)

static char self[4096];
static char pid_argument[32];
static uint32_t never_woken;
static atomic_int sleepers_started;

static void *futex_sleeper(void *arg)
{
    (void)arg;
    atomic_fetch_add(&sleepers_started, 1);
    syscall(SYS_futex, &never_woken, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
    _exit(97);
}

static void *nanosleeper(void *arg)
{
    (void)arg;
    atomic_fetch_add(&sleepers_started, 1);
    struct timespec hundred_seconds = {100, 0};
    nanosleep(&hundred_seconds, NULL);
    _exit(96);
}

static void *execer(void *arg)
{
    (void)arg;
    char *argv[] = {self, "after-exec", pid_argument, NULL};
    char *envp[] = {NULL};
    execve(self, argv, envp);
    _exit(95);
}

/* The new program: the same process ID, and this thread is its leader. */
static int after_exec(const char *expected_pid)
{
    long pid = (long)getpid(), tid = syscall(SYS_gettid);
    if (pid != atol(expected_pid))
        return 10;
    if (tid != pid)
        return 11;
    return 42;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "after-exec") == 0)
        return after_exec(argv[2]);
    CHECK_OK(apus_self_path(argv[0], self, sizeof self));

    long long start = apus_now_ns();
    pid_t pid = test_fork();
    if (pid == 0) {
        snprintf(pid_argument, sizeof pid_argument, "%d", (int)getpid());
        pthread_t thread;
        if (pthread_create(&thread, NULL, futex_sleeper, NULL) != 0 ||
            pthread_create(&thread, NULL, nanosleeper, NULL) != 0)
            _exit(90);
        while (atomic_load(&sleepers_started) < 2)
            apus_sleep_ms(1);
        apus_sleep_ms(50);
        if (pthread_create(&thread, NULL, execer, NULL) != 0)
            _exit(91);
        /* The main thread (the leader) sleeps too; the exec ends it. */
        for (;;)
            pause();
    }
    CHECK(pid > 0, "fork");
    int status = child_exit_status(pid);
    long long elapsed = apus_now_ns() - start;
    CHECK_EQ_LONG(status, 42);
    CHECK(elapsed < 5000000000LL, "the exec did not wait for the sleepers' sleeps to end");

    /* execve from the leader while another thread sleeps: the same, without the ID change. */
    pid = test_fork();
    if (pid == 0) {
        snprintf(pid_argument, sizeof pid_argument, "%d", (int)getpid());
        pthread_t thread;
        if (pthread_create(&thread, NULL, futex_sleeper, NULL) != 0)
            _exit(90);
        while (atomic_load(&sleepers_started) < 1)
            apus_sleep_ms(1);
        apus_sleep_ms(50);
        execer(NULL);
    }
    CHECK_EQ_LONG(child_exit_status(pid), 42);
    return test_finish("exec_thread");
}
