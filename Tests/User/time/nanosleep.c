/* nanosleep(2)/clock_nanosleep(2): the sleep lasts at least as long as
 * asked, absolute deadlines, and argument errors (clock_nanosleep returns
 * the error number instead of setting errno). */
#include "apus_test.h"
#include <time.h>

int main(void)
{
    long long t0 = apus_now_ns();
    struct timespec req = {0, 30 * 1000000}, rem = {99, 99};
    CHECK_OK(nanosleep(&req, &rem));
    long long slept = apus_now_ns() - t0;
    CHECK(slept >= 30000000LL, "nanosleep slept at least 30 ms");
    CHECK(slept < 5000000000LL, "nanosleep slept less than 5 s");

    /* Zero-length sleeps return at once. */
    struct timespec zero = {0, 0};
    CHECK_OK(nanosleep(&zero, NULL));
    CHECK_OK(syscall(SYS_nanosleep, &zero, NULL));

    /* Relative clock_nanosleep on CLOCK_MONOTONIC and CLOCK_REALTIME. */
    t0 = apus_now_ns();
    struct timespec r20 = {0, 20 * 1000000};
    CHECK_RET_ERRNO(clock_nanosleep(CLOCK_MONOTONIC, 0, &r20, NULL), 0);
    CHECK(apus_now_ns() - t0 >= 20000000LL, "clock_nanosleep relative >= 20 ms");
    t0 = apus_now_ns();
    CHECK_RET_ERRNO(clock_nanosleep(CLOCK_REALTIME, 0, &r20, NULL), 0);
    CHECK(apus_now_ns() - t0 >= 20000000LL, "CLOCK_REALTIME relative >= 20 ms");

    /* Absolute deadline 25 ms ahead. */
    struct timespec now, deadline;
    clock_gettime(CLOCK_MONOTONIC, &now);
    deadline = now;
    deadline.tv_nsec += 25 * 1000000;
    if (deadline.tv_nsec >= 1000000000) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000;
    }
    CHECK_RET_ERRNO(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL), 0);
    clock_gettime(CLOCK_MONOTONIC, &now);
    CHECK(now.tv_sec > deadline.tv_sec || (now.tv_sec == deadline.tv_sec && now.tv_nsec >= deadline.tv_nsec),
          "woke after the absolute deadline");
    /* A deadline in the past returns immediately. */
    t0 = apus_now_ns();
    struct timespec past = {1, 0};
    CHECK_RET_ERRNO(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &past, NULL), 0);
    CHECK(apus_now_ns() - t0 < 1000000000LL, "past deadline does not sleep");

    /* Errors. */
    struct timespec bad_ns = {0, 1000000000};
    struct timespec neg_ns = {0, -1};
    struct timespec neg_s = {-1, 0};
    CHECK_ERR(nanosleep(&bad_ns, NULL), EINVAL);
    CHECK_ERR(nanosleep(&neg_ns, NULL), EINVAL);
    CHECK_ERR(nanosleep(&neg_s, NULL), EINVAL);
    CHECK_ERR(syscall(SYS_nanosleep, (void *)8, NULL), EFAULT);
    CHECK_RET_ERRNO(clock_nanosleep(CLOCK_MONOTONIC, 0, &bad_ns, NULL), EINVAL);
    CHECK_RET_ERRNO(clock_nanosleep((clockid_t)12345, 0, &r20, NULL), EINVAL);
    /* Sleeping on the calling thread's own CPU clock makes no sense: EINVAL. */
    CHECK_RET_ERRNO(clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &r20, NULL), EINVAL);
    CHECK_ERR(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, (void *)8, NULL), EFAULT);
    return test_finish("nanosleep");
}
