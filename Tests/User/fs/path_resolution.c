/* path_resolution(7): ENAMETOOLONG for long components and long paths,
 * ENOENT for a missing component, ENOTDIR for a file used as directory,
 * trailing slashes, repeated slashes, "." and "..". */
#include "apus_test.h"
#include <limits.h>

int main(void)
{
    if (test_enter_scratch_dir("path_resolution") != 0)
        return test_finish("path_resolution");
    struct stat st;
    CHECK_OK(mkdir("d", 0755));
    CHECK_OK(apus_write_file("d/f", "x", 1));

    /* Slashes and dots. */
    CHECK_OK(stat("d//f", &st));
    CHECK_OK(stat("./d/./f", &st));
    CHECK_OK(stat("d/../d/f", &st));
    CHECK_OK(stat("d/", &st));
    CHECK_OK(stat("d/.", &st));
    CHECK_ERR(stat("d/f/", &st), ENOTDIR);      /* trailing slash on a file */
    CHECK_ERR(stat("d/f/.", &st), ENOTDIR);
    CHECK_ERR(stat("d/f/..", &st), ENOTDIR);    /* no lexical shortcut for .. */
    CHECK_ERR(stat("d/missing/..", &st), ENOENT);
    CHECK_ERR(stat("d/f/x", &st), ENOTDIR);
    CHECK_ERR(stat("nope/f", &st), ENOENT);
    CHECK_ERR(stat("d/nope", &st), ENOENT);

    /* A component of 255 bytes is fine (ENOENT), 256 is ENAMETOOLONG. */
    char name[300];
    memset(name, 'n', 255);
    name[255] = '\0';
    CHECK_ERR(stat(name, &st), ENOENT);
    int fd = open(name, O_WRONLY | O_CREAT, 0644);
    CHECK(fd >= 0, "create a file with a 255-byte name");
    close(fd);
    CHECK_OK(stat(name, &st));
    CHECK_OK(unlink(name));
    memset(name, 'n', 256);
    name[256] = '\0';
    CHECK_ERR(stat(name, &st), ENAMETOOLONG);
    CHECK_ERR(open(name, O_WRONLY | O_CREAT, 0644), ENAMETOOLONG);
    CHECK_ERR(mkdir(name, 0755), ENAMETOOLONG);

    /* A path of 4096 bytes including the NUL is too long; 4095 is not. */
    static char path[8192];
    size_t len = 0;
    while (len + 2 < 4095) {
        path[len++] = '.';
        path[len++] = '/';
    }
    while (len < 4094)
        path[len++] = '/';
    path[len++] = 'd';          /* 4095 characters */
    path[len] = '\0';
    CHECK_EQ_LONG(strlen(path), 4095);
    CHECK_OK(stat(path, &st));
    path[len++] = '/';          /* 4096 characters */
    path[len] = '\0';
    CHECK_ERR(stat(path, &st), ENAMETOOLONG);
    memset(path, '/', 8000);
    path[8000] = '\0';
    CHECK_ERR(stat(path, &st), ENAMETOOLONG);
    CHECK_ERR(chdir(path), ENAMETOOLONG);

    /* A deep tree whose absolute name exceeds PATH_MAX can still be walked relatively. */
    char comp[200];
    memset(comp, 'c', 199);
    comp[199] = '\0';
    int depth_ok = 1;
    for (int i = 0; i < 25 && depth_ok; i++) {
        if (mkdir(comp, 0755) != 0 || chdir(comp) != 0)
            depth_ok = 0;
    }
    CHECK(depth_ok, "25 nested 199-byte directories (5000 bytes deep)");
    /* The kernel's getcwd cannot name a directory deeper than PATH_MAX. */
    static char cwd[8192];
    CHECK_ERR(syscall(SYS_getcwd, cwd, sizeof cwd), ENAMETOOLONG);
    CHECK_OK(apus_write_file("deepfile", "y", 1));
    CHECK_OK(chdir(apus_scratch_dir));
    test_leave_scratch_dir();
    return test_finish("path_resolution");
}
