/* arch_prctl(2) and prctl(2) process-name state: the FS base the libc set
 * up for thread-local storage reads back, unknown codes are EINVAL, and
 * PR_SET_NAME/PR_GET_NAME round-trip (truncated to 15 bytes). */
#include "apus_test.h"
#include <sys/prctl.h>

#define APUS_ARCH_SET_GS 0x1001
#define APUS_ARCH_SET_FS 0x1002
#define APUS_ARCH_GET_FS 0x1003
#define APUS_ARCH_GET_GS 0x1004

static __thread int tls_variable = 42;

int main(void)
{
    /* Both libcs keep the thread pointer at %fs:0 (the TCB points to itself). */
    unsigned long fs_base = 0, self = 0;
    CHECK_OK(syscall(SYS_arch_prctl, APUS_ARCH_GET_FS, &fs_base));
    __asm__ volatile("mov %%fs:0, %0" : "=r"(self));
    CHECK(fs_base != 0, "FS base set by the libc");
    CHECK_EQ_LONG(fs_base, self);
    /* A thread-local variable lives just below the thread pointer. */
    unsigned long tls_addr = (unsigned long)&tls_variable;
    CHECK(tls_addr < fs_base && fs_base - tls_addr < 65536, "TLS variable below the FS base");
    CHECK_EQ_LONG(tls_variable, 42);

    /* Setting FS to its current value changes nothing. */
    CHECK_OK(syscall(SYS_arch_prctl, APUS_ARCH_SET_FS, fs_base));
    CHECK_EQ_LONG(tls_variable, 42);

    /* GS is free for the program: set it and read it back, through the kernel. */
    unsigned long gs = 0;
    static char gs_area[64];
    CHECK_OK(syscall(SYS_arch_prctl, APUS_ARCH_SET_GS, (unsigned long)gs_area));
    CHECK_OK(syscall(SYS_arch_prctl, APUS_ARCH_GET_GS, &gs));
    CHECK_EQ_LONG(gs, (unsigned long)gs_area);
    CHECK_OK(syscall(SYS_arch_prctl, APUS_ARCH_SET_GS, 0));

    CHECK_ERR(syscall(SYS_arch_prctl, 0x9999, 0), EINVAL);
    CHECK_ERR(syscall(SYS_arch_prctl, APUS_ARCH_GET_FS, (void *)8), EFAULT);
    /* A non-canonical base is refused. */
    CHECK_ERR(syscall(SYS_arch_prctl, APUS_ARCH_SET_GS, 0x8000000000000000UL), EPERM);

    /* prctl process name. */
    char name[32] = {0};
    CHECK_OK(prctl(PR_SET_NAME, (unsigned long)"apus-test", 0, 0, 0));
    CHECK_OK(prctl(PR_GET_NAME, (unsigned long)name, 0, 0, 0));
    CHECK(strcmp(name, "apus-test") == 0, "PR_GET_NAME returns the name");
    CHECK_OK(prctl(PR_SET_NAME, (unsigned long)"0123456789abcdefghij", 0, 0, 0));
    memset(name, 'x', sizeof name);
    CHECK_OK(prctl(PR_GET_NAME, (unsigned long)name, 0, 0, 0));
    CHECK(strcmp(name, "0123456789abcde") == 0, "name truncated to 15 bytes");
    CHECK_ERR(prctl(0x7fffffff, 0, 0, 0, 0), EINVAL);
    CHECK_ERR(prctl(PR_GET_NAME, 8UL, 0, 0, 0), EFAULT);
    return test_finish("arch_prctl");
}
