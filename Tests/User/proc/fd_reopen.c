/* proc(5), /proc/PID/fd/N opened again: for a pipe the link reads
 * "pipe:[inode]" and opening it gives a new end of the same pipe (what
 * `echo > /dev/stdout` or `cat /dev/stdin` do in a pipeline); for a file it
 * opens the same file even after it was renamed; /dev/fd is /proc/self/fd.
 * A pipe may be opened O_RDWR that way, and never waits for a partner. */
#include "apus_test.h"
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>

int main(void)
{
    int ends[2];
    CHECK_OK(pipe(ends));
    char path[64], link[256];
    struct stat pipe_stat, reopened_stat;
    CHECK_OK(fstat(ends[0], &pipe_stat));

    snprintf(path, sizeof path, "/proc/self/fd/%d", ends[0]);
    ssize_t n = readlink(path, link, sizeof link - 1);
    CHECK(n > 0, "readlink of a pipe descriptor");
    link[n > 0 ? n : 0] = '\0';
    char expected[64];
    snprintf(expected, sizeof expected, "pipe:[%lu]", (unsigned long)pipe_stat.st_ino);
    CHECK(strcmp(link, expected) == 0, "a pipe's link is pipe:[inode]");

    /* a second read end */
    int reader = open(path, O_RDONLY);
    CHECK(reader >= 0, "open the read end through /proc/self/fd");
    CHECK_OK(fstat(reader, &reopened_stat));
    CHECK(reopened_stat.st_ino == pipe_stat.st_ino && S_ISFIFO(reopened_stat.st_mode), "the same pipe");
    CHECK_EQ_LONG(write(ends[1], "abc", 3), 3);
    char buffer[8] = {0};
    CHECK_EQ_LONG(read(reader, buffer, sizeof buffer), 3);
    CHECK(memcmp(buffer, "abc", 3) == 0, "data written to the pipe reaches the new read end");

    /* a second write end, through /dev/fd (a link to /proc/self/fd) */
    snprintf(path, sizeof path, "/dev/fd/%d", ends[1]);
    int writer = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(writer >= 0, "open the write end through /dev/fd with O_CREAT");
    CHECK_EQ_LONG(write(writer, "xyz", 3), 3);
    CHECK_EQ_LONG(read(ends[0], buffer, sizeof buffer), 3);
    CHECK(memcmp(buffer, "xyz", 3) == 0, "data written through the new end arrives");

    /* end of file only once every write end is closed */
    close(ends[1]);
    CHECK_OK(fcntl(ends[0], F_SETFL, O_NONBLOCK));
    CHECK_ERR(read(ends[0], buffer, sizeof buffer), EAGAIN);
    close(writer);
    CHECK_EQ_LONG(read(ends[0], buffer, sizeof buffer), 0);
    close(reader);
    close(ends[0]);

    /* O_RDWR: one description that is a reader and a writer of the pipe */
    CHECK_OK(pipe(ends));
    snprintf(path, sizeof path, "/proc/self/fd/%d", ends[0]);
    int both = open(path, O_RDWR);
    CHECK(both >= 0, "open a pipe O_RDWR through /proc/self/fd");
    close(ends[0]);
    close(ends[1]);
    CHECK_EQ_LONG(write(both, "rw", 2), 2);
    CHECK_EQ_LONG(read(both, buffer, sizeof buffer), 2);
    CHECK(memcmp(buffer, "rw", 2) == 0, "the O_RDWR end reads what it wrote");
    close(both);

    /* unlike a named FIFO, a pipe opened again never waits for the other
     * side and is no ENXIO: a read end without writers reads EOF at once, a
     * write end without readers gets EPIPE */
    CHECK_OK(pipe(ends));
    close(ends[1]);
    snprintf(path, sizeof path, "/proc/self/fd/%d", ends[0]);
    reader = open(path, O_RDONLY);
    CHECK(reader >= 0, "blocking read-end reopen without a writer");
    CHECK_EQ_LONG(read(reader, buffer, sizeof buffer), 0);
    close(reader);
    close(ends[0]);
    CHECK_OK(pipe(ends));
    close(ends[0]);
    snprintf(path, sizeof path, "/proc/self/fd/%d", ends[1]);
    writer = open(path, O_WRONLY | O_NONBLOCK);
    CHECK(writer >= 0, "O_NONBLOCK write-end reopen without a reader");
    signal(SIGPIPE, SIG_IGN);
    CHECK_ERR(write(writer, "x", 1), EPIPE);
    close(writer);
    close(ends[1]);

    /* a file: the link leads to it after a rename */
    if (test_enter_scratch_dir("fd_reopen") != 0)
        return test_finish("fd_reopen");
    CHECK_OK(apus_write_file("before", "content", 7));
    int fd = open("before", O_RDONLY);
    CHECK(fd >= 0, "open file");
    CHECK_OK(rename("before", "after"));
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    int again = open(path, O_RDONLY);
    CHECK(again >= 0, "open a renamed file through its descriptor link");
    CHECK_EQ_LONG(read(again, buffer, sizeof buffer), 7);
    CHECK(memcmp(buffer, "content", 7) == 0, "the same file");
    close(again);
    close(fd);
    test_leave_scratch_dir();
    return test_finish("fd_reopen");
}
