/* Reaped processes give their memory back: fork/exit/wait, fork/exec/wait and
 * pipes opened and closed in a loop must not shrink sysinfo(2)'s freeram.
 * Each round runs a few hundred cycles; a kernel that leaks even one page per
 * cycle loses megabytes in every round. The check passes as soon as one round
 * stays within the slack: on Linux, freeram also moves with page-cache, slab and
 * per-CPU list activity of the whole machine (tens of MiB in one round on a
 * freshly booted host), so up to ROUNDS rounds are tried, with a pause between
 * them to let that settle; a real leak never produces a quiet round. */
#include "apus_test.h"
#include <sys/sysinfo.h>

#define CYCLES 300
#define SLACK_BYTES (2L << 20)
#define ROUNDS 12

static char self[4096];

static long free_bytes(void)
{
    struct sysinfo info;
    if (sysinfo(&info) != 0)
        return -1;
    return (long)info.freeram * (long)info.mem_unit;
}

static void fork_exit_cycles(void)
{
    for (int i = 0; i < CYCLES; i++) {
        pid_t pid = fork();
        if (pid == 0)
            _exit(0);
        if (pid < 0 || child_exit_status(pid) != 0) {
            CHECK(0, "fork/exit cycle");
            return;
        }
    }
}

static void exec_cycles(void)
{
    for (int i = 0; i < CYCLES / 3; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            execl(self, self, "--exit-now", (char *)NULL);
            _exit(127);
        }
        if (pid < 0 || child_exit_status(pid) != 7) {
            CHECK(0, "fork/exec cycle");
            return;
        }
    }
}

static void pipe_cycles(void)
{
    for (int i = 0; i < CYCLES; i++) {
        int fds[2];
        if (pipe(fds) != 0) {
            CHECK(0, "pipe cycle");
            return;
        }
        char byte = 'x';
        if (write(fds[1], &byte, 1) != 1 || read(fds[0], &byte, 1) != 1)
            CHECK(0, "pipe carries a byte");
        close(fds[0]);
        close(fds[1]);
    }
}

static void check_rounds(const char *what, void (*cycles)(void))
{
    long best = -1;
    cycles(); /* warm up: first-use allocations are not leaks */
    for (int round = 0; round < ROUNDS; round++) {
        if (round > 0)
            usleep(200 * 1000);
        long before = free_bytes();
        cycles();
        long after = free_bytes();
        long lost = before - after;
        if (best < 0 || lost < best)
            best = lost;
        if (lost <= SLACK_BYTES)
            return;
    }
    CHECK(0, what);
    fprintf(stderr, "  %s: at least %ld KiB lost per round of cycles\n", what, best / 1024);
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--exit-now") == 0)
        return 7;
    CHECK_OK(apus_self_path(argv[0], self, sizeof self));

    CHECK(free_bytes() > 0, "sysinfo reports free memory");
    check_rounds("fork/exit/wait returns memory", fork_exit_cycles);
    check_rounds("fork/exec/wait returns memory", exec_cycles);
    check_rounds("pipe/close returns memory", pipe_cycles);
    return test_finish("no_leak");
}
