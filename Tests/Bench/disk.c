/*
 * disk.c: ext2 on a virtio disk (the `disk` family). The runner attaches a fresh ext2 image
 * labelled apus-bench-disk as /dev/vda (4 KiB blocks; the same image on Apus and Linux, where
 * Debian's ext4 module mounts it as ext2) and puts a tar of a small source tree at
 * /bench/tree.tar; the first disk benchmark mounts the volume on /bench-disk. Without that disk
 * (natively on a host) each prints BENCH_SKIP.
 *   disk_seq_write     write a 64 MiB file in 64 KiB requests, then fsync: the data reaches the disk;
 *   disk_seq_read_cold read it once right after an unmount and a new mount (nothing cached);
 *   disk_seq_read_warm read it again, from the cache;
 *   disk_rand_read_4k  4 KiB preads at pseudo-random aligned offsets of the cached file;
 *   disk_create_unlink create (with 100 bytes each) and unlink 10,000 files in one directory,
 *                      per file;
 *   disk_untar         busybox tar -x of the tree onto the disk, per extraction (the removal
 *                      between extractions is not counted).
 * --quick uses an 8 MiB file and 1,000 files.
 */
#include "bench.h"

#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static const char device[] = "/dev/vda";
static const char mount_point[] = "/bench-disk";
static const char big_file[] = "/bench-disk/big";
static int mounted;

static long file_bytes(void) { return bench_quick ? 8l << 20 : 64l << 20; }
static int small_files(void) { return bench_quick ? 1000 : 10000; }

/* 0 when the volume is mounted; 1 after printing BENCH_SKIP (no bench disk here); -1 on error. */
static int ensure_mounted(const struct bench_spec *spec)
{
    if (mounted) return 0;
    int fd = open(device, O_RDONLY);
    unsigned char super[1024];
    int recognized = fd >= 0 && pread(fd, super, sizeof super, 1024) == (ssize_t)sizeof super
        && (super[56] | super[57] << 8) == 0xEF53 && strncmp((const char *)super + 120, "apus-bench-disk", 16) == 0;
    if (fd >= 0) close(fd);
    if (!recognized) {
        bench_printf("BENCH_SKIP %s no ext2 bench disk on %s", spec->name, device);
        return 1;
    }
    mkdir(mount_point, 0755);
    if (mount(device, mount_point, "ext2", 0, NULL) != 0) return bench_syscall_failed("mount");
    mounted = 1;
    return 0;
}

static char *request_buffer(void)
{
    static char *buffer;
    if (!buffer && (buffer = malloc(65536)) != NULL)
        for (int i = 0; i < 65536; i++) buffer[i] = (char)(i * 13 + 1);
    return buffer;
}

/* Byte at `offset` of the big file: changes with each 4 KiB block. */
static char block_mark(long offset) { return (char)(offset / 4096 * 7 + 3); }

