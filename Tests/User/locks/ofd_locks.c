/* fcntl(2) "Open file description locks (non-POSIX)": F_OFD_SETLK/F_OFD_SETLKW/
 * F_OFD_GETLK. The lock belongs to the open file description: a second open()
 * in the same process conflicts with it (l_pid -1 in the answer), dup() and
 * fork() share it, closing one of several descriptors keeps it, the last close
 * releases it; closing an unrelated descriptor of the file (which drops POSIX
 * locks) does not. OFD and classic POSIX locks conflict with each other. l_pid
 * must be 0 (EINVAL). F_OFD_SETLKW sleeps until the range is free. */
#include "locks_common.h"

int main(void)
{
    if (test_enter_scratch_dir("ofd_locks") != 0)
        return test_finish("ofd_locks");
    int first = make_file("data", 100, O_RDWR);
    int second = open("data", O_RDWR);
    CHECK(first >= 0 && second >= 0, "open data twice");
    struct flock fl;

    /* Two descriptions in one process conflict. */
    CHECK_OK(lock_call(first, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 10));
    CHECK_ERR(lock_call(second, F_OFD_SETLK, F_RDLCK, SEEK_SET, 5, 1), EAGAIN);
    CHECK_HELD(second, F_OFD_GETLK, F_RDLCK, 0, 0, F_WRLCK, 0, 10, -1);
    CHECK_OK(lock_query(first, F_OFD_GETLK, F_WRLCK, 0, 0, &fl));
    CHECK_EQ_LONG(fl.l_type, F_UNLCK);
    /* Classic POSIX locks of the same process conflict with it too. */
    CHECK_OK(lock_query(first, F_GETLK, F_RDLCK, 0, 0, &fl));
    CHECK_EQ_LONG(fl.l_type, F_WRLCK);
    CHECK_EQ_LONG(fl.l_pid, -1);
    CHECK_ERR(lock_call(first, F_SETLK, F_RDLCK, SEEK_SET, 0, 1), EAGAIN);
    CHECK_OK(lock_call(first, F_SETLK, F_WRLCK, SEEK_SET, 50, 10));
    CHECK_ERR(lock_call(second, F_OFD_SETLK, F_RDLCK, SEEK_SET, 55, 1), EAGAIN);
    CHECK_OK(lock_call(first, F_SETLK, F_UNLCK, SEEK_SET, 0, 0));

    /* Closing an unrelated descriptor of the file keeps OFD locks. */
    int third = open("data", O_RDONLY);
    CHECK(third >= 0, "third open");
    CHECK_OK(close(third));
    CHECK_ERR(lock_call(second, F_OFD_SETLK, F_RDLCK, SEEK_SET, 0, 1), EAGAIN);

    /* dup shares the lock; it goes with the last descriptor. */
    int copy = dup(first);
    CHECK(copy >= 0, "dup");
    CHECK_OK(lock_call(copy, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 20));   /* same owner: extends */
    CHECK_OK(close(first));
    CHECK_OK(lock_query(second, F_OFD_GETLK, F_RDLCK, 15, 1, &fl));
    CHECK_EQ_LONG(fl.l_type, F_WRLCK);
    CHECK_EQ_LONG(fl.l_len, 20);
    CHECK_OK(close(copy));
    CHECK_OK(lock_query(second, F_OFD_GETLK, F_WRLCK, 0, 0, &fl));
    CHECK_EQ_LONG(fl.l_type, F_UNLCK);

    /* fork shares the description, so the child may change the lock. */
    first = open("data", O_RDWR);
    CHECK(first >= 0, "reopen");
    CHECK_OK(lock_call(first, F_OFD_SETLK, F_RDLCK, SEEK_SET, 0, 0));
    pid_t pid = test_fork();
    if (pid == 0) {
        CHECK_OK(lock_call(first, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 0));
        struct flock c;
        CHECK_OK(lock_query(second, F_OFD_GETLK, F_RDLCK, 0, 1, &c));
        CHECK_EQ_LONG(c.l_type, F_WRLCK);
        test_child_exit();
    }
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    /* The child's exit closed its copy, not the description. */
    CHECK_OK(lock_query(second, F_OFD_GETLK, F_RDLCK, 0, 1, &fl));
    CHECK_EQ_LONG(fl.l_type, F_WRLCK);

    /* F_OFD_SETLKW in a child waits until the parent unlocks. */
    int to_parent[2];
    CHECK_OK(pipe(to_parent));
    pid = test_fork();
    if (pid == 0) {
        int mine = open("data", O_RDWR);
        CHECK(mine >= 0, "child open");
        CHECK_WAITS_FOR_UNLOCK(mine, F_OFD_SETLKW, F_WRLCK, 0, 1, to_parent[1]);
        test_child_exit();
    }
    RELEASE_AFTER_PAUSE(pid, to_parent[0], first, F_OFD_SETLK, 0, 0);

    /* l_pid must be 0. */
    struct flock bad;
    memset(&bad, 0, sizeof bad);
    bad.l_type = F_RDLCK;
    bad.l_pid = getpid();
    CHECK_ERR(fcntl(first, F_OFD_SETLK, &bad), EINVAL);
    CHECK_ERR(fcntl(first, F_OFD_SETLKW, &bad), EINVAL);
    CHECK_ERR(fcntl(first, F_OFD_GETLK, &bad), EINVAL);
    CHECK_OK(close(first));
    CHECK_OK(close(second));
    test_leave_scratch_dir();
    return test_finish("ofd_locks");
}
