/* eventfd(2), eventfd2(2): flags (EINVAL, EFD_CLOEXEC, EFD_NONBLOCK), reads and writes of
 * exactly 8 bytes (EINVAL below that), counter and semaphore reads, the counter's ceiling
 * (0xfffffffffffffffe: a write past it is EAGAIN without blocking, blocks otherwise; writing
 * 0xffffffffffffffff is EINVAL), poll's POLLIN/POLLOUT, EFAULT, and a blocked reader and a
 * blocked writer woken by another process. */
#include "apus_test.h"
#include <poll.h>
#include <sys/eventfd.h>

static long put(int fd, unsigned long long value)
{
    return write(fd, &value, sizeof value);
}

static unsigned long long take(int fd)
{
    unsigned long long value = 0xdeadbeef;
    CHECK_EQ_LONG(read(fd, &value, sizeof value), 8);
    return value;
}

static short revents(int fd)
{
    struct pollfd pfd = {.fd = fd, .events = POLLIN | POLLOUT};
    CHECK(poll(&pfd, 1, 0) >= 0, "poll");
    return pfd.revents;
}

int main(void)
{
    CHECK_ERR(syscall(SYS_eventfd2, 0L, 0x1000L), EINVAL);
    CHECK_ERR(syscall(SYS_eventfd2, 0L, (long)O_RDWR), EINVAL);
    int plain = syscall(SYS_eventfd, 5L);
    CHECK(plain >= 0, "eventfd(5)");
    CHECK_EQ_LONG(fcntl(plain, F_GETFD), 0);
    CHECK_EQ_LONG(fcntl(plain, F_GETFL), O_RDWR);
    CHECK(take(plain) == 5, "initial value");
    close(plain);

    int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    CHECK_EQ_LONG(fcntl(fd, F_GETFD), FD_CLOEXEC);
    CHECK_EQ_LONG(fcntl(fd, F_GETFL), O_RDWR | O_NONBLOCK);
    unsigned long long value;
    CHECK_ERR(read(fd, &value, sizeof value), EAGAIN);
    CHECK_EQ_LONG(revents(fd), POLLOUT);

    /* Sizes and pointers. */
    CHECK_ERR(read(fd, &value, 7), EINVAL);
    CHECK_ERR(write(fd, &value, 4), EINVAL);
    CHECK_ERR(syscall(SYS_write, fd, 8L, 8L), EFAULT);
    CHECK_EQ_LONG(put(fd, 3), 8);
    CHECK_ERR(read(fd, (void *)0xffff800000000000UL, 8), EFAULT);
    CHECK_EQ_LONG(put(fd, 4), 8);
    CHECK_EQ_LONG(revents(fd), POLLIN | POLLOUT);
    /* A larger buffer still reads 8 bytes. */
    unsigned long long two[2] = {0, 99};
    CHECK_EQ_LONG(read(fd, two, sizeof two), 8);
    CHECK(two[0] == 7 && two[1] == 99, "counter read whole and reset");
    CHECK_ERR(read(fd, &value, sizeof value), EAGAIN);

    /* The ceiling. */
    CHECK_ERR(put(fd, 0xffffffffffffffffULL), EINVAL);
    CHECK_EQ_LONG(put(fd, 0xfffffffffffffffeULL), 8);
    CHECK_EQ_LONG(revents(fd), POLLIN);
    CHECK_ERR(put(fd, 1), EAGAIN);
    CHECK_EQ_LONG(put(fd, 0), 8); /* adding nothing always fits */
    CHECK(take(fd) == 0xfffffffffffffffeULL, "the largest count");
    CHECK_EQ_LONG(put(fd, 0xfffffffffffffffdULL), 8);
    CHECK_EQ_LONG(revents(fd), POLLIN | POLLOUT);
    CHECK_ERR(put(fd, 2), EAGAIN);
    CHECK_EQ_LONG(put(fd, 1), 8);
    CHECK(take(fd) == 0xfffffffffffffffeULL, "filled to the ceiling");
    close(fd);

    /* Semaphore: each read takes one. */
    int sem = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK);
    CHECK(take(sem) == 1, "semaphore read 1");
    CHECK(take(sem) == 1, "semaphore read 2");
    CHECK_EQ_LONG(put(sem, 1), 8);
    CHECK(take(sem) == 1, "semaphore read 3");
    CHECK(take(sem) == 1, "semaphore read 4");
    CHECK_ERR(read(sem, &value, sizeof value), EAGAIN);
    close(sem);

    /* A blocked reader, then a blocked writer, each woken by a child. */
    int shared = eventfd(0, 0);
    pid_t child = test_fork();
    if (child == 0) {
        apus_sleep_ms(50);
        CHECK_EQ_LONG(put(shared, 42), 8);
        test_child_exit();
    }
    long long start = apus_now_ns();
    CHECK(take(shared) == 42, "the child's value");
    CHECK(apus_now_ns() - start >= 40000000LL, "the read waited");
    CHECK_EQ_LONG(child_exit_status(child), 0);

    CHECK_EQ_LONG(put(shared, 0xfffffffffffffff0ULL), 8);
    child = test_fork();
    if (child == 0) {
        apus_sleep_ms(50);
        CHECK(take(shared) == 0xfffffffffffffff0ULL, "the child read the full counter");
        test_child_exit();
    }
    CHECK_EQ_LONG(put(shared, 0x20), 8); /* blocks until the child has read */
    CHECK_EQ_LONG(child_exit_status(child), 0);
    CHECK(take(shared) == 0x20, "the blocked write's value");
    close(shared);
    return test_finish("eventfd");
}
