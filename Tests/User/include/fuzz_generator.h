/* fuzz_generator.h: the system-call generator shared by the single-process
 * fuzzer of the regression suite (errors/fuzz.c, which also runs on the
 * host's Linux as root) and Apus's fuzzing level (Tests/Fuzz/apus_fuzz.c,
 * which runs on Apus only, as root and as an unprivileged user, in forked
 * children).
 *
 * A call is chosen from a table of about 300 system calls (and seven numbers
 * that are none), and its arguments from a seeded generator (SplitMix64: the
 * same sequence with every compiler and libc): pointers that are NULL, small,
 * unmapped, in the kernel's half, non-canonical, misaligned, read-only,
 * PROT_NONE or running off the end of a mapping; huge, negative and wrapping
 * lengths, offsets and descriptors; random flags, plus well-formed structures
 * (iovecs, msghdrs, sockaddrs, timeouts) now and then so that calls get past
 * their first check.
 *
 * What keeps the calling process intact (and a host it runs on: the
 * regression suite runs it on Linux as root):
 * - Pointers handed to the kernel point into memory mapped for that purpose
 *   (an arena with PROT_NONE guards, a read-only page, a victim region), into
 *   our read-only text, or nowhere: never into our data, heap or stack. The
 *   arena holds no '/' and no '.', so a path read from it stays in the
 *   scratch directory, and so do the fixed paths.
 * - Memory calls (munmap, mprotect, madvise, mremap, mlock, MAP_FIXED, ...)
 *   only reach into the victim region (or addresses no process can own),
 *   and the victim is mapped afresh after each of them; mappings made
 *   elsewhere are unmapped at once. brk only grows.
 * - fds 0-2 are a scratch file; the real stdout and stderr wait at fds 250
 *   and 251, which no generated descriptor can name. Every descriptor is
 *   made O_NONBLOCK again after each call, timeouts are at most 2 ms, lock
 *   and splice calls are made non-blocking, no FIFO or device node is ever
 *   created, and a few calls are made only in forms that cannot block
 *   (rt_sigsuspend with a bad size, sleeps on CPU clocks of zero length).
 * - Every blockable signal is blocked for good (but those the caller names
 *   in fuzz_options.unblocked_signals); the mask can only grow. Signals
 *   (kill, timers, F_SETSIG, ...) go only to ourselves and are never SIGKILL
 *   or SIGSTOP; rlimits can be read but not lowered; RLIMIT_FSIZE is 8 MiB
 *   so no call fills the disk.
 * - Calls that act on the machine or on other processes (mount, reboot,
 *   clocks, hostname, modules, swap, ptrace, SysV IPC, keys, bpf, perf,
 *   io_uring, fanotify, seccomp, namespaces, sockets other than AF_UNIX,
 *   device ioctls, ...) are left out, as are those that end or replace the
 *   process (exit, execve, fork, clone, rt_sigreturn, pause). Credentials only
 *   take forms that keep root; scheduling, cwd, personality, umask and timer
 *   slack are restored after the call that changed them.
 *
 * fuzz_options widens the generator where only Apus may be hit (the host's
 * devices and terminals must never be): descriptors of devices, terminals,
 * /proc files and directories outside the scratch directory, timeouts far in
 * the future (the caller keeps a watchdog timer that interrupts them), and
 * signals the caller keeps unblocked for its own handlers.
 */
#ifndef FUZZ_GENERATOR_H
#define FUZZ_GENERATOR_H

#include "apus_test.h"
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>

#define PAGE 4096UL
#define ARENA_PAGES 16
#define VICTIM_PAGES 16
#define HOLE_PAGES 16
#define STRUCT_PAGES 2
#define STRING_PAGES 3
#define SAVED_STDOUT 250
#define SAVED_STDERR 251
#define SCRATCH_FD 252
#define POOL_TOP 32          /* generated descriptors are mostly below this */
#define SCAN_TOP 64          /* descriptors kept non-blocking after each call */
#define REFRESH_EVERY 200    /* calls between rebuilding the descriptor pool */
#define MAPPING_MAX (1UL << 20)

/* ---- options ------------------------------------------------------------ */

/* Where the generator may reach beyond the scratch directory and short waits.
 * None of these is set by errors/fuzz.c, which also runs on the host. */
