/* An unlinked file that is still open on ext2 (Linux semantics: the inode and its blocks live
 * until the last reference goes): after unlink(2) the open descriptors keep reading, writing,
 * growing, truncating and fsyncing it, fstat shows st_nlink 0, statfs still counts its inode and
 * blocks as used; a second descriptor and a MAP_SHARED mapping each keep it alive; after the last
 * close (and munmap) statfs's free block and inode counts are back where they were before the
 * file was made. e2fsck checks the image after the program (no orphan left behind). */

#include "apus_ext2.h"

#include <sys/mman.h>

#define FILE_BYTES (200 * 1024)

static unsigned char buffer[FILE_BYTES];
static unsigned char got[FILE_BYTES];

static void counts(long long *blocks, long long *inodes)
{
    struct statfs sf;
    if (statfs(".", &sf) != 0) {
        *blocks = *inodes = -1;
        return;
    }
    *blocks = (long long)sf.f_bfree;
    *inodes = (long long)sf.f_ffree;
}

int main(void)
{
    if (!ext2_enter("unlinked_open"))
        return test_finish("unlinked_open");
    long long free_blocks, free_inodes, blocks, inodes;
    counts(&free_blocks, &free_inodes);
    CHECK(free_blocks > 1000 && free_inodes > 10, "statfs counts");

    /* A file with data, open twice, then unlinked. */
    ext2_pattern(buffer, FILE_BYTES, 0, 5);
    int fd = open("doomed", O_RDWR | O_CREAT | O_EXCL, 0644);
    CHECK(fd >= 0, "create doomed");
    CHECK_EQ_LONG(write(fd, buffer, FILE_BYTES), FILE_BYTES);
    CHECK_OK(fsync(fd));
    int second = open("doomed", O_RDONLY);
    CHECK(second >= 0, "open doomed again");
    CHECK_OK(unlink("doomed"));
    CHECK_ERR(access("doomed", F_OK), ENOENT);
    struct stat st;
    CHECK_OK(fstat(fd, &st));
    CHECK_EQ_LONG(st.st_nlink, 0);
    CHECK_EQ_LONG(st.st_size, FILE_BYTES);
    counts(&blocks, &inodes);
    CHECK(blocks <= free_blocks - FILE_BYTES / 1024, "the unlinked open file still holds its blocks");
    CHECK_EQ_LONG(inodes, free_inodes - 1);

    /* It keeps working: read, write past the end, fsync, truncate. */
    CHECK_EQ_LONG(pread(second, got, FILE_BYTES, 0), FILE_BYTES);
    CHECK(ext2_pattern_matches(got, FILE_BYTES, 0, 5), "read the unlinked file");
    ext2_pattern(buffer, 50000, FILE_BYTES, 6);
    CHECK_EQ_LONG(pwrite(fd, buffer, 50000, FILE_BYTES), 50000);
    CHECK_OK(fsync(fd));
    CHECK_EQ_LONG(pread(second, got, 50000, FILE_BYTES), 50000);
    CHECK(ext2_pattern_matches(got, 50000, FILE_BYTES, 6), "read what was written after the unlink");
    CHECK_OK(ftruncate(fd, 100000));
    CHECK_OK(fstat(second, &st));
    CHECK_EQ_LONG(st.st_size, 100000);
    CHECK_EQ_LONG(pread(second, got, 10, 100000), 0);

    /* A mapping keeps it alive after both descriptors are closed. */
    unsigned char *map = mmap(NULL, 100000, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(map != MAP_FAILED, "mmap the unlinked file");
    CHECK_OK(close(fd));
    counts(&blocks, &inodes);
    CHECK_EQ_LONG(inodes, free_inodes - 1);
    CHECK_OK(close(second));
    counts(&blocks, &inodes);
    CHECK_EQ_LONG(inodes, free_inodes - 1);
    CHECK(blocks <= free_blocks - 90, "the mapped unlinked file still holds its blocks");
    if (map != MAP_FAILED) {
        CHECK(ext2_pattern_matches(map + 4096, 4096, 4096, 5), "read through the mapping");
        map[0] = 1;
        CHECK_OK(munmap(map, 100000));
    }

    /* The last reference is gone: everything is free again. */
    counts(&blocks, &inodes);
    CHECK_EQ_LONG(blocks, free_blocks);
    CHECK_EQ_LONG(inodes, free_inodes);

    /* The same with a file that was never synced, closed right after the unlink. */
    fd = open("brief", O_RDWR | O_CREAT | O_EXCL, 0600);
    CHECK(fd >= 0, "create brief");
    CHECK_EQ_LONG(write(fd, buffer, 30000), 30000);
    CHECK_OK(unlink("brief"));
    CHECK_EQ_LONG(pread(fd, got, 30000, 0), 30000);
    CHECK(memcmp(got, buffer, 30000) == 0, "read the unsynced unlinked file");
    CHECK_OK(close(fd));
    counts(&blocks, &inodes);
    CHECK_EQ_LONG(blocks, free_blocks);
    CHECK_EQ_LONG(inodes, free_inodes);

    ext2_leave();
    return test_finish("unlinked_open");
}
