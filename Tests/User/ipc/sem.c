/* semget(2), semop(2), semtimedop(2), semctl(2): values (GETVAL, SETVAL,
 * GETALL, SETALL, GETPID), a semop array is atomic (all or nothing),
 * IPC_NOWAIT is EAGAIN, ERANGE past SEMVMX, E2BIG past SEMOPM, EFBIG for a
 * semaphore number out of range, a semtimedop timeout is EAGAIN after the
 * time; between processes: a child sleeps to decrement (GETNCNT) and to wait
 * for zero (GETZCNT) and the parent's operations wake it; a signal ends the
 * wait with EINTR even with SA_RESTART; IPC_RMID wakes a sleeper with EIDRM;
 * semget's key rules and nsems limits; IPC_STAT/IPC_SET, IPC_INFO, SEM_INFO,
 * SEM_STAT. */
#include "ipc_test.h"
#include <signal.h>

static int semval(int id, int n) { return semctl(id, n, GETVAL); }

static void on_signal(int signal) { (void)signal; }

/* A child that performs `op` on semaphore `n` (waiting), then exits 0 if it returned `expected_errno` (0: success). */
static pid_t child_semop(int id, int n, int op, int expected_errno)
{
    pid_t pid = test_fork();
    if (pid == 0) {
        struct sigaction action = {.sa_handler = on_signal, .sa_flags = SA_RESTART};
        sigaction(SIGUSR1, &action, NULL);
        struct sembuf sop = {(unsigned short)n, (short)op, 0};
        if (expected_errno == 0)
            CHECK_OK(semop(id, &sop, 1));
        else
            CHECK_ERR(semop(id, &sop, 1), expected_errno);
        test_child_exit();
    }
    return pid;
}

