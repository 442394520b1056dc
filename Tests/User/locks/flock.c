/* flock(2): LOCK_SH/LOCK_EX/LOCK_UN with LOCK_NB (EWOULDBLOCK) on the open file
 * description. Two opens conflict, shared locks coexist; a failed LOCK_NB
 * conversion has already given up the old lock (not atomic, as flock(2) says);
 * dup and fork share the lock, the last close releases it; flock locks and
 * fcntl record locks do not see each other; a blocked flock waits for the
 * holder, and a handler without SA_RESTART makes it EINTR. Errors: EINVAL for a
 * bad operation (before the descriptor is looked at), EBADF. */
#include "locks_common.h"
#include <signal.h>
#include <sys/file.h>

static void on_alarm(int sig) { (void)sig; }

int main(void)
{
    if (test_enter_scratch_dir("flock") != 0)
        return test_finish("flock");
    int a = make_file("data", 10, O_RDONLY);
    int b = open("data", O_RDONLY);
    int c = open("data", O_WRONLY);
    CHECK(a >= 0 && b >= 0 && c >= 0, "open data three times");

    CHECK_OK(flock(a, LOCK_EX));                 /* a read-only descriptor may hold LOCK_EX */
    CHECK_OK(flock(a, LOCK_EX | LOCK_NB));       /* again: nothing changes */
    CHECK_ERR(flock(b, LOCK_EX | LOCK_NB), EWOULDBLOCK);
    CHECK_ERR(flock(b, LOCK_SH | LOCK_NB), EWOULDBLOCK);
    CHECK_OK(flock(a, LOCK_SH));                 /* downgrade */
    CHECK_OK(flock(b, LOCK_SH | LOCK_NB));
    CHECK_ERR(flock(c, LOCK_EX | LOCK_NB), EWOULDBLOCK);
    /* The conversion gives up a's lock first, then fails on b's. */
    CHECK_ERR(flock(a, LOCK_EX | LOCK_NB), EWOULDBLOCK);
    CHECK_OK(flock(b, LOCK_UN));
    CHECK_OK(flock(c, LOCK_EX | LOCK_NB));
    CHECK_OK(flock(c, LOCK_UN));
    CHECK_OK(flock(c, LOCK_UN));                 /* unlocking nothing is fine */

    /* Independent of record locks. */
    CHECK_OK(flock(a, LOCK_EX));
    CHECK_OK(lock_call(c, F_SETLK, F_WRLCK, SEEK_SET, 0, 0));
    struct flock fl;
    CHECK_OK(lock_query(a, F_GETLK, F_WRLCK, 0, 0, &fl));
    CHECK_EQ_LONG(fl.l_type, F_UNLCK);
    CHECK_OK(lock_call(c, F_SETLK, F_UNLCK, SEEK_SET, 0, 0));

    /* dup shares it: closing one copy keeps it, the last close releases it. */
    int copy = dup(a);
    CHECK(copy >= 0, "dup");
    CHECK_OK(flock(copy, LOCK_EX | LOCK_NB));    /* same description */
    CHECK_OK(close(a));
    CHECK_ERR(flock(b, LOCK_SH | LOCK_NB), EWOULDBLOCK);
    CHECK_OK(close(copy));
    CHECK_OK(flock(b, LOCK_EX | LOCK_NB));
    CHECK_OK(flock(b, LOCK_UN));

    /* fork shares it: the child's LOCK_UN releases the parent's lock. */
    a = open("data", O_RDONLY);
    CHECK(a >= 0, "reopen");
    CHECK_OK(flock(a, LOCK_EX));
    pid_t pid = test_fork();
    if (pid == 0) {
        CHECK_OK(flock(a, LOCK_EX | LOCK_NB));
        CHECK_ERR(flock(b, LOCK_EX | LOCK_NB), EWOULDBLOCK);
        CHECK_OK(flock(a, LOCK_UN));
        CHECK_OK(flock(b, LOCK_EX | LOCK_NB));
        CHECK_OK(flock(b, LOCK_UN));
        test_child_exit();
    }
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    CHECK_OK(flock(b, LOCK_EX | LOCK_NB));

    /* A blocked flock: EINTR from a handler, then it waits for the unlock. */
    int to_parent[2];
    CHECK_OK(pipe(to_parent));
    pid = test_fork();
    if (pid == 0) {
        int mine = open("data", O_RDONLY);
        CHECK(mine >= 0, "child open");
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_alarm;
        CHECK_OK(sigaction(SIGALRM, &sa, NULL));
        alarm(1);
        CHECK_ERR(flock(mine, LOCK_SH), EINTR);
        signal_peer(to_parent[1]);
        long long start = apus_now_ns();
        CHECK_OK(flock(mine, LOCK_SH));
        CHECK(apus_now_ns() - start >= 100000000LL, "flock returned before the unlock");
        test_child_exit();
    }
    CHECK_OK(wait_peer(to_parent[0]));
    apus_sleep_ms(200);
    CHECK_OK(flock(b, LOCK_UN));
    CHECK_EQ_LONG(child_exit_status(pid), 0);

    /* Errors. */
    CHECK_ERR(flock(a, 0), EINVAL);
    CHECK_ERR(flock(a, LOCK_SH | LOCK_EX), EINVAL);
    CHECK_ERR(flock(a, LOCK_NB), EINVAL);
    CHECK_ERR(flock(a, 16), EINVAL);
    CHECK_ERR(flock(-1, LOCK_SH), EBADF);
    CHECK_ERR(flock(999, LOCK_UN), EBADF);
    CHECK_ERR(flock(-1, 0), EINVAL);
    int path_only = open("data", O_PATH);
    CHECK(path_only >= 0, "O_PATH open");
    CHECK_ERR(flock(path_only, LOCK_SH), EBADF);
    CHECK_OK(close(path_only));
    CHECK_OK(close(a));
    CHECK_OK(close(b));
    CHECK_OK(close(c));
    test_leave_scratch_dir();
    return test_finish("flock");
}
