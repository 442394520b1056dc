/* mmap(2) of a regular file: MAP_SHARED writes reach the file, MAP_PRIVATE
 * writes do not, offsets select pages, and file-mapping errors. */
#include "apus_test.h"
#include <sys/mman.h>

int main(void)
{
    const size_t pg = 4096;
    if (test_enter_scratch_dir("mmap_file") != 0)
        return test_finish("mmap_file");

    int fd = open("data", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0, "create data file");
    static char buf[3 * 4096];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (char)('a' + i / pg);
    CHECK_EQ_LONG(write(fd, buf, sizeof buf), sizeof buf);

    /* MAP_SHARED: contents match, and stores are visible to read(2). */
    char *s = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(s != MAP_FAILED, "MAP_SHARED file mapping");
    if (s != MAP_FAILED) {
        CHECK(s[0] == 'a' && s[pg] == 'b' && s[3 * pg - 1] == 'c', "mapped file contents");
        s[10] = 'Z';
        char c = 0;
        CHECK_EQ_LONG(pread(fd, &c, 1, 10), 1);
        CHECK(c == 'Z', "shared store visible to pread");
        /* And write(2) is visible through the mapping. */
        CHECK_EQ_LONG(pwrite(fd, "Q", 1, pg + 5), 1);
        CHECK(s[pg + 5] == 'Q', "pwrite visible through the mapping");
        CHECK_OK(msync(s, 3 * pg, MS_SYNC));
        CHECK_OK(munmap(s, 3 * pg));
    }

    /* MAP_PRIVATE: stores stay private. */
    char *p = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    CHECK(p != MAP_FAILED, "MAP_PRIVATE file mapping");
    if (p != MAP_FAILED) {
        CHECK(p[10] == 'Z', "private mapping sees the file");
        p[11] = 'P';
        char c = 0;
        CHECK_EQ_LONG(pread(fd, &c, 1, 11), 1);
        CHECK(c == 'a', "private store not written to the file");
        CHECK_OK(munmap(p, 3 * pg));
    }

    /* Offset selects the page; the tail past EOF in the last page is zero. */
    CHECK_OK(ftruncate(fd, 2 * pg + 100));
    char *o = mmap(NULL, pg, PROT_READ, MAP_PRIVATE, fd, 2 * pg);
    CHECK(o != MAP_FAILED, "mapping at offset 2 pages");
    if (o != MAP_FAILED) {
        CHECK(o[0] == 'c' && o[99] == 'c', "offset mapping contents");
        CHECK(o[100] == 0 && o[pg - 1] == 0, "bytes past EOF in the last page are zero");
        CHECK_OK(munmap(o, pg));
    }

    /* Errors. */
    int ro = open("data", O_RDONLY);
    CHECK(ro >= 0, "open read-only");
    CHECK_ERR(mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0), EACCES);
    char *rp = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
    CHECK(rp != MAP_FAILED, "private writable mapping of a read-only fd is allowed");
    if (rp != MAP_FAILED)
        munmap(rp, pg);
    int wo = open("data", O_WRONLY);
    CHECK_ERR(mmap(NULL, pg, PROT_READ, MAP_PRIVATE, wo, 0), EACCES);
    CHECK_ERR(mmap(NULL, pg, PROT_READ, MAP_PRIVATE, fd, 100), EINVAL);
    CHECK_ERR(mmap(NULL, pg, PROT_READ, MAP_PRIVATE, 999, 0), EBADF);
    CHECK_OK(mkdir("dir", 0755));
    int dfd = open("dir", O_RDONLY | O_DIRECTORY);
    CHECK_ERR(mmap(NULL, pg, PROT_READ, MAP_PRIVATE, dfd, 0), ENODEV);
    close(dfd);
    close(wo);
    close(ro);
    close(fd);
    test_leave_scratch_dir();
    return test_finish("mmap_file");
}
