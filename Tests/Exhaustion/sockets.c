/* AF_UNIX socket hog (issue 10, item 4): eight processes of an unprivileged
 * user each make stream and datagram socket pairs until the descriptor limit,
 * raise SO_SNDBUF to its maximum, and send into them until the buffers are
 * full (EAGAIN) or the kernel has no memory for more (ENOBUFS, ENOMEM). */
#include "hog.h"
#include <sys/socket.h>

static int work(int index)
{
    static const int socket_refusals[] = { EMFILE, ENFILE, ENOMEM, ENOBUFS, 0 };
    static const int send_refusals[] = { EAGAIN, ENOBUFS, ENOMEM, 0 };
    static char chunk[65536];
    memset(chunk, 's' + index, sizeof chunk);
    hog_raise_file_limit();
    double start = hog_now();
    long pairs = 0, bytes = 0;
    while (hog_in_time(start)) {
        int kind = pairs % 2 ? SOCK_DGRAM : SOCK_STREAM;
        int s[2];
        if (socketpair(AF_UNIX, kind | SOCK_NONBLOCK, 0, s) != 0) {
            hog_expect("socketpair", errno, socket_refusals);
            break;
        }
        pairs++;
        int size = 1 << 30;
        setsockopt(s[0], SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
        size_t length = kind == SOCK_STREAM ? sizeof chunk : 4096;
        for (;;) {
            ssize_t n = send(s[0], chunk, length, MSG_DONTWAIT);
            if (n < 0) {
                hog_expect("send", errno, send_refusals);
                break;
            }
            bytes += n;
        }
    }
    hog_say("sockets worker %d: %ld pairs, %ld KiB queued\n", index, pairs, bytes / 1024);
    return hog_hold(start);
}

int main(void)
{
    return hog_run_as_nobody("sockets", 8, work);
}
