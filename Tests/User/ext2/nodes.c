/* mknod(2) and mkfifo(3) on ext2: character and block device nodes keep their major and minor
 * numbers (small ones in the old encoding, big ones in the new), a FIFO and a socket node keep
 * their kind; all of them survive an unmount and a new mount; opening a device node of a
 * number no driver has is ENXIO; a FIFO opened O_RDWR passes data; EEXIST for a taken name. */

#include "apus_ext2.h"

#include <sys/sysmacros.h>

static void check_node(const char *name, mode_t kind, unsigned major_number, unsigned minor_number)
{
    struct stat st;
    CHECK_OK(lstat(name, &st));
    CHECK((st.st_mode & S_IFMT) == kind, name);
    CHECK_EQ_LONG(st.st_mode & 07777, 0640);
    if (kind == S_IFCHR || kind == S_IFBLK) {
        CHECK_EQ_LONG(major(st.st_rdev), major_number);
        CHECK_EQ_LONG(minor(st.st_rdev), minor_number);
    } else {
        CHECK_EQ_LONG(st.st_rdev, 0);
    }
    CHECK_EQ_LONG(st.st_size, 0);
    CHECK_EQ_LONG(st.st_blocks, 0);
}

static void check_all(void)
{
    check_node("null", S_IFCHR, 1, 3);
    check_node("big", S_IFCHR, 300, 70000);
    check_node("disk", S_IFBLK, 254, 0);
    check_node("fifo", S_IFIFO, 0, 0);
    check_node("socket", S_IFSOCK, 0, 0);
}

int main(void)
{
    if (!ext2_enter("nodes"))
        return test_finish("nodes");
    umask(0);
    CHECK_OK(mknod("null", S_IFCHR | 0640, makedev(1, 3)));
    CHECK_OK(mknod("big", S_IFCHR | 0640, makedev(300, 70000)));
    CHECK_OK(mknod("disk", S_IFBLK | 0640, makedev(254, 0)));
    CHECK_OK(mkfifo("fifo", 0640));
    CHECK_OK(mknod("socket", S_IFSOCK | 0640, 0));
    CHECK_ERR(mknod("null", S_IFCHR | 0640, makedev(1, 3)), EEXIST);
    CHECK_ERR(mkfifo("fifo", 0640), EEXIST);
    check_all();

    /* The device node reaches the device: /dev/null's number reads end-of-file. */
    int fd = open("null", O_RDWR);
    CHECK(fd >= 0, "open the null node");
    char byte;
    CHECK_EQ_LONG(read(fd, &byte, 1), 0);
    CHECK_EQ_LONG(write(fd, "x", 1), 1);
    close(fd);
    CHECK_ERR(open("big", O_RDONLY), ENXIO);

    /* A FIFO opened for reading and writing passes data through. */
    fd = open("fifo", O_RDWR);
    CHECK(fd >= 0, "open the fifo O_RDWR");
    CHECK_EQ_LONG(write(fd, "pipe", 4), 4);
    char text[8] = {0};
    CHECK_EQ_LONG(read(fd, text, sizeof text), 4);
    CHECK(memcmp(text, "pipe", 4) == 0, "data through the fifo");
    close(fd);

    if (ext2_remount() == 0)
        check_all();
    CHECK_OK(unlink("null"));
    CHECK_OK(unlink("fifo"));
    ext2_leave();
    return test_finish("nodes");
}
