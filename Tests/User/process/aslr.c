/* Address-space randomization as Linux does it (randomize_va_space = 2): two executions of the
 * same program get different stack, mmap, vDSO and break addresses; after
 * personality(ADDR_NO_RANDOMIZE) (`setarch -R`, what gdb does) two executions get the same
 * ones. personality(0xffffffff) reads the persona, which survives fork and execve. */
#include "apus_test.h"
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/wait.h>

struct layout { unsigned long stack, mmap, vdso, brk, persona; };

/* The executed program: reports its layout on the descriptor named by argv[2]. */
static int report(int fd)
{
    int local = 0;
    struct layout l;
    l.stack = (unsigned long)&local;
    void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    l.mmap = (unsigned long)p;
    l.vdso = getauxval(AT_SYSINFO_EHDR);
    l.brk = (unsigned long)syscall(SYS_brk, 0);
    l.persona = (unsigned long)personality(0xffffffff);
    return write(fd, &l, sizeof l) == (ssize_t)sizeof l ? 0 : 1;
}

/* Executes this program in a child (with `persona` set first) and reads its layout. */
static int run(const char *self, unsigned long persona, struct layout *l)
{
    int fds[2];
    if (pipe(fds) != 0) return -1;
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        if (personality(persona) == -1) _exit(2);
        char fd_text[16];
        snprintf(fd_text, sizeof fd_text, "%d", fds[1]);
        char *arguments[] = { (char *)self, "report", fd_text, NULL }, *environment[] = { NULL };
        execve(self, arguments, environment);
        _exit(127);
    }
    close(fds[1]);
    ssize_t got = read(fds[0], l, sizeof *l);
    close(fds[0]);
    int status = child_exit_status(pid);
    return got == (ssize_t)sizeof *l && status == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "report") == 0) return report(atoi(argv[2]));
    char path[4096];
    CHECK_OK(apus_self_path(argv[0], path, sizeof path));

    /* personality: a query returns the persona, a set returns the previous one. */
    int original = personality(0xffffffff);
    CHECK(original != -1, "personality query");
    CHECK_EQ_LONG(personality(original | ADDR_NO_RANDOMIZE), original);
    CHECK_EQ_LONG(personality(0xffffffff), original | ADDR_NO_RANDOMIZE);
    CHECK_EQ_LONG(personality(original), original | ADDR_NO_RANDOMIZE);

    struct layout a, b;
    CHECK_OK(run(path, PER_LINUX, &a));
    CHECK_OK(run(path, PER_LINUX, &b));
    CHECK(a.stack != b.stack, "stack randomized");
    CHECK(a.mmap != b.mmap, "mmap base randomized");
    CHECK(a.vdso != b.vdso, "vDSO randomized");
    CHECK(a.brk != b.brk, "break randomized");
    CHECK_EQ_LONG(a.persona, PER_LINUX);

    CHECK_OK(run(path, PER_LINUX | ADDR_NO_RANDOMIZE, &a));
    CHECK_OK(run(path, PER_LINUX | ADDR_NO_RANDOMIZE, &b));
    CHECK_EQ_LONG(a.stack, b.stack);
    CHECK_EQ_LONG(a.mmap, b.mmap);
    CHECK_EQ_LONG(a.vdso, b.vdso);
    CHECK_EQ_LONG(a.brk, b.brk);
    CHECK_EQ_LONG(a.persona, PER_LINUX | ADDR_NO_RANDOMIZE);
    return test_finish("aslr");
}
