/*
 * harness.c: apus-bench's main program, measurement loop and output (see include/bench.h).
 *
 * apus-bench runs natively (`apus-bench [--quick] [--only a,b] [--list]`) or as init (PID 1) of a
 * benchmark initramfs, on Apus and on Linux alike. As init it reads its options from /bench/args,
 * mounts devtmpfs on /dev if /dev/null is missing (Linux: the initramfs has no device nodes;
 * Apus provides /dev itself), and powers the machine off at the end with reboot(2) (Linux), or
 * exits (Apus powers off when init exits).
 *
 * Benchmarks run in a fixed order; each is announced with BENCH_BEGIN before it starts, so a
 * runner whose guest died knows which benchmark killed it and can resume after it.
 *
 * `--profile-units N` (for `apus bench --profile`, Tests/Bench/profile/README.md): instead of
 * spending the time budget, each benchmark runs exactly N units after the warm-up, between calls
 * of bench_profile_begin() and bench_profile_end(), whose addresses the instruction-counting QEMU
 * plugin watches, and prints `BENCH_PROFILE <name> ops=<operations>` for the window.
 */
#include "bench.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int bench_quick;
const char *bench_program_dir = "/bench";
static uint64_t budget_ns = 250 * 1000000ull;
static uint64_t excluded_ns, pause_started_ns;
static long profile_units;
static const char *current_benchmark = "";

static char failed_call[64];
static int failed_errno;
static char failure_message[256];

static const struct bench_spec *const families[] = {
    bench_boot_specs, bench_syscall_specs, bench_memory_specs, bench_file_specs,
    bench_process_specs, bench_cow_specs, bench_pipe_specs, bench_signal_specs, bench_select_specs,
    bench_network_specs, bench_disk_specs,
};

uint64_t bench_now_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
}

void bench_printf(const char *format, ...)
{
    char line[512];
    va_list arguments;
    va_start(arguments, format);
    int length = vsnprintf(line, sizeof line - 1, format, arguments);
    va_end(arguments);
    if (length < 0) return;
    if (length > (int)sizeof line - 2) length = (int)sizeof line - 2;
    line[length++] = '\n';
    ssize_t ignored = write(1, line, (size_t)length);
    (void)ignored;
}

void bench_pause(void) { pause_started_ns = bench_now_ns(); }
void bench_resume(void) { excluded_ns += bench_now_ns() - pause_started_ns; }

/* The profiling window's edges: the plugin counts what runs between the first instructions of
 * these two functions. Kept out of line and different, so each has an address of its own. */
__attribute__((noinline, used)) void bench_profile_begin(void) { __asm__ volatile("nop" ::: "memory"); }
__attribute__((noinline, used)) void bench_profile_end(void) { __asm__ volatile("nop; nop" ::: "memory"); }

static int measure_profiled(bench_unit unit, void *state, struct bench_result *result)
{
    double count = 0;
    uint64_t start = bench_now_ns();
    bench_profile_begin();
    for (long i = 0; i < profile_units; i++) {
        long done = unit(state);
        if (done <= 0) {
            bench_profile_end();
            if (done == 0) bench_fail("a unit of work did nothing");
            return -1;
        }
        count += (double)done;
    }
    bench_profile_end();
    result->elapsed_ns = (double)(bench_now_ns() - start);
    result->count = count;
    bench_printf("BENCH_PROFILE %s ops=%.0f", current_benchmark, count);
    return 0;
}

int bench_measure(bench_unit unit, void *state, struct bench_result *result)
{
    if (unit(state) <= 0) return -1;                    /* warm-up: caches, page tables, first faults */
    if (profile_units > 0) return measure_profiled(unit, state, result);
    excluded_ns = 0;
    uint64_t start = bench_now_ns(), elapsed = 0;
    double count = 0;
    do {
        long done = unit(state);
        if (done <= 0) {
            if (done == 0) bench_fail("a unit of work did nothing");
            return -1;
        }
        count += (double)done;
        elapsed = bench_now_ns() - start - excluded_ns;
    } while (elapsed < budget_ns);
    result->elapsed_ns = (double)elapsed;
    result->count = count;
    return 0;
}

