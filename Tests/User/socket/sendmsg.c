/* sendmsg(2)/recvmsg(2) on AF_UNIX sockets: gathering and scattering iovecs, msg_name on a
 * datagram (the destination on send, the sender on receive, msg_namelen 0 for an unnamed one),
 * msg_flags (MSG_TRUNC for a datagram cut short), msg_controllen written back as 0, a stream
 * socket's EISCONN for a name, and the checks of the header and of control messages: EFAULT,
 * EMSGSIZE past UIO_MAXIOV, EINVAL for a malformed cmsghdr or an unknown SOL_SOCKET type, and
 * another level ignored. */
#include "apus_test.h"
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>

int main(void)
{
    char path[64], a[4], b[8], buf[64];
    snprintf(path, sizeof path, "/tmp/apus-sendmsg-%d", (int)getpid());
    unlink(path);
    struct sockaddr_un address = {.sun_family = AF_UNIX}, from;
    strcpy(address.sun_path, path);
    socklen_t length = offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1;

    int receiver = socket(AF_UNIX, SOCK_DGRAM, 0), sender = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK_OK(bind(receiver, (struct sockaddr *)&address, length));

    /* A datagram gathered from three vectors, addressed by msg_name. */
    struct iovec out[3] = {{"ab", 2}, {"", 0}, {"cdefg", 5}};
    struct msghdr message = {.msg_name = &address, .msg_namelen = length, .msg_iov = out, .msg_iovlen = 3};
    CHECK_EQ_LONG(sendmsg(sender, &message, 0), 7);
    /* Scattered into two, cut short: MSG_TRUNC in msg_flags, no sender name (unnamed). */
    struct iovec in[2] = {{a, sizeof a}, {b, 2}};
    struct msghdr received = {.msg_name = &from, .msg_namelen = sizeof from, .msg_iov = in, .msg_iovlen = 2,
                              .msg_control = buf, .msg_controllen = sizeof buf, .msg_flags = 0x55};
    CHECK_EQ_LONG(recvmsg(receiver, &received, 0), 6);
    CHECK(memcmp(a, "abcd", 4) == 0 && memcmp(b, "ef", 2) == 0, "scattered");
    CHECK_EQ_LONG(received.msg_flags, MSG_TRUNC);
    CHECK_EQ_LONG(received.msg_namelen, 0);
    CHECK_EQ_LONG(received.msg_controllen, 0);

    /* A named sender; a whole message: no flags; MSG_TRUNC asked: the real length. */
    CHECK_EQ_LONG(sendmsg(receiver, &message, 0), 7);
    received.msg_namelen = sizeof from;
    received.msg_iovlen = 1;
    CHECK_EQ_LONG(recvmsg(receiver, &received, MSG_PEEK | MSG_TRUNC), 7);
    CHECK_EQ_LONG(received.msg_flags, MSG_TRUNC);
    CHECK_EQ_LONG(received.msg_namelen, length);
    CHECK_EQ_STR(from.sun_path, path);
    in[0].iov_base = buf;
    in[0].iov_len = sizeof buf;
    received.msg_controllen = 0;
    CHECK_EQ_LONG(recvmsg(receiver, &received, 0), 7);
    CHECK_EQ_LONG(received.msg_flags, 0);
    received.msg_name = NULL;

    /* Errors of the header. */
    /* (The raw calls: musl's wrappers read the header themselves.) */
    CHECK_ERR(syscall(SYS_sendmsg, sender, NULL, 0), EFAULT);
    CHECK_ERR(syscall(SYS_recvmsg, receiver, NULL, 0), EFAULT);
    message.msg_iovlen = 1025;
    CHECK_ERR(sendmsg(sender, &message, 0), EMSGSIZE);
    message.msg_iovlen = 3;
    message.msg_namelen = -1;
    CHECK_ERR(sendmsg(sender, &message, 0), EINVAL);
    message.msg_namelen = length;
    int file = open("/", O_RDONLY);
    CHECK_ERR(sendmsg(file, &message, 0), ENOTSOCK);
    CHECK_ERR(recvmsg(file, &received, 0), ENOTSOCK);
    close(file);

    /* Control messages: a malformed header and an unknown SOL_SOCKET type are EINVAL; another
     * level is ignored; a buffer shorter than a cmsghdr is no control message at all. */
    union {
        struct cmsghdr header;
        char space[CMSG_SPACE(sizeof(int))];
    } control;
    memset(&control, 0, sizeof control);
    message.msg_control = &control;
    message.msg_controllen = sizeof control;
    control.header.cmsg_len = CMSG_LEN(sizeof(int));
    control.header.cmsg_level = SOL_SOCKET;
    control.header.cmsg_type = 77;
    CHECK_ERR(sendmsg(sender, &message, 0), EINVAL);
    control.header.cmsg_len = sizeof control + 8;
    control.header.cmsg_type = SCM_RIGHTS;
    CHECK_ERR(sendmsg(sender, &message, 0), EINVAL);
    control.header.cmsg_len = CMSG_LEN(sizeof(int));
    control.header.cmsg_level = 12345;
    CHECK_EQ_LONG(sendmsg(sender, &message, 0), 7);
    message.msg_controllen = sizeof(struct cmsghdr) - 1;
    CHECK_EQ_LONG(sendmsg(sender, &message, 0), 7);
    CHECK_EQ_LONG(recv(receiver, buf, sizeof buf, 0), 7);
    CHECK_EQ_LONG(recv(receiver, buf, sizeof buf, 0), 7);
    message.msg_control = NULL;
    message.msg_controllen = 0;

    /* Stream: a name is EISCONN; vectors are one byte stream. */
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    CHECK_ERR(sendmsg(sv[0], &message, 0), EISCONN);
    message.msg_name = NULL;
    message.msg_namelen = 0;
    CHECK_EQ_LONG(sendmsg(sv[0], &message, MSG_DONTWAIT), 7);
    in[0].iov_base = a;
    in[0].iov_len = sizeof a;
    in[1].iov_len = sizeof b;
    received.msg_iovlen = 2;
    CHECK_EQ_LONG(recvmsg(sv[1], &received, 0), 7);
    CHECK(memcmp(a, "abcd", 4) == 0 && memcmp(b, "efg", 3) == 0, "stream scattered");
    CHECK_EQ_LONG(received.msg_flags, 0);
    close(sv[0]);
    close(sv[1]);
    close(sender);
    close(receiver);
    CHECK_OK(unlink(path));
    return test_finish("sendmsg");
}
