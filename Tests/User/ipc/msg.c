/* msgget(2), msgsnd(2), msgrcv(2), msgctl(2): typed messages and msgtyp's
 * selection (0: the first; > 0: the first of that type, or of another type
 * with MSG_EXCEPT; < 0: the first of the lowest type up to |msgtyp|), E2BIG
 * and MSG_NOERROR truncation, IPC_NOWAIT (ENOMSG when empty, EAGAIN when
 * full against msg_qbytes), msg_qnum/msg_cbytes/lspid/lrpid and the times;
 * between processes: a child waits for a message and answers, a sender blocked
 * on a full queue is woken by a receive, a signal ends a wait with EINTR,
 * IPC_RMID wakes a waiter with EIDRM; errors (type < 1, size > MSGMAX, bad
 * pointers); IPC_SET, IPC_INFO, MSG_INFO, MSG_STAT; MSG_COPY where the kernel
 * has it. */
#include "ipc_test.h"
#include <signal.h>

struct message {
    long type;
    char text[256];
};

static int send_text(int id, long type, const char *text, int flags)
{
    struct message m = {.type = type};
    snprintf(m.text, sizeof m.text, "%s", text);
    return msgsnd(id, &m, strlen(text) + 1, flags);
}

/* Receives with `type`/`flags` into `m`; returns the size or -1. */
static long receive(int id, struct message *m, size_t size, long type, int flags)
{
    memset(m, 0, sizeof *m);
    return msgrcv(id, m, size, type, flags);
}

static void on_signal(int signal) { (void)signal; }

static int queued(int id)
{
    struct msqid_ds ds;
    return msgctl(id, IPC_STAT, &ds) == 0 ? (int)ds.msg_qnum : -1;
}

