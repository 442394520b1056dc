/* mount(2)/umount2(2) errors in Linux's order: EFAULT for an unreadable type, ENOENT for a
 * missing target, EPERM without CAP_SYS_ADMIN (effective uid not 0) for both calls, ENODEV for an
 * unknown type, ENOTDIR for a target that is a file, EINVAL for unknown tmpfs and proc options,
 * a bad size=, MS_REMOUNT or a propagation change of a directory that is not a mount's root,
 * umount2 flags that do not exist or MNT_EXPIRE with MNT_DETACH; for a type that needs a block
 * device (ext2, when the kernel has it): EINVAL without a source, ENOENT for a missing one,
 * ENOTBLK for a regular file. Needs root: without it, prints SKIP. */
#include "apus_test.h"
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>

int main(void)
{
    if (geteuid() != 0) {
        printf("SKIP fs/mount_errors: mount(2) needs root\n");
        return 0;
    }
    if (test_enter_scratch_dir("mount_errors") != 0)
        return test_finish("mount_errors");
    CHECK_OK(mkdir("m", 0755));
    CHECK_OK(apus_write_file("file", "x", 1));

    CHECK_ERR(syscall(SYS_mount, "none", "m", (char *)8, 0L, NULL), EFAULT);
    CHECK_ERR(mount("none", "missing/m", "tmpfs", 0, NULL), ENOENT);
    CHECK_ERR(mount("none", "m", "apus-no-such-type", 0, NULL), ENODEV);
    CHECK_ERR(mount("none", "file", "tmpfs", 0, NULL), ENOTDIR);
    CHECK_ERR(mount("none", "m", "tmpfs", 0, "apus_bogus=1"), EINVAL);
    CHECK_ERR(mount("none", "m", "tmpfs", 0, "size=12q"), EINVAL);
    CHECK_ERR(mount("none", "m", "proc", 0, "apus_bogus"), EINVAL);
    CHECK_ERR(mount("none", "m", NULL, MS_REMOUNT, NULL), EINVAL);
    CHECK_ERR(mount("none", "m", NULL, MS_PRIVATE, NULL), EINVAL);
    CHECK_ERR(mount(NULL, "m", NULL, MS_PRIVATE | MS_SHARED, NULL), EINVAL);

    /* Without CAP_SYS_ADMIN (the effective uid given up, the saved one kept). */
    CHECK_OK(seteuid(65534));
    CHECK_ERR(mount("none", "m", "tmpfs", 0, NULL), EPERM);
    CHECK_ERR(mount("none", "missing", "tmpfs", 0, NULL), ENOENT);   /* the target first */
    CHECK_ERR(umount("m"), EPERM);
    CHECK_OK(seteuid(0));

    CHECK_ERR(umount("missing"), ENOENT);
    CHECK_ERR(umount("m"), EINVAL);
    CHECK_ERR(umount2("m", 0x100), EINVAL);
    CHECK_ERR(umount2("m", MNT_EXPIRE | MNT_DETACH), EINVAL);

    /* A type that takes a block device: only where the kernel has ext2. A missing source is
     * ENOENT when the type exists and ENODEV when it does not. */
    errno = 0;
    int missing = mount("missing-device", "m", "ext2", MS_RDONLY, NULL);
    if (missing == -1 && errno == ENOENT) {
        CHECK_ERR(mount(NULL, "m", "ext2", MS_RDONLY, NULL), EINVAL);
        CHECK_ERR(mount("", "m", "ext2", MS_RDONLY, NULL), EINVAL);
        CHECK_ERR(mount("file", "m", "ext2", MS_RDONLY, NULL), ENOTBLK);
        CHECK_ERR(mount("m", "m", "ext2", MS_RDONLY, NULL), ENOTBLK);
    } else {
        CHECK(missing == -1 && errno == ENODEV, "ext2 absent: ENODEV");
    }

    umount2("m", MNT_DETACH);
    test_leave_scratch_dir();
    return test_finish("mount_errors");
}
