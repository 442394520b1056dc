/* proc(5) and execve(2): executing /proc/self/exe runs the caller's own
 * binary (what busybox's standalone shell does for every applet), in a child
 * after fork; the new program's exe link names the same file and its cmdline
 * is the new argv. A child's /proc/<pid> shows it with the parent's pid as
 * ppid, as a zombie (state Z) once it has exited, and is gone after wait. */
#include "apus_test.h"
#include <stdlib.h>
#include <sys/stat.h>

static char buffer[4096];

static long read_file(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buffer, sizeof buffer - 1);
    close(fd);
    buffer[n > 0 ? n : 0] = '\0';
    return n;
}

/* The state letter of /proc/<pid>/stat, or 0. */
static char state_of(pid_t pid, int *ppid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    if (read_file(path) <= 0)
        return 0;
    char *close_paren = strrchr(buffer, ')');
    char state = 0;
    if (!close_paren || sscanf(close_paren + 2, "%c %d", &state, ppid) != 2)
        return 0;
    return state;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--child") == 0) {
        /* the re-executed program: argv is the one given to execve */
        struct stat exe, parent_exe;
        CHECK_OK(stat("/proc/self/exe", &exe));
        CHECK_OK(stat(argv[2], &parent_exe));
        CHECK(exe.st_ino == parent_exe.st_ino, "the child runs the same binary");
        long length = read_file("/proc/self/cmdline");
        CHECK_EQ_LONG(length, (long)(strlen("renamed") + strlen("--child") + strlen(argv[2]) + 3));
        CHECK(strcmp(buffer, "renamed") == 0, "cmdline starts with the new argv[0]");
        test_child_exit();
    }
    char exe_path[4096];
    ssize_t n = readlink("/proc/self/exe", exe_path, sizeof exe_path - 1);
    CHECK(n > 0, "readlink /proc/self/exe");
    exe_path[n > 0 ? n : 0] = '\0';

    pid_t child = test_fork();
    if (child == 0) {
        char *child_argv[] = {"renamed", "--child", exe_path, NULL};
        char *child_env[] = {NULL};
        execve("/proc/self/exe", child_argv, child_env);
        CHECK(0, "execve /proc/self/exe returned");
        test_child_exit();
    }
    CHECK_EQ_LONG(child_exit_status(child), 0);

    /* a child's directory: ppid, zombie state, gone after wait */
    int pipe_ends[2];
    CHECK_OK(pipe(pipe_ends));
    child = test_fork();
    if (child == 0) {
        char byte;
        close(pipe_ends[1]);
        while (read(pipe_ends[0], &byte, 1) < 0 && errno == EINTR)
            ;
        _exit(7);
    }
    close(pipe_ends[0]);
    int ppid = 0;
    char state = state_of(child, &ppid);
    CHECK(state == 'S' || state == 'R', "a blocked child is sleeping (or running)");
    CHECK_EQ_LONG(ppid, getpid());
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/exe", (int)child);
    struct stat child_exe, own_exe;
    CHECK_OK(stat(path, &child_exe));
    CHECK_OK(stat("/proc/self/exe", &own_exe));
    CHECK(child_exe.st_ino == own_exe.st_ino, "a forked child has the parent's exe");
    close(pipe_ends[1]);
    for (int i = 0; i < 200 && (state = state_of(child, &ppid)) != 'Z'; i++)
        apus_sleep_ms(10);
    CHECK(state == 'Z', "an exited, unwaited child is a zombie");
    CHECK_EQ_LONG(child_exit_status(child), 7);
    snprintf(path, sizeof path, "/proc/%d", (int)child);
    struct stat gone;
    CHECK_ERR(stat(path, &gone), ENOENT);
    return test_finish("exec_self");
}
