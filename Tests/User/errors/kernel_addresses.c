/* Pointers at or above the user address ceiling, non-canonical pointers
 * and ranges that wrap around are EFAULT in every direction; memory calls
 * refuse to map or change such ranges. Whatever the kernel keeps there
 * (Linux: its upper half; Apus: the top of the lower half) stays invisible. */
#include "apus_test.h"
#include <sys/mman.h>

static const uintptr_t bad_addresses[] = {
    0x00007ffffffff000ULL, /* last page below 2^47: never user memory on Linux */
    0x00007ffffffffff8ULL, /* 8 bytes below 2^47: a 16-byte access crosses it */
    0x0000800000000000ULL, /* first non-canonical address */
    0x0000800000001000ULL,
    0x7fffffffffff0000ULL,
    0xffff800000000000ULL, /* first canonical upper-half address */
    0xffff888000000000ULL, /* Linux direct map */
    0xffffffff80000000ULL, /* Linux kernel text */
    0xffffffffff600000ULL, /* the legacy vsyscall page */
    0xfffffffffffffff0ULL, /* a 16-byte access wraps around zero */
};

int main(void)
{
    if (test_enter_scratch_dir("kernel_addresses") != 0)
        return test_finish("kernel_addresses");
    int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
    static char data[64];
    memset(data, 'k', sizeof data);
    CHECK_EQ_LONG(write(fd, data, sizeof data), sizeof data);

    for (size_t i = 0; i < sizeof bad_addresses / sizeof bad_addresses[0]; i++) {
        void *p = (void *)bad_addresses[i];
        CHECK_ERR(syscall(SYS_pwrite64, fd, p, 16, 0), EFAULT);     /* kernel reads */
        CHECK_ERR(syscall(SYS_pread64, fd, p, 16, 0), EFAULT);      /* kernel writes */
        CHECK_ERR(syscall(SYS_uname, p), EFAULT);
        CHECK_ERR(syscall(SYS_clock_gettime, 0, p), EFAULT);
        CHECK_ERR(syscall(SYS_newfstatat, AT_FDCWD, p, data, 0), EFAULT); /* path */
        CHECK_ERR(syscall(SYS_openat, AT_FDCWD, p, O_RDONLY), EFAULT);
    }
    /* The file is unchanged. */
    char back[64];
    CHECK_EQ_LONG(pread(fd, back, sizeof back, 0), sizeof back);
    CHECK(memcmp(back, data, sizeof data) == 0, "file unchanged");

    /* A range that starts in user memory and runs past the ceiling. */
    CHECK_ERR(syscall(SYS_pwrite64, fd, data, (size_t)0x0000800000000000ULL, 0), EFAULT);

    /* Mapping at or across the ceiling is refused; a hint there is ignored. */
    CHECK_ERR(mmap((void *)0x00007ffffffff000ULL, 4096, PROT_READ,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0), ENOMEM);
    CHECK_ERR(mmap((void *)0x00007fffffffe000ULL, 8192, PROT_READ,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0), ENOMEM);
    CHECK_ERR(mmap((void *)0xffff800000000000ULL, 4096, PROT_READ,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0), ENOMEM);
    void *h = mmap((void *)0xffff800000000000ULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(h != MAP_FAILED && (uintptr_t)h < 0x00007ffffffff000ULL, "kernel-half hint lands in user space");
    if (h != MAP_FAILED)
        munmap(h, 4096);

    /* munmap/mprotect/madvise/mincore over kernel addresses. */
    CHECK_ERR(munmap((void *)0xffff800000000000ULL, 4096), EINVAL);
    CHECK_ERR(munmap((void *)0x00007ffffffff000ULL, 8192), EINVAL);
    CHECK_ERR(syscall(SYS_mprotect, 0xffff800000000000ULL, 4096, PROT_READ), ENOMEM);
    unsigned char vec[2];
    CHECK_ERR(mincore((void *)0xffff800000000000ULL, 4096, vec), ENOMEM);

    /* brk cannot be moved there either. */
    long cur = syscall(SYS_brk, 0);
    CHECK_EQ_LONG(syscall(SYS_brk, 0xffff800000000000ULL), cur);

    close(fd);
    test_leave_scratch_dir();
    return test_finish("kernel_addresses");
}
