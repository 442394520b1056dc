/* futex(2) FUTEX_WAKE_OP: the operation on the second word (SET, ADD, OR,
 * ANDN, XOR, each also with FUTEX_OP_OPARG_SHIFT), the wake of the first
 * word's waiters, and the wake of the second word's waiters only when the
 * comparison (EQ, NE, LT, LE, GT, GE, signed) holds for the old value. The
 * return value counts both wakes. A second word that cannot be written
 * (unmapped, read-only) is EFAULT, a misaligned one EINVAL, an unknown
 * operation ENOSYS. Also FUTEX_WAKE with a count of 0 still wakes one waiter,
 * as Linux does. */
#include "apus_test.h"
#include <pthread.h>
#include <stdatomic.h>
#include <sys/mman.h>

#define FUTEX_WAIT_PRIVATE (0 | 128)
#define FUTEX_WAKE_PRIVATE (1 | 128)
#define FUTEX_WAKE_OP_PRIVATE (5 | 128)
#define OP_SET 0
#define OP_ADD 1
#define OP_OR 2
#define OP_ANDN 3
#define OP_XOR 4
#define OP_OPARG_SHIFT 8
#define CMP_EQ 0
#define CMP_NE 1
#define CMP_LT 2
#define CMP_LE 3
#define CMP_GT 4
#define CMP_GE 5
#define ENCODE(op, oparg, cmp, cmparg) \
    ((((op) & 0xf) << 28) | (((cmp) & 0xf) << 24) | (((oparg) & 0xfff) << 12) | ((cmparg) & 0xfff))

static uint32_t first, second;
static atomic_int asleep;

static long wake_op(void *word1, int count1, int count2, void *word2, unsigned encoded)
{
    return syscall(SYS_futex, word1, FUTEX_WAKE_OP_PRIVATE, count1, (void *)(long)count2, word2, encoded);
}

static void *waiter(void *arg)
{
    uint32_t *word = arg;
    uint32_t value = __atomic_load_n(word, __ATOMIC_SEQ_CST);
    atomic_fetch_add(&asleep, 1);
    syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, value, NULL, NULL, 0);
    atomic_fetch_sub(&asleep, 1);
    return NULL;
}

/* Starts a waiter on `word` and gives it time to fall asleep. */
static pthread_t start_waiter(uint32_t *word)
{
    pthread_t thread;
    int before = atomic_load(&asleep);
    CHECK(pthread_create(&thread, NULL, waiter, word) == 0, "pthread_create");
    while (atomic_load(&asleep) == before)
        apus_sleep_ms(1);
    apus_sleep_ms(100);
    return thread;
}

/* One wake-op with a waiter on each word: returns what the call returned; the
 * second word's new value in *after; both waiters are gone afterwards. */
static long one_case(uint32_t old, unsigned encoded, uint32_t *after)
{
    first = 0;
    second = old;
    pthread_t on_first = start_waiter(&first);
    pthread_t on_second = start_waiter(&second);
    long result = wake_op(&first, 1, 1, &second, encoded);
    *after = second;
    pthread_join(on_first, NULL);
    /* A second-word waiter the comparison did not wake is woken here. */
    if (result < 2)
        CHECK_EQ_LONG(syscall(SYS_futex, &second, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0), 1);
    pthread_join(on_second, NULL);
    return result;
}

struct op_case { uint32_t old; int op; int oparg; uint32_t expected; };
struct cmp_case { uint32_t old; int cmp; int cmparg; int holds; };

