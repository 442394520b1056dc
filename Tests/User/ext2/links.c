/* link(2), unlink(2), symlink(2), readlink(2) on ext2: hard links share the inode and count in
 * st_nlink, the data lives until the last name goes, a directory cannot be hard-linked (EPERM),
 * a link to a file on another mount is EXDEV; symbolic links short enough for the inode ("fast", under 60
 * bytes: no block) and long ones ("slow": one data block) read back byte for byte, follow, and
 * count st_size and st_blocks as Linux does; ELOOP for a loop, EEXIST for a taken name. Checked
 * again after an unmount and a new mount. */

#include "apus_ext2.h"

static char long_target[1001];
static char mid_target[200];

static void check_links(const char *when)
{
    struct stat a, b;
    CHECK_OK(stat("first", &a));
    CHECK_OK(stat("dir/second", &b));
    CHECK_EQ_LONG(a.st_ino, b.st_ino);
    CHECK_EQ_LONG(a.st_nlink, 2);
    char text[32];
    CHECK_EQ_LONG(apus_read_file("dir/second", text, sizeof text), 6);
    CHECK_EQ_STR(text, "shared");

    char got[1100];
    struct stat st;
    CHECK_EQ_LONG(readlink("fast", got, sizeof got), 5);
    CHECK(memcmp(got, "first", 5) == 0, when);
    CHECK_OK(lstat("fast", &st));
    CHECK(S_ISLNK(st.st_mode), "fast is a symbolic link");
    CHECK_EQ_LONG(st.st_size, 5);
    CHECK_EQ_LONG(st.st_blocks, 0);
    CHECK_OK(stat("fast", &st));
    CHECK_EQ_LONG(st.st_ino, a.st_ino);

    CHECK_EQ_LONG(readlink("slow", got, sizeof got), 1000);
    CHECK(memcmp(got, long_target, 1000) == 0, when);
    CHECK_OK(lstat("slow", &st));
    CHECK_EQ_LONG(st.st_size, 1000);
    CHECK_EQ_LONG(st.st_blocks, 2);   /* one 1 KiB block */

    CHECK_EQ_LONG(readlink("mid", got, sizeof got), (long)strlen(mid_target));
    CHECK(memcmp(got, mid_target, strlen(mid_target)) == 0, when);
    CHECK_EQ_LONG(apus_read_file("mid", text, sizeof text), 6);   /* follows to dir/second */

    /* A 59-byte target still fits the inode, a 60-byte one needs a block. */
    CHECK_OK(lstat("fit59", &st));
    CHECK_EQ_LONG(st.st_size, 59);
    CHECK_EQ_LONG(st.st_blocks, 0);
    CHECK_OK(lstat("fit60", &st));
    CHECK_EQ_LONG(st.st_size, 60);
    CHECK_EQ_LONG(st.st_blocks, 2);
    CHECK_EQ_LONG(readlink("fit60", got, sizeof got), 60);

    CHECK_OK(lstat("to_dir", &st));
    CHECK(S_ISLNK(st.st_mode), "to_dir is a link");
    CHECK_OK(stat("to_dir/second", &st));
    CHECK_EQ_LONG(st.st_ino, a.st_ino);
}

int main(void)
{
    if (!ext2_enter("links"))
        return test_finish("links");

    CHECK_OK(mkdir("dir", 0755));
    CHECK_EQ_LONG(apus_write_file("first", "shared", 6), 0);
    CHECK_OK(link("first", "dir/second"));
    CHECK_ERR(link("first", "dir/second"), EEXIST);
    CHECK_ERR(link("dir", "dir_link"), EPERM);
    CHECK_ERR(link("missing", "x"), ENOENT);
    /* A file on another mount (the root file system's /tmp). */
    CHECK_EQ_LONG(apus_write_file("/tmp/apus-ext2-links-other", "o", 1), 0);
    CHECK_ERR(link("/tmp/apus-ext2-links-other", "other_link"), EXDEV);
    unlink("/tmp/apus-ext2-links-other");

    /* A third name, then gone again: the count follows. */
    CHECK_OK(link("first", "third"));
    struct stat st;
    CHECK_OK(stat("first", &st));
    CHECK_EQ_LONG(st.st_nlink, 3);
    CHECK_OK(unlink("third"));

    /* An unlinked file open through a descriptor keeps its data. */
    CHECK_EQ_LONG(apus_write_file("orphan", "still here", 10), 0);
    int fd = open("orphan", O_RDONLY);
    CHECK(fd >= 0, "open orphan");
    CHECK_OK(unlink("orphan"));
    CHECK_OK(fstat(fd, &st));
    CHECK_EQ_LONG(st.st_nlink, 0);
    char text[32] = {0};
    CHECK_EQ_LONG(read(fd, text, sizeof text), 10);
    CHECK(memcmp(text, "still here", 10) == 0, "data of the unlinked file");
    close(fd);

    memset(long_target, 'a', 1000);
    for (int i = 0; i < 1000; i += 10)
        long_target[i] = '/';
    CHECK_OK(symlink("first", "fast"));
    CHECK_OK(symlink(long_target, "slow"));
    snprintf(mid_target, sizeof mid_target, "%s", "./././././././././././././././././././././././././././././././././dir/second");
    CHECK_OK(symlink(mid_target, "mid"));
    char target[61];
    memset(target, 'b', sizeof target);
    target[59] = '\0';
    CHECK_OK(symlink(target, "fit59"));
    target[59] = 'b';
    target[60] = '\0';
    CHECK_OK(symlink(target, "fit60"));
    CHECK_OK(symlink("dir", "to_dir"));
    CHECK_ERR(symlink("x", "fast"), EEXIST);
    CHECK_ERR(symlink("", "empty"), ENOENT);

    /* A loop, and a dangling link. */
    CHECK_OK(symlink("loop_b", "loop_a"));
    CHECK_OK(symlink("loop_a", "loop_b"));
    CHECK_ERR(open("loop_a", O_RDONLY), ELOOP);
    CHECK_OK(symlink("nowhere", "dangling"));
    CHECK_ERR(stat("dangling", &st), ENOENT);
    CHECK_OK(lstat("dangling", &st));
    CHECK_ERR(open("fast", O_RDONLY | O_NOFOLLOW), ELOOP);
    CHECK_ERR(readlink("first", text, sizeof text), EINVAL);

    check_links("before the remount");
    if (ext2_remount() == 0)
        check_links("after the remount");

    /* The last name goes: the symlink dangles. */
    CHECK_OK(unlink("dir/second"));
    CHECK_OK(unlink("first"));
    CHECK_ERR(stat("fast", &st), ENOENT);
    CHECK_OK(unlink("slow"));
    ext2_leave();
    return test_finish("links");
}
