/* rename(2)/renameat(2)/renameat2(2): replacing files, directory rules
 * (EISDIR, ENOTDIR, ENOTEMPTY, EINVAL for a move into itself),
 * no-op renames, and RENAME_NOREPLACE. */
#include "apus_test.h"

static long sys_renameat2(int od, const char *o, int nd, const char *n, unsigned flags)
{
    return syscall(SYS_renameat2, od, o, nd, n, flags);
}

int main(void)
{
    if (test_enter_scratch_dir("rename") != 0)
        return test_finish("rename");
    struct stat st, before;

    /* Plain rename keeps the inode. */
    CHECK_OK(apus_write_file("a", "AAA", 3));
    CHECK_OK(stat("a", &before));
    CHECK_OK(rename("a", "b"));
    CHECK_ERR(stat("a", &st), ENOENT);
    CHECK_OK(stat("b", &st));
    CHECK(st.st_ino == before.st_ino, "rename keeps the inode");

    /* Over an existing file: it is replaced atomically; an open fd to the
     * victim still reads its old data. */
    CHECK_OK(apus_write_file("victim", "old", 3));
    int vfd = open("victim", O_RDONLY);
    CHECK_OK(rename("b", "victim"));
    CHECK_OK(stat("victim", &st));
    CHECK(st.st_ino == before.st_ino, "target now is the renamed file");
    char buf[4] = {0};
    CHECK_EQ_LONG(read(vfd, buf, 3), 3);
    CHECK(memcmp(buf, "old", 3) == 0, "replaced file still readable through its fd");
    close(vfd);

    /* Renaming a name to itself (or a hard link of itself) is a no-op. */
    CHECK_OK(rename("victim", "victim"));
    CHECK_OK(link("victim", "alias"));
    CHECK_OK(rename("victim", "alias"));
    CHECK_OK(stat("victim", &st));
    CHECK_EQ_LONG(st.st_nlink, 2);

    /* Directories. */
    CHECK_OK(mkdir("d", 0755));
    CHECK_OK(mkdir("d/sub", 0755));
    CHECK_OK(mkdir("empty", 0755));
    CHECK_OK(mkdir("full", 0755));
    CHECK_OK(apus_write_file("full/x", "", 0));
    CHECK_ERR(rename("d", "d/sub/inside"), EINVAL);   /* into its own subtree */
    CHECK_ERR(rename("d", "d/inside"), EINVAL);
    CHECK_ERR(rename("victim", "d"), EISDIR);         /* file over directory */
    CHECK_ERR(rename("d", "victim"), ENOTDIR);        /* directory over file */
    CHECK_ERR(rename("d", "full"), ENOTEMPTY);        /* over a non-empty directory */
    CHECK_OK(stat("d", &before));
    CHECK_OK(rename("d", "empty"));                   /* over an empty directory */
    CHECK_OK(stat("empty", &st));
    CHECK(st.st_ino == before.st_ino, "directory replaced the empty one");
    CHECK_OK(stat("empty/sub", &st));
    CHECK_ERR(rename(".", "x"), EBUSY);
    CHECK_ERR(rename("empty/sub/..", "x"), EBUSY);

    /* Moving a directory changes link counts of both parents. */
    CHECK_OK(mkdir("p1", 0755));
    CHECK_OK(mkdir("p2", 0755));
    CHECK_OK(mkdir("p1/child", 0755));
    CHECK_OK(rename("p1/child", "p2/child"));
    CHECK_OK(stat("p1", &st));
    CHECK_EQ_LONG(st.st_nlink, 2);
    CHECK_OK(stat("p2", &st));
    CHECK_EQ_LONG(st.st_nlink, 3);
    CHECK_OK(stat("p2/child/..", &st));
    CHECK_OK(stat("p2", &before));
    CHECK(st.st_ino == before.st_ino, "moved directory's .. is its new parent");

    /* Errors. */
    CHECK_ERR(rename("missing", "x"), ENOENT);
    CHECK_ERR(rename("victim", "nodir/x"), ENOENT);
    CHECK_ERR(rename("victim", "victim/x"), ENOTDIR);
    CHECK_ERR(rename("victim/", "x"), ENOTDIR);

    /* renameat relative to directory descriptors. */
    int d1 = open("p1", O_RDONLY | O_DIRECTORY), d2 = open("p2", O_RDONLY | O_DIRECTORY);
    CHECK_OK(apus_write_file("p1/f", "", 0));
    CHECK_OK(renameat(d1, "f", d2, "g"));
    CHECK_OK(stat("p2/g", &st));

    /* renameat2 RENAME_NOREPLACE refuses to replace. */
    CHECK_OK(apus_write_file("p1/h", "", 0));
    CHECK_ERR(sys_renameat2(d1, "h", d2, "g", RENAME_NOREPLACE), EEXIST);
    CHECK_OK(sys_renameat2(d1, "h", d2, "h", RENAME_NOREPLACE));
    CHECK_ERR(sys_renameat2(d2, "h", d2, "i", 0x80000000u), EINVAL);
    CHECK_ERR(renameat(9999, "h", d2, "i"), EBADF);
    close(d1);
    close(d2);
    test_leave_scratch_dir();
    return test_finish("rename");
}
