/* Huge and malformed timeouts on every call that waits with one: futex
 * (relative FUTEX_WAIT, absolute FUTEX_WAIT_BITSET on CLOCK_MONOTONIC and
 * CLOCK_REALTIME), select, pselect6, ppoll, poll and rt_sigtimedwait. A huge
 * timeout waits until a signal (EINTR), never returns at once; invalid ones
 * are EINVAL. select, pselect6 and ppoll write the time left back, also when
 * interrupted: their end time saturates at INT64_MAX seconds, so a huge
 * timeout reads back as INT64_MAX minus uptime. select carries whole seconds
 * of microseconds into the seconds; a zero timeout writes nothing back; a
 * timeout in read-only memory is read and waited on, and its failed write-back
 * is not an error. FUTEX_CLOCK_REALTIME is only for FUTEX_WAIT_BITSET (and
 * the PI/requeue waits): ENOSYS with FUTEX_WAIT or FUTEX_WAKE. */
#include "apus_test.h"
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/time.h>
#include <time.h>

/* include/uapi/linux/futex.h (musl-gcc has no kernel headers). */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_WAIT_BITSET 9
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_BITSET_MATCH_ANY 0xffffffffu

#define HUGE_SECONDS_LEFT 9000000000000000000L

static void on_alarm(int signal) { (void)signal; }

static void alarm_in_ms(long ms)
{
    struct itimerval it = {{0, 0}, {ms / 1000, (ms % 1000) * 1000}};
    setitimer(ITIMER_REAL, &it, NULL);
}

static long futex(int *word, int op, int value, const struct timespec *timeout, unsigned bitset)
{
    return syscall(SYS_futex, word, op, value, timeout, NULL, bitset);
}

