/*
 * process.c: process creation (lmbench lat_proc): per iteration,
 *   fork_exit      fork, the child _exits at once, the parent waits for it;
 *   fork_execve    fork, the child execs bench-nop (a tiny static program that exits 0), wait;
 *   vfork_execve   the same with vfork (musl's vfork is the vfork system call).
 * Every child's exit status is checked; a benchmark stops at the first failure.
 */
#include "bench.h"

#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int bench_wait_exit(pid_t pid)
{
    int status;
    pid_t waited;
    do waited = waitpid(pid, &status, 0); while (waited < 0 && errno == EINTR);
    if (waited < 0) return bench_syscall_failed("waitpid");
    if (waited != pid) return bench_fail("waitpid returned %d, not %d", (int)waited, (int)pid);
    if (!WIFEXITED(status)) return bench_fail("child %d ended with wait status %#x", (int)pid, status);
    if (WEXITSTATUS(status) != 0) return bench_fail("child %d exited with %d", (int)pid, WEXITSTATUS(status));
    return 0;
}

static long fork_exit_unit(void *state)
{
    (void)state;
    pid_t pid = fork();
    if (pid < 0) return bench_syscall_failed("fork");
    if (pid == 0) _exit(0);
    return bench_wait_exit(pid) == 0 ? 1 : -1;
}

static char nop_path[300];

static void exec_nop(void)
{
    char *const arguments[] = {nop_path, NULL};
    char *const environment[] = {NULL};
    execve(nop_path, arguments, environment);
    _exit(127);
}

static long fork_execve_unit(void *state)
{
    (void)state;
    pid_t pid = fork();
    if (pid < 0) return bench_syscall_failed("fork");
    if (pid == 0) exec_nop();
    return bench_wait_exit(pid) == 0 ? 1 : -1;
}

static long vfork_execve_unit(void *state)
{
    (void)state;
    pid_t pid = vfork();
    if (pid < 0) return bench_syscall_failed("vfork");
    if (pid == 0) exec_nop();
    return bench_wait_exit(pid) == 0 ? 1 : -1;
}

static int run_unit(const struct bench_spec *spec, bench_unit unit)
{
    snprintf(nop_path, sizeof nop_path, "%s/bench-nop", bench_program_dir);
    if (access(nop_path, X_OK) != 0) return bench_syscall_failed("access(bench-nop)");
    struct bench_result result;
    if (bench_measure(unit, NULL, &result) != 0) return -1;
    bench_report(spec, &result);
    return 0;
}

static int run_fork_exit(const struct bench_spec *spec) { return run_unit(spec, fork_exit_unit); }
static int run_fork_execve(const struct bench_spec *spec) { return run_unit(spec, fork_execve_unit); }
static int run_vfork_execve(const struct bench_spec *spec) { return run_unit(spec, vfork_execve_unit); }

const struct bench_spec bench_process_specs[] = {
    {"fork_exit", "process", BENCH_US_PER_OP, run_fork_exit},
    {"fork_execve", "process", BENCH_US_PER_OP, run_fork_execve},
    {"vfork_execve", "process", BENCH_US_PER_OP, run_vfork_execve},
    {0},
};