static const char *unit_name(enum bench_scale scale)
{
    switch (scale) {
    case BENCH_NS_PER_OP: return "ns";
    case BENCH_US_PER_OP: return "us";
    case BENCH_MB_PER_S: return "MB/s";
    }
    return "?";
}

static const char *better_name(enum bench_scale scale) { return scale == BENCH_MB_PER_S ? "higher" : "lower"; }

void bench_report_value(const struct bench_spec *spec, double value, double count)
{
    bench_printf("BENCH %s %.3f %s %s n=%.0f", spec->name, value, unit_name(spec->scale), better_name(spec->scale), count);
}

void bench_report(const struct bench_spec *spec, const struct bench_result *result)
{
    double value = 0;
    switch (spec->scale) {
    case BENCH_NS_PER_OP: value = result->elapsed_ns / result->count; break;
    case BENCH_US_PER_OP: value = result->elapsed_ns / result->count / 1e3; break;
    case BENCH_MB_PER_S: value = result->count / 1e6 / (result->elapsed_ns / 1e9); break;
    }
    bench_report_value(spec, value, result->count);
}

int bench_fail(const char *format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(failure_message, sizeof failure_message, format, arguments);
    va_end(arguments);
    return -1;
}

int bench_syscall_failed(const char *call)
{
    failed_errno = errno;
    snprintf(failed_call, sizeof failed_call, "%s", call);
    return -1;
}

static void run_one(const struct bench_spec *spec)
{
    failed_call[0] = 0;
    failure_message[0] = 0;
    failed_errno = 0;
    current_benchmark = spec->name;
    bench_printf("BENCH_BEGIN %s", spec->name);
    if (spec->run(spec) == 0) return;
    if (failure_message[0])
        bench_printf("BENCH_ERROR %s %s", spec->name, failure_message);
    else if (failed_errno == ENOSYS)
        bench_printf("BENCH_UNSUPPORTED %s %s: ENOSYS", spec->name, failed_call);
    else if (failed_call[0])
        bench_printf("BENCH_ERROR %s %s: %s", spec->name, failed_call, strerror(failed_errno));
    else
        bench_printf("BENCH_ERROR %s failed (errno %d)", spec->name, errno);
}

/* Does `list` (comma separated) name the benchmark or its family? NULL selects everything. */
static int selected(const char *list, const struct bench_spec *spec)
{
    if (!list) return 1;
    size_t name_length = strlen(spec->name), family_length = strlen(spec->family);
    for (const char *p = list; *p;) {
        const char *end = strchr(p, ',');
        size_t length = end ? (size_t)(end - p) : strlen(p);
        if ((length == name_length && !strncmp(p, spec->name, length)) ||
            (length == family_length && !strncmp(p, spec->family, length)))
            return 1;
        if (!end) break;
        p = end + 1;
    }
    return 0;
}

/* As init: the options come from /bench/args (one line, words separated by spaces). */
static int arguments_from_file(char *text, size_t size, char **words, int capacity)
{
    int fd = open("/bench/args", O_RDONLY);
    if (fd < 0) return 0;
    ssize_t length = read(fd, text, size - 1);
    close(fd);
    if (length <= 0) return 0;
    text[length] = 0;
    int count = 0;
    for (char *word = strtok(text, " \t\n"); word && count < capacity; word = strtok(NULL, " \t\n"))
        words[count++] = word;
    return count;
}

/* `--kallsyms PATH` (for `apus bench --profile` on Linux): copies the text symbols of
 * /proc/kallsyms to PATH (a second serial port the host captures into a file). */
static void copy_text_symbols(const char *path)
{
    if (access("/proc/kallsyms", F_OK) != 0) {
        mkdir("/proc", 0555);
        mount("proc", "/proc", "proc", 0, NULL);
    }
    FILE *symbols = fopen("/proc/kallsyms", "r");
    FILE *out = fopen(path, "w");
    if (!symbols || !out) {
        bench_printf("# --kallsyms: cannot open /proc/kallsyms or %s: %s", path, strerror(errno));
    } else {
        char line[512];
        char type;
        while (fgets(line, sizeof line, symbols))
            if (sscanf(line, "%*s %c", &type) == 1 && strchr("tTwW", type)) fputs(line, out);
        fputs("KALLSYMS_END\n", out);
    }
    if (symbols) fclose(symbols);
    if (out) fclose(out);
}

