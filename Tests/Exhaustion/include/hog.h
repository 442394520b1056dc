/* Helpers shared by the exhaustion hogs (Tests/Exhaustion/README.md): become the
 * unprivileged user, keep to a time budget, and judge the errors a kernel may
 * answer with when a resource runs out. A hog prints its diagnostics on fd 2
 * and exits 0 when the kernel only ever refused in the ways Linux does, 1 on
 * any other answer. */
#ifndef APUS_HOG_H
#define APUS_HOG_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define HOG_UID 65534
/* How long a hog keeps pushing, in seconds of guest time. */
#define HOG_SECONDS 8

static int hog_failures;

static inline void hog_say(const char *format, ...)
{
    char line[512];
    va_list arguments;
    va_start(arguments, format);
    int n = vsnprintf(line, sizeof line, format, arguments);
    va_end(arguments);
    if (n > 0)
        (void)!write(2, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

/* Drops to uid/gid 65534 (nobody) for good; exits if that fails. */
static inline void hog_become_nobody(void)
{
    if (setgroups(0, NULL) != 0 || setgid(HOG_UID) != 0 || setuid(HOG_UID) != 0 || getuid() != HOG_UID) {
        hog_say("hog: cannot become uid %d: %s\n", HOG_UID, strerror(errno));
        _exit(2);
    }
}

/* Raises the soft descriptor limit to the hard one. */
static inline void hog_raise_file_limit(void)
{
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

static inline double hog_now(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

/* True until HOG_SECONDS have passed since `start`. */
static inline int hog_in_time(double start) { return hog_now() - start < HOG_SECONDS; }

/* Records `error` (an errno) from `what`: one of the `allowed` answers (a
 * 0-terminated list) is how a full resource is refused; anything else is a
 * failure of the kernel. */
static inline int hog_expect(const char *what, int error, const int *allowed)
{
    for (const int *e = allowed; *e; e++)
        if (*e == error)
            return 1;
    hog_say("hog: %s: unexpected error %d (%s)\n", what, error, strerror(error));
    hog_failures++;
    return 0;
}

/* Forks `count` workers running `work(index)` (each exits with its status);
 * a fork refused with EAGAIN or ENOMEM just means fewer workers. Waits for
 * them all; returns how many ran, and counts a worker that exited non-zero as
 * a failure (a worker killed by a signal is reported in `killed`). */
static inline int hog_run_workers(int count, int (*work)(int), int *killed)
{
    static const int fork_refusals[] = { EAGAIN, ENOMEM, 0 };
    pid_t pids[64];
    int started = 0;
    if (count > 64)
        count = 64;
    for (int i = 0; i < count; i++) {
        pid_t pid = fork();
        if (pid == 0)
            _exit(work(i));
        if (pid < 0) {
            hog_expect("fork", errno, fork_refusals);
            continue;
        }
        pids[started++] = pid;
    }
    for (int i = 0; i < started; i++) {
        int status;
        while (waitpid(pids[i], &status, 0) < 0 && errno == EINTR)
            ;
        if (WIFSIGNALED(status)) {
            if (killed)
                (*killed)++;
        } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            hog_say("hog: worker %d exited with status %d\n", i, WEXITSTATUS(status));
            hog_failures++;
        }
    }
    return started;
}

/* A worker's end: holds what it made until the time is up, then reports. */
static inline int hog_hold(double start)
{
    while (hog_in_time(start))
        usleep(100000);
    return hog_failures ? 1 : 0;
}

static inline int hog_finish(const char *name);

/* A whole hog of `count` workers as the unprivileged user: its main(). */
static inline int hog_run_as_nobody(const char *name, int count, int (*work)(int))
{
    hog_become_nobody();
    int killed = 0;
    int workers = hog_run_workers(count, work, &killed);
    hog_say("%s: %d workers, %d killed\n", name, workers, killed);
    return hog_finish(name);
}

static inline int hog_finish(const char *name)
{
    hog_say("hog %s: %s\n", name, hog_failures == 0 ? "the kernel refused only as Linux does" : "unexpected answers");
    return hog_failures == 0 ? 0 : 1;
}

#endif