enum fuzz_reach {
    /* The pool also holds device nodes, terminals, /proc files, directories
     * outside the scratch directory, and sockets of other families. */
    FUZZ_REACH_DEVICES = 1,
    /* Some timeouts and timer values lie far in the future or at the limits
     * of their types; the caller's watchdog signal interrupts the waits. */
    FUZZ_REACH_FAR_TIMES = 2,
};

struct fuzz_options {
    unsigned reach;                     /* enum fuzz_reach bits */
    uint64_t unblocked_signals;         /* bit (signal - 1): kept unblocked for the caller's handlers */
    int pool_top;                       /* generated descriptors are mostly below this */
    void (*after_call)(int number);     /* the caller puts its handlers and timers back */
};

static __thread struct fuzz_options fuzz_options = {.pool_top = POOL_TOP};

/* ---- the generator ---------------------------------------------------- */

static __thread uint64_t rng_state;   /* per thread: apus_fuzz.c may run two */

static uint64_t next64(void)
{
    /* SplitMix64: the same sequence with every compiler and libc. */
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static uint64_t below(uint64_t n) { return n ? next64() % n : 0; }
static int percent(int p) { return (int)below(100) < p; }
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define PICK(a) ((a)[below(COUNT(a))])

/* ---- memory handed to the kernel -------------------------------------- */

static char *arena;     /* random bytes, read and written by the kernel */
static char *readonly;  /* zeros, PROT_READ: the kernel's writes fault */
static char *noaccess;  /* PROT_NONE */
static __thread char *structs;   /* well-formed arguments, rebuilt for each call */
static char *strings;   /* paths and names, PROT_READ */
static char *victim;    /* the only memory that memory calls may change */
static char *hole;      /* unmapped */
static __thread size_t struct_used;
static char scratch_path[256];
static long self_pid, self_tid, initial_brk;
static int saved_personality;

/* Addresses no process can own: the kernel half, non-canonical, the top. */
static const uint64_t kernel_pointers[] = {
    0x00007ffffffff000ULL, 0x00007ffffffffff8ULL, 0x0000800000000000ULL,
    0x7fffffffffff0000ULL, 0xffff800000000000ULL, 0xffff888000000000ULL,
    0xffffffff80000000ULL, 0xffffffffff600000ULL, 0xfffffffffffff000ULL,
    0xffffffffffffffffULL,
};
/* User addresses that hold nothing of ours (0x7e00_0000_0000 is user space
 * on Linux and the kernel's on Apus). */
static const uint64_t empty_pointers[] = {
    1, 8, 0xfff, 0x1000, 0x10000 - 8, 0x00007e0000000000ULL, 0x00007e0000001001ULL,
};

/* Pointers that fault for certain. The hole is not one of them: the kernel
 * may map something there (an aio ring, say) that the fuzzer did not ask
 * for, so timeouts, signal masks and limits never point there. */
static long fault_pointer(void)
{
    static const uint64_t small[] = {1, 8, 0xfff};
    switch (below(4)) {
    case 0: return (long)PICK(small);
    case 1: return (long)(noaccess + below(PAGE));
    default: return (long)PICK(kernel_pointers);
    }
}

static long invalid_pointer(void)
{
    switch (below(5)) {
    case 0: return (long)PICK(empty_pointers);
    case 1: return (long)(noaccess + below(PAGE));
    case 2: return (long)(hole + below(HOLE_PAGES * PAGE));
    default: return (long)PICK(kernel_pointers);
    }
}

static long any_pointer(void)
{
    switch (below(14)) {
    case 0: return 0;
    case 1: case 2: case 3: return (long)(arena + (below(ARENA_PAGES * PAGE) & ~7UL));
    case 4: return (long)(arena + below(ARENA_PAGES * PAGE));               /* misaligned */
    case 5: return (long)(arena + ARENA_PAGES * PAGE - below(64));          /* runs into a guard */
    case 6: return (long)(readonly + below(PAGE));
    case 7: return (long)(victim + below(VICTIM_PAGES * PAGE));
    case 8: return (long)(void *)&next64;                                   /* our text */
    case 9: return (long)next64();
    default: return invalid_pointer();
    }
}

static void *struct_alloc(size_t size)
{
    size_t start = (struct_used + 7) & ~7UL;
    if (start + size > STRUCT_PAGES * PAGE)
        start = 0;
    struct_used = start + size;
    memset(structs + start, 0, size);
    return structs + start;
}

/* Strings in the read-only string pages: paths inside the scratch directory,
 * attribute names, too-long names, and one without a terminator. */
static const char *string_list[64];
static size_t string_count;

static void add_string(size_t *used, const char *text, size_t length)
{
    if (*used + length + 1 > STRING_PAGES * PAGE - 64 || string_count == COUNT(string_list))
        return;
    memcpy(strings + *used, text, length);
    strings[*used + length] = '\0';
    string_list[string_count++] = strings + *used;
    *used += length + 1;
}

static void build_strings(void)
{
    static const char *const fixed[] = {
        "f0", "f1", "d0", "d0/f2", "l0", "sock", "stdio", "", ".", "d0/../f0", "nonexistent",
        "nonexistent/x", "f0/x", "l0/x", "d0/", "new0", "new1", "d1", "user.fuzz",
        "trusted.fuzz", "security.fuzz", "system.posix_acl_access", "user.",
    };
    size_t used = 0;
    for (size_t i = 0; i < COUNT(fixed); i++)
        add_string(&used, fixed[i], strlen(fixed[i]));
    char buffer[4200];
    memset(buffer, 'a', 256);
    add_string(&used, buffer, 255);          /* NAME_MAX */
    add_string(&used, buffer, 256);          /* one more: ENAMETOOLONG */
    for (int i = 0; i < 2100; i++)
        memcpy(buffer + 2 * i, "a/", 2);
    add_string(&used, buffer, 4200);         /* longer than PATH_MAX */
    char absolute[300];
    int n = snprintf(absolute, sizeof absolute, "%s/f0", scratch_path);
    if (n > 0 && (size_t)n < sizeof absolute)
        add_string(&used, absolute, (size_t)n);
    /* The last 32 bytes: no terminator before the guard page. */
    memset(strings + STRING_PAGES * PAGE - 32, 'b', 32);
    string_list[string_count++] = strings + STRING_PAGES * PAGE - 32;
}

static long any_string(void)
{
    if (percent(80))
        return (long)string_list[below(string_count)];
    return any_pointer();
}

/* ---- scalar arguments ------------------------------------------------- */

static const long hostile_fds[] = {
    -1, -2, -100, INT_MIN, INT_MAX, 1023, 1024, 65535, 1 << 20,
    (long)((1ULL << 32) | 3), (long)0xffffffff00000001ULL,
};

static long any_fd(void)
{
    if (percent(80))
        return (long)below((uint64_t)fuzz_options.pool_top);
    if (percent(80))
        return PICK(hostile_fds);
    long fd = (int)next64();
    return (fd >= SAVED_STDOUT && fd <= SCRATCH_FD) ? -1 : fd;
}

static long any_dirfd(void) { return percent(40) ? AT_FDCWD : any_fd(); }

static const uint64_t lengths[] = {
    0, 1, 2, 7, 8, 15, 16, 64, 255, 256, 4095, 4096, 4097, 65536, 1 << 20, 1ULL << 31,
    1ULL << 32, 1ULL << 47, (1ULL << 63) - 1, 1ULL << 63, ~0ULL, ~0ULL - 4095,
};

static long any_length(void) { return percent(90) ? (long)PICK(lengths) : (long)next64(); }

static const int64_t offsets[] = {
    0, 1, 100, 4095, 4096, 1LL << 32, 1LL << 62, INT64_MAX, -1, -4096, INT64_MIN,
};

static long any_offset(void) { return percent(90) ? (long)PICK(offsets) : (long)next64(); }

static long any_int(void)
{
    switch (below(9)) {
    case 0: return 0;
    case 1: return (long)below(4);
    case 2: return (long)below(64);
    case 3: return 1L << below(32);
    case 4: return (1L << below(32)) | (1L << below(32)) | (long)below(8);
    case 5: return (int)next64();
    case 6: return -1;
    case 7: return INT_MIN;
    default: return (long)next64();
    }
}

static long any_mode(void)
{
    static const long modes[] = {0, 0600, 0644, 0755, 0777, 07777, 0100644, 0170777, -1};
    return percent(80) ? PICK(modes) : any_int();
}

static long any_uid(void)
{
    static const long ids[] = {0, 1, 1000, 65534, -1, (long)0xffffffffULL, INT_MAX};
    return percent(85) ? PICK(ids) : any_int();
}

/* A pid for calls that only look at a process. */
static long any_pid(void)
{
    switch (below(8)) {
    case 0: return 0;
    case 1: case 2: return self_pid;
    case 3: return 1;
    case 4: return -1;
    case 5: return INT_MIN;
    case 6: return 0x3fffffff;
    default: return (long)below(32768);
    }
}

/* A pid for calls that change a process: only ourselves, or nobody. */
static long own_pid(void)
{
    static const long pids[] = {0, 0x3fffffff, INT_MAX};
    return percent(60) ? (percent(50) ? 0 : self_pid) : PICK(pids);
}

/* Signals that may be sent to ourselves: all blockable, all blocked. */
static long any_signal(void)
{
    static const long signals[] = {
        0, SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGPIPE, SIGALRM, SIGTERM, SIGCHLD,
        SIGCONT, SIGTSTP, SIGTTIN, SIGURG, SIGWINCH, SIGIO, SIGSYS, 34, 40, 64, 65, -1, 1000,
    };
    return PICK(signals);
}

static long safe_signal(long sig) { return (sig == SIGKILL || sig == SIGSTOP) ? SIGUSR1 : sig; }

static long any_clock(void)
{
    static const long clocks[] = {
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 100, -1, INT_MIN,
        -6, -2, (~1L << 3) | 2, (~1L << 3) | 6, /* CPU clocks: ours and pid 1's */
    };
    return PICK(clocks);
}

/* ---- well-formed structures ------------------------------------------- */

/* struct timespec that bounds a wait at 2 ms (as a relative time) or lies in
 * the past (as an absolute one), an invalid one, or a pointer that faults.
 * Never NULL, never arena or text memory: those could mean forever. */
/* Seconds at and past the limits of the kernel's time types. */
static const int64_t far_seconds[] = {
    INT64_MAX, INT64_MAX - 1, INT64_MAX / 1000000000, INT64_MAX / 1000000000 + 1,
    1LL << 32, 1LL << 62, (int64_t)1e10, INT32_MAX,
};

static long far_time_pointer(long fraction_limit)
{
    long *time = struct_alloc(16);
    time[0] = PICK(far_seconds);
    time[1] = percent(50) ? fraction_limit - 1 : (long)below((uint64_t)fraction_limit);
    return (long)time;
}

static long timeout_pointer(void)
{
    long *ts;
    if ((fuzz_options.reach & FUZZ_REACH_FAR_TIMES) && percent(10))
        return far_time_pointer(1000000000);
    switch (below(10)) {
    case 0: case 1: case 2: case 3:
        ts = struct_alloc(16);
        ts[1] = (long)below(2000000);
        return (long)ts;
    case 4:
        return (long)struct_alloc(16);
    case 5:
        ts = struct_alloc(16);
        ts[0] = percent(50) ? -1 : 0;
        ts[1] = percent(50) ? 1000000000 : -1;
        return (long)ts;
    case 6:
        return (long)readonly;
    case 7:
        ts = struct_alloc(24);      /* misaligned */
        ts = (long *)((char *)ts + 4);
        memset(ts, 0, 16);
        return (long)ts;
    default:
        return fault_pointer();
    }
}

static long timeval_pointer(void)
{
    long *tv;
    if ((fuzz_options.reach & FUZZ_REACH_FAR_TIMES) && percent(10))
        return far_time_pointer(1000000);
    switch (below(6)) {
    case 0: case 1: case 2:
        tv = struct_alloc(16);
        tv[1] = (long)below(2000);
        return (long)tv;
    case 3:
        tv = struct_alloc(16);
        tv[0] = percent(50) ? -1 : 0;
        tv[1] = percent(50) ? 1000000 : -1;
        return (long)tv;
    case 4:
        return (long)readonly;
    default:
        return fault_pointer();
    }
}

/* A signal set that can only block more: all ones (but the caller's
 * watchdog, so that a far timeout still ends), NULL, or a bad pointer. */
static long mask_pointer(void)
{
    if (percent(50)) {
        uint64_t *set = struct_alloc(8);
        *set = ~fuzz_options.unblocked_signals;
        return (long)set;
    }
    return percent(50) ? 0 : fault_pointer();
}

static long mask_size(void)
{
    static const long sizes[] = {8, 8, 8, 8, 0, 4, 16, 128, -1};
    return PICK(sizes);
}

/* pselect6's sixth argument: {const sigset_t *, size_t}. */
static long mask_pair_pointer(void)
{
    if (percent(30))
        return percent(50) ? 0 : fault_pointer();
    long *pair = struct_alloc(16);
    pair[0] = mask_pointer();
    pair[1] = mask_size();
    return (long)pair;
}

static long iovec_pointer(long *count)
{
    if (percent(20)) {
        *count = any_length();
        return any_pointer();
    }
    long n = (long)below(9);
    struct iovec *iov = struct_alloc((size_t)n * sizeof *iov + 1);
    for (long i = 0; i < n; i++) {
        iov[i].iov_base = (void *)any_pointer();
        iov[i].iov_len = percent(70) ? (size_t)below(PAGE * 2) : (size_t)any_length();
    }
    *count = percent(85) ? n : any_length();
    return (long)iov;
}

static long pollfd_pointer(long *count)
{
    if (percent(20)) {
        *count = any_length();
        return any_pointer();
    }
    long n = (long)below(9);
    struct pollfd *fds = struct_alloc((size_t)n * sizeof *fds + 1);
    for (long i = 0; i < n; i++) {
        fds[i].fd = (int)any_fd();
        fds[i].events = (short)(percent(50) ? POLLIN | POLLOUT : (short)next64());
    }
    *count = percent(85) ? n : any_length();
    return (long)fds;
}

static long sockaddr_pointer(long *length)
{
    if (percent(25)) {
        *length = percent(50) ? (long)sizeof(struct sockaddr_un) : any_length();
        return any_pointer();
    }
    static const char *const names[] = {"sock", "sock2", "d0/sock3", "", "stdio", "nonexistent/s"};
    struct sockaddr_un *sun = struct_alloc(sizeof *sun + 8);
    sun->sun_family = percent(85) ? AF_UNIX : (sa_family_t)below(64);
    if (percent(15)) {
        int n = snprintf(sun->sun_path + 1, sizeof sun->sun_path - 1, "apus-fuzz-%ld", self_pid);
        *length = (long)offsetof(struct sockaddr_un, sun_path) + 1 + (n > 0 ? n : 0);
        return (long)sun;
    }
    if (percent(10)) {
        memset(sun->sun_path, 'c', sizeof sun->sun_path);   /* no terminator */
        *length = (long)sizeof *sun;
        return (long)sun;
    }
    const char *name = PICK(names);
    memcpy(sun->sun_path, name, strlen(name));
    *length = percent(80) ? (long)(offsetof(struct sockaddr_un, sun_path) + strlen(name) + 1)
                          : (percent(50) ? (long)below(4) : any_length());
    return (long)sun;
}

static long msghdr_pointer(void)
{
    if (percent(20))
        return any_pointer();
    struct msghdr *msg = struct_alloc(sizeof *msg);
    long length = 0, count = 0;
    if (percent(40)) {
        msg->msg_name = (void *)sockaddr_pointer(&length);
        msg->msg_namelen = (socklen_t)length;
    }
    msg->msg_iov = (struct iovec *)iovec_pointer(&count);
    msg->msg_iovlen = (size_t)count;
    if (percent(30)) {
        msg->msg_control = (void *)any_pointer();
        msg->msg_controllen = percent(50) ? (size_t)below(256) : (size_t)any_length();
    }
    msg->msg_flags = (int)any_int();
    return (long)msg;
}

/* struct itimerspec: intervals of a millisecond or more (no interrupt storm). */
static long itimerspec_pointer(void)
{
    if (percent(30))
        return any_pointer();
    long *its = struct_alloc(32);
    if (percent(40))
        its[1] = 1000000 + (long)below(9000000);
    its[3] = percent(70) ? (long)below(2000000) : (percent(50) ? -1 : 1000000000);
    if ((fuzz_options.reach & FUZZ_REACH_FAR_TIMES) && percent(10)) {
        its[2] = PICK(far_seconds);
        if (percent(30))
            its[0] = PICK(far_seconds);
    }
    return (long)its;
}

/* ---- victim ranges ----------------------------------------------------- */

static void victim_range(long *address, long *length)
{
    unsigned long start_page = below(VICTIM_PAGES);
    unsigned long room = (VICTIM_PAGES - start_page) * PAGE;
    switch (below(10)) {
    case 0: case 1: case 2: case 3: case 4: case 5: {
        *address = (long)(victim + start_page * PAGE);
        static const int kinds[] = {0, 1, 2, 3, 4, 4, 5};
        switch (PICK(kinds)) {
        case 0: *length = 0; break;
        case 1: *length = 1; break;
        case 2: *length = (long)PAGE; break;
        case 3: *length = (long)PAGE - 1; break;
        case 4: *length = (long)room; break;
        default: *length = (long)below(room + 1); break;
        }
        return;
    }
    case 6: {
        unsigned long skew = 1 + below(PAGE - 1);
        *address = (long)(victim + start_page * PAGE + skew);
        *length = (long)below(room - skew + 1);
        return;
    }
    case 7:   /* nothing there, and the end wraps or lies above every user address */
        *address = (long)PICK(kernel_pointers);
        *length = any_length();
        return;
    case 8:   /* start + length wraps around */
        *address = (long)(victim + start_page * PAGE);
        *length = -*address + (long)(below(4) * PAGE);
        return;
    default: {
        static const long lows[] = {0, 0x1000, 0x00007e0000000000L};
        *address = PICK(lows);
        *length = (long)below(0x10000);
        return;
    }
    }
}

static int in_victim(long address, unsigned long length)
{
    unsigned long start = (unsigned long)victim, end = start + VICTIM_PAGES * PAGE;
    return (unsigned long)address >= start && (unsigned long)address < end &&
           length <= end - (unsigned long)address;
}

static long mapping_length(void)
{
    static const uint64_t sizes[] = {
        0, 1, 4095, 4096, 8192, 65536, MAPPING_MAX, 1ULL << 47, 1ULL << 63, ~0ULL, ~0ULL - 4095,
    };
    return percent(85) ? (long)PICK(sizes) : (long)below(MAPPING_MAX);
}

/* ---- set-up ------------------------------------------------------------ */

static int set_soft_limit(int resource, rlim_t value)
{
    struct rlimit limit;
    if (getrlimit(resource, &limit) != 0)
        return -1;
    if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < value)
        value = limit.rlim_max;
    limit.rlim_cur = value;
    return setrlimit(resource, &limit);
}

