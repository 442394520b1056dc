/* execve(2): argv and envp arrive intact, the pid stays, close-on-exec
 * descriptors close, caught signals reset to default while ignored ones
 * and the mask survive; and the errors ENOENT, EACCES, ENOEXEC, ENOTDIR,
 * E2BIG. The program re-executes itself in a "--exec-child" mode. */
#include "apus_test.h"
#include <signal.h>
#include <stdlib.h>

extern char **environ;
static char self[4096];

static int child_mode(int argc, char **argv)
{
    /* argv: self --exec-child <pid> <cloexec fd> <plain fd> "a b" "" */
    CHECK_EQ_LONG(argc, 7);
    if (argc != 7)
        return 1;
    CHECK_EQ_LONG(getpid(), atol(argv[2]));
    CHECK_ERR(fcntl(atoi(argv[3]), F_GETFD), EBADF);
    CHECK(fcntl(atoi(argv[4]), F_GETFD) == 0, "plain descriptor survives exec");
    CHECK(strcmp(argv[5], "a b") == 0, "argument with a space");
    CHECK(strcmp(argv[6], "") == 0, "empty argument");
    CHECK(argv[7] == NULL, "argv is NULL-terminated");
    const char *foo = getenv("APUS_FOO");
    CHECK(foo && strcmp(foo, "bar=baz") == 0, "environment value with '='");
    const char *empty = getenv("APUS_EMPTY");
    CHECK(empty && empty[0] == '\0', "empty environment value");
    int count = 0;
    for (char **e = environ; *e; e++)
        count++;
    CHECK_EQ_LONG(count, 2);
    struct sigaction sa;
    sigaction(SIGUSR1, NULL, &sa);
    CHECK(sa.sa_handler == SIG_DFL, "caught signal reset to SIG_DFL");
    sigaction(SIGUSR2, NULL, &sa);
    CHECK(sa.sa_handler == SIG_IGN, "ignored signal stays ignored");
    sigset_t mask;
    sigprocmask(SIG_BLOCK, NULL, &mask);
    CHECK(sigismember(&mask, SIGINT) == 1, "blocked mask survives exec");
    return apus_failure_count ? 1 : 42;
}

static void on_usr1(int sig) { (void)sig; }

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--exec-child") == 0) {
        int code = child_mode(argc, argv);
        if (code != 42)
            test_finish("exec (child)");
        return code;
    }
    CHECK_OK(apus_self_path(argv[0], self, sizeof self));
    if (test_enter_scratch_dir("exec") != 0)
        return test_finish("exec");

    pid_t pid = test_fork();
    if (pid == 0) {
        int cloexec_fd = open(".", O_RDONLY | O_CLOEXEC);
        int plain_fd = open(".", O_RDONLY);
        signal(SIGUSR1, on_usr1);
        signal(SIGUSR2, SIG_IGN);
        sigset_t m;
        sigemptyset(&m);
        sigaddset(&m, SIGINT);
        sigprocmask(SIG_BLOCK, &m, NULL);
        char pidbuf[32], cfd[16], pfd[16];
        snprintf(pidbuf, sizeof pidbuf, "%d", (int)getpid());
        snprintf(cfd, sizeof cfd, "%d", cloexec_fd);
        snprintf(pfd, sizeof pfd, "%d", plain_fd);
        char *args[] = {self, "--exec-child", pidbuf, cfd, pfd, "a b", "", NULL};
        char *envs[] = {"APUS_FOO=bar=baz", "APUS_EMPTY=", NULL};
        execve(self, args, envs);
        _exit(100 + errno);
    }
    CHECK_EQ_LONG(child_exit_status(pid), 42);

    /* Errors: the caller keeps running. */
    char *args[] = {"x", NULL};
    char *envs[] = {NULL};
    CHECK_ERR(execve("/nonexistent/apus", args, envs), ENOENT);
    CHECK_ERR(execve("missing", args, envs), ENOENT);
    CHECK_OK(apus_write_file("plain", "#!/bin/sh\n", 10));
    CHECK_OK(chmod("plain", 0644));
    CHECK_ERR(execve("./plain", args, envs), EACCES);       /* no x bit, even for root */
    CHECK_OK(mkdir("dir", 0755));
    CHECK_ERR(execve("./dir", args, envs), EACCES);
    CHECK_OK(apus_write_file("garbage", "this is not an executable\n", 26));
    CHECK_OK(chmod("garbage", 0755));
    CHECK_ERR(execve("./garbage", args, envs), ENOEXEC);
    CHECK_OK(apus_write_file("empty", "", 0));
    CHECK_OK(chmod("empty", 0755));
    CHECK_ERR(execve("./empty", args, envs), ENOEXEC);
    CHECK_ERR(execve("./plain/x", args, envs), ENOTDIR);
    /* A single argument longer than MAX_ARG_STRLEN (32 pages). */
    static char huge[140000];
    memset(huge, 'h', sizeof huge - 1);
    char *big_args[] = {self, huge, NULL};
    CHECK_ERR(execve(self, big_args, envs), E2BIG);
    CHECK_ERR(syscall(SYS_execve, self, (void *)8, envs), EFAULT);

    test_leave_scratch_dir();
    return test_finish("exec");
}