int main(void)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_alarm;      /* no SA_RESTART */
    CHECK_OK(sigaction(SIGALRM, &action, NULL));
    const struct timespec huge = {INT64_MAX, 999999999};
    const struct timespec past = {1, 0};
    const struct timespec negative = {-1, 0}, bad_ns = {0, 1000000000};
    static int word;

    /* futex */
    alarm_in_ms(30);
    CHECK_ERR(futex(&word, FUTEX_WAIT, 0, &huge, 0), EINTR);
    alarm_in_ms(30);
    CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET, 0, &huge, FUTEX_BITSET_MATCH_ANY), EINTR);
    alarm_in_ms(30);
    CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 0, &huge, FUTEX_BITSET_MATCH_ANY), EINTR);
    alarm_in_ms(30);
    CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, 0, &huge, FUTEX_BITSET_MATCH_ANY), EINTR);
    CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET, 0, &past, FUTEX_BITSET_MATCH_ANY), ETIMEDOUT);
    CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 0, &past, FUTEX_BITSET_MATCH_ANY), ETIMEDOUT);
    CHECK_ERR(futex(&word, FUTEX_WAIT, 0, &negative, 0), EINVAL);
    CHECK_ERR(futex(&word, FUTEX_WAIT, 0, &bad_ns, 0), EINVAL);
    CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET, 0, &negative, FUTEX_BITSET_MATCH_ANY), EINVAL);
    CHECK_ERR(futex(&word, FUTEX_WAIT, 0, (void *)8, 0), EFAULT);
    CHECK_ERR(futex(&word, FUTEX_WAIT | FUTEX_CLOCK_REALTIME, 0, &huge, 0), ENOSYS);
    CHECK_ERR(futex(&word, FUTEX_WAKE | FUTEX_CLOCK_REALTIME, 1, NULL, 0), ENOSYS);
    CHECK_ERR(futex(&word, 0x200 | FUTEX_WAIT, 0, &past, 0), ENOSYS);   /* unknown command bits */

    /* select: huge, interrupted; the time left is INT64_MAX seconds minus uptime. */
    struct timeval tv = {INT64_MAX, 999999};
    alarm_in_ms(30);
    CHECK_ERR(syscall(SYS_select, 0, NULL, NULL, NULL, &tv), EINTR);
    CHECK(tv.tv_sec > HUGE_SECONDS_LEFT && tv.tv_usec >= 0 && tv.tv_usec < 1000000, "select reports a huge time left");
    /* Microseconds carry: 1.5 s, interrupted after 30 ms. */
    tv.tv_sec = 0;
    tv.tv_usec = 1500000;
    alarm_in_ms(30);
    CHECK_ERR(syscall(SYS_select, 0, NULL, NULL, NULL, &tv), EINTR);
    CHECK(tv.tv_sec == 1 && tv.tv_usec >= 0 && tv.tv_usec < 1000000, "select: 1.5 s written as a normalized 1.x s left");
    tv.tv_sec = INT64_MAX;
    tv.tv_usec = 1000000;
    CHECK_ERR(syscall(SYS_select, 0, NULL, NULL, NULL, &tv), EINVAL);
    tv.tv_sec = 1;
    tv.tv_usec = -1;
    CHECK_ERR(syscall(SYS_select, 0, NULL, NULL, NULL, &tv), EINVAL);
    tv.tv_sec = -1;
    tv.tv_usec = 0;
    CHECK_ERR(syscall(SYS_select, 0, NULL, NULL, NULL, &tv), EINVAL);
    /* 1 s and -1e6 us is a zero timeout: no wait, nothing written back. */
    tv.tv_sec = 1;
    tv.tv_usec = -1000000;
    CHECK_EQ_LONG(syscall(SYS_select, 0, NULL, NULL, NULL, &tv), 0);
    CHECK(tv.tv_sec == 1 && tv.tv_usec == -1000000, "a zero select timeout is not written back");
    /* A timeout in read-only memory: waited on; the write-back failure is ignored. */
    struct timeval *readonly = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(readonly != MAP_FAILED, "mmap");
    if (readonly != MAP_FAILED) {
        readonly->tv_sec = 0;
        readonly->tv_usec = 20000;
        CHECK_OK(mprotect(readonly, 4096, PROT_READ));
        long long t0 = apus_now_ns();
        CHECK_EQ_LONG(syscall(SYS_select, 0, NULL, NULL, NULL, readonly), 0);
        CHECK(apus_now_ns() - t0 >= 15000000LL, "select with a read-only timeout waits");
        CHECK_OK(munmap(readonly, 4096));
    }

    /* pselect6 and ppoll: huge, interrupted; the time left is written back. */
    struct timespec ts = huge;
    alarm_in_ms(30);
    CHECK_ERR(syscall(SYS_pselect6, 0, NULL, NULL, NULL, &ts, NULL), EINTR);
    CHECK(ts.tv_sec > HUGE_SECONDS_LEFT && ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000, "pselect6 reports a huge time left");
    ts = huge;
    alarm_in_ms(30);
    CHECK_ERR(syscall(SYS_ppoll, NULL, 0, &ts, NULL, 8), EINTR);
    CHECK(ts.tv_sec > HUGE_SECONDS_LEFT && ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000, "ppoll reports a huge time left");
    ts.tv_sec = 5;
    ts.tv_nsec = 0;
    alarm_in_ms(30);
    CHECK_ERR(syscall(SYS_ppoll, NULL, 0, &ts, NULL, 8), EINTR);
    CHECK(ts.tv_sec == 4 && ts.tv_nsec > 0, "ppoll writes back the time left when interrupted");
    ts = negative;
    CHECK_ERR(syscall(SYS_ppoll, NULL, 0, &ts, NULL, 8), EINVAL);
    ts = bad_ns;
    CHECK_ERR(syscall(SYS_pselect6, 0, NULL, NULL, NULL, &ts, NULL), EINVAL);

    /* poll with the largest millisecond count, and a negative one (no timeout). */
    alarm_in_ms(30);
    CHECK_ERR(poll(NULL, 0, INT32_MAX), EINTR);
    alarm_in_ms(30);
    CHECK_ERR(poll(NULL, 0, -5), EINTR);

    /* rt_sigtimedwait for a signal that never comes. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    ts = huge;
    alarm_in_ms(30);
    CHECK_ERR(syscall(SYS_rt_sigtimedwait, &set, NULL, &ts, 8), EINTR);
    ts = negative;
    CHECK_ERR(syscall(SYS_rt_sigtimedwait, &set, NULL, &ts, 8), EINVAL);
    const struct timespec one_ms = {0, 1000000};
    CHECK_ERR(syscall(SYS_rt_sigtimedwait, &set, NULL, &one_ms, 8), EAGAIN);
    return test_finish("timeout_limits");
}
