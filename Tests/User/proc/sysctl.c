/* /proc/sys settings and /proc/version: the identity files agree with
 * uname(2) (hostname written through /proc/sys is what uname and
 * sethostname see, and back), the limits are numbers in Linux's form and are
 * the ones enforced (nr_open bounds RLIMIT_NOFILE's hard limit: EPERM past
 * it; pipe-max-size bounds F_SETPIPE_SZ for a user without
 * CAP_SYS_RESOURCE), writes of bad values are EINVAL, another user's open for
 * writing is EACCES. Formats, not values that differ between systems. */
#include "apus_test.h"
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/utsname.h>

#define TEST_UID 61238

static long long read_number(const char *path)
{
    char text[128];
    if (apus_read_file(path, text, sizeof text) <= 0)
        return -1;
    char *end = NULL;
    long long value = strtoll(text, &end, 10);
    if (end == text || *end != '\n')
        return -2;
    return value;
}

static int read_line(const char *path, char *line, size_t size)
{
    long n = apus_read_file(path, line, size);
    if (n <= 0 || line[n - 1] != '\n')
        return -1;
    line[n - 1] = '\0';
    return 0;
}

static int write_text(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY);
    if (fd < 0)
        return errno;
    ssize_t n = write(fd, text, strlen(text));
    int error = n < 0 ? errno : 0;
    close(fd);
    return error;
}

int main(void)
{
    struct utsname names;
    CHECK_OK(uname(&names));
    char line[512];

    CHECK_OK(read_line("/proc/sys/kernel/ostype", line, sizeof line));
    CHECK_EQ_STR(line, "Linux");
    CHECK_OK(read_line("/proc/sys/kernel/osrelease", line, sizeof line));
    CHECK_EQ_STR(line, names.release);
    CHECK_OK(read_line("/proc/sys/kernel/version", line, sizeof line));
    CHECK_EQ_STR(line, names.version);
    CHECK_OK(read_line("/proc/sys/kernel/hostname", line, sizeof line));
    CHECK_EQ_STR(line, names.nodename);
    CHECK_OK(read_line("/proc/sys/kernel/domainname", line, sizeof line));
    CHECK_EQ_STR(line, names.domainname);

    char expected[300];
    snprintf(expected, sizeof expected, "Linux version %s ", names.release);
    CHECK_OK(read_line("/proc/version", line, sizeof line));
    CHECK(strncmp(line, expected, strlen(expected)) == 0, "/proc/version starts with Linux version RELEASE");

    CHECK(read_number("/proc/sys/kernel/pid_max") >= 301, "pid_max");
    CHECK(read_number("/proc/sys/kernel/threads-max") >= 20, "threads-max");
    CHECK_EQ_LONG(read_number("/proc/sys/kernel/ngroups_max"), 65536);
    CHECK(read_number("/proc/sys/kernel/tainted") >= 0, "tainted is a number");
    long long restrict_value = read_number("/proc/sys/kernel/dmesg_restrict");
    CHECK(restrict_value == 0 || restrict_value == 1, "dmesg_restrict");
    int levels[4];
    char printk[64];
    CHECK(apus_read_file("/proc/sys/kernel/printk", printk, sizeof printk) > 0, "printk");
    CHECK_EQ_LONG(sscanf(printk, "%d\t%d\t%d\t%d\n", &levels[0], &levels[1], &levels[2], &levels[3]), 4);
    CHECK(read_number("/proc/sys/fs/file-max") > 0, "file-max");
    long long nr_open = read_number("/proc/sys/fs/nr_open");
    CHECK(nr_open >= 1024, "nr_open");
    long long pipe_max = read_number("/proc/sys/fs/pipe-max-size");
    CHECK(pipe_max >= 4096, "pipe-max-size");
    CHECK(read_number("/proc/sys/fs/pipe-user-pages-soft") >= 0, "pipe-user-pages-soft");
    CHECK(read_number("/proc/sys/vm/max_map_count") > 0, "max_map_count");
    long long overcommit = read_number("/proc/sys/vm/overcommit_memory");
    CHECK(overcommit >= 0 && overcommit <= 2, "overcommit_memory");

    if (getuid() == 0) {
        /* nr_open bounds RLIMIT_NOFILE even for root. */
        struct rlimit saved, raised;
        CHECK_OK(getrlimit(RLIMIT_NOFILE, &saved));
        raised.rlim_cur = saved.rlim_cur;
        raised.rlim_max = (rlim_t)nr_open + 1;
        CHECK_ERR(setrlimit(RLIMIT_NOFILE, &raised), EPERM);

        /* The host name, through /proc/sys and back through sethostname. */
        char original[65];
        snprintf(original, sizeof original, "%s", names.nodename);
        CHECK_EQ_LONG(write_text("/proc/sys/kernel/hostname", "apus-sysctl-test\n"), 0);
        CHECK_OK(uname(&names));
        CHECK_EQ_STR(names.nodename, "apus-sysctl-test");
        CHECK_OK(sethostname("apus-sysctl-two", 15));
        CHECK_OK(read_line("/proc/sys/kernel/hostname", line, sizeof line));
        CHECK_EQ_STR(line, "apus-sysctl-two");
        CHECK_OK(sethostname(original, strlen(original)));

        /* Bad values. */
        CHECK_EQ_LONG(write_text("/proc/sys/kernel/dmesg_restrict", "2\n"), EINVAL);
        CHECK_EQ_LONG(write_text("/proc/sys/kernel/dmesg_restrict", "x\n"), EINVAL);
        CHECK_EQ_LONG(read_number("/proc/sys/kernel/dmesg_restrict"), restrict_value);
        char same[16];
        snprintf(same, sizeof same, "%lld\n", restrict_value);
        CHECK_EQ_LONG(write_text("/proc/sys/kernel/dmesg_restrict", same), 0);

        pid_t child = test_fork();
        if (child == 0) {
            CHECK_OK(setgid(TEST_UID));
            CHECK_OK(setuid(TEST_UID));
            CHECK_EQ_LONG(write_text("/proc/sys/kernel/hostname", "nope\n"), EACCES);
            CHECK_EQ_LONG(write_text("/proc/sys/kernel/dmesg_restrict", "0\n"), EACCES);
            CHECK_ERR(sethostname("nope", 4), EPERM);
            int fds[2];
            CHECK_OK(pipe(fds));
            CHECK_ERR(fcntl(fds[0], F_SETPIPE_SZ, (int)pipe_max * 2), EPERM);
            CHECK(fcntl(fds[0], F_SETPIPE_SZ, (int)pipe_max) >= pipe_max, "F_SETPIPE_SZ up to pipe-max-size");
            test_child_exit();
        }
        CHECK_EQ_LONG(child_exit_status(child), 0);
    }
    return test_finish("proc/sysctl");
}
