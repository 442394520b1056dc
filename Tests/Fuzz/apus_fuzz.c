/* apus_fuzz: the fuzzing level's system-call fuzzer. It runs as init (PID 1)
 * on Apus only, and refuses to run anywhere else: it makes calls as root
 * that reach devices, terminals and /proc, which must never touch a host.
 *
 * The supervisor (PID 1) forks workers, each with its own seed; even workers
 * stay root, odd ones drop to uid/gid 65534 (nobody) in the child before the
 * first call. A worker makes its calls with the generator of
 * Tests/User/include/fuzz_generator.h widened for Apus (devices, terminals,
 * /proc files, outside directories, other socket families, times at the
 * limits of their types) and enters each call with hostile flags now and
 * then: DF (string operations run backwards), AC (alignment checks and, on
 * a machine with SMAP, user access from the kernel) and TF (a single-step
 * trap; the SIGTRAP after the call is handled and TF cleared). A periodic
 * SIGALRM interrupts waits (timeouts far in the future included).
 *
 * A worker that dies of a signal is fine: the point is that the kernel
 * stays alive. A worker fails when it hangs (still there after its time
 * budget and a SIGKILL), or when a kernel-internal error number (512 and up)
 * leaks to user space. The supervisor keeps `jobs` workers running until the
 * call budget is spent, then checks that the kernel still answers (a fresh
 * process is exec'd and exits), prints a line per worker, the calls made and
 * the seeds, and `N passed, M failed`, and exits with 0 when none failed.
 *
 * Each worker keeps its last calls in a ring shared with the supervisor,
 * which prints them for a worker that hung, and its call count. Each slot
 * is a MAP_SHARED page of its own between PROT_NONE guard pages, at an
 * address (SLOT_AREA) that no pointer of the generator aims at; each thread
 * keeps its own count with a check word (~count ^ CHECK_KEY), and canaries
 * bracket the slot. A count whose check, canaries or untouched rest of the
 * page disagree is reported as overwritten, with the words found, and not
 * counted: the campaign's total is then only what was verified. (The
 * slots used to be the supervisor's first mapping, right above each
 * worker's fuzzing regions. The generator's "unmapped" hole lies at the top
 * of those, and top-down placement fills it with the worker's own later
 * mappings; a call through a hole pointer, e.g. getrandom(hole, 64 KiB),
 * then wrote on across into the slots. A decoy page there was written 7
 * times in 10M calls; the guarded slots, never.) A kernel panic ends QEMU: the
 * supervisor announces each worker's seed before it starts, so `apus fuzz
 * --seed S --workers 1 --trace` replays that worker alone with every call
 * printed before it is made.
 *
 * Usage (words after `--` on the kernel command line):
 *   apus_fuzz [--calls N] [--seed S] [--jobs J] [--per-worker K]
 *             [--budget SECONDS] [--threaded-every N] [--trace] [--users root,nobody]
 *             [--exec PROGRAM ARGS...]
 * --threaded-every N makes every Nth worker fuzz from two threads at once.
 * --exec runs another fuzzer (Trinity) in the workers instead, as the
 * worker's user, once per worker; the rest of the command line is its own.
 */
#include "apus_test.h"
#include "fuzz_calls.h"
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <dirent.h>
#include <grp.h>
#include <pthread.h>
#include <stdarg.h>
#include <termios.h>
#include <time.h>
#include <ucontext.h>

#define NOBODY 65534
#define MAX_JOBS 8
#define RING 16                  /* calls each worker keeps for the supervisor */
#define FLAG_TF 0x100UL
#define FLAG_DF 0x400UL
#define FLAG_AC 0x40000UL
#define EXIT_LEAKED 3            /* worker statuses the supervisor reads */
#define EXIT_SETUP 4

/* ---- what workers share with the supervisor ------------------------------ */

struct call_record {
    long index, number, flags;
    long args[6];
};

#define SLOT_AREA 0x3e5a00000000UL   /* guard, slot 0, guard, slot 1, ..., guard */
#define SLOT_CANARY 0x51075107c0ffee00UL
#define CHECK_KEY 0x5a5ac3c3a5a53c3cUL

