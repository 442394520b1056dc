/* The system-wide /proc files top, uptime and vmstat read: /proc/loadavg
 * (three load averages, runnable/total threads, the last ID handed out),
 * /proc/stat (CPU time in USER_HZ ticks per column, that grows with our own
 * user time; ctxt, btime, processes, procs_running), /proc/uptime (uptime and
 * idle time, which never goes back); sysinfo's loads agree with loadavg; and
 * /proc/self/status's Groups line ends with a space, as Linux prints it. */
#include "apus_test.h"
#include <stdlib.h>
#include <sys/sysinfo.h>
#include <time.h>

static char text[16384];

static unsigned long long stat_user_ticks(void)
{
    unsigned long long user = 0;
    if (apus_read_file("/proc/stat", text, sizeof text) <= 0)
        return 0;
    sscanf(text, "cpu %llu", &user);
    return user;
}

static long long stat_field(const char *name)
{
    char *line = strstr(text, name);
    long long value = -1;
    if (line && (line == text || line[-1] == '\n'))
        sscanf(line + strlen(name), " %lld", &value);
    return value;
}

int main(void)
{
    /* /proc/loadavg */
    CHECK(apus_read_file("/proc/loadavg", text, sizeof text) > 0, "read /proc/loadavg");
    double one, five, fifteen;
    int running, total, last;
    CHECK_EQ_LONG(sscanf(text, "%lf %lf %lf %d/%d %d", &one, &five, &fifteen, &running, &total, &last), 6);
    CHECK(one >= 0 && five >= 0 && fifteen >= 0, "load averages are not negative");
    CHECK(running >= 1 && total >= running, "at least the reader runs");
    CHECK(last >= 1, "an ID was handed out");
    struct sysinfo info;
    CHECK_OK(sysinfo(&info));
    CHECK((double)info.loads[0] / 65536.0 - one < 0.2 && one - (double)info.loads[0] / 65536.0 < 0.2,
          "sysinfo's 1-minute load agrees with /proc/loadavg");

    /* /proc/stat: the columns and the counters. */
    unsigned long long before = stat_user_ticks();
    unsigned long long columns[10];
    CHECK_EQ_LONG(sscanf(text, "cpu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &columns[0], &columns[1],
                         &columns[2], &columns[3], &columns[4], &columns[5], &columns[6], &columns[7], &columns[8],
                         &columns[9]), 10);
    CHECK(strstr(text, "\ncpu0 ") != NULL, "a line per CPU");
    CHECK(stat_field("ctxt") > 0, "ctxt counts task switches");
    CHECK(stat_field("processes") >= 1, "processes counts IDs handed out");
    CHECK(stat_field("procs_running") >= 1, "procs_running counts the reader");
    CHECK(stat_field("procs_blocked") >= 0, "procs_blocked");
    long long boot = stat_field("btime");
    struct timespec now, up;
    clock_gettime(CLOCK_REALTIME, &now);
    clock_gettime(CLOCK_BOOTTIME, &up);
    CHECK(boot > 0 && llabs(boot - (now.tv_sec - up.tv_sec)) <= 2, "btime is now minus the uptime");
    long long start = apus_now_ns();
    volatile unsigned long sink = 0;
    while (apus_now_ns() - start < 300000000LL)
        for (int i = 0; i < 10000; i++)
            sink += i;
    CHECK(stat_user_ticks() >= before + 2, "300 ms of spinning shows as user ticks");

    /* /proc/uptime: idle time never goes back. */
    double uptime1, idle1, uptime2, idle2;
    CHECK(apus_read_file("/proc/uptime", text, sizeof text) > 0, "read /proc/uptime");
    CHECK_EQ_LONG(sscanf(text, "%lf %lf", &uptime1, &idle1), 2);
    struct timespec nap = {0, 100000000};
    nanosleep(&nap, NULL);
    CHECK(apus_read_file("/proc/uptime", text, sizeof text) > 0, "read /proc/uptime again");
    CHECK_EQ_LONG(sscanf(text, "%lf %lf", &uptime2, &idle2), 2);
    CHECK(uptime2 > uptime1 && idle2 >= idle1, "uptime grows, idle time never goes back");

    /* Groups: ends with a space. */
    CHECK(apus_read_file("/proc/self/status", text, sizeof text) > 0, "read status");
    char *groups = strstr(text, "\nGroups:\t");
    CHECK(groups != NULL, "a Groups line");
    if (groups) {
        char *end = strchr(groups + 1, '\n');
        CHECK(end && end[-1] == ' ', "the Groups line ends with a space");
    }
    return test_finish("loadavg_stat");
}
