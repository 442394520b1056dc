/* What ps(1) reads from /proc/PID/stat and /proc/PID/statm (proc(5)): the
 * memory sizes (vsize in bytes and rss in pages in stat; size, resident,
 * shared, text, lib, data, dt in pages in statm, which agree with stat's;
 * the Vm and Rss lines of status in kB, which agree with statm and add up),
 * that grow when the process maps and touches memory and shrink when it
 * unmaps (Linux keeps rss in per-CPU counters that lag by up to 64 pages a
 * CPU: so only big changes are checked); and the controlling terminal (tty_nr, encoded as Linux encodes a
 * device number, and tpgid, the terminal's foreground process group), 0 and
 * -1 for a process without one. */
#include "apus_test.h"
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>

static char text[4096];

struct stat_fields {
    long tty_nr, tpgid;
    unsigned long vsize;
    long rss;
};

/* Fields 7, 8, 23 and 24 of /proc/PID/stat (counted from 1; the command name
 * in parentheses may hold spaces, so counting starts after its last ')'). */
static int read_stat(const char *path, struct stat_fields *fields)
{
    if (apus_read_file(path, text, sizeof text) <= 0)
        return 0;
    char *close = strrchr(text, ')');
    if (!close)
        return 0;
    char *cursor = close + 2;
    for (int field = 3; field <= 24; field++) {
        char *end;
        if (field == 3) {
            cursor += 2;        /* the state letter and its space */
            continue;
        }
        unsigned long long value = strtoull(cursor, &end, 10);
        if (*cursor == '-')
            value = (unsigned long long)strtoll(cursor, &end, 10);
        if (end == cursor)
            return 0;
        if (field == 7) fields->tty_nr = (long)value;
        if (field == 8) fields->tpgid = (long)value;
        if (field == 23) fields->vsize = (unsigned long)value;
        if (field == 24) fields->rss = (long)value;
        cursor = end + 1;
    }
    return 1;
}

/* A "Name:\t   N kB" line of /proc/self/status, in kB; -1 if absent. */
static long status_kilobytes(const char *name)
{
    static char status[8192];
    if (apus_read_file("/proc/self/status", status, sizeof status) <= 0)
        return -1;
    char key[32];
    snprintf(key, sizeof key, "\n%s:", name);
    char *line = strstr(status, key);
    long value = -1;
    char unit[8] = {0};
    if (line && sscanf(line + strlen(key), " %ld %7s", &value, unit) == 2 && strcmp(unit, "kB") == 0)
        return value;
    return -1;
}

/* The terminal encoding of stat's tty_nr: minor bits 0-7 and 20-31, major 8-19. */
static long encoded_device(dev_t device)
{
    return (long)((minor(device) & 0xff) | (major(device) << 8) | ((minor(device) & ~0xffu) << 12));
}

int main(void)
{
    long page = sysconf(_SC_PAGESIZE);
    struct stat_fields before, after, unmapped;
    long statm[7];

    /* statm agrees with stat. */
    CHECK(read_stat("/proc/self/stat", &before), "parse /proc/self/stat");
    CHECK(apus_read_file("/proc/self/statm", text, sizeof text) > 0, "read /proc/self/statm");
    CHECK_EQ_LONG(sscanf(text, "%ld %ld %ld %ld %ld %ld %ld", &statm[0], &statm[1], &statm[2], &statm[3], &statm[4],
                         &statm[5], &statm[6]), 7);
    CHECK(before.vsize > 0 && before.rss >= 0, "a running process has a size");
    CHECK_EQ_LONG((long)before.vsize, statm[0] * page);
    CHECK(statm[1] >= 0 && statm[1] <= statm[0], "resident pages are some of the mapped ones");
    CHECK(statm[2] >= 0 && statm[2] <= statm[1], "shared pages are some of the resident ones");
    CHECK(statm[3] > 0 && statm[3] < statm[0], "the program's text is part of its size");
    CHECK_EQ_LONG(statm[4], 0);
    CHECK(statm[5] > 0 && statm[5] < statm[0], "data and stack are part of the size");
    CHECK_EQ_LONG(statm[6], 0);

    /* status: sizes in kB that agree with statm (read again: status allocates nothing that
     * stays mapped, statm is read right before it) and resident memory that adds up. */
    CHECK(apus_read_file("/proc/self/statm", text, sizeof text) > 0, "read /proc/self/statm again");
    CHECK_EQ_LONG(sscanf(text, "%ld", &statm[0]), 1);
    long size_kb = status_kilobytes("VmSize");
    CHECK_EQ_LONG(size_kb, statm[0] * (page / 1024));
    long rss_kb = status_kilobytes("VmRSS"), anon_kb = status_kilobytes("RssAnon");
    long file_kb = status_kilobytes("RssFile"), shmem_kb = status_kilobytes("RssShmem");
    CHECK(rss_kb >= 0 && anon_kb >= 0 && file_kb >= 0 && shmem_kb >= 0, "VmRSS, RssAnon, RssFile, RssShmem");
    CHECK_EQ_LONG(rss_kb, anon_kb + file_kb + shmem_kb);
    CHECK(status_kilobytes("VmData") > 0 && status_kilobytes("VmStk") > 0 && status_kilobytes("VmExe") > 0,
          "VmData, VmStk, VmExe");
    CHECK(status_kilobytes("VmSwap") >= 0 && status_kilobytes("VmPTE") >= 0, "VmSwap, VmPTE");

    /* 16 MiB mapped, 8 MiB of it touched. */
    size_t length = 16u << 20;
    char *memory = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(memory != MAP_FAILED, "mmap 16 MiB");
    if (memory != MAP_FAILED) {
        for (int index = 0; index < 2048; index++)
            memory[(size_t)index * (size_t)page] = 1;
        CHECK(read_stat("/proc/self/stat", &after), "parse /proc/self/stat after mmap");
        CHECK(after.vsize >= before.vsize + length, "vsize grows by the mapping");
        CHECK(after.rss >= before.rss + 1024, "rss grows by the touched pages");
        CHECK_OK(munmap(memory, length));
        CHECK(read_stat("/proc/self/stat", &unmapped), "parse /proc/self/stat after munmap");
        CHECK(unmapped.vsize + length <= after.vsize, "vsize shrinks by the unmapped length");
        CHECK(unmapped.rss + 1024 <= after.rss, "rss shrinks by the unmapped pages");
    }

    /* The controlling terminal, if standard input is it. */
    struct stat input;
    if (isatty(0) && fstat(0, &input) == 0 && tcgetsid(0) == getsid(0)) {
        CHECK_EQ_LONG(before.tty_nr, encoded_device(input.st_rdev));
        CHECK_EQ_LONG(before.tpgid, (long)tcgetpgrp(0));
    } else {
        CHECK_EQ_LONG(before.tty_nr, 0);
        CHECK_EQ_LONG(before.tpgid, -1);
    }

    /* A new session has no controlling terminal. */
    pid_t child = test_fork();
    if (child == 0) {
        struct stat_fields own;
        CHECK(setsid() == getpid(), "setsid");
        CHECK(read_stat("/proc/self/stat", &own), "parse the child's stat");
        CHECK_EQ_LONG(own.tty_nr, 0);
        CHECK_EQ_LONG(own.tpgid, -1);
        test_child_exit();
    }
    CHECK_EQ_LONG(child_exit_status(child), 0);

    /* Another process's files read the same way. */
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)getpid());
    CHECK(read_stat(path, &after), "parse /proc/PID/stat");
    CHECK(after.vsize > 0 && after.rss >= 0, "/proc/PID/stat has the sizes too");
    return test_finish("stat_memory");
}
