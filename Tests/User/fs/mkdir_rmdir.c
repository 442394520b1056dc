/* mkdir(2)/mkdirat(2)/rmdir(2): modes, EEXIST, ENOENT, ENOTEMPTY, ENOTDIR,
 * and the special names "." and "..". */
#include "apus_test.h"

int main(void)
{
    if (test_enter_scratch_dir("mkdir_rmdir") != 0)
        return test_finish("mkdir_rmdir");
    umask(022);
    struct stat st;

    CHECK_OK(mkdir("a", 0777));
    CHECK_OK(stat("a", &st));
    CHECK_EQ_LONG(st.st_mode, S_IFDIR | 0755);
    CHECK_OK(mkdir("a/b", 0700));
    CHECK_OK(stat("a/b", &st));
    CHECK_EQ_LONG(st.st_mode, S_IFDIR | 0700);
    CHECK_OK(mkdir("trailing/", 0755)); /* a trailing slash is fine for mkdir */
    CHECK_OK(stat("trailing", &st));

    CHECK_ERR(mkdir("a", 0755), EEXIST);
    CHECK_ERR(mkdir("a/b/", 0755), EEXIST);
    CHECK_ERR(mkdir("missing/x", 0755), ENOENT);
    CHECK_OK(apus_write_file("file", "x", 1));
    CHECK_ERR(mkdir("file", 0755), EEXIST);
    CHECK_ERR(mkdir("file/x", 0755), ENOTDIR);
    CHECK_ERR(mkdir("", 0755), ENOENT);
    CHECK_ERR(mkdir(".", 0755), EEXIST);
    CHECK_ERR(mkdir("..", 0755), EEXIST);

    /* mkdirat relative to a directory descriptor. */
    int dfd = open("a", O_RDONLY | O_DIRECTORY);
    CHECK_OK(mkdirat(dfd, "c", 0755));
    CHECK_OK(stat("a/c", &st));
    CHECK_ERR(mkdirat(dfd, "c", 0755), EEXIST);
    CHECK_ERR(mkdirat(12345, "c", 0755), EBADF);
    close(dfd);

    /* rmdir. */
    CHECK_ERR(rmdir("a"), ENOTEMPTY);           /* has b and c */
    CHECK_ERR(rmdir("file"), ENOTDIR);
    CHECK_ERR(rmdir("missing"), ENOENT);
    CHECK_ERR(rmdir("a/b/."), EINVAL);          /* "." as last component */
    CHECK_ERR(rmdir("a/b/.."), ENOTEMPTY);      /* ".." as last component */
    CHECK_ERR(rmdir(""), ENOENT);
    CHECK_OK(apus_write_file("a/b/inner", "x", 1));
    CHECK_ERR(rmdir("a/b"), ENOTEMPTY);
    CHECK_OK(unlink("a/b/inner"));
    CHECK_OK(rmdir("a/b"));
    CHECK_ERR(stat("a/b", &st), ENOENT);
    CHECK_OK(rmdir("a/c/"));                    /* trailing slash accepted */
    CHECK_OK(stat("a", &st));
    CHECK_EQ_LONG(st.st_nlink, 2);
    CHECK_OK(rmdir("a"));
    CHECK_OK(rmdir("trailing"));

    /* A directory removed while open: the descriptor stays valid, the
     * directory is empty and nothing can be created in it. */
    CHECK_OK(mkdir("gone", 0755));
    int gfd = open("gone", O_RDONLY | O_DIRECTORY);
    CHECK_OK(rmdir("gone"));
    CHECK_OK(fstat(gfd, &st));
    CHECK_EQ_LONG(st.st_nlink, 0);
    CHECK_ERR(openat(gfd, "new", O_WRONLY | O_CREAT, 0644), ENOENT);
    CHECK_ERR(mkdirat(gfd, "new", 0755), ENOENT);
    close(gfd);

    test_leave_scratch_dir();
    return test_finish("mkdir_rmdir");
}
