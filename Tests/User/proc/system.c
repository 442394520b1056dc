/* proc(5), the system-wide entries and what /proc refuses: meminfo gives
 * MemTotal, MemFree and MemAvailable in kB, uptime two decimal numbers,
 * mounts lists /proc itself; listing /proc shows "self" and the caller's pid;
 * proc files report size 0 but read their contents; nothing can be created,
 * removed or written (ENOENT for new names, EPERM for removal, EACCES for a
 * non-root writer, EIO for root's writes: proc entries have no write operation). */
#include "apus_test.h"
#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>

static char buffer[65536];

static long read_file(const char *path)
{
    return apus_read_file(path, buffer, sizeof buffer);
}

/* The value of "Name:   N kB" in meminfo, or -1. */
static long meminfo_kb(const char *name)
{
    char key[64];
    snprintf(key, sizeof key, "\n%s:", name);
    char *line = strncmp(buffer, key + 1, strlen(key + 1)) == 0 ? buffer - 1 : strstr(buffer, key);
    if (!line)
        return -1;
    char *value = line + strlen(key);
    long kb = strtol(value, &value, 10);
    return strncmp(value, " kB\n", 4) == 0 ? kb : -1;
}

int main(void)
{
    /* meminfo */
    CHECK(read_file("/proc/meminfo") > 0, "read /proc/meminfo");
    long total = meminfo_kb("MemTotal"), free_kb = meminfo_kb("MemFree"), available = meminfo_kb("MemAvailable");
    CHECK(total > 1024, "MemTotal in kB");
    CHECK(free_kb > 0 && free_kb <= total, "0 < MemFree <= MemTotal");
    CHECK(available > 0 && available <= total, "0 < MemAvailable <= MemTotal");
    struct stat info;
    CHECK_OK(stat("/proc/meminfo", &info));
    CHECK(S_ISREG(info.st_mode) && info.st_size == 0, "proc files are regular with size 0");
    CHECK_EQ_LONG(info.st_mode & 0777, 0444);

    /* uptime: "seconds.hundredths idle.hundredths" */
    CHECK(read_file("/proc/uptime") > 0, "read /proc/uptime");
    double up = -1, idle = -1;
    CHECK(sscanf(buffer, "%lf %lf", &up, &idle) == 2, "uptime has two numbers");
    CHECK(up > 0 && idle >= 0, "uptime is positive");
    char *dot = strchr(buffer, '.');
    CHECK(dot && dot[1] >= '0' && dot[1] <= '9' && dot[2] >= '0' && dot[2] <= '9' && dot[3] == ' ', "uptime has hundredths");

    /* mounts: /proc is there, type proc */
    CHECK(read_file("/proc/mounts") > 0, "read /proc/mounts");
    CHECK(strstr(buffer, " /proc proc ") != NULL, "/proc/mounts lists /proc");

    /* reading in small pieces and with pread gives the same bytes */
    long whole = read_file("/proc/self/stat");
    int fd = open("/proc/self/status", O_RDONLY);
    CHECK(fd >= 0, "open status");
    char piece[8];
    CHECK_EQ_LONG(pread(fd, piece, 5, 0), 5);
    CHECK(memcmp(piece, "Name:", 5) == 0, "pread at 0");
    CHECK_EQ_LONG(lseek(fd, 1, SEEK_SET), 1);
    CHECK_EQ_LONG(read(fd, piece, 4), 4);
    CHECK(memcmp(piece, "ame:", 4) == 0, "read after lseek");
    close(fd);
    CHECK(whole > 0, "stat read");

    /* the listing: self, meminfo and the caller's pid */
    DIR *directory = opendir("/proc");
    CHECK(directory != NULL, "opendir /proc");
    int seen_self = 0, seen_meminfo = 0, seen_pid = 0;
    if (directory) {
        struct dirent *entry;
        while ((entry = readdir(directory)) != NULL) {
            if (strcmp(entry->d_name, "self") == 0) {
                seen_self = 1;
                CHECK(entry->d_type == DT_LNK, "self is a link");
            }
            if (strcmp(entry->d_name, "meminfo") == 0) {
                seen_meminfo = 1;
                CHECK(entry->d_type == DT_REG, "meminfo is a file");
            }
            if (atol(entry->d_name) == getpid()) {
                seen_pid = 1;
                CHECK(entry->d_type == DT_DIR, "a pid is a directory");
            }
        }
        closedir(directory);
    }
    CHECK(seen_self && seen_meminfo && seen_pid, "/proc lists self, meminfo and our pid");
    CHECK_ERR(open("/proc/0", O_RDONLY), ENOENT);
    CHECK_ERR(open("/proc/2147483647", O_RDONLY), ENOENT);
    CHECK_ERR(open("/proc/nonexistent", O_RDONLY), ENOENT);

    /* nothing can be created, removed or written */
    /* (procfs lookups of unknown names fail with ENOENT before any create operation is asked) */
    CHECK_ERR(open("/proc/new-file", O_WRONLY | O_CREAT, 0644), ENOENT);
    CHECK_ERR(mkdir("/proc/new-directory", 0755), ENOENT);
    CHECK_ERR(symlink("meminfo", "/proc/new-link"), ENOENT);
    CHECK_ERR(open("/proc/self/new-file", O_WRONLY | O_CREAT, 0644), ENOENT);
    CHECK_ERR(unlink("/proc/meminfo"), EPERM);
    CHECK_ERR(rmdir("/proc/self/fd"), EPERM);
    if (geteuid() == 0) {
        /* root passes the permission check; the entry has no write operation */
        fd = open("/proc/meminfo", O_WRONLY);
        CHECK(fd >= 0, "root opens meminfo for writing");
        if (fd >= 0) {
            CHECK_ERR(write(fd, "x", 1), EIO);
            close(fd);
        }
    } else {
        CHECK_ERR(open("/proc/meminfo", O_WRONLY), EACCES);
    }
    return test_finish("system");
}