/* Linux's boots for the disk family carry Debian's virtio and ext4 modules and their load order
 * in /bench/modules/order (Apus has its drivers built in and gets none): loaded with
 * finit_module(2), then /dev/vda is awaited (virtio-blk probes it asynchronously). */
static void load_modules(void)
{
    char order[512];
    int fd = open("/bench/modules/order", O_RDONLY);
    if (fd < 0) return;
    ssize_t length = read(fd, order, sizeof order - 1);
    close(fd);
    if (length <= 0) return;
    order[length] = 0;
    for (char *name = strtok(order, " \n"); name; name = strtok(NULL, " \n")) {
        char path[128];
        snprintf(path, sizeof path, "/bench/modules/%s.ko", name);
        int module = open(path, O_RDONLY | O_CLOEXEC);
        if (module < 0 || syscall(SYS_finit_module, module, "", 0) != 0)
            bench_printf("# loading module %s: %s", name, strerror(errno));
        if (module >= 0) close(module);
    }
    for (int tries = 0; tries < 100 && access("/dev/vda", F_OK) != 0; tries++) usleep(50000);
}

static void prepare_as_init(void)
{
    if (access("/dev/null", F_OK) != 0) {
        mkdir("/dev", 0755);
        if (mount("devtmpfs", "/dev", "devtmpfs", 0, NULL) != 0)
            bench_printf("# mount devtmpfs on /dev: %s", strerror(errno));
    }
    mkdir("/tmp", 01777);
    load_modules();
}

static void finish_as_init(void)
{
    sync();
    reboot(RB_POWER_OFF);       /* Linux powers off (ACPI); Apus powers off when init exits */
}

static int usage(void)
{
    bench_printf("usage: apus-bench [--quick] [--budget-ms N] [--profile-units N] [--kallsyms PATH] [--only NAME,FAMILY,...] [--list]");
    bench_printf("--list prints: family name unit lower|higher");
    return 2;
}

int main(int argc, char **argv)
{
    int is_init = getpid() == 1;
    char text[4096];                /* /bench/args: every benchmark name of a full run (was 512: cut the last ones) */
    char *file_words[32];
    char **words = argv + 1;
    int count = argc - 1;
    if (is_init) {
        prepare_as_init();
        count = arguments_from_file(text, sizeof text, file_words, 32);
        words = file_words;
    }
    const char *only = NULL, *kallsyms_path = NULL;
    int list = 0;
    for (int i = 0; i < count; i++) {
        const char *next = i + 1 < count ? words[i + 1] : NULL;
        if (!strcmp(words[i], "--quick")) bench_quick = 1;
        else if (!strcmp(words[i], "--list")) list = 1;
        else if (!strcmp(words[i], "--only") && next) { only = next; i++; }
        else if (!strcmp(words[i], "--budget-ms") && next) { budget_ns = strtoull(next, NULL, 10) * 1000000ull; i++; }
        else if (!strcmp(words[i], "--profile-units") && next) { profile_units = strtol(next, NULL, 10); i++; }
        else if (!strcmp(words[i], "--kallsyms") && next) { kallsyms_path = next; i++; }
        else return usage();
    }
    if (bench_quick && budget_ns == 250 * 1000000ull) budget_ns = 10 * 1000000ull;
    if (!is_init && argv[0] && strrchr(argv[0], '/')) {
        static char directory[256];
        snprintf(directory, sizeof directory, "%.*s", (int)(strrchr(argv[0], '/') - argv[0]), argv[0]);
        bench_program_dir = directory;
    }
    for (size_t f = 0; f < sizeof families / sizeof families[0]; f++) {
        for (const struct bench_spec *spec = families[f]; spec->name; spec++) {
            if (!selected(only, spec)) continue;
            if (list) bench_printf("%s %s %s %s", spec->family, spec->name, unit_name(spec->scale), better_name(spec->scale));
            else run_one(spec);
        }
    }
    if (kallsyms_path) copy_text_symbols(kallsyms_path);
    if (!list) bench_printf("BENCH_DONE");
    if (is_init) finish_as_init();
    return 0;
}
