/*
 * apus_ext2.h: the programs of the `ext2` level run in a directory on a real ext2 file system.
 *
 * The runner attaches a fresh ext2 image as /dev/vda (mke2fs -t ext2 -b 1024 -L apus-ext2-test,
 * 64 MiB: Toolkit UserTests.swift); on Apus and on Debian's Linux in the same QEMU. A program
 * calls ext2_enter("name"): it recognizes the image by its magic number and volume label
 * through a read-only descriptor (a /dev/vda that is some other disk, like a host's own, is left
 * alone and the program prints SKIP), mounts it on /tmp/apus-ext2-mnt and makes a fresh
 * directory <name>-<pid> on it the current directory. ext2_remount() unmounts and mounts the
 * volume again, so what is read afterwards came from the disk, not from memory.
 * ext2_leave() unmounts; the files stay on the image, where e2fsck -fn checks them after the
 * program (a program that leaves an image e2fsck does not call clean fails).
 */
#ifndef APUS_EXT2_H
#define APUS_EXT2_H

#include "apus_test.h"

#include <stdlib.h>
#include <sys/mount.h>
#include <sys/statfs.h>

#define EXT2_TEST_DEVICE "/dev/vda"
#define EXT2_TEST_MOUNT "/tmp/apus-ext2-mnt"
#define EXT2_TEST_LABEL "apus-ext2-test"
#define EXT2_SUPER_MAGIC_VALUE 0xEF53

static char ext2_work_dir[256];

/* Whether /dev/vda holds the test image: superblock magic and volume label. */
static inline int ext2_recognize(const char **why)
{
    int fd = open(EXT2_TEST_DEVICE, O_RDONLY);
    if (fd < 0) {
        *why = errno == ENOENT ? "no /dev/vda (run inside QEMU with the ext2 test image attached)"
                               : "this machine's /dev/vda may not be opened here: left alone";
        return 0;
    }
    unsigned char super[1024];
    ssize_t got = pread(fd, super, sizeof super, 1024);
    close(fd);
    int magic = got == (ssize_t)sizeof super ? super[56] | super[57] << 8 : 0;
    if (magic != EXT2_SUPER_MAGIC_VALUE || strncmp((const char *)super + 120, EXT2_TEST_LABEL, 16) != 0) {
        *why = "/dev/vda is not the ext2 test image (this machine's own disk?): left alone";
        return 0;
    }
    return 1;
}

static inline int ext2_mount(void)
{
    return mount(EXT2_TEST_DEVICE, EXT2_TEST_MOUNT, "ext2", 0, NULL);
}

/* Returns 1 when the current directory is a fresh directory on the ext2 volume; 0 after
 * printing SKIP (the caller returns 0 at once) or recording a failure (the caller finishes). */
#define ext2_enter(name) apus_ext2_enter(__FILE__, __LINE__, (name))
static inline int apus_ext2_enter(const char *file, int line, const char *name)
{
    const char *why = "";
    if (!ext2_recognize(&why)) {
        char subsystem_line[512];
        int n = snprintf(subsystem_line, sizeof subsystem_line, "SKIP ext2/%s: %s\n", name, why);
        if (n > 0)
            apus_write_all(1, subsystem_line, (size_t)n < sizeof subsystem_line ? (size_t)n : sizeof subsystem_line - 1);
        return 0;
    }
    if (mkdir(EXT2_TEST_MOUNT, 0755) != 0 && errno != EEXIST) {
        apus_fail(file, line, errno, "mkdir %s", EXT2_TEST_MOUNT);
        return 0;
    }
    if (ext2_mount() != 0) {
        apus_fail(file, line, errno, "mount %s on %s as ext2", EXT2_TEST_DEVICE, EXT2_TEST_MOUNT);
        return 0;
    }
    snprintf(ext2_work_dir, sizeof ext2_work_dir, "%s/%s-%d", EXT2_TEST_MOUNT, name, (int)getpid());
    if (mkdir(ext2_work_dir, 0755) != 0 || chdir(ext2_work_dir) != 0) {
        apus_fail(file, line, errno, "cannot create %s", ext2_work_dir);
        return 0;
    }
    return 1;
}

/* Unmounts and mounts again; the current directory is the work directory again. 0 on success. */
#define ext2_remount() apus_ext2_remount(__FILE__, __LINE__)
static inline int apus_ext2_remount(const char *file, int line)
{
    if (chdir("/") != 0 || umount2(EXT2_TEST_MOUNT, 0) != 0) {
        apus_fail(file, line, errno, "umount %s", EXT2_TEST_MOUNT);
        return -1;
    }
    if (ext2_mount() != 0 || chdir(ext2_work_dir) != 0) {
        apus_fail(file, line, errno, "mount %s again", EXT2_TEST_MOUNT);
        return -1;
    }
    return 0;
}

/* Leaves the volume and unmounts it (which writes everything back). */
#define ext2_leave() apus_ext2_leave(__FILE__, __LINE__)
static inline void apus_ext2_leave(const char *file, int line)
{
    if (chdir("/") != 0 || umount2(EXT2_TEST_MOUNT, 0) != 0)
        apus_fail(file, line, errno, "umount %s at the end", EXT2_TEST_MOUNT);
}

/* Fills buf with bytes that depend on the file offset and a seed, to tell blocks apart. */
static inline void ext2_pattern(unsigned char *buf, size_t len, long long offset, unsigned seed)
{
    for (size_t i = 0; i < len; i++) {
        unsigned long long x = (unsigned long long)(offset + (long long)i);
        buf[i] = (unsigned char)((x >> 10) * 131u + (x & 1023u) * 7u + seed);
    }
}

/* Whether the len bytes at buf match ext2_pattern(offset, seed). */
static inline int ext2_pattern_matches(const unsigned char *buf, size_t len, long long offset, unsigned seed)
{
    for (size_t i = 0; i < len; i++) {
        unsigned long long x = (unsigned long long)(offset + (long long)i);
        if (buf[i] != (unsigned char)((x >> 10) * 131u + (x & 1023u) * 7u + seed))
            return 0;
    }
    return 1;
}

static inline int ext2_all_zero(const unsigned char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (buf[i] != 0)
            return 0;
    return 1;
}

#endif
