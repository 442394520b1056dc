/* proc(5), the calling process's own entries: /proc/self is a symlink to the
 * caller's pid; /proc/self/exe names (absolute path) and leads to (same inode)
 * the running binary; /proc/self/cwd follows chdir; /proc/self/fd lists the
 * open descriptors as links to what they name; cmdline is argv, NUL-separated;
 * environ is the initial environment;
 * stat and status give pid, comm, state, ppid, pgrp and session in Linux's
 * fields. The links report Linux's sizes (0, and 64 for fd/N) and an fd/N
 * link's owner bits say how the descriptor is open (r-x, -wx, rwx, none for
 * O_PATH). */
#include "apus_test.h"
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>

static char buffer[65536];

/* Reads a whole file into buffer (NUL-terminated); returns its length or -1. */
static long read_file(const char *path)
{
    return apus_read_file(path, buffer, sizeof buffer);
}

static long status_field(const char *name)
{
    size_t length = strlen(name);
    for (char *line = buffer; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (strncmp(line, name, length) == 0 && line[length] == ':')
            return atol(line + length + 1);
    }
    return -12345;
}

int main(int argc, char **argv)
{
    (void)argc;
    char link[4096], expected[4096];
    ssize_t n;

    /* /proc/self */
    n = readlink("/proc/self", link, sizeof link - 1);
    CHECK(n > 0, "readlink /proc/self");
    if (n > 0) {
        link[n] = '\0';
        CHECK_EQ_LONG(atol(link), getpid());
    }
    struct stat via_self, via_pid;
    snprintf(expected, sizeof expected, "/proc/%d", (int)getpid());
    CHECK_OK(stat("/proc/self", &via_self));
    CHECK_OK(stat(expected, &via_pid));
    CHECK(S_ISDIR(via_self.st_mode), "/proc/self leads to a directory");
    CHECK(via_self.st_ino == via_pid.st_ino, "/proc/self is /proc/<pid>");
    struct stat link_stat;
    CHECK_OK(lstat("/proc/self", &link_stat));
    CHECK(S_ISLNK(link_stat.st_mode), "/proc/self is a symlink");

    /* exe: an absolute path naming the running binary, and the same file */
    n = readlink("/proc/self/exe", link, sizeof link - 1);
    CHECK(n > 0, "readlink /proc/self/exe");
    if (n > 0) {
        link[n] = '\0';
        CHECK(link[0] == '/', "exe link is an absolute path");
        struct stat named, through, program;
        CHECK_OK(stat(link, &named));
        CHECK_OK(stat("/proc/self/exe", &through));
        CHECK_OK(stat(argv[0], &program));
        CHECK(named.st_ino == program.st_ino && named.st_dev == program.st_dev, "exe path names the program");
        CHECK(through.st_ino == program.st_ino && through.st_dev == program.st_dev, "exe leads to the program");
        const char *base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
        const char *link_base = strrchr(link, '/') + 1;
        CHECK(strcmp(base, link_base) == 0, "exe path ends with the program's name");
    }

    /* environ: the environment the program started with, each string ending in
     * NUL; readable by its owner only (mode 0400). */
    {
        extern char **environ;
        static char wanted[65536];
        size_t used = 0;
        for (char **entry = environ; *entry && used + strlen(*entry) + 1 < sizeof wanted; entry++) {
            memcpy(wanted + used, *entry, strlen(*entry) + 1);
            used += strlen(*entry) + 1;
        }
        long got = read_file("/proc/self/environ");
        CHECK_EQ_LONG(got, (long)used);
        CHECK(got == (long)used && memcmp(buffer, wanted, used) == 0, "environ is the initial environment");
        struct stat environ_stat;
        CHECK_OK(stat("/proc/self/environ", &environ_stat));
        CHECK_EQ_LONG(environ_stat.st_mode & 07777, 0400);
    }

    /* getcwd inside /proc names the pid's directory, not "self" */
    CHECK_OK(chdir("/proc/self/fd"));
    char inside[256];
    snprintf(expected, sizeof expected, "/proc/%d/fd", (int)getpid());
    CHECK(getcwd(inside, sizeof inside) != NULL && strcmp(inside, expected) == 0, "getcwd in /proc/self/fd");
    CHECK_OK(chdir("/"));

    /* cwd follows chdir */
    if (test_enter_scratch_dir("proc_self") != 0)
        return test_finish("self");
    char cwd[2048];
    CHECK(getcwd(cwd, sizeof cwd) != NULL, "getcwd");
    n = readlink("/proc/self/cwd", link, sizeof link - 1);
    CHECK(n > 0, "readlink /proc/self/cwd");
    if (n > 0) {
        link[n] = '\0';
        CHECK(strcmp(link, cwd) == 0, "cwd link is the working directory");
    }
    CHECK_OK(apus_write_file("marker", "x", 1));
    struct stat marker;
    CHECK_OK(stat("/proc/self/cwd/marker", &marker));

    /* fd: the open descriptors, as links to what they name */
    int fd = open("marker", O_RDONLY);
    CHECK(fd >= 3, "open marker");
    snprintf(expected, sizeof expected, "%s/marker", cwd);
    char fd_path[64];
    snprintf(fd_path, sizeof fd_path, "/proc/self/fd/%d", fd);
    n = readlink(fd_path, link, sizeof link - 1);
    CHECK(n > 0, "readlink /proc/self/fd/N");
    if (n > 0) {
        link[n] = '\0';
        CHECK(strcmp(link, expected) == 0, "fd link names the file");
    }
    struct stat through_fd;
    CHECK_OK(stat(fd_path, &through_fd));
    CHECK(through_fd.st_ino == marker.st_ino, "fd link leads to the file");
    DIR *directory = opendir("/proc/self/fd");
    CHECK(directory != NULL, "opendir /proc/self/fd");
    int seen_zero = 0, seen_fd = 0, seen_dot = 0;
    if (directory) {
        struct dirent *entry;
        while ((entry = readdir(directory)) != NULL) {
            if (strcmp(entry->d_name, ".") == 0)
                seen_dot = 1;
            else if (atoi(entry->d_name) == fd && entry->d_name[0] != '.') {
                seen_fd = 1;
                CHECK(entry->d_type == DT_LNK, "fd entries are links");
            }
            else if (strcmp(entry->d_name, "0") == 0)
                seen_zero = 1;
        }
        closedir(directory);
    }
    CHECK(seen_dot && seen_zero && seen_fd, "/proc/self/fd lists . 0 and the new descriptor");
    close(fd);
    CHECK_ERR(readlink(fd_path, link, sizeof link), ENOENT);
    test_leave_scratch_dir();

    /* cmdline: argv, each argument ending in NUL */
    long length = read_file("/proc/self/cmdline");
    CHECK_EQ_LONG(length, (long)strlen(argv[0]) + 1);
    CHECK(strcmp(buffer, argv[0]) == 0, "cmdline is argv");

    /* stat: "pid (comm) state ppid pgrp session ..." */
    length = read_file("/proc/self/stat");
    CHECK(length > 0, "read /proc/self/stat");
    const char *base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
    char comm[16];
    snprintf(comm, sizeof comm, "%s", base);
    int pid = 0, ppid = 0, pgrp = 0, session = 0;
    char state = '?';
    char *close_paren = strrchr(buffer, ')');
    CHECK(close_paren != NULL, "stat has (comm)");
    if (close_paren) {
        CHECK(sscanf(buffer, "%d", &pid) == 1, "stat pid");
        CHECK(sscanf(close_paren + 2, "%c %d %d %d", &state, &ppid, &pgrp, &session) == 4, "stat fields 3-6");
        *close_paren = '\0';
        CHECK(strcmp(strchr(buffer, '(') + 1, comm) == 0, "stat comm");
    }
    CHECK_EQ_LONG(pid, getpid());
    CHECK(state == 'R', "the reader is running");
    CHECK_EQ_LONG(ppid, getppid());
    CHECK_EQ_LONG(pgrp, getpgrp());
    CHECK_EQ_LONG(session, getsid(0));
    int fields = 0;
    if (close_paren)
        for (char *p = close_paren + 1; *p; p++)
            fields += *p == ' ';
    CHECK(fields >= 50, "stat has at least 52 fields");

    /* status */
    CHECK(read_file("/proc/self/status") > 0, "read /proc/self/status");
    char name_line[64];
    snprintf(name_line, sizeof name_line, "Name:\t%s\n", comm);
    CHECK(strncmp(buffer, name_line, strlen(name_line)) == 0, "status starts with Name");
    CHECK_EQ_LONG(status_field("Pid"), getpid());
    CHECK_EQ_LONG(status_field("Tgid"), getpid());
    CHECK_EQ_LONG(status_field("PPid"), getppid());
    CHECK_EQ_LONG(status_field("NSpgid"), getpgrp());
    CHECK_EQ_LONG(status_field("NSsid"), getsid(0));
    CHECK_EQ_LONG(status_field("Uid"), getuid());
    CHECK_EQ_LONG(status_field("Threads"), 1);
    CHECK(strstr(buffer, "\nState:\tR (running)\n") != NULL, "status State");

    /* comm */
    CHECK(read_file("/proc/self/comm") > 0, "read /proc/self/comm");
    snprintf(expected, sizeof expected, "%s\n", comm);
    CHECK(strcmp(buffer, expected) == 0, "comm");

    /* The links' modes and sizes. */
    struct stat info;
    CHECK_OK(lstat("/proc/self/exe", &info));
    CHECK_EQ_LONG(info.st_mode, S_IFLNK | 0777);
    CHECK_EQ_LONG(info.st_size, 0);
    int ends[2];
    CHECK_OK(pipe(ends));
    int both = open("/dev/null", O_RDWR), path = open("/", O_PATH);
    CHECK(both >= 0 && path >= 0, "open /dev/null and / (O_PATH)");
    const struct { int fd; long mode; } links[] = {
        {ends[0], S_IFLNK | 0500}, {ends[1], S_IFLNK | 0300}, {both, S_IFLNK | 0700}, {path, S_IFLNK},
    };
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
        char name[64];
        snprintf(name, sizeof name, "/proc/self/fd/%d", links[i].fd);
        CHECK_OK(lstat(name, &info));
        CHECK_EQ_LONG(info.st_mode, links[i].mode);
        CHECK_EQ_LONG(info.st_size, 64);
    }
    close(ends[0]);
    close(ends[1]);
    close(both);
    close(path);
    return test_finish("self");
}
