/* proc(5), /proc/PID/fd/N: readlink shows the canonical absolute path of the
 * file that was opened, as Linux's d_path prints it, whatever path open(2)
 * was given: no "." or ".." or "//", symbolic links resolved, relative paths
 * made absolute from the directory they were relative to. A file unlinked
 * while open shows "<path> (deleted)"; one renamed shows its new name. The
 * same holds for the path /proc/self/maps shows for a mapped file. */
#include "apus_test.h"
#include <stdlib.h>
#include <sys/mman.h>

static char base[1024];

/* Checks that descriptor fd's link reads base + "/" + relative (+ suffix). */
#define CHECK_FD_PATH(fd, relative, suffix)                                      \
    do {                                                                        \
        char link_[64], shown_[2048], expected_[2048];                          \
        snprintf(link_, sizeof link_, "/proc/self/fd/%d", (fd));               \
        ssize_t n_ = readlink(link_, shown_, sizeof shown_ - 1);               \
        CHECK(n_ > 0, "readlink /proc/self/fd/N");                              \
        shown_[n_ > 0 ? n_ : 0] = '\0';                                         \
        snprintf(expected_, sizeof expected_, "%s/%s%s", base, (relative), (suffix)); \
        CHECK_EQ_STR(shown_, expected_);                                        \
    } while (0)

int main(void)
{
    if (test_enter_scratch_dir("fdpaths") != 0)
        return test_finish("fd_paths");
    /* the scratch directory's own canonical path (/tmp itself could be a link) */
    CHECK(getcwd(base, sizeof base) != NULL, "getcwd");

    CHECK_OK(apus_write_file("name", "x", 1));
    CHECK_OK(mkdir("sub", 0755));
    CHECK_OK(mkdir("dir", 0755));
    CHECK_OK(apus_write_file("dir/name", "y", 1));
    CHECK_OK(symlink("name", "link"));
    CHECK_OK(symlink("dir", "dirlink"));
    CHECK_OK(symlink("../dir/name", "sub/uplink"));

    int dot = open("./name", O_RDONLY);
    CHECK(dot >= 0, "open ./name");
    CHECK_FD_PATH(dot, "name", "");

    int dotdot = open("sub/../name", O_RDONLY);
    CHECK(dotdot >= 0, "open sub/../name");
    CHECK_FD_PATH(dotdot, "name", "");

    int doubled = open("dir//name", O_RDONLY);
    CHECK(doubled >= 0, "open dir//name");
    CHECK_FD_PATH(doubled, "dir/name", "");

    int through_link = open("link", O_RDONLY);
    CHECK(through_link >= 0, "open a symbolic link to a file");
    CHECK_FD_PATH(through_link, "name", "");

    int through_dirlink = open("dirlink/./name", O_RDONLY);
    CHECK(through_dirlink >= 0, "open through a symbolic link to a directory");
    CHECK_FD_PATH(through_dirlink, "dir/name", "");

    int relative_link = open("sub/uplink", O_RDONLY);
    CHECK(relative_link >= 0, "open a relative symbolic link with ..");
    CHECK_FD_PATH(relative_link, "dir/name", "");

    /* absolute but untidy */
    char untidy[2048];
    snprintf(untidy, sizeof untidy, "%s/sub/..//./dir/../name", base);
    int absolute = open(untidy, O_RDONLY);
    CHECK(absolute >= 0, "open an untidy absolute path");
    CHECK_FD_PATH(absolute, "name", "");

    /* relative to a new working directory, and relative to a directory descriptor */
    CHECK_OK(chdir("sub"));
    int after_chdir = open("../dir/name", O_RDONLY);
    CHECK(after_chdir >= 0, "open ../dir/name after chdir");
    CHECK_FD_PATH(after_chdir, "dir/name", "");
    int directory = open("../dir/", O_RDONLY | O_DIRECTORY);
    CHECK(directory >= 0, "open ../dir/");
    CHECK_FD_PATH(directory, "dir", "");
    int at = openat(directory, "./name", O_RDONLY);
    CHECK(at >= 0, "openat ./name");
    CHECK_FD_PATH(at, "dir/name", "");
    CHECK_OK(chdir(base));

    /* O_PATH|O_NOFOLLOW on a link names the link itself */
    int link_itself = open("link", O_PATH | O_NOFOLLOW);
    CHECK(link_itself >= 0, "open a link O_PATH|O_NOFOLLOW");
    CHECK_FD_PATH(link_itself, "link", "");

    /* renamed while open: the new name */
    CHECK_OK(apus_write_file("before", "z", 1));
    int renamed = open("./before", O_RDONLY);
    CHECK(renamed >= 0, "open ./before");
    CHECK_OK(rename("before", "after"));
    CHECK_FD_PATH(renamed, "after", "");

    /* unlinked while open: " (deleted)" */
    CHECK_OK(apus_write_file("gone", "g", 1));
    int gone = open("sub/../gone", O_RDWR);
    CHECK(gone >= 0, "open sub/../gone");
    CHECK_OK(unlink("gone"));
    CHECK_FD_PATH(gone, "gone", " (deleted)");
    /* a new file of the same name is not the one that was opened */
    CHECK_OK(apus_write_file("gone", "new", 3));
    CHECK_FD_PATH(gone, "gone", " (deleted)");

    /* a file and then its directory removed while the file is open, and a
     * directory removed while open */
    CHECK_OK(mkdir("doomed", 0755));
    CHECK_OK(apus_write_file("doomed/file", "d", 1));
    int orphan = open("doomed/./file", O_RDONLY);
    CHECK(orphan >= 0, "open doomed/./file");
    int doomed = open("doomed", O_RDONLY | O_DIRECTORY);
    CHECK(doomed >= 0, "open doomed");
    CHECK_OK(unlink("doomed/file"));
    CHECK_OK(rmdir("doomed"));
    CHECK_FD_PATH(orphan, "doomed/file", " (deleted)");
    CHECK_FD_PATH(doomed, "doomed", " (deleted)");
    close(doomed);
    close(orphan);

    /* /proc/self/maps names a file mapped through an untidy path canonically */
    int mapped_fd = open("dirlink//../name", O_RDONLY);
    CHECK(mapped_fd >= 0, "open dirlink//../name");
    CHECK_FD_PATH(mapped_fd, "name", "");
    void *mapped = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, mapped_fd, 0);
    CHECK(mapped != MAP_FAILED, "mmap the file");
    static char maps[65536];
    CHECK(apus_read_file("/proc/self/maps", maps, sizeof maps) > 0, "read /proc/self/maps");
    char wanted[2048];
    snprintf(wanted, sizeof wanted, " %s/name\n", base);
    CHECK(strstr(maps, wanted) != NULL, "maps shows the canonical path of the mapped file");
    snprintf(wanted, sizeof wanted, "%s/dirlink", base);
    CHECK(strstr(maps, wanted) == NULL, "maps does not show the path as given");
    if (mapped != MAP_FAILED)
        munmap(mapped, 4096);

    close(mapped_fd);
    close(gone);
    close(renamed);
    close(link_itself);
    close(at);
    close(directory);
    close(after_chdir);
    close(absolute);
    close(relative_link);
    close(through_dirlink);
    close(through_link);
    close(doubled);
    close(dotdot);
    close(dot);
    test_leave_scratch_dir();
    return test_finish("fd_paths");
}
