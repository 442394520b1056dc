/* signalfd(2), signalfd4(2): argument checks (EINVAL for the mask size, flags and a descriptor
 * that is not a signalfd; EBADF; EFAULT), reading blocked signals as struct signalfd_siginfo
 * (kill's SI_USER and sender, tgkill's SI_TKILL, a standard signal sent twice read once, several
 * real-time signals from sigqueue(3) read in one call in order with their values, lowest number
 * first, SIGCHLD with the child's status), a read taking the signal for good (no handler runs
 * after), reads below 128 bytes (EINVAL), EAGAIN, a blocking read woken by another process's
 * kill, replacing the mask, and poll/epoll readiness. */
#include "apus_test.h"
#include <poll.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/wait.h>

static volatile sig_atomic_t handled;
static void on_signal(int sig)
{
    (void)sig;
    handled++;
}

static int read_one(int fd, struct signalfd_siginfo *info)
{
    memset(info, 0, sizeof *info);
    return read(fd, info, sizeof *info);
}

int main(void)
{
    CHECK_EQ_LONG(sizeof(struct signalfd_siginfo), 128);
    int rt = SIGRTMIN + 1;
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGUSR1);
    sigaddset(&mask, SIGUSR2);
    sigaddset(&mask, SIGCHLD);
    sigaddset(&mask, rt);
    CHECK_OK(sigprocmask(SIG_BLOCK, &mask, NULL));
    signal(SIGUSR1, on_signal);

    CHECK_ERR(syscall(SYS_signalfd4, -1L, &mask, 4L, 0L), EINVAL);
    CHECK_ERR(syscall(SYS_signalfd4, -1L, &mask, 8L, 0x10L), EINVAL);
    CHECK_ERR(syscall(SYS_signalfd4, -1L, (void *)8, 8L, 0L), EFAULT);
    CHECK_ERR(syscall(SYS_signalfd4, 9999L, &mask, 8L, 0L), EBADF);
    int p[2];
    CHECK_OK(pipe(p));
    CHECK_ERR(syscall(SYS_signalfd4, (long)p[0], &mask, 8L, 0L), EINVAL);
    close(p[0]);
    close(p[1]);

    int fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    CHECK(fd >= 0, "signalfd");
    CHECK_EQ_LONG(fcntl(fd, F_GETFD), FD_CLOEXEC);
    CHECK_EQ_LONG(fcntl(fd, F_GETFL), O_RDWR | O_NONBLOCK);
    struct signalfd_siginfo info;
    CHECK_ERR(read_one(fd, &info), EAGAIN);
    CHECK_ERR(read(fd, &info, 127), EINVAL);
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    CHECK_EQ_LONG(poll(&pfd, 1, 0), 0);

    /* kill: SI_USER with the sender; twice is once. */
    CHECK_OK(kill(getpid(), SIGUSR1));
    CHECK_OK(kill(getpid(), SIGUSR1));
    CHECK_EQ_LONG(poll(&pfd, 1, 0), 1);
    CHECK_EQ_LONG(read_one(fd, &info), 128);
    CHECK_EQ_LONG(info.ssi_signo, SIGUSR1);
    CHECK_EQ_LONG(info.ssi_code, SI_USER);
    CHECK_EQ_LONG(info.ssi_pid, getpid());
    CHECK_EQ_LONG(info.ssi_uid, getuid());
    CHECK_ERR(read_one(fd, &info), EAGAIN);
    /* Read means taken: unblocking runs no handler. */
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    CHECK_OK(sigprocmask(SIG_UNBLOCK, &usr1, NULL));
    CHECK_EQ_LONG(handled, 0);
    CHECK_OK(sigprocmask(SIG_BLOCK, &usr1, NULL));

    /* tgkill: SI_TKILL. */
    CHECK_OK(syscall(SYS_tgkill, (long)getpid(), (long)syscall(SYS_gettid), (long)SIGUSR2));
    CHECK_EQ_LONG(read_one(fd, &info), 128);
    CHECK_EQ_LONG(info.ssi_signo, SIGUSR2);
    CHECK_EQ_LONG(info.ssi_code, SI_TKILL);

    /* Real-time signals queue with their values; several fit in one read, lowest number first. */
    for (int i = 1; i <= 3; i++)
        CHECK_OK(sigqueue(getpid(), rt, (union sigval){.sival_int = 100 + i}));
    CHECK_OK(kill(getpid(), SIGUSR2));
    struct signalfd_siginfo many[5];
    memset(many, 0, sizeof many);
    CHECK_EQ_LONG(read(fd, many, sizeof many), 4 * 128);
    CHECK_EQ_LONG(many[0].ssi_signo, SIGUSR2);
    for (int i = 1; i <= 3; i++) {
        CHECK_EQ_LONG(many[i].ssi_signo, rt);
        CHECK_EQ_LONG(many[i].ssi_code, SI_QUEUE);
        CHECK_EQ_LONG(many[i].ssi_int, 100 + i);
        CHECK_EQ_LONG(many[i].ssi_pid, getpid());
    }
    /* A buffer that holds one and a half records takes one. */
    CHECK_OK(sigqueue(getpid(), rt, (union sigval){.sival_int = 7}));
    CHECK_OK(sigqueue(getpid(), rt, (union sigval){.sival_int = 8}));
    CHECK_EQ_LONG(read(fd, many, 128 + 64), 128);
    CHECK_EQ_LONG(many[0].ssi_int, 7);
    CHECK_EQ_LONG(read_one(fd, &info), 128);
    CHECK_EQ_LONG(info.ssi_int, 8);

    /* A new mask on the same descriptor: SIGUSR2 only (SIGKILL is dropped silently). */
    sigset_t only;
    sigemptyset(&only);
    sigaddset(&only, SIGUSR2);
    sigaddset(&only, SIGKILL);
    CHECK_EQ_LONG(signalfd(fd, &only, 0), fd);
    CHECK_OK(kill(getpid(), SIGUSR1));
    CHECK_ERR(read_one(fd, &info), EAGAIN);
    CHECK_OK(kill(getpid(), SIGUSR2));
    CHECK_EQ_LONG(read_one(fd, &info), 128);
    CHECK_EQ_LONG(info.ssi_signo, SIGUSR2);
    CHECK_EQ_LONG(signalfd(fd, &mask, 0), fd);
    CHECK_EQ_LONG(read_one(fd, &info), 128);
    CHECK_EQ_LONG(info.ssi_signo, SIGUSR1);

    /* SIGCHLD carries the child's status. */
    pid_t child = fork();
    if (child == 0)
        _exit(7);
    CHECK_EQ_LONG(poll(&pfd, 1, 5000), 1);
    CHECK_EQ_LONG(read_one(fd, &info), 128);
    CHECK_EQ_LONG(info.ssi_signo, SIGCHLD);
    CHECK_EQ_LONG(info.ssi_code, CLD_EXITED);
    CHECK_EQ_LONG(info.ssi_pid, child);
    CHECK_EQ_LONG(info.ssi_status, 7);
    int status;
    CHECK_EQ_LONG(waitpid(child, &status, 0), child);

    /* A blocking read (another descriptor, without O_NONBLOCK) woken by another process, and
     * epoll readiness. */
    int blocking = signalfd(-1, &mask, 0);
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 1}, out;
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, blocking, &ev));
    CHECK_EQ_LONG(epoll_wait(ep, &out, 1, 0), 0);
    pid_t parent = getpid();
    child = test_fork();
    if (child == 0) {
        apus_sleep_ms(50);
        CHECK_OK(kill(parent, SIGUSR2));
        test_child_exit();
    }
    CHECK_EQ_LONG(epoll_wait(ep, &out, 1, 5000), 1);
    CHECK_EQ_LONG(read_one(blocking, &info), 128);
    CHECK_EQ_LONG(info.ssi_signo, SIGUSR2);
    CHECK_EQ_LONG(info.ssi_pid, child);
    CHECK_EQ_LONG(child_exit_status(child), 0);
    CHECK_EQ_LONG(read_one(blocking, &info), 128); /* the child's exit */
    CHECK_EQ_LONG(info.ssi_signo, SIGCHLD);
    close(ep);
    close(blocking);
    close(fd);
    return test_finish("signalfd");
}
