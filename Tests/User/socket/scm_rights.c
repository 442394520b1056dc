/* unix(7) SCM_RIGHTS and SCM_CREDENTIALS, cmsg(3), recvmsg(2) MSG_CTRUNC and MSG_CMSG_CLOEXEC:
 * several descriptors of different kinds (pipe, eventfd, regular file) passed in one message
 * and used through their new numbers, passing to a forked process that writes through what it
 * received, a control buffer too small for all of them (MSG_CTRUNC, the ones that fit arrive),
 * none (MSG_CTRUNC, none arrive), the same over SOCK_DGRAM, EBADF for a bad descriptor, EINVAL
 * for more than SCM_MAX_FD (253), SO_PASSCRED (getsockopt, the sender's credentials arriving
 * without being sent, explicit credentials of the sender accepted). */
#include "apus_test.h"
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>

/* Sends one byte with `count` descriptors. */
static long send_fds(int sock, const int *fds, int count)
{
    char byte = 'm';
    struct iovec iov = {&byte, 1};
    union {
        char buf[CMSG_SPACE(sizeof(int) * 300)];
        struct cmsghdr align;
    } control;
    memset(&control, 0, sizeof control);
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                         .msg_controllen = CMSG_SPACE(sizeof(int) * count)};
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int) * count);
    memcpy(CMSG_DATA(cmsg), fds, sizeof(int) * count);
    return syscall(SYS_sendmsg, sock, &msg, 0L); /* musl refuses control data over 1 KiB itself */
}

/* Receives one byte and up to `room` descriptors into `fds`; returns how many arrived and
 * stores msg_flags. */
static int recv_fds(int sock, int *fds, int room, int flags, int *msg_flags)
{
    char byte;
    struct iovec iov = {&byte, 1};
    union {
        char buf[CMSG_SPACE(sizeof(int) * 8)];
        struct cmsghdr align;
    } control;
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = room ? control.buf : NULL,
                         .msg_controllen = room ? CMSG_LEN(sizeof(int) * room) : 0};
    if (recvmsg(sock, &msg, flags) != 1)
        return -1;
    *msg_flags = msg.msg_flags;
    int count = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
            continue;
        int n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        memcpy(fds + count, CMSG_DATA(c), sizeof(int) * n);
        count += n;
    }
    return count;
}

static int same_file(int a, int b)
{
    struct stat sa, sb;
    return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static void rights(int type)
{
    int s[2], p[2];
    CHECK_OK(socketpair(AF_UNIX, type, 0, s));
    CHECK_OK(pipe(p));
    int efd = eventfd(0, 0);
    int file = open("passed", O_RDWR | O_CREAT | O_TRUNC, 0644);
    int sent[3] = {p[1], efd, file};
    CHECK_EQ_LONG(send_fds(s[0], sent, 3), 1);
    int got[8], flags;
    CHECK_EQ_LONG(recv_fds(s[1], got, 8, MSG_CMSG_CLOEXEC, &flags), 3);
    CHECK_EQ_LONG(flags & MSG_CTRUNC, 0);
    for (int i = 0; i < 3; i++) {
        CHECK(got[i] != sent[i] && same_file(got[i], sent[i]), "a new descriptor for the same file");
        CHECK_EQ_LONG(fcntl(got[i], F_GETFD), FD_CLOEXEC);
    }
    char buf[8];
    CHECK_EQ_LONG(write(got[0], "via", 3), 3);
    CHECK_EQ_LONG(read(p[0], buf, sizeof buf), 3);
    CHECK_EQ_LONG(eventfd_write(got[1], 5), 0);
    eventfd_t value;
    CHECK_EQ_LONG(eventfd_read(efd, &value), 0);
    CHECK_EQ_LONG(value, 5);
    /* The file description is shared: the offset moves for both. */
    CHECK_EQ_LONG(write(got[2], "abc", 3), 3);
    CHECK_EQ_LONG(lseek(file, 0, SEEK_CUR), 3);
    for (int i = 0; i < 3; i++)
        close(got[i]);

    /* Room for one: MSG_CTRUNC, one arrives (the rest are closed). */
    CHECK_EQ_LONG(send_fds(s[0], sent, 3), 1);
    CHECK_EQ_LONG(recv_fds(s[1], got, 1, 0, &flags), 1);
    CHECK(flags & MSG_CTRUNC, "MSG_CTRUNC with room for one");
    CHECK(same_file(got[0], p[1]), "the first fits");
    CHECK_EQ_LONG(fcntl(got[0], F_GETFD), 0);
    close(got[0]);
    /* No room at all. */
    CHECK_EQ_LONG(send_fds(s[0], sent, 2), 1);
    CHECK_EQ_LONG(recv_fds(s[1], got, 0, 0, &flags), 0);
    CHECK(flags & MSG_CTRUNC, "MSG_CTRUNC without a control buffer");

    /* Errors: a closed descriptor, too many descriptors. */
    int bad[2] = {p[1], 9999};
    CHECK_ERR(send_fds(s[0], bad, 2), EBADF);
    int many[254];
    for (int i = 0; i < 254; i++)
        many[i] = p[1];
    CHECK_ERR(send_fds(s[0], many, 254), EINVAL);
    CHECK_EQ_LONG(send_fds(s[0], many, 253), 1);
    int fds_before = dup(0);
    close(fds_before);
    CHECK_EQ_LONG(recv_fds(s[1], got, 8, 0, &flags), 8);
    CHECK(flags & MSG_CTRUNC, "253 descriptors into room for 8");
    for (int i = 0; i < 8; i++)
        close(got[i]);
    int fds_after = dup(0);
    CHECK_EQ_LONG(fds_after, fds_before); /* the 245 that did not fit were closed */
    close(fds_after);

    close(p[0]);
    close(p[1]);
    close(efd);
    close(file);
    close(s[0]);
    close(s[1]);
}

static void across_fork(void)
{
    int s[2], p[2], q[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, s));
    pid_t child = test_fork();
    if (child == 0) {
        close(s[0]);
        int got[8], flags;
        CHECK_EQ_LONG(recv_fds(s[1], got, 8, 0, &flags), 2);
        CHECK_EQ_LONG(write(got[0], "one", 3), 3);
        CHECK_EQ_LONG(write(got[1], "two", 3), 3);
        test_child_exit();
    }
    close(s[1]);
    CHECK_OK(pipe(p));
    CHECK_OK(pipe(q));
    int sent[2] = {p[1], q[1]};
    CHECK_EQ_LONG(send_fds(s[0], sent, 2), 1);
    close(p[1]);
    close(q[1]);
    char buf[8];
    CHECK_EQ_LONG(read(p[0], buf, sizeof buf), 3);
    CHECK_EQ_LONG(read(q[0], buf, sizeof buf), 3);
    CHECK_EQ_LONG(memcmp(buf, "two", 3), 0);
    CHECK_EQ_LONG(child_exit_status(child), 0);
    /* Every writer (the child's received copies too) is gone. */
    CHECK_EQ_LONG(read(p[0], buf, sizeof buf), 0);
    close(p[0]);
    close(q[0]);
    close(s[0]);
}

