/* Shared helpers of the System V IPC regression programs (not a test itself). */
#ifndef IPC_TEST_H
#define IPC_TEST_H
#include "apus_test.h"
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

#ifndef SHM_REMAP
#define SHM_REMAP 040000
#endif
#ifndef SHM_EXEC
#define SHM_EXEC 0100000
#endif
#ifndef SHM_STAT_ANY
#define SHM_STAT_ANY 15
#endif
#ifndef SEM_STAT_ANY
#define SEM_STAT_ANY 20
#endif
#ifndef MSG_STAT_ANY
#define MSG_STAT_ANY 13
#endif
#ifndef MSG_COPY
#define MSG_COPY 040000
#endif
#ifndef SHM_DEST
#define SHM_DEST 01000
#endif
#ifndef SHM_LOCKED
#define SHM_LOCKED 02000
#endif

/* The caller defines union semun (semctl(2)). */
union semun {
    int val;
    struct semid_ds *buf;
    unsigned short *array;
    struct seminfo *__buf;
};

/* A key no other program uses: the test's number and the process ID. */
static inline key_t ipc_test_key(int which)
{
    return (key_t)(0x41000000 | ((which & 0xff) << 16) | (getpid() & 0xffff));
}

/* Polls `condition` every 10 ms for up to 10 s; 1 if it became true. */
#define IPC_WAIT_UNTIL(condition)                                             \
    ({                                                                        \
        int apus_ok_ = 0;                                                     \
        for (int apus_i_ = 0; apus_i_ < 1000; apus_i_++) {                    \
            if (condition) { apus_ok_ = 1; break; }                           \
            apus_sleep_ms(10);                                                \
        }                                                                     \
        apus_ok_;                                                             \
    })

static inline long ipc_now_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec * 1000L + now.tv_nsec / 1000000L;
}
#endif
