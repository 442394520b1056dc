/* Signals to init (signal(7) "Notes", kill(2), clone(2)): init gets only the
 * signals it has a handler for. SIGKILL and SIGSTOP never reach it; a signal
 * with the default action is discarded whoever sends it (init itself, a root
 * child, kill(0, ...) from its process group, kill(-1, ...), which never
 * signals init anyway), and one that was blocked is discarded when unblocked.
 * A child's exit signal follows the same rule (clone(exit_signal = SIGKILL)),
 * an orphan reparented to init gets SIGCHLD as its exit signal (so an
 * unprivileged user's clone(SIGKILL) orphan cannot kill init), and init may
 * not clone(CLONE_PARENT) (EINVAL).
 *
 * The cases must run as init. On Apus the program is PID 1. On Linux, where
 * it is not, it becomes init of a new PID namespace (unshare(CLONE_NEWPID),
 * which needs root, as the tests run) and runs the cases in its first child,
 * PID 1 there: a namespace's init is protected from signals sent inside the
 * namespace in the same way. */
#include "apus_test.h"
#include <sched.h>
#include <signal.h>

static volatile sig_atomic_t usr1_count, usr2_count;

static void on_usr1(int sig) { (void)sig; usr1_count++; }
static void on_usr2(int sig) { (void)sig; usr2_count++; }

/* A child that waits to be killed (SIGALRM ends it after 10 s if nothing does). */
static pid_t sleeper(void)
{
    pid_t pid = test_fork();
    if (pid == 0) {
        alarm(10);
        for (;;)
            pause();
    }
    return pid;
}

/* fork(2) with a chosen exit signal (clone(2) without CLONE_VM: the child
 * returns 0 on its own copy of the stack, like fork). */
static pid_t fork_with_exit_signal(int exit_signal)
{
    pid_t pid = (pid_t)syscall(SYS_clone, (unsigned long)exit_signal, 0UL, NULL, NULL, 0UL);
    if (pid == 0) {
        apus_failure_count = 0;
        apus_first_failure[0] = '\0';
    }
    return pid;
}

static int is_pending(int sig)
{
    sigset_t pending;
    sigemptyset(&pending);
    if (sigpending(&pending) != 0)
        return -1;
    return sigismember(&pending, sig);
}

static int pending_count(void)
{
    sigset_t pending;
    sigemptyset(&pending);
    if (sigpending(&pending) != 0)
        return -1;
    int count = 0;
    for (int sig = 1; sig < 65; sig++)
        if (sigismember(&pending, sig) == 1)
            count++;
    return count;
}

static const int default_signals[] = {SIGKILL, SIGSTOP, SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1,
                                      SIGSEGV, SIGALRM, SIGTSTP, SIGTTIN, SIGXCPU};
#define DEFAULT_COUNT (int)(sizeof default_signals / sizeof default_signals[0])

