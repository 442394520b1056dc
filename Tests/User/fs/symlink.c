/* symlink(2)/readlink(2)/readlinkat(2): contents, truncation, following
 * during lookup, dangling links, loops (ELOOP), O_NOFOLLOW. */
#include "apus_test.h"

int main(void)
{
    if (test_enter_scratch_dir("symlink") != 0)
        return test_finish("symlink");
    char buf[256];
    CHECK_OK(apus_write_file("target", "T", 1));
    CHECK_OK(mkdir("dir", 0755));
    CHECK_OK(apus_write_file("dir/inner", "I", 1));

    CHECK_OK(symlink("target", "l1"));
    memset(buf, '#', sizeof buf);
    CHECK_EQ_LONG(readlink("l1", buf, sizeof buf), 6);
    CHECK(memcmp(buf, "target", 6) == 0 && buf[6] == '#', "readlink does not NUL-terminate");
    /* A short buffer truncates silently. */
    CHECK_EQ_LONG(readlink("l1", buf, 3), 3);
    CHECK(memcmp(buf, "tar", 3) == 0, "truncated contents");

    /* Lookup follows links, also in the middle of a path, and chains. */
    CHECK_OK(symlink("dir", "dl"));
    CHECK_OK(symlink("l1", "l2"));
    int fd = open("l2", O_RDONLY);
    CHECK(fd >= 0 && read(fd, buf, 1) == 1 && buf[0] == 'T', "open through a chain of links");
    close(fd);
    fd = open("dl/inner", O_RDONLY);
    CHECK(fd >= 0 && read(fd, buf, 1) == 1 && buf[0] == 'I', "open through a directory link");
    close(fd);
    /* Relative targets are resolved from the link's directory. */
    CHECK_OK(symlink("../target", "dir/up"));
    CHECK_OK(access("dir/up", F_OK));
    /* Absolute targets work too. */
    char abs[512];
    snprintf(abs, sizeof abs, "%s/target", apus_scratch_dir);
    CHECK_OK(symlink(abs, "absl"));
    CHECK_OK(access("absl", R_OK));

    /* Dangling links: lookup fails, O_CREAT creates the target. */
    CHECK_OK(symlink("newfile", "dangling"));
    CHECK_ERR(open("dangling", O_RDONLY), ENOENT);
    fd = open("dangling", O_WRONLY | O_CREAT, 0644);
    CHECK(fd >= 0, "O_CREAT through a dangling link");
    close(fd);
    CHECK_OK(access("newfile", F_OK));
    CHECK_ERR(open("l1", O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST); /* O_EXCL never follows */

    /* O_NOFOLLOW on a link as the last component is ELOOP. */
    CHECK_ERR(open("l1", O_RDONLY | O_NOFOLLOW), ELOOP);
    fd = open("dl/inner", O_RDONLY | O_NOFOLLOW); /* only the last component counts */
    CHECK(fd >= 0, "O_NOFOLLOW with a link earlier in the path");
    close(fd);

    /* Loops. */
    CHECK_OK(symlink("loop_b", "loop_a"));
    CHECK_OK(symlink("loop_a", "loop_b"));
    CHECK_ERR(open("loop_a", O_RDONLY), ELOOP);
    CHECK_ERR(access("loop_a/x", F_OK), ELOOP);
    CHECK_OK(symlink("self", "self"));
    CHECK_ERR(stat("self", &(struct stat){0}), ELOOP);

    /* A chain of 40 links resolves; the kernel's limit is 40 in total. */
    char name[32], next[32];
    for (int i = 0; i < 41; i++) {
        snprintf(name, sizeof name, "c%d", i);
        if (i == 0)
            snprintf(next, sizeof next, "target");
        else
            snprintf(next, sizeof next, "c%d", i - 1);
        CHECK_OK(symlink(next, name));
    }
    CHECK_OK(access("c39", F_OK));   /* 40 links */
    CHECK_ERR(access("c40", F_OK), ELOOP); /* 41 links */

    /* Errors. */
    CHECK_ERR(symlink("x", "l1"), EEXIST);
    CHECK_ERR(symlink("x", "nodir/l"), ENOENT);
    CHECK_ERR(symlink("", "empty"), ENOENT);
    CHECK_ERR(readlink("target", buf, sizeof buf), EINVAL); /* not a link */
    CHECK_ERR(readlink("missing", buf, sizeof buf), ENOENT);
    CHECK_ERR(syscall(SYS_readlink, "l1", buf, 0), EINVAL); /* musl's wrapper hides this */
    CHECK_ERR(syscall(SYS_readlink, "l1", (void *)8, 10), EFAULT);

    /* readlinkat relative to a directory descriptor, and with an empty path. */
    int dfd = open("dir", O_RDONLY | O_DIRECTORY);
    CHECK_EQ_LONG(readlinkat(dfd, "up", buf, sizeof buf), 9);
    CHECK(memcmp(buf, "../target", 9) == 0, "readlinkat contents");
    close(dfd);
    test_leave_scratch_dir();
    return test_finish("symlink");
}
