/* fcntl(2) "Advisory record locking": F_SETLK/F_SETLKW/F_GETLK between a
 * parent and a forked child. A lock is seen by the other process (l_pid names
 * its holder, l_whence comes back SEEK_SET), conflicts are EAGAIN, unlocking
 * the middle of a range splits it, touching locks of one type merge, l_whence
 * SEEK_CUR/SEEK_END and l_len 0 (to EOF) and negative are honoured; locks are
 * not inherited by fork; closing ANY descriptor of the file releases all of the
 * process's locks on it, and so does exit; F_SETLKW sleeps until the range is
 * free, returns EINTR when a handler without SA_RESTART runs, goes on waiting
 * after a handler with SA_RESTART, and SIGKILL ends the sleep. */
#include "locks_common.h"
#include <signal.h>

static volatile sig_atomic_t alarms;

static void on_alarm(int sig) { (void)sig; alarms++; }

int main(void)
{
    if (test_enter_scratch_dir("posix_locks") != 0)
        return test_finish("posix_locks");
    int fd = make_file("data", 100, O_RDWR);
    CHECK(fd >= 0, "open data");
    int to_child[2], to_parent[2];
    CHECK_OK(pipe(to_child));
    CHECK_OK(pipe(to_parent));
    pid_t parent = getpid();

    /* The parent's write lock on [0, 9] as the child sees it. */
    CHECK_OK(lock_call(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 10));
    pid_t pid = test_fork();
    if (pid == 0) {
        CHECK_HELD(fd, F_GETLK, F_RDLCK, 0, 100, F_WRLCK, 0, 10, parent);
        CHECK_ERR(lock_call(fd, F_SETLK, F_RDLCK, SEEK_SET, 5, 1), EAGAIN);
        CHECK_FREE(fd, F_WRLCK, 10, 90);
        /* Not inherited: the child's unlock does not touch the parent's lock. */
        CHECK_OK(lock_call(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0));
        CHECK_QUERY(fd, F_GETLK, F_WRLCK, 0, 1, F_WRLCK, 0, 10);
        /* The child's own lock, for the parent to see. */
        CHECK_OK(lock_call(fd, F_SETLK, F_RDLCK, SEEK_SET, 50, 0));
        signal_peer(to_parent[1]);
        wait_peer(to_child[0]);
        test_child_exit();
    }
    CHECK_OK(wait_peer(to_parent[0]));
    CHECK_HELD(fd, F_GETLK, F_WRLCK, 60, 1, F_RDLCK, 50, 0, pid);
    CHECK_FREE(fd, F_RDLCK, 60, 1);
    signal_peer(to_child[1]);
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    /* Exit released the child's lock. */
    CHECK_FREE(fd, F_WRLCK, 60, 1);

    /* Splitting, merging, origins: the parent locks, a child reads the result. */
    CHECK_OK(lock_call(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 100));
    CHECK_OK(lock_call(fd, F_SETLK, F_UNLCK, SEEK_SET, 40, 20));         /* [0,39] [60,99] */
    CHECK_OK(lock_call(fd, F_SETLK, F_RDLCK, SEEK_SET, 200, 10));
    CHECK_OK(lock_call(fd, F_SETLK, F_RDLCK, SEEK_SET, 210, 10));        /* merged [200,219] */
    CHECK(lseek(fd, 300, SEEK_SET) == 300, "lseek 300");
    CHECK_OK(lock_call(fd, F_SETLK, F_WRLCK, SEEK_CUR, -10, 5));         /* [290,294] */
    CHECK_OK(lock_call(fd, F_SETLK, F_WRLCK, SEEK_END, 400, 1));         /* size 100: [500,500] */
    CHECK_OK(lock_call(fd, F_SETLK, F_WRLCK, SEEK_SET, 1000, -10));      /* [990,999] */
    CHECK_OK(lock_call(fd, F_SETLK, F_WRLCK, SEEK_SET, 2000, 0));        /* [2000,EOF] */
    CHECK_OK(lock_call(fd, F_SETLK, F_RDLCK, SEEK_SET, 2010, 5));        /* splits it in three */
    pid = test_fork();
    if (pid == 0) {
        CHECK_FREE(fd, F_WRLCK, 40, 20);
        CHECK_QUERY(fd, F_GETLK, F_WRLCK, 30, 15, F_WRLCK, 0, 40);
        CHECK_QUERY(fd, F_GETLK, F_RDLCK, 50, 20, F_WRLCK, 60, 40);
        CHECK_QUERY(fd, F_GETLK, F_WRLCK, 205, 1, F_RDLCK, 200, 20);
        CHECK_QUERY(fd, F_GETLK, F_RDLCK, 280, 100, F_WRLCK, 290, 5);
        CHECK_QUERY(fd, F_GETLK, F_RDLCK, 499, 3, F_WRLCK, 500, 1);
        CHECK_QUERY(fd, F_GETLK, F_RDLCK, 980, 100, F_WRLCK, 990, 10);
        CHECK_QUERY(fd, F_GETLK, F_RDLCK, 2005, 10, F_WRLCK, 2000, 10);
        CHECK_FREE(fd, F_RDLCK, 2010, 5);
        CHECK_QUERY(fd, F_GETLK, F_WRLCK, 2012, 1, F_RDLCK, 2010, 5);
        CHECK_QUERY(fd, F_GETLK, F_RDLCK, 3000, 1, F_WRLCK, 2015, 0);
        test_child_exit();
    }
    CHECK_EQ_LONG(child_exit_status(pid), 0);

    /* Closing another descriptor of the same file releases every lock. */
    int other = open("data", O_RDONLY);
    CHECK(other >= 0, "second open");
    CHECK_OK(close(other));
    pid = test_fork();
    if (pid == 0) {
        CHECK_FREE(fd, F_WRLCK, 0, 0);
        test_child_exit();
    }
    CHECK_EQ_LONG(child_exit_status(pid), 0);

    /* F_SETLKW waits for the holder; a handler without SA_RESTART makes it EINTR. */
    CHECK_OK(lock_call(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1));
    pid = test_fork();
    if (pid == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_alarm;
        CHECK_OK(sigaction(SIGALRM, &sa, NULL));
        alarm(1);
        CHECK_ERR(lock_call(fd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1), EINTR);
        CHECK_WAITS_FOR_UNLOCK(fd, F_SETLKW, F_WRLCK, 0, 1, to_parent[1]);
        test_child_exit();
    }
    RELEASE_AFTER_PAUSE(pid, to_parent[0], fd, F_SETLK, 0, 1);

    /* Under SA_RESTART the handler runs and F_SETLKW goes on waiting. */
    CHECK_OK(lock_call(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1));
    pid = test_fork();
    if (pid == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_alarm;
        sa.sa_flags = SA_RESTART;
        CHECK_OK(sigaction(SIGALRM, &sa, NULL));
        alarms = 0;
        alarm(1);
        CHECK_WAITS_FOR_UNLOCK(fd, F_SETLKW, F_WRLCK, 0, 1, to_parent[1]);
        CHECK_EQ_LONG(alarms, 1);
        test_child_exit();
    }
    CHECK_OK(wait_peer(to_parent[0]));
    apus_sleep_ms(1500);
    CHECK_OK(lock_call(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 1));
    CHECK_EQ_LONG(child_exit_status(pid), 0);

    /* SIGKILL ends a sleep in F_SETLKW at once. */
    CHECK_OK(lock_call(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1));
    pid = test_fork();
    if (pid == 0) {
        signal_peer(to_parent[1]);
        lock_call(fd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1);
        _exit(5);
    }
    CHECK_OK(wait_peer(to_parent[0]));
    apus_sleep_ms(100);
    CHECK_OK(kill(pid, SIGKILL));
    CHECK_EQ_LONG(child_exit_status(pid), 1000 + SIGKILL);
    CHECK_OK(close(fd));
    test_leave_scratch_dir();
    return test_finish("posix_locks");
}
