/* svipc(7) permissions and error codes: as an unprivileged user (uid and gid
 * 65534, in a forked child), the ipc_perm mode bits decide: a 0600 object of
 * root's gives EACCES for shmget/shmat/semop/semctl/msgsnd/msgrcv/IPC_STAT and
 * EPERM for IPC_SET/IPC_RMID/SHM_LOCK; a 0640 object whose group is the
 * child's is readable and not writable; an object IPC_SET to the child's uid
 * is the child's to remove. For everyone: negative, unknown and stale IDs are
 * EINVAL, unknown commands EINVAL, bad buffers EFAULT. */
#include "ipc_test.h"

int main(void)
{
    int shm = shmget(IPC_PRIVATE, 4096, 0600);
    int sem = semget(IPC_PRIVATE, 1, 0600);
    int msg = msgget(IPC_PRIVATE, 0600);
    CHECK(shm >= 0 && sem >= 0 && msg >= 0, "create one of each");
    int group_sem = semget(IPC_PRIVATE, 1, 0640);
    int group_msg = msgget(IPC_PRIVATE, 0640);
    int owned_shm = shmget(IPC_PRIVATE, 4096, 0600);
    CHECK(group_sem >= 0 && group_msg >= 0 && owned_shm >= 0, "create the group and owned objects");
    struct semid_ds semds;
    union semun arg = {.buf = &semds};
    CHECK_OK(semctl(group_sem, 0, IPC_STAT, arg));
    semds.sem_perm.gid = 65534;
    CHECK_OK(semctl(group_sem, 0, IPC_SET, arg));
    struct msqid_ds msgds;
    CHECK_OK(msgctl(group_msg, IPC_STAT, &msgds));
    msgds.msg_perm.gid = 65534;
    CHECK_OK(msgctl(group_msg, IPC_SET, &msgds));
    struct shmid_ds shmds;
    CHECK_OK(shmctl(owned_shm, IPC_STAT, &shmds));
    shmds.shm_perm.uid = 65534;
    CHECK_OK(shmctl(owned_shm, IPC_SET, &shmds));
    key_t key = ipc_test_key(7);
    int keyed = shmget(key, 4096, IPC_CREAT | 0600);
    CHECK(keyed >= 0, "keyed segment");

    if (geteuid() == 0) {
        pid_t pid = test_fork();
        if (pid == 0) {
            CHECK_OK(setgid(65534));
            CHECK_OK(setuid(65534));
            /* Others have no bits. */
            CHECK_ERR(shmget(key, 0, 0600), EACCES);
            CHECK_ERR(shmget(key, 0, 0400), EACCES);
            CHECK_EQ_LONG(shmget(key, 0, 0), keyed);
            CHECK_ERR((long)shmat(shm, NULL, 0), EACCES);
            CHECK_ERR((long)shmat(shm, NULL, SHM_RDONLY), EACCES);
            CHECK_ERR(shmctl(shm, IPC_STAT, &shmds), EACCES);
            CHECK_ERR(shmctl(shm, IPC_RMID, NULL), EPERM);
            CHECK_ERR(shmctl(shm, SHM_LOCK, NULL), EPERM);
            CHECK_ERR(shmctl(shm % 32768, SHM_STAT, &shmds), EACCES);
            CHECK_EQ_LONG(shmctl(shm % 32768, SHM_STAT_ANY, &shmds), shm);
            struct sembuf up = {0, 1, IPC_NOWAIT}, wait_zero = {0, 0, IPC_NOWAIT};
            CHECK_ERR(semop(sem, &up, 1), EACCES);
            CHECK_ERR(semop(sem, &wait_zero, 1), EACCES);
            CHECK_ERR(semctl(sem, 0, GETVAL), EACCES);
            union semun value = {.val = 1};
            CHECK_ERR(semctl(sem, 0, SETVAL, value), EACCES);
            CHECK_ERR(semctl(sem, 0, IPC_RMID), EPERM);
            struct { long type; char text[4]; } m = {1, "abc"};
            CHECK_ERR(msgsnd(msg, &m, 4, IPC_NOWAIT), EACCES);
            CHECK_ERR(msgrcv(msg, &m, 4, 0, IPC_NOWAIT), EACCES);
            CHECK_ERR(msgctl(msg, IPC_STAT, &msgds), EACCES);
            CHECK_ERR(msgctl(msg, IPC_SET, &msgds), EPERM);
            /* The group's bits (r--) for a member of the object's group. */
            CHECK_EQ_LONG(semctl(group_sem, 0, GETVAL), 0);
            CHECK_EQ_LONG(semop(group_sem, &wait_zero, 1), 0);
            CHECK_ERR(semop(group_sem, &up, 1), EACCES);
            CHECK_ERR(msgsnd(group_msg, &m, 4, IPC_NOWAIT), EACCES);
            CHECK_ERR(msgrcv(group_msg, &m, 4, 0, IPC_NOWAIT), ENOMSG);
            /* Raising msg_qbytes past msgmnb needs privilege; the owner may lower it. */
            struct msqid_ds own;
            int own_msg = msgget(IPC_PRIVATE, 0600);
            CHECK(own_msg >= 0, "an unprivileged user's queue");
            CHECK_OK(msgctl(own_msg, IPC_STAT, &own));
            own.msg_qbytes = 16385;
            CHECK_ERR(msgctl(own_msg, IPC_SET, &own), EPERM);
            own.msg_qbytes = 1000;
            CHECK_OK(msgctl(own_msg, IPC_SET, &own));
            CHECK_OK(msgctl(own_msg, IPC_RMID, NULL));
            /* The owner (set by IPC_SET) may remove, though root created it. */
            CHECK_OK(shmctl(owned_shm, IPC_STAT, &shmds));
            CHECK_OK(shmctl(owned_shm, IPC_RMID, NULL));
            test_child_exit();
        }
        CHECK_EQ_LONG(child_exit_status(pid), 0);
        CHECK_ERR(shmctl(owned_shm, IPC_STAT, &shmds), EINVAL);
    } else {
        CHECK_OK(shmctl(owned_shm, IPC_RMID, NULL));
    }

    /* Invalid IDs and commands, bad buffers. */
    CHECK_ERR(shmctl(-1, IPC_STAT, &shmds), EINVAL);
    CHECK_ERR(shmctl(shm, 99, &shmds), EINVAL);
    CHECK_ERR(shmctl(shm, IPC_STAT, NULL), EFAULT);
    CHECK_ERR(shmctl(shm, IPC_SET, (struct shmid_ds *)8), EFAULT);
    CHECK_ERR(semctl(-1, 0, GETVAL), EINVAL);
    CHECK_ERR(semctl(sem, 0, 99), EINVAL);
    arg.buf = NULL;
    CHECK_ERR(semctl(sem, 0, IPC_STAT, arg), EFAULT);
    arg.array = NULL;
    CHECK_ERR(semctl(sem, 0, GETALL, arg), EFAULT);
    CHECK_ERR(semctl(sem, 0, SETALL, arg), EFAULT);
    CHECK_ERR(msgctl(-1, IPC_STAT, &msgds), EINVAL);
    CHECK_ERR(msgctl(msg, 99, &msgds), EINVAL);
    CHECK_ERR(msgctl(msg, IPC_STAT, NULL), EFAULT);
    CHECK_ERR(shmdt((void *)4096), EINVAL);

    /* A removed object's ID names nothing. */
    CHECK_OK(shmctl(shm, IPC_RMID, NULL));
    CHECK_OK(semctl(sem, 0, IPC_RMID));
    CHECK_OK(msgctl(msg, IPC_RMID, NULL));
    CHECK_ERR(shmctl(shm, IPC_STAT, &shmds), EINVAL);
    CHECK_ERR((long)shmat(shm, NULL, 0), EINVAL);
    struct sembuf up = {0, 1, 0};
    CHECK_ERR(semop(sem, &up, 1), EINVAL);
    CHECK_ERR(msgctl(msg, IPC_STAT, &msgds), EINVAL);
    /* A new object does not take the removed one's ID. */
    int next = shmget(IPC_PRIVATE, 4096, 0600);
    CHECK(next >= 0 && next != shm, "a new segment gets a new ID");
    CHECK_OK(shmctl(next, IPC_RMID, NULL));

    CHECK_OK(shmctl(keyed, IPC_RMID, NULL));
    CHECK_OK(semctl(group_sem, 0, IPC_RMID));
    CHECK_OK(msgctl(group_msg, IPC_RMID, NULL));
    return test_finish("ipc_errors");
}