static int map_regions(void)
{
    /* guard arena guard readonly guard noaccess guard structs guard strings guard victim guard hole */
    size_t pages = 1 + ARENA_PAGES + 1 + 1 + 1 + 1 + 1 + STRUCT_PAGES + 1 + STRING_PAGES + 1 +
                   VICTIM_PAGES + 1 + HOLE_PAGES;
    char *base = mmap(NULL, pages * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED)
        return -1;
    char *p = base + PAGE;
    arena = p; p += (ARENA_PAGES + 1) * PAGE;
    readonly = p; p += 2 * PAGE;
    noaccess = p; p += 2 * PAGE;
    structs = p; p += (STRUCT_PAGES + 1) * PAGE;
    strings = p; p += (STRING_PAGES + 1) * PAGE;
    victim = p; p += (VICTIM_PAGES + 1) * PAGE;
    hole = p;
    if (mprotect(arena, ARENA_PAGES * PAGE, PROT_READ | PROT_WRITE) != 0 ||
        mprotect(readonly, PAGE, PROT_READ) != 0 ||
        mprotect(structs, STRUCT_PAGES * PAGE, PROT_READ | PROT_WRITE) != 0 ||
        mprotect(strings, STRING_PAGES * PAGE, PROT_READ | PROT_WRITE) != 0 ||
        mprotect(victim, VICTIM_PAGES * PAGE, PROT_READ | PROT_WRITE) != 0 ||
        munmap(hole, HOLE_PAGES * PAGE) != 0)
        return -1;
    build_strings();
    return mprotect(strings, STRING_PAGES * PAGE, PROT_READ);
}

#endif
