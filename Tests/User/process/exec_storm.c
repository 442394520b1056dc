/* fork(2)+execve(2) in a loop under a watching parent, the shape of lmbench's
 * lat_proc harness (which took Apus down): a harness process forks a worker
 * and waits for it in select(2) with 1-second timeouts under a SIGCHLD
 * handler; the worker forks children that exec this program (which exits at
 * once) or just exit, and waits for each, and between rounds moves its
 * result array up with an overlapping memmove into fresh pages (a backward
 * copy, DF set, faulting: what lmbench's insertsort does). Variants: fork
 * and exit, vfork+exec, and exec from a child whose sibling thread keeps
 * faulting in fresh pages. Checks every child's exit status and that the
 * harness sees the worker finish. */
#include "apus_test.h"
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/wait.h>

#define STORM_ROUNDS 100
#define RESULT_BYTES (64 * 1024)

static char self[4096];
static volatile sig_atomic_t child_signalled;

static void on_sigchld(int sig)
{
    (void)sig;
    signal(SIGCHLD, SIG_DFL);
    child_signalled = 1;
}

enum spawn_kind { SPAWN_FORK_EXEC, SPAWN_FORK_EXIT, SPAWN_VFORK_EXEC, SPAWN_EXEC_BESIDE_FAULTING_THREAD };

/* Moves a result array one slot up inside a fresh mapping: memmove copies
 * backwards, through pages not yet mapped. */
static int shift_results(void)
{
    char *area = mmap(NULL, RESULT_BYTES + 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (area == MAP_FAILED)
        return -1;
    memset(area, 'r', 4096);
    memmove(area + 64, area, RESULT_BYTES);
    int ok = area[64] == 'r' && area[4096 + 63] == 'r' && area[RESULT_BYTES + 63] == 0;
    munmap(area, RESULT_BYTES + 4096);
    return ok ? 0 : -1;
}

static void *fault_forever(void *unused)
{
    (void)unused;
    for (;;)
        if (shift_results() != 0)
            _exit(14);
    return NULL;
}

/* The worker: `rounds` children, each exec'ing this program in "--exit" mode
 * (status 7) or exiting with status 7 straight away. */
static int worker(enum spawn_kind kind, int rounds)
{
    signal(SIGCHLD, SIG_DFL);
    char *argv[] = { self, "--exit", NULL };
    char *envp[] = { NULL };
    for (int i = 0; i < rounds; i++) {
        pid_t pid = kind == SPAWN_VFORK_EXEC ? vfork() : fork();
        if (pid < 0)
            return 10;
        if (pid == 0) {
            if (kind == SPAWN_FORK_EXIT)
                _exit(7);
            if (kind == SPAWN_EXEC_BESIDE_FAULTING_THREAD) {
                pthread_t thread;
                if (pthread_create(&thread, NULL, fault_forever, NULL) != 0)
                    _exit(15);
                sched_yield();
            }
            close(1);
            execve(self, argv, envp);
            _exit(9);
        }
        int status;
        if (waitpid(pid, &status, 0) != pid)
            return 11;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 7) {
            fprintf(stderr, "exec_storm: child %d round %d status 0x%x\n", pid, i, status);
            return 12;
        }
        if (shift_results() != 0)
            return 16;
    }
    return 0;
}

/* The harness: fork the worker, wait for its "done" byte in select() with
 * 1-second timeouts under a SIGCHLD handler, then reap it. */
static void harness(enum spawn_kind kind, int rounds)
{
    int done[2];
    CHECK_OK(pipe(done));
    child_signalled = 0;
    signal(SIGCHLD, on_sigchld);
    pid_t pid = fork();
    CHECK(pid >= 0, "fork of the worker");
    if (pid < 0)
        return;
    if (pid == 0) {
        close(done[0]);
        int code = worker(kind, rounds);
        if (write(done[1], "d", 1) != 1)
            code = 13;
        _exit(code);
    }
    close(done[1]);
    int finished = 0;
    for (int seconds = 0; !finished && seconds < 600; seconds++) {
        fd_set readable;
        FD_ZERO(&readable);
        FD_SET(done[0], &readable);
        struct timeval timeout = { 1, 0 };
        int ready = select(done[0] + 1, &readable, NULL, NULL, &timeout);
        if (ready < 0 && errno != EINTR) {
            CHECK(0, "select");
            break;
        }
        if (ready > 0)
            finished = 1;
    }
    CHECK(finished, "worker reported done");
    char byte;
    CHECK_EQ_LONG(read(done[0], &byte, 1), 1);
    close(done[0]);
    int status;
    CHECK_EQ_LONG(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "worker's children all exited with 7");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fprintf(stderr, "exec_storm: worker status 0x%x\n", status);
    signal(SIGCHLD, SIG_DFL);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--exit") == 0)
        return 7;
    CHECK_OK(apus_self_path(argv[0], self, sizeof self));
    harness(SPAWN_FORK_EXEC, STORM_ROUNDS);
    harness(SPAWN_FORK_EXIT, STORM_ROUNDS);
    harness(SPAWN_VFORK_EXEC, STORM_ROUNDS);
    harness(SPAWN_EXEC_BESIDE_FAULTING_THREAD, STORM_ROUNDS / 4);
    return test_finish("exec_storm");
}
