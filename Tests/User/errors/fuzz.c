/* A deterministic system-call fuzzer: syscall(2) by number with hostile
 * arguments, in one process, as whoever runs it (root in the test suite, on
 * the host's Linux too). About 300 system calls are called 6000 times with
 * arguments from the fixed-seed generator of fuzz_generator.h (which says
 * what keeps this process and the host intact). Any result is accepted: the
 * point is that the kernel survives and that every call returns. At the end
 * the process must be intact and no kernel-internal error number (512 and up:
 * ERESTARTSYS, ENOIOCTLCMD, ...) may have leaked to user space.
 * Tests/Fuzz/apus_fuzz.c is the fuzzing level's multi-process, unprivileged
 * and long-running form of the same generator, for Apus only.
 *
 * APUS_FUZZ_TRACE=1 prints every call on stderr before making it (to find
 * the one that kills a kernel), APUS_FUZZ_STATS=1 prints how often each
 * errno came back; APUS_FUZZ_SEED and APUS_FUZZ_CALLS change the seed and
 * the number of calls.
 */
#include "apus_test.h"
#include "fuzz_calls.h"

/* ---- main ---------------------------------------------------------------- */

static void trace(int index, const struct entry *e, const long a[6])
{
    char line[256];
    int n = snprintf(line, sizeof line, "fuzz %d: %s(%#lx, %#lx, %#lx, %#lx, %#lx, %#lx)\n",
                     index, e->name, a[0], a[1], a[2], a[3], a[4], a[5]);
    if (n > 0)
        apus_write_all(SAVED_STDERR, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

int main(void)
{
    const char *seed = getenv("APUS_FUZZ_SEED");
    const char *count = getenv("APUS_FUZZ_CALLS");
    int tracing = getenv("APUS_FUZZ_TRACE") != NULL;
    int statistics = getenv("APUS_FUZZ_STATS") != NULL;
    static long outcomes[4096 + 1];   /* [0]: successes, [e]: errno e */
    rng_state = seed ? strtoull(seed, NULL, 0) : 0x41707573ULL;   /* "Apus" */
    long calls_to_make = count ? strtol(count, NULL, 0) : 6000;

    if (test_enter_scratch_dir("fuzz") != 0)
        return test_finish("fuzz");
    long initial_euid = geteuid();
    /* Our own descriptors and limits, out of the generator's reach. */
    CHECK(fuzz_worker_setup() == 0, "worker set-up: saved stdio at fds 250-251, scratch directory at 252");
    block_all_signals();
    uint64_t blocked_before = 0, blocked_after = 0;
    syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &blocked_before, 8L);
    fuzz_save_process_state();

    if (map_regions() != 0) {
        CHECK(0, "map the arena, guards and victim");
    } else {
        char leaked[128] = "";
        int leaks = 0;
        build_pool();
        for (long i = 0; i < calls_to_make; i++) {
            if (i > 0 && i % REFRESH_EVERY == 0)
                build_pool();
            const struct entry *e = &calls[below(COUNT(calls))];
            long a[6];
            generate(e, a);
            prepare(e->number, a);
            if (tracing)
                trace((int)i, e, a);
            errno = 0;
            long r = syscall(e->number, a[0], a[1], a[2], a[3], a[4], a[5]);
            int error = errno;
            outcomes[r == -1 && error > 0 && error <= 4096 ? error : 0]++;
            if (r == -1 && error >= 512 && leaks++ == 0)
                snprintf(leaked, sizeof leaked, "%s returned errno %d", e->name, error);
            after(e, a, r);
            keep_all_nonblocking();
        }
        if (statistics) {
            for (int e = 0; e <= 4096; e++) {
                char line[64];
                int n = outcomes[e] ? snprintf(line, sizeof line, "%-8s %4d %6ld\n",
                                               e ? apus_errno_name(e) : "success", e, outcomes[e]) : 0;
                if (n > 0)
                    apus_write_all(SAVED_STDERR, line, (size_t)n);
            }
        }
        /* Still ourselves, still root, still blocking everything, still able to work. */
        syscall(SYS_fchdir, SCRATCH_FD);
        syscall(SYS_munlockall);
        CHECK(leaks == 0, leaked);
        CHECK_EQ_LONG(getpid(), self_pid);
        CHECK_EQ_LONG(geteuid(), initial_euid);
        CHECK(fcntl(SAVED_STDOUT, F_GETFD) >= 0, "the saved stdout survives");
        syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &blocked_after, 8L);
        CHECK(blocked_after == blocked_before, "every signal is still blocked");
        unsigned char present[ARENA_PAGES];
        CHECK_OK(mincore(arena, ARENA_PAGES * PAGE, present));
        char cwd[256] = "";
        CHECK(getcwd(cwd, sizeof cwd) != NULL && strcmp(cwd, scratch_path) == 0,
              "still in the scratch directory");
        CHECK_OK(apus_write_file("final", "ok", 2));
        char back[2] = "";
        int fd = open("final", O_RDONLY);
        CHECK(fd >= 0 && read(fd, back, 2) == 2 && memcmp(back, "ok", 2) == 0, "a file round trip");
        if (fd >= 0)
            close(fd);
    }
    dup2(SAVED_STDOUT, 1);
    dup2(SAVED_STDERR, 2);
    umask(022);
    test_leave_scratch_dir();
    return test_finish("fuzz");
}
