/* Named pipes (fifo(7), open(2), mkfifo(3)): mkfifo/mknod make an S_IFIFO
 * node; opening it for reading waits for a writer and for writing waits for
 * a reader, unless O_NONBLOCK (reader: at once; writer with no reader:
 * ENXIO); O_RDWR opens at once as both ends; the pipe's buffer goes away
 * with the last end; a waiting open gives way to a signal (EINTR without
 * SA_RESTART, restarted with it, not counted once killed); EOF and EPIPE
 * as for pipes. */
#include "apus_test.h"
#include <poll.h>
#include <signal.h>
#include <sys/time.h>

static volatile sig_atomic_t alarms;
static void on_alarm(int sig) { (void)sig; alarms++; }

static void arm_timer_ms(long ms)
{
    struct itimerval timer = {{0, 0}, {ms / 1000, (ms % 1000) * 1000}};
    setitimer(ITIMER_REAL, &timer, NULL);
}

static void set_alarm_handler(int flags)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_alarm;
    action.sa_flags = flags;
    sigemptyset(&action.sa_mask);
    sigaction(SIGALRM, &action, NULL);
}

static short poll_events(int fd)
{
    struct pollfd p = {fd, POLLIN | POLLOUT, 0};
    if (poll(&p, 1, 0) < 0)
        return -1;
    return p.revents;
}

/* A child that waits ms, opens the FIFO with flags and then writes or reads
 * "ping" (by which end it opened); exits 0 on success. */
static pid_t partner(long ms, int flags)
{
    pid_t pid = test_fork();
    if (pid != 0)
        return pid;
    apus_sleep_ms(ms);
    int fd = open("f", flags);
    CHECK(fd >= 0, "partner's open");
    char buf[8] = {0};
    if ((flags & O_ACCMODE) == O_WRONLY) {
        CHECK_EQ_LONG(write(fd, "ping", 4), 4);
    } else {
        CHECK_EQ_LONG(read(fd, buf, sizeof buf), 4);
        CHECK(memcmp(buf, "ping", 4) == 0, "partner reads the data");
        CHECK_EQ_LONG(read(fd, buf, sizeof buf), 0);   /* EOF once the writer closed */
    }
    close(fd);
    test_child_exit();
    return 0;
}

