/*
 * apus_test.h: the few helpers every user-space regression program uses.
 *
 * A program checks many cases, records the first failure (with file:line and
 * the errno seen at that moment) and counts the rest, then ends with
 *     return test_finish("name");
 * which prints exactly one line, "PASS <subsystem>/<name>" or
 * "FAIL <subsystem>/<name>: <first failure>", and returns 0 or 1.
 * The subsystem is the directory the .c file lives in (taken from __FILE__),
 * unless APUS_SUBSYSTEM is defined.
 *
 * Output goes straight to fd 1 with write(2), never through stdio, so the
 * line is complete even if the program later dies, and a forked child that
 * exits does not flush a copy of a parent's buffer.
 *
 * Children created by fork() must not call test_finish(); they report
 * through their exit status (see child_exit_status()).
 */
#ifndef APUS_TEST_H
#define APUS_TEST_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <dirent.h>
#include <unistd.h>

/* Constants that one of the two libcs' headers may lack. */
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef F_GETPIPE_SZ
#define F_SETPIPE_SZ 1031
#define F_GETPIPE_SZ 1032
#endif
#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif
#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif
#ifndef SYS_faccessat2
#define SYS_faccessat2 439
#endif

static int apus_failure_count;
static char apus_first_failure[512];

static inline const char *apus_errno_name(int e)
{
    switch (e) {
    case 0: return "0";
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case ESRCH: return "ESRCH";
    case EINTR: return "EINTR";
    case EIO: return "EIO";
    case E2BIG: return "E2BIG";
    case ENOEXEC: return "ENOEXEC";
    case EBADF: return "EBADF";
    case ECHILD: return "ECHILD";
    case EAGAIN: return "EAGAIN";
    case ENOMEM: return "ENOMEM";
    case EACCES: return "EACCES";
    case EFAULT: return "EFAULT";
    case EBUSY: return "EBUSY";
    case EEXIST: return "EEXIST";
    case EXDEV: return "EXDEV";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case EINVAL: return "EINVAL";
    case ENFILE: return "ENFILE";
    case EMFILE: return "EMFILE";
    case ENOTTY: return "ENOTTY";
    case EFBIG: return "EFBIG";
    case ENOSPC: return "ENOSPC";
    case ESPIPE: return "ESPIPE";
    case EROFS: return "EROFS";
    case EMLINK: return "EMLINK";
    case EPIPE: return "EPIPE";
    case ERANGE: return "ERANGE";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ENOSYS: return "ENOSYS";
    case ENOTEMPTY: return "ENOTEMPTY";
    case ELOOP: return "ELOOP";
    case EOVERFLOW: return "EOVERFLOW";
    case ETIMEDOUT: return "ETIMEDOUT";
    default: return "E?";
    }
}

static inline void apus_fail(const char *file, int line, int err, const char *fmt, ...)
{
    apus_failure_count++;
    if (apus_failure_count > 1)
        return;
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    int n = snprintf(apus_first_failure, sizeof apus_first_failure, "%s:%d: ", base, line);
    if (n < 0 || (size_t)n >= sizeof apus_first_failure)
        return;
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(apus_first_failure + n, sizeof apus_first_failure - n, fmt, ap);
    va_end(ap);
    if (m < 0 || (size_t)(n + m) >= sizeof apus_first_failure)
        return;
    snprintf(apus_first_failure + n + m, sizeof apus_first_failure - n - m,
             " (errno %d %s)", err, apus_errno_name(err));
}

/* CHECK(cond, "what"): records a failure unless cond holds. */
#define CHECK(cond, what)                                                     \
    do {                                                                      \
        if (!(cond)) {                                                        \
            int apus_e_ = errno;                                              \
            apus_fail(__FILE__, __LINE__, apus_e_, "%s", (what));            \
        }                                                                     \
    } while (0)

