/* rename(2) and renameat2(2) on ext2: within a directory, over an existing file (the old inode
 * loses its last name), across directories (a moved directory's ".." names its new parent and
 * both parents' link counts change), a directory over an empty one, and the errors: ENOTEMPTY,
 * EISDIR, ENOTDIR, EINVAL (into itself), EEXIST (RENAME_NOREPLACE), ENOENT. Checked again after
 * an unmount and a new mount. */

#include "apus_ext2.h"

static void check_tree(const char *when)
{
    char text[32];
    struct stat st, parent, dotdot;
    CHECK_EQ_LONG(apus_read_file("b/renamed", text, sizeof text), 3);
    CHECK_EQ_STR(text, "new");
    CHECK_ERR(stat("a/file", &st), ENOENT);
    CHECK_ERR(stat("target_gone", &st), ENOENT);
    CHECK_EQ_LONG(apus_read_file("over", text, sizeof text), 6);
    CHECK_EQ_STR(text, "winner");

    /* The moved directory's ".." is its new parent. */
    CHECK_OK(stat("b", &parent));
    CHECK_OK(stat("b/moved/..", &dotdot));
    CHECK_EQ_LONG(dotdot.st_ino, parent.st_ino);
    CHECK_EQ_LONG(parent.st_nlink, 3);       /* ".", its entry, moved/.. */
    CHECK_OK(stat("a", &st));
    CHECK_EQ_LONG(st.st_nlink, 2);
    CHECK_EQ_LONG(apus_read_file("b/moved/inside", text, sizeof text), 2);
    CHECK_EQ_STR(text, "in");
    CHECK_OK(stat("replaced/kept", &st));
    CHECK(S_ISREG(st.st_mode), when);
}

int main(void)
{
    if (!ext2_enter("rename"))
        return test_finish("rename");

    CHECK_OK(mkdir("a", 0755));
    CHECK_OK(mkdir("b", 0755));
    CHECK_EQ_LONG(apus_write_file("a/file", "new", 3), 0);
    CHECK_OK(rename("a/file", "a/file2"));
    CHECK_OK(rename("a/file2", "b/renamed"));

    /* Over an existing file: the loser's inode goes when its last descriptor does. */
    CHECK_EQ_LONG(apus_write_file("over", "loser", 5), 0);
    CHECK_EQ_LONG(apus_write_file("winner", "winner", 6), 0);
    int loser = open("over", O_RDONLY);
    CHECK(loser >= 0, "open over");
    CHECK_OK(rename("winner", "over"));
    struct stat st;
    CHECK_OK(fstat(loser, &st));
    CHECK_EQ_LONG(st.st_nlink, 0);
    char text[32] = {0};
    CHECK_EQ_LONG(read(loser, text, sizeof text), 5);
    close(loser);

    /* A name renamed onto a hard link of itself: nothing happens. */
    CHECK_EQ_LONG(apus_write_file("target_gone", "x", 1), 0);
    CHECK_OK(link("target_gone", "alias"));
    CHECK_OK(rename("target_gone", "alias"));
    CHECK_OK(stat("target_gone", &st));
    CHECK_EQ_LONG(st.st_nlink, 2);
    CHECK_OK(unlink("target_gone"));
    CHECK_OK(unlink("alias"));

    /* A directory across directories. */
    CHECK_OK(mkdir("a/moved", 0755));
    CHECK_EQ_LONG(apus_write_file("a/moved/inside", "in", 2), 0);
    CHECK_OK(stat("a", &st));
    CHECK_EQ_LONG(st.st_nlink, 3);
    CHECK_OK(rename("a/moved", "b/moved"));

    /* A directory over an empty directory; not over a non-empty one. */
    CHECK_OK(mkdir("replaced", 0755));
    CHECK_OK(mkdir("fresh", 0755));
    CHECK_EQ_LONG(apus_write_file("fresh/kept", "k", 1), 0);
    CHECK_OK(rename("fresh", "replaced"));
    CHECK_ERR(stat("fresh", &st), ENOENT);
    CHECK_OK(mkdir("other", 0755));
    CHECK_ERR(rename("other", "replaced"), ENOTEMPTY);

    /* Kinds that do not match, into itself, no-replace, missing source. */
    CHECK_ERR(rename("over", "other"), EISDIR);
    CHECK_ERR(rename("other", "over"), ENOTDIR);
    CHECK_ERR(rename("b", "b/moved/deeper"), EINVAL);
    CHECK_ERR(syscall(SYS_renameat2, AT_FDCWD, "over", AT_FDCWD, "b/renamed", RENAME_NOREPLACE), EEXIST);
    CHECK_ERR(rename("missing", "x"), ENOENT);
    CHECK_ERR(rename("over", "missing_dir/x"), ENOENT);
    CHECK_ERR(rename("over", "/tmp/apus-ext2-cross"), EXDEV);
    CHECK_OK(rmdir("other"));

    check_tree("before the remount");
    if (ext2_remount() == 0)
        check_tree("after the remount");
    ext2_leave();
    return test_finish("rename");
}
