/* proc_locks(5): /proc/locks lists the locks held now, one line each, as
 * "N: POSIX  ADVISORY  WRITE PID MAJOR:MINOR:INODE START END" (END "EOF" for a
 * lock to the end of the file), OFDLCK with PID -1 for open file description
 * locks, FLOCK ... "0 EOF" for flock(2) locks. A released lock's line goes.
 * (Requests waiting for a lock, Linux's "N: -> ..." lines, are not checked.) */
#include "apus_test.h"
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

static char text[65536];

/* Whether /proc/locks has a line whose text after "N: " is `want`. */
static int has_line(const char *want)
{
    if (apus_read_file("/proc/locks", text, sizeof text) < 0)
        return 0;
    for (char *line = text; *line; ) {
        char *end = strchr(line, '\n');
        if (end)
            *end = '\0';
        char *body = strstr(line, ": ");
        if (body && strcmp(body + 2, want) == 0)
            return 1;
        if (!end)
            break;
        line = end + 1;
    }
    return 0;
}

int main(void)
{
    if (test_enter_scratch_dir("proc_locks") != 0)
        return test_finish("locks");
    int fd = open("data", O_RDWR | O_CREAT, 0644);
    int other = open("data", O_RDWR);
    int third = open("data", O_RDONLY);
    CHECK(fd >= 0 && other >= 0 && third >= 0, "open data");
    struct stat st;
    CHECK_OK(fstat(fd, &st));
    char file[64];
    snprintf(file, sizeof file, "%02x:%02x:%lu", major(st.st_dev), minor(st.st_dev), (unsigned long)st.st_ino);

    struct flock fl;
    memset(&fl, 0, sizeof fl);
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    fl.l_start = 0;
    fl.l_len = 10;
    CHECK_OK(fcntl(fd, F_SETLK, &fl));
    fl.l_type = F_RDLCK;
    fl.l_start = 20;
    fl.l_len = 0;
    CHECK_OK(fcntl(other, F_OFD_SETLK, &fl));
    CHECK_OK(flock(third, LOCK_EX));

    char want[256];
    snprintf(want, sizeof want, "POSIX  ADVISORY  WRITE %d %s 0 9", (int)getpid(), file);
    CHECK(has_line(want), "the POSIX lock's line");
    /* Linux 6.1 pads READ to the width of WRITE; later kernels do not. */
    snprintf(want, sizeof want, "OFDLCK ADVISORY  READ -1 %s 20 EOF", file);
    char padded[256];
    snprintf(padded, sizeof padded, "OFDLCK ADVISORY  READ  -1 %s 20 EOF", file);
    CHECK(has_line(want) || has_line(padded), "the OFD lock's line");
    snprintf(want, sizeof want, "FLOCK  ADVISORY  WRITE %d %s 0 EOF", (int)getpid(), file);
    CHECK(has_line(want), "the flock lock's line");

    CHECK_OK(flock(third, LOCK_UN));
    CHECK(!has_line(want), "the flock line is gone after LOCK_UN");
    CHECK_OK(close(third));       /* also drops the POSIX lock */
    snprintf(want, sizeof want, "POSIX  ADVISORY  WRITE %d %s 0 9", (int)getpid(), file);
    CHECK(!has_line(want), "the POSIX line is gone after a close");
    CHECK_OK(close(other));
    CHECK_OK(close(fd));
    test_leave_scratch_dir();
    return test_finish("locks");
}
