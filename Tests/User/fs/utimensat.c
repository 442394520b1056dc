/* utimensat(2)/futimens(3): setting, keeping (UTIME_OMIT) and refreshing
 * (UTIME_NOW) timestamps; writes update mtime; errors. */
#include "apus_test.h"
#include <time.h>

int main(void)
{
    if (test_enter_scratch_dir("utimensat") != 0)
        return test_finish("utimensat");
    struct stat st;
    CHECK_OK(apus_write_file("f", "x", 1));

    struct timespec ts[2] = {{1000000000, 123456789}, {1200000000, 987654321}};
    CHECK_OK(utimensat(AT_FDCWD, "f", ts, 0));
    CHECK_OK(stat("f", &st));
    CHECK_EQ_LONG(st.st_atim.tv_sec, 1000000000);
    CHECK_EQ_LONG(st.st_atim.tv_nsec, 123456789);
    CHECK_EQ_LONG(st.st_mtim.tv_sec, 1200000000);
    CHECK_EQ_LONG(st.st_mtim.tv_nsec, 987654321);

    /* UTIME_OMIT keeps a field; UTIME_NOW sets the current time. */
    struct timespec now0;
    clock_gettime(CLOCK_REALTIME, &now0);
    struct timespec omit_now[2] = {{0, UTIME_OMIT}, {0, UTIME_NOW}};
    CHECK_OK(utimensat(AT_FDCWD, "f", omit_now, 0));
    CHECK_OK(stat("f", &st));
    CHECK_EQ_LONG(st.st_atim.tv_sec, 1000000000);
    CHECK(st.st_mtim.tv_sec >= now0.tv_sec - 1 && st.st_mtim.tv_sec <= now0.tv_sec + 5, "UTIME_NOW is now");

    /* NULL times: both now. */
    CHECK_OK(utimensat(AT_FDCWD, "f", ts, 0));
    CHECK_OK(utimensat(AT_FDCWD, "f", NULL, 0));
    CHECK_OK(stat("f", &st));
    CHECK(st.st_atim.tv_sec >= now0.tv_sec - 1, "NULL sets atime to now");
    CHECK(st.st_mtim.tv_sec >= now0.tv_sec - 1, "NULL sets mtime to now");

    /* futimens on a descriptor; then a write moves mtime forward again. */
    int fd = open("f", O_WRONLY);
    CHECK_OK(futimens(fd, ts));
    CHECK_OK(fstat(fd, &st));
    CHECK_EQ_LONG(st.st_mtim.tv_sec, 1200000000);
    CHECK_EQ_LONG(write(fd, "y", 1), 1);
    CHECK_OK(fstat(fd, &st));
    CHECK(st.st_mtim.tv_sec >= now0.tv_sec - 1, "write updates mtime");
    CHECK(st.st_ctim.tv_sec >= now0.tv_sec - 1, "write updates ctime");
    close(fd);

    /* AT_SYMLINK_NOFOLLOW changes the link, not the target. */
    CHECK_OK(symlink("f", "l"));
    CHECK_OK(utimensat(AT_FDCWD, "f", ts, 0));
    struct timespec lts[2] = {{1300000000, 0}, {1300000000, 0}};
    CHECK_OK(utimensat(AT_FDCWD, "l", lts, AT_SYMLINK_NOFOLLOW));
    CHECK_OK(lstat("l", &st));
    CHECK_EQ_LONG(st.st_mtim.tv_sec, 1300000000);
    CHECK_OK(stat("f", &st));
    CHECK_EQ_LONG(st.st_mtim.tv_sec, 1200000000);

    /* Errors. */
    struct timespec bad[2] = {{0, 1000000000}, {0, 0}};
    CHECK_ERR(utimensat(AT_FDCWD, "f", bad, 0), EINVAL);
    struct timespec neg[2] = {{0, -5}, {0, 0}};
    CHECK_ERR(utimensat(AT_FDCWD, "f", neg, 0), EINVAL);
    CHECK_ERR(utimensat(AT_FDCWD, "f", ts, 0x4000), EINVAL);
    CHECK_ERR(utimensat(AT_FDCWD, "missing", ts, 0), ENOENT);
    CHECK_ERR(syscall(SYS_utimensat, AT_FDCWD, "f", (void *)8, 0), EFAULT);
    test_leave_scratch_dir();
    return test_finish("utimensat");
}