/* CHECK_OK(expr): expr (a syscall-style call) must not return -1. */
#define CHECK_OK(expr)                                                        \
    do {                                                                      \
        errno = 0;                                                            \
        long apus_r_ = (long)(expr);                                          \
        int apus_e_ = errno;                                                  \
        if (apus_r_ == -1)                                                    \
            apus_fail(__FILE__, __LINE__, apus_e_, "%s failed", #expr);      \
    } while (0)

/* CHECK_ERR(expr, E): expr must return -1 with errno E. */
#define CHECK_ERR(expr, expected)                                             \
    do {                                                                      \
        errno = 0;                                                            \
        long apus_r_ = (long)(expr);                                          \
        int apus_e_ = errno;                                                  \
        if (apus_r_ != -1 || apus_e_ != (expected))                           \
            apus_fail(__FILE__, __LINE__, apus_e_,                            \
                      "%s returned %ld, expected -1 with %s", #expr,         \
                      apus_r_, apus_errno_name(expected));                    \
    } while (0)

/* CHECK_EQ_LONG(a, b): both evaluated once, compared as long. */
#define CHECK_EQ_LONG(a, b)                                                   \
    do {                                                                      \
        long apus_a_ = (long)(a), apus_b_ = (long)(b);                        \
        if (apus_a_ != apus_b_) {                                             \
            int apus_e_ = errno;                                              \
            apus_fail(__FILE__, __LINE__, apus_e_, "%s == %ld, expected %s == %ld", \
                      #a, apus_a_, #b, apus_b_);                              \
        }                                                                     \
    } while (0)

/* CHECK_EQ_STR(a, b): two NUL-terminated strings must be equal (both shown if not). */
#define CHECK_EQ_STR(a, b)                                                    \
    do {                                                                      \
        const char *apus_sa_ = (a), *apus_sb_ = (b);                          \
        if (strcmp(apus_sa_, apus_sb_) != 0) {                                \
            int apus_e_ = errno;                                              \
            apus_fail(__FILE__, __LINE__, apus_e_, "%s is \"%s\", expected \"%s\"", \
                      #a, apus_sa_, apus_sb_);                                \
        }                                                                     \
    } while (0)

/* For calls such as clock_nanosleep that return an error number instead of -1. */
#define CHECK_RET_ERRNO(expr, expected)                                       \
    do {                                                                      \
        long apus_r_ = (long)(expr);                                          \
        if (apus_r_ != (expected))                                            \
            apus_fail(__FILE__, __LINE__, (int)apus_r_,                       \
                      "%s returned %ld, expected %s", #expr, apus_r_,         \
                      apus_errno_name(expected));                             \
    } while (0)

static inline void apus_write_all(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w <= 0) {
            if (w < 0 && errno == EINTR)
                continue;
            return;
        }
        s += w;
        n -= (size_t)w;
    }
}

static inline int apus_finish(const char *file, const char *name)
{
    char subsystem[64] = "unknown";
#ifdef APUS_SUBSYSTEM
    snprintf(subsystem, sizeof subsystem, "%s", APUS_SUBSYSTEM);
#else
    const char *end = strrchr(file, '/');
    if (end) {
        const char *start = end;
        while (start > file && start[-1] != '/')
            start--;
        size_t len = (size_t)(end - start);
        if (len > 0 && len < sizeof subsystem) {
            memcpy(subsystem, start, len);
            subsystem[len] = '\0';
        }
    }
#endif
    char line[768];
    int n;
    if (apus_failure_count == 0)
        n = snprintf(line, sizeof line, "PASS %s/%s\n", subsystem, name);
    else
        n = snprintf(line, sizeof line, "FAIL %s/%s: %s [%d failed checks]\n",
                     subsystem, name, apus_first_failure, apus_failure_count);
    if (n > 0)
        apus_write_all(1, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
    return apus_failure_count == 0 ? 0 : 1;
}

#define test_finish(name) apus_finish(__FILE__, (name))

/* Whether this process has a capability (CAP_SYS_RESOURCE lifts per-user limits). Root in
 * a container may lack it; a kernel without capget (Apus) gives the superuser
 * every capability. */
static inline int apus_has_capability(int capability)
{
    struct { uint32_t version; int pid; } header = { 0x20080522, 0 };   /* _LINUX_CAPABILITY_VERSION_3 */
    struct { uint32_t effective, permitted, inheritable; } data[2];
    if (syscall(SYS_capget, &header, data) != 0)
        return errno == ENOSYS && geteuid() == 0;
    return (data[capability / 32].effective >> (capability % 32)) & 1;
}

static inline int apus_has_cap_sys_resource(void) { return apus_has_capability(24); }

/* ---- helpers for file-system tests ---------------------------------- */

/* Removes a directory tree (best effort), walking it with descriptors so
 * that trees deeper than PATH_MAX can be removed too. */
static inline void apus_rmtree_at(int dirfd, const char *name, int depth)
{
    if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT || depth > 200)
        return;
    for (int pass = 0; pass < 3; pass++) {
        int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
        if (fd < 0)
            return;
        DIR *d = fdopendir(fd);
        if (!d) {
            close(fd);
            return;
        }
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
                apus_rmtree_at(fd, e->d_name, depth + 1);
        }
        closedir(d);
        if (unlinkat(dirfd, name, AT_REMOVEDIR) == 0)
            return;
    }
}

