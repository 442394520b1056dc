/* futex(2) FUTEX_WAIT_BITSET / FUTEX_WAKE_BITSET and FUTEX_CLOCK_REALTIME: the
 * bitset wait's timeout is absolute, on CLOCK_MONOTONIC by default and on
 * CLOCK_REALTIME with FUTEX_CLOCK_REALTIME; a deadline already past times out
 * at once; a wake reaches only waiters whose bitset shares a bit with its own;
 * a bitset of 0 is EINVAL; FUTEX_CLOCK_REALTIME with FUTEX_WAIT or FUTEX_WAKE
 * is ENOSYS (Linux accepts it only with the absolute-timeout operations). */
#include "apus_test.h"
#include <pthread.h>
#include <stdatomic.h>

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256

static uint32_t word;
static atomic_int asleep;
static atomic_long result = 1;

static long futex(uint32_t *w, int op, long value, const struct timespec *timeout, unsigned bitset)
{
    return syscall(SYS_futex, w, op, value, timeout, NULL, bitset);
}

static struct timespec from_now(clockid_t clock, long milliseconds)
{
    struct timespec now;
    clock_gettime(clock, &now);
    now.tv_nsec += (milliseconds % 1000) * 1000000L;
    now.tv_sec += milliseconds / 1000 + now.tv_nsec / 1000000000L;
    now.tv_nsec %= 1000000000L;
    return now;
}

/* Waits on `word` with bitset 0x0f (and a 20 s realtime deadline). */
static void *waiter(void *arg)
{
    (void)arg;
    struct timespec deadline = from_now(CLOCK_REALTIME, 20000);
    atomic_store(&asleep, 1);
    long r = futex(&word, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME, 0, &deadline, 0x0f);
    atomic_store(&result, r == 0 ? 0 : -errno);
    return NULL;
}

static void timed_out_after(clockid_t clock, int options, long milliseconds)
{
    struct timespec deadline = from_now(clock, milliseconds);
    long long start = apus_now_ns();
    CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET | options, 0, &deadline, ~0u), ETIMEDOUT);
    long long elapsed = apus_now_ns() - start;
    CHECK(elapsed >= (milliseconds - 10) * 1000000LL, "waited until the absolute deadline");
    CHECK(elapsed < 5000000000LL, "and not much longer");
}

int main(void)
{
    word = 0;
    timed_out_after(CLOCK_REALTIME, FUTEX_CLOCK_REALTIME, 200);
    timed_out_after(CLOCK_REALTIME, FUTEX_CLOCK_REALTIME | FUTEX_PRIVATE_FLAG, 100);
    timed_out_after(CLOCK_MONOTONIC, 0, 200);
    timed_out_after(CLOCK_MONOTONIC, FUTEX_PRIVATE_FLAG, 100);

    /* A realtime deadline in the past (one second ago; and the epoch). */
    struct timespec past = from_now(CLOCK_REALTIME, 0);
    past.tv_sec -= 1;
    long long start = apus_now_ns();
    CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 0, &past, ~0u), ETIMEDOUT);
    struct timespec epoch = {0, 0};
    CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 0, &epoch, ~0u), ETIMEDOUT);
    CHECK(apus_now_ns() - start < 1000000000LL, "a past deadline times out at once");

    /* The word differs: EAGAIN before any timeout. */
    struct timespec later = from_now(CLOCK_REALTIME, 5000);
    CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 1, &later, ~0u), EAGAIN);

    /* Bitsets: a wake with bits 0xf0 misses a waiter on 0x0f; 0x01 reaches it. */
    pthread_t thread;
    CHECK(pthread_create(&thread, NULL, waiter, NULL) == 0, "pthread_create");
    while (!atomic_load(&asleep))
        apus_sleep_ms(1);
    apus_sleep_ms(100);
    CHECK_EQ_LONG(futex(&word, FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG, 1, NULL, 0xf0), 0);
    long woken = 0;
    for (int i = 0; i < 1000 && woken == 0; i++) {
        woken = futex(&word, FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG, 1, NULL, 0x01);
        if (woken == 0)
            apus_sleep_ms(10);
    }
    CHECK_EQ_LONG(woken, 1);
    pthread_join(thread, NULL);
    CHECK_EQ_LONG(atomic_load(&result), 0);

    /* Errors. */
    CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET, 0, &later, 0), EINVAL);
    CHECK_ERR(futex(&word, FUTEX_WAKE_BITSET, 1, NULL, 0), EINVAL);
    CHECK_ERR(futex(&word, FUTEX_WAIT | FUTEX_CLOCK_REALTIME, 1, NULL, 0), ENOSYS);
    CHECK_ERR(futex(&word, FUTEX_WAKE | FUTEX_CLOCK_REALTIME, 1, NULL, 0), ENOSYS);
    struct timespec bad = {0, 1000000000L};
    CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 0, &bad, ~0u), EINVAL);
    return test_finish("wait_bitset");
}
