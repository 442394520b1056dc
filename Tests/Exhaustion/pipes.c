/* Pipe hog (issue 10, item 4): eight processes of an unprivileged user each
 * make pipes until the descriptor limit, grow each to pipe-max-size where the
 * per-user limits allow, and fill them until EAGAIN (full) or ENOMEM (no
 * memory for another page). Refusals Linux gives: EMFILE/ENFILE for pipe(2),
 * EPERM for F_SETPIPE_SZ past the limits, EAGAIN/ENOMEM for writes. */
#include "hog.h"

static int work(int index)
{
    static const int pipe_refusals[] = { EMFILE, ENFILE, ENOMEM, 0 };
    static const int resize_refusals[] = { EPERM, ENOMEM, 0 };
    static const int write_refusals[] = { EAGAIN, ENOMEM, 0 };
    static char page[4096];
    memset(page, 'p' + index, sizeof page);
    hog_raise_file_limit();
    double start = hog_now();
    long pipes = 0, bytes = 0;
    while (hog_in_time(start)) {
        int p[2];
        if (pipe2(p, O_NONBLOCK) != 0) {
            hog_expect("pipe2", errno, pipe_refusals);
            break;
        }
        pipes++;
        if (fcntl(p[1], F_SETPIPE_SZ, 1 << 20) < 0)
            hog_expect("F_SETPIPE_SZ", errno, resize_refusals);
        for (;;) {
            ssize_t n = write(p[1], page, sizeof page);
            if (n < 0) {
                hog_expect("write", errno, write_refusals);
                break;
            }
            bytes += n;
        }
    }
    hog_say("pipes worker %d: %ld pipes, %ld KiB queued\n", index, pipes, bytes / 1024);
    return hog_hold(start);
}

int main(void)
{
    return hog_run_as_nobody("pipes", 8, work);
}
