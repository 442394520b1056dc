/* The mount flags of mount(2): MS_RDONLY (every change through the mount is EROFS: open for
 * writing or with O_TRUNC, O_CREAT of a new name, mkdir, mknod, symlink, link, unlink, rmdir,
 * rename, chmod, chown, utimensat, truncate, access(W_OK), setxattr, removexattr; EEXIST still comes first; reading
 * and device nodes still work), MS_REMOUNT between read-only and writable (EBUSY while a file is
 * open for writing; atime flags kept when the remount names none), MS_NODEV (opening a device
 * node is EACCES), MS_NOEXEC (execve is EACCES, a PROT_EXEC mapping EPERM and mprotect to
 * PROT_EXEC EACCES), MS_NOSUID; statvfs's f_flag shows each. Needs root: without it, SKIP. */
#include "apus_test.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

static unsigned long flags_of(const char *path)
{
    struct statvfs vfs;
    if (statvfs(path, &vfs) != 0)
        return ~0UL;
    return vfs.f_flag;
}

static void read_only_checks(void)
{
    CHECK(flags_of("m") & ST_RDONLY, "ST_RDONLY");
    CHECK_ERR(open("m/f", O_WRONLY), EROFS);
    CHECK_ERR(open("m/f", O_RDWR), EROFS);
    CHECK_ERR(setxattr("m/f", "user.apus", "x", 1, 0), EROFS);
    CHECK_ERR(removexattr("m/f", "user.apus"), EROFS);
    CHECK_ERR(getxattr("m/f", "user.apus", NULL, 0), ENODATA);
    CHECK_ERR(open("m/f", O_RDONLY | O_TRUNC), EROFS);
    CHECK_ERR(open("m/new", O_RDONLY | O_CREAT, 0644), EROFS);
    int fd = open("m/f", O_RDONLY | O_CREAT, 0644);      /* exists: nothing to create */
    CHECK(fd >= 0, "O_CREAT of an existing file for reading");
    if (fd >= 0)
        close(fd);
    CHECK_ERR(open("m/d", O_WRONLY), EISDIR);
    CHECK_ERR(mkdir("m/d", 0755), EEXIST);
    CHECK_ERR(mkdir("m/e", 0755), EROFS);
    CHECK_ERR(mknod("m/fifo", S_IFIFO | 0644, 0), EROFS);
    CHECK_ERR(symlink("f", "m/link"), EROFS);
    CHECK_ERR(link("m/f", "m/g"), EROFS);
    CHECK_ERR(unlink("m/f"), EROFS);
    CHECK_ERR(unlink("m/missing"), EROFS);
    CHECK_ERR(rmdir("m/d"), EROFS);
    CHECK_ERR(rename("m/f", "m/g"), EROFS);
    CHECK_ERR(chmod("m/f", 0600), EROFS);
    CHECK_ERR(chown("m/f", 1, 1), EROFS);
    CHECK_ERR(chown("m/f", -1, -1), EROFS);
    CHECK_ERR(utimensat(AT_FDCWD, "m/f", NULL, 0), EROFS);
    CHECK_ERR(truncate("m/f", 0), EROFS);
    CHECK_ERR(access("m/f", W_OK), EROFS);
    CHECK_OK(access("m/f", R_OK));
    char text[8] = {0};
    CHECK_EQ_LONG(apus_read_file("m/f", text, sizeof text), 5);
    /* A device node on a read-only mount is still written: the write goes to the device. */
    fd = open("m/null", O_WRONLY);
    CHECK(fd >= 0, "open a device node for writing on a read-only mount");
    if (fd >= 0) {
        CHECK_EQ_LONG(write(fd, "x", 1), 1);
        close(fd);
    }
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "--exec-probe")) {
        printf("FAIL fs/mount_flags: execve from a noexec mount succeeded\n");
        return 1;
    }
    if (geteuid() != 0) {
        printf("SKIP fs/mount_flags: mount(2) needs root\n");
        return 0;
    }
    char self[4096];
    CHECK_OK(apus_self_path(argv[0], self, sizeof self));
    if (test_enter_scratch_dir("mount_flags") != 0)
        return test_finish("mount_flags");
    CHECK_OK(mkdir("m", 0755));

    /* Read-only by remount, and back. */
    CHECK_OK(mount("apus-flags", "m", "tmpfs", MS_NOATIME, NULL));
    CHECK(flags_of("m") & ST_NOATIME, "ST_NOATIME");
    CHECK(!(flags_of("m") & ST_RDONLY), "writable at first");
    CHECK_OK(apus_write_file("m/f", "hello", 5));
    CHECK_OK(mkdir("m/d", 0755));
    CHECK_OK(mknod("m/null", S_IFCHR | 0666, makedev(1, 3)));
    int writer = open("m/f", O_WRONLY);
    CHECK(writer >= 0, "open for writing");
    CHECK_ERR(mount(NULL, "m", NULL, MS_REMOUNT | MS_RDONLY | MS_NOATIME, NULL), EBUSY);
    CHECK_OK(close(writer));
    CHECK_OK(mount(NULL, "m", NULL, MS_REMOUNT | MS_RDONLY, NULL));
    CHECK(flags_of("m") & ST_NOATIME, "a remount that names no atime flag keeps noatime");
    read_only_checks();
    CHECK_OK(mount(NULL, "m", NULL, MS_REMOUNT, NULL));
    CHECK(!(flags_of("m") & ST_RDONLY), "writable again");
    CHECK_OK(apus_write_file("m/g", "x", 1));
    CHECK_OK(umount("m"));

    /* Read-only from the start: the same answers. */
    CHECK_OK(mount("apus-flags", "m", "tmpfs", 0, NULL));
    CHECK_OK(apus_write_file("m/f", "hello", 5));
    CHECK_OK(mkdir("m/d", 0755));
    CHECK_OK(mknod("m/null", S_IFCHR | 0666, makedev(1, 3)));
    CHECK_OK(mount(NULL, "m", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL));
    read_only_checks();
    CHECK_OK(umount("m"));

    /* nodev: device nodes cannot be opened; FIFOs can. */
    CHECK_OK(mount("apus-flags", "m", "tmpfs", MS_NODEV | MS_NOSUID, NULL));
    CHECK(flags_of("m") & ST_NODEV, "ST_NODEV");
    CHECK(flags_of("m") & ST_NOSUID, "ST_NOSUID");
    CHECK_OK(mknod("m/null", S_IFCHR | 0666, makedev(1, 3)));
    CHECK_ERR(open("m/null", O_RDONLY), EACCES);
    CHECK_ERR(open("m/null", O_WRONLY), EACCES);
    CHECK_OK(mknod("m/fifo", S_IFIFO | 0644, 0));
    int fifo = open("m/fifo", O_RDONLY | O_NONBLOCK);
    CHECK(fifo >= 0, "a FIFO opens on a nodev mount");
    if (fifo >= 0)
        close(fifo);
    CHECK_OK(umount("m"));

    /* noexec: no execve, no executable mapping. */
    CHECK_OK(mount("apus-flags", "m", "tmpfs", MS_NOEXEC, NULL));
    CHECK(flags_of("m") & ST_NOEXEC, "ST_NOEXEC");
    static char image[1 << 16];
    int in = open(self, O_RDONLY), out = open("m/prog", O_WRONLY | O_CREAT, 0755);
    CHECK(in >= 0 && out >= 0, "copy the program into the mount");
    ssize_t n;
    while (in >= 0 && out >= 0 && (n = read(in, image, sizeof image)) > 0)
        CHECK_EQ_LONG(write(out, image, n), n);
    if (in >= 0)
        close(in);
    if (out >= 0)
        close(out);
    char *args[] = {"m/prog", "--exec-probe", NULL};
    char *environment[] = {NULL};
    CHECK_ERR(execve("m/prog", args, environment), EACCES);
    int fd = open("m/prog", O_RDONLY);
    CHECK(fd >= 0, "open m/prog");
    CHECK(mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0) == MAP_FAILED && errno == EPERM,
          "PROT_EXEC mapping on noexec: EPERM");
    void *page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
    CHECK(page != MAP_FAILED, "PROT_READ mapping on noexec");
    if (page != MAP_FAILED) {
        CHECK_ERR(mprotect(page, 4096, PROT_READ | PROT_EXEC), EACCES);
        munmap(page, 4096);
    }
    if (fd >= 0)
        close(fd);
    CHECK_OK(mount(NULL, "m", NULL, MS_REMOUNT, NULL));           /* exec allowed again */
    CHECK(!(flags_of("m") & ST_NOEXEC), "remount clears noexec");
    CHECK_OK(umount("m"));

    umount2("m", MNT_DETACH);
    test_leave_scratch_dir();
    return test_finish("mount_flags");
}
