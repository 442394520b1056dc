/* ext2_walk: init of the ext2 mount fuzzer's boots (Toolkit ApusKit/Ext2MountFuzz.swift). Each
 * attached disk /dev/vda, /dev/vdb... holds a corrupted ext2 image; for each one in turn this
 * mounts it (or reports the error the kernel refused it with), walks the whole tree (lists every
 * directory, stats every entry, reads every file and symbolic link), tries a create, a write, an
 * mkdir, a rename and the unlinks, and unmounts. Everything is bounded (depth, entries, bytes
 * read), so a directory loop on the image cannot keep it busy forever. It prints a line before
 * each image and one after, and `ext2-walk: done N` at the end; the toolkit passes a boot that
 * printed that line and ended with status 0 (no panic, no hang).
 *
 * It refuses to run unless it is process 1: it mounts whatever /dev/vd* is, which on a host is
 * the machine's own disk. */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_DEPTH 8
#define MAX_ENTRIES 4000
#define MAX_FILE_BYTES (512 * 1024)

static char line[1024];
static int entries_seen;
static int errors_seen;

static void say(const char *text)
{
    size_t n = strlen(text);
    while (n > 0) {
        ssize_t w = write(1, text, n);
        if (w <= 0)
            return;
        text += w;
        n -= (size_t)w;
    }
}

static void read_file(const char *path)
{
    static char buffer[16384];
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) {
        errors_seen++;
        return;
    }
    long total = 0;
    for (;;) {
        ssize_t got = read(fd, buffer, sizeof buffer);
        if (got <= 0) {
            if (got < 0)
                errors_seen++;
            break;
        }
        total += got;
        if (total >= MAX_FILE_BYTES)
            break;
    }
    /* A read far into the file: a corrupt size or block map reaches odd places. */
    if (pread(fd, buffer, sizeof buffer, 1L << 30) < 0)
        errors_seen++;
    close(fd);
}

static void walk(const char *path, int depth)
{
    if (depth > MAX_DEPTH || entries_seen > MAX_ENTRIES)
        return;
    DIR *dir = opendir(path);
    if (!dir) {
        errors_seen++;
        return;
    }
    struct dirent *entry;
    char child[4096];
    while ((entry = readdir(dir)) != NULL && entries_seen <= MAX_ENTRIES) {
        entries_seen++;
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
            continue;
        snprintf(child, sizeof child, "%s/%s", path, entry->d_name);
        struct stat st;
        if (lstat(child, &st) != 0) {
            errors_seen++;
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            walk(child, depth + 1);
        } else if (S_ISREG(st.st_mode)) {
            read_file(child);
        } else if (S_ISLNK(st.st_mode)) {
            char target[4096];
            if (readlink(child, target, sizeof target) < 0)
                errors_seen++;
            if (stat(child, &st) != 0)
                errors_seen++;
        }
    }
    closedir(dir);
}

/* Changes that make the driver allocate and free on the damaged image. */
static void try_changes(const char *mount_point)
{
    char path[256], other[256];
    snprintf(path, sizeof path, "%s/fuzz-new", mount_point);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
        static char block[8192];
        memset(block, 0x5a, sizeof block);
        if (write(fd, block, sizeof block) < 0 || pwrite(fd, block, 100, 300000) < 0 || fsync(fd) != 0)
            errors_seen++;
        if (ftruncate(fd, 1000) != 0)
            errors_seen++;
        close(fd);
        snprintf(other, sizeof other, "%s/fuzz-renamed", mount_point);
        if (rename(path, other) != 0 || unlink(other) != 0)
            errors_seen++;
    } else {
        errors_seen++;
    }
    snprintf(path, sizeof path, "%s/fuzz-dir", mount_point);
    if (mkdir(path, 0755) != 0 || rmdir(path) != 0)
        errors_seen++;
    snprintf(path, sizeof path, "%s/dir/fuzz-link", mount_point);
    if (symlink("a-target-long-enough-to-need-a-block-of-its-own-on-the-disk-0123456789", path) != 0 || unlink(path) != 0)
        errors_seen++;
    sync();
}

int main(void)
{
    if (getpid() != 1) {
        say("ext2_walk: refusing to run: not process 1 (it mounts every /dev/vd* it finds)\n");
        return 2;
    }
    mkdir("/mnt", 0755);
    int images = 0;
    for (char letter = 'a'; letter <= 'z'; letter++) {
        char device[32], mount_point[32];
        snprintf(device, sizeof device, "/dev/vd%c", letter);
        if (access(device, F_OK) != 0)
            break;
        snprintf(mount_point, sizeof mount_point, "/mnt/%c", letter);
        mkdir(mount_point, 0755);
        snprintf(line, sizeof line, "ext2-walk: vd%c: mounting\n", letter);
        say(line);
        images++;
        entries_seen = 0;
        errors_seen = 0;
        if (mount(device, mount_point, "ext2", 0, NULL) != 0) {
            int refused = errno;
            /* A read-only mount may still be possible (a RO_COMPAT bit); walk that. */
            if (mount(device, mount_point, "ext2", MS_RDONLY, NULL) != 0) {
                snprintf(line, sizeof line, "ext2-walk: vd%c: refused (errno %d, read-only: errno %d)\n", letter, refused, errno);
                say(line);
                continue;
            }
        }
        snprintf(line, sizeof line, "ext2-walk: vd%c: mounted, walking\n", letter);
        say(line);
        walk(mount_point, 0);
        snprintf(line, sizeof line, "ext2-walk: vd%c: changing\n", letter);
        say(line);
        try_changes(mount_point);
        snprintf(line, sizeof line, "ext2-walk: vd%c: walking again, unmounting\n", letter);
        say(line);
        walk(mount_point, 0);
        int unmounted = umount2(mount_point, 0) == 0 ? 0 : errno;
        snprintf(line, sizeof line, "ext2-walk: vd%c: walked %d entries, %d errors, umount %d\n",
                 letter, entries_seen, errors_seen, unmounted);
        say(line);
    }
    snprintf(line, sizeof line, "ext2-walk: done %d\n", images);
    say(line);
    return 0;
}
