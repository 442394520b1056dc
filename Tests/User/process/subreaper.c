/* prctl(PR_SET_CHILD_SUBREAPER): orphaned descendants are reparented to the
 * subreaper, which sees them in getppid() and can wait for them. */
#include "apus_test.h"
#include <sys/prctl.h>

int main(void)
{
    int flag = -1;
    CHECK_OK(prctl(PR_GET_CHILD_SUBREAPER, (unsigned long)&flag, 0, 0, 0));
    CHECK_EQ_LONG(flag, 0);
    CHECK_OK(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0));
    CHECK_OK(prctl(PR_GET_CHILD_SUBREAPER, (unsigned long)&flag, 0, 0, 0));
    CHECK_EQ_LONG(flag, 1);

    int p[2];
    CHECK_OK(pipe(p));
    pid_t top = getpid();
    pid_t middle = test_fork();
    if (middle == 0) {
        pid_t me = getpid();
        pid_t orphan = fork();
        if (orphan == 0) {
            close(p[0]);
            pid_t pp = getppid();
            for (int i = 0; i < 1000 && pp == me; i++) {
                apus_sleep_ms(10);
                pp = getppid();
            }
            long report = pp;
            if (write(p[1], &report, sizeof report) != sizeof report)
                _exit(1);
            _exit(77);
        }
        long o = orphan;
        if (write(p[1], &o, sizeof o) != sizeof o)
            _exit(1);
        _exit(0);
    }
    close(p[1]);
    long orphan = 0, reported = 0;
    CHECK_EQ_LONG(read(p[0], &orphan, sizeof orphan), sizeof orphan);
    CHECK_EQ_LONG(child_exit_status(middle), 0);
    CHECK_EQ_LONG(read(p[0], &reported, sizeof reported), sizeof reported);
    CHECK_EQ_LONG(reported, top);
    /* The grandchild is ours to reap now. */
    CHECK_EQ_LONG(child_exit_status((pid_t)orphan), 77);
    CHECK_ERR(waitpid(-1, NULL, WNOHANG), ECHILD);

    CHECK_OK(prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0));
    CHECK_OK(prctl(PR_GET_CHILD_SUBREAPER, (unsigned long)&flag, 0, 0, 0));
    CHECK_EQ_LONG(flag, 0);
    close(p[0]);
    return test_finish("subreaper");
}