int main(void)
{
    if (test_enter_scratch_dir("fifo") != 0)
        return test_finish("fifo");
    struct stat st;
    char buf[16];
    signal(SIGPIPE, SIG_IGN);
    umask(022);

    /* Creation and type. */
    CHECK_OK(mkfifo("f", 0644));
    CHECK_OK(stat("f", &st));
    CHECK(S_ISFIFO(st.st_mode), "mkfifo makes S_IFIFO");
    CHECK_EQ_LONG(st.st_mode & 07777, 0644);
    CHECK_EQ_LONG(st.st_size, 0);
    CHECK_ERR(mkfifo("f", 0644), EEXIST);
    CHECK_OK(mknod("g", S_IFIFO | 0666, 0));
    CHECK_OK(lstat("g", &st));
    CHECK(S_ISFIFO(st.st_mode), "mknod S_IFIFO makes S_IFIFO");
    CHECK_EQ_LONG(st.st_mode & 07777, 0644);            /* the umask applies */
    CHECK_EQ_LONG(st.st_rdev, 0);

    /* O_NONBLOCK reader: at once; no writer yet, so read is EOF and poll
     * holds back POLLHUP until a writer has come. */
    int reader = open("f", O_RDONLY | O_NONBLOCK);
    CHECK(reader >= 0, "O_RDONLY|O_NONBLOCK open without a writer");
    CHECK_OK(fstat(reader, &st));
    CHECK(S_ISFIFO(st.st_mode), "fstat of an open FIFO is S_IFIFO");
    CHECK_EQ_LONG(read(reader, buf, sizeof buf), 0);
    CHECK_EQ_LONG(poll_events(reader), 0);
    CHECK_ERR(lseek(reader, 0, SEEK_SET), ESPIPE);

    /* O_NONBLOCK writer: ENXIO without a reader, at once with one. */
    close(reader);
    CHECK_ERR(open("f", O_WRONLY | O_NONBLOCK), ENXIO);
    reader = open("f", O_RDONLY | O_NONBLOCK);
    CHECK(reader >= 0, "reader again");
    int writer = open("f", O_WRONLY | O_NONBLOCK);
    CHECK(writer >= 0, "O_WRONLY|O_NONBLOCK open with a reader");
    CHECK_ERR(read(reader, buf, sizeof buf), EAGAIN);
    CHECK_EQ_LONG(write(writer, "hello", 5), 5);
    CHECK_EQ_LONG(poll_events(reader), POLLIN);
    CHECK_EQ_LONG(read(reader, buf, sizeof buf), 5);
    CHECK(memcmp(buf, "hello", 5) == 0, "data through the FIFO");
    close(writer);
    CHECK_EQ_LONG(read(reader, buf, sizeof buf), 0);    /* EOF */
    CHECK_EQ_LONG(poll_events(reader), POLLHUP);        /* a writer came and went */

    /* EPIPE (SIGPIPE ignored) once the reader is gone. */
    writer = open("f", O_WRONLY | O_NONBLOCK);
    CHECK(writer >= 0, "writer again");
    close(reader);
    CHECK_ERR(write(writer, "x", 1), EPIPE);
    close(writer);

    /* Blocking opens release each other: the reader first, then the writer. */
    long long t0 = apus_now_ns();
    pid_t pid = partner(150, O_WRONLY);
    reader = open("f", O_RDONLY);
    CHECK(reader >= 0, "blocking O_RDONLY open");
    CHECK(apus_now_ns() - t0 >= 100000000LL, "O_RDONLY open waited for the writer");
    CHECK_EQ_LONG(read(reader, buf, sizeof buf), 4);
    CHECK(memcmp(buf, "ping", 4) == 0, "data from the writing child");
    CHECK_EQ_LONG(read(reader, buf, sizeof buf), 0);    /* the child closed: EOF */
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    close(reader);

    t0 = apus_now_ns();
    pid = partner(150, O_RDONLY);
    writer = open("f", O_WRONLY);
    CHECK(writer >= 0, "blocking O_WRONLY open");
    CHECK(apus_now_ns() - t0 >= 100000000LL, "O_WRONLY open waited for the reader");
    CHECK_EQ_LONG(write(writer, "ping", 4), 4);
    close(writer);
    CHECK_EQ_LONG(child_exit_status(pid), 0);

    /* O_RDWR: at once, both ends in one description. */
    int both = open("f", O_RDWR);
    CHECK(both >= 0, "O_RDWR open");
    CHECK_EQ_LONG(poll_events(both), POLLOUT);
    CHECK_EQ_LONG(write(both, "self", 4), 4);
    CHECK_EQ_LONG(poll_events(both), POLLIN | POLLOUT);
    CHECK_EQ_LONG(read(both, buf, sizeof buf), 4);
    CHECK(memcmp(buf, "self", 4) == 0, "O_RDWR reads its own data");
    CHECK_OK(fcntl(both, F_SETFL, O_NONBLOCK));
    CHECK_ERR(read(both, buf, sizeof buf), EAGAIN);     /* it is a writer: no EOF */
    /* It counts as a reader and a writer for other opens. */
    writer = open("f", O_WRONLY | O_NONBLOCK);
    CHECK(writer >= 0, "O_WRONLY|O_NONBLOCK with an O_RDWR reader");
    close(writer);

    /* A poll for room on the O_RDWR end wakes when another end reads. */
    static char page[4096];
    while (write(both, page, sizeof page) > 0)
        ;
    CHECK_EQ_LONG(poll_events(both), POLLIN);
    reader = open("f", O_RDONLY | O_NONBLOCK);
    CHECK(reader >= 0, "a second reader");
    pid = test_fork();
    if (pid == 0) {
        apus_sleep_ms(100);
        CHECK_EQ_LONG(read(reader, page, sizeof page), sizeof page);
        test_child_exit();
    }
    struct pollfd room = {both, POLLOUT, 0};
    t0 = apus_now_ns();
    CHECK_EQ_LONG(poll(&room, 1, 5000), 1);
    CHECK(room.revents == POLLOUT, "POLLOUT after the other reader made room");
    CHECK(apus_now_ns() - t0 >= 50000000LL, "poll waited for the room");
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    close(reader);

    /* The buffer goes away with the last end. */
    CHECK_EQ_LONG(write(both, "stale", 5), 5);
    close(both);
    reader = open("f", O_RDONLY | O_NONBLOCK);
    CHECK(reader >= 0, "reader after the last close");
    CHECK_EQ_LONG(read(reader, buf, sizeof buf), 0);    /* empty, no writer */
    writer = open("f", O_WRONLY | O_NONBLOCK);
    CHECK(writer >= 0, "writer after the last close");
    CHECK_ERR(read(reader, buf, sizeof buf), EAGAIN);   /* empty, a writer */
    close(writer);
    close(reader);

    /* A waiting open gives way to a signal: EINTR without SA_RESTART, and
     * the interrupted open is not left counted as an end. */
    set_alarm_handler(0);
    alarms = 0;
    arm_timer_ms(100);
    CHECK_ERR(open("f", O_RDONLY), EINTR);
    CHECK_EQ_LONG(alarms, 1);
    CHECK_ERR(open("f", O_WRONLY | O_NONBLOCK), ENXIO);
    arm_timer_ms(100);
    CHECK_ERR(open("f", O_WRONLY), EINTR);
    CHECK_EQ_LONG(alarms, 2);
    reader = open("f", O_RDONLY | O_NONBLOCK);
    CHECK(reader >= 0, "reader after the interrupted opens");
    CHECK_EQ_LONG(read(reader, buf, sizeof buf), 0);    /* no writer left behind */
    close(reader);

    /* With SA_RESTART the open is restarted and completes when the partner comes. */
    set_alarm_handler(SA_RESTART);
    alarms = 0;
    pid = partner(300, O_WRONLY);
    arm_timer_ms(100);
    reader = open("f", O_RDONLY);
    CHECK(reader >= 0, "O_RDONLY open restarted after the handler");
    CHECK_EQ_LONG(alarms, 1);
    CHECK_EQ_LONG(read(reader, buf, sizeof buf), 4);
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    close(reader);

    /* A reader killed while its open waits is not left counted; one stopped
     * and continued there still completes its open. */
    pid = test_fork();
    if (pid == 0) {
        int fd = open("f", O_RDONLY);
        _exit(fd >= 0 ? 0 : 1);
    }
    apus_sleep_ms(100);
    CHECK_OK(kill(pid, SIGKILL));
    CHECK_EQ_LONG(child_exit_status(pid), 1000 + SIGKILL);
    CHECK_ERR(open("f", O_WRONLY | O_NONBLOCK), ENXIO);
    pid = test_fork();
    if (pid == 0) {
        int fd = open("f", O_RDONLY);
        CHECK(fd >= 0, "open across SIGSTOP/SIGCONT");
        CHECK_EQ_LONG(read(fd, buf, sizeof buf), 4);
        test_child_exit();
    }
    apus_sleep_ms(100);
    CHECK_OK(kill(pid, SIGSTOP));
    apus_sleep_ms(50);
    CHECK_OK(kill(pid, SIGCONT));
    writer = open("f", O_WRONLY);
    CHECK(writer >= 0, "writer for the continued reader");
    CHECK_EQ_LONG(write(writer, "cont", 4), 4);
    close(writer);
    CHECK_EQ_LONG(child_exit_status(pid), 0);

    /* unlink: the name goes, an open end keeps working. */
    both = open("g", O_RDWR);
    CHECK(both >= 0, "O_RDWR open of the mknod FIFO");
    CHECK_OK(unlink("g"));
    CHECK_ERR(stat("g", &st), ENOENT);
    CHECK_EQ_LONG(write(both, "kept", 4), 4);
    CHECK_EQ_LONG(read(both, buf, sizeof buf), 4);
    close(both);
    CHECK_OK(unlink("f"));
    CHECK_ERR(open("f", O_RDONLY | O_NONBLOCK), ENOENT);

    test_leave_scratch_dir();
    return test_finish("fifo");
}
