/* execve(2) of set-user-ID and set-group-ID programs (execve(2), credentials(7)): S_ISUID makes
 * the file's owner the effective and saved uid, S_ISGID with group execute its group the
 * effective and saved gid (S_ISGID without group execute changes nothing); every exec copies the
 * effective ids into the saved ones; AT_SECURE is 1 when the program runs with ids its caller did
 * not have. A nosuid mount and PR_SET_NO_NEW_PRIVS make exec ignore the bits. Each case runs in
 * a forked child that drops to uid/gid 1000 and execs a copy of this program (on a tmpfs mounted
 * here, so the host's /tmp flags do not matter), which reports its ids through fd 3. */
#include "apus_test.h"
#include <grp.h>
#include <sys/auxv.h>
#include <sys/mount.h>
#include <sys/prctl.h>

struct ids {
    unsigned ruid, euid, suid, rgid, egid, sgid;
    unsigned long secure;
};

static int report(void)
{
    uid_t r, e, s;
    gid_t rg, eg, sg;
    if (getresuid(&r, &e, &s) != 0 || getresgid(&rg, &eg, &sg) != 0)
        return 2;
    char line[128];
    int n = snprintf(line, sizeof line, "%u %u %u %u %u %u %lu\n", (unsigned)r, (unsigned)e, (unsigned)s,
                     (unsigned)rg, (unsigned)eg, (unsigned)sg, getauxval(AT_SECURE));
    return write(3, line, (size_t)n) == n ? 0 : 3;
}

static int copy_file(const char *from, const char *to)
{
    int in = open(from, O_RDONLY);
    if (in < 0)
        return -1;
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0700);
    if (out < 0) {
        close(in);
        return -1;
    }
    char buf[65536];
    ssize_t n;
    int result = 0;
    while ((n = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)n) != n)
            result = -1;
    if (n < 0)
        result = -1;
    close(in);
    close(out);
    return result;
}

enum drop { DROP_ALL, DROP_KEEP_SAVED, NO_NEW_PRIVS };

