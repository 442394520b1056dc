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

/* Not checking l_pid in CHECK_HELD. */
#define ANY_PID (-2)

/* F_GETLK-style query (cmd) of `type` on [start, start+len) must answer
 * `want_type` on [want_start, +want_len), held by `want_pid` unless ANY_PID
 * (the range and holder are checked only for a conflict). */
#define CHECK_HELD(fd, cmd, type, start, len, want_type, want_start, want_len, want_pid) \
    do {                                                                               \
        struct flock q_;                                                               \
        CHECK_OK(lock_query((fd), (cmd), (type), (start), (len), &q_));                \
        CHECK_EQ_LONG(q_.l_type, (want_type));                                         \
        if ((want_type) != F_UNLCK) {                                                  \
            CHECK_EQ_LONG(q_.l_start, (want_start));                                   \
            CHECK_EQ_LONG(q_.l_len, (want_len));                                       \
            CHECK_EQ_LONG(q_.l_whence, SEEK_SET);                                      \
            if ((want_pid) != ANY_PID)                                                 \
                CHECK_EQ_LONG(q_.l_pid, (want_pid));                                   \
        }                                                                              \
    } while (0)

#define CHECK_QUERY(fd, cmd, type, start, len, want_type, want_start, want_len) \
    CHECK_HELD((fd), (cmd), (type), (start), (len), (want_type), (want_start), (want_len), ANY_PID)

/* In a child: tells the parent (through `ready_fd`) that it is about to ask,
 * then asks with the sleeping command `cmd`; the request must succeed, and
 * not before the parent's unlock (release_after_pause). */
#define CHECK_WAITS_FOR_UNLOCK(fd, cmd, type, start, len, ready_fd)                     \
    do {                                                                               \
        signal_peer(ready_fd);                                                         \
        long long start_ = apus_now_ns();                                              \
        CHECK_OK(lock_call((fd), (cmd), (type), SEEK_SET, (start), (len)));            \
        CHECK(apus_now_ns() - start_ >= 100000000LL, "the wait ended before the unlock"); \
    } while (0)

/* In the parent: once the child is about to wait, pauses 200 ms, unlocks
 * [start, start+len) with `cmd` (F_SETLK or F_OFD_SETLK) and reaps the child,
 * which must exit 0. */
#define RELEASE_AFTER_PAUSE(pid, ready_fd, fd, cmd, start, len)                         \
    do {                                                                               \
        CHECK_OK(wait_peer(ready_fd));                                                 \
        apus_sleep_ms(200);                                                            \
        CHECK_OK(lock_call((fd), (cmd), F_UNLCK, SEEK_SET, (start), (len)));           \
        CHECK_EQ_LONG(child_exit_status(pid), 0);                                      \
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
