/* getcwd(2)/chdir(2)/fchdir(2): the working directory follows chdir,
 * relative paths resolve from it, ".." at "/" stays at "/", and errors. */
#include "apus_test.h"

int main(void)
{
    if (test_enter_scratch_dir("cwd") != 0)
        return test_finish("cwd");
    char buf[4096], expect[4096];

    CHECK(getcwd(buf, sizeof buf) != NULL, "getcwd");
    CHECK(strcmp(buf, apus_scratch_dir) == 0, "getcwd is the scratch directory");

    CHECK_OK(mkdir("a", 0755));
    CHECK_OK(mkdir("a/b", 0755));
    CHECK_OK(apus_write_file("a/b/file", "x", 1));
    CHECK_OK(chdir("a/b"));
    snprintf(expect, sizeof expect, "%s/a/b", apus_scratch_dir);
    CHECK(getcwd(buf, sizeof buf) && strcmp(buf, expect) == 0, "getcwd after chdir a/b");
    CHECK_OK(access("file", F_OK));
    CHECK_OK(access("./file", F_OK));
    CHECK_OK(access("../b/file", F_OK));
    CHECK_OK(chdir(".."));
    snprintf(expect, sizeof expect, "%s/a", apus_scratch_dir);
    CHECK(getcwd(buf, sizeof buf) && strcmp(buf, expect) == 0, "getcwd after chdir ..");
    CHECK_OK(chdir("./b/../b/."));
    CHECK_OK(access("file", F_OK));

    /* fchdir to a directory descriptor. */
    int top = open(apus_scratch_dir, O_RDONLY | O_DIRECTORY);
    CHECK_OK(fchdir(top));
    CHECK(getcwd(buf, sizeof buf) && strcmp(buf, apus_scratch_dir) == 0, "fchdir back");
    int ffd = open("a/b/file", O_RDONLY);
    CHECK_ERR(fchdir(ffd), ENOTDIR);
    close(ffd);
    CHECK_ERR(fchdir(9999), EBADF);

    /* ".." at the root is the root. */
    CHECK_OK(chdir("/"));
    CHECK(getcwd(buf, sizeof buf) && strcmp(buf, "/") == 0, "getcwd at /");
    CHECK_OK(chdir(".."));
    CHECK(getcwd(buf, sizeof buf) && strcmp(buf, "/") == 0, "/.. is /");
    CHECK_OK(chdir("../../.."));
    CHECK(getcwd(buf, sizeof buf) && strcmp(buf, "/") == 0, "../../.. from / is /");
    struct stat r, rr;
    CHECK_OK(stat("/", &r));
    CHECK_OK(stat("/../..", &rr));
    CHECK(r.st_ino == rr.st_ino && r.st_dev == rr.st_dev, "stat /../.. is /");
    CHECK_OK(fchdir(top));
    close(top);

    /* Errors. */
    CHECK_ERR(chdir("missing"), ENOENT);
    CHECK_ERR(chdir("a/b/file"), ENOTDIR);
    CHECK_ERR(chdir(""), ENOENT);
    /* The raw getcwd returns the length including the NUL, ERANGE when too small. */
    long len = syscall(SYS_getcwd, buf, sizeof buf);
    CHECK_EQ_LONG(len, strlen(apus_scratch_dir) + 1);
    CHECK_ERR(syscall(SYS_getcwd, buf, 2), ERANGE);
    CHECK_ERR(syscall(SYS_getcwd, buf, 0), ERANGE);
    CHECK_ERR(syscall(SYS_getcwd, (void *)8, sizeof buf), EFAULT);
    CHECK(getcwd(buf, 3) == NULL && errno == ERANGE, "libc getcwd too small");

    /* A removed working directory: getcwd reports it unreachable, relative
     * creation fails with ENOENT. */
    CHECK_OK(mkdir("gone", 0755));
    CHECK_OK(chdir("gone"));
    CHECK_OK(rmdir("../gone"));
    CHECK_ERR(syscall(SYS_getcwd, buf, sizeof buf), ENOENT);
    CHECK_ERR(open("new", O_WRONLY | O_CREAT, 0644), ENOENT);
    CHECK_OK(chdir(apus_scratch_dir));
    test_leave_scratch_dir();
    return test_finish("cwd");
}
