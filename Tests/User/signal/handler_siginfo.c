/* Signal delivery to handlers (signal(7), sigaction(2)): SA_SIGINFO fields
 * for kill, tkill/raise, sigqueue and a child's kill; the handler's mask
 * (the signal itself plus sa_mask), SA_NODEFER, SA_RESETHAND, and the mask
 * restored on return. */
#include "apus_test.h"
#include <signal.h>

static volatile sig_atomic_t hits;
static volatile int last_signo, last_code, last_pid, last_uid, last_value, had_context;
static volatile int blocked_self, blocked_extra, blocked_other;

static void info_handler(int sig, siginfo_t *si, void *uc)
{
    hits++;
    last_signo = si->si_signo;
    last_code = si->si_code;
    last_pid = si->si_pid;
    last_uid = si->si_uid;
    last_value = si->si_value.sival_int;
    had_context = uc != NULL;
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    blocked_self = sigismember(&now, sig);
    blocked_extra = sigismember(&now, SIGUSR2);
    blocked_other = sigismember(&now, SIGHUP);
}

static void plain_handler(int sig)
{
    (void)sig;
    hits++;
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = info_handler;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR2);
    CHECK_OK(sigaction(SIGUSR1, &sa, NULL));

    /* kill to oneself is delivered before kill returns. */
    hits = 0;
    CHECK_OK(kill(getpid(), SIGUSR1));
    CHECK_EQ_LONG(hits, 1);
    CHECK_EQ_LONG(last_signo, SIGUSR1);
    CHECK_EQ_LONG(last_code, SI_USER);
    CHECK_EQ_LONG(last_pid, getpid());
    CHECK_EQ_LONG(last_uid, getuid());
    CHECK(had_context, "handler got a ucontext");
    CHECK_EQ_LONG(blocked_self, 1);
    CHECK_EQ_LONG(blocked_extra, 1);
    CHECK_EQ_LONG(blocked_other, 0);
    /* After the handler the mask is back to what it was. */
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    CHECK(!sigismember(&now, SIGUSR1) && !sigismember(&now, SIGUSR2), "mask restored");

    /* raise() uses tgkill: SI_TKILL. */
    CHECK_OK(raise(SIGUSR1));
    CHECK_EQ_LONG(hits, 2);
    CHECK_EQ_LONG(last_code, SI_TKILL);
    CHECK_OK(syscall(SYS_tgkill, getpid(), getpid(), SIGUSR1));
    CHECK_EQ_LONG(last_code, SI_TKILL);

    /* sigqueue: SI_QUEUE with the value. */
    union sigval v;
    v.sival_int = 12345;
    CHECK_OK(sigqueue(getpid(), SIGUSR1, v));
    CHECK_EQ_LONG(hits, 4);
    CHECK_EQ_LONG(last_code, SI_QUEUE);
    CHECK_EQ_LONG(last_value, 12345);

    /* From a child: si_pid is the child's. */
    CHECK_OK(sigprocmask(SIG_BLOCK, &(sigset_t){0}, NULL));
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    CHECK_OK(sigprocmask(SIG_BLOCK, &block, NULL));
    pid_t parent = getpid();
    pid_t pid = test_fork();
    if (pid == 0) {
        kill(parent, SIGUSR1);
        _exit(0);
    }
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    CHECK_EQ_LONG(hits, 4);                       /* blocked: pending, not delivered */
    sigset_t pend;
    CHECK_OK(sigpending(&pend));
    CHECK_EQ_LONG(sigismember(&pend, SIGUSR1), 1);
    CHECK_OK(sigprocmask(SIG_UNBLOCK, &block, NULL));  /* delivered on unblock */
    CHECK_EQ_LONG(hits, 5);
    CHECK_EQ_LONG(last_pid, pid);
    CHECK_EQ_LONG(last_code, SI_USER);

    /* SA_NODEFER: the signal is not blocked inside its handler. */
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
    CHECK_OK(raise(SIGUSR1));
    CHECK_EQ_LONG(blocked_self, 0);

    /* SA_RESETHAND: one delivery, then back to SIG_DFL. */
    struct sigaction once;
    memset(&once, 0, sizeof once);
    once.sa_handler = plain_handler;
    once.sa_flags = SA_RESETHAND;
    CHECK_OK(sigaction(SIGHUP, &once, NULL));
    hits = 0;
    CHECK_OK(raise(SIGHUP));
    CHECK_EQ_LONG(hits, 1);
    struct sigaction after;
    CHECK_OK(sigaction(SIGHUP, NULL, &after));
    CHECK(after.sa_handler == SIG_DFL, "SA_RESETHAND reset the handler");

    /* An ignored signal is discarded at once when unblocked; while blocked
     * Linux keeps it pending (the disposition may change before unblocking). */
    signal(SIGUSR2, SIG_IGN);
    CHECK_OK(raise(SIGUSR2));
    CHECK_OK(sigpending(&pend));
    CHECK_EQ_LONG(sigismember(&pend, SIGUSR2), 0);
    sigemptyset(&block);
    sigaddset(&block, SIGUSR2);
    sigprocmask(SIG_BLOCK, &block, NULL);
    CHECK_OK(raise(SIGUSR2));
    CHECK_OK(sigpending(&pend));
    CHECK_EQ_LONG(sigismember(&pend, SIGUSR2), 1);
    sigprocmask(SIG_UNBLOCK, &block, NULL);
    CHECK_OK(sigpending(&pend));
    CHECK_EQ_LONG(sigismember(&pend, SIGUSR2), 0);

    /* SIGCHLD is ignored by default: a child's exit does not kill us. */
    signal(SIGCHLD, SIG_DFL);
    pid = test_fork();
    if (pid == 0)
        _exit(0);
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    return test_finish("handler_siginfo");
}