int main(void)
{
    const struct op_case ops[] = {
        {5, OP_SET, 9, 9},
        {5, OP_ADD, 9, 14},
        {5, OP_ADD, -1, 4},                     /* the 12-bit operand is signed */
        {0x10, OP_OR, 0x3, 0x13},
        {0xff, OP_ANDN, 0x0f, 0xf0},
        {0xf0, OP_XOR, 0xff, 0x0f},
        {0, OP_SET | OP_OPARG_SHIFT, 4, 16},
        {1, OP_OR | OP_OPARG_SHIFT, 31, 0x80000001u},
        {0xff, OP_ANDN | OP_OPARG_SHIFT, 0, 0xfe},
    };
    for (unsigned i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        uint32_t after = 0;
        /* CMP_EQ with the old value: both waiters are woken. */
        long result = one_case(ops[i].old, ENCODE(ops[i].op, ops[i].oparg, CMP_EQ, ops[i].old), &after);
        if (after != ops[i].expected)
            fprintf(stderr, "op case %u: 0x%x, expected 0x%x\n", i, after, ops[i].expected);
        CHECK_EQ_LONG(after, ops[i].expected);
        CHECK_EQ_LONG(result, 2);
    }
    const struct cmp_case cmps[] = {
        {3, CMP_EQ, 3, 1}, {3, CMP_EQ, 4, 0},
        {3, CMP_NE, 4, 1}, {3, CMP_NE, 3, 0},
        {3, CMP_LT, 4, 1}, {3, CMP_LT, 3, 0},
        {0xffffffffu, CMP_LT, 0, 1},            /* signed: -1 < 0 */
        {3, CMP_LE, 3, 1}, {4, CMP_LE, 3, 0},
        {4, CMP_GT, 3, 1}, {3, CMP_GT, 3, 0},
        {3, CMP_GE, 3, 1}, {2, CMP_GE, 3, 0},
        {0x80000000u, CMP_GE, -2048, 0},        /* INT_MIN < -2048 */
    };
    for (unsigned i = 0; i < sizeof cmps / sizeof cmps[0]; i++) {
        uint32_t after = 0;
        long result = one_case(cmps[i].old, ENCODE(OP_ADD, 0, cmps[i].cmp, cmps[i].cmparg), &after);
        if (result != 1 + cmps[i].holds)
            fprintf(stderr, "comparison case %u: woke %ld\n", i, result);
        CHECK_EQ_LONG(result, 1 + cmps[i].holds);
        CHECK_EQ_LONG(after, cmps[i].old);
    }

    /* No waiters: 0, and the operation still happens. */
    second = 1;
    CHECK_EQ_LONG(wake_op(&first, 1, 1, &second, ENCODE(OP_ADD, 1, CMP_EQ, 1)), 0);
    CHECK_EQ_LONG(second, 2);

    /* Errors on the second word. */
    void *hole = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(hole != MAP_FAILED, "mmap");
    CHECK_ERR(wake_op(&first, 1, 1, hole, ENCODE(OP_SET, 1, CMP_EQ, 0)), EFAULT);   /* read-only */
    CHECK_OK(munmap(hole, 4096));
    CHECK_ERR(wake_op(&first, 1, 1, hole, ENCODE(OP_SET, 1, CMP_EQ, 0)), EFAULT);   /* unmapped */
    CHECK_ERR(wake_op(&first, 1, 1, NULL, ENCODE(OP_SET, 1, CMP_EQ, 0)), EFAULT);
    CHECK_ERR(wake_op(&first, 1, 1, (char *)&second + 1, ENCODE(OP_SET, 1, CMP_EQ, 0)), EINVAL);
    second = 7;
    CHECK_ERR(wake_op(&first, 1, 1, &second, ENCODE(5, 1, CMP_EQ, 0)), ENOSYS);      /* no operation 5 */
    CHECK_EQ_LONG(second, 7);

    /* FUTEX_WAKE with a count of 0 wakes one waiter (Linux's futex_wake). */
    first = 0;
    pthread_t thread = start_waiter(&first);
    CHECK_EQ_LONG(syscall(SYS_futex, &first, FUTEX_WAKE_PRIVATE, 0, NULL, NULL, 0), 1);
    pthread_join(thread, NULL);
    return test_finish("wake_op");
}
