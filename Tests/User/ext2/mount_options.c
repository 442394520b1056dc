/* ext2 mount options as Linux takes them: errors=continue, errors=remount-ro and errors=panic
 * mount (and the volume works), as do user_xattr and acl; an unknown
 * option, errors= with a bad value or none is EINVAL, at mount and at MS_REMOUNT; a remount may
 * change errors=. (Nothing here corrupts the disk: the behaviour on a corruption is a host test
 * of the Ext2 library.) */

#include "apus_ext2.h"

static void mount_and_use(const char *options)
{
    CHECK(mount(EXT2_TEST_DEVICE, EXT2_TEST_MOUNT, "ext2", 0, options) == 0, options);
    char path[512];
    snprintf(path, sizeof path, "%s/file", ext2_work_dir);
    CHECK_EQ_LONG(apus_write_file(path, "data", 4), 0);
    char text[8] = {0};
    CHECK_EQ_LONG(apus_read_file(path, text, sizeof text), 4);
    CHECK(memcmp(text, "data", 4) == 0, options);
    CHECK_OK(unlink(path));
    CHECK_OK(umount2(EXT2_TEST_MOUNT, 0));
}

int main(void)
{
    if (!ext2_enter("mount_options"))
        return test_finish("mount_options");
    CHECK_OK(chdir("/"));
    CHECK_OK(umount2(EXT2_TEST_MOUNT, 0));

    const char *refused[] = {"nosuchoption", "errors=stop", "errors", "errors=", "errors=continue,nosuchoption"};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        CHECK(mount(EXT2_TEST_DEVICE, EXT2_TEST_MOUNT, "ext2", 0, refused[i]) == -1 && errno == EINVAL, refused[i]);

    const char *taken[] = {"errors=continue", "errors=remount-ro", "errors=panic", "user_xattr,acl",
                           "acl,errors=remount-ro"};
    for (size_t i = 0; i < sizeof taken / sizeof taken[0]; i++)
        mount_and_use(taken[i]);

    /* MS_REMOUNT: errors= may change; an unknown option is EINVAL and leaves the mount as it was. */
    CHECK_OK(ext2_mount());
    CHECK_OK(mount(EXT2_TEST_DEVICE, EXT2_TEST_MOUNT, "ext2", MS_REMOUNT, "errors=remount-ro"));
    CHECK_ERR(mount(EXT2_TEST_DEVICE, EXT2_TEST_MOUNT, "ext2", MS_REMOUNT, "nosuchoption"), EINVAL);
    CHECK_OK(chdir(ext2_work_dir));
    CHECK_EQ_LONG(apus_write_file("after-remount", "x", 1), 0);
    ext2_leave();
    return test_finish("mount_options");
}
