/* /proc/self/mounts, /proc/self/mountinfo, /proc/mounts (a link to self/mounts) and
 * /proc/filesystems in Linux's formats (proc(5)): a tmpfs mounted on a scratch directory shows
 * as "SOURCE POINT tmpfs rw,relatime,size=1024k 0 0" and, in mountinfo, as
 * "ID PARENT MAJOR:MINOR / POINT rw,relatime - tmpfs SOURCE rw,size=1024k" with the parent the
 * mount holding the scratch directory and MAJOR:MINOR its st_dev; a remount's flags appear;
 * spaces in the point are \040; the line is gone after umount. Needs root: without it, SKIP. */
#include "apus_test.h"
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

static char text[65536];

/* The line of `file` whose field `field` (0-based, space-separated) is `value`, copied to `line`. */
static int find_line(const char *file, int field, const char *value, char *line, size_t size)
{
    if (apus_read_file(file, text, sizeof text) <= 0)
        return 0;
    for (char *start = text; *start;) {
        char *end = strchr(start, '\n');
        size_t length = end ? (size_t)(end - start) : strlen(start);
        char copy[1024];
        snprintf(copy, sizeof copy, "%.*s", (int)length, start);
        char *cursor = copy, *item = NULL;
        for (int i = 0; i <= field; i++)
            item = strsep(&cursor, " ");
        if (item && !strcmp(item, value)) {
            snprintf(line, size, "%.*s", (int)length, start);
            return 1;
        }
        if (!end)
            break;
        start = end + 1;
    }
    return 0;
}

int main(void)
{
    if (geteuid() != 0) {
        printf("SKIP proc/mounts: mount(2) needs root\n");
        return 0;
    }
    if (test_enter_scratch_dir("mounts") != 0)
        return test_finish("mounts");
    char point[512], spaced[512], escaped[600], line[1024], expected[1024];
    snprintf(point, sizeof point, "%s/m", apus_scratch_dir);
    snprintf(spaced, sizeof spaced, "%s/a b", apus_scratch_dir);
    snprintf(escaped, sizeof escaped, "%s/a\\040b", apus_scratch_dir);
    CHECK_OK(mkdir("m", 0755));
    CHECK_OK(mkdir("a b", 0755));

    char link[64] = {0};
    CHECK_EQ_LONG(readlink("/proc/mounts", link, sizeof link - 1), 11);
    CHECK_EQ_STR(link, "self/mounts");
    CHECK(apus_read_file("/proc/filesystems", text, sizeof text) > 0, "read /proc/filesystems");
    CHECK(strstr(text, "nodev\ttmpfs\n") != NULL, "/proc/filesystems lists tmpfs");
    CHECK(strstr(text, "nodev\tproc\n") != NULL, "/proc/filesystems lists proc");

    CHECK_OK(mount("apus-src", "m", "tmpfs", 0, "size=1m"));
    CHECK(find_line("/proc/self/mounts", 1, point, line, sizeof line), "/proc/self/mounts lists the mount");
    snprintf(expected, sizeof expected, "apus-src %s tmpfs rw,relatime,size=1024k 0 0", point);
    CHECK_EQ_STR(line, expected);
    CHECK(find_line("/proc/mounts", 1, point, line, sizeof line), "/proc/mounts lists it");
    CHECK_EQ_STR(line, expected);

    /* mountinfo: the parent is the mount holding the scratch directory. */
    struct stat mounted, scratch;
    CHECK_OK(stat("m", &mounted));
    CHECK_OK(stat(".", &scratch));
    CHECK(find_line("/proc/self/mountinfo", 4, point, line, sizeof line), "mountinfo lists the mount");
    int id = -1, parent = -1;
    unsigned major_number = 0, minor_number = 0;
    char root[64], where[512], options[128], dash[8], type[32], source[64], superOptions[128];
    CHECK_EQ_LONG(sscanf(line, "%d %d %u:%u %63s %511s %127s %7s %31s %63s %127s", &id, &parent, &major_number, &minor_number,
                         root, where, options, dash, type, source, superOptions), 11);
    CHECK_EQ_LONG(major_number, major(mounted.st_dev));
    CHECK_EQ_LONG(minor_number, minor(mounted.st_dev));
    CHECK_EQ_STR(root, "/");
    CHECK_EQ_STR(options, "rw,relatime");
    CHECK_EQ_STR(dash, "-");
    CHECK_EQ_STR(type, "tmpfs");
    CHECK_EQ_STR(source, "apus-src");
    CHECK_EQ_STR(superOptions, "rw,size=1024k");
    CHECK(id != parent, "own ID differs from the parent's");
    /* The parent: the line whose MAJOR:MINOR is the scratch directory's st_dev, nearest the end. */
    char device[32], parentLine[1024];
    snprintf(device, sizeof device, "%u:%u", major(scratch.st_dev), minor(scratch.st_dev));
    if (find_line("/proc/self/mountinfo", 2, device, parentLine, sizeof parentLine)) {
        int parentID = -2;
        sscanf(parentLine, "%d", &parentID);
        CHECK_EQ_LONG(parent, parentID);
    } else {
        CHECK(0, "mountinfo lists the mount holding the scratch directory");
    }

    /* A remount's flags. */
    CHECK_OK(mount(NULL, "m", NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=1m"));
    CHECK(find_line("/proc/self/mounts", 1, point, line, sizeof line), "still listed after remount");
    snprintf(expected, sizeof expected, "apus-src %s tmpfs ro,nosuid,nodev,noexec,relatime,size=1024k 0 0", point);
    CHECK_EQ_STR(line, expected);
    CHECK(find_line("/proc/self/mountinfo", 4, point, line, sizeof line), "mountinfo after remount");
    CHECK(strstr(line, " / ") && strstr(line, " ro,nosuid,nodev,noexec,relatime - tmpfs apus-src ro,size=1024k"),
          "mountinfo shows the remount's flags");

    /* Escaped spaces. */
    CHECK_OK(mount("apus src", "a b", "ramfs", MS_NOATIME, NULL));
    CHECK(find_line("/proc/self/mounts", 1, escaped, line, sizeof line), "a space in the point is \\040");
    snprintf(expected, sizeof expected, "apus\\040src %s ramfs rw,noatime 0 0", escaped);
    CHECK_EQ_STR(line, expected);

    CHECK_OK(umount("m"));
    CHECK_OK(umount(spaced));
    CHECK(!find_line("/proc/self/mounts", 1, point, line, sizeof line), "gone after umount");
    CHECK(!find_line("/proc/self/mountinfo", 4, point, line, sizeof line), "gone from mountinfo after umount");

    umount2("m", MNT_DETACH);
    umount2(spaced, MNT_DETACH);
    test_leave_scratch_dir();
    return test_finish("mounts");
}
