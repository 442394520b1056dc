/* Exit signals (clone(2), wait(2), prctl(2) PR_SET_CHILD_SUBREAPER), seen
 * from a subreaper that is not init:
 *   - CLONE_PARENT: the new sibling gets the caller's exit signal, not the one
 *     asked for (and wait needs __WCLONE exactly when that is not SIGCHLD);
 *   - an orphan is reparented to the nearest subreaper, its exit signal
 *     becomes SIGCHLD;
 *   - an orphan that is already a zombie is reported to its new parent at
 *     once (SIGCHLD with its pid, before the exiting parent's own), and
 *     reaped at once if the new parent ignores SIGCHLD;
 *   - a parent that has exec'd since the child was created gets SIGCHLD, not
 *     the exit signal the child was created with. */
#include "apus_test.h"
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <time.h>

static pid_t clone_process(unsigned long flags)
{
    pid_t pid = (pid_t)syscall(SYS_clone, flags, 0UL, NULL, NULL, 0UL);
    if (pid == 0) {
        apus_failure_count = 0;
        apus_first_failure[0] = '\0';
    }
    return pid;
}

static void send_pid(int fd, pid_t pid)
{
    long value = pid;
    if (write(fd, &value, sizeof value) != sizeof value)
        _exit(90);
}

static pid_t receive_pid(int fd)
{
    long value = 0;
    if (read(fd, &value, sizeof value) != sizeof value)
        return -1;
    return (pid_t)value;
}

static int wait_status(pid_t pid, int options)
{
    int status = 0;
    pid_t r;
    do {
        r = waitpid(pid, &status, options);
    } while (r < 0 && errno == EINTR);
    if (r != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1000 + WTERMSIG(status);
}

/* Takes the next of SIGUSR1/SIGUSR2/SIGCHLD (blocked) within 10 s; its si_pid in *from. */
static int next_signal(pid_t *from)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    sigaddset(&set, SIGCHLD);
    siginfo_t info;
    struct timespec timeout = {10, 0};
    int sig = sigtimedwait(&set, &info, &timeout);
    if (sig > 0 && from)
        *from = info.si_pid;
    return sig;
}

static int is_pending(int sig)
{
    sigset_t pending;
    sigemptyset(&pending);
    sigpending(&pending);
    return sigismember(&pending, sig);
}

static void drain(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    sigaddset(&set, SIGCHLD);
    struct timespec zero = {0, 0};
    while (sigtimedwait(&set, NULL, &zero) > 0)
        ;
}

/* A child created with exit signal `middle_signal` clones a sibling of its own
 * (CLONE_PARENT | `asked`) that exits with `code`, reports the sibling's pid on
 * the pipe and exits. Returns the child; the sibling in *sibling. */
static pid_t sibling_through(int middle_signal, int asked, int code, int p[2], pid_t *sibling)
{
    pid_t middle = clone_process((unsigned long)middle_signal);
    if (middle == 0) {
        pid_t created = clone_process(CLONE_PARENT | (unsigned long)asked);
        if (created == 0)
            _exit(code);
        send_pid(p[1], created);
        _exit(created > 0 ? 0 : 1);
    }
    *sibling = middle > 0 ? receive_pid(p[0]) : -1;
    return middle;
}

/* A child whose own child exits with 9 and stays a zombie (the child waits for
 * the exit without reaping it), reports the zombie's pid on `fd`, then exits. */
static pid_t parent_of_zombie(int fd)
{
    pid_t middle = test_fork();
    if (middle == 0) {
        pid_t zombie = fork();
        if (zombie == 0)
            _exit(9);
        siginfo_t info;
        CHECK_OK(waitid(P_PID, (id_t)zombie, &info, WEXITED | WNOWAIT));
        send_pid(fd, zombie);
        test_child_exit();
    }
    return middle;
}

/* After exec: the child `child` (exit signal SIGUSR1, waiting on `fd`) is
 * released; this process has exec'd since it was created, so SIGCHLD comes. */
static int after_exec(int fd, pid_t child)
{
    CHECK_EQ_LONG(write(fd, "x", 1), 1);
    pid_t from = 0;
    CHECK_EQ_LONG(next_signal(&from), SIGCHLD);
    CHECK_EQ_LONG(from, child);
    CHECK_EQ_LONG(is_pending(SIGUSR1), 0);
    CHECK_EQ_LONG(wait_status(child, __WCLONE), 0);
    return apus_failure_count == 0 ? 0 : 1;
}

