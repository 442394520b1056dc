/* futex(2) FUTEX_CMP_REQUEUE and FUTEX_REQUEUE: waiters on one word are woken
 * (up to the wake count) and the rest moved to wait on another word, which
 * then wakes them; the compare value gives EAGAIN when the word has changed;
 * the return value counts the woken and the moved; negative counts and a
 * misaligned second word are EINVAL. musl's condition variables hand a
 * signalled waiter over to the mutex this way: a broadcast to several waiters
 * must let every one of them go on. (The waiters are known to be asleep when
 * /proc/self/task/TID/stat shows them in state S.) */
#include "apus_test.h"
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>

/* include/uapi/linux/futex.h (musl-gcc has no kernel headers). */
#define FUTEX_WAIT_PRIVATE (0 | 128)
#define FUTEX_WAKE_PRIVATE (1 | 128)
#define FUTEX_REQUEUE_PRIVATE (3 | 128)
#define FUTEX_CMP_REQUEUE_PRIVATE (4 | 128)

enum { WAITERS = 3 };

static uint32_t first, second, third;
static atomic_int woken;
static atomic_int tids[WAITERS];
static atomic_int started;

static long futex(uint32_t *word, int op, long value, long value2, uint32_t *word2, long value3)
{
    return syscall(SYS_futex, word, op, value, (void *)value2, word2, value3);
}

static void *waiter(void *arg)
{
    int index = (int)(long)arg;
    atomic_store(&tids[index], (int)syscall(SYS_gettid));
    atomic_fetch_add(&started, 1);
    long result = futex(&first, FUTEX_WAIT_PRIVATE, 0, 0, NULL, 0);
    atomic_fetch_add(&woken, 1);
    return (void *)result;
}

/* The thread's state letter from /proc/self/task/TID/stat ('S' while it sleeps in futex). */
static char thread_state(int tid)
{
    char path[64], text[512];
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", tid);
    if (apus_read_file(path, text, sizeof text) <= 0)
        return '?';
    char *end = strrchr(text, ')');
    return end && end[1] == ' ' ? end[2] : '?';
}

/* Waits (up to 10 s) until `count` threads have been woken. */
static int wait_for_woken(int count)
{
    for (int i = 0; i < 1000 && atomic_load(&woken) < count; i++)
        apus_sleep_ms(10);
    return atomic_load(&woken);
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t go = PTHREAD_COND_INITIALIZER;
static int released, waiting, through;

static void *cond_waiter(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    waiting++;
    while (!released)
        pthread_cond_wait(&go, &lock);
    through++;
    pthread_mutex_unlock(&lock);
    return NULL;
}

/* A broadcast with several waiters: each one gets the mutex in turn. */
static void broadcast_to_several(void)
{
    enum { CONDITION_WAITERS = 4 };
    pthread_t threads[CONDITION_WAITERS];
    for (int i = 0; i < CONDITION_WAITERS; i++)
        CHECK_EQ_LONG(pthread_create(&threads[i], NULL, cond_waiter, NULL), 0);
    for (int i = 0; i < 1000; i++) {
        pthread_mutex_lock(&lock);
        int all = waiting == CONDITION_WAITERS;
        pthread_mutex_unlock(&lock);
        if (all)
            break;
        apus_sleep_ms(10);
    }
    apus_sleep_ms(50);   /* the last one has gone from the mutex into the wait */
    pthread_mutex_lock(&lock);
    released = 1;
    pthread_cond_broadcast(&go);
    pthread_mutex_unlock(&lock);
    int done = 0;
    for (int i = 0; i < 1000 && done < CONDITION_WAITERS; i++) {
        apus_sleep_ms(10);
        pthread_mutex_lock(&lock);
        done = through;
        pthread_mutex_unlock(&lock);
    }
    CHECK_EQ_LONG(done, CONDITION_WAITERS);
    if (done == CONDITION_WAITERS)
        for (int i = 0; i < CONDITION_WAITERS; i++)
            CHECK_EQ_LONG(pthread_join(threads[i], NULL), 0);
}

int main(void)
{
    broadcast_to_several();

    pthread_t threads[WAITERS];
    for (long i = 0; i < WAITERS; i++)
        CHECK_EQ_LONG(pthread_create(&threads[i], NULL, waiter, (void *)i), 0);
    /* All three asleep on `first` before anything is requeued. */
    int asleep = 0;
    for (int round = 0; round < 1000 && asleep < WAITERS; round++) {
        apus_sleep_ms(10);
        asleep = 0;
        for (int i = 0; i < WAITERS; i++)
            if (atomic_load(&started) == WAITERS && thread_state(atomic_load(&tids[i])) == 'S')
                asleep++;
    }
    CHECK_EQ_LONG(asleep, WAITERS);

    /* The word is 0, not 1: nothing happens. */
    CHECK_ERR(futex(&first, FUTEX_CMP_REQUEUE_PRIVATE, 1, INT_MAX, &second, 1), EAGAIN);
    /* Wake one, move the other two to `second`. */
    CHECK_EQ_LONG(futex(&first, FUTEX_CMP_REQUEUE_PRIVATE, 1, INT_MAX, &second, 0), 3);
    CHECK_EQ_LONG(wait_for_woken(1), 1);
    apus_sleep_ms(50);
    CHECK_EQ_LONG(atomic_load(&woken), 1);
    CHECK_EQ_LONG(futex(&first, FUTEX_WAKE_PRIVATE, INT_MAX, 0, NULL, 0), 0);   /* nobody left there */

    /* Plain FUTEX_REQUEUE: wake none, move one of the two on to `third`. */
    CHECK_EQ_LONG(futex(&second, FUTEX_REQUEUE_PRIVATE, 0, 1, &third, 0), 1);
    CHECK_EQ_LONG(futex(&second, FUTEX_WAKE_PRIVATE, INT_MAX, 0, NULL, 0), 1);
    CHECK_EQ_LONG(wait_for_woken(2), 2);
    CHECK_EQ_LONG(futex(&third, FUTEX_WAKE_PRIVATE, INT_MAX, 0, NULL, 0), 1);
    CHECK_EQ_LONG(wait_for_woken(3), 3);
    for (int i = 0; i < WAITERS; i++) {
        void *result;
        CHECK_EQ_LONG(pthread_join(threads[i], &result), 0);
        CHECK_EQ_LONG((long)result, 0);
    }

    /* No waiters: nothing to count. Bad arguments. */
    CHECK_EQ_LONG(futex(&first, FUTEX_CMP_REQUEUE_PRIVATE, 1, 1, &second, 0), 0);
    CHECK_ERR(futex(&first, FUTEX_CMP_REQUEUE_PRIVATE, -1, 1, &second, 0), EINVAL);
    CHECK_ERR(futex(&first, FUTEX_REQUEUE_PRIVATE, 1, -1, &second, 0), EINVAL);
    CHECK_ERR(futex(&first, FUTEX_REQUEUE_PRIVATE, 1, 1, (uint32_t *)((char *)&second + 1), 0), EINVAL);
    return test_finish("futex_requeue");
}