/* Sends one byte, with an SCM_CREDENTIALS message claiming `claim` unless it is NULL. */
static long send_credentials(int sock, const struct ucred *claim)
{
    char byte = 'c';
    struct iovec iov = {&byte, 1};
    union {
        char buf[CMSG_SPACE(sizeof(struct ucred))];
        struct cmsghdr align;
    } control;
    memset(&control, 0, sizeof control);
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
    if (claim) {
        msg.msg_control = control.buf;
        msg.msg_controllen = sizeof control.buf;
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_CREDENTIALS;
        c->cmsg_len = CMSG_LEN(sizeof(struct ucred));
        memcpy(CMSG_DATA(c), claim, sizeof *claim);
    }
    return sendmsg(sock, &msg, 0);
}

static void credentials(void)
{
    int s[2], on = 1, value = -1;
    socklen_t length = sizeof value;
    CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, s));
    CHECK_OK(getsockopt(s[1], SOL_SOCKET, SO_PASSCRED, &value, &length));
    CHECK_EQ_LONG(value, 0);
    CHECK_OK(setsockopt(s[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on));
    CHECK_OK(getsockopt(s[1], SOL_SOCKET, SO_PASSCRED, &value, &length));
    CHECK_EQ_LONG(value, 1);

    for (int explicit = 0; explicit < 2; explicit++) {
        struct ucred mine = {getpid(), getuid(), getgid()};
        CHECK_EQ_LONG(send_credentials(s[0], explicit ? &mine : NULL), 1);
        char byte;
        struct iovec iov = {&byte, 1};
        union {
            char buf[CMSG_SPACE(sizeof(struct ucred))];
            struct cmsghdr align;
        } control;
        memset(&control, 0, sizeof control);
        struct msghdr in = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                            .msg_controllen = sizeof control.buf};
        CHECK_EQ_LONG(recvmsg(s[1], &in, 0), 1);
        struct cmsghdr *c = CMSG_FIRSTHDR(&in);
        CHECK(c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS, "credentials arrive");
        if (c) {
            struct ucred cred;
            memcpy(&cred, CMSG_DATA(c), sizeof cred);
            CHECK_EQ_LONG(cred.pid, getpid());
            CHECK_EQ_LONG(cred.uid, getuid());
            CHECK_EQ_LONG(cred.gid, getgid());
        }
    }
    /* Someone else's credentials need privilege: EPERM for an unprivileged sender. */
    pid_t child = test_fork();
    if (child == 0) {
        CHECK_OK(setgid(65534));
        CHECK_OK(setuid(65534));
        struct ucred claims[2] = {{getpid(), 0, 65534}, {1, 65534, 65534}};
        for (int i = 0; i < 2; i++)
            CHECK_ERR(send_credentials(s[0], &claims[i]), EPERM);
        test_child_exit();
    }
    CHECK_EQ_LONG(child_exit_status(child), 0);

    /* Without SO_PASSCRED on the receiver, nothing arrives. */
    CHECK_EQ_LONG(send(s[1], "x", 1, 0), 1);
    char byte;
    char buf[CMSG_SPACE(sizeof(struct ucred))];
    struct iovec iov = {&byte, 1};
    struct msghdr in = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = buf, .msg_controllen = sizeof buf};
    CHECK_EQ_LONG(recvmsg(s[0], &in, 0), 1);
    CHECK_EQ_LONG(in.msg_controllen, 0);
    close(s[0]);
    close(s[1]);
}

int main(void)
{
    if (test_enter_scratch_dir("scm_rights") == 0) {
        rights(SOCK_STREAM);
        rights(SOCK_DGRAM);
        test_leave_scratch_dir();
    }
    across_fork();
    credentials();
    return test_finish("scm_rights");
}
