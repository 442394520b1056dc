/* chmod(2), chown(2), utimensat(2) and the time stamps on ext2: mode bits (set-user-ID, set-
 * group-ID, sticky included), owner and group (32-bit IDs past 65535), the times set explicitly
 * (whole seconds: 128-byte inodes keep no nanoseconds), ctime moved by a change and mtime by a
 * write, all kept across an unmount and a new mount; a new file takes the creator's IDs, and a
 * file in a set-group-ID directory takes the directory's group; a process with another user ID
 * is refused a file with no permission for it (EACCES) and a chmod of a file it does not own
 * (EPERM). */

#include "apus_ext2.h"

#include <sys/wait.h>
#include <time.h>

#define OLD_SECONDS 1000000000L   /* 2001-09-09 */

static void check_attrs(const char *when)
{
    struct stat st;
    CHECK_OK(stat("owned", &st));
    CHECK_EQ_LONG(st.st_mode & 07777, 06755);
    CHECK_EQ_LONG(st.st_uid, 100000);
    CHECK_EQ_LONG(st.st_gid, 70000);
    CHECK_OK(stat("timed", &st));
    CHECK_EQ_LONG(st.st_atim.tv_sec, OLD_SECONDS);
    CHECK_EQ_LONG(st.st_mtim.tv_sec, OLD_SECONDS + 5);
    CHECK_OK(stat("sticky", &st));
    CHECK_EQ_LONG(st.st_mode & 07777, 01777);
    CHECK_OK(stat("group_dir/inherits", &st));
    CHECK_EQ_LONG(st.st_gid, 4242);
    CHECK_OK(stat("group_dir/sub", &st));
    CHECK_EQ_LONG(st.st_gid, 4242);
    CHECK(st.st_mode & S_ISGID, when);
}

int main(void)
{
    if (!ext2_enter("attrs"))
        return test_finish("attrs");
    umask(022);
    time_t before = time(NULL);

    CHECK_EQ_LONG(apus_write_file("owned", "x", 1), 0);
    struct stat st;
    CHECK_OK(stat("owned", &st));
    CHECK_EQ_LONG(st.st_uid, geteuid());
    CHECK_EQ_LONG(st.st_gid, getegid());
    CHECK_EQ_LONG(st.st_mode & 07777, 0644);
    CHECK(st.st_mtim.tv_sec >= before - 1 && st.st_ctime >= before - 1, "new file times are now");
    CHECK_OK(chown("owned", 100000, 70000));
    CHECK_OK(chmod("owned", 06755));

    /* Explicit times, then a write moves mtime and ctime to now. */
    CHECK_EQ_LONG(apus_write_file("timed", "t", 1), 0);
    struct timespec times[2] = { { OLD_SECONDS, 0 }, { OLD_SECONDS + 5, 0 } };
    CHECK_OK(utimensat(AT_FDCWD, "timed", times, 0));
    CHECK_OK(stat("timed", &st));
    CHECK_EQ_LONG(st.st_mtim.tv_sec, OLD_SECONDS + 5);
    CHECK(st.st_ctime >= before - 1, "utimensat sets ctime to now");
    CHECK_EQ_LONG(apus_write_file("written", "w", 1), 0);
    CHECK_OK(utimensat(AT_FDCWD, "written", times, 0));
    int fd = open("written", O_WRONLY | O_APPEND);
    CHECK_EQ_LONG(write(fd, "more", 4), 4);
    close(fd);
    CHECK_OK(stat("written", &st));
    CHECK(st.st_mtime >= before - 1, "a write moves mtime");
    CHECK_EQ_LONG(st.st_atime, OLD_SECONDS);

    CHECK_OK(mkdir("sticky", 0755));
    CHECK_OK(chmod("sticky", 01777));

    /* A set-group-ID directory hands its group down. */
    CHECK_OK(mkdir("group_dir", 0755));
    CHECK_OK(chown("group_dir", 0, 4242));
    CHECK_OK(chmod("group_dir", 02775));
    CHECK_EQ_LONG(apus_write_file("group_dir/inherits", "g", 1), 0);
    CHECK_OK(mkdir("group_dir/sub", 0755));

    /* Another user: no permission on a 0600 root file, no chmod of it. */
    CHECK_EQ_LONG(apus_write_file("private", "p", 1), 0);
    CHECK_OK(chmod("private", 0600));
    pid_t pid = test_fork();
    if (pid == 0) {
        CHECK_OK(setgid(1000));
        CHECK_OK(setuid(1000));
        CHECK_ERR(open("private", O_RDONLY), EACCES);
        CHECK_ERR(chmod("private", 0666), EPERM);
        CHECK_ERR(chown("private", 1000, 1000), EPERM);
        CHECK_ERR(open("new_by_user", O_WRONLY | O_CREAT, 0644), EACCES);   /* the directory is 0755 root */
        int own = open("sticky/mine", O_WRONLY | O_CREAT, 0600);
        CHECK(own >= 0, "create in the sticky directory");
        close(own);
        test_child_exit();
    }
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    CHECK_OK(stat("sticky/mine", &st));
    CHECK_EQ_LONG(st.st_uid, 1000);
    CHECK_EQ_LONG(st.st_gid, 1000);

    check_attrs("before the remount");
    if (ext2_remount() == 0) {
        check_attrs("after the remount");
        CHECK_OK(stat("sticky/mine", &st));
        CHECK_EQ_LONG(st.st_uid, 1000);
    }
    ext2_leave();
    return test_finish("attrs");
}
