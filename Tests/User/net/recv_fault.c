/* A receive into a bad buffer (recv(2), readv(2), EFAULT): on a byte stream (TCP, AF_UNIX
 * stream) the bytes stay queued for the next read, also when the fault comes after a good first
 * vector of the same chunk. (Linux drops a datagram whose copy faults; Apus does not yet.) */
#include "apus_net.h"
#include <sys/uio.h>

/* An address no program maps, hidden from the compiler's buffer-size checks. */
static void *volatile bad_address = (void *)8;

static void stream_keeps_bytes(int writer, int reader)
{
    char buffer[16];
    CHECK_EQ_LONG(write(writer, "abc", 3), 3);
    CHECK_EQ_LONG(recv(reader, buffer, 1, MSG_PEEK), 1);
    CHECK_ERR(recv(reader, bad_address, 3, MSG_DONTWAIT), EFAULT);
    CHECK_ERR(recv(reader, bad_address, 3, MSG_DONTWAIT | MSG_PEEK), EFAULT);
    CHECK_ERR(read(reader, bad_address, 3), EFAULT);
    memset(buffer, 0, sizeof buffer);
    CHECK_EQ_LONG(recv(reader, buffer, sizeof buffer, MSG_DONTWAIT), 3);
    CHECK(memcmp(buffer, "abc", 3) == 0, "the bytes are still there");

    CHECK_EQ_LONG(write(writer, "abcdef", 6), 6);
    struct iovec vectors[2] = {{buffer, 3}, {bad_address, 3}};
    CHECK_ERR(readv(reader, vectors, 2), EFAULT);
    memset(buffer, 0, sizeof buffer);
    CHECK_EQ_LONG(recv(reader, buffer, sizeof buffer, MSG_DONTWAIT), 6);
    CHECK(memcmp(buffer, "abcdef", 6) == 0, "a chunk half copied stays whole");
    CHECK_ERR(recv(reader, buffer, sizeof buffer, MSG_DONTWAIT), EAGAIN);
}

int main(void)
{
    unsigned short port = 0;
    int listener = listening_socket(&port);
    int client = connect_to(port);
    int server = accept(listener, NULL, NULL);
    CHECK(listener >= 0 && client >= 0 && server >= 0, "a TCP connection");
    CHECK_OK(fcntl(server, F_SETFL, O_NONBLOCK));
    /* Loopback delivers before write returns, on Linux and on Apus. */
    int nodelay = 1;
    CHECK_OK(setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &nodelay, sizeof nodelay));
    stream_keeps_bytes(client, server);

    int pair[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, pair));
    stream_keeps_bytes(pair[0], pair[1]);
    close(pair[0]);
    close(pair[1]);

    close(client);
    close(server);
    close(listener);
    return test_finish("recv_fault");
}
