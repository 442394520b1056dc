/* shmget(2), shmat(2), shmdt(2), shmctl(2): private and keyed segments
 * (IPC_CREAT|IPC_EXCL, EEXIST, ENOENT, EINVAL for sizes), attachments with
 * shm_nattch, shm_cpid/lpid and the times, inherited by fork (a child and the
 * parent talk through the segment and a shared futex in it), dropped at exit
 * and exec; a second attachment aliases the first; SHM_RDONLY (mprotect to
 * writable is EACCES), address hints (SHM_RND, misaligned EINVAL, an occupied
 * range EINVAL unless SHM_REMAP); shmdt errors; IPC_SET; IPC_RMID while
 * attached (SHM_DEST, key IPC_PRIVATE, gone at the last detach); IPC_INFO,
 * SHM_INFO, SHM_STAT/SHM_STAT_ANY by slot; SHM_LOCK/SHM_UNLOCK. */
#include "ipc_test.h"
#include <stdlib.h>
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#include <sys/mman.h>
#include <sys/syscall.h>

static int attach_count(int id)
{
    struct shmid_ds ds;
    if (shmctl(id, IPC_STAT, &ds) != 0)
        return -1;
    return (int)ds.shm_nattch;
}

static long futex(void *word, int op, int value, const struct timespec *timeout)
{
    return syscall(SYS_futex, word, op, value, timeout, NULL, 0);
}