struct worker_slot {
    volatile unsigned long head_canary;
    volatile long calls_made[2];         /* per thread: the worker, its helper */
    volatile long calls_check[2];        /* ~calls_made[t] ^ CHECK_KEY, stored after it */
    volatile unsigned long next;         /* ring position */
    struct call_record ring[RING];
    volatile unsigned long tail_canary;
};

_Static_assert(sizeof(struct worker_slot) <= 4096, "a slot fits its page");

static struct worker_slot *slot_at(int index)
{
    return (struct worker_slot *)(SLOT_AREA + (2 * (unsigned long)index + 1) * 4096);
}

/* ---- the worker ------------------------------------------------------------ */

static volatile long alarms, traps;

static void on_alarm(int signal) { (void)signal; alarms++; }

static void on_trap(int signal, siginfo_t *info, void *context)
{
    (void)signal; (void)info;
    ucontext_t *uc = context;
    uc->uc_mcontext.gregs[REG_EFL] &= ~(long)FLAG_TF;
    traps++;
}

static void install_handlers(void)
{
    struct sigaction alarm_action = {.sa_handler = on_alarm};
    sigaction(SIGALRM, &alarm_action, NULL);
    struct sigaction trap_action = {.sa_sigaction = on_trap, .sa_flags = SA_SIGINFO};
    sigaction(SIGTRAP, &trap_action, NULL);
}

static void arm_watchdog(void)
{
    /* Every 20 ms: far timeouts end in EINTR, and signal delivery meets
     * every kind of wait. */
    struct itimerval period = {{0, 20000}, {0, 20000}};
    setitimer(ITIMER_REAL, &period, NULL);
}

static void after_call(int number)
{
    switch (number) {
    case 13: install_handlers(); break;                                /* rt_sigaction */
    case 37: case 38: case 222: case 223: case 226: arm_watchdog(); break; /* alarm, timers */
    default: break;
    }
}

/* The system call with the flags in `set` raised for it: rflags is what the
 * kernel's entry must sanitize (Linux masks TF, DF and AC on syscall entry).
 * The red zone is stepped over before pushfq. */
static long hostile_syscall(long number, const long a[6], unsigned long set)
{
    register long r10 __asm__("r10") = a[3];
    register long r8 __asm__("r8") = a[4];
    register long r9 __asm__("r9") = a[5];
    unsigned long clear = ~(FLAG_TF | FLAG_DF | FLAG_AC);
    long result;
    __asm__ volatile(
        "lea -128(%%rsp), %%rsp\n\t"
        "pushfq\n\t"
        "orq %[set], (%%rsp)\n\t"
        "popfq\n\t"
        "syscall\n\t"
        "pushfq\n\t"
        "andq %[clear], (%%rsp)\n\t"
        "popfq\n\t"
        "lea 128(%%rsp), %%rsp\n\t"
        : "=a"(result)
        : "a"(number), "D"(a[0]), "S"(a[1]), "d"(a[2]), "r"(r10), "r"(r8), "r"(r9),
          [set] "r"(set), [clear] "r"(clear)
        : "rcx", "r11", "memory", "cc");
    return result;
}

static unsigned long hostile_flags(void)
{
    switch (below(20)) {
    case 0: case 1: case 2: return FLAG_DF;
    case 3: case 4: case 5: return FLAG_AC;
    case 6: return FLAG_TF;
    case 7: return FLAG_DF | FLAG_AC | FLAG_TF;
    default: return 0;
    }
}

