/* Thousands of interruptible sleeps in one boot: pipe reads that block, and
 * fork + execve + waitpid as the fork_execve benchmark does. Each blocking
 * wait asks whether a signal should interrupt it; a kernel that grows any
 * state per such check (Apus once re-wrapped its check closure in a new
 * thunk on every call, and the nested thunks overflowed the kernel stack
 * after a few thousand waits) fails here instead of in the benchmarks. */
#include "apus_test.h"
#include <sys/wait.h>

enum { ROUND_TRIPS = 4000, EXECS = 150 };

static char self[4096];

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--nop") == 0)
        return 0;
    CHECK_OK(apus_self_path(argv[0], self, sizeof self));

    int down[2], up[2];
    CHECK_OK(pipe(down));
    CHECK_OK(pipe(up));
    pid_t echo = test_fork();
    if (echo == 0) {
        char byte;
        close(down[1]);
        close(up[0]);
        while (read(down[0], &byte, 1) == 1)
            if (write(up[1], &byte, 1) != 1)
                _exit(2);
        _exit(0);
    }
    close(down[0]);
    close(up[1]);
    long echoed = 0;
    for (int i = 0; i < ROUND_TRIPS; i++) {
        char sent = (char)i, back = 0;
        if (write(down[1], &sent, 1) != 1 || read(up[0], &back, 1) != 1 || back != sent)
            break;
        echoed++;
    }
    CHECK_EQ_LONG(echoed, ROUND_TRIPS);
    close(down[1]);
    CHECK_EQ_LONG(child_exit_status(echo), 0);
    close(up[0]);

    long executed = 0;
    for (int i = 0; i < EXECS; i++) {
        pid_t pid = fork();
        if (pid < 0)
            break;
        if (pid == 0) {
            char *args[] = {self, "--nop", NULL};
            char *envs[] = {NULL};
            execve(self, args, envs);
            _exit(127);
        }
        int status = 0;
        if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
            break;
        executed++;
    }
    CHECK_EQ_LONG(executed, EXECS);
    return test_finish("many_waits");
}
