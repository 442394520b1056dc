/* Helpers shared by the locks/ programs: struct flock requests and a pipe
 * handshake between a parent and a forked child. */
#ifndef LOCKS_COMMON_H
#define LOCKS_COMMON_H
#include "apus_test.h"

/* fcntl(fd, cmd) with a struct flock of the given fields; returns fcntl's result. */
static inline int lock_call(int fd, int cmd, short type, short whence, off_t start, off_t len)
{
    struct flock fl;
    memset(&fl, 0, sizeof fl);
    fl.l_type = type;
    fl.l_whence = whence;
    fl.l_start = start;
    fl.l_len = len;
    return fcntl(fd, cmd, &fl);
}

/* F_GETLK (or F_OFD_GETLK) of [start, start+len): fills *out; returns fcntl's result. */
static inline int lock_query(int fd, int cmd, short type, off_t start, off_t len, struct flock *out)
{
    memset(out, 0, sizeof *out);
    out->l_type = type;
    out->l_whence = SEEK_SET;
    out->l_start = start;
    out->l_len = len;
    return fcntl(fd, cmd, out);
}

/* F_GETLK-style query (cmd) of `type` on [start, start+len) must answer
 * `want_type` on [want_start, +want_len) (the range is checked only for a
 * conflict, an unlocked answer leaves it as asked). */
#define CHECK_QUERY(fd, cmd, type, start, len, want_type, want_start, want_len)        \
    do {                                                                               \
        struct flock q_;                                                               \
        CHECK_OK(lock_query((fd), (cmd), (type), (start), (len), &q_));                \
        CHECK_EQ_LONG(q_.l_type, (want_type));                                         \
        if ((want_type) != F_UNLCK) {                                                  \
            CHECK_EQ_LONG(q_.l_start, (want_start));                                   \
            CHECK_EQ_LONG(q_.l_len, (want_len));                                       \
            CHECK_EQ_LONG(q_.l_whence, SEEK_SET);                                      \
        }                                                                              \
    } while (0)

/* CHECK_QUERY of F_GETLK for an unlocked answer. */
#define CHECK_FREE(fd, type, start, len) CHECK_QUERY((fd), F_GETLK, (type), (start), (len), F_UNLCK, 0, 0)

/* One byte over a pipe: the other side goes on. */
static inline void signal_peer(int fd)
{
    char byte = 1;
    if (write(fd, &byte, 1) != 1)
        _exit(90);
}

/* Waits for the peer's byte; 0 if it came, -1 on EOF or error. */
static inline int wait_peer(int fd)
{
    char byte;
    ssize_t n;
    do {
        n = read(fd, &byte, 1);
    } while (n < 0 && errno == EINTR);
    return n == 1 ? 0 : -1;
}

/* A file of `size` bytes in the scratch directory, opened with `flags`. */
static inline int make_file(const char *name, size_t size, int flags)
{
    char data[4096];
    memset(data, 'x', sizeof data);
    if (apus_write_file(name, data, size < sizeof data ? size : sizeof data) != 0)
        return -1;
    return open(name, flags);
}

#endif
