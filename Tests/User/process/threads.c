/* clone(2) CLONE_THREAD through pthreads, futex(2) waits and wakes: threads
 * share the process (same pid, own tids, same memory), a mutex keeps a shared
 * counter exact under preemption, a condition variable wakes a waiter, join
 * sees each thread's result (CLONE_CHILD_CLEARTID + FUTEX_WAKE), and a thread
 * that returns does not end the process; pthread_kill (tgkill) runs the
 * handler on the target thread; exit() from any thread (exit_group) ends the
 * whole process with its status, and (glibc) a process whose main thread left
 * with pthread_exit lives until its last thread ends. /proc/self/task lists the
 * threads; a thread's stat and status show its TID; /proc/TID of a second
 * thread can be opened but is not listed. */
#include "apus_test.h"
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

enum { THREADS = 4, ROUNDS = 20000 };

static long counter;
static int finished;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done = PTHREAD_COND_INITIALIZER;

static void *work(void *argument)
{
    for (int i = 0; i < ROUNDS; i++) {
        pthread_mutex_lock(&lock);
        counter++;
        pthread_mutex_unlock(&lock);
    }
    pthread_mutex_lock(&lock);
    finished++;
    pthread_cond_signal(&done);
    pthread_mutex_unlock(&lock);
    long *result = argument;
    result[0] = getpid();
    result[1] = syscall(SYS_gettid);
    return argument;
}

static volatile long handled_on;

static void on_signal(int signal)
{
    (void)signal;
    handled_on = syscall(SYS_gettid);
}

static volatile long waiter_tid;

static void *wait_for_signal(void *argument)
{
    (void)argument;
    waiter_tid = syscall(SYS_gettid);
    while (handled_on == 0)
        usleep(1000);
    return NULL;
}

static void *exit_whole_process(void *argument)
{
    (void)argument;
    usleep(10000);
    exit(7);
}

#ifdef __GLIBC__
static void *outlive_main(void *argument)
{
    (void)argument;
    usleep(20000);
    return NULL;
}
#endif

/* /proc/self/task lists the main thread and `other` (and nothing else); a
 * thread's view gives its TID in stat and status. */
static void check_task_directory(long other)
{
    DIR *directory = opendir("/proc/self/task");
    CHECK(directory != NULL, "opendir /proc/self/task");
    if (!directory)
        return;
    int entries = 0, saw_main = 0, saw_other = 0;
    struct dirent *entry;
    while ((entry = readdir(directory)) != NULL) {
        if (entry->d_name[0] == '.')
            continue;
        entries++;
        long tid = atol(entry->d_name);
        saw_main |= tid == getpid();
        saw_other |= tid == other;
    }
    closedir(directory);
    CHECK_EQ_LONG(entries, 2);
    CHECK(saw_main && saw_other, "task/ names both threads");

    static char text[4096], path[64], expected[64];
    snprintf(path, sizeof path, "/proc/self/task/%ld/stat", other);
    CHECK(apus_read_file(path, text, sizeof text) > 0, "read task/TID/stat");
    snprintf(expected, sizeof expected, "%ld (", other);
    CHECK(strncmp(text, expected, strlen(expected)) == 0, "task stat starts with the TID");
    snprintf(path, sizeof path, "/proc/self/task/%ld/status", other);
    CHECK(apus_read_file(path, text, sizeof text) > 0, "read task/TID/status");
    snprintf(expected, sizeof expected, "\nPid:\t%ld\n", other);
    CHECK(strstr(text, expected) != NULL, "task status Pid is the TID");
    snprintf(expected, sizeof expected, "Tgid:\t%d\n", (int)getpid());
    CHECK(strstr(text, expected) != NULL, "task status Tgid is the process");
    /* /proc/TID of a thread that is not the first: there, but not listed. */
    snprintf(path, sizeof path, "/proc/%ld/status", other);
    CHECK(apus_read_file(path, text, sizeof text) > 0, "read /proc/TID/status");
    CHECK(strstr(text, expected) != NULL, "/proc/TID/status names the process as Tgid");
    DIR *root = opendir("/proc");
    CHECK(root != NULL, "opendir /proc");
    while (root && (entry = readdir(root)) != NULL)
        CHECK(atol(entry->d_name) != other, "/proc does not list a thread's TID");
    if (root)
        closedir(root);
    CHECK(apus_read_file("/proc/self/status", text, sizeof text) > 0, "read status");
    CHECK(strstr(text, "\nThreads:\t2\n") != NULL, "status counts two threads");
}

int main(void)
{
    pthread_t threads[THREADS];
    static long results[THREADS][2];
    for (int i = 0; i < THREADS; i++)
        CHECK_EQ_LONG(pthread_create(&threads[i], NULL, work, results[i]), 0);

    /* Wait on the condition variable until every thread has counted. */
    pthread_mutex_lock(&lock);
    while (finished < THREADS)
        pthread_cond_wait(&done, &lock);
    pthread_mutex_unlock(&lock);
    CHECK_EQ_LONG(counter, (long)THREADS * ROUNDS);

    for (int i = 0; i < THREADS; i++) {
        void *returned = NULL;
        CHECK_EQ_LONG(pthread_join(threads[i], &returned), 0);
        CHECK(returned == results[i], "join returns the thread's result");
        CHECK_EQ_LONG(results[i][0], getpid());
        CHECK(results[i][1] != getpid() && results[i][1] > 0, "a thread has its own tid");
        for (int j = 0; j < i; j++)
            CHECK(results[i][1] != results[j][1], "tids differ");
    }
    CHECK_EQ_LONG(syscall(SYS_gettid), getpid());

    /* pthread_kill: the handler runs on the thread it was sent to. */
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_signal;
    CHECK_OK(sigaction(SIGUSR1, &action, NULL));
    pthread_t waiter;
    CHECK_EQ_LONG(pthread_create(&waiter, NULL, wait_for_signal, NULL), 0);
    while (waiter_tid == 0)
        usleep(1000);
    check_task_directory(waiter_tid);
    CHECK_EQ_LONG(pthread_kill(waiter, SIGUSR1), 0);
    CHECK_EQ_LONG(pthread_join(waiter, NULL), 0);
    CHECK_EQ_LONG(handled_on, waiter_tid);

    /* exit() from a second thread ends the process, main thread included. */
    pid_t child = fork();
    if (child == 0) {
        pthread_t exiter;
        pthread_create(&exiter, NULL, exit_whole_process, NULL);
        for (;;)
            pause();
    }
    int status = 0;
    CHECK_EQ_LONG(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 7, "exit from a thread is the process's status");

#ifdef __GLIBC__
    /* The main thread leaves first; the process ends (status 0) with its last
     * thread. glibc only: musl's fork child does not register its thread-list
     * lock with set_tid_address again, so there the last thread waits for that
     * lock forever, on Linux as on Apus. */
    child = fork();
    if (child == 0) {
        pthread_t last;
        pthread_create(&last, NULL, outlive_main, NULL);
        pthread_exit(NULL);
    }
    CHECK_EQ_LONG(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "a process ends with its last thread");
#endif
    return test_finish("threads");
}
