/* statfs(2) and fstatfs(2) on ext2: the magic number, the block size, the total counts a 64 MiB
 * volume of 1 KiB blocks has, free blocks that fall by what a file takes and come back when it is
 * removed, free inodes that fall by one per file, the reserved blocks (f_bavail below f_bfree),
 * the name length limit; the counts are the same after an unmount and a new mount. */

#include "apus_ext2.h"

static unsigned char buffer[64 * 1024];

int main(void)
{
    if (!ext2_enter("statfs"))
        return test_finish("statfs");
    struct statfs sf, after;
    CHECK_OK(statfs(".", &sf));
    CHECK_EQ_LONG(sf.f_type, EXT2_SUPER_MAGIC_VALUE);
    CHECK_EQ_LONG(sf.f_bsize, 1024);
    CHECK_EQ_LONG(sf.f_namelen, 255);
    CHECK(sf.f_blocks > 60000 && sf.f_blocks <= 65536, "about 64 Ki blocks in all");
    CHECK(sf.f_bfree < sf.f_blocks && sf.f_bavail < sf.f_bfree, "free below total, available below free");
    CHECK(sf.f_files >= 4096 && sf.f_ffree < sf.f_files, "inode counts");
    int fd = open(".", O_RDONLY | O_DIRECTORY);
    struct statfs by_fd;
    CHECK_OK(fstatfs(fd, &by_fd));
    close(fd);
    CHECK_EQ_LONG(by_fd.f_blocks, sf.f_blocks);
    CHECK_EQ_LONG(by_fd.f_bfree, sf.f_bfree);

    /* 256 KiB: 256 data blocks and one indirect block. */
    fd = open("file", O_WRONLY | O_CREAT | O_EXCL, 0644);
    CHECK(fd >= 0, "create file");
    for (int i = 0; i < 4; i++)
        CHECK_EQ_LONG(write(fd, buffer, sizeof buffer), sizeof buffer);
    CHECK_OK(fsync(fd));
    close(fd);
    CHECK_OK(statfs(".", &after));
    CHECK_EQ_LONG(sf.f_bfree - after.f_bfree, 257);
    CHECK_EQ_LONG(sf.f_bavail - after.f_bavail, 257);
    CHECK_EQ_LONG(sf.f_ffree - after.f_ffree, 1);
    CHECK_EQ_LONG(after.f_blocks, sf.f_blocks);
    CHECK_EQ_LONG(after.f_files, sf.f_files);

    /* Ten empty files: ten inodes, no blocks. */
    char name[32];
    for (int i = 0; i < 10; i++) {
        snprintf(name, sizeof name, "empty%d", i);
        CHECK_EQ_LONG(apus_write_file(name, "", 0), 0);
    }
    struct statfs more;
    CHECK_OK(statfs(".", &more));
    CHECK_EQ_LONG(after.f_ffree - more.f_ffree, 10);
    CHECK_EQ_LONG(after.f_bfree - more.f_bfree, 0);

    if (ext2_remount() == 0) {
        struct statfs again;
        CHECK_OK(statfs(".", &again));
        CHECK_EQ_LONG(again.f_bfree, more.f_bfree);
        CHECK_EQ_LONG(again.f_ffree, more.f_ffree);
    }
    CHECK_OK(unlink("file"));
    for (int i = 0; i < 10; i++) {
        snprintf(name, sizeof name, "empty%d", i);
        CHECK_OK(unlink(name));
    }
    sync();
    CHECK_OK(statfs(".", &after));
    CHECK_EQ_LONG(after.f_bfree, sf.f_bfree);
    CHECK_EQ_LONG(after.f_ffree, sf.f_ffree);
    ext2_leave();
    return test_finish("statfs");
}
