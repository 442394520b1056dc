/* /dev/vda as a block device file: read/pread/pwrite/lseek/fstat/fsync and the size ioctls,
 * checked against the pattern disk the test runner attaches (Toolkit PatternDisk.swift: a fresh
 * 4 MiB raw image where sector s holds s as 8 little-endian bytes, then byte i is
 * (31 s + i) mod 256). Linux's rules (block/fops.c, fs/read_write.c): a read at or past the end
 * returns 0 and one across it is cut short; a write at the end is ENOSPC and one across it is
 * short; lseek stays inside [0, size]; O_DIRECT needs block-aligned offsets and lengths.
 *
 * The program writes only to a disk it has recognized: exactly 4 MiB holding the pattern at
 * several places. Without /dev/vda (a host that has none), or with a /dev/vda that is some other
 * disk, it prints SKIP and touches nothing. Every write is undone before the end. */

#include "apus_test.h"

#include <sys/ioctl.h>
#include <sys/sysmacros.h>

/* include/uapi/linux/fs.h (musl-gcc has no kernel headers) */
#ifndef BLKROGET
#define BLKROGET _IO(0x12, 94)
#define BLKGETSIZE _IO(0x12, 96)
#define BLKSSZGET _IO(0x12, 104)
#define BLKGETSIZE64 _IOR(0x12, 114, size_t)
#endif

#define DISK_BYTES (4L << 20)
#define SECTOR 512

static unsigned char pattern_byte(long offset)
{
    unsigned long sector = (unsigned long)offset / SECTOR;
    long index = offset % SECTOR;
    if (index < 8)
        return (unsigned char)(sector >> (8 * index));
    return (unsigned char)(sector * 31 + (unsigned long)index);
}

/* Index of the first byte of buf (read from disk offset `offset`) that breaks the pattern, or -1. */
static long pattern_mismatch(const unsigned char *buf, long offset, long count)
{
    for (long i = 0; i < count; i++)
        if (buf[i] != pattern_byte(offset + i))
            return i;
    return -1;
}

static int holds_pattern(int fd, long offset, long count)
{
    static unsigned char buf[16384];
    if (count > (long)sizeof buf)
        return 0;
    ssize_t got = pread(fd, buf, (size_t)count, offset);
    return got == count && pattern_mismatch(buf, offset, count) < 0;
}

static int skip(const char *why)
{
    printf("SKIP block/vda: %s\n", why);
    fflush(stdout);
    return 0;
}

