/* The exhaustion level's PID 1 (Tests/Exhaustion/README.md). Usage, as the
 * kernel's init:  /exhaustion/init [--stop-after SECONDS] HOG [ARGS...]
 * Runs /exhaustion/HOG and, while it runs, stays busy the way a real init
 * does: it forks and execs a short program, touches fresh memory and reaps
 * every child, orphans included (before the OOM killer, whichever process
 * faulted next died when memory ran out: init first of all). Then:
 *   - the hog must have ended by itself with status 0 (it refuses nothing
 *     itself: it checks the kernel's answers), unless --stop-after was given,
 *     in which case it is stopped after that many seconds (the fork bomb),
 *     and must have forked at least 32 times by then (counted from
 *     /proc/stat's "processes", init's own forks aside: a bomb can reach the
 *     task limits and collapse within one of init's 100 ms looks, so the
 *     processes alive at a look say little);
 *   - every process of the hog's user (uid 65534) is killed and reaped;
 *   - free memory must be back to within an eighth of what it was before;
 *   - a new process must run and exit with status 0.
 * Prints one line, "PASS exhaustion/HOG" or "FAIL exhaustion/HOG: why", and
 * exits with 0 or 1 (the kernel powers off with init's status). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define HOG_UID 65534
#define FINISH_SECONDS 60

static const char *hog_name = "?";
static char failure[256];

static void fail(const char *why)
{
    if (!failure[0])
        snprintf(failure, sizeof failure, "%s", why);
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void pause_ms(long ms)
{
    struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&t, &t) != 0 && errno == EINTR)
        ;
}

/* A /proc/meminfo field ("MemFree:", "MemTotal:") in KiB, or -1. */
static long meminfo_kib(const char *field)
{
    char text[4096];
    FILE *file = fopen("/proc/meminfo", "r");
    if (!file)
        return -1;
    size_t n = fread(text, 1, sizeof text - 1, file);
    fclose(file);
    text[n] = 0;
    char *line = strstr(text, field);
    return line ? atol(line + strlen(field)) : -1;
}

/* Tasks created since boot: /proc/stat's "processes" line, or -1. */
static long forks_since_boot(void)
{
    char text[8192];
    FILE *file = fopen("/proc/stat", "r");
    if (!file)
        return -1;
    size_t n = fread(text, 1, sizeof text - 1, file);
    fclose(file);
    text[n] = 0;
    char *line = strstr(text, "\nprocesses ");
    return line ? atol(line + strlen("\nprocesses ")) : -1;
}

/* Forks and execs /bin/busybox true; returns its pid, or -1 (fork refused). */
static pid_t spawn_true(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        char *argv[] = { "true", NULL };
        execv("/bin/busybox", argv);
        _exit(127);
    }
    return pid;
}

/* Reaps whatever has exited; notes the hog's status when it is among them. */
static void reap(pid_t hog, int *hog_status, int *hog_done)
{
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        if (pid == hog) {
            *hog_status = status;
            *hog_done = 1;
        }
    }
}

/* How many processes of the hog's user exist (from /proc/PID/status). */
static int count_hog_processes(void)
{
    DIR *proc = opendir("/proc");
    if (!proc)
        return -1;
    int count = 0;
    struct dirent *entry;
    while ((entry = readdir(proc)) != NULL) {
        if (entry->d_name[0] < '1' || entry->d_name[0] > '9')
            continue;
        char path[300], text[2048];
        snprintf(path, sizeof path, "/proc/%s/status", entry->d_name);
        FILE *file = fopen(path, "r");
        if (!file)
            continue;
        size_t n = fread(text, 1, sizeof text - 1, file);
        fclose(file);
        text[n] = 0;
        char *uid = strstr(text, "\nUid:");
        if (uid && atol(uid + 5) == HOG_UID)
            count++;
    }
    closedir(proc);
    return count;
}

/* Kills every process of the hog's user: a helper of that user may signal them all. */
static void kill_hog_user(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        if (setgid(HOG_UID) != 0 || setuid(HOG_UID) != 0)
            _exit(1);
        kill(-1, SIGKILL);
        _exit(0);
    }
}

