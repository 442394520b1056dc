/* Orphan reparenting: when a parent exits, its running child gets a new
 * parent (init, or the nearest subreaper) and getppid(2) says so. The
 * orphan reports through a pipe because we cannot wait for it. */
#include "apus_test.h"

int main(void)
{
    int p[2];
    CHECK_OK(pipe(p));
    pid_t top = getpid();
    pid_t middle = test_fork();
    if (middle == 0) {
        pid_t me = getpid();
        pid_t orphan = fork();
        if (orphan == 0) {
            close(p[0]);
            /* Wait (up to 10 s) for our parent to exit and the reparenting. */
            pid_t pp = getppid();
            for (int i = 0; i < 1000 && pp == me; i++) {
                apus_sleep_ms(10);
                pp = getppid();
            }
            long report[2] = {(long)pp, (long)getpid()};
            if (write(p[1], report, sizeof report) != sizeof report)
                _exit(1);
            _exit(0);
        }
        _exit(orphan > 0 ? 0 : 1);
    }
    close(p[1]);
    CHECK_EQ_LONG(child_exit_status(middle), 0);

    long report[2] = {0, 0};
    ssize_t n = read(p[0], report, sizeof report);
    CHECK_EQ_LONG(n, sizeof report);
    CHECK(report[0] != middle, "orphan's parent is no longer the exited process");
    CHECK(report[0] > 0, "orphan has a parent");
    /* The orphan is not our child: waiting for it is ECHILD (unless we are
     * the subreaper, which we did not ask to be). */
    if (report[0] != top)
        CHECK_ERR(waitpid((pid_t)report[1], NULL, 0), ECHILD);
    close(p[0]);
    return test_finish("orphan");
}
