/* mmap(2) "SIGBUS" and truncate(2) on mapped files: a page of a file mapping
 * (MAP_SHARED or MAP_PRIVATE) that lies wholly beyond the file's end faults
 * with SIGBUS (BUS_ADRERR, si_addr the faulting byte) on read and on write;
 * the bytes past the end inside the last partial page read as zero, and a
 * store there through the mapping does not grow the file. A shrinking
 * ftruncate removes the pages past the new end from existing mappings:
 * shared pages, and private copies too (Linux's truncate unmaps COWed pages
 * of the truncated range as well), while private copies below the new end
 * keep their contents. A system call handed such a page fails with EFAULT.
 * Faults on purpose (hence the cow level, which has signal delivery). */
#include "apus_test.h"
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>

#define PAGE 4096

static sigjmp_buf env;
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

enum access { READ, WRITE };

/* Touches one byte; returns the signal it raised (0: none). */
static int touch(volatile char *address, enum access access)
{
    f_sig = 0;
    f_code = 0;
    f_addr = 0;
    if (sigsetjmp(env, 1) == 0) {
        if (access == WRITE)
            *address = 'w';
        else
            (void)*address;
    }
    return f_sig;
}

#define CHECK_BUS(address, access)                                        \
    do {                                                                  \
        volatile char *a_ = (address);                                    \
        CHECK_EQ_LONG(touch(a_, (access)), SIGBUS);                       \
        CHECK_EQ_LONG(f_code, BUS_ADRERR);                                \
        CHECK_EQ_LONG(f_addr, (uintptr_t)a_);                             \
    } while (0)

/* A file of `size` bytes, byte i = 'a' + i % 26. */
static int make_file(const char *name, size_t size)
{
    int fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0, "open");
    if (fd < 0)
        return -1;
    static char buffer[4 * PAGE];
    for (size_t i = 0; i < size && i < sizeof buffer; i++)
        buffer[i] = (char)('a' + i % 26);
    CHECK_EQ_LONG(write(fd, buffer, size), (long)size);
    return fd;
}

static long file_size(int fd)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return -1;
    return (long)st.st_size;
}

/* An mmap longer than the file: the last partial page reads zeros past EOF,
 * a store there does not reach the file, the next page is SIGBUS. */
static void longer_than_file(int flags)
{
    int fd = make_file(flags == MAP_SHARED ? "longer-shared" : "longer-private", 100);
    if (fd < 0)
        return;
    char *p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, flags, fd, 0);
    CHECK(p != MAP_FAILED, "mmap");
    if (p == MAP_FAILED) {
        close(fd);
        return;
    }
    CHECK(p[0] == 'a' && p[99] == 'a' + 99 % 26, "file bytes visible");
    int zeros = 1;
    for (int i = 100; i < PAGE; i++)
        zeros &= p[i] == 0;
    CHECK(zeros, "bytes past EOF in the last page read as zero");
    CHECK_EQ_LONG(touch(p + 200, WRITE), 0);
    CHECK(p[200] == 'w', "store past EOF stays in the mapping");
    CHECK_EQ_LONG(file_size(fd), 100);
    char buffer[300];
    CHECK_EQ_LONG(pread(fd, buffer, sizeof buffer, 0), 100);
    CHECK_EQ_LONG(pread(fd, buffer, 10, 200), 0);
    CHECK_BUS(p + PAGE, READ);
    CHECK_BUS(p + PAGE + 123, WRITE);
    CHECK_BUS(p + 2 * PAGE + PAGE - 1, READ);
    /* After the faults the first page still works. */
    CHECK(p[1] == 'b', "first page still mapped");
    munmap(p, 3 * PAGE);
    close(fd);
}

