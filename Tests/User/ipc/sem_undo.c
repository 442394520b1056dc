/* semop(2) SEM_UNDO: a process's adjustments are applied when it exits (the
 * semaphore's sempid becomes the exiting process), clamped at 0 when others
 * took the value meanwhile; SETVAL discards the adjustments of that semaphore;
 * an adjustment past SEMAEM is ERANGE; a process that never used SEM_UNDO
 * leaves the values alone; threads of one process share the adjustments. */
#include "ipc_test.h"
#include <pthread.h>

static int semval(int id, int n) { return semctl(id, n, GETVAL); }

/* A child that applies `op` with SEM_UNDO to semaphore `n`, then waits for a byte on `gate` (if >= 0) before exiting. */
static pid_t undo_child(int id, int n, int op, int gate)
{
    pid_t pid = test_fork();
    if (pid == 0) {
        struct sembuf sop = {(unsigned short)n, (short)op, SEM_UNDO};
        CHECK_OK(semop(id, &sop, 1));
        if (gate >= 0) {
            char byte;
            while (read(gate, &byte, 1) < 0 && errno == EINTR)
                ;
        }
        test_child_exit();
    }
    return pid;
}

static int thread_set;

static void *thread_undo(void *arg)
{
    (void)arg;
    struct sembuf sop = {0, 4, SEM_UNDO};
    return (void *)(long)semop(thread_set, &sop, 1);
}

int main(void)
{
    int id = semget(IPC_PRIVATE, 2, 0600);
    CHECK(id >= 0, "semget");
    union semun arg;

    /* +3 with SEM_UNDO is undone at exit. */
    pid_t pid = undo_child(id, 0, 3, -1);
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    CHECK_EQ_LONG(semval(id, 0), 0);
    CHECK_EQ_LONG(semctl(id, 0, GETPID), pid);

    /* -1 with SEM_UNDO gives the unit back. */
    arg.val = 2;
    CHECK_OK(semctl(id, 1, SETVAL, arg));
    pid = undo_child(id, 1, -1, -1);
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    CHECK_EQ_LONG(semval(id, 1), 2);

    /* The undo is clamped at 0 when another process took the value meanwhile. */
    int gate[2];
    CHECK_OK(pipe(gate));
    pid = undo_child(id, 0, 5, gate[0]);
    CHECK(IPC_WAIT_UNTIL(semval(id, 0) == 5), "child's +5 applied");
    struct sembuf take = {0, -4, 0};
    CHECK_OK(semop(id, &take, 1));
    CHECK_OK(write(gate[1], "x", 1));
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    CHECK_EQ_LONG(semval(id, 0), 0);

    /* SETVAL discards the adjustments of that semaphore. */
    pid = undo_child(id, 0, 2, gate[0]);
    CHECK(IPC_WAIT_UNTIL(semval(id, 0) == 2), "child's +2 applied");
    arg.val = 7;
    CHECK_OK(semctl(id, 0, SETVAL, arg));
    CHECK_OK(write(gate[1], "x", 1));
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    CHECK_EQ_LONG(semval(id, 0), 7);

    /* An adjustment past SEMAEM (32767 each way) is ERANGE and changes nothing. */
    pid = test_fork();
    if (pid == 0) {
        union semun child_arg = {.val = 0};
        CHECK_OK(semctl(id, 1, SETVAL, child_arg));
        struct sembuf up = {1, 32767, SEM_UNDO}, down = {1, -32767, 0};
        CHECK_OK(semop(id, &up, 1));
        CHECK_OK(semop(id, &down, 1));
        /* A second +32767 would make the adjustment -65534. */
        CHECK_ERR(semop(id, &up, 1), ERANGE);
        CHECK_EQ_LONG(semval(id, 1), 0);
        test_child_exit();
    }
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    CHECK_EQ_LONG(semval(id, 1), 0);

    /* A process that never used SEM_UNDO leaves the value alone at exit. */
    arg.val = 1;
    CHECK_OK(semctl(id, 1, SETVAL, arg));
    pid = test_fork();
    if (pid == 0) {
        struct sembuf up = {1, 1, 0};
        CHECK_OK(semop(id, &up, 1));
        test_child_exit();
    }
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    CHECK_EQ_LONG(semval(id, 1), 2);

    /* Threads share their process's adjustments: a thread's +4 is undone when the process exits. */
    arg.val = 0;
    CHECK_OK(semctl(id, 0, SETVAL, arg));
    thread_set = id;
    pid = test_fork();
    if (pid == 0) {
        pthread_t thread;
        void *result = (void *)-1;
        CHECK_OK(pthread_create(&thread, NULL, thread_undo, NULL) == 0 ? 0 : -1);
        pthread_join(thread, &result);
        CHECK_EQ_LONG((long)result, 0);
        CHECK_EQ_LONG(semval(id, 0), 4);
        test_child_exit();
    }
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    CHECK_EQ_LONG(semval(id, 0), 0);

    CHECK_OK(semctl(id, 0, IPC_RMID));
    return test_finish("sem_undo");
}