/* Runs `program` in a child that first drops privileges as `how` says; returns its report. */
static int run_as_user(const char *program, enum drop how, struct ids *got, int line)
{
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    pid_t pid = test_fork();
    if (pid == 0) {
        close(fds[0]);
        if (dup2(fds[1], 3) != 3)
            _exit(20);
        if (setgroups(0, NULL) != 0 || setresgid(1000, 1000, 1000) != 0)
            _exit(21);
        if (how == DROP_KEEP_SAVED) {
            if (setresuid(1000, 1001, 1002) != 0)
                _exit(22);
        } else if (setresuid(1000, 1000, 1000) != 0) {
            _exit(22);
        }
        if (how == NO_NEW_PRIVS && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
            _exit(23);
        char *argv[] = {(char *)program, "--report", NULL};
        execv(program, argv);
        _exit(24);
    }
    close(fds[1]);
    char text[128] = {0};
    ssize_t n = read(fds[0], text, sizeof text - 1);
    close(fds[0]);
    int status = child_exit_status(pid);
    if (status != 0 || n <= 0 ||
        sscanf(text, "%u %u %u %u %u %u %lu", &got->ruid, &got->euid, &got->suid, &got->rgid, &got->egid,
               &got->sgid, &got->secure) != 7) {
        apus_fail(__FILE__, line, 0, "child status %d, report \"%s\"", status, text);
        return -1;
    }
    return 0;
}

static void expect(const char *program, enum drop how, struct ids want, int line)
{
    struct ids got;
    if (run_as_user(program, how, &got, line) != 0)
        return;
    if (got.ruid != want.ruid || got.euid != want.euid || got.suid != want.suid || got.rgid != want.rgid ||
        got.egid != want.egid || got.sgid != want.sgid || got.secure != want.secure)
        apus_fail(__FILE__, line, 0, "%s: ids %u %u %u / %u %u %u secure %lu, expected %u %u %u / %u %u %u secure %lu",
                  program, got.ruid, got.euid, got.suid, got.rgid, got.egid, got.sgid, got.secure, want.ruid,
                  want.euid, want.suid, want.rgid, want.egid, want.sgid, want.secure);
}
#define EXPECT(program, how, ...) expect((program), (how), (struct ids){__VA_ARGS__}, __LINE__)

static void install(const char *self, const char *path, mode_t mode)
{
    CHECK_OK(copy_file(self, path));
    CHECK_OK(chown(path, 2000, 3000));
    CHECK_OK(chmod(path, mode));          /* after chown, which clears the bits */
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "--report"))
        return report();
    if (geteuid() != 0) {
        printf("SKIP cred/setuid_exec: needs root\n");
        return 0;
    }
    char self[4096];
    CHECK_OK(apus_self_path(argv[0], self, sizeof self));
    if (test_enter_scratch_dir("setuid_exec") != 0)
        return test_finish("setuid_exec");
    CHECK_OK(chmod(".", 0755));
    CHECK_OK(mkdir("m", 0755));
    CHECK_OK(mkdir("nosuid", 0755));
    CHECK_OK(mount("apus-suid", "m", "tmpfs", 0, "mode=755"));
    CHECK_OK(mount("apus-nosuid", "nosuid", "tmpfs", MS_NOSUID, "mode=755"));

    install(self, "m/both", 06755);
    install(self, "m/uid", 04755);
    install(self, "m/gid", 02755);
    install(self, "m/gid-nox", 02745);   /* S_ISGID without group execute: mandatory locking */
    install(self, "m/plain", 0755);
    install(self, "nosuid/both", 06755);

    EXPECT("m/both", DROP_ALL, 1000, 2000, 2000, 1000, 3000, 3000, 1);
    EXPECT("m/uid", DROP_ALL, 1000, 2000, 2000, 1000, 1000, 1000, 1);
    EXPECT("m/gid", DROP_ALL, 1000, 1000, 1000, 1000, 3000, 3000, 1);
    EXPECT("m/gid-nox", DROP_ALL, 1000, 1000, 1000, 1000, 1000, 1000, 0);
    EXPECT("m/plain", DROP_ALL, 1000, 1000, 1000, 1000, 1000, 1000, 0);
    /* Every exec copies the effective uid into the saved one; euid != ruid is AT_SECURE. */
    EXPECT("m/plain", DROP_KEEP_SAVED, 1000, 1001, 1001, 1000, 1000, 1000, 1);
    EXPECT("m/uid", DROP_KEEP_SAVED, 1000, 2000, 2000, 1000, 1000, 1000, 1);
    /* Bits ignored: a nosuid mount, no_new_privs. */
    EXPECT("nosuid/both", DROP_ALL, 1000, 1000, 1000, 1000, 1000, 1000, 0);
    EXPECT("m/both", NO_NEW_PRIVS, 1000, 1000, 1000, 1000, 1000, 1000, 0);

    /* no_new_privs: set once, read back, inherited by fork, never cleared; arguments checked. */
    pid_t pid = test_fork();
    if (pid == 0) {
        CHECK_EQ_LONG(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 0);
        CHECK_ERR(prctl(PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0), EINVAL);
        CHECK_ERR(prctl(PR_SET_NO_NEW_PRIVS, 1, 1, 0, 0), EINVAL);
        CHECK_ERR(prctl(PR_GET_NO_NEW_PRIVS, 1, 0, 0, 0), EINVAL);
        CHECK_OK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
        CHECK_EQ_LONG(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 1);
        pid_t grandchild = test_fork();
        if (grandchild == 0) {
            CHECK_EQ_LONG(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 1);
            test_child_exit();
        }
        CHECK_EQ_LONG(child_exit_status(grandchild), 0);
        test_child_exit();
    }
    CHECK_EQ_LONG(child_exit_status(pid), 0);

    CHECK_OK(umount("m"));
    CHECK_OK(umount("nosuid"));
    test_leave_scratch_dir();
    return test_finish("setuid_exec");
}
