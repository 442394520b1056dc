/* Memory that is shared, not copied, across fork(2): MAP_SHARED anonymous
 * and file mappings are visible both ways, while memory-map changes
 * (mprotect, munmap, MADV_DONTNEED) in the child stay in the child. */
#include "apus_test.h"
#include <sys/mman.h>

int main(void)
{
    if (test_enter_scratch_dir("shared_after_fork") != 0)
        return test_finish("shared_after_fork");
    const size_t len = 16 * 4096;
    volatile char *sh = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    char *priv = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(sh != MAP_FAILED && priv != MAP_FAILED, "mappings");
    if (sh == MAP_FAILED || priv == MAP_FAILED)
        return test_finish("shared_after_fork");
    memset((char *)sh, 's', len);
    memset(priv, 'p', len);

    static char zeros[4 * 4096];
    CHECK_OK(apus_write_file("f", zeros, sizeof zeros));
    int fd = open("f", O_RDWR);
    volatile char *fsh = mmap(NULL, sizeof zeros, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(fsh != MAP_FAILED, "shared file mapping");

    int go[2], done[2];
    CHECK_OK(pipe(go));
    CHECK_OK(pipe(done));
    char t;
    pid_t pid = test_fork();
    if (pid == 0) {
        CHECK(sh[100] == 's', "child sees shared data");
        sh[100] = 'c';
        sh[len - 1] = 'c';
        fsh[5] = 'c';
        if (write(done[1], "1", 1) != 1 || read(go[0], &t, 1) != 1)
            _exit(2);
        CHECK(sh[200] == 'P', "child sees the parent's write to shared memory");
        CHECK(fsh[6] == 'P', "child sees the parent's write to the shared file mapping");

        /* Map changes in the child only. */
        CHECK_OK(mprotect(priv, len, PROT_READ));
        CHECK_OK(munmap(priv + 4096, 4096));
        CHECK_OK(madvise((void *)sh, 4096, MADV_DONTNEED));
        /* Shared memory keeps its contents after MADV_DONTNEED: the pages come back. */
        CHECK(sh[100] == 'c', "shared anonymous data survives MADV_DONTNEED");
        if (write(done[1], "2", 1) != 1)
            _exit(2);
        test_child_exit();
    }
    CHECK_EQ_LONG(read(done[0], &t, 1), 1);
    CHECK(sh[100] == 'c' && sh[len - 1] == 'c', "parent sees the child's shared writes");
    CHECK(fsh[5] == 'c', "parent sees the child's shared file write");
    sh[200] = 'P';
    fsh[6] = 'P';
    CHECK_EQ_LONG(write(go[1], "g", 1), 1);
    CHECK_EQ_LONG(read(done[0], &t, 1), 1);
    CHECK_EQ_LONG(child_exit_status(pid), 0);

    /* The child's mprotect/munmap did not touch our private mapping. */
    priv[4096 + 10] = 'x';
    priv[0] = 'y';
    CHECK(priv[4096 + 10] == 'x' && priv[0] == 'y', "private mapping still mapped and writable");
    unsigned char vec[16];
    CHECK_OK(mincore(priv, len, vec));

    /* Shared file writes reached the file. */
    char back[8];
    CHECK_EQ_LONG(pread(fd, back, 7, 0), 7);
    CHECK(back[5] == 'c' && back[6] == 'P', "shared writes are in the file");
    close(fd);
    test_leave_scratch_dir();
    return test_finish("shared_after_fork");
}
