/* Per-user pipe limits (pipe(7) "/proc files", fcntl(2) F_SETPIPE_SZ):
 * without privilege F_SETPIPE_SZ above pipe-max-size (1 MiB) is EPERM while
 * 1 MiB itself is allowed; once a user's pipes hold more than
 * pipe-user-pages-soft (16384) pages, a new pipe of that user gets 2 pages
 * (8192 bytes) instead of 16 and growing a pipe is EPERM, until some of the
 * user's pipes are closed. CAP_SYS_RESOURCE (root on Apus; not always root in
 * a container) may grow a pipe past 1 MiB.
 * Runs as a user of its own (uid 61234), so no other program's pipes count. */
#include "apus_test.h"
#include <sys/resource.h>

#define TEST_UID 61234
#define FULL_PIPES 1024   /* 1024 pipes x 16 pages = 16384 pages: exactly the soft limit */

static int pipes[FULL_PIPES + 1][2];

int main(void)
{
    int p[2];
    CHECK_OK(pipe(p));
    /* CAP_SYS_RESOURCE may go past pipe-max-size. */
    if (apus_has_cap_sys_resource()) {
        CHECK_EQ_LONG(fcntl(p[1], F_SETPIPE_SZ, 2 << 20), 2 << 20);
        CHECK_EQ_LONG(fcntl(p[0], F_GETPIPE_SZ), 2 << 20);
    } else {
        CHECK_ERR(fcntl(p[1], F_SETPIPE_SZ, 2 << 20), EPERM);
    }
    /* Above 2 GiB the size cannot be rounded: EINVAL. */
    CHECK_ERR(fcntl(p[1], F_SETPIPE_SZ, (1u << 31) + 1), EINVAL);
    close(p[0]);
    close(p[1]);

    pid_t child = test_fork();
    if (child == 0) {
        struct rlimit files;
        CHECK_OK(getrlimit(RLIMIT_NOFILE, &files));
        CHECK(files.rlim_max >= 2 * FULL_PIPES + 64, "the hard descriptor limit leaves room for the test");
        files.rlim_cur = 2 * FULL_PIPES + 64;
        CHECK_OK(setrlimit(RLIMIT_NOFILE, &files));
        CHECK_OK(setgid(TEST_UID));
        CHECK_OK(setuid(TEST_UID));

        CHECK_OK(pipe(p));
        CHECK_EQ_LONG(fcntl(p[0], F_GETPIPE_SZ), 65536);
        CHECK_ERR(fcntl(p[1], F_SETPIPE_SZ, 2 << 20), EPERM);
        CHECK_EQ_LONG(fcntl(p[1], F_SETPIPE_SZ, 1 << 20), 1 << 20);
        CHECK_EQ_LONG(fcntl(p[1], F_SETPIPE_SZ, 4096), 4096);     /* shrinking is always allowed */
        close(p[0]);
        close(p[1]);

        /* Up to the soft limit every pipe gets the default 16 pages. */
        int made = 0;
        for (int i = 0; i < FULL_PIPES; i++) {
            if (pipe(pipes[i]) != 0)
                break;
            made++;
        }
        CHECK_EQ_LONG(made, FULL_PIPES);
        CHECK_EQ_LONG(fcntl(pipes[FULL_PIPES - 1][0], F_GETPIPE_SZ), 65536);
        /* Past it: 2 pages, and no growing. */
        CHECK_OK(pipe(pipes[FULL_PIPES]));
        int *small = pipes[FULL_PIPES];
        CHECK_EQ_LONG(fcntl(small[0], F_GETPIPE_SZ), 8192);
        CHECK_ERR(fcntl(small[1], F_SETPIPE_SZ, 65536), EPERM);
        CHECK_ERR(fcntl(pipes[0][1], F_SETPIPE_SZ, 131072), EPERM);
        CHECK_EQ_LONG(fcntl(pipes[0][1], F_SETPIPE_SZ, 4096), 4096);   /* shrinking still works */
        /* The small pipe holds 8192 bytes, and works. */
        CHECK_OK(fcntl(small[1], F_SETFL, O_NONBLOCK));
        static char page[4096];
        memset(page, 'q', sizeof page);
        CHECK_EQ_LONG(write(small[1], page, sizeof page), 4096);
        CHECK_EQ_LONG(write(small[1], page, sizeof page), 4096);
        CHECK_ERR(write(small[1], page, sizeof page), EAGAIN);
        CHECK_EQ_LONG(read(small[0], page, sizeof page), 4096);
        /* Closing pipes gives their pages back to the user. */
        for (int i = 1; i < 11; i++) {
            close(pipes[i][0]);
            close(pipes[i][1]);
        }
        CHECK_EQ_LONG(fcntl(small[1], F_SETPIPE_SZ, 65536), 65536);
        CHECK_OK(pipe(p));
        CHECK_EQ_LONG(fcntl(p[0], F_GETPIPE_SZ), 65536);
        test_child_exit();
    }
    CHECK_EQ_LONG(child_exit_status(child), 0);
    return test_finish("limits");
}
