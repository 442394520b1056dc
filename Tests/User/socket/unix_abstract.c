/* AF_UNIX abstract names (unix(7)): sun_path starting with a NUL, every byte up to the address
 * length significant, no file made, gone when the socket closes; the automatic name of a bind
 * with the family alone; getsockname's lengths; a SOCK_SEQPACKET server and client keeping
 * message boundaries; EADDRINUSE, ECONNREFUSED. An abstract name belongs to one socket type
 * (Linux hashes the type in): another type neither finds it nor conflicts with it. */
#include "apus_test.h"
#include <sys/socket.h>
#include <sys/un.h>

static socklen_t make_abstract(struct sockaddr_un *address, const char *name)
{
    memset(address, 0, sizeof *address);
    address->sun_family = AF_UNIX;
    memcpy(address->sun_path + 1, name, strlen(name));
    return offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name);
}

int main(void)
{
    char name[64], buf[64];
    snprintf(name, sizeof name, "apus-abstract-%d", (int)getpid());
    struct sockaddr_un address, got;
    socklen_t length = make_abstract(&address, name);
    socklen_t gotLength;

    int server = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    CHECK(server >= 0, "socket");
    CHECK_EQ_LONG(fcntl(server, F_GETFD), FD_CLOEXEC);
    CHECK_OK(bind(server, (struct sockaddr *)&address, length));
    gotLength = sizeof got;
    CHECK_OK(getsockname(server, (struct sockaddr *)&got, &gotLength));
    CHECK_EQ_LONG(gotLength, length);
    CHECK(got.sun_path[0] == 0 && memcmp(got.sun_path + 1, name, strlen(name)) == 0, "the abstract name");

    /* The same name is in use; one byte longer (a trailing NUL) is another name. */
    int other = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    CHECK_ERR(bind(other, (struct sockaddr *)&address, length), EADDRINUSE);
    CHECK_ERR(connect(other, (struct sockaddr *)&address, length), ECONNREFUSED);
    CHECK_ERR(connect(other, (struct sockaddr *)&address, length + 1), ECONNREFUSED);
    CHECK_OK(bind(other, (struct sockaddr *)&address, length + 1));
    gotLength = sizeof got;
    CHECK_OK(getsockname(other, (struct sockaddr *)&got, &gotLength));
    CHECK_EQ_LONG(gotLength, length + 1);
    close(other);

    /* Listen and connect; a stream socket does not find a sequenced-packet name, and may take it. */
    CHECK_OK(listen(server, 4));
    int stream = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_ERR(connect(stream, (struct sockaddr *)&address, length), ECONNREFUSED);
    CHECK_OK(bind(stream, (struct sockaddr *)&address, length));
    close(stream);

    pid_t pid = test_fork();
    if (pid == 0) {
        int c = socket(AF_UNIX, SOCK_SEQPACKET, 0);
        CHECK_OK(connect(c, (struct sockaddr *)&address, length));
        CHECK_EQ_LONG(send(c, "one", 3, 0), 3);
        CHECK_EQ_LONG(send(c, "two!", 4, 0), 4);
        char reply[8];
        CHECK_EQ_LONG(recv(c, reply, sizeof reply, 0), 5);
        close(c);
        test_child_exit();
    }
    int accepted = accept(server, NULL, NULL);
    CHECK(accepted >= 0, "accept");
    CHECK_EQ_LONG(recv(accepted, buf, sizeof buf, 0), 3);
    CHECK_EQ_LONG(recv(accepted, buf, 2, 0), 2);
    CHECK_EQ_LONG(send(accepted, "three", 5, 0), 5);
    CHECK_EQ_LONG(recv(accepted, buf, sizeof buf, 0), 0);
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    close(accepted);

    /* Closing the socket frees its name. */
    close(server);
    int again = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    CHECK_ERR(connect(again, (struct sockaddr *)&address, length), ECONNREFUSED);
    CHECK_OK(bind(again, (struct sockaddr *)&address, length));
    close(again);

    /* Autobind: the family alone picks "\0" and five hex digits. */
    int automatic = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK_OK(bind(automatic, (struct sockaddr *)&address, offsetof(struct sockaddr_un, sun_path)));
    gotLength = sizeof got;
    CHECK_OK(getsockname(automatic, (struct sockaddr *)&got, &gotLength));
    CHECK_EQ_LONG(gotLength, offsetof(struct sockaddr_un, sun_path) + 6);
    CHECK(got.sun_path[0] == 0, "an abstract name");
    for (int i = 1; i < 6; i++)
        CHECK(strchr("0123456789abcdef", got.sun_path[i]) != NULL, "hex digits");
    int sender = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK_EQ_LONG(sendto(sender, "x", 1, 0, (struct sockaddr *)&got, gotLength), 1);
    CHECK_EQ_LONG(recv(automatic, buf, sizeof buf, 0), 1);
    CHECK_ERR(bind(automatic, (struct sockaddr *)&address, length), EINVAL);
    close(sender);
    close(automatic);
    return test_finish("unix_abstract");
}
