/* Files whose readiness never changes (regular files, /dev/null, /proc files) report
 * POLLIN|POLLOUT|POLLRDNORM|POLLWRNORM to poll and count as readable and writable to select;
 * select walks sets spanning several words, counts a descriptor once per set it is ready
 * for, and ignores bits at or above nfds or the descriptor table's size. */
#include "apus_test.h"
#include <fcntl.h>
#include <poll.h>
#include <sys/select.h>

#define ALL_FOUR (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)

int main(void)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/apus-always-ready-%d", (int)getpid());
    int file = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(file >= 0, "open a regular file");
    int null = open("/dev/null", O_RDWR);
    CHECK(null >= 0, "open /dev/null");
    int proc = open("/proc/self/stat", O_RDONLY);
    CHECK(proc >= 0, "open /proc/self/stat");

    /* poll: every asked-for event of the default mask, and only those. */
    struct pollfd fds[4] = {
        {.fd = file, .events = ALL_FOUR | POLLPRI},
        {.fd = null, .events = ALL_FOUR},
        {.fd = proc, .events = POLLRDNORM},
        {.fd = file, .events = POLLWRNORM},
    };
    CHECK_EQ_LONG(poll(fds, 4, -1), 4);
    CHECK_EQ_LONG(fds[0].revents, ALL_FOUR);
    CHECK_EQ_LONG(fds[1].revents, ALL_FOUR);
    CHECK_EQ_LONG(fds[2].revents, POLLRDNORM);
    CHECK_EQ_LONG(fds[3].revents, POLLWRNORM);
    /* Asking for nothing but priority data: not ready. */
    struct pollfd priority = {.fd = file, .events = POLLPRI};
    CHECK_EQ_LONG(poll(&priority, 1, 0), 0);
    CHECK_EQ_LONG(priority.revents, 0);

    /* select: a descriptor above 64 (the sets' second word) and one below. */
    int high = dup2(file, 100);
    CHECK_EQ_LONG(high, 100);
    fd_set r, w, e;
    FD_ZERO(&r);
    FD_ZERO(&w);
    FD_ZERO(&e);
    FD_SET(file, &r);
    FD_SET(high, &r);
    FD_SET(high, &w);
    FD_SET(null, &e);
    struct timeval zero = {0, 0};
    CHECK_EQ_LONG(select(high + 1, &r, &w, &e, &zero), 3);
    CHECK(FD_ISSET(file, &r) && FD_ISSET(high, &r), "both readable");
    CHECK(FD_ISSET(high, &w), "writable");
    CHECK(!FD_ISSET(null, &e), "no exceptional condition");
    CHECK(!FD_ISSET(null, &r) && !FD_ISSET(file, &w), "only named descriptors are set");

    /* Bits at or above nfds are not looked at, even for a closed descriptor. */
    FD_ZERO(&r);
    FD_SET(file, &r);
    FD_SET(200, &r);
    zero = (struct timeval){0, 0};
    CHECK_EQ_LONG(select(file + 1, &r, NULL, NULL, &zero), 1);
    CHECK(FD_ISSET(file, &r), "readable below nfds");
    /* Linux looks at no descriptor at or above its table's size (at least 128 here, with
     * descriptor 100 open; never near 1000 in a test process), so a closed descriptor there is
     * not EBADF, and a huge nfds reads no more of the sets than the table covers. */
    FD_ZERO(&r);
    FD_SET(file, &r);
    FD_SET(1000, &r);
    zero = (struct timeval){0, 0};
    CHECK_EQ_LONG(select(1001, &r, NULL, NULL, &zero), 1);
    /* Only the part of the set the table covers is written back: bit 1000 stays as it was. */
    CHECK(FD_ISSET(file, &r) && FD_ISSET(1000, &r), "the set beyond the table is left alone");
    FD_ZERO(&r);
    FD_SET(file, &r);
    zero = (struct timeval){0, 0};
    CHECK_EQ_LONG(syscall(SYS_select, 1 << 30, &r, NULL, NULL, &zero), 1);
    CHECK_ERR(syscall(SYS_select, -1, &r, NULL, NULL, &zero), EINVAL);
    /* ...but a closed one below nfds is EBADF, and the sets are left as they were. (Linux
     * silently ignores descriptors beyond its table's current size, so the closed one here
     * is below 64, which every table covers.) */
    int closed = dup(file);
    CHECK(closed > file && closed < 64, "a spare descriptor below 64");
    CHECK_OK(close(closed));
    FD_ZERO(&r);
    FD_SET(file, &r);
    FD_SET(closed, &r);
    zero = (struct timeval){0, 0};
    CHECK_ERR(select(closed + 1, &r, NULL, NULL, &zero), EBADF);
    CHECK(FD_ISSET(closed, &r) && FD_ISSET(file, &r), "sets unchanged after EBADF");
    /* A set that is not readable memory is EFAULT. */
    zero = (struct timeval){0, 0};
    CHECK_ERR(select(file + 1, (fd_set *)8, NULL, NULL, &zero), EFAULT);

    close(high);
    close(proc);
    close(null);
    close(file);
    unlink(path);
    return test_finish("always_ready");
}
