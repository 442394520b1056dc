/* clone(2) CLONE_CHILD_SETTID stores the child's thread ID at ctid "in the
 * child's memory" as the child's own store would: where the child may not
 * write (a PROT_READ mapping, private or shared, of a file opened read-only)
 * nothing is stored and the child still runs. Before, the kernel wrote the
 * four bytes straight into the page: through a shared read-only mapping into
 * the file itself, so any user could change a file it could only read.
 * Checked as root on a file of its own mode 0444, then as uid 65534 on a
 * root-owned 0644 file. */
#include "apus_test.h"
#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define PAGE 4096

/* A fork through the raw clone call with CLONE_CHILD_SETTID at `ctid`; the
 * child exits with 0 at once. Returns the child's exit status, or -1. */
static int clone_settid_child(void *ctid)
{
    long pid = syscall(SYS_clone, (long)(CLONE_CHILD_SETTID | SIGCHLD), 0L, 0L, (long)ctid, 0L);
    if (pid == 0)
        _exit(0);
    if (pid < 0)
        return -1;
    int status;
    if (waitpid((pid_t)pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1000 + WTERMSIG(status);
}

/* The file's first bytes still read 'R'. */
static int file_unchanged(const char *path)
{
    char bytes[8];
    int fd = open(path, O_RDONLY);
    long n = fd < 0 ? -1 : pread(fd, bytes, sizeof bytes, 0);
    if (fd >= 0)
        close(fd);
    for (long i = 0; i < n; i++)
        if (bytes[i] != 'R')
            return 0;
    return n == (long)sizeof bytes;
}

static void check_mapping(const char *path, int flags)
{
    int fd = open(path, O_RDONLY);
    CHECK(fd >= 0, "open the file read-only");
    if (fd < 0)
        return;
    volatile char *map = mmap(NULL, PAGE, PROT_READ, flags, fd, 0);
    close(fd);
    CHECK(map != MAP_FAILED, "mmap PROT_READ");
    if (map == MAP_FAILED)
        return;
    CHECK_EQ_LONG(map[0], 'R');               /* the page is present before the clone */
    CHECK_EQ_LONG(clone_settid_child((void *)map), 0);
    CHECK_EQ_LONG(map[0], 'R');               /* the parent's view */
    CHECK(file_unchanged(path), "the file keeps its bytes");
    munmap((void *)map, PAGE);
}

static void check_file(const char *path)
{
    check_mapping(path, MAP_SHARED);
    check_mapping(path, MAP_PRIVATE);
}

int main(void)
{
    if (test_enter_scratch_dir("child_settid_readonly") != 0)
        return apus_finish(__FILE__, "child_settid_readonly");
    static char data[PAGE];
    memset(data, 'R', sizeof data);

    CHECK_OK(apus_write_file("own", data, sizeof data));
    CHECK_OK(chmod("own", 0444));
    check_file("own");

    /* A file root owns that nobody may only read. */
    CHECK_OK(apus_write_file("roots", data, sizeof data));
    CHECK_OK(chmod("roots", 0644));
    CHECK_OK(chmod(".", 0755));
    pid_t child = test_fork();
    if (child == 0) {
        CHECK_OK(setgid(65534));
        CHECK_OK(setuid(65534));
        check_file("roots");
        test_child_exit();
    }
    CHECK_EQ_LONG(child_exit_status(child), 0);
    CHECK(file_unchanged("roots"), "root's file keeps its bytes");

    test_leave_scratch_dir();
    return apus_finish(__FILE__, "child_settid_readonly");
}