static void trace_call(long index, const struct entry *e, const long a[6], unsigned long flags)
{
    char line[256];
    int n = snprintf(line, sizeof line, "fuzz %ld: %s(%#lx, %#lx, %#lx, %#lx, %#lx, %#lx) flags %#lx\n",
                     index, e->name, a[0], a[1], a[2], a[3], a[4], a[5], flags);
    if (n > 0)
        apus_write_all(SAVED_STDERR, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

static long fuzz_loop(struct worker_slot *slot, int thread, long call_count, int tracing)
{
    long leaks = 0;
    for (long i = 0; i < call_count; i++) {
        if (i > 0 && i % REFRESH_EVERY == 0)
            build_pool();
        const struct entry *e = &calls[below(COUNT(calls))];
        long a[6];
        fuzz_options.reach = FUZZ_REACH_DEVICES | FUZZ_REACH_FAR_TIMES;
        generate(e, a);
        prepare(e->number, a);
        unsigned long flags = hostile_flags();
        /* A single-step trap right after a call that blocked SIGTRAP kills
         * the worker (as on Linux): keep TF off those. */
        if (e->number == SYS_rt_sigprocmask || e->number == SYS_rt_sigaction || e->number == SYS_rt_sigsuspend)
            flags &= ~FLAG_TF;
        struct call_record *record = &slot->ring[__atomic_fetch_add(&slot->next, 1, __ATOMIC_RELAXED) % RING];
        record->index = i;
        record->number = e->number;
        record->flags = (long)flags;
        memcpy(record->args, a, sizeof record->args);
        if (tracing)
            trace_call(i, e, a, flags);
        long r = hostile_syscall(e->number, a, flags);
        slot->calls_made[thread] = i + 1;
        slot->calls_check[thread] = ~(i + 1) ^ (long)CHECK_KEY;
        if (r < -511 && r >= -4095 && leaks++ == 0) {
            char line[128];
            int n = snprintf(line, sizeof line, "fuzz: %s returned errno %ld\n", e->name, -r);
            if (n > 0)
                apus_write_all(SAVED_STDERR, line, (size_t)n);
        }
        after(e, a, r);
        /* The watchdog interrupts a read that blocks: descriptors need not
         * be made non-blocking after every call, as errors/fuzz.c must. */
        if (i % 64 == 63)
            keep_all_nonblocking();
    }
    return leaks;
}

struct helper {
    struct worker_slot *slot;
    uint64_t seed;
    long call_count;
    int tracing;
    struct fuzz_options options;
};

static volatile long helper_leaks;
static int helper_done;

static void *helper_thread(void *argument)
{
    struct helper *helper = argument;
    rng_state = helper->seed;
    fuzz_options = helper->options;
    structs = mmap(NULL, STRUCT_PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (structs == MAP_FAILED) {
        __atomic_store_n(&helper_done, 1, __ATOMIC_RELEASE);
        return NULL;
    }
    helper_leaks = fuzz_loop(helper->slot, 1, helper->call_count, helper->tracing);
    __atomic_store_n(&helper_done, 1, __ATOMIC_RELEASE);
    return NULL;
}

/* Root stays root; everyone else becomes nobody, groups and all. */
static int become(uid_t uid)
{
    if (uid == 0)
        return 0;
    if (chown(apus_scratch_dir, uid, uid) != 0 || setgroups(0, NULL) != 0 ||
        setresgid(uid, uid, uid) != 0 || setresuid(uid, uid, uid) != 0)
        return -1;
    return getuid() == uid && geteuid() == uid ? 0 : -1;
}

static int run_worker(struct worker_slot *slot, uint64_t seed, uid_t uid, long call_count, int tracing, int threaded)
{
    setsid();
    rng_state = seed;
    if (test_enter_scratch_dir("fuzz") != 0 || become(uid) != 0)
        return EXIT_SETUP;
    fuzz_options.reach = FUZZ_REACH_DEVICES | FUZZ_REACH_FAR_TIMES;
    fuzz_options.unblocked_signals = (1ULL << (SIGALRM - 1)) | (1ULL << (SIGTRAP - 1));
    fuzz_options.pool_top = 56;
    fuzz_options.after_call = after_call;
    if (fuzz_worker_setup() != 0)
        return EXIT_SETUP;
    install_handlers();
    block_all_signals();
    fuzz_save_process_state();
    if (map_regions() != 0)
        return EXIT_SETUP;
    build_pool();
    arm_watchdog();

    long leaks = 0;
    pthread_t helper_id;
    int have_helper = 0;
    if (threaded) {
        /* A second thread fuzzes the same process from its own seed: calls
         * race on the address space, the descriptors and the signal state.
         * Its calls are not replayed exactly. */
        static struct helper helper;
        helper = (struct helper){slot, seed ^ 0x5DEECE66DULL, call_count / 2, tracing, fuzz_options};
        if (pthread_create(&helper_id, NULL, helper_thread, &helper) == 0) {
            call_count -= call_count / 2;
            have_helper = 1;
        }
    }
    leaks = fuzz_loop(slot, 0, call_count, tracing);
    if (have_helper) {
        /* The helper makes all its calls too. The watchdog's signal goes to
         * the helper from now on, so its waits still end; a helper that
         * never comes back hangs the worker, which the supervisor reports. */
        sigset_t alarm_only;
        sigemptyset(&alarm_only);
        sigaddset(&alarm_only, SIGALRM);
        pthread_sigmask(SIG_BLOCK, &alarm_only, NULL);
        /* Not pthread_join: the helper's fuzzed set_tid_address may have
         * moved the word the kernel clears when it ends. */
        struct timespec pause = {0, 10 * 1000 * 1000};
        while (!__atomic_load_n(&helper_done, __ATOMIC_ACQUIRE))
            nanosleep(&pause, NULL);
    }
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &off, NULL);
    syscall(SYS_fchdir, SCRATCH_FD);
    test_leave_scratch_dir();
    return leaks || helper_leaks ? EXIT_LEAKED : 0;
}

/* ---- the supervisor -------------------------------------------------------- */

struct settings {
    long calls;                  /* total, across workers */
    uint64_t seed;               /* worker n gets seed + n */
    int jobs;                    /* workers running at once */
    long per_worker;
    int budget_seconds;          /* a worker still there after this has hung */
    int tracing;
    int threaded_every;          /* every nth worker fuzzes with two threads (0: none) */
    uid_t users[2];
    int user_count;
    char **exec_argv;            /* another fuzzer to run in the workers */
};

struct running {
    pid_t pid;
    int number;
    uint64_t seed;
    uid_t uid;
    time_t started, killed;
    long planned;                /* calls it was started for */
};

static int passed, failed, workers_started;
static long total_calls;

static struct termios console_settings;
static int have_console_settings;

/* Workers share the console (root ones open /dev/console too): before the
 * supervisor writes, output is made blocking, restarted and set back. */
static void reclaim_console(void)
{
    int flags = fcntl(1, F_GETFL);
    if (flags >= 0 && (flags & O_NONBLOCK))
        fcntl(1, F_SETFL, flags & ~O_NONBLOCK);
    if (have_console_settings) {
        tcsetattr(1, TCSANOW, &console_settings);
        tcflow(1, TCOON);
    }
}

static void say(const char *format, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *format, ...)
{
    char line[512];
    reclaim_console();
    va_list list;
    va_start(list, format);
    int n = vsnprintf(line, sizeof line, format, list);
    va_end(list);
    if (n > 0)
        apus_write_all(1, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

static const char *call_name(long number)
{
    for (size_t i = 0; i < COUNT(calls); i++)
        if (calls[i].number == number)
            return calls[i].name;
    return "?";
}

static void print_ring(const struct worker_slot *slot)
{
    unsigned long end = slot->next, start = end > RING ? end - RING : 0;
    for (unsigned long i = start; i < end; i++) {
        const struct call_record *r = &slot->ring[i % RING];
        say("fuzz:   call %ld: %s(%#lx, %#lx, %#lx, %#lx, %#lx, %#lx) flags %#lx\n", r->index,
            call_name(r->number), r->args[0], r->args[1], r->args[2], r->args[3], r->args[4],
            r->args[5], r->flags);
    }
}

static time_t now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec;
}

/* A root Trinity run changes /dev (it chmods, renames or removes nodes);
 * the next run needs /dev/null and /dev/zero as they were. */
static void restore_device_nodes(void)
{
    static const struct { const char *path; unsigned minor; } nodes[] = {{"/dev/null", 3}, {"/dev/zero", 5}};
    for (size_t i = 0; i < COUNT(nodes); i++) {
        struct stat st;
        if (stat(nodes[i].path, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, nodes[i].minor) &&
            (st.st_mode & 0777) == 0666 && st.st_uid == 0)
            continue;
        apus_rmtree(nodes[i].path);   /* a file, a node, or a directory Trinity made there */
        if (mknod(nodes[i].path, S_IFCHR | 0666, makedev(1, nodes[i].minor)) != 0 || chmod(nodes[i].path, 0666) != 0)
            say("fuzz: cannot restore %s (errno %d)\n", nodes[i].path, errno);
    }
}

/* The slots: each a MAP_SHARED page between PROT_NONE guards, at SLOT_AREA. */
static int map_slots(void)
{
    size_t pages = 2 * MAX_JOBS + 1;
    void *area = mmap((void *)SLOT_AREA, pages * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (area != (void *)SLOT_AREA)
        return -1;
    for (int j = 0; j < MAX_JOBS; j++) {
        void *page = mmap(slot_at(j), 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        if (page != (void *)slot_at(j))
            return -1;
        slot_at(j)->head_canary = SLOT_CANARY;
        slot_at(j)->tail_canary = SLOT_CANARY;
    }
    return 0;
}

/* Nonzero bytes in the part of the slot's page past the slot (memset at start, never written). */
static long stray_bytes(const struct worker_slot *slot)
{
    const unsigned char *page = (const unsigned char *)slot;
    long count = 0;
    for (size_t i = sizeof *slot; i < 4096; i++)
        count += page[i] != 0;
    return count;
}

/* The calls a finished worker made, or -1 if its slot was overwritten. */
static long verified_count(const struct worker_slot *slot, const struct running *r)
{
    if (slot->head_canary != SLOT_CANARY || slot->tail_canary != SLOT_CANARY || stray_bytes(slot) != 0)
        return -1;
    long total = 0;
    for (int t = 0; t < 2; t++) {
        long made = slot->calls_made[t];
        if (slot->calls_check[t] != (~made ^ (long)CHECK_KEY) || made < 0 || made > r->planned)
            return -1;
        total += made;
    }
    return total <= r->planned ? total : -1;
}

static int overwritten_slots;

static void report_overwrite(int number, const struct worker_slot *slot, const struct running *r)
{
    say("fuzz: worker %d seed %#llx uid %u: its slot was overwritten: canaries %#lx %#lx, counts %ld %ld, "
        "checks %#lx %#lx (expected %#lx %#lx), next %lu, %ld stray bytes past the slot\n",
        number, (unsigned long long)r->seed, (unsigned)r->uid, slot->head_canary, slot->tail_canary,
        slot->calls_made[0], slot->calls_made[1], (unsigned long)slot->calls_check[0],
        (unsigned long)slot->calls_check[1], ~(unsigned long)slot->calls_made[0] ^ CHECK_KEY,
        ~(unsigned long)slot->calls_made[1] ^ CHECK_KEY, slot->next, stray_bytes(slot));
    print_ring(slot);
}

/* Slots no worker uses (jobs < MAX_JOBS) keep their canaries and nothing
 * else: a change there cannot be a worker's own bookkeeping. */
static void check_unused_slots(const struct settings *s)
{
    for (int j = s->jobs; j < MAX_JOBS; j++) {
        struct worker_slot *slot = slot_at(j);
        if (slot->head_canary == SLOT_CANARY && slot->tail_canary == SLOT_CANARY && stray_bytes(slot) == 0 &&
            (slot->calls_made[0] | slot->calls_made[1] | (long)slot->next) == 0)
            continue;
        say("fuzz: unused slot %d was overwritten: canaries %#lx %#lx, counts %ld %ld, %ld stray bytes\n", j,
            slot->head_canary, slot->tail_canary, slot->calls_made[0], slot->calls_made[1], stray_bytes(slot));
        overwritten_slots++;
        memset(slot, 0, 4096);
        slot->head_canary = SLOT_CANARY;
        slot->tail_canary = SLOT_CANARY;
    }
}

static void start_worker(const struct settings *s, struct running *r, int slot_index, int number, long calls_for_it)
{
    struct worker_slot *slot = slot_at(slot_index);
    memset(slot, 0, 4096);
    slot->head_canary = SLOT_CANARY;
    slot->tail_canary = SLOT_CANARY;
    slot->calls_check[0] = ~0L ^ (long)CHECK_KEY;
    slot->calls_check[1] = ~0L ^ (long)CHECK_KEY;
    r->number = number;
    workers_started++;
    r->seed = s->seed + (uint64_t)number;
    r->uid = s->users[number % s->user_count];
    r->started = now_seconds();
    r->killed = 0;
    r->planned = calls_for_it;
    int threaded = s->threaded_every > 0 && number % s->threaded_every == s->threaded_every - 1;
    say("fuzz: worker %d seed %#llx uid %u: starting %ld calls%s\n", number,
        (unsigned long long)r->seed, (unsigned)r->uid, calls_for_it, threaded && !s->exec_argv ? " in two threads" : "");
    if (s->exec_argv)
        restore_device_nodes();
    pid_t pid = fork();
    if (pid == 0) {
        if (s->exec_argv) {
            setsid();
            if (test_enter_scratch_dir("trinity") != 0 || become(r->uid) != 0)
                _exit(EXIT_SETUP);
            char *argv[256], seed[32];
            int n = 0;
            while (s->exec_argv[n] && n < 250) { argv[n] = s->exec_argv[n]; n++; }
            snprintf(seed, sizeof seed, "%llu", (unsigned long long)r->seed);
            /* Trinity's main process leaves SIGCHLD at its default (ignore) until its first
             * sigtimedwait blocks it, and reaps children only after such a wait returned a
             * SIGCHLD: children that die before that (some seeds kill theirs within their first
             * calls) are discarded signals, so their zombies are never reaped and Trinity waits
             * for them forever. The same race exists on Linux. Blocked from the start (the mask
             * survives exec), the SIGCHLD stays pending until Trinity asks for it. */
            sigset_t child_exits;
            sigemptyset(&child_exits);
            sigaddset(&child_exits, SIGCHLD);
            sigprocmask(SIG_BLOCK, &child_exits, NULL);
            argv[n++] = "-s";
            argv[n++] = seed;
            argv[n] = NULL;
            execv(argv[0], argv);
            _exit(127);
        }
        _exit(run_worker(slot, r->seed, r->uid, calls_for_it, s->tracing, threaded));
    }
    r->pid = pid;
    if (pid < 0) {
        say("fuzz: worker %d: fork failed (errno %d)\n", number, errno);
        failed++;
    }
}

static void finish_worker(struct running *r, const struct worker_slot *slot, int status)
{
    char what[160];
    int ok;
    long made = verified_count(slot, r);
    if (made < 0) {
        report_overwrite(r->number, slot, r);
        overwritten_slots++;
        made = 0;
    }
    total_calls += made;
    if (r->killed) {
        ok = 0;
        snprintf(what, sizeof what, "hung (killed after %ld s)", (long)(r->killed - r->started));
    } else if (WIFSIGNALED(status)) {
        ok = 1;
        snprintf(what, sizeof what, "died of signal %d (%s) after %s", WTERMSIG(status),
                 strsignal(WTERMSIG(status)), slot->next > 0 ? call_name(slot->ring[(slot->next - 1) % RING].number) : "no call");
    } else if (WEXITSTATUS(status) == 0) {
        ok = 1;
        snprintf(what, sizeof what, "finished");
    } else if (WEXITSTATUS(status) == EXIT_LEAKED) {
        ok = 0;
        snprintf(what, sizeof what, "a kernel-internal error number reached user space");
    } else if (WEXITSTATUS(status) == EXIT_SETUP) {
        ok = 0;
        snprintf(what, sizeof what, "could not set up (scratch directory or credentials)");
    } else {
        ok = 0;
        snprintf(what, sizeof what, "exit status %d", WEXITSTATUS(status));
    }
    say("fuzz: worker %d seed %#llx uid %u: %ld calls, %s: %s\n", r->number, (unsigned long long)r->seed,
        (unsigned)r->uid, made, what, ok ? "PASS" : "FAIL");
    if (!ok && r->killed)
        print_ring(slot);
    if (ok)
        passed++;
    else
        failed++;
    r->pid = 0;
}

/* Prints every task of a worker's session from /proc/PID/stat (state,
 * parent, CPU ticks in user and kernel mode): for a worker over its budget,
 * twice, 2 s apart, so that a task spinning (R, ticks growing) tells itself
 * from one asleep (S), and the supervisor's own line shows the machine still
 * schedules. */
static void dump_session(pid_t session)
{
    DIR *proc = opendir("/proc");
    if (!proc)
        return;
    struct dirent *entry;
    while ((entry = readdir(proc)) != NULL) {
        char path[300], line[512];
        if (entry->d_name[0] < '1' || entry->d_name[0] > '9')
            continue;
        snprintf(path, sizeof path, "/proc/%s/stat", entry->d_name);
        long length = apus_read_file(path, line, sizeof line);
        if (length <= 0)
            continue;
        line[length < (long)sizeof line ? length : (long)sizeof line - 1] = '\0';
        char *after = strrchr(line, ')');
        if (!after)
            continue;
        char state;
        long parent, group, task_session, tty, tpgid, flags, minflt, cminflt, majflt, cmajflt, utime, stime;
        if (sscanf(after + 1, " %c %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld", &state, &parent, &group,
                   &task_session, &tty, &tpgid, &flags, &minflt, &cminflt, &majflt, &cmajflt, &utime, &stime) != 13 ||
            task_session != session)
            continue;
        *after = '\0';
        const char *name = strchr(line, '(');
        say("fuzz:   task %s %s) state %c parent %ld utime %ld stime %ld\n", entry->d_name, name ? name : "(?",
            state, parent, utime, stime);
    }
    closedir(proc);
}

/* Removes what a worker that died left in /tmp. */
static void remove_scratch(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/apus-fuzz-%d", (int)pid);
    apus_rmtree(path);
    snprintf(path, sizeof path, "/tmp/apus-trinity-%d", (int)pid);
    apus_rmtree(path);
}

static void supervise(const struct settings *s)
{
    struct running running[MAX_JOBS] = {{0}};
    long launched = 0;
    int next_number = 0, active = 0;
    for (;;) {
        for (int j = 0; j < s->jobs && launched < s->calls; j++) {
            if (running[j].pid != 0)
                continue;
            long calls_for_it = s->calls - launched < s->per_worker ? s->calls - launched : s->per_worker;
            start_worker(s, &running[j], j, next_number++, calls_for_it);
            launched += calls_for_it;
            if (running[j].pid > 0)
                active++;
            else
                running[j].pid = 0;
        }
        if (active == 0)
            return;
        int status;
        pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid > 0) {
            for (int j = 0; j < s->jobs; j++) {
                if (running[j].pid == pid) {
                    finish_worker(&running[j], slot_at(j), status);
                    check_unused_slots(s);
                    remove_scratch(pid);
                    active--;
                }
            }
            continue;   /* orphans of a worker are reaped here as well */
        }
        time_t now = now_seconds();
        for (int j = 0; j < s->jobs; j++) {
            struct running *r = &running[j];
            if (r->pid == 0)
                continue;
            if (!r->killed && now - r->started > s->budget_seconds) {
                /* Not "fuzz: worker N seed": the toolkit reads those as a worker's last line. */
                say("fuzz: budget of %d s exceeded by worker %d (seed %#llx), its tasks:\n", s->budget_seconds,
                    r->number, (unsigned long long)r->seed);
                dump_session(r->pid);
                sleep(2);
                say("fuzz: its tasks 2 s later:\n");
                dump_session(r->pid);
                kill(-r->pid, SIGKILL);   /* its session: Trinity's children too */
                kill(r->pid, SIGKILL);
                r->killed = now;
            } else if (r->killed && now - r->killed > 30) {
                say("fuzz: worker %d seed %#llx: still there 30 s after SIGKILL: FAIL\n", r->number,
                    (unsigned long long)r->seed);
                dump_session(r->pid);
                print_ring(slot_at(j));
                long made = verified_count(slot_at(j), r);
                if (made > 0)
                    total_calls += made;
                failed++;
                r->pid = 0;
                active--;
            }
        }
        struct timespec pause = {0, 50 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
}

/* The kernel still answers: a fresh process is exec'd and exits with 7. */
static int fresh_process_runs(const char *self)
{
    pid_t pid = fork();
    if (pid == 0) {
        char *const argv[] = {(char *)self, "--alive", NULL};
        execv(self, argv);
        _exit(127);
    }
    if (pid < 0)
        return 0;
    for (int waited = 0; waited < 600; waited++) {
        int status;
        pid_t done = waitpid(pid, &status, WNOHANG);
        if (done == pid)
            return WIFEXITED(status) && WEXITSTATUS(status) == 7;
        struct timespec pause = {0, 50 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    return 0;
}

static int is_apus(void)
{
    struct utsname name;
    return uname(&name) == 0 && strstr(name.release, "apus") != NULL;
}

static int parse(int argc, char **argv, struct settings *s)
{
    *s = (struct settings){.calls = 100000, .seed = 1, .jobs = 1, .per_worker = 2500,
                           .budget_seconds = 300, .threaded_every = 4, .users = {0, NOBODY}, .user_count = 2};
    for (int i = 1; i < argc; i++) {
        const char *option = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(option, "--exec") == 0 && value) {
            s->exec_argv = argv + i + 1;
            return 0;
        }
        if (strcmp(option, "--trace") == 0) { s->tracing = 1; continue; }
        if (!value)
            return -1;
        i++;
        if (strcmp(option, "--calls") == 0) s->calls = strtol(value, NULL, 0);
        else if (strcmp(option, "--seed") == 0) s->seed = strtoull(value, NULL, 0);
        else if (strcmp(option, "--jobs") == 0) s->jobs = (int)strtol(value, NULL, 0);
        else if (strcmp(option, "--per-worker") == 0) s->per_worker = strtol(value, NULL, 0);
        else if (strcmp(option, "--budget") == 0) s->budget_seconds = (int)strtol(value, NULL, 0);
        else if (strcmp(option, "--threaded-every") == 0) s->threaded_every = (int)strtol(value, NULL, 0);
        else if (strcmp(option, "--users") == 0) {
            /* In the order given: root,nobody or nobody,root (or one of them). */
            const char *root = strstr(value, "root"), *nobody = strstr(value, "nobody");
            s->user_count = 0;
            if (root && (!nobody || root < nobody)) s->users[s->user_count++] = 0;
            if (nobody) s->users[s->user_count++] = NOBODY;
            if (root && nobody && nobody < root) s->users[s->user_count++] = 0;
        } else
            return -1;
    }
    if (s->jobs < 1 || s->jobs > MAX_JOBS || s->calls < 0 || s->per_worker < 1 || s->user_count == 0 ||
        s->budget_seconds < 1)
        return -1;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--alive") == 0)
        return 7;
    if (getpid() != 1 || !is_apus()) {
        say("apus_fuzz: runs as init (PID 1) on Apus only: it reaches devices and terminals as root. Refused.\n");
        return 2;
    }
    struct settings s;
    if (parse(argc, argv, &s) != 0) {
        say("usage: apus_fuzz [--calls N] [--seed S] [--jobs 1-%d] [--per-worker K] [--budget SECONDS] [--threaded-every N] "
            "[--trace] [--users root,nobody] [--exec PROGRAM ARGS...]\n", MAX_JOBS);
        return 2;
    }
    if (s.exec_argv)
        s.per_worker = 1;   /* one run of the other fuzzer per worker; it counts its own calls */
    if (map_slots() != 0) {
        say("apus_fuzz: cannot map the shared call rings at %#lx (errno %d)\n", SLOT_AREA, errno);
        return 2;
    }
    have_console_settings = tcgetattr(1, &console_settings) == 0;
    time_t started = now_seconds();
    say("fuzz: %ld %s, seeds from %#llx, %d at a time, %ld calls per worker, users %s\n", s.calls,
        s.exec_argv ? "workers running another fuzzer" : "calls", (unsigned long long)s.seed, s.jobs,
        s.per_worker, s.user_count == 2 ? "root and nobody" : s.users[0] ? "nobody" : "root");
    supervise(&s);
    int alive = fresh_process_runs(argv[0]);
    if (alive) passed++; else failed++;
    say("fuzz: a fresh process runs and exits after the fuzzing: %s\n", alive ? "PASS" : "FAIL");
    say("fuzz: done: %ld calls survived in %d workers, seeds %#llx..%#llx, %ld s\n", total_calls,
        workers_started, (unsigned long long)s.seed,
        (unsigned long long)(s.seed + (uint64_t)(workers_started ? workers_started - 1 : 0)),
        (long)(now_seconds() - started));
    say("fuzz: %d call counts overwritten\n", overwritten_slots);
    say("fuzz: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
