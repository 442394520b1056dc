/* RLIMIT_SIGPENDING (getrlimit(2), sigqueue(3), rt_sigqueueinfo(2),
 * tgkill(2)): every queued signal counts for the receiver's real user, across
 * all that user's processes, and the receiver's soft limit bounds the count.
 * Past it: a real-time signal from sigqueue or tgkill fails with EAGAIN; one
 * from kill(2) is still pending once, without its siginfo (SI_USER, no
 * sender); a standard signal from kill or the kernel is always queued (and
 * counts); a standard signal from sigqueue is pending without its siginfo.
 * Taking signals frees their places, and so does the end of a process that
 * held some.
 * Also a long queue: 3000 instances queue and come back in order (the queue
 * stays fast as it grows). The cases run as a user of their own (uid 54321),
 * so no other process's signals count. */
#include "apus_test.h"
#include <signal.h>
#include <sys/resource.h>
#include <time.h>

#define USER 54321

static int take(int sig, siginfo_t *info)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    struct timespec zero = {0, 0};
    return sigtimedwait(&set, info, &zero);
}

static int queue_value(pid_t pid, int sig, int value)
{
    union sigval v = {.sival_int = value};
    return sigqueue(pid, sig, v);
}

static void block_all(void)
{
    sigset_t all;
    sigfillset(&all);
    CHECK_OK(sigprocmask(SIG_BLOCK, &all, NULL));
}

static void become_user(long limit)
{
    CHECK_OK(setgid(USER));
    CHECK_OK(setuid(USER));
    struct rlimit rl = {(rlim_t)limit, (rlim_t)limit};
    CHECK_OK(setrlimit(RLIMIT_SIGPENDING, &rl));
    block_all();
}

static void limit_cases(void)
{
    become_user(8);
    pid_t me = getpid();
    int r0 = SIGRTMIN, r1 = SIGRTMIN + 1;
    for (int i = 0; i < 8; i++)
        CHECK_OK(queue_value(me, r0, i));
    CHECK_ERR(queue_value(me, r0, 8), EAGAIN);
    CHECK_ERR(syscall(SYS_tgkill, me, me, r1), EAGAIN);
    /* kill: pending without siginfo (real-time), or queued anyway (standard). */
    CHECK_OK(kill(me, r1));
    CHECK_OK(kill(me, SIGUSR1));
    CHECK_OK(queue_value(me, SIGUSR2, 77));

    siginfo_t info;
    memset(&info, 0, sizeof info);
    CHECK_EQ_LONG(take(SIGUSR1, &info), SIGUSR1);
    CHECK_EQ_LONG(info.si_code, SI_USER);
    CHECK_EQ_LONG(info.si_pid, me);
    CHECK_EQ_LONG(take(SIGUSR2, &info), SIGUSR2);
    CHECK_EQ_LONG(info.si_code, SI_USER);
    CHECK_EQ_LONG(info.si_pid, 0);
    CHECK_EQ_LONG(take(r1, &info), r1);
    CHECK_EQ_LONG(info.si_code, SI_USER);
    CHECK_EQ_LONG(info.si_pid, 0);
    CHECK_ERR(take(r1, &info), EAGAIN);
    for (int i = 0; i < 8; i++) {
        memset(&info, 0, sizeof info);
        CHECK_EQ_LONG(take(r0, &info), r0);
        CHECK_EQ_LONG(info.si_code, SI_QUEUE);
        CHECK_EQ_LONG(info.si_value.sival_int, i);
    }
    CHECK_ERR(take(r0, &info), EAGAIN);
    /* Taken signals free their places. */
    for (int i = 0; i < 8; i++)
        CHECK_OK(queue_value(me, r1, i));
    CHECK_ERR(queue_value(me, r1, 8), EAGAIN);
}

/* Two processes of one user share the count; an exit frees what it held. */
static void shared_count_cases(void)
{
    become_user(8);
    int ready[2], done[2];
    CHECK_OK(pipe(ready));
    CHECK_OK(pipe(done));
    pid_t holder = test_fork();
    if (holder == 0) {
        for (int i = 0; i < 5; i++)
            CHECK_OK(queue_value(getpid(), SIGRTMIN, i));
        char byte = 'r';
        CHECK_EQ_LONG(write(ready[1], &byte, 1), 1);
        CHECK_EQ_LONG(read(done[0], &byte, 1), 1);
        test_child_exit();
    }
    char byte;
    CHECK_EQ_LONG(read(ready[0], &byte, 1), 1);
    pid_t me = getpid();
    for (int i = 0; i < 3; i++)
        CHECK_OK(queue_value(me, SIGRTMIN, i));
    CHECK_ERR(queue_value(me, SIGRTMIN, 3), EAGAIN);
    CHECK_EQ_LONG(write(done[1], "d", 1), 1);
    CHECK_EQ_LONG(child_exit_status(holder), 0);
    /* Its five places are free; the SIGCHLD of its exit (blocked here) holds
     * one until taken. */
    for (int i = 3; i < 7; i++)
        CHECK_OK(queue_value(me, SIGRTMIN, i));
    CHECK_ERR(queue_value(me, SIGRTMIN, 7), EAGAIN);
    siginfo_t info;
    CHECK_EQ_LONG(take(SIGCHLD, &info), SIGCHLD);
    CHECK_EQ_LONG(info.si_pid, holder);
    CHECK_OK(queue_value(me, SIGRTMIN, 7));
    CHECK_ERR(queue_value(me, SIGRTMIN, 8), EAGAIN);
}

/* A long queue of one signal (and a few of others) comes back in order. */
static void long_queue_cases(void)
{
    enum { COUNT = 3000 };
    become_user(COUNT + 16);
    pid_t me = getpid();
    for (int i = 0; i < COUNT; i++) {
        if (queue_value(me, SIGRTMIN + 3, i) != 0) {
            CHECK(0, "sigqueue into a long queue");
            return;
        }
        if (i % 1000 == 0)
            CHECK_OK(queue_value(me, SIGRTMIN + 2, i));
    }
    siginfo_t info;
    for (int i = 0; i < COUNT; i += 1000) {
        CHECK_EQ_LONG(take(SIGRTMIN + 2, &info), SIGRTMIN + 2);
        CHECK_EQ_LONG(info.si_value.sival_int, i);
    }
    for (int i = 0; i < COUNT; i++) {
        if (take(SIGRTMIN + 3, &info) != SIGRTMIN + 3 || info.si_value.sival_int != i) {
            CHECK(0, "long queue in order");
            return;
        }
    }
    CHECK_ERR(take(SIGRTMIN + 3, &info), EAGAIN);
}

static void in_child(void (*cases)(void))
{
    pid_t pid = test_fork();
    if (pid == 0) {
        cases();
        test_child_exit();
    }
    CHECK_EQ_LONG(child_exit_status(pid), 0);
}

int main(void)
{
    struct rlimit rl;
    CHECK_OK(getrlimit(RLIMIT_SIGPENDING, &rl));
    CHECK(rl.rlim_cur > 0 && rl.rlim_cur != RLIM_INFINITY, "a finite default limit");
    in_child(limit_cases);
    in_child(shared_count_cases);
    in_child(long_queue_cases);
    return test_finish("sigpending_limit");
}