static void subreaper_cases(const char *self)
{
    CHECK_OK(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0));
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigaddset(&block, SIGUSR2);
    sigaddset(&block, SIGCHLD);
    CHECK_OK(sigprocmask(SIG_BLOCK, &block, NULL));
    pid_t me = getpid();
    int p[2];
    CHECK_OK(pipe(p));

    /* CLONE_PARENT from a SIGCHLD child: the sibling's exit signal is SIGCHLD
     * (SIGUSR2 asked for), so a plain waitpid takes it. */
    pid_t sibling = 0;
    pid_t middle = sibling_through(SIGCHLD, SIGUSR2, 5, p, &sibling);
    CHECK_EQ_LONG(wait_status(middle, 0), 0);
    CHECK_EQ_LONG(wait_status(sibling, 0), 5);
    CHECK_EQ_LONG(is_pending(SIGUSR2), 0);
    drain();

    /* CLONE_PARENT from a child whose exit signal is SIGUSR1: the sibling's is
     * SIGUSR1 too (SIGCHLD asked for): only __WCLONE waits for it. */
    middle = sibling_through(SIGUSR1, SIGCHLD, 6, p, &sibling);
    CHECK(middle > 0, "clone with exit signal SIGUSR1");
    CHECK_EQ_LONG(wait_status(middle, __WCLONE), 0);
    CHECK_ERR(waitpid(sibling, NULL, WNOHANG), ECHILD);
    CHECK_EQ_LONG(wait_status(sibling, __WCLONE), 6);
    CHECK_EQ_LONG(is_pending(SIGUSR1), 1);
    drain();

    /* A running orphan with exit signal SIGUSR2 comes to us (the subreaper)
     * with SIGCHLD as its exit signal. */
    middle = test_fork();
    if (middle == 0) {
        pid_t parent = getpid();
        pid_t orphan = clone_process(SIGUSR2);
        if (orphan == 0) {
            for (int i = 0; i < 1000 && getppid() == parent; i++)
                apus_sleep_ms(10);
            _exit(getppid() == me ? 7 : 8);
        }
        send_pid(p[1], orphan);
        _exit(orphan > 0 ? 0 : 1);
    }
    pid_t orphan = receive_pid(p[0]);
    CHECK_EQ_LONG(wait_status(middle, 0), 0);
    CHECK_EQ_LONG(wait_status(orphan, 0), 7);
    CHECK_EQ_LONG(is_pending(SIGUSR2), 0);
    drain();

    /* A zombie orphan is reported to us at once: the first SIGCHLD names it. */
    middle = parent_of_zombie(p[1]);
    pid_t zombie = receive_pid(p[0]);
    pid_t from = 0;
    CHECK_EQ_LONG(next_signal(&from), SIGCHLD);
    CHECK_EQ_LONG(from, zombie);
    CHECK_EQ_LONG(wait_status(middle, 0), 0);
    CHECK_EQ_LONG(wait_status(zombie, 0), 9);
    drain();

    /* Ignoring SIGCHLD, a zombie orphan is reaped as it arrives. */
    struct sigaction ignore;
    memset(&ignore, 0, sizeof ignore);
    ignore.sa_handler = SIG_IGN;
    CHECK_OK(sigaction(SIGCHLD, &ignore, NULL));
    parent_of_zombie(p[1]);
    (void)receive_pid(p[0]);
    /* Blocks until no child is left, then ECHILD: nothing to collect. */
    CHECK_ERR(waitpid(-1, NULL, 0), ECHILD);
    ignore.sa_handler = SIG_DFL;
    CHECK_OK(sigaction(SIGCHLD, &ignore, NULL));

    /* A parent that execs gets SIGCHLD, not the chosen SIGUSR1. */
    pid_t parent = test_fork();
    if (parent == 0) {
        int q[2];
        CHECK_OK(pipe(q));
        pid_t child = clone_process(SIGUSR1);
        if (child == 0) {
            char byte;
            close(q[1]);
            _exit(read(q[0], &byte, 1) == 1 ? 0 : 1);
        }
        close(q[0]);
        char fd[16], pid[16];
        snprintf(fd, sizeof fd, "%d", q[1]);
        snprintf(pid, sizeof pid, "%d", (int)child);
        execl(self, self, "after-exec", fd, pid, (char *)NULL);
        CHECK(0, "execl of this program");
        test_child_exit();
    }
    CHECK_EQ_LONG(wait_status(parent, 0), 0);
    close(p[0]);
    close(p[1]);
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "after-exec") == 0)
        return after_exec(atoi(argv[2]), (pid_t)atoi(argv[3]));
    char self[4096];
    CHECK_OK(apus_self_path(argv[0], self, sizeof self));
    /* The cases run in a subreaper child, which is not init on either system. */
    pid_t reaper = test_fork();
    if (reaper == 0) {
        subreaper_cases(self);
        test_child_exit();
    }
    CHECK_EQ_LONG(child_exit_status(reaper), 0);
    return test_finish("exit_signal");
}
