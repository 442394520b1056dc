/* statfs(2)/fstatfs(2): /proc is procfs (PROC_SUPER_MAGIC), /dev a tmpfs
 * (TMPFS_MAGIC), a pipe pipefs (PIPEFS_MAGIC), a socket sockfs
 * (SOCKFS_MAGIC); page-size blocks, 255-byte names, f_frsize set, ST_VALID
 * in f_flags, /proc's read-only and noexec-style flags as /proc/mounts lists
 * them; statfs of a path and fstatfs of a descriptor on it agree; the
 * errors. */
#include "apus_test.h"
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>

#define PROC_SUPER_MAGIC 0x9fa0
#define TMPFS_MAGIC 0x01021994
#define PIPEFS_MAGIC 0x50495045
#define SOCKFS_MAGIC 0x534F434B
#define ST_VALID 0x0020

/* Whether the mount at `point` lists `option` in /proc/mounts. */
static int mount_has_option(const char *point, const char *option)
{
    static char text[8192];
    if (apus_read_file("/proc/mounts", text, sizeof text) <= 0)
        return 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        char source[256], where[256], type[64], options[512];
        if (sscanf(line, "%255s %255s %63s %511s", source, where, type, options) != 4 || strcmp(where, point))
            continue;
        for (char *item = strtok(options, ","); item; item = strtok(NULL, ","))
            if (!strcmp(item, option))
                return 1;
        return 0;
    }
    return 0;
}

int main(void)
{
    struct statfs proc, dev, pipefs, root, rootByFd;
    CHECK_OK(statfs("/proc", &proc));
    CHECK_EQ_LONG(proc.f_type, PROC_SUPER_MAGIC);
    CHECK_EQ_LONG(proc.f_bsize, 4096);
    CHECK_EQ_LONG(proc.f_frsize, 4096);
    CHECK_EQ_LONG(proc.f_namelen, 255);
    CHECK(proc.f_flags & ST_VALID, "ST_VALID set");
    CHECK(!!(proc.f_flags & ST_NOEXEC) == mount_has_option("/proc", "noexec"), "noexec as /proc/mounts says");
    CHECK(!!(proc.f_flags & ST_RDONLY) == mount_has_option("/proc", "ro"), "ro as /proc/mounts says");
    CHECK_OK(statfs("/proc/self/stat", &proc));   /* a file inside: the same file system */
    CHECK_EQ_LONG(proc.f_type, PROC_SUPER_MAGIC);

    CHECK_OK(statfs("/dev", &dev));
    CHECK_EQ_LONG(dev.f_type, TMPFS_MAGIC);
    CHECK_EQ_LONG(dev.f_bsize, 4096);
    int null = open("/dev/null", O_RDONLY);
    CHECK(null >= 0, "open /dev/null");
    struct statfs byFd;
    CHECK_OK(fstatfs(null, &byFd));
    CHECK_EQ_LONG(byFd.f_type, TMPFS_MAGIC);
    close(null);

    int ends[2];
    CHECK_OK(pipe(ends));
    CHECK_OK(fstatfs(ends[0], &pipefs));
    CHECK_EQ_LONG(pipefs.f_type, PIPEFS_MAGIC);
    CHECK_EQ_LONG(pipefs.f_bsize, 4096);
    close(ends[0]);
    close(ends[1]);

    /* A socket is on sockfs (fstatfs on one logged and failed with ENOSYS). */
    struct statfs sockfs;
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, ends));
    CHECK_OK(fstatfs(ends[0], &sockfs));
    CHECK_EQ_LONG(sockfs.f_type, SOCKFS_MAGIC);
    CHECK_EQ_LONG(sockfs.f_bsize, 4096);
    close(ends[0]);
    close(ends[1]);

    /* A path and a descriptor on it name the same file system. */
    CHECK_OK(statfs("/", &root));
    int slash = open("/", O_RDONLY | O_DIRECTORY);
    CHECK(slash >= 0, "open /");
    CHECK_OK(fstatfs(slash, &rootByFd));
    CHECK_EQ_LONG(rootByFd.f_type, root.f_type);
    CHECK(!memcmp(&rootByFd.f_fsid, &root.f_fsid, sizeof root.f_fsid), "same f_fsid");
    /* statvfs (glibc and musl build it from statfs) agrees. */
    struct statvfs vfs;
    CHECK_OK(statvfs("/proc", &vfs));
    CHECK_EQ_LONG(vfs.f_bsize, 4096);
    CHECK_EQ_LONG(vfs.f_namemax, 255);

    /* Errors. */
    CHECK_ERR(statfs("/no/such/place", &root), ENOENT);
    CHECK_ERR(statfs("/proc/self/stat/x", &root), ENOTDIR);
    CHECK_ERR(syscall(SYS_statfs, NULL, &root), EFAULT);
    CHECK_ERR(syscall(SYS_statfs, "/", (void *)8), EFAULT);
    CHECK_ERR(fstatfs(-1, &root), EBADF);
    CHECK_ERR(fstatfs(9999, &root), EBADF);
    CHECK_ERR(syscall(SYS_fstatfs, slash, (void *)8), EFAULT);
    close(slash);
    return test_finish("statfs");
}