static inline void apus_rmtree(const char *path)
{
    apus_rmtree_at(AT_FDCWD, path, 0);
}

static char apus_scratch_dir[256];

/*
 * Creates a fresh directory /tmp/apus-<name>-<pid> and makes it the current
 * directory. Returns 0, or -1 (with a recorded failure) if that is impossible.
 */
#define test_enter_scratch_dir(name) apus_enter_scratch_dir(__FILE__, __LINE__, (name))
static inline int apus_enter_scratch_dir(const char *file, int line, const char *name)
{
    snprintf(apus_scratch_dir, sizeof apus_scratch_dir, "/tmp/apus-%s-%d", name, (int)getpid());
    apus_rmtree(apus_scratch_dir);
    if (mkdir(apus_scratch_dir, 0755) != 0 || chdir(apus_scratch_dir) != 0) {
        apus_fail(file, line, errno, "cannot create scratch dir %s", apus_scratch_dir);
        return -1;
    }
    return 0;
}

/* Leaves and removes the scratch directory. */
static inline void test_leave_scratch_dir(void)
{
    if (apus_scratch_dir[0] == '\0')
        return;
    if (chdir("/tmp") != 0)
        return;
    apus_rmtree(apus_scratch_dir);
}

/* Creates (or truncates) a file holding exactly len bytes of data. */
static inline int apus_write_file(const char *path, const void *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return -1;
    ssize_t w = len ? write(fd, data, len) : 0;
    close(fd);
    return w == (ssize_t)len ? 0 : -1;
}

/* Reads the whole file at path into buf (NUL-terminated, at most size - 1
 * bytes, read until EOF: files of size 0 such as /proc's are read too).
 * Returns its length, or -1 if it cannot be opened. */
static inline long apus_read_file(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    long total = 0;
    for (;;) {
        ssize_t n = read(fd, buf + total, size - 1 - total);
        if (n <= 0)
            break;
        total += n;
    }
    close(fd);
    buf[total] = '\0';
    return total;
}

/* ---- helpers for multi-process tests -------------------------------- */

/* The absolute path of this program, from argv[0] (absolute, or relative to the
 * current directory), for tests that exec themselves. 0 on success. */
static inline int apus_self_path(const char *argv0, char *path, size_t size)
{
    if (argv0[0] == '/') {
        snprintf(path, size, "%s", argv0);
        return 0;
    }
    char cwd[2048];
    if (getcwd(cwd, sizeof cwd) == NULL)
        return -1;
    snprintf(path, size, "%s/%s", cwd, argv0);
    return 0;
}

/*
 * Waits for pid and returns its exit status (0..255), or 1000 + signal number
 * if it was killed, or -1 if waiting failed. A child reports failure with a
 * non-zero exit status that names the step which failed.
 */
#include <sys/wait.h>
#include <time.h>
static inline int child_exit_status(pid_t pid)
{
    int status;
    pid_t r;
    do {
        r = waitpid(pid, &status, 0);
    } while (r < 0 && errno == EINTR);
    if (r != pid)
        return -1;
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 1000 + WTERMSIG(status);
    return -2;
}

/*
 * fork() for tests: the child starts with a clean failure record, uses the
 * same CHECK macros, and ends with test_child_exit(), which prints its first
 * failure on fd 2 (prefixed "child:") and exits 1, or exits 0.
 */
static inline pid_t test_fork(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        apus_failure_count = 0;
        apus_first_failure[0] = '\0';
    }
    return pid;
}

static inline void test_child_exit(void)
{
    if (apus_failure_count != 0) {
        char line[600];
        int n = snprintf(line, sizeof line, "child %d: %s\n", (int)getpid(), apus_first_failure);
        if (n > 0)
            apus_write_all(2, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
    }
    _exit(apus_failure_count != 0 ? 1 : 0);
}

/* Sleeps for the given number of milliseconds (restarting after signals). */
static inline void apus_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* Monotonic clock in nanoseconds. */
#include <time.h>
static inline long long apus_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

#endif /* APUS_TEST_H */
