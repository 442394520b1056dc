/* mmap(2), msync(2) and munmap(2) of ext2 files: a MAP_SHARED store is seen by read(2) and lands
 * on the disk (read back after an unmount and a new mount), a write(2) is seen through an
 * existing shared mapping, a MAP_PRIVATE store stays private (neither the file nor a shared
 * mapping sees it) while the private mapping still sees the file's untouched pages; a mapping of
 * a sparse file reads its hole as zeros, and a store through a shared mapping into a hole
 * allocates the block. */

#include "apus_ext2.h"

#include <sys/mman.h>

#define PAGE 4096
#define FILE_BYTES (8 * PAGE)

static unsigned char buffer[FILE_BYTES];

int main(void)
{
    if (!ext2_enter("mmap"))
        return test_finish("mmap");

    ext2_pattern(buffer, sizeof buffer, 0, 5);
    CHECK_EQ_LONG(apus_write_file("shared", buffer, sizeof buffer), 0);
    int fd = open("shared", O_RDWR);
    CHECK(fd >= 0, "open shared");
    unsigned char *map = mmap(NULL, FILE_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(map != MAP_FAILED, "mmap MAP_SHARED");
    if (map == MAP_FAILED) {
        ext2_leave();
        return test_finish("mmap");
    }
    CHECK(ext2_pattern_matches(map, FILE_BYTES, 0, 5), "the mapping shows the file");

    /* A store through the mapping is what read(2) returns. */
    memcpy(map + 3 * PAGE + 100, "through the mapping", 19);
    unsigned char got[64];
    CHECK_EQ_LONG(pread(fd, got, 19, 3 * PAGE + 100), 19);
    CHECK(memcmp(got, "through the mapping", 19) == 0, "read sees the shared store");

    /* A write(2) is seen through the mapping. */
    CHECK_EQ_LONG(pwrite(fd, "by write", 8, 5 * PAGE + 7), 8);
    CHECK(memcmp(map + 5 * PAGE + 7, "by write", 8) == 0, "the mapping sees write(2)");

    /* A private mapping: its store stays its own. */
    unsigned char *priv = mmap(NULL, FILE_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    CHECK(priv != MAP_FAILED, "mmap MAP_PRIVATE");
    if (priv != MAP_FAILED) {
        CHECK(memcmp(priv + 3 * PAGE + 100, "through the mapping", 19) == 0, "private mapping sees the file");
        memcpy(priv + PAGE, "private", 7);
        CHECK(memcmp(map + PAGE, "private", 7) != 0, "the shared mapping does not see a private store");
        CHECK_EQ_LONG(pread(fd, got, 7, PAGE), 7);
        CHECK(ext2_pattern_matches(got, 7, PAGE, 5), "the file does not see a private store");
        /* A page the private mapping never wrote still follows the file. */
        memcpy(map + 6 * PAGE, "later", 5);
        CHECK(memcmp(priv + 6 * PAGE, "later", 5) == 0, "an untouched private page follows the file");
        CHECK_OK(munmap(priv, FILE_BYTES));
    }
    CHECK_OK(msync(map, FILE_BYTES, MS_SYNC));
    CHECK_OK(munmap(map, FILE_BYTES));
    close(fd);

    /* A sparse file mapped: the hole reads as zeros; a store into it allocates a block. */
    fd = open("holey", O_RDWR | O_CREAT | O_EXCL, 0644);
    CHECK(fd >= 0, "create holey");
    CHECK_OK(ftruncate(fd, 4 * PAGE));
    unsigned char *hole = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(hole != MAP_FAILED, "mmap the sparse file");
    if (hole != MAP_FAILED) {
        CHECK(ext2_all_zero(hole, 4 * PAGE), "the hole reads as zeros through the mapping");
        memcpy(hole + 2 * PAGE + 10, "filled", 6);
        CHECK_OK(msync(hole, 4 * PAGE, MS_SYNC));
        CHECK_OK(munmap(hole, 4 * PAGE));
    }
    CHECK_OK(fsync(fd));
    struct stat st;
    CHECK_OK(fstat(fd, &st));
    CHECK(st.st_blocks >= 2 && st.st_blocks <= 8, "the store allocated a page's blocks, no more");
    close(fd);

    /* A read-only descriptor cannot be mapped shared and writable. */
    int ro = open("shared", O_RDONLY);
    CHECK(ro >= 0, "open shared read-only");
    CHECK(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0) == MAP_FAILED && errno == EACCES,
          "MAP_SHARED writable of a read-only descriptor is EACCES");
    close(ro);

    if (ext2_remount() == 0) {
        CHECK_EQ_LONG(apus_read_file("shared", (char *)buffer, sizeof buffer), sizeof buffer - 1);
        CHECK(memcmp(buffer + 3 * PAGE + 100, "through the mapping", 19) == 0, "the shared store is on the disk");
        CHECK(memcmp(buffer + 5 * PAGE + 7, "by write", 8) == 0, "write(2) is on the disk");
        CHECK(memcmp(buffer + 6 * PAGE, "later", 5) == 0, "the later store is on the disk");
        CHECK(ext2_pattern_matches(buffer + PAGE, 7, PAGE, 5), "the private store is not on the disk");
        fd = open("holey", O_RDONLY);
        CHECK(fd >= 0, "open holey");
        CHECK_EQ_LONG(pread(fd, got, 6, 2 * PAGE + 10), 6);
        CHECK(memcmp(got, "filled", 6) == 0, "the store into the hole is on the disk");
        CHECK_EQ_LONG(pread(fd, got, 64, 0), 64);
        CHECK(ext2_all_zero(got, 64), "the rest of the hole is still zeros");
        close(fd);
    }
    ext2_leave();
    return test_finish("mmap");
}
