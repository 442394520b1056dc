/* UDP over loopback (udp(7), sendto(2), recvfrom(2), sendmsg(2), recvmsg(2), connect(2)):
 * datagrams keep their boundaries and carry the sender's address, MSG_PEEK, MSG_TRUNC (cut and
 * flagged; as a recv flag the whole length), an empty datagram, FIONREAD, a connected socket
 * (send without an address, only its peer's datagrams, AF_UNSPEC forgets it), an automatic
 * port on the first send, ECONNREFUSED from a closed port on a connected socket, and the
 * errors: EDESTADDRREQ, EINVAL (port 0, short address), EMSGSIZE, EAGAIN. */
#include "apus_net.h"
#include <sys/ioctl.h>
#include <sys/uio.h>

int main(void)
{
    unsigned short portA = 0, portB = 0;
    int a = bound_socket(SOCK_DGRAM, &portA);
    int b = bound_socket(SOCK_DGRAM, &portB);
    CHECK(a >= 0 && b >= 0 && portA != 0 && portB != 0, "two bound sockets");
    struct sockaddr_in toA = loopback_address(portA), toB = loopback_address(portB), from;
    socklen_t fromLength;
    char buffer[128];

    CHECK_ERR(recv(b, buffer, sizeof buffer, MSG_DONTWAIT), EAGAIN);
    CHECK_EQ_LONG(sendto(a, "one", 3, 0, (struct sockaddr *)&toB, sizeof toB), 3);
    CHECK_EQ_LONG(sendto(a, "second", 6, 0, (struct sockaddr *)&toB, sizeof toB), 6);
    CHECK_EQ_LONG(sendto(a, "", 0, 0, (struct sockaddr *)&toB, sizeof toB), 0);
    int pending = -1;
    CHECK_OK(ioctl(b, FIONREAD, &pending));
    CHECK_EQ_LONG(pending, 3);
    CHECK_EQ_LONG(recv(b, buffer, sizeof buffer, MSG_PEEK), 3);
    fromLength = sizeof from;
    memset(&from, 0, sizeof from);
    CHECK_EQ_LONG(recvfrom(b, buffer, sizeof buffer, 0, (struct sockaddr *)&from, &fromLength), 3);
    CHECK_EQ_LONG(fromLength, sizeof from);
    CHECK_EQ_LONG(from.sin_family, AF_INET);
    CHECK_EQ_LONG(ntohs(from.sin_port), portA);
    CHECK_EQ_LONG(ntohl(from.sin_addr.s_addr), INADDR_LOOPBACK);
    /* A datagram cut short: recvmsg flags it, the rest is gone. */
    char small[2];
    struct iovec vector = {small, sizeof small};
    struct msghdr message;
    memset(&message, 0, sizeof message);
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    message.msg_name = &from;
    message.msg_namelen = sizeof from;
    CHECK_EQ_LONG(recvmsg(b, &message, 0), 2);
    CHECK((message.msg_flags & MSG_TRUNC) != 0, "MSG_TRUNC flagged");
    CHECK_EQ_LONG(message.msg_namelen, sizeof from);
    CHECK(memcmp(small, "se", 2) == 0, "truncated bytes");
    CHECK_EQ_LONG(recv(b, buffer, sizeof buffer, 0), 0);
    CHECK_ERR(recv(b, buffer, sizeof buffer, MSG_DONTWAIT), EAGAIN);
    CHECK_EQ_LONG(sendto(a, "whole", 5, 0, (struct sockaddr *)&toB, sizeof toB), 5);
    CHECK_EQ_LONG(recv(b, buffer, 1, MSG_TRUNC), 5);

    /* sendmsg with an address and two vectors is one datagram. */
    struct iovec parts[2] = {{"ab", 2}, {"cd", 2}};
    memset(&message, 0, sizeof message);
    message.msg_iov = parts;
    message.msg_iovlen = 2;
    message.msg_name = &toA;
    message.msg_namelen = sizeof toA;
    CHECK_EQ_LONG(sendmsg(b, &message, 0), 4);
    CHECK_EQ_LONG(recv(a, buffer, sizeof buffer, 0), 4);
    CHECK(memcmp(buffer, "abcd", 4) == 0, "gathered datagram");

    /* Errors on an unconnected socket. */
    CHECK_ERR(send(a, "x", 1, 0), EDESTADDRREQ);
    struct sockaddr_in zeroPort = loopback_address(0);
    CHECK_ERR(sendto(a, "x", 1, 0, (struct sockaddr *)&zeroPort, sizeof zeroPort), EINVAL);
    CHECK_ERR(sendto(a, "x", 1, 0, (struct sockaddr *)&toB, sizeof toB - 1), EINVAL);
    static char huge[70000];
    CHECK_ERR(sendto(a, huge, 65508, 0, (struct sockaddr *)&toB, sizeof toB), EMSGSIZE);
    CHECK_EQ_LONG(sendto(a, huge, 65507, 0, (struct sockaddr *)&toB, sizeof toB), 65507);
    CHECK_EQ_LONG(recv(b, huge, sizeof huge, 0), 65507);
    struct sockaddr_in name;
    socklen_t nameLength = sizeof name;
    CHECK_ERR(getpeername(a, (struct sockaddr *)&name, &nameLength), ENOTCONN);

    /* An unbound socket gets a port on its first send. */
    int c = socket(AF_INET, SOCK_DGRAM, 0);
    CHECK_EQ_LONG(bound_port(c), 0);
    CHECK_EQ_LONG(sendto(c, "hi", 2, 0, (struct sockaddr *)&toB, sizeof toB), 2);
    CHECK(bound_port(c) != 0, "automatic port");
    fromLength = sizeof from;
    CHECK_EQ_LONG(recvfrom(b, buffer, sizeof buffer, 0, (struct sockaddr *)&from, &fromLength), 2);
    CHECK_EQ_LONG(ntohs(from.sin_port), bound_port(c));

    /* Connected: sends need no address, only the peer's datagrams arrive. */
    CHECK_OK(connect(b, (struct sockaddr *)&toA, sizeof toA));
    nameLength = sizeof name;
    CHECK_OK(getpeername(b, (struct sockaddr *)&name, &nameLength));
    CHECK_EQ_LONG(ntohs(name.sin_port), portA);
    CHECK_EQ_LONG(sendto(c, "stranger", 8, 0, (struct sockaddr *)&toB, sizeof toB), 8);
    CHECK_EQ_LONG(sendto(a, "friend", 6, 0, (struct sockaddr *)&toB, sizeof toB), 6);
    CHECK_EQ_LONG(recv(b, buffer, sizeof buffer, 0), 6);
    CHECK(memcmp(buffer, "friend", 6) == 0, "only the peer's datagram");
    CHECK_EQ_LONG(send(b, "reply", 5, 0), 5);
    CHECK_EQ_LONG(recv(a, buffer, sizeof buffer, 0), 5);
    struct sockaddr unspecified = {.sa_family = AF_UNSPEC};
    CHECK_OK(connect(b, &unspecified, sizeof unspecified));
    nameLength = sizeof name;
    CHECK_ERR(getpeername(b, (struct sockaddr *)&name, &nameLength), ENOTCONN);

    /* A connected socket hears of a closed port (ICMP port unreachable) as ECONNREFUSED. */
    unsigned short closedPort = 0;
    int gone = bound_socket(SOCK_DGRAM, &closedPort);
    close(gone);
    struct sockaddr_in toClosed = loopback_address(closedPort);
    int d = socket(AF_INET, SOCK_DGRAM, 0);
    CHECK_OK(connect(d, (struct sockaddr *)&toClosed, sizeof toClosed));
    CHECK_EQ_LONG(send(d, "x", 1, 0), 1);
    apus_sleep_ms(20);
    CHECK_ERR(recv(d, buffer, sizeof buffer, MSG_DONTWAIT), ECONNREFUSED);
    CHECK_ERR(recv(d, buffer, sizeof buffer, MSG_DONTWAIT), EAGAIN);

    close(a);
    close(b);
    close(c);
    close(d);
    return test_finish("udp_loopback");
}