int main(void)
{
    int id = msgget(IPC_PRIVATE, 0600);
    CHECK(id >= 0, "msgget IPC_PRIVATE");
    struct message m;
    CHECK_ERR(receive(id, &m, sizeof m.text, 0, IPC_NOWAIT), ENOMSG);

    /* Selection by type. */
    CHECK_OK(send_text(id, 5, "five", 0));
    CHECK_OK(send_text(id, 3, "three-a", 0));
    CHECK_OK(send_text(id, 7, "seven", 0));
    CHECK_OK(send_text(id, 3, "three-b", 0));
    struct msqid_ds ds;
    CHECK_OK(msgctl(id, IPC_STAT, &ds));
    CHECK_EQ_LONG(ds.msg_qnum, 4);
    CHECK_EQ_LONG(ds.msg_cbytes, 5 + 8 + 6 + 8);
    CHECK_EQ_LONG(ds.msg_lspid, getpid());
    CHECK_EQ_LONG(ds.msg_lrpid, 0);
    CHECK(ds.msg_stime > 0 && ds.msg_rtime == 0, "msg_stime set, msg_rtime not yet");
    CHECK_EQ_LONG(receive(id, &m, sizeof m.text, -4, 0), 8);
    CHECK(m.type == 3 && strcmp(m.text, "three-a") == 0, "msgtyp < 0: the first of the lowest type");
    CHECK_EQ_LONG(receive(id, &m, sizeof m.text, 5, MSG_EXCEPT), 6);
    CHECK(m.type == 7 && strcmp(m.text, "seven") == 0, "MSG_EXCEPT: the first of another type");
    CHECK_EQ_LONG(receive(id, &m, sizeof m.text, 3, 0), 8);
    CHECK_EQ_STR(m.text, "three-b");
    CHECK_ERR(receive(id, &m, sizeof m.text, 9, IPC_NOWAIT), ENOMSG);
    CHECK_EQ_LONG(receive(id, &m, sizeof m.text, 0, 0), 5);
    CHECK(m.type == 5 && strcmp(m.text, "five") == 0, "msgtyp 0: the first message");
    CHECK_OK(msgctl(id, IPC_STAT, &ds));
    CHECK_EQ_LONG(ds.msg_qnum, 0);
    CHECK_EQ_LONG(ds.msg_lrpid, getpid());
    CHECK(ds.msg_rtime > 0, "msg_rtime set");

    /* A message longer than the buffer: E2BIG and it stays; MSG_NOERROR truncates and takes it. */
    CHECK_OK(send_text(id, 1, "0123456789", 0));
    CHECK_ERR(receive(id, &m, 4, 0, IPC_NOWAIT), E2BIG);
    CHECK_EQ_LONG(queued(id), 1);
    /* MSG_COPY (kernels with checkpoint/restore): a copy of message 0, left in the queue. */
    long copied = receive(id, &m, sizeof m.text, 0, MSG_COPY | IPC_NOWAIT);
    if (copied != -1 || errno != ENOSYS) {
        CHECK_EQ_LONG(copied, 11);
        CHECK_EQ_STR(m.text, "0123456789");
        CHECK_EQ_LONG(queued(id), 1);
        CHECK_ERR(receive(id, &m, sizeof m.text, 1, MSG_COPY | IPC_NOWAIT), ENOMSG);
    }
    CHECK_ERR(receive(id, &m, sizeof m.text, 0, MSG_COPY), EINVAL);
    CHECK_ERR(receive(id, &m, sizeof m.text, 0, MSG_COPY | MSG_EXCEPT | IPC_NOWAIT), EINVAL);
    CHECK_EQ_LONG(receive(id, &m, 4, 0, MSG_NOERROR), 4);
    CHECK(memcmp(m.text, "0123", 4) == 0 && m.text[4] == 0, "MSG_NOERROR copies the first bytes");
    CHECK_EQ_LONG(queued(id), 0);

    /* Errors of msgsnd and msgrcv. */
    CHECK_ERR(send_text(id, 0, "x", IPC_NOWAIT), EINVAL);
    CHECK_ERR(send_text(id, -1, "x", IPC_NOWAIT), EINVAL);
    static struct { long type; char text[8193]; } big = {.type = 1};
    CHECK_ERR(msgsnd(id, &big, 8193, IPC_NOWAIT), EINVAL);
    CHECK_OK(msgsnd(id, &big, 8192, IPC_NOWAIT));
    CHECK_EQ_LONG(msgrcv(id, &big, 8192, 0, IPC_NOWAIT), 8192);
    CHECK_ERR(msgsnd(id, (void *)8, 1, IPC_NOWAIT), EFAULT);
    CHECK_ERR(msgrcv(id, &m, (size_t)-1, 0, IPC_NOWAIT), EINVAL);
    CHECK_ERR(msgsnd(-1, &m, 1, IPC_NOWAIT), EINVAL);

    /* A full queue (msg_qbytes lowered to 100): EAGAIN with IPC_NOWAIT. */
    CHECK_OK(msgctl(id, IPC_STAT, &ds));
    CHECK_EQ_LONG(ds.msg_qbytes, 16384);
    ds.msg_qbytes = 100;
    CHECK_OK(msgctl(id, IPC_SET, &ds));
    static struct { long type; char text[60]; } sixty = {.type = 2};
    CHECK_OK(msgsnd(id, &sixty, 60, IPC_NOWAIT));
    CHECK_ERR(msgsnd(id, &sixty, 60, IPC_NOWAIT), EAGAIN);

    /* A sender blocked on the full queue is woken by a receive. */
    pid_t pid = test_fork();
    if (pid == 0) {
        CHECK_OK(msgsnd(id, &sixty, 60, 0));
        test_child_exit();
    }
    apus_sleep_ms(100);
    CHECK_EQ_LONG(queued(id), 1);
    CHECK_EQ_LONG(msgrcv(id, &sixty, 60, 0, 0), 60);
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    CHECK_EQ_LONG(msgrcv(id, &sixty, 60, 0, IPC_NOWAIT), 60);

    /* A conversation: the child waits for type 9 and answers with type 10. */
    pid = test_fork();
    if (pid == 0) {
        struct message request;
        CHECK_EQ_LONG(receive(id, &request, sizeof request.text, 9, 0), 5);
        CHECK_EQ_STR(request.text, "ping");
        CHECK_OK(send_text(id, 10, "pong", 0));
        test_child_exit();
    }
    apus_sleep_ms(50);
    CHECK_OK(send_text(id, 9, "ping", 0));
    CHECK_EQ_LONG(receive(id, &m, sizeof m.text, 10, 0), 5);
    CHECK_EQ_STR(m.text, "pong");
    CHECK_EQ_LONG(child_exit_status(pid), 0);

    /* A signal ends a wait with EINTR (SA_RESTART does not restart msgrcv). */
    pid = test_fork();
    if (pid == 0) {
        struct sigaction action = {.sa_handler = on_signal, .sa_flags = SA_RESTART};
        sigaction(SIGUSR1, &action, NULL);
        struct message nothing;
        CHECK_ERR(receive(id, &nothing, sizeof nothing.text, 42, 0), EINTR);
        test_child_exit();
    }
    apus_sleep_ms(200);
    kill(pid, SIGUSR1);
    CHECK_EQ_LONG(child_exit_status(pid), 0);

    /* IPC_INFO, MSG_INFO, MSG_STAT. */
    struct msginfo info;
    CHECK(msgctl(0, IPC_INFO, (struct msqid_ds *)&info) >= id % 32768, "IPC_INFO returns the highest slot");
    CHECK(info.msgmax == 8192 && info.msgmnb == 16384 && info.msgmni >= 1, "IPC_INFO limits");
    CHECK_OK(send_text(id, 1, "counted", 0));
    CHECK(msgctl(0, MSG_INFO, (struct msqid_ds *)&info) >= id % 32768, "MSG_INFO");
    CHECK(info.msgpool >= 1 && info.msgmap >= 1 && info.msgtql >= 8, "MSG_INFO counts queues, messages and bytes");
    CHECK_EQ_LONG(msgctl(id % 32768, MSG_STAT, &ds), id);
    CHECK_EQ_LONG(msgctl(id % 32768, MSG_STAT_ANY, &ds), id);
    CHECK_EQ_LONG(ds.msg_qnum, 1);

    /* IPC_RMID wakes a waiting receiver with EIDRM; the messages go with the queue. */
    pid = test_fork();
    if (pid == 0) {
        struct message nothing;
        CHECK_ERR(receive(id, &nothing, sizeof nothing.text, 42, 0), EIDRM);
        test_child_exit();
    }
    apus_sleep_ms(200);
    CHECK_OK(msgctl(id, IPC_RMID, NULL));
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    CHECK_ERR(msgctl(id, IPC_STAT, &ds), EINVAL);
    CHECK_ERR(send_text(id, 1, "gone", IPC_NOWAIT), EINVAL);

    /* Keys. */
    key_t key = ipc_test_key(5);
    int keyed = msgget(key, IPC_CREAT | IPC_EXCL | 0600);
    CHECK(keyed >= 0, "msgget IPC_CREAT|IPC_EXCL");
    CHECK_ERR(msgget(key, IPC_CREAT | IPC_EXCL | 0600), EEXIST);
    CHECK_EQ_LONG(msgget(key, 0), keyed);
    CHECK_ERR(msgget(ipc_test_key(6), 0600), ENOENT);
    CHECK_OK(msgctl(keyed, IPC_RMID, NULL));
    return test_finish("msg");
}
