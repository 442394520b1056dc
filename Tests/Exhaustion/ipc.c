/* System V IPC hog: four processes of an unprivileged user make message
 * queues and fill each to msg_qbytes, semaphore sets of 32000 semaphores with
 * a SEM_UNDO record each, and shared memory segments they attach and touch,
 * until the kernel refuses (the IDs run out: ENOSPC; kernel memory is short:
 * ENOMEM). IPC objects outlive their processes, so each worker removes what
 * it made before it ends; the kernel must have refused, never trapped. */
#include "hog.h"
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

#define MAX_OBJECTS 40000

static int queues[MAX_OBJECTS], sets[MAX_OBJECTS], segments[MAX_OBJECTS];

static int work(int index)
{
    static const int get_refusals[] = { ENOSPC, ENOMEM, 0 };
    static const int send_refusals[] = { EAGAIN, ENOMEM, 0 };
    static const int attach_refusals[] = { ENOMEM, 0 };
    static struct { long type; char text[8192]; } message;
    message.type = 1;
    memset(message.text, 'm' + index, sizeof message.text);
    double start = hog_now();
    int queue_count = 0, set_count = 0, segment_count = 0;
    long messages = 0;
    int queues_done = 0, sets_done = 0, segments_done = 0;
    while (hog_in_time(start) && !(queues_done && sets_done && segments_done)) {
        if (!queues_done && queue_count < MAX_OBJECTS) {
            int id = msgget(IPC_PRIVATE, 0600);
            if (id < 0) {
                hog_expect("msgget", errno, get_refusals);
                queues_done = 1;
            } else {
                queues[queue_count++] = id;
                while (msgsnd(id, &message, sizeof message.text, IPC_NOWAIT) == 0)
                    messages++;
                if (errno != EAGAIN) {
                    hog_expect("msgsnd", errno, send_refusals);
                    queues_done = 1;
                }
            }
        }
        if (!sets_done && set_count < MAX_OBJECTS) {
            int id = semget(IPC_PRIVATE, 32000, 0600);
            if (id < 0) {
                hog_expect("semget", errno, get_refusals);
                sets_done = 1;
            } else {
                sets[set_count++] = id;
                struct sembuf up = {31999, 1, SEM_UNDO};
                if (semop(id, &up, 1) != 0) {
                    hog_expect("semop", errno, get_refusals);
                    sets_done = 1;
                }
            }
        }
        if (!segments_done && segment_count < MAX_OBJECTS) {
            int id = shmget(IPC_PRIVATE, 1 << 20, 0600);
            if (id < 0) {
                hog_expect("shmget", errno, get_refusals);
                segments_done = 1;
            } else {
                segments[segment_count++] = id;
                char *p = shmat(id, NULL, 0);
                if (p == (void *)-1) {
                    hog_expect("shmat", errno, attach_refusals);
                    segments_done = 1;
                } else {
                    /* A page of each: the frames are user memory (the OOM killer's), the records kernel heap. */
                    p[0] = 1;
                    shmdt(p);
                }
            }
        }
    }
    hog_say("ipc worker %d: %d queues (%ld messages), %d semaphore sets, %d segments\n", index, queue_count, messages,
            set_count, segment_count);
    for (int i = 0; i < queue_count; i++)
        msgctl(queues[i], IPC_RMID, NULL);
    for (int i = 0; i < set_count; i++)
        semctl(sets[i], 0, IPC_RMID);
    for (int i = 0; i < segment_count; i++)
        shmctl(segments[i], IPC_RMID, NULL);
    return hog_failures ? 1 : 0;
}

int main(void)
{
    return hog_run_as_nobody("ipc", 4, work);
}