int main(int argc, char **argv)
{
    int stop_after = 0;
    int first = 1;
    if (argc > 3 && strcmp(argv[1], "--stop-after") == 0) {
        stop_after = atoi(argv[2]);
        first = 3;
    }
    if (first >= argc) {
        printf("FAIL exhaustion/?: no hog named\n");
        return 1;
    }
    hog_name = argv[first];
    long total = meminfo_kib("MemTotal:");
    long free_before = meminfo_kib("MemFree:");
    fprintf(stderr, "exhaustion: %s, %ld KiB total, %ld KiB free\n", hog_name, total, free_before);

    char path[256];
    snprintf(path, sizeof path, "/exhaustion/%s", hog_name);
    long forks_before = forks_since_boot();
    pid_t hog = fork();
    if (hog == 0) {
        execv(path, argv + first);
        _exit(127);
    }
    if (hog < 0) {
        printf("FAIL exhaustion/%s: cannot fork the hog\n", hog_name);
        return 1;
    }

    /* Busy while the hog runs: a short program every 100 ms, fresh memory touched. */
    double start = now();
    double limit = stop_after > 0 ? stop_after : FINISH_SECONDS;
    int hog_status = 0, hog_done = 0;
    long spawned = 0, refused = 0;
    int most_hog_processes = 0;
    while ((stop_after > 0 || !hog_done) && now() - start < limit) {
        if (spawn_true() > 0)
            spawned++;
        else
            refused++;
        char *scratch = mmap(NULL, 256 * 1024, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (scratch != MAP_FAILED) {
            for (long i = 0; i < 256 * 1024; i += 4096)
                scratch[i] = (char)i;
            munmap(scratch, 256 * 1024);
        }
        pause_ms(100);
        reap(hog, &hog_status, &hog_done);
        if (stop_after > 0) {
            int count = count_hog_processes();
            if (count > most_hog_processes)
                most_hog_processes = count;
        }
    }
    fprintf(stderr, "exhaustion: init spawned %ld programs meanwhile (%ld forks refused)\n", spawned, refused);
    if (stop_after > 0) {
        /* Every task created meanwhile but init's short programs and the hog itself. */
        long hog_forks = forks_since_boot() - forks_before - spawned - 1;
        fprintf(stderr, "exhaustion: the hog forked %ld times; at most %d processes of uid %d at one look\n",
                hog_forks, most_hog_processes, HOG_UID);
        if (forks_before < 0 || hog_forks < 32)
            fail("the hog never got going");
    }
    if (!hog_done) {
        if (stop_after == 0)
            fail("the hog did not finish in time");
        kill(hog, SIGKILL);
    } else if (stop_after == 0 && !(WIFEXITED(hog_status) && WEXITSTATUS(hog_status) == 0)) {
        char why[128];
        if (WIFSIGNALED(hog_status))
            snprintf(why, sizeof why, "the hog was killed by signal %d", WTERMSIG(hog_status));
        else
            snprintf(why, sizeof why, "the hog exited with status %d", WEXITSTATUS(hog_status));
        fail(why);
    }

    /* Everything of the hog's user goes; init reaps it all. */
    double cleanup = now();
    for (;;) {
        kill_hog_user();
        pause_ms(200);
        int status;
        pid_t pid;
        while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
            ;
        if (pid < 0 && errno == ECHILD)
            break;
        if (now() - cleanup > 60) {
            fail("the hog's processes did not all die");
            break;
        }
    }
    fprintf(stderr, "exhaustion: cleaned up in %.1f s\n", now() - cleanup);

    /* Memory comes back (what the hog held is freed with its processes and files). */
    long free_after = meminfo_kib("MemFree:");
    fprintf(stderr, "exhaustion: %ld KiB free after (%ld before)\n", free_after, free_before);
    if (free_after < free_before - total / 8)
        fail("memory did not come back");

    /* And a new process runs and exits. */
    int ran = 0;
    for (int attempt = 0; attempt < 50 && !ran; attempt++) {
        pid_t pid = spawn_true();
        int status;
        if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0)
            ran = 1;
        else
            pause_ms(100);
    }
    if (!ran)
        fail("no new process could run afterwards");

    if (failure[0])
        printf("FAIL exhaustion/%s: %s\n", hog_name, failure);
    else
        printf("PASS exhaustion/%s\n", hog_name);
    fflush(stdout);
    return failure[0] ? 1 : 0;
}
