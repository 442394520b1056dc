/* Hardware faults become signals with precise siginfo: SIGSEGV with
 * SEGV_MAPERR/SEGV_ACCERR and si_addr, SIGBUS BUS_ADRERR past the end of a
 * file mapping, SIGFPE FPE_INTDIV, SIGILL at ud2; handlers recover with
 * siglongjmp; an unhandled fault kills with the signal. */
#include "apus_test.h"
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>

/* A function that is nothing but ud2, so its address is the faulting one. */
__asm__(".text\n.globl apus_ud2_site\n.type apus_ud2_site, @function\n"
        "apus_ud2_site:\n\tud2\n\tret\n");
extern void apus_ud2_site(void);

static sigjmp_buf env;
/* Bad addresses live in volatile variables so the compiler cannot see them. */
static volatile int *volatile low_address = (volatile int *)0x10;
static volatile int f_sig, f_code;
static volatile uintptr_t f_addr;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    f_sig = sig;
    f_code = si->si_code;
    f_addr = (uintptr_t)si->si_addr;
    siglongjmp(env, 1);
}

#define EXPECT_FAULT(stmt)                 \
    do {                                   \
        f_sig = 0;                         \
        if (sigsetjmp(env, 1) == 0) {      \
            stmt;                          \
        }                                  \
    } while (0)

int main(void)
{
    if (test_enter_scratch_dir("fault") != 0)
        return test_finish("fault");
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGFPE, &sa, NULL);
    sigaction(SIGILL, &sa, NULL);

    /* Read from an unmapped low address. */
    EXPECT_FAULT((void)*low_address);
    CHECK_EQ_LONG(f_sig, SIGSEGV);
    CHECK_EQ_LONG(f_code, SEGV_MAPERR);
    CHECK_EQ_LONG(f_addr, 0x10);

    /* Write to a read-only page. */
    char *p = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    EXPECT_FAULT(((volatile char *)p)[4100] = 1);
    CHECK_EQ_LONG(f_sig, SIGSEGV);
    CHECK_EQ_LONG(f_code, SEGV_ACCERR);
    CHECK_EQ_LONG(f_addr, (uintptr_t)p + 4100);
    /* The mask was restored by siglongjmp: the next fault is caught too. */
    CHECK_OK(mprotect(p, 8192, PROT_NONE));
    EXPECT_FAULT((void)((volatile char *)p)[7]);
    CHECK_EQ_LONG(f_code, SEGV_ACCERR);
    CHECK_EQ_LONG(f_addr, (uintptr_t)p + 7);
    /* Fix the protection and the access works. */
    CHECK_OK(mprotect(p, 8192, PROT_READ | PROT_WRITE));
    ((volatile char *)p)[4100] = 1;
    CHECK(p[4100] == 1, "write after mprotect");
    /* An unmapped hole inside our own mappings. */
    CHECK_OK(munmap(p + 4096, 4096));
    EXPECT_FAULT((void)((volatile char *)p)[4096 + 5]);
    CHECK_EQ_LONG(f_code, SEGV_MAPERR);
    CHECK_EQ_LONG(f_addr, (uintptr_t)p + 4096 + 5);
    /* A kernel / non-canonical address. Non-canonical accesses raise #GP,
     * which Linux reports with si_addr 0. */
    EXPECT_FAULT((void)*(volatile char *)0xffff800000000000ULL);
    CHECK_EQ_LONG(f_sig, SIGSEGV);
    EXPECT_FAULT((void)*(volatile char *)0x0000800000000000ULL);
    CHECK_EQ_LONG(f_sig, SIGSEGV);
    CHECK_EQ_LONG(f_code, SI_KERNEL);
    CHECK_EQ_LONG(f_addr, 0);

    /* SIGBUS: touching a page of a file mapping wholly beyond EOF. */
    int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK_EQ_LONG(write(fd, "x", 1), 1);
    char *fm = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0);
    CHECK(fm != MAP_FAILED, "file mapping");
    if (fm != MAP_FAILED) {
        CHECK(fm[0] == 'x', "first page readable");
        EXPECT_FAULT((void)((volatile char *)fm)[4096 + 1]);
        CHECK_EQ_LONG(f_sig, SIGBUS);
        CHECK_EQ_LONG(f_code, BUS_ADRERR);
        CHECK_EQ_LONG(f_addr, (uintptr_t)fm + 4097);
        munmap(fm, 8192);
    }
    close(fd);

    /* SIGFPE: integer division by zero. */
    volatile int zero = 0, num = 7;
    EXPECT_FAULT(num = num / zero);
    CHECK_EQ_LONG(f_sig, SIGFPE);
    CHECK_EQ_LONG(f_code, FPE_INTDIV);

    /* SIGILL: ud2, with si_addr at the instruction. */
    EXPECT_FAULT(apus_ud2_site());
    CHECK_EQ_LONG(f_sig, SIGILL);
    CHECK_EQ_LONG(f_code, ILL_ILLOPN);
    CHECK_EQ_LONG(f_addr, (uintptr_t)apus_ud2_site);

    /* No handler: the fault kills the process with the signal. */
    pid_t pid = test_fork();
    if (pid == 0) {
        signal(SIGSEGV, SIG_DFL);
        *low_address = 1;
        _exit(0);
    }
    CHECK_EQ_LONG(child_exit_status(pid), 1000 + SIGSEGV);
    /* A fault while SIGSEGV is blocked also kills (it cannot be deferred). */
    pid = test_fork();
    if (pid == 0) {
        sigset_t b;
        sigemptyset(&b);
        sigaddset(&b, SIGSEGV);
        sigprocmask(SIG_BLOCK, &b, NULL);
        *low_address = 1;
        _exit(0);
    }
    CHECK_EQ_LONG(child_exit_status(pid), 1000 + SIGSEGV);
    test_leave_scratch_dir();
    return test_finish("fault");
}
