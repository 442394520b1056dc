/* A sparse file reaching the triple-indirect blocks of a 1 KiB-block ext2 volume (blocks 0-11
 * direct, 12-267 indirect, 268-65803 double-indirect, from 65804 triple-indirect: 64 MiB + 268 KiB),
 * and past 4 GiB (the large_file feature): pieces written in each region read back, holes between
 * them read as zeros, st_blocks counts only what was written plus the mapping blocks, and a
 * truncation to zero gives every block back to statfs's free count. Checked again after an unmount
 * and a new mount. */

#include "apus_ext2.h"

#define KIB 1024LL
static const long long offsets[] = {
    5 * KIB,                        /* direct */
    100 * KIB,                      /* indirect */
    30000 * KIB,                    /* double-indirect */
    65804 * KIB - 700,              /* across the double/triple boundary */
    200 * 1024 * KIB + 333,         /* triple-indirect */
    (5LL << 30) + 4096,             /* past 4 GiB */
};
#define PIECES (int)(sizeof offsets / sizeof offsets[0])
#define PIECE_BYTES 3000

static long long free_blocks(void)
{
    struct statfs sf;
    return statfs(".", &sf) == 0 ? (long long)sf.f_bfree : -1;
}

static void check_file(const char *when)
{
    int fd = open("huge", O_RDONLY);
    CHECK(fd >= 0, when);
    if (fd < 0)
        return;
    struct stat st;
    CHECK_OK(fstat(fd, &st));
    CHECK_EQ_LONG(st.st_size, offsets[PIECES - 1] + PIECE_BYTES);
    unsigned char got[PIECE_BYTES + 2000];
    for (int i = 0; i < PIECES; i++) {
        CHECK_EQ_LONG(pread(fd, got, PIECE_BYTES, offsets[i]), PIECE_BYTES);
        CHECK(ext2_pattern_matches(got, PIECE_BYTES, offsets[i], (unsigned)i + 20), when);
        /* The 1000 bytes before each piece are a hole or a block's unwritten part: zeros. */
        CHECK_EQ_LONG(pread(fd, got, 1000, offsets[i] - 1000), 1000);
        CHECK(ext2_all_zero(got, 1000), "bytes before a piece read as zeros");
    }
    CHECK_EQ_LONG(pread(fd, got, sizeof got, 1LL << 32), sizeof got);
    CHECK(ext2_all_zero(got, sizeof got), "a hole at 4 GiB reads as zeros");
    CHECK_EQ_LONG(pread(fd, got, 10, st.st_size), 0);
    /* Far less than the size: the pieces (at most 4 blocks each) and the mapping blocks. */
    CHECK(st.st_blocks >= PIECES * 3 * 2 && st.st_blocks <= (PIECES * 4 + 20) * 2, "st_blocks of the sparse file");
    close(fd);
}

int main(void)
{
    if (!ext2_enter("big_file"))
        return test_finish("big_file");
    long long free_at_start = free_blocks();

    int fd = open("huge", O_RDWR | O_CREAT | O_EXCL, 0644);
    CHECK(fd >= 0, "create huge");
    unsigned char piece[PIECE_BYTES];
    for (int i = 0; i < PIECES; i++) {
        ext2_pattern(piece, sizeof piece, offsets[i], (unsigned)i + 20);
        CHECK_EQ_LONG(pwrite(fd, piece, sizeof piece, offsets[i]), sizeof piece);
    }
    CHECK_OK(fsync(fd));
    close(fd);
    check_file("before the remount");
    long long used = free_at_start - free_blocks();
    CHECK(used >= PIECES * 3 && used <= PIECES * 4 + 20, "statfs counts the blocks of the sparse file");

    /* lseek past 4 GiB and a write there through the file offset. */
    fd = open("huge", O_RDWR);
    CHECK(fd >= 0, "open huge");
    CHECK_EQ_LONG(lseek(fd, offsets[PIECES - 1], SEEK_SET), offsets[PIECES - 1]);
    CHECK_EQ_LONG(read(fd, piece, sizeof piece), sizeof piece);
    CHECK(ext2_pattern_matches(piece, sizeof piece, offsets[PIECES - 1], PIECES - 1 + 20), "read through the offset past 4 GiB");
    close(fd);

    if (ext2_remount() == 0)
        check_file("after the remount");

    /* A second file, cut to zero: every block, mapping blocks included, comes back. */
    long long before = free_blocks();
    fd = open("cut", O_RDWR | O_CREAT | O_EXCL, 0644);
    CHECK(fd >= 0, "create cut");
    for (int i = 0; i < PIECES; i++) {
        ext2_pattern(piece, sizeof piece, offsets[i], 1);
        CHECK_EQ_LONG(pwrite(fd, piece, sizeof piece, offsets[i]), sizeof piece);
    }
    CHECK_OK(fsync(fd));
    CHECK(free_blocks() < before - PIECES * 3, "the second file took blocks");
    CHECK_OK(ftruncate(fd, 0));
    CHECK_OK(fsync(fd));
    CHECK_EQ_LONG(free_blocks(), before);
    struct stat st;
    CHECK_OK(fstat(fd, &st));
    CHECK_EQ_LONG(st.st_blocks, 0);
    close(fd);
    CHECK_OK(unlink("cut"));

    ext2_leave();
    return test_finish("big_file");
}