/* After exec: the exec'd program sees only the parent's attachment of segment argv[2]. */
static int after_exec(const char *id_text)
{
    int id = atoi(id_text);
    CHECK_EQ_LONG(attach_count(id), 1);
    return apus_failure_count == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--after-exec") == 0)
        return after_exec(argv[2]);

    /* A private segment: its status before any attachment. */
    int id = shmget(IPC_PRIVATE, 10000, 0600);
    CHECK(id >= 0, "shmget IPC_PRIVATE");
    struct shmid_ds ds;
    CHECK_OK(shmctl(id, IPC_STAT, &ds));
    CHECK_EQ_LONG(ds.shm_segsz, 10000);
    CHECK_EQ_LONG(ds.shm_nattch, 0);
    CHECK_EQ_LONG(ds.shm_cpid, getpid());
    CHECK_EQ_LONG(ds.shm_lpid, 0);
    CHECK_EQ_LONG(ds.shm_atime, 0);
    CHECK_EQ_LONG(ds.shm_perm.mode & 0777, 0600);
    CHECK_EQ_LONG(ds.shm_perm.__key, IPC_PRIVATE);
    CHECK_EQ_LONG(ds.shm_perm.uid, geteuid());
    CHECK_EQ_LONG(ds.shm_perm.cuid, geteuid());
    CHECK(ds.shm_ctime > 0, "shm_ctime set at creation");

    /* Attach anywhere: page-aligned, zero-filled, counted. */
    unsigned char *p = shmat(id, NULL, 0);
    CHECK(p != (void *)-1, "shmat anywhere");
    if (p == (void *)-1)
        return test_finish("shm");
    CHECK_EQ_LONG((unsigned long)p & 4095, 0);
    CHECK_EQ_LONG(p[0] | p[9999], 0);
    CHECK_OK(shmctl(id, IPC_STAT, &ds));
    CHECK_EQ_LONG(ds.shm_nattch, 1);
    CHECK_EQ_LONG(ds.shm_lpid, getpid());
    CHECK(ds.shm_atime > 0, "shm_atime set by shmat");
    memset(p, 0x5a, 10000);

    /* fork: the child inherits the attachment; both talk through the segment and a futex in it. */
    volatile uint32_t *word = (volatile uint32_t *)(p + 4096);
    *word = 0;
    pid_t pid = test_fork();
    if (pid == 0) {
        CHECK_EQ_LONG(attach_count(id), 2);
        CHECK_EQ_LONG(p[9999], 0x5a);
        p[100] = 0x77;
        struct timespec twenty = {20, 0};
        long result;
        do {
            result = futex((void *)word, FUTEX_WAIT, 0, &twenty);
        } while (result != 0 && errno == EINTR);
        CHECK(result == 0 || (result == -1 && errno == EAGAIN), "child woken by the parent's FUTEX_WAKE");
        CHECK_EQ_LONG(*word, 1);
        test_child_exit();
    }
    CHECK(IPC_WAIT_UNTIL(p[100] == 0x77), "the child's write is seen by the parent");
    *word = 1;
    CHECK(IPC_WAIT_UNTIL(futex((void *)word, FUTEX_WAKE, 1, NULL) == 1 || attach_count(id) == 1), "shared futex wake");
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    /* The child's exit dropped its attachment and made it the last process to touch the segment. */
    CHECK_OK(shmctl(id, IPC_STAT, &ds));
    CHECK_EQ_LONG(ds.shm_nattch, 1);
    CHECK_EQ_LONG(ds.shm_lpid, pid);
    CHECK(ds.shm_dtime > 0, "shm_dtime set by the child's exit");

    /* exec drops the attachments of the process that execs. */
    char self[4096];
    if (apus_self_path(argv[0], self, sizeof self) == 0) {
        pid = test_fork();
        if (pid == 0) {
            char id_text[32];
            snprintf(id_text, sizeof id_text, "%d", id);
            CHECK_EQ_LONG(attach_count(id), 2);
            execl(self, self, "--after-exec", id_text, (char *)NULL);
            _exit(3);
        }
        CHECK_EQ_LONG(child_exit_status(pid), 0);
    }

    /* A second attachment is another view of the same pages. */
    unsigned char *q = shmat(id, NULL, 0);
    CHECK(q != (void *)-1 && q != p, "second shmat");
    if (q != (void *)-1) {
        p[5000] = 0x33;
        CHECK_EQ_LONG(q[5000], 0x33);
        CHECK_EQ_LONG(attach_count(id), 2);
        CHECK_OK(shmdt(q));
        CHECK_EQ_LONG(attach_count(id), 1);
        CHECK_ERR(shmdt(q), EINVAL);
    }

    /* SHM_RDONLY: readable, and it cannot be made writable. */
    unsigned char *r = shmat(id, NULL, SHM_RDONLY);
    CHECK(r != (void *)-1, "shmat SHM_RDONLY");
    if (r != (void *)-1) {
        CHECK_EQ_LONG(r[100], 0x77);
        CHECK_ERR(mprotect(r, 4096, PROT_READ | PROT_WRITE), EACCES);
        CHECK_OK(shmdt(r));
    }

    /* Address hints: a free page-aligned address is used as is; a misaligned one needs SHM_RND. */
    unsigned char *hole = mmap(NULL, 4 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(hole != MAP_FAILED, "mmap a reservation");
    CHECK_OK(munmap(hole, 4 * 4096));
    CHECK_ERR((long)shmat(id, hole + 1, 0), EINVAL);
    CHECK(shmat(id, hole + 1, SHM_RND) == hole, "SHM_RND rounds down");
    CHECK_EQ_LONG(hole[100], 0x77);
    CHECK_ERR(shmdt(hole + 1), EINVAL);
    CHECK_OK(shmdt(hole));
    /* An occupied range is EINVAL unless SHM_REMAP; SHM_REMAP needs an address. */
    CHECK(mmap(hole, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == hole, "occupy the range");
    CHECK_ERR((long)shmat(id, hole, 0), EINVAL);
    CHECK(shmat(id, hole, SHM_REMAP) == hole, "SHM_REMAP replaces the mapping");
    CHECK_EQ_LONG(hole[100], 0x77);
    CHECK_OK(shmdt(hole));
    CHECK_ERR((long)shmat(id, NULL, SHM_REMAP), EINVAL);
    /* A mapping the process unmapped itself no longer counts. */
    unsigned char *u = shmat(id, NULL, 0);
    CHECK(u != (void *)-1, "shmat before munmap");
    CHECK_EQ_LONG(attach_count(id), 2);
    CHECK_OK(munmap(u, 12288));
    CHECK_EQ_LONG(attach_count(id), 1);

    /* IPC_SET changes the mode, owner and change time. */
    CHECK_OK(shmctl(id, IPC_STAT, &ds));
    ds.shm_perm.mode = 0640;
    CHECK_OK(shmctl(id, IPC_SET, &ds));
    CHECK_OK(shmctl(id, IPC_STAT, &ds));
    CHECK_EQ_LONG(ds.shm_perm.mode & 0777, 0640);

    /* SHM_STAT takes a slot (the ID's low 15 bits) and returns the ID. */
    CHECK_EQ_LONG(shmctl(id % 32768, SHM_STAT, &ds), id);
    CHECK_EQ_LONG(shmctl(id % 32768, SHM_STAT_ANY, &ds), id);
    CHECK_EQ_LONG(ds.shm_segsz, 10000);
    struct shminfo info;
    int highest = shmctl(0, IPC_INFO, (struct shmid_ds *)&info);
    CHECK(highest >= id % 32768, "IPC_INFO returns the highest slot in use");
    CHECK_EQ_LONG(info.shmmin, 1);
    CHECK(info.shmmni >= 1 && info.shmmax >= 10000, "IPC_INFO limits");
    struct shm_info usage;
    CHECK(shmctl(0, SHM_INFO, (struct shmid_ds *)&usage) >= id % 32768, "SHM_INFO");
    CHECK(usage.used_ids >= 1 && usage.shm_tot >= 3 && usage.shm_rss >= 3, "SHM_INFO counts the segment's pages");

    /* SHM_LOCK / SHM_UNLOCK set and clear SHM_LOCKED. */
    CHECK_OK(shmctl(id, SHM_LOCK, NULL));
    CHECK_OK(shmctl(id, IPC_STAT, &ds));
    CHECK(ds.shm_perm.mode & SHM_LOCKED, "SHM_LOCKED after SHM_LOCK");
    CHECK_OK(shmctl(id, SHM_UNLOCK, NULL));
    CHECK_OK(shmctl(id, IPC_STAT, &ds));
    CHECK(!(ds.shm_perm.mode & SHM_LOCKED), "no SHM_LOCKED after SHM_UNLOCK");

    /* IPC_RMID while attached: marked, still usable, gone at the last detach. */
    CHECK_OK(shmctl(id, IPC_RMID, NULL));
    CHECK_OK(shmctl(id, IPC_STAT, &ds));
    CHECK(ds.shm_perm.mode & SHM_DEST, "SHM_DEST while attached");
    CHECK_EQ_LONG(ds.shm_perm.__key, IPC_PRIVATE);
    CHECK_EQ_LONG(p[100], 0x77);
    CHECK_OK(shmdt(p));
    CHECK_ERR(shmctl(id, IPC_STAT, &ds), EINVAL);
    CHECK_ERR((long)shmat(id, NULL, 0), EINVAL);

    /* Keys: IPC_CREAT, IPC_EXCL, a bigger size, a missing key, size limits. */
    key_t key = ipc_test_key(1);
    int keyed = shmget(key, 8192, IPC_CREAT | IPC_EXCL | 0600);
    CHECK(keyed >= 0, "shmget IPC_CREAT|IPC_EXCL");
    CHECK_ERR(shmget(key, 8192, IPC_CREAT | IPC_EXCL | 0600), EEXIST);
    CHECK_EQ_LONG(shmget(key, 0, 0), keyed);
    CHECK_EQ_LONG(shmget(key, 4096, IPC_CREAT | 0600), keyed);
    CHECK_ERR(shmget(key, 8193, 0), EINVAL);
    CHECK_ERR(shmget(ipc_test_key(2), 4096, 0600), ENOENT);
    CHECK_ERR(shmget(IPC_PRIVATE, 0, 0600), EINVAL);
    CHECK_ERR(shmget(IPC_PRIVATE, (size_t)-1, 0600), EINVAL);
    CHECK_OK(shmctl(keyed, IPC_RMID, NULL));
    CHECK_ERR(shmget(key, 0, 0), ENOENT);
    return test_finish("shm");
}
