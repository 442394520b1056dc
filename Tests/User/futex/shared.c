/* futex(2) "the futex word ... may be shared between processes": a futex in a
 * MAP_SHARED mapping (no FUTEX_PRIVATE_FLAG) is the same futex in every
 * process and at every address that maps the same bytes. A forked child waits
 * on a word of shared anonymous memory and the parent's FUTEX_WAKE wakes it; a
 * file mapped twice in one process, and separately in a child, reaches the same
 * futex through different addresses. FUTEX_WAKE_PRIVATE does not reach a
 * shared waiter of another process, and a private futex in private memory is
 * private to each process after fork. A shared wake of an unmapped word is
 * EFAULT, a misaligned word EINVAL. */
#include "apus_test.h"
#include <pthread.h>
#include <stdatomic.h>
#include <sys/mman.h>

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_PRIVATE_FLAG 128

static long futex(void *word, int op, long value, const struct timespec *timeout)
{
    return syscall(SYS_futex, word, op, value, timeout, NULL, 0);
}

/* Wakes `word` until one waiter was woken (the waiter may not be asleep yet); 1 if it was, within 10 s. */
static long wake_one(void *word, int op)
{
    for (int i = 0; i < 1000; i++) {
        long woken = futex(word, op, 1, NULL);
        if (woken != 0)
            return woken;
        apus_sleep_ms(10);
    }
    return 0;
}

/* A child that waits (up to 20 s) on `word` while it holds 0; exits 0 if woken, 2 on timeout. */
static pid_t waiting_child(volatile uint32_t *word)
{
    pid_t pid = test_fork();
    if (pid == 0) {
        struct timespec twenty = {20, 0};
        long result;
        do {
            result = futex((void *)word, FUTEX_WAIT, 0, &twenty);
        } while (result != 0 && errno == EINTR);
        _exit(result == 0 ? 0 : errno == ETIMEDOUT ? 2 : 3);
    }
    return pid;
}

static uint32_t *thread_word;
static atomic_int thread_result = -1;

static void *thread_waiter(void *arg)
{
    (void)arg;
    struct timespec twenty = {20, 0};
    long result = futex(thread_word, FUTEX_WAIT, 0, &twenty);
    atomic_store(&thread_result, result == 0 ? 0 : errno);
    return NULL;
}

int main(void)
{
    /* Shared anonymous memory across fork. */
    uint32_t *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(shared != MAP_FAILED, "mmap shared anonymous");
    shared[1] = 0;
    pid_t pid = waiting_child(&shared[1]);
    CHECK_EQ_LONG(wake_one(&shared[1], FUTEX_WAKE), 1);
    CHECK_EQ_LONG(child_exit_status(pid), 0);

    /* A private wake does not reach the child's shared waiter; a shared one does. */
    pid = waiting_child(&shared[2]);
    apus_sleep_ms(200);
    CHECK_EQ_LONG(futex(&shared[2], FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL), 0);
    CHECK_EQ_LONG(wake_one(&shared[2], FUTEX_WAKE), 1);
    CHECK_EQ_LONG(child_exit_status(pid), 0);

    /* Private memory is private to each process after fork: the parent's wake reaches nobody. */
    static uint32_t private_word;
    pid = test_fork();
    if (pid == 0) {
        struct timespec short_wait = {0, 300000000};
        long result = futex(&private_word, FUTEX_WAIT, 0, &short_wait);
        _exit(result == -1 && errno == ETIMEDOUT ? 0 : 4);
    }
    apus_sleep_ms(100);
    CHECK_EQ_LONG(futex(&private_word, FUTEX_WAKE, 1, NULL), 0);
    CHECK_EQ_LONG(child_exit_status(pid), 0);

    /* A file mapped twice: a thread waits through one address, the wake comes through the other. */
    CHECK_OK(test_enter_scratch_dir("futex-shared"));
    int fd = open("word", O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0, "open");
    CHECK_OK(ftruncate(fd, 8192));
    uint32_t *first = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    uint32_t *second = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 4096);
    CHECK(first != MAP_FAILED && second != MAP_FAILED, "mmap the file twice");
    thread_word = &first[1024 + 3];            /* byte 4096 + 12 of the file */
    pthread_t thread;
    CHECK(pthread_create(&thread, NULL, thread_waiter, NULL) == 0, "pthread_create");
    CHECK_EQ_LONG(wake_one(&second[3], FUTEX_WAKE), 1);
    pthread_join(thread, NULL);
    CHECK_EQ_LONG(atomic_load(&thread_result), 0);

    /* The same file mapped by a child on its own, at an address of its choosing. */
    pid = test_fork();
    if (pid == 0) {
        int child_fd = open("word", O_RDWR);
        uint32_t *mine = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, child_fd, 4096);
        if (child_fd < 0 || mine == MAP_FAILED)
            _exit(5);
        struct timespec twenty = {20, 0};
        long result;
        do {
            result = futex(&mine[5], FUTEX_WAIT, 0, &twenty);
        } while (result != 0 && errno == EINTR);
        _exit(result == 0 ? 0 : 6);
    }
    CHECK_EQ_LONG(wake_one(&first[1024 + 5], FUTEX_WAKE), 1);
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    munmap(first, 8192);
    munmap(second, 4096);
    close(fd);
    test_leave_scratch_dir();

    /* Errors: a shared futex must be mapped; any futex word must be aligned. */
    void *hole = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(hole != MAP_FAILED, "mmap");
    CHECK_OK(munmap(hole, 4096));
    CHECK_ERR(futex(hole, FUTEX_WAKE, 1, NULL), EFAULT);
    CHECK_EQ_LONG(futex(hole, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL), 0);
    CHECK_ERR(futex((char *)shared + 1, FUTEX_WAKE, 1, NULL), EINVAL);
    CHECK_ERR(futex((char *)shared + 2, FUTEX_WAIT, 0, NULL), EINVAL);
    return test_finish("shared");
}