static long write_big(void *unused)
{
    (void)unused;
    char *buffer = request_buffer();
    int fd = open(big_file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return bench_syscall_failed("open");
    for (long offset = 0; offset < file_bytes(); offset += 65536) {
        for (int i = 0; i < 65536; i += 4096) buffer[i] = block_mark(offset + i);
        if (write(fd, buffer, 65536) != 65536) {
            close(fd);
            return bench_syscall_failed("write");
        }
    }
    if (fsync(fd) != 0 || close(fd) != 0) return bench_syscall_failed("fsync");
    return file_bytes();
}

static long read_big(void *unused)
{
    (void)unused;
    char *buffer = request_buffer();
    int fd = open(big_file, O_RDONLY);
    if (fd < 0) return bench_syscall_failed("open");
    for (long offset = 0; offset < file_bytes(); offset += 65536) {
        ssize_t got = read(fd, buffer, 65536);
        if (got != 65536) {
            close(fd);
            return got < 0 ? bench_syscall_failed("read") : bench_fail("read at %ld returned %zd", offset, got);
        }
        if (buffer[4096] != block_mark(offset + 4096)) {
            close(fd);
            return bench_fail("wrong data at offset %ld", offset + 4096);
        }
    }
    close(fd);
    return file_bytes();
}

static int run_seq_write(const struct bench_spec *spec)
{
    int status = ensure_mounted(spec);
    if (status != 0) return status > 0 ? 0 : -1;
    struct bench_result result;
    if (bench_measure(write_big, NULL, &result) != 0) return -1;
    bench_report(spec, &result);
    return 0;
}

static int run_seq_read_cold(const struct bench_spec *spec)
{
    int status = ensure_mounted(spec);
    if (status != 0) return status > 0 ? 0 : -1;
    if (access(big_file, F_OK) != 0 && write_big(NULL) <= 0) return -1;
    /* An unmount drops the volume's cached pages on both kernels. */
    if (umount2(mount_point, 0) != 0) return bench_syscall_failed("umount");
    if (mount(device, mount_point, "ext2", 0, NULL) != 0) {
        mounted = 0;
        return bench_syscall_failed("mount");
    }
    uint64_t start = bench_now_ns();
    long bytes = read_big(NULL);
    if (bytes <= 0) return -1;
    struct bench_result result = {.elapsed_ns = (double)(bench_now_ns() - start), .count = (double)bytes};
    bench_report(spec, &result);
    return 0;
}

static int run_seq_read_warm(const struct bench_spec *spec)
{
    int status = ensure_mounted(spec);
    if (status != 0) return status > 0 ? 0 : -1;
    if (access(big_file, F_OK) != 0 && write_big(NULL) <= 0) return -1;
    struct bench_result result;
    if (bench_measure(read_big, NULL, &result) != 0) return -1;
    bench_report(spec, &result);
    return 0;
}

struct random_state {
    int fd;
    uint64_t seed;
};

static long random_reads(void *raw)
{
    struct random_state *state = raw;
    char *buffer = request_buffer();
    long blocks = file_bytes() / 4096;
    for (int i = 0; i < 256; i++) {
        state->seed = state->seed * 6364136223846793005ull + 1442695040888963407ull;
        long offset = (long)((state->seed >> 33) % (uint64_t)blocks) * 4096;
        if (pread(state->fd, buffer, 4096, offset) != 4096) return bench_syscall_failed("pread");
        if (buffer[0] != block_mark(offset)) return bench_fail("wrong data at offset %ld", offset);
    }
    return 256;
}

static int run_rand_read(const struct bench_spec *spec)
{
    int status = ensure_mounted(spec);
    if (status != 0) return status > 0 ? 0 : -1;
    if (access(big_file, F_OK) != 0 && write_big(NULL) <= 0) return -1;
    struct random_state state = {.fd = open(big_file, O_RDONLY), .seed = 1};
    if (state.fd < 0) return bench_syscall_failed("open");
    struct bench_result result;
    int measured = bench_measure(random_reads, &state, &result);
    close(state.fd);
    if (measured != 0) return -1;
    bench_report(spec, &result);
    return 0;
}

static long create_unlink(void *unused)
{
    (void)unused;
    char path[64];
    static const char data[100] = "small file";
    mkdir("/bench-disk/many", 0755);
    for (int i = 0; i < small_files(); i++) {
        snprintf(path, sizeof path, "/bench-disk/many/f%d", i);
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
        if (fd < 0) return bench_syscall_failed("open");
        if (write(fd, data, sizeof data) != (ssize_t)sizeof data) {
            close(fd);
            return bench_syscall_failed("write");
        }
        close(fd);
    }
    for (int i = 0; i < small_files(); i++) {
        snprintf(path, sizeof path, "/bench-disk/many/f%d", i);
        if (unlink(path) != 0) return bench_syscall_failed("unlink");
    }
    return small_files();
}

static int run_create_unlink(const struct bench_spec *spec)
{
    int status = ensure_mounted(spec);
    if (status != 0) return status > 0 ? 0 : -1;
    struct bench_result result;
    if (bench_measure(create_unlink, NULL, &result) != 0) return -1;
    bench_report(spec, &result);
    return 0;
}

static int run_program(char *const argv[])
{
    pid_t pid;
    if (posix_spawn(&pid, argv[0], NULL, NULL, argv, environ) != 0) return bench_syscall_failed("posix_spawn");
    int status;
    if (waitpid(pid, &status, 0) != pid) return bench_syscall_failed("waitpid");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return bench_fail("%s %s exited with status 0x%x", argv[0], argv[1], status);
    return 0;
}

static long untar(void *unused)
{
    (void)unused;
    char tree[64];
    snprintf(tree, sizeof tree, "%s/tree.tar", bench_program_dir);
    char *extract[] = {"/bin/busybox", "tar", "-x", "-f", tree, "-C", "/bench-disk/untar", NULL};
    char *remove[] = {"/bin/busybox", "rm", "-rf", "/bench-disk/untar", NULL};
    if (mkdir("/bench-disk/untar", 0755) != 0) return bench_syscall_failed("mkdir");
    if (run_program(extract) != 0) return -1;
    bench_pause();
    int removed = run_program(remove);
    bench_resume();
    return removed == 0 ? 1 : -1;
}

static int run_untar(const struct bench_spec *spec)
{
    int status = ensure_mounted(spec);
    if (status != 0) return status > 0 ? 0 : -1;
    char tree[64];
    snprintf(tree, sizeof tree, "%s/tree.tar", bench_program_dir);
    if (access(tree, R_OK) != 0 || access("/bin/busybox", X_OK) != 0) {
        bench_printf("BENCH_SKIP %s no %s or /bin/busybox", spec->name, tree);
        return 0;
    }
    struct bench_result result;
    if (bench_measure(untar, NULL, &result) != 0) return -1;
    bench_report(spec, &result);
    return 0;
}

const struct bench_spec bench_disk_specs[] = {
    {"disk_seq_write", "disk", BENCH_MB_PER_S, run_seq_write},
    {"disk_seq_read_cold", "disk", BENCH_MB_PER_S, run_seq_read_cold},
    {"disk_seq_read_warm", "disk", BENCH_MB_PER_S, run_seq_read_warm},
    {"disk_rand_read_4k", "disk", BENCH_NS_PER_OP, run_rand_read},
    {"disk_create_unlink", "disk", BENCH_US_PER_OP, run_create_unlink},
    {"disk_untar", "disk", BENCH_US_PER_OP, run_untar},
    {0},
};
