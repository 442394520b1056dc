/* setpgid(2)/getpgid(2)/setsid(2)/getsid(2): process groups and sessions
 * of children, and the EPERM/ESRCH/EINVAL rules. */
#include "apus_test.h"

int main(void)
{
    pid_t me = getpid();
    pid_t my_pgrp = getpgrp();
    pid_t my_sid = getsid(0);

    /* A child starts in our group and session. */
    int go[2];
    CHECK_OK(pipe(go));
    pid_t pid = test_fork();
    if (pid == 0) {
        char c;
        close(go[1]);
        if (read(go[0], &c, 1) != 1)
            _exit(1);
        /* By now the parent put us in our own group: we are a group leader,
         * so setsid is refused. */
        CHECK_EQ_LONG(getpgrp(), getpid());
        CHECK_ERR(setsid(), EPERM);
        test_child_exit();
    }
    close(go[0]);
    CHECK_EQ_LONG(getpgid(pid), my_pgrp);
    CHECK_EQ_LONG(getsid(pid), my_sid);
    /* The parent may move its child into a new group of its own. */
    CHECK_OK(setpgid(pid, pid));
    CHECK_EQ_LONG(getpgid(pid), pid);
    CHECK_EQ_LONG(write(go[1], "g", 1), 1);
    close(go[1]);
    CHECK_EQ_LONG(child_exit_status(pid), 0);

    /* setsid in a child that is not a group leader: new session and group. */
    pid = test_fork();
    if (pid == 0) {
        pid_t sid = setsid();
        CHECK_EQ_LONG(sid, getpid());
        CHECK_EQ_LONG(getsid(0), getpid());
        CHECK_EQ_LONG(getpgrp(), getpid());
        /* Now a session leader: it cannot change its group. */
        CHECK_ERR(setpgid(0, my_pgrp), EPERM);
        test_child_exit();
    }
    CHECK_EQ_LONG(child_exit_status(pid), 0);

    /* setpgid(0, 0) makes the caller a group leader. */
    pid = test_fork();
    if (pid == 0) {
        CHECK_OK(setpgid(0, 0));
        CHECK_EQ_LONG(getpgrp(), getpid());
        /* Joining back the original group (same session) works. */
        CHECK_OK(setpgid(0, my_pgrp));
        CHECK_EQ_LONG(getpgrp(), my_pgrp);
        /* A group that does not exist in our session. */
        CHECK_ERR(setpgid(0, 0x3ffffff0), EPERM);
        test_child_exit();
    }
    CHECK_EQ_LONG(child_exit_status(pid), 0);

    /* Errors in the parent. */
    CHECK_ERR(setpgid(-1, 0), EINVAL);
    CHECK_ERR(setpgid(0, -1), EINVAL);
    CHECK_ERR(setpgid(0x3ffffff0, 0), ESRCH);
    CHECK_ERR(setpgid(pid, pid), ESRCH);           /* reaped child */
    CHECK_ERR(getsid(0x3ffffff0), ESRCH);
    CHECK_EQ_LONG(getpgid(0), my_pgrp);
    CHECK_EQ_LONG(getpid(), me);
    return test_finish("pgid_session");
}
