/* setitimer(2)/getitimer(2)/alarm(2) with the largest times. Values
 * saturate at KTIME_MAX (9223372036.854775 s as a timeval) instead of
 * overflowing: a huge ITIMER_REAL reads back as KTIME_MAX minus uptime, its
 * interval as KTIME_MAX; a short value with a huge interval fires once and is
 * re-armed KTIME_MAX away. The CPU-time timers accept huge values too
 * (Linux's getitimer value for them is then not meaningful: only the
 * interval is checked). Invalid timevals are EINVAL, checked before `which`;
 * alarm returns the seconds left rounded to the nearest, at least 1, as an
 * unsigned int (called directly: musl's alarm() is setitimer and rounds up). */
#include "apus_test.h"
#include <signal.h>
#include <stdint.h>
#include <sys/time.h>

#define KTIME_SEC_MAX 9223372036L
#define KTIME_USEC_REST 854775L

static volatile int alarms;
static void on_alarm(int signal) { (void)signal; alarms++; }

int main(void)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_alarm;
    action.sa_flags = SA_RESTART;
    CHECK_OK(sigaction(SIGALRM, &action, NULL));
    const struct itimerval disarm = {{0, 0}, {0, 0}};
    struct itimerval huge = {{INT64_MAX, 999999}, {INT64_MAX, 999999}}, now;

    CHECK_OK(setitimer(ITIMER_REAL, &huge, NULL));
    CHECK_OK(getitimer(ITIMER_REAL, &now));
    CHECK(now.it_value.tv_sec > 9000000000L && now.it_value.tv_sec <= KTIME_SEC_MAX, "ITIMER_REAL value saturates");
    CHECK_EQ_LONG(now.it_interval.tv_sec, KTIME_SEC_MAX);
    CHECK_EQ_LONG(now.it_interval.tv_usec, KTIME_USEC_REST);
    /* alarm reports the seconds left as an unsigned int (truncated), then disarms. */
    unsigned expected = (unsigned)now.it_value.tv_sec;
    unsigned left = syscall(SYS_alarm, 0);
    CHECK(left == expected || left == expected + 1 || left == expected - 1, "alarm(0) after a huge timer: truncated seconds");
    CHECK_EQ_LONG(syscall(SYS_alarm, 0), 0);

    /* setitimer also reports the old value saturated. */
    struct itimerval old;
    CHECK_OK(setitimer(ITIMER_REAL, &huge, NULL));
    CHECK_OK(setitimer(ITIMER_REAL, &disarm, &old));
    CHECK(old.it_value.tv_sec > 9000000000L && old.it_value.tv_sec <= KTIME_SEC_MAX, "old value saturated");
    CHECK_EQ_LONG(old.it_interval.tv_sec, KTIME_SEC_MAX);

    /* 10 ms, then a huge interval: one SIGALRM, re-armed KTIME_MAX away. */
    struct itimerval once = {{INT64_MAX, 0}, {0, 10000}};
    alarms = 0;
    CHECK_OK(setitimer(ITIMER_REAL, &once, NULL));
    long long t0 = apus_now_ns();
    while (alarms == 0 && apus_now_ns() - t0 < 5000000000LL)
        pause();
    CHECK_EQ_LONG(alarms, 1);
    CHECK_OK(getitimer(ITIMER_REAL, &now));
    CHECK(now.it_value.tv_sec > 9000000000L, "re-armed a huge interval away");
    CHECK_OK(setitimer(ITIMER_REAL, &disarm, NULL));

    /* The CPU-time timers. */
    const int cpu_timers[] = {ITIMER_VIRTUAL, ITIMER_PROF};
    for (int i = 0; i < 2; i++) {
        CHECK_OK(setitimer(cpu_timers[i], &huge, NULL));
        CHECK_OK(getitimer(cpu_timers[i], &now));
        CHECK_EQ_LONG(now.it_interval.tv_sec, KTIME_SEC_MAX);
        CHECK_EQ_LONG(now.it_interval.tv_usec, KTIME_USEC_REST);
        CHECK_OK(setitimer(cpu_timers[i], &disarm, NULL));
    }

    /* Invalid values: EINVAL, before `which` is looked at (EFAULT first). */
    const struct itimerval invalid[] = {
        {{0, 0}, {-1, 0}}, {{0, 0}, {0, -1}}, {{0, 0}, {0, 1000000}}, {{-1, 0}, {1, 0}},
        {{0, 1000000}, {1, 0}}, {{INT64_MIN, INT64_MIN}, {0, 0}},
    };
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        CHECK_ERR(setitimer(ITIMER_REAL, &invalid[i], NULL), EINVAL);
        CHECK_ERR(setitimer(ITIMER_PROF, &invalid[i], NULL), EINVAL);
    }
    CHECK_ERR(syscall(SYS_setitimer, 3, &disarm, NULL), EINVAL);
    CHECK_ERR(syscall(SYS_setitimer, 3, (void *)8, NULL), EFAULT);
    CHECK_ERR(syscall(SYS_getitimer, 3, &now), EINVAL);

    /* alarm's rounding: to the nearest second, at least 1. */
    struct itimerval value = {{0, 0}, {4, 400000}};
    CHECK_OK(setitimer(ITIMER_REAL, &value, NULL));
    CHECK_EQ_LONG(syscall(SYS_alarm, 0), 4);
    value.it_value.tv_usec = 600000;
    CHECK_OK(setitimer(ITIMER_REAL, &value, NULL));
    CHECK_EQ_LONG(syscall(SYS_alarm, 0), 5);
    value.it_value.tv_sec = 0;
    value.it_value.tv_usec = 100000;
    CHECK_OK(setitimer(ITIMER_REAL, &value, NULL));
    CHECK_EQ_LONG(syscall(SYS_alarm, 0), 1);
    /* The largest alarm. */
    CHECK_EQ_LONG(syscall(SYS_alarm, UINT32_MAX), 0);
    CHECK_EQ_LONG(syscall(SYS_alarm, 0), (long)UINT32_MAX);
    return test_finish("itimer_limits");
}
