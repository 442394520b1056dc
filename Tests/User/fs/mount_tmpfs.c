/* mount(2)/umount2(2) with tmpfs: a new, empty file system with its own st_dev, size= and
 * mode= honoured (statfs blocks, ENOSPC when full, the root's mode), ".." at the mounted root
 * leading to the mount point's parent, EXDEV across the mount, EBUSY while the working
 * directory, an open file or a mount below uses it, mounts stacked on one point (the top one
 * seen, the one below back after unmounting it), MNT_DETACH with a user inside, MNT_EXPIRE's
 * two calls, and umount of a non-mount point (EINVAL). Needs root (CAP_SYS_ADMIN): without it,
 * prints SKIP. */
#include "apus_test.h"
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#define TMPFS_MAGIC 0x01021994

static char buffer[8192];

int main(void)
{
    if (geteuid() != 0) {
        printf("SKIP fs/mount_tmpfs: mount(2) needs root\n");
        return 0;
    }
    if (test_enter_scratch_dir("mount_tmpfs") != 0)
        return test_finish("mount_tmpfs");
    struct stat scratch, point, inside, up;
    CHECK_OK(stat(".", &scratch));
    CHECK_OK(mkdir("m", 0755));
    CHECK_OK(apus_write_file("m/hidden", "x", 1));
    CHECK_OK(mount("apus-test", "m", "tmpfs", 0, "size=64k,mode=0700"));

    /* A new, empty file system; its root has the mode asked for. */
    CHECK_OK(stat("m", &point));
    CHECK(point.st_dev != scratch.st_dev, "mounted root has its own st_dev");
    CHECK_EQ_LONG(point.st_mode, S_IFDIR | 0700);
    CHECK_ERR(access("m/hidden", F_OK), ENOENT);
    CHECK_OK(stat("m/..", &up));
    CHECK_EQ_LONG(up.st_ino, scratch.st_ino);
    CHECK(up.st_dev == scratch.st_dev, ".. at the mounted root is the mount point's parent");
    struct statfs fs;
    CHECK_OK(statfs("m", &fs));
    CHECK_EQ_LONG(fs.f_type, TMPFS_MAGIC);
    CHECK_EQ_LONG(fs.f_bsize, 4096);
    CHECK_EQ_LONG(fs.f_blocks, 16);                /* size=64k */
    CHECK_EQ_LONG(fs.f_bfree, 16);

    /* size= is a limit. */
    int fd = open("m/big", O_WRONLY | O_CREAT, 0644);
    CHECK(fd >= 0, "create m/big");
    memset(buffer, 'a', sizeof buffer);
    long written = 0;
    ssize_t n = 0;
    for (int i = 0; i < 16; i++) {
        n = write(fd, buffer, sizeof buffer);
        if (n <= 0)
            break;
        written += n;
    }
    CHECK(n < 0 && errno == ENOSPC, "ENOSPC past size=");
    CHECK(written >= 60 * 1024 && written <= 64 * 1024, "about size= bytes written");
    CHECK_OK(statfs("m", &fs));
    CHECK_EQ_LONG(fs.f_bfree, 0);

    /* Busy while an open file uses it. */
    CHECK_ERR(umount("m"), EBUSY);
    CHECK_OK(close(fd));
    CHECK_OK(unlink("m/big"));

    /* Names cannot cross the mount. */
    CHECK_OK(apus_write_file("m/f", "hello", 5));
    CHECK_OK(stat("m/f", &inside));
    CHECK(inside.st_dev == point.st_dev, "a file inside has the mount's st_dev");
    CHECK_ERR(rename("m/f", "f"), EXDEV);
    CHECK_ERR(link("m/f", "f"), EXDEV);
    CHECK_ERR(rmdir("m"), EBUSY);

    /* Busy while it is the working directory. */
    CHECK_OK(chdir("m"));
    CHECK_ERR(umount2(".", 0), EBUSY);
    CHECK_OK(chdir(".."));

    /* Busy while something is mounted below. */
    CHECK_OK(mkdir("m/sub", 0755));
    CHECK_OK(mount("inner", "m/sub", "tmpfs", 0, NULL));
    CHECK_ERR(umount("m"), EBUSY);
    CHECK_OK(umount("m/sub"));

    /* Stacked: the top mount is seen, the lower one comes back after it goes. */
    CHECK_OK(mount("upper", "m", "tmpfs", 0, NULL));
    CHECK_ERR(access("m/f", F_OK), ENOENT);
    CHECK_OK(umount("m"));
    CHECK_OK(access("m/f", F_OK));

    /* Not a mount point. */
    CHECK_ERR(umount("m/sub"), EINVAL);
    CHECK_ERR(umount("."), EINVAL);

    /* MNT_EXPIRE: the first call marks it (EAGAIN), the second unmounts it. */
    CHECK_OK(mount("expiring", "m/sub", "tmpfs", 0, NULL));
    CHECK_ERR(umount2("m/sub", MNT_EXPIRE), EAGAIN);
    CHECK_OK(umount2("m/sub", MNT_EXPIRE));
    CHECK_ERR(umount("m/sub"), EINVAL);

    /* MNT_DETACH with a user inside: gone from the tree at once, the user keeps its files. */
    fd = open("m/f", O_RDONLY);
    CHECK(fd >= 0, "open m/f");
    CHECK_OK(umount2("m", MNT_DETACH));
    CHECK_OK(access("m/hidden", F_OK));
    char text[8] = {0};
    CHECK_EQ_LONG(pread(fd, text, sizeof text - 1, 0), 5);
    CHECK_EQ_STR(text, "hello");
    CHECK_OK(close(fd));
    CHECK_ERR(umount("m"), EINVAL);

    umount2("m/sub", MNT_DETACH);
    umount2("m", MNT_DETACH);
    test_leave_scratch_dir();
    return test_finish("mount_tmpfs");
}
