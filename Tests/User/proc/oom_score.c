/* /proc/PID/oom_score and oom_score_adj (proc(5)): oom_score_adj reads back
 * what was written (parsed as kstrtoint does: white space, sign, 0x and 0
 * prefixes; -1000..1000, else EINVAL; a write reports its whole count);
 * oom_score follows it ((1000 + badness * 1000 / total) * 2 / 3: about 666
 * for a small process at 0, about 1333 at 1000, 0 at -1000). Without
 * CAP_SYS_RESOURCE a process may raise its value and lower it back down to
 * oom_score_adj_min, not below (EACCES); a privileged writer moves that
 * minimum too, and fork inherits both. Another user's file cannot be opened
 * for writing. All in forked children (init's own score is 0 on Apus). */
#include "apus_test.h"
#include <stdlib.h>
#include <sys/prctl.h>

#define TEST_UID 61236

static long read_number(const char *path)
{
    char text[64];
    long n = apus_read_file(path, text, sizeof text);
    if (n <= 0)
        return -99999;
    return strtol(text, NULL, 10);
}

/* Writes `text` to the file; returns 0, or the errno. */
static int write_text(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY);
    if (fd < 0)
        return errno;
    ssize_t n = write(fd, text, strlen(text));
    int error = n < 0 ? errno : 0;
    if (n >= 0 && (size_t)n != strlen(text))
        error = -1;
    close(fd);
    return error;
}

int main(void)
{
    pid_t child = test_fork();
    if (child == 0) {
        const char *adj = "/proc/self/oom_score_adj";
        CHECK_EQ_LONG(read_number(adj), 0);
        long score = read_number("/proc/self/oom_score");
        CHECK(score >= 600 && score <= 800, "oom_score of a small process at adjustment 0");
        CHECK_EQ_LONG(write_text(adj, "1000"), 0);
        CHECK_EQ_LONG(read_number(adj), 1000);
        score = read_number("/proc/self/oom_score");
        CHECK(score >= 1300 && score <= 1400, "oom_score at adjustment 1000");
        CHECK_EQ_LONG(write_text(adj, " 42\n"), 0);
        CHECK_EQ_LONG(read_number(adj), 42);
        CHECK_EQ_LONG(write_text(adj, "0x10"), 0);
        CHECK_EQ_LONG(read_number(adj), 16);
        CHECK_EQ_LONG(write_text(adj, "010"), 0);
        CHECK_EQ_LONG(read_number(adj), 8);
        CHECK_EQ_LONG(write_text(adj, "+5"), 0);
        CHECK_EQ_LONG(read_number(adj), 5);
        CHECK_EQ_LONG(write_text(adj, "1001"), EINVAL);
        CHECK_EQ_LONG(write_text(adj, "-1001"), EINVAL);
        CHECK_EQ_LONG(write_text(adj, "abc"), EINVAL);
        CHECK_EQ_LONG(write_text(adj, "12x"), EINVAL);
        CHECK_EQ_LONG(write_text(adj, "99999999999"), ERANGE);
        CHECK_EQ_LONG(read_number(adj), 5);
        /* Lowering below oom_score_adj_min (0 so far) needs CAP_SYS_RESOURCE,
         * which also moves the minimum. */
        int privileged = apus_has_cap_sys_resource();
        long minimum = privileged ? -500 : 0;
        if (privileged) {
            CHECK_EQ_LONG(write_text(adj, "-1000"), 0);
            CHECK_EQ_LONG(read_number("/proc/self/oom_score"), 0);
            CHECK_EQ_LONG(write_text(adj, "-500"), 0);
        } else {
            CHECK_EQ_LONG(write_text(adj, "-1"), EACCES);
            CHECK_EQ_LONG(write_text(adj, "0"), 0);
        }

        pid_t grandchild = test_fork();
        if (grandchild == 0) {
            CHECK_EQ_LONG(read_number(adj), minimum);
            char parent_adj[64];
            snprintf(parent_adj, sizeof parent_adj, "/proc/%d/oom_score_adj", (int)getppid());
            CHECK_OK(setgid(TEST_UID));
            CHECK_OK(setuid(TEST_UID));
            prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);   /* so that its /proc files are its own again */
            CHECK_EQ_LONG(write_text(adj, "100"), 0);
            CHECK_EQ_LONG(read_number(adj), 100);
            char text[16];
            snprintf(text, sizeof text, "%ld", minimum + 100);
            CHECK_EQ_LONG(write_text(adj, text), 0);      /* down to the inherited minimum is fine */
            snprintf(text, sizeof text, "%ld", minimum);
            CHECK_EQ_LONG(write_text(adj, text), 0);
            snprintf(text, sizeof text, "%ld", minimum - 1);
            CHECK_EQ_LONG(write_text(adj, text), EACCES);
            CHECK_EQ_LONG(read_number(adj), minimum);
            CHECK_EQ_LONG(write_text(parent_adj, "0"), EACCES);
            test_child_exit();
        }
        CHECK_EQ_LONG(child_exit_status(grandchild), 0);
        test_child_exit();
    }
    CHECK_EQ_LONG(child_exit_status(child), 0);
    return test_finish("oom_score");
}
