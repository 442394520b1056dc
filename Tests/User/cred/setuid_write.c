/* Changing a set-user-ID or set-group-ID file clears the bits (Linux's file_remove_privs and
 * chown's rule): a write, truncate(2), ftruncate(2) or open(O_TRUNC) by a caller without
 * CAP_FSETID (not root) clears S_ISUID, and S_ISGID when group execute is set; S_ISGID without
 * group execute (mandatory locking) stays; root's writes keep both; chown clears them whoever
 * calls it, chmod sets them. Unprivileged steps run in forked children as uid/gid 1000. */
#include "apus_test.h"
#include <grp.h>
#include <sys/uio.h>

static mode_t mode_of(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return (mode_t)-1;
    return st.st_mode & 07777;
}

static void make(const char *path, mode_t mode)
{
    CHECK_OK(apus_write_file(path, "data", 4));
    CHECK_OK(chown(path, 1000, 1000));
    CHECK_OK(chmod(path, mode));
    CHECK_EQ_LONG(mode_of(path), mode);
}

static void become_user(void)
{
    if (setgroups(0, NULL) != 0 || setresgid(1000, 1000, 1000) != 0 || setresuid(1000, 1000, 1000) != 0)
        _exit(20);
}

int main(void)
{
    if (geteuid() != 0) {
        printf("SKIP cred/setuid_write: needs root\n");
        return 0;
    }
    if (test_enter_scratch_dir("setuid_write") != 0)
        return test_finish("setuid_write");
    CHECK_OK(chmod(".", 0777));
    make("written", 06755);
    make("sgid-nox", 02664);
    make("truncated", 04755);
    make("ftruncated", 06775);
    make("otrunc", 04766);
    make("root-written", 06755);
    make("appended", 04777);
    make("chown-noop", 06755);

    pid_t pid = test_fork();
    if (pid == 0) {
        become_user();
        int fd = open("written", O_WRONLY);
        CHECK(fd >= 0, "open own set-ID file for writing");
        CHECK_EQ_LONG(write(fd, "x", 1), 1);
        CHECK_EQ_LONG(mode_of("written"), 0755);         /* both bits: group execute is set */
        close(fd);
        fd = open("sgid-nox", O_WRONLY);
        CHECK_EQ_LONG(pwrite(fd, "x", 1, 2), 1);
        CHECK_EQ_LONG(mode_of("sgid-nox"), 02664);       /* no group execute: S_ISGID stays */
        close(fd);
        CHECK_OK(truncate("truncated", 1));
        CHECK_EQ_LONG(mode_of("truncated"), 0755);
        fd = open("ftruncated", O_RDWR);
        CHECK_OK(ftruncate(fd, 10));
        CHECK_EQ_LONG(mode_of("ftruncated"), 0775);
        close(fd);
        fd = open("otrunc", O_WRONLY | O_TRUNC);
        CHECK(fd >= 0, "open O_TRUNC");
        CHECK_EQ_LONG(mode_of("otrunc"), 0766);
        close(fd);
        fd = open("appended", O_WRONLY | O_APPEND);
        struct iovec vectors[2] = {{"a", 1}, {"b", 1}};
        CHECK_EQ_LONG(writev(fd, vectors, 2), 2);
        CHECK_EQ_LONG(mode_of("appended"), 0777);
        close(fd);
        test_child_exit();
    }
    CHECK_EQ_LONG(child_exit_status(pid), 0);

    /* Root (CAP_FSETID) keeps the bits when writing. */
    int fd = open("root-written", O_WRONLY | O_TRUNC);
    CHECK(fd >= 0, "root opens O_TRUNC");
    CHECK_EQ_LONG(write(fd, "root", 4), 4);
    close(fd);
    CHECK_OK(truncate("root-written", 1));
    CHECK_EQ_LONG(mode_of("root-written"), 06755);

    /* chown clears them even for root; S_ISGID without group execute stays. */
    CHECK_OK(chown("root-written", 1000, 1000));
    CHECK_EQ_LONG(mode_of("root-written"), 0755);
    CHECK_OK(chown("chown-noop", -1, -1));          /* changing nothing still clears them */
    CHECK_EQ_LONG(mode_of("chown-noop"), 0755);
    CHECK_OK(chmod("sgid-nox", 06744));
    CHECK_OK(chown("sgid-nox", 2000, -1));
    CHECK_EQ_LONG(mode_of("sgid-nox"), 02744);
    /* chmod sets them again. */
    CHECK_OK(chmod("root-written", 06755));
    CHECK_EQ_LONG(mode_of("root-written"), 06755);

    test_leave_scratch_dir();
    return test_finish("setuid_write");
}
