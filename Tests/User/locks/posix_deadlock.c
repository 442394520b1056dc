/* fcntl(2) F_SETLKW "EDEADLK": two processes each hold a byte and ask, with
 * F_SETLKW, for the other's. Whichever asks second would wait forever, so the
 * kernel refuses it with EDEADLK (Linux's posix_locks_deadlock); the first gets
 * its byte once the second gives up its own. A three-process cycle is found
 * too. A request that merely waits (no cycle) is not EDEADLK, and F_SETLK
 * never is. */
#include "locks_common.h"

/* Child `index` holds byte `index`, then (after every child holds its byte)
 * waits for byte (index + 1) % count. Reports through `results`: 'D' for
 * EDEADLK, 'L' for a lock obtained; on EDEADLK it exits, giving up its byte. */
static pid_t cycle_member(int fd, int index, int count, int ready_fd, int go_fd, int results_fd)
{
    pid_t pid = test_fork();
    if (pid != 0)
        return pid;
    CHECK_OK(lock_call(fd, F_SETLK, F_WRLCK, SEEK_SET, index, 1));
    signal_peer(ready_fd);
    wait_peer(go_fd);
    apus_sleep_ms(100 * index);      /* the requests come in order, usually */
    int r = lock_call(fd, F_SETLKW, F_WRLCK, SEEK_SET, (index + 1) % count, 1);
    char report = r == 0 ? 'L' : errno == EDEADLK ? 'D' : 'E';
    if (write(results_fd, &report, 1) != 1)
        _exit(91);
    if (report == 'L')
        apus_sleep_ms(50);
    test_child_exit();
    return 0;
}

static void run_cycle(int fd, int count)
{
    int ready[2], go[2], results[2];
    CHECK_OK(pipe(ready));
    CHECK_OK(pipe(go));
    CHECK_OK(pipe(results));
    pid_t pids[3];
    for (int i = 0; i < count; i++)
        pids[i] = cycle_member(fd, i, count, ready[1], go[0], results[1]);
    for (int i = 0; i < count; i++)
        CHECK_OK(wait_peer(ready[0]));
    for (int i = 0; i < count; i++)
        signal_peer(go[1]);
    int deadlocks = 0, locked = 0;
    for (int i = 0; i < count; i++) {
        char report = 0;
        CHECK(read(results[0], &report, 1) == 1, "a member reports");
        deadlocks += report == 'D';
        locked += report == 'L';
    }
    CHECK_EQ_LONG(deadlocks, 1);
    CHECK_EQ_LONG(locked, count - 1);
    for (int i = 0; i < count; i++)
        CHECK_EQ_LONG(child_exit_status(pids[i]), 0);
    close(ready[0]); close(ready[1]); close(go[0]); close(go[1]); close(results[0]); close(results[1]);
}

int main(void)
{
    if (test_enter_scratch_dir("posix_deadlock") != 0)
        return test_finish("posix_deadlock");
    int fd = make_file("data", 10, O_RDWR);
    CHECK(fd >= 0, "open data");

    run_cycle(fd, 2);
    run_cycle(fd, 3);

    /* Waiting without a cycle: the parent holds byte 0, a child waits for it
     * while holding byte 1; the parent's F_SETLK of byte 1 is EAGAIN, and its
     * F_SETLKW of byte 2 (free) succeeds. Only the parent's F_SETLKW of byte 1
     * would close the cycle: EDEADLK. */
    int to_parent[2];
    CHECK_OK(pipe(to_parent));
    CHECK_OK(lock_call(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1));
    pid_t pid = test_fork();
    if (pid == 0) {
        CHECK_OK(lock_call(fd, F_SETLK, F_WRLCK, SEEK_SET, 1, 1));
        signal_peer(to_parent[1]);
        CHECK_OK(lock_call(fd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1));
        test_child_exit();
    }
    CHECK_OK(wait_peer(to_parent[0]));
    apus_sleep_ms(200);
    CHECK_ERR(lock_call(fd, F_SETLK, F_WRLCK, SEEK_SET, 1, 1), EAGAIN);
    CHECK_OK(lock_call(fd, F_SETLKW, F_WRLCK, SEEK_SET, 2, 1));
    CHECK_ERR(lock_call(fd, F_SETLKW, F_WRLCK, SEEK_SET, 1, 1), EDEADLK);
    CHECK_OK(lock_call(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0));
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    CHECK_OK(close(fd));
    test_leave_scratch_dir();
    return test_finish("posix_deadlock");
}
