/* truncate(2), ftruncate(2) and holes on ext2: growing a file makes a hole that reads as zeros and
 * holds no blocks; shrinking frees the blocks (st_blocks and statfs's free count come back) and a
 * later growth reads zeros where the old data was, including the tail of a block cut in the middle;
 * a write far past the end leaves a hole before it; blocks written into a hole are counted. All is
 * checked again after an unmount and a new mount. Errors: EINVAL for a negative length, EISDIR
 * for a directory, EBADF/EINVAL for a descriptor not open for writing. */

#include "apus_ext2.h"

static unsigned char buffer[64 * 1024];

static long long free_blocks(void)
{
    struct statfs sf;
    if (statfs(".", &sf) != 0)
        return -1;
    return (long long)sf.f_bfree;
}

static void check_range(int fd, long long offset, size_t len, unsigned seed, const char *what)
{
    static unsigned char got[64 * 1024];
    CHECK_EQ_LONG(pread(fd, got, len, offset), (long)len);
    if (seed == 0)
        CHECK(ext2_all_zero(got, len), what);
    else
        CHECK(ext2_pattern_matches(got, len, offset, seed), what);
}

static void check_contents(const char *when)
{
    int fd = open("cut", O_RDONLY);
    CHECK(fd >= 0, when);
    struct stat st;
    CHECK_OK(fstat(fd, &st));
    CHECK_EQ_LONG(st.st_size, 40000);
    check_range(fd, 0, 10000, 2, "data kept below the cut");
    check_range(fd, 10000, 30000, 0, "zeros where the cut data was");
    close(fd);

    fd = open("sparse", O_RDONLY);
    CHECK(fd >= 0, when);
    CHECK_OK(fstat(fd, &st));
    CHECK_EQ_LONG(st.st_size, (1 << 20) + 4096);
    check_range(fd, 0, 65536, 0, "hole at the start reads as zeros");
    check_range(fd, 500000, 4096, 3, "block written into the hole");
    check_range(fd, 1 << 20, 4096, 3, "data after the hole");
    /* Data blocks 488-492 and 1024-1027, the double-indirect block and two indirect blocks under it. */
    CHECK_EQ_LONG(st.st_blocks, (5 + 4 + 1 + 2) * 2);
    close(fd);
}

int main(void)
{
    if (!ext2_enter("truncate"))
        return test_finish("truncate");
    long long free_at_start = free_blocks();
    CHECK(free_at_start > 1000, "statfs free blocks");

    /* Grow an empty file: a hole, no blocks. */
    int fd = open("grown", O_RDWR | O_CREAT, 0644);
    CHECK(fd >= 0, "create grown");
    CHECK_OK(ftruncate(fd, 100000));
    struct stat st;
    CHECK_OK(fstat(fd, &st));
    CHECK_EQ_LONG(st.st_size, 100000);
    CHECK_EQ_LONG(st.st_blocks, 0);
    check_range(fd, 0, 65536, 0, "grown file reads as zeros");
    CHECK_EQ_LONG(pread(fd, buffer, 1000, 99500), 500);
    CHECK(ext2_all_zero(buffer, 500), "tail of the grown file");
    close(fd);

    /* Shrink in the middle of a block, then grow again: the cut bytes read as zeros. */
    ext2_pattern(buffer, 40000, 0, 2);
    CHECK_EQ_LONG(apus_write_file("cut", buffer, 40000), 0);
    CHECK_OK(stat("cut", &st));
    long long blocks_full = st.st_blocks;
    CHECK_OK(truncate("cut", 10000));
    CHECK_OK(stat("cut", &st));
    CHECK_EQ_LONG(st.st_size, 10000);
    CHECK(st.st_blocks < blocks_full, "shrinking freed blocks");
    CHECK_EQ_LONG(st.st_blocks, 10 * 2);   /* ten 1 KiB blocks */
    CHECK_OK(truncate("cut", 40000));

    /* A write far past the end leaves a hole; a write into the hole fills one block. */
    fd = open("sparse", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0, "create sparse");
    ext2_pattern(buffer, 4096, 1 << 20, 3);
    CHECK_EQ_LONG(pwrite(fd, buffer, 4096, 1 << 20), 4096);
    ext2_pattern(buffer, 4096, 500000, 3);
    CHECK_EQ_LONG(pwrite(fd, buffer, 4096, 500000), 4096);
    close(fd);
    check_contents("before the remount");

    /* Shrinking to zero gives every block back. */
    ext2_pattern(buffer, sizeof buffer, 0, 4);
    fd = open("big", O_RDWR | O_CREAT, 0644);
    CHECK(fd >= 0, "create big");
    for (int i = 0; i < 8; i++)
        CHECK_EQ_LONG(write(fd, buffer, sizeof buffer), sizeof buffer);
    CHECK_OK(fsync(fd));
    long long free_full = free_blocks();
    CHECK(free_full <= free_at_start - 512, "512 KiB written uses at least 512 blocks");
    CHECK_OK(ftruncate(fd, 0));
    CHECK_OK(fsync(fd));
    CHECK_OK(fstat(fd, &st));
    CHECK_EQ_LONG(st.st_blocks, 0);
    CHECK(free_blocks() >= free_full + 512 + 2, "blocks and indirect blocks freed by the truncation");
    CHECK_EQ_LONG(read(fd, buffer, 10), 0);

    /* Errors. */
    CHECK_ERR(ftruncate(fd, -1), EINVAL);
    CHECK_ERR(truncate("big", -5), EINVAL);
    close(fd);
    CHECK_OK(mkdir("dir", 0755));
    CHECK_ERR(truncate("dir", 0), EISDIR);
    int ro = open("big", O_RDONLY);
    CHECK(ro >= 0, "open big read-only");
    CHECK(ftruncate(ro, 0) == -1 && (errno == EBADF || errno == EINVAL), "ftruncate of a read-only descriptor");
    close(ro);
    CHECK_ERR(truncate("missing", 0), ENOENT);

    if (ext2_remount() == 0)
        check_contents("after the remount");
    ext2_leave();
    return test_finish("truncate");
}