/* ftruncate shrinking a file under a shared mapping. */
static void shrink_shared(void)
{
    int fd = make_file("shrink-shared", 3 * PAGE);
    if (fd < 0)
        return;
    char *p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    char *q = mmap(NULL, 3 * PAGE, PROT_READ, MAP_SHARED, fd, 0);
    CHECK(p != MAP_FAILED && q != MAP_FAILED, "mmap");
    if (p == MAP_FAILED || q == MAP_FAILED) {
        close(fd);
        return;
    }
    for (int i = 0; i < 3; i++) {
        p[i * PAGE + 20] = 'X';       /* every page resident and dirty */
        (void)q[i * PAGE + 20];
    }
    CHECK_OK(ftruncate(fd, PAGE + 10));
    CHECK(p[0] == 'a' && q[PAGE + 9] == p[PAGE + 9], "pages inside the file stay");
    CHECK(q[20] == 'X' && q[PAGE + 20] == 0, "the partial page is zeroed past the new end");
    CHECK_BUS(p + 2 * PAGE, READ);
    CHECK_BUS(p + 2 * PAGE + 20, WRITE);
    CHECK_BUS(q + 2 * PAGE + 5, READ);
    /* Growing the file again brings the page back, as zeros. */
    CHECK_OK(ftruncate(fd, 3 * PAGE));
    CHECK_EQ_LONG(touch(p + 2 * PAGE + 20, READ), 0);
    CHECK(p[2 * PAGE + 20] == 0 && q[2 * PAGE] == 0, "regrown page reads zeros");
    /* Truncating to zero: every page is gone. */
    CHECK_OK(ftruncate(fd, 0));
    CHECK_BUS(p, READ);
    CHECK_BUS(q + PAGE, READ);
    munmap(p, 3 * PAGE);
    munmap(q, 3 * PAGE);
    close(fd);
}

/* ftruncate shrinking a file under a private mapping with copied pages. */
static void shrink_private(void)
{
    int fd = make_file("shrink-private", 3 * PAGE);
    if (fd < 0)
        return;
    char *p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    CHECK(p != MAP_FAILED, "mmap");
    if (p == MAP_FAILED) {
        close(fd);
        return;
    }
    p[20] = 'P';                 /* private copies of pages 0, 1 and 2 */
    p[PAGE + 3000] = 'P';
    p[2 * PAGE + 20] = 'P';
    CHECK_OK(ftruncate(fd, PAGE + 10));
    /* Copies of pages that still lie (partly) inside the file keep their
     * contents, even past the new end. */
    CHECK(p[20] == 'P' && p[21] == 'a' + 21 % 26, "private copy of page 0 kept");
    CHECK(p[PAGE + 3000] == 'P', "private copy of the partial page kept");
    /* The copy of a page wholly past the new end is gone. */
    CHECK_BUS(p + 2 * PAGE + 20, READ);
    CHECK_BUS(p + 2 * PAGE, WRITE);
    munmap(p, 3 * PAGE);
    close(fd);
}

/* A system call handed a page past EOF fails with EFAULT, in both directions. */
static void system_call_on_page_past_eof(void)
{
    int fd = make_file("syscall", 10);
    if (fd < 0)
        return;
    char *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(p != MAP_FAILED, "mmap");
    if (p == MAP_FAILED) {
        close(fd);
        return;
    }
    int pipefd[2];
    CHECK_OK(pipe(pipefd));
    CHECK_ERR(write(pipefd[1], p + PAGE, 16), EFAULT);
    CHECK_EQ_LONG(write(pipefd[1], "0123456789abcdef", 16), 16);
    CHECK_ERR(read(pipefd[0], p + PAGE + 8, 16), EFAULT);
    CHECK_ERR(pwrite(fd, p + PAGE, 16, 0), EFAULT);
    CHECK_ERR(pread(fd, p + PAGE, 5, 0), EFAULT);
    CHECK_EQ_LONG(file_size(fd), 10);
    close(pipefd[0]);
    close(pipefd[1]);
    munmap(p, 2 * PAGE);
    close(fd);
}

int main(void)
{
    if (test_enter_scratch_dir("mmap_past_eof") != 0)
        return test_finish("mmap_past_eof");
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);

    longer_than_file(MAP_SHARED);
    longer_than_file(MAP_PRIVATE);
    shrink_shared();
    shrink_private();
    system_call_on_page_past_eof();

    test_leave_scratch_dir();
    return test_finish("mmap_past_eof");
}
