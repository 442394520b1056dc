/* fcntl(2) record locks across execve(2) and between threads: a lock taken
 * before execve is still held after it (the descriptor table, its owner, is
 * kept); the threads of a process share their locks (one thread's request
 * never conflicts with another's); a thread asleep in F_SETLKW does not keep
 * its process alive when another thread calls exit: the group exit ends the
 * sleep. The program re-executes itself in a "--holder" mode. */
#include "locks_common.h"
#include <pthread.h>
#include <stdlib.h>

static char self[4096];

/* argv: self --holder <lock fd> <ready fd> <go fd>. Exit 0 if the lock held
 * before exec is ours (no conflict with ourselves), 3 if not. */
static int holder_mode(char **argv)
{
    int fd = atoi(argv[2]), ready = atoi(argv[3]), go = atoi(argv[4]);
    struct flock q;
    int ok = lock_query(fd, F_GETLK, F_WRLCK, 0, 0, &q) == 0 && q.l_type == F_UNLCK;
    signal_peer(ready);
    wait_peer(go);
    return ok ? 0 : 3;
}

static int shared_fd;

static void *same_owner(void *arg)
{
    (void)arg;
    long result = lock_call(shared_fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1) == 0 ? 0 : errno;
    return (void *)result;
}

static void *sleeper(void *arg)
{
    (void)arg;
    lock_call(shared_fd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "--holder") == 0)
        return holder_mode(argv);
    CHECK_OK(apus_self_path(argv[0], self, sizeof self));
    if (test_enter_scratch_dir("exec_threads") != 0)
        return test_finish("exec_threads");
    int fd = make_file("data", 10, O_RDWR);
    CHECK(fd >= 0, "open data");
    shared_fd = fd;
    int ready[2], go[2];
    CHECK_OK(pipe(ready));
    CHECK_OK(pipe(go));

    /* Kept across execve. */
    pid_t pid = test_fork();
    if (pid == 0) {
        char fd_text[16], ready_text[16], go_text[16];
        snprintf(fd_text, sizeof fd_text, "%d", fd);
        snprintf(ready_text, sizeof ready_text, "%d", ready[1]);
        snprintf(go_text, sizeof go_text, "%d", go[0]);
        if (lock_call(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 10) != 0)
            _exit(4);
        execl(self, self, "--holder", fd_text, ready_text, go_text, (char *)NULL);
        _exit(5);
    }
    CHECK_OK(wait_peer(ready[0]));
    CHECK_HELD(fd, F_GETLK, F_RDLCK, 0, 0, F_WRLCK, 0, 10, pid);
    signal_peer(go[1]);
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    CHECK_FREE(fd, F_WRLCK, 0, 0);

    /* Threads share the process's locks. */
    CHECK_OK(lock_call(fd, F_SETLK, F_RDLCK, SEEK_SET, 0, 1));
    pthread_t thread;
    void *result = (void *)-1;
    CHECK(pthread_create(&thread, NULL, same_owner, NULL) == 0, "pthread_create");
    CHECK(pthread_join(thread, &result) == 0, "pthread_join");
    CHECK(result == NULL, "another thread's F_SETLK of the same byte succeeds");
    CHECK_OK(lock_call(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0));

    /* exit() from one thread ends another's F_SETLKW at once. */
    CHECK_OK(lock_call(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1));
    pid = test_fork();
    if (pid == 0) {
        pthread_t waiter;
        if (pthread_create(&waiter, NULL, sleeper, NULL) != 0)
            _exit(6);
        apus_sleep_ms(200);
        exit(0);
    }
    long long start = apus_now_ns();
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    CHECK(apus_now_ns() - start < 5000000000LL, "the process ended while a thread slept in F_SETLKW");
    CHECK_OK(lock_call(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0));
    CHECK_OK(close(fd));
    test_leave_scratch_dir();
    return test_finish("exec_threads");
}
