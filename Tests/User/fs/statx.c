/* statx(2) through the raw system call (musl 1.2.3 has no wrapper): the
 * basic fields agree with stat, masks and flags are validated. */
#include "apus_test.h"

struct apus_statx_timestamp { int64_t tv_sec; uint32_t tv_nsec; int32_t reserved; };
struct apus_statx {
    uint32_t stx_mask, stx_blksize;
    uint64_t stx_attributes;
    uint32_t stx_nlink, stx_uid, stx_gid;
    uint16_t stx_mode, pad1;
    uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
    struct apus_statx_timestamp stx_atime, stx_btime, stx_ctime, stx_mtime;
    uint32_t stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
    uint64_t spare[14];
};
_Static_assert(sizeof(struct apus_statx) == 256, "struct statx is 256 bytes");

#define APUS_STATX_BASIC_STATS 0x7ffu
#define APUS_STATX__RESERVED 0x80000000u
#define APUS_AT_STATX_SYNC_TYPE 0x6000

static long sys_statx(int dirfd, const char *path, int flags, unsigned mask, struct apus_statx *sx)
{
    return syscall(SYS_statx, dirfd, path, flags, mask, sx);
}

int main(void)
{
    if (test_enter_scratch_dir("statx") != 0)
        return test_finish("statx");
    umask(022);
    static char data[5000];
    CHECK_OK(apus_write_file("f", data, sizeof data));
    CHECK_OK(mkdir("d", 0711));
    CHECK_OK(symlink("f", "l"));

    struct stat st;
    struct apus_statx sx;
    CHECK_OK(stat("f", &st));
    memset(&sx, 0xff, sizeof sx);
    CHECK_OK(sys_statx(AT_FDCWD, "f", 0, APUS_STATX_BASIC_STATS, &sx));
    CHECK((sx.stx_mask & APUS_STATX_BASIC_STATS) == APUS_STATX_BASIC_STATS, "basic stats returned");
    CHECK_EQ_LONG(sx.stx_mode, st.st_mode);
    CHECK_EQ_LONG(sx.stx_mode & 0170000, S_IFREG);
    CHECK_EQ_LONG(sx.stx_mode & 07777, 0644);
    CHECK_EQ_LONG(sx.stx_size, 5000);
    CHECK_EQ_LONG(sx.stx_nlink, 1);
    CHECK_EQ_LONG(sx.stx_ino, st.st_ino);
    CHECK_EQ_LONG(sx.stx_blocks, st.st_blocks);
    CHECK_EQ_LONG(sx.stx_uid, st.st_uid);
    CHECK_EQ_LONG(sx.stx_mtime.tv_sec, st.st_mtime);
    CHECK(sx.stx_mtime.tv_nsec < 1000000000u, "nanoseconds in range");
    CHECK(sx.stx_blksize > 0, "blksize");

    CHECK_OK(sys_statx(AT_FDCWD, "d", 0, APUS_STATX_BASIC_STATS, &sx));
    CHECK_EQ_LONG(sx.stx_mode, S_IFDIR | 0711);
    CHECK_EQ_LONG(sx.stx_nlink, 2);

    CHECK_OK(sys_statx(AT_FDCWD, "l", AT_SYMLINK_NOFOLLOW, APUS_STATX_BASIC_STATS, &sx));
    CHECK_EQ_LONG(sx.stx_mode & 0170000, S_IFLNK);
    CHECK_EQ_LONG(sx.stx_size, 1);
    CHECK_OK(sys_statx(AT_FDCWD, "l", 0, APUS_STATX_BASIC_STATS, &sx));
    CHECK_EQ_LONG(sx.stx_size, 5000);

    /* AT_EMPTY_PATH on a descriptor; a zero mask is allowed. */
    int fd = open("f", O_RDONLY);
    CHECK_OK(sys_statx(fd, "", AT_EMPTY_PATH, APUS_STATX_BASIC_STATS, &sx));
    CHECK_EQ_LONG(sx.stx_ino, st.st_ino);
    CHECK_OK(sys_statx(fd, "", AT_EMPTY_PATH, 0, &sx));
    CHECK_OK(sys_statx(AT_FDCWD, "f", AT_STATX_SYNC_AS_STAT, APUS_STATX_BASIC_STATS, &sx));

    /* Errors. */
    CHECK_ERR(sys_statx(AT_FDCWD, "f", 0, APUS_STATX__RESERVED, &sx), EINVAL);
    CHECK_ERR(sys_statx(AT_FDCWD, "f", APUS_AT_STATX_SYNC_TYPE, APUS_STATX_BASIC_STATS, &sx), EINVAL);
    CHECK_ERR(sys_statx(AT_FDCWD, "f", 0x40000000, APUS_STATX_BASIC_STATS, &sx), EINVAL);
    CHECK_ERR(sys_statx(AT_FDCWD, "missing", 0, APUS_STATX_BASIC_STATS, &sx), ENOENT);
    CHECK_ERR(sys_statx(fd, "x", 0, APUS_STATX_BASIC_STATS, &sx), ENOTDIR);
    CHECK_ERR(sys_statx(777, "f", 0, APUS_STATX_BASIC_STATS, &sx), EBADF);
    CHECK_ERR(sys_statx(AT_FDCWD, "f", 0, APUS_STATX_BASIC_STATS, (void *)8), EFAULT);
    close(fd);
    test_leave_scratch_dir();
    return test_finish("statx");
}