int main(void)
{
    int id = semget(IPC_PRIVATE, 3, 0600);
    CHECK(id >= 0, "semget IPC_PRIVATE");
    union semun arg;
    CHECK_EQ_LONG(semval(id, 0), 0);
    arg.val = 5;
    CHECK_OK(semctl(id, 1, SETVAL, arg));
    CHECK_EQ_LONG(semval(id, 1), 5);
    CHECK_EQ_LONG(semctl(id, 1, GETPID), getpid());
    unsigned short values[3] = {1, 2, 3};
    arg.array = values;
    CHECK_OK(semctl(id, 0, SETALL, arg));
    unsigned short read_back[3] = {0, 0, 0};
    arg.array = read_back;
    CHECK_OK(semctl(id, 0, GETALL, arg));
    CHECK(read_back[0] == 1 && read_back[1] == 2 && read_back[2] == 3, "GETALL after SETALL");
    CHECK_ERR(semctl(id, 3, GETVAL), EINVAL);
    CHECK_ERR(semctl(id, -1, GETVAL), EINVAL);

    /* All or nothing: the second operation would block, so the first does not happen either. */
    struct sembuf two[2] = {{0, -1, IPC_NOWAIT}, {1, -5, IPC_NOWAIT}};
    CHECK_ERR(semop(id, two, 2), EAGAIN);
    CHECK_EQ_LONG(semval(id, 0), 1);
    two[1].sem_op = -2;
    CHECK_OK(semop(id, two, 2));
    CHECK_EQ_LONG(semval(id, 0), 0);
    CHECK_EQ_LONG(semval(id, 1), 0);
    struct sembuf zero = {0, 0, IPC_NOWAIT};
    CHECK_OK(semop(id, &zero, 1));
    struct sembuf up = {2, 1, 0};
    CHECK_OK(semop(id, &up, 1));
    zero.sem_num = 2;
    CHECK_ERR(semop(id, &zero, 1), EAGAIN);

    /* Limits: SEMVMX, SEMOPM, the number of operations and the semaphore numbers. */
    arg.val = 32768;
    CHECK_ERR(semctl(id, 0, SETVAL, arg), ERANGE);
    arg.val = -1;
    CHECK_ERR(semctl(id, 0, SETVAL, arg), ERANGE);
    arg.val = 32767;
    CHECK_OK(semctl(id, 0, SETVAL, arg));
    struct sembuf over = {0, 1, 0};
    CHECK_ERR(semop(id, &over, 1), ERANGE);
    arg.val = 0;
    CHECK_OK(semctl(id, 0, SETVAL, arg));
    static struct sembuf many[501];
    for (int i = 0; i < 501; i++)
        many[i] = (struct sembuf){0, 1, 0};
    CHECK_ERR(semop(id, many, 501), E2BIG);
    CHECK_ERR(semop(id, many, 0), EINVAL);
    struct sembuf far = {3, 1, 0};
    CHECK_ERR(semop(id, &far, 1), EFBIG);
    CHECK_ERR(semop(id, (struct sembuf *)8, 1), EFAULT);

    /* semtimedop: the timeout ends the wait with EAGAIN, not before it. */
    struct sembuf down = {0, -1, 0};
    struct timespec tenth = {0, 100 * 1000000L};
    long start = ipc_now_ms();
    CHECK_ERR(semtimedop(id, &down, 1, &tenth), EAGAIN);
    CHECK(ipc_now_ms() - start >= 95, "semtimedop waited its timeout");
    struct timespec bad = {0, 1000000000L};
    CHECK_ERR(semtimedop(id, &down, 1, &bad), EINVAL);

    /* Between processes: a child waits to decrement; the parent sees it counted and wakes it. */
    arg.val = 0;
    CHECK_OK(semctl(id, 1, SETVAL, arg));
    pid_t pid = child_semop(id, 1, -1, 0);
    CHECK(IPC_WAIT_UNTIL(semctl(id, 1, GETNCNT) == 1), "GETNCNT counts the sleeping child");
    CHECK_EQ_LONG(semctl(id, 1, GETZCNT), 0);
    struct sembuf post = {1, 1, 0};
    CHECK_OK(semop(id, &post, 1));
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    CHECK_EQ_LONG(semval(id, 1), 0);
    CHECK_EQ_LONG(semctl(id, 1, GETPID), pid);
    CHECK_EQ_LONG(semctl(id, 1, GETNCNT), 0);

    /* Waiting for zero. */
    arg.val = 2;
    CHECK_OK(semctl(id, 2, SETVAL, arg));
    pid = child_semop(id, 2, 0, 0);
    CHECK(IPC_WAIT_UNTIL(semctl(id, 2, GETZCNT) == 1), "GETZCNT counts the sleeping child");
    struct sembuf take_two = {2, -2, 0};
    CHECK_OK(semop(id, &take_two, 1));
    CHECK_EQ_LONG(child_exit_status(pid), 0);

    /* A signal ends the wait with EINTR, SA_RESTART notwithstanding. */
    pid = child_semop(id, 0, -1, EINTR);
    CHECK(IPC_WAIT_UNTIL(semctl(id, 0, GETNCNT) == 1), "child asleep before the signal");
    kill(pid, SIGUSR1);
    CHECK_EQ_LONG(child_exit_status(pid), 0);

    /* IPC_STAT, IPC_SET, SEM_STAT, IPC_INFO, SEM_INFO. */
    struct semid_ds ds;
    arg.buf = &ds;
    CHECK_OK(semctl(id, 0, IPC_STAT, arg));
    CHECK_EQ_LONG(ds.sem_nsems, 3);
    CHECK_EQ_LONG(ds.sem_perm.mode & 0777, 0600);
    CHECK_EQ_LONG(ds.sem_perm.cuid, geteuid());
    CHECK(ds.sem_otime > 0 && ds.sem_ctime > 0, "sem_otime and sem_ctime");
    ds.sem_perm.mode = 0660;
    CHECK_OK(semctl(id, 0, IPC_SET, arg));
    CHECK_OK(semctl(id, 0, IPC_STAT, arg));
    CHECK_EQ_LONG(ds.sem_perm.mode & 0777, 0660);
    CHECK_EQ_LONG(semctl(id % 32768, 0, SEM_STAT, arg), id);
    CHECK_EQ_LONG(semctl(id % 32768, 0, SEM_STAT_ANY, arg), id);
    struct seminfo info;
    arg.__buf = &info;
    CHECK(semctl(0, 0, IPC_INFO, arg) >= id % 32768, "IPC_INFO returns the highest slot");
    CHECK(info.semmsl >= 3 && info.semopm >= 1 && info.semvmx == 32767, "IPC_INFO limits");
    CHECK(semctl(0, 0, SEM_INFO, arg) >= id % 32768, "SEM_INFO");
    CHECK(info.semusz >= 1 && info.semaem >= 3, "SEM_INFO counts sets and semaphores");

    /* IPC_RMID wakes a sleeper with EIDRM; the ID is then invalid. */
    pid = child_semop(id, 0, -1, EIDRM);
    CHECK(IPC_WAIT_UNTIL(semctl(id, 0, GETNCNT) == 1), "child asleep before IPC_RMID");
    CHECK_OK(semctl(id, 0, IPC_RMID));
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    CHECK_ERR(semctl(id, 0, GETVAL), EINVAL);
    CHECK_ERR(semop(id, &post, 1), EINVAL);

    /* semget: keys and nsems. */
    key_t key = ipc_test_key(3);
    int keyed = semget(key, 4, IPC_CREAT | IPC_EXCL | 0600);
    CHECK(keyed >= 0, "semget IPC_CREAT|IPC_EXCL");
    CHECK_ERR(semget(key, 4, IPC_CREAT | IPC_EXCL | 0600), EEXIST);
    CHECK_EQ_LONG(semget(key, 0, 0), keyed);
    CHECK_EQ_LONG(semget(key, 2, 0), keyed);
    CHECK_ERR(semget(key, 5, 0), EINVAL);
    CHECK_ERR(semget(ipc_test_key(4), 1, 0600), ENOENT);
    CHECK_ERR(semget(IPC_PRIVATE, 0, 0600), EINVAL);
    CHECK_ERR(semget(IPC_PRIVATE, -1, 0600), EINVAL);
    CHECK_ERR(semget(IPC_PRIVATE, 32001, 0600), EINVAL);
    CHECK_OK(semctl(keyed, 0, IPC_RMID));
    return test_finish("sem");
}
