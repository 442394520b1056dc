/* proc(5) /proc/sysvipc/{shm,sem,msg}: the header line and one row per
 * object in Linux's column layout (a segment, a semaphore set and a queue made
 * here appear with the values IPC_STAT reports), and the System V IPC limits
 * under /proc/sys/kernel (Linux's defaults). */
#include "../ipc/ipc_test.h"

static char contents[65536];

/* 1 if `path` holds the line `line` (with its newline). */
static int has_line(const char *path, const char *line)
{
    long n = apus_read_file(path, contents, sizeof contents - 1);
    if (n < 0)
        return 0;
    contents[n] = 0;
    return strstr(contents, line) != NULL;
}

static void check_limit(const char *name, const char *expected)
{
    char path[128], text[128];
    snprintf(path, sizeof path, "/proc/sys/kernel/%s", name);
    long n = apus_read_file(path, text, sizeof text - 1);
    CHECK(n > 0, path);
    text[n > 0 ? n : 0] = 0;
    CHECK_EQ_STR(text, expected);
}

int main(void)
{
    char line[512];
    int shm = shmget(IPC_PRIVATE, 5000, 0640);
    CHECK(shm >= 0, "shmget");
    unsigned char *p = shmat(shm, NULL, 0);
    CHECK(p != (void *)-1, "shmat");
    if (p != (void *)-1)
        memset(p, 1, 5000);
    struct shmid_ds s;
    CHECK_OK(shmctl(shm, IPC_STAT, &s));
    CHECK(has_line("/proc/sysvipc/shm", "       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime                   rss                  swap\n"), "shm header");
    snprintf(line, sizeof line, "%10d %10d  %4o %21lu %5u %5u  %5lu %5u %5u %5u %5u %10llu %10llu %10llu %21lu %21lu\n",
             0, shm, s.shm_perm.mode, (unsigned long)s.shm_segsz, s.shm_cpid, s.shm_lpid, (unsigned long)s.shm_nattch,
             s.shm_perm.uid, s.shm_perm.gid, s.shm_perm.cuid, s.shm_perm.cgid, (unsigned long long)s.shm_atime,
             (unsigned long long)s.shm_dtime, (unsigned long long)s.shm_ctime, 8192UL, 0UL);
    CHECK(has_line("/proc/sysvipc/shm", line), "the segment's row");

    key_t key = ipc_test_key(8);
    int sem = semget(key, 3, IPC_CREAT | 0600);
    CHECK(sem >= 0, "semget");
    struct semid_ds d;
    union semun arg = {.buf = &d};
    CHECK_OK(semctl(sem, 0, IPC_STAT, arg));
    CHECK(has_line("/proc/sysvipc/sem", "       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime\n"), "sem header");
    snprintf(line, sizeof line, "%10d %10d  %4o %10u %5u %5u %5u %5u %10llu %10llu\n", key, sem, d.sem_perm.mode, 3u,
             d.sem_perm.uid, d.sem_perm.gid, d.sem_perm.cuid, d.sem_perm.cgid, 0ULL, (unsigned long long)d.sem_ctime);
    CHECK(has_line("/proc/sysvipc/sem", line), "the set's row");

    int msg = msgget(IPC_PRIVATE, 0600);
    CHECK(msg >= 0, "msgget");
    struct { long type; char text[10]; } m = {5, "abc"};
    CHECK_OK(msgsnd(msg, &m, 10, 0));
    struct msqid_ds q;
    CHECK_OK(msgctl(msg, IPC_STAT, &q));
    CHECK(has_line("/proc/sysvipc/msg", "       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid      stime      rtime      ctime\n"), "msg header");
    snprintf(line, sizeof line, "%10d %10d  %4o  %10lu %10lu %5u %5u %5u %5u %5u %5u %10llu %10llu %10llu\n", 0, msg,
             q.msg_perm.mode, 10UL, 1UL, q.msg_lspid, q.msg_lrpid, q.msg_perm.uid, q.msg_perm.gid, q.msg_perm.cuid,
             q.msg_perm.cgid, (unsigned long long)q.msg_stime, 0ULL, (unsigned long long)q.msg_ctime);
    CHECK(has_line("/proc/sysvipc/msg", line), "the queue's row");

    CHECK_OK(shmctl(shm, IPC_RMID, NULL));
    CHECK_OK(shmdt(p));
    CHECK_OK(semctl(sem, 0, IPC_RMID));
    CHECK_OK(msgctl(msg, IPC_RMID, NULL));
    snprintf(line, sizeof line, "%10d %10d ", key, sem);
    CHECK(!has_line("/proc/sysvipc/sem", line), "a removed set has no row");

    check_limit("shmmax", "18446744073692774399\n");
    check_limit("shmall", "18446744073692774399\n");
    check_limit("shmmni", "4096\n");
    check_limit("sem", "32000\t1024000000\t500\t32000\n");
    check_limit("msgmax", "8192\n");
    check_limit("msgmnb", "16384\n");
    check_limit("msgmni", "32000\n");
    return test_finish("sysvipc");
}