int main(void)
{
    /* Recognize the disk through a read-only descriptor before anything may write. */
    int probe = open("/dev/vda", O_RDONLY);
    if (probe < 0 && errno == ENOENT)
        return skip("no /dev/vda (run inside QEMU with the pattern disk attached)");
    if (probe < 0 && (errno == EPERM || errno == EACCES))
        return skip("this machine's /dev/vda may not be opened here: not the pattern disk, left alone");
    CHECK(probe >= 0, "open /dev/vda read-only");
    if (probe < 0)
        return test_finish("vda");
    unsigned long long bytes = 0;
    int recognized = ioctl(probe, BLKGETSIZE64, &bytes) == 0 && bytes == (unsigned long long)DISK_BYTES
        && holds_pattern(probe, 0, 4096) && holds_pattern(probe, DISK_BYTES - 4096, 4096) && holds_pattern(probe, 3L << 20, 4096);
    close(probe);
    if (!recognized)
        return skip("/dev/vda is not the 4 MiB pattern disk (this machine's own disk?): left alone");

    int fd = open("/dev/vda", O_RDWR);
    CHECK(fd >= 0, "open /dev/vda read-write");
    if (fd < 0)
        return test_finish("vda");

    /* fstat and the size ioctls */
    struct stat st;
    CHECK_OK(fstat(fd, &st));
    CHECK(S_ISBLK(st.st_mode), "S_IFBLK");
    CHECK_EQ_LONG((long)major(st.st_rdev), 254L);
    CHECK_EQ_LONG((long)minor(st.st_rdev), 0L);
    CHECK_EQ_LONG((long)st.st_size, 0L);
    int sector_size = 0;
    CHECK_OK(ioctl(fd, BLKSSZGET, &sector_size));
    CHECK_EQ_LONG((long)sector_size, (long)SECTOR);
    unsigned long sectors = 0;
    CHECK_OK(ioctl(fd, BLKGETSIZE, &sectors));
    CHECK_EQ_LONG((long)sectors, DISK_BYTES / SECTOR);
    int read_only = -1;
    CHECK_OK(ioctl(fd, BLKROGET, &read_only));
    CHECK_EQ_LONG((long)read_only, 0L);
    CHECK_ERR(ioctl(fd, BLKGETSIZE64, (void *)8), EFAULT);

    /* reads at any offset and length */
    static const long offsets[][2] = {
        {0, 512}, {1, 1}, {511, 2}, {300, 1500}, {7 * 4096 + 100, 10000}, {DISK_BYTES - 10, 10}, {(2L << 20) - 4000, 8192},
    };
    for (unsigned i = 0; i < sizeof offsets / sizeof offsets[0]; i++)
        CHECK(holds_pattern(fd, offsets[i][0], offsets[i][1]), "pread holds the pattern");

    unsigned char buf[8192];
    CHECK_EQ_LONG((long)pread(fd, buf, 100, DISK_BYTES - 40), 40L);
    CHECK(pattern_mismatch(buf, DISK_BYTES - 40, 40) < 0, "a read across the end is cut short");
    CHECK_EQ_LONG((long)pread(fd, buf, 100, DISK_BYTES), 0L);
    CHECK_EQ_LONG((long)pread(fd, buf, 100, DISK_BYTES + 4096), 0L);
    CHECK_ERR(pread(fd, buf, 100, -1), EINVAL);
    CHECK_ERR(syscall(SYS_pread64, fd, 8L, 100L, 0L), EFAULT);

    /* read(2) and lseek(2) move one position */
    CHECK_EQ_LONG((long)lseek(fd, 1000, SEEK_SET), 1000L);
    CHECK_EQ_LONG((long)read(fd, buf, 700), 700L);
    CHECK(pattern_mismatch(buf, 1000, 700) < 0, "read at the position");
    CHECK_EQ_LONG((long)lseek(fd, 0, SEEK_CUR), 1700L);
    CHECK_EQ_LONG((long)read(fd, buf, 100), 100L);
    CHECK(pattern_mismatch(buf, 1700, 100) < 0, "the next read goes on from there");
    CHECK_EQ_LONG((long)lseek(fd, 0, SEEK_END), DISK_BYTES);
    CHECK_EQ_LONG((long)read(fd, buf, 100), 0L);
    CHECK_EQ_LONG((long)lseek(fd, -512, SEEK_END), DISK_BYTES - 512);
    CHECK_ERR(lseek(fd, DISK_BYTES + 1, SEEK_SET), EINVAL);
    CHECK_ERR(lseek(fd, -1, SEEK_SET), EINVAL);
    CHECK_ERR(lseek(fd, 1, SEEK_END), EINVAL);
    CHECK_EQ_LONG((long)lseek(fd, 0, SEEK_CUR), DISK_BYTES - 512);
    CHECK_ERR(lseek(fd, 4096, SEEK_DATA), EINVAL);      /* fixed_size_llseek knows only SET/CUR/END */
    CHECK_ERR(lseek(fd, 4096, SEEK_HOLE), EINVAL);

    /* writes: bytes around a write inside a sector survive; read back; restore */
    unsigned char mine[1500];
    for (int i = 0; i < 1500; i++)
        mine[i] = (unsigned char)(255 - i);
    long where = (3L << 20) + 300;
    CHECK_EQ_LONG((long)pwrite(fd, mine, sizeof mine, where), 1500L);
    CHECK_OK(fsync(fd));
    CHECK_EQ_LONG((long)pread(fd, buf, 2048, 3L << 20), 2048L);
    CHECK(pattern_mismatch(buf, 3L << 20, 300) < 0, "the bytes before the write are kept");
    CHECK(memcmp(buf + 300, mine, sizeof mine) == 0, "what was written reads back");
    CHECK(pattern_mismatch(buf + 1800, (3L << 20) + 1800, 248) < 0, "the bytes after the write are kept");
    for (int i = 0; i < 1500; i++)
        mine[i] = pattern_byte(where + i);
    CHECK_EQ_LONG((long)pwrite(fd, mine, sizeof mine, where), 1500L);
    CHECK(holds_pattern(fd, 3L << 20, 4096), "restored");

    /* write(2) at the position, across the end, at the end */
    CHECK_EQ_LONG((long)lseek(fd, DISK_BYTES - 100, SEEK_SET), DISK_BYTES - 100);
    for (int i = 0; i < 100; i++)
        mine[i] = pattern_byte(DISK_BYTES - 100 + i);
    CHECK_EQ_LONG((long)write(fd, mine, 300), 100L);
    CHECK_EQ_LONG((long)lseek(fd, 0, SEEK_CUR), DISK_BYTES);
    CHECK_ERR(write(fd, mine, 10), ENOSPC);
    CHECK_ERR(pwrite(fd, mine, 10, DISK_BYTES + 512), ENOSPC);
    CHECK_EQ_LONG((long)pwrite(fd, mine, 0, DISK_BYTES + 512), 0L);
    CHECK_ERR(syscall(SYS_pwrite64, fd, 8L, 512L, 0L), EFAULT);
    CHECK(holds_pattern(fd, 0, 512), "a faulting write leaves the sector as it was");
    CHECK(holds_pattern(fd, DISK_BYTES - 4096, 4096), "the last page is intact");
    CHECK_OK(fdatasync(fd));
    CHECK_OK(close(fd));

    /* O_DIRECT: block-aligned transfers only */
    int direct = open("/dev/vda", O_RDONLY | O_DIRECT);
    CHECK(direct >= 0, "open O_DIRECT");
    if (direct >= 0) {
        static unsigned char aligned[8192] __attribute__((aligned(4096)));
        CHECK_EQ_LONG((long)pread(direct, aligned, 4096, 8192), 4096L);
        CHECK(pattern_mismatch(aligned, 8192, 4096) < 0, "an aligned direct read");
        CHECK_ERR(pread(direct, aligned, 4096, 100), EINVAL);
        CHECK_ERR(pread(direct, aligned, 100, 0), EINVAL);
        CHECK_ERR(pread(direct, aligned + 1, 512, 0), EINVAL);
        CHECK_OK(close(direct));
    }

    /* a read-only descriptor cannot write */
    int ro = open("/dev/vda", O_RDONLY);
    CHECK(ro >= 0, "open read-only");
    if (ro >= 0) {
        CHECK_ERR(pwrite(ro, mine, 512, 0), EBADF);
        CHECK_OK(close(ro));
    }
    return test_finish("vda");
}
