/* EINVAL for flags, commands and modes a call does not know, across many
 * calls (raw system calls: the libcs sometimes check first). Every call is
 * one Linux implements, with arguments that are otherwise valid. */
#include "apus_test.h"
#include <signal.h>
#include <sys/mman.h>
#include <sys/uio.h>

int main(void)
{
    if (test_enter_scratch_dir("einval") != 0)
        return test_finish("einval");
    CHECK_OK(apus_write_file("f", "0123456789", 10));
    int fd = open("f", O_RDWR);
    char buf[16];
    struct stat st;
    struct timespec ts = {0, 0};
    void *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    /* Files and descriptors. */
    CHECK_ERR(syscall(SYS_lseek, fd, 0L, 3 + 2 + 99), EINVAL);
    CHECK_ERR(syscall(SYS_lseek, fd, -1L, SEEK_SET), EINVAL);
    CHECK_ERR(syscall(SYS_fcntl, fd, 0x7fff), EINVAL);
    CHECK_ERR(syscall(SYS_dup3, fd, 40, 0x4), EINVAL);
    CHECK_ERR(syscall(SYS_dup3, fd, fd, 0), EINVAL);
    CHECK_ERR(syscall(SYS_pread64, fd, buf, 1, -1L), EINVAL);
    CHECK_ERR(syscall(SYS_readv, fd, (struct iovec *)buf, -1), EINVAL);
    CHECK_ERR(syscall(SYS_ftruncate, fd, -1L), EINVAL);
    CHECK_ERR(syscall(SYS_newfstatat, AT_FDCWD, "f", &st, 0x8), EINVAL);
    CHECK_ERR(syscall(SYS_unlinkat, AT_FDCWD, "f", 0x1), EINVAL);
    CHECK_ERR(syscall(SYS_linkat, AT_FDCWD, "f", AT_FDCWD, "g", 0x1), EINVAL);
    CHECK_ERR(syscall(SYS_renameat2, AT_FDCWD, "f", AT_FDCWD, "g", 0x100), EINVAL);
    CHECK_ERR(syscall(SYS_renameat2, AT_FDCWD, "f", AT_FDCWD, "g", 0x3), EINVAL); /* NOREPLACE|EXCHANGE */
    CHECK_ERR(syscall(SYS_faccessat2, AT_FDCWD, "f", 0x8, 0), EINVAL);  /* mode */
    CHECK_ERR(syscall(SYS_utimensat, AT_FDCWD, "f", NULL, 0x1), EINVAL);
    /* Opening: O_CREAT|O_DIRECTORY (Linux 6.4+), and O_TMPFILE without write access. */
    CHECK_ERR(syscall(SYS_openat, AT_FDCWD, "newdir", O_CREAT | O_DIRECTORY | O_RDONLY, 0755), EINVAL);

    /* Memory. */
    /* Neither PRIVATE nor SHARED. (Without MAP_ANONYMOUS, Linux checks the fd first: EBADF.) */
    CHECK_ERR(syscall(SYS_mmap, 0L, 4096L, PROT_READ, MAP_ANONYMOUS, -1, 0L), EINVAL);
    CHECK_ERR(syscall(SYS_mmap, 0L, 0L, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0L), EINVAL);
    CHECK_ERR(syscall(SYS_munmap, (char *)page + 1, 4096), EINVAL);
    CHECK_ERR(syscall(SYS_munmap, page, 0), EINVAL);
    CHECK_ERR(syscall(SYS_mprotect, (char *)page + 1, 4096, PROT_READ), EINVAL);
    CHECK_ERR(syscall(SYS_mprotect, page, 4096, 0x10000), EINVAL);
    CHECK_ERR(syscall(SYS_madvise, page, 4096, 9999), EINVAL);
    /* A length that wraps the end of the range around (found by the fuzzer: once a trap). */
    CHECK_ERR(syscall(SYS_madvise, page, 8192L - (long)(uintptr_t)page, MADV_NORMAL), EINVAL);
    CHECK_ERR(syscall(SYS_madvise, page, -1L, MADV_DONTNEED), EINVAL);
    /* sched_getaffinity's length is an unsigned int: the upper half is ignored, not trapped on. */
    unsigned long affinity[16];
    CHECK(syscall(SYS_sched_getaffinity, 0, 0xbbab175500000080UL, affinity) > 0, "sched_getaffinity with a 64-bit length");
    /* restart_syscall with nothing to restart: EINTR, and it returns (it must not loop). */
    CHECK_ERR(syscall(SYS_restart_syscall), EINTR);
    CHECK_ERR(syscall(SYS_mincore, (char *)page + 1, 4096, buf), EINVAL);
    CHECK_ERR(syscall(SYS_msync, page, 4096, MS_SYNC | MS_ASYNC), EINVAL);
    CHECK_ERR(syscall(SYS_msync, (char *)page + 1, 4096, MS_SYNC), EINVAL);

    /* Time. */
    CHECK_ERR(syscall(SYS_clock_gettime, 99, &ts), EINVAL);
    CHECK_ERR(syscall(SYS_clock_getres, 99, &ts), EINVAL);
    struct timespec bad_ts = {0, 2000000000};
    CHECK_ERR(syscall(SYS_nanosleep, &bad_ts, NULL), EINVAL);
    /* (clock_nanosleep ignores unknown flag bits on Linux: not checked here.) */
    CHECK_ERR(syscall(SYS_getrusage, 5, buf), EINVAL);

    /* Signals and process state. */
    uint64_t mask = 0;
    CHECK_ERR(syscall(SYS_rt_sigprocmask, 7, &mask, NULL, 8), EINVAL);
    CHECK_ERR(syscall(SYS_rt_sigaction, 0, NULL, NULL, 8), EINVAL);
    CHECK_ERR(syscall(SYS_rt_sigaction, SIGKILL, page, NULL, 8), EINVAL);
    CHECK_ERR(syscall(SYS_kill, getpid(), 65), EINVAL);
    CHECK_ERR(syscall(SYS_kill, getpid(), -1), EINVAL);
    CHECK_ERR(syscall(SYS_prctl, 0x7fffffff, 0, 0, 0, 0), EINVAL);
    CHECK_ERR(syscall(SYS_arch_prctl, 0x7777, 0), EINVAL);
    CHECK_ERR(syscall(SYS_getrlimit, 99, buf), EINVAL);
    CHECK_ERR(syscall(SYS_getrandom, buf, sizeof buf, 0x100), EINVAL);

    munmap(page, 4096);
    close(fd);
    test_leave_scratch_dir();
    return test_finish("einval");
}
