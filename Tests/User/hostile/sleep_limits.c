/* nanosleep(2)/clock_nanosleep(2) with the largest times a timespec can
 * hold. Linux converts a time to kernel nanoseconds saturating at KTIME_MAX
 * (about 9223372036.85 s) and a deadline past it never comes: the sleep
 * lasts until a signal, then fails with EINTR and (for relative sleeps) the
 * time left, which is KTIME_MAX minus the clock's present reading; never a
 * wrapped deadline that returns at once, never an overflow. Absolute sleeps
 * report nothing back. Invalid times (negative, nanoseconds out of range) are
 * EINVAL, absolute or not. */
#include "apus_test.h"
#include <signal.h>
#include <stdint.h>
#include <sys/time.h>
#include <time.h>

/* KTIME_MAX in whole seconds, and a floor well below it minus any uptime. */
#define KTIME_SEC_MAX 9223372036L
#define HUGE_LEFT 9000000000L

static void on_alarm(int signal) { (void)signal; }

static void alarm_in_ms(long ms)
{
    struct itimerval it = {{0, 0}, {ms / 1000, (ms % 1000) * 1000}};
    setitimer(ITIMER_REAL, &it, NULL);
}

static int huge_left(const struct timespec *left)
{
    return left->tv_sec > HUGE_LEFT && left->tv_sec <= KTIME_SEC_MAX && left->tv_nsec >= 0 && left->tv_nsec < 1000000000;
}

int main(void)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_alarm;      /* no SA_RESTART: the sleep fails with EINTR */
    CHECK_OK(sigaction(SIGALRM, &action, NULL));

    const struct timespec huge[] = {
        {INT64_MAX, 999999999}, {INT64_MAX, 0}, {KTIME_SEC_MAX, 854775807},
        {KTIME_SEC_MAX - 1, 999999999}, {KTIME_SEC_MAX, 0},
    };
    for (size_t i = 0; i < sizeof huge / sizeof huge[0]; i++) {
        struct timespec left = {-1, -1};
        long long t0 = apus_now_ns();
        alarm_in_ms(30);
        CHECK_ERR(syscall(SYS_nanosleep, &huge[i], &left), EINTR);
        CHECK(apus_now_ns() - t0 >= 25000000LL, "a huge nanosleep waits for the signal");
        CHECK(huge_left(&left), "nanosleep: the time left is KTIME_MAX minus uptime");
    }
    /* Through libc too. */
    alarm_in_ms(30);
    CHECK_ERR(nanosleep(&huge[0], NULL), EINTR);

    /* Relative clock_nanosleep on each clock that sleeps. */
    const clockid_t clocks[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME, CLOCK_PROCESS_CPUTIME_ID};
    for (size_t i = 0; i < sizeof clocks / sizeof clocks[0]; i++) {
        struct timespec left = {-1, -1};
        alarm_in_ms(30);
        CHECK_EQ_LONG(syscall(SYS_clock_nanosleep, clocks[i], 0, &huge[0], &left), -1);
        CHECK_EQ_LONG(errno, EINTR);
        CHECK(huge_left(&left), "clock_nanosleep relative: the time left is huge");
    }
    /* Absolute: a huge deadline is never reached; nothing is written back. */
    const clockid_t absolute_clocks[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME};
    for (size_t i = 0; i < sizeof absolute_clocks / sizeof absolute_clocks[0]; i++) {
        for (size_t j = 0; j < 2; j++) {
            struct timespec left = {-1, -1};
            long long t0 = apus_now_ns();
            alarm_in_ms(30);
            CHECK_RET_ERRNO(clock_nanosleep(absolute_clocks[i], TIMER_ABSTIME, &huge[j], &left), EINTR);
            CHECK(apus_now_ns() - t0 >= 25000000LL, "a huge absolute sleep waits for the signal");
            CHECK(left.tv_sec == -1 && left.tv_nsec == -1, "an absolute sleep writes no time left");
        }
    }
    /* The largest time that still converts exactly, relative: also until the signal. */
    struct timespec almost = {KTIME_SEC_MAX - 1, 0}, left = {-1, -1};
    alarm_in_ms(30);
    CHECK_RET_ERRNO(clock_nanosleep(CLOCK_MONOTONIC, 0, &almost, &left), EINTR);
    CHECK(huge_left(&left), "just below KTIME_MAX: the time left is huge");

    /* Invalid times are EINVAL, absolute ones included. */
    const struct timespec invalid[] = {{-1, 0}, {INT64_MIN, 0}, {0, -1}, {0, 1000000000}, {INT64_MAX, INT64_MAX}};
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        CHECK_ERR(syscall(SYS_nanosleep, &invalid[i], NULL), EINVAL);
        CHECK_RET_ERRNO(clock_nanosleep(CLOCK_MONOTONIC, 0, &invalid[i], NULL), EINVAL);
        CHECK_RET_ERRNO(clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &invalid[i], NULL), EINVAL);
    }
    /* A short sleep is still a short sleep. */
    struct timespec short_sleep = {0, 10000000};
    long long t0 = apus_now_ns();
    CHECK_OK(nanosleep(&short_sleep, NULL));
    CHECK(apus_now_ns() - t0 >= 10000000LL, "10 ms sleep lasts 10 ms");
    return test_finish("sleep_limits");
}
