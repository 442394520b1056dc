/* set_robust_list(2), get_robust_list(2) and the robust-futex ABI (Linux's
 * Documentation/locking/robust-futex-ABI.rst): when a thread exits, every
 * futex word on its robust list that it still owns (low 30 bits = its TID)
 * gets FUTEX_OWNER_DIED with FUTEX_WAITERS kept, and one waiter is woken; a
 * word owned by someone else is left alone; the list_op_pending entry is
 * handled too. Works across processes for a lock in shared memory. A list
 * that loops forever is walked a bounded number of times: the thread still
 * exits. set_robust_list with a wrong size is EINVAL; get_robust_list returns
 * the head and its size, ESRCH for an unknown thread. */
#include "apus_test.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <sys/mman.h>

#define FUTEX_WAIT 0
#define FUTEX_WAITERS 0x80000000u
#define FUTEX_OWNER_DIED 0x40000000u

struct robust_list { struct robust_list *next; };
struct robust_list_head { struct robust_list list; long futex_offset; struct robust_list *list_op_pending; };
struct lock { struct robust_list list; uint32_t word; };

static struct robust_list_head head;
static struct lock held, foreign, pending, looping;
static atomic_int owner_tid, ready, go;

static long set_robust_list(struct robust_list_head *h, size_t size)
{
    return syscall(SYS_set_robust_list, h, size);
}

/* Owns `held` (with waiters) and `pending`, lists `foreign` owned by another TID, then exits. */
static void *owner(void *arg)
{
    (void)arg;
    int tid = (int)syscall(SYS_gettid);
    held.word = (uint32_t)tid | FUTEX_WAITERS;
    foreign.word = (uint32_t)(tid + 1);
    pending.word = (uint32_t)tid;
    head.list.next = &held.list;
    held.list.next = &foreign.list;
    foreign.list.next = &head.list;
    head.futex_offset = offsetof(struct lock, word) - offsetof(struct lock, list);
    head.list_op_pending = &pending.list;
    if (set_robust_list(&head, sizeof head) != 0)
        return (void *)1;
    atomic_store(&owner_tid, tid);
    atomic_store(&ready, 1);
    while (!atomic_load(&go))
        apus_sleep_ms(1);
    return NULL;
}

static atomic_long waiter_result = 1;

static void *waiter(void *arg)
{
    (void)arg;
    uint32_t expected = (uint32_t)atomic_load(&owner_tid) | FUTEX_WAITERS;
    struct timespec twenty = {20, 0};
    atomic_store(&ready, 2);
    long r = syscall(SYS_futex, &held.word, FUTEX_WAIT, expected, &twenty, NULL, 0);
    atomic_store(&waiter_result, r == 0 ? 0 : -errno);
    return NULL;
}

/* A list whose entry points at itself: the walk must end. */
static void *looper(void *arg)
{
    (void)arg;
    static struct robust_list_head loop_head;
    looping.word = (uint32_t)syscall(SYS_gettid);
    looping.list.next = &looping.list;
    loop_head.list.next = &looping.list;
    loop_head.futex_offset = offsetof(struct lock, word);
    loop_head.list_op_pending = NULL;
    set_robust_list(&loop_head, sizeof loop_head);
    return NULL;
}

int main(void)
{
    /* The registration calls. */
    struct robust_list_head mine = {{&mine.list}, 0, NULL};
    CHECK_ERR(set_robust_list(&mine, sizeof mine - 1), EINVAL);
    CHECK_OK(set_robust_list(&mine, sizeof mine));
    struct robust_list_head *got = NULL;
    size_t size = 0;
    CHECK_OK(syscall(SYS_get_robust_list, 0, &got, &size));
    CHECK(got == &mine, "get_robust_list returns the registered head");
    CHECK_EQ_LONG(size, sizeof mine);
    CHECK_ERR(syscall(SYS_get_robust_list, 0x3fffffff, &got, &size), ESRCH);

    /* A thread dies holding a lock another thread waits for. */
    pthread_t owner_thread, waiter_thread;
    CHECK(pthread_create(&owner_thread, NULL, owner, NULL) == 0, "pthread_create");
    while (atomic_load(&ready) != 1)
        apus_sleep_ms(1);
    uint32_t tid = (uint32_t)atomic_load(&owner_tid);
    CHECK(pthread_create(&waiter_thread, NULL, waiter, NULL) == 0, "pthread_create");
    while (atomic_load(&ready) != 2)
        apus_sleep_ms(1);
    apus_sleep_ms(100);
    atomic_store(&go, 1);
    pthread_join(owner_thread, NULL);
    pthread_join(waiter_thread, NULL);
    CHECK_EQ_LONG(atomic_load(&waiter_result), 0);
    CHECK_EQ_LONG(held.word, FUTEX_WAITERS | FUTEX_OWNER_DIED);
    CHECK_EQ_LONG(foreign.word, tid + 1);
    CHECK_EQ_LONG(pending.word, FUTEX_OWNER_DIED);

    /* A looping list ends. */
    pthread_t loop_thread;
    CHECK(pthread_create(&loop_thread, NULL, looper, NULL) == 0, "pthread_create");
    pthread_join(loop_thread, NULL);
    CHECK_EQ_LONG(looping.word & FUTEX_OWNER_DIED, FUTEX_OWNER_DIED);

    /* Across processes: a child dies holding a lock in shared memory the parent waits for. */
    struct lock *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(shared != MAP_FAILED, "mmap");
    int ready_pipe[2];
    CHECK_OK(pipe(ready_pipe));
    pid_t pid = test_fork();
    if (pid == 0) {
        static struct robust_list_head child_head;
        shared->word = (uint32_t)getpid() | FUTEX_WAITERS;
        shared->list.next = &child_head.list;
        child_head.list.next = &shared->list;
        child_head.futex_offset = offsetof(struct lock, word);
        child_head.list_op_pending = NULL;
        if (set_robust_list(&child_head, sizeof child_head) != 0)
            _exit(2);
        (void)!write(ready_pipe[1], "r", 1);
        apus_sleep_ms(300);
        _exit(0);
    }
    char byte;
    CHECK_EQ_LONG(read(ready_pipe[0], &byte, 1), 1);
    struct timespec twenty = {20, 0};
    CHECK_OK(syscall(SYS_futex, &shared->word, FUTEX_WAIT, (uint32_t)pid | FUTEX_WAITERS, &twenty, NULL, 0));
    CHECK_EQ_LONG(shared->word, FUTEX_WAITERS | FUTEX_OWNER_DIED);
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    return test_finish("robust");
}