static int run_as_init(void)
{
    CHECK_EQ_LONG(getpid(), 1);
    if (getpgrp() != getpid())
        CHECK_OK(setpgid(0, 0));       /* Linux: a group of our own for kill(0) */

    /* init signals itself: every default-action signal is discarded. */
    for (int i = 0; i < DEFAULT_COUNT; i++)
        CHECK_OK(kill(1, default_signals[i]));
    union sigval value = {.sival_int = 5};
    CHECK_OK(sigqueue(1, SIGRTMIN, value));
    CHECK_EQ_LONG(pending_count(), 0);

    /* A root child sends them all to init. */
    pid_t pid = test_fork();
    if (pid == 0) {
        for (int i = 0; i < DEFAULT_COUNT; i++)
            CHECK_OK(kill(1, default_signals[i]));
        CHECK_OK(sigqueue(1, SIGRTMIN + 1, value));
        test_child_exit();
    }
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    CHECK_EQ_LONG(pending_count(), 0);

    /* kill(0, SIGKILL) from a child in init's process group kills the group but
     * not init. */
    pid_t quiet = sleeper();
    pid = test_fork();
    if (pid == 0) {
        kill(0, SIGKILL);
        _exit(1);                       /* not reached */
    }
    CHECK_EQ_LONG(child_exit_status(pid), 1000 + SIGKILL);
    CHECK_EQ_LONG(child_exit_status(quiet), 1000 + SIGKILL);

    /* kill(-1, SIGKILL) from a child: everyone but init and the sender. */
    quiet = sleeper();
    pid = test_fork();
    if (pid == 0) {
        CHECK_OK(kill(-1, SIGKILL));
        test_child_exit();
    }
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    CHECK_EQ_LONG(child_exit_status(quiet), 1000 + SIGKILL);
    /* Nobody else left: ESRCH, and init is not a target. */
    pid = test_fork();
    if (pid == 0) {
        CHECK_ERR(kill(-1, SIGTERM), ESRCH);
        test_child_exit();
    }
    CHECK_EQ_LONG(child_exit_status(pid), 0);

    /* A signal init has a handler for is delivered. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sa.sa_flags = SA_RESTART;
    CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
    sa.sa_handler = on_usr2;
    CHECK_OK(sigaction(SIGUSR2, &sa, NULL));
    pid = test_fork();
    if (pid == 0) {
        CHECK_OK(kill(1, SIGUSR1));
        test_child_exit();
    }
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    CHECK_EQ_LONG(usr1_count, 1);

    /* Blocked, a default-action signal stays pending; unblocked, it is
     * discarded. */
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGRTMIN + 2);
    CHECK_OK(sigprocmask(SIG_BLOCK, &block, NULL));
    pid = test_fork();
    if (pid == 0) {
        CHECK_OK(kill(1, SIGTERM));
        CHECK_OK(sigqueue(1, SIGRTMIN + 2, value));
        CHECK_OK(sigqueue(1, SIGRTMIN + 2, value));
        test_child_exit();
    }
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    CHECK_EQ_LONG(is_pending(SIGTERM), 1);
    CHECK_EQ_LONG(is_pending(SIGRTMIN + 2), 1);
    CHECK_OK(sigprocmask(SIG_UNBLOCK, &block, NULL));
    CHECK_EQ_LONG(pending_count(), 0);

    /* A child's exit signal: SIGKILL is discarded, one with a handler runs. */
    pid = fork_with_exit_signal(SIGKILL);
    if (pid == 0)
        _exit(4);
    CHECK(pid > 0, "clone with exit signal SIGKILL");
    int status = 0;
    CHECK_EQ_LONG(waitpid(pid, &status, __WALL), pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 4, "exit status of the SIGKILL-signalling child");
    usr2_count = 0;
    pid = fork_with_exit_signal(SIGUSR2);
    if (pid == 0)
        _exit(5);
    CHECK(pid > 0, "clone with exit signal SIGUSR2");
    while (waitpid(pid, &status, __WALL) < 0 && errno == EINTR)
        ;
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 5, "exit status of the SIGUSR2-signalling child");
    CHECK_EQ_LONG(usr2_count, 1);

    /* An unprivileged user's orphan with exit signal SIGKILL: reparented to
     * init, its exit signal becomes SIGCHLD, so init waits for it as for any
     * child (no __WALL needed) and survives its exit. */
    int p[2];
    CHECK_OK(pipe(p));
    pid_t middle = test_fork();
    if (middle == 0) {
        close(p[0]);
        CHECK_OK(setgid(65534));
        CHECK_OK(setuid(65534));
        pid_t me = getpid();
        pid_t orphan = fork_with_exit_signal(SIGKILL);
        if (orphan == 0) {
            for (int i = 0; i < 1000 && getppid() == me; i++)
                apus_sleep_ms(10);
            _exit(getppid() == 1 ? 7 : 8);
        }
        CHECK(orphan > 0, "clone(SIGKILL) as nobody");
        long report = orphan;
        CHECK_EQ_LONG(write(p[1], &report, sizeof report), sizeof report);
        test_child_exit();
    }
    close(p[1]);
    long orphan = 0;
    CHECK_EQ_LONG(read(p[0], &orphan, sizeof orphan), sizeof orphan);
    close(p[0]);
    CHECK_EQ_LONG(child_exit_status(middle), 0);
    if (orphan > 0)
        CHECK_EQ_LONG(child_exit_status((pid_t)orphan), 7);

    /* init may not make siblings. */
    errno = 0;
    long r = syscall(SYS_clone, (unsigned long)(CLONE_PARENT | SIGCHLD), 0UL, NULL, NULL, 0UL);
    if (r == 0)
        _exit(0);
    CHECK(r == -1 && errno == EINVAL, "clone(CLONE_PARENT) from init is EINVAL");

    CHECK_ERR(waitpid(-1, NULL, WNOHANG | __WALL), ECHILD);
    return test_finish("init_protect");
}

int main(void)
{
    if (getpid() == 1)
        return run_as_init();
    /* Linux: become init of a new PID namespace. */
    if (unshare(CLONE_NEWPID) != 0) {
        CHECK(0, "unshare(CLONE_NEWPID) (the test needs root on Linux)");
        return test_finish("init_protect");
    }
    pid_t init = fork();
    if (init == 0)
        _exit(run_as_init());
    int status = child_exit_status(init);
    if (status == 0 || status == 1)
        return status;                  /* init printed the result line */
    CHECK_EQ_LONG(status, 0);           /* init died (1000 + signal) or vanished */
    return test_finish("init_protect");
}
