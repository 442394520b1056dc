/* syslog(2) and /dev/kmsg: the kernel log as Linux gives it. /dev/kmsg reads
 * one record per read as "priority,sequence,microseconds,flags;text\n"
 * (EINVAL for a buffer too small, and that record is passed; EAGAIN with O_NONBLOCK and nothing new,
 * EPIPE once after the reader's record was overwritten), lseek takes only
 * offset 0 (ESPIPE) with SEEK_SET, SEEK_DATA or SEEK_END (else EINVAL), a
 * write is one record ("<N>" prefix; facility 0 becomes LOG_USER; more than
 * 1024 bytes is EINVAL; each ends with a newline, since Linux holds back a
 * record without one, which may still be continued). syslog(2): READ_ALL's "<N>[seconds] text" lines,
 * the argument errors, CLEAR, CONSOLE_OFF/ON/LEVEL against
 * /proc/sys/kernel/printk, SIZE_BUFFER, and the permission rules for a
 * user without CAP_SYSLOG under the dmesg_restrict the system has. Formats,
 * not values: other records may interleave on a live system. */
#include "apus_test.h"
#include <poll.h>
#include <stdlib.h>
#include <sys/klog.h>

#define TEST_UID 61237

static char marker[64];

static int read_printk_console_level(void)
{
    char text[128];
    if (apus_read_file("/proc/sys/kernel/printk", text, sizeof text) <= 0)
        return -1;
    return atoi(text);
}

static int write_kmsg(int fd, const char *text) { return (int)write(fd, text, strlen(text)); }

/* Parses a /dev/kmsg record; returns 0 when it has Linux's form. */
static int parse_record(const char *record, long n, unsigned *priority, unsigned long long *sequence, const char **text)
{
    unsigned long long usec;
    char flag;
    int used = 0;
    if (n <= 0 || record[n - 1] != '\n')
        return -1;
    if (sscanf(record, "%u,%llu,%llu,%c%n", priority, sequence, &usec, &flag, &used) != 4)
        return -1;
    const char *semicolon = strchr(record, ';');
    if (!semicolon || semicolon > record + n)
        return -1;
    *text = semicolon + 1;
    return 0;
}

static void unprivileged_child(int restricted)
{
    CHECK_OK(setgid(TEST_UID));
    CHECK_OK(setuid(TEST_UID));
    char buffer[64];
    if (restricted) {
        CHECK_ERR(klogctl(3, buffer, sizeof buffer), EPERM);
        CHECK_ERR(klogctl(10, NULL, 0), EPERM);
        CHECK_ERR(open("/dev/kmsg", O_RDONLY), EPERM);
    } else {
        CHECK(klogctl(10, NULL, 0) > 0, "SIZE_BUFFER for anyone");
        int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
        CHECK(fd >= 0, "open /dev/kmsg for reading without dmesg_restrict");
        if (fd >= 0)
            close(fd);
    }
    CHECK_ERR(klogctl(5, NULL, 0), EPERM);
    CHECK_ERR(klogctl(9, NULL, 0), EPERM);
    CHECK_ERR(klogctl(8, NULL, 4), EPERM);
    CHECK_ERR(klogctl(2, buffer, sizeof buffer), EPERM);
    CHECK_ERR(klogctl(11, NULL, 0), EPERM);          /* permission before EINVAL */
    CHECK_ERR(open("/dev/kmsg", O_WRONLY), EACCES);  /* 0644 root */
    test_child_exit();
}

int main(void)
{
    snprintf(marker, sizeof marker, "apus-kmsg-%d", (int)getpid());
    char line[2048];
    int size = klogctl(10, NULL, 0);
    CHECK(size >= 4096, "SYSLOG_ACTION_SIZE_BUFFER is the ring's size");

    int writer = open("/dev/kmsg", O_WRONLY);
    CHECK(writer >= 0, "open /dev/kmsg for writing");
    int reader = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
    CHECK(reader >= 0, "open /dev/kmsg for reading");
    int early = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
    CHECK(early >= 0, "a second reader");

    /* Past the newest record, nothing to read and no POLLIN. */
    CHECK_EQ_LONG(lseek(reader, 0, SEEK_END), 0);
    CHECK_ERR(read(reader, line, sizeof line), EAGAIN);
    struct pollfd pfd = {.fd = reader, .events = POLLIN};
    CHECK_EQ_LONG(poll(&pfd, 1, 0), 0);

    char message[256];
    snprintf(message, sizeof message, "<5>%s one\n", marker);
    CHECK_EQ_LONG(write_kmsg(writer, message), (long)strlen(message));
    CHECK_EQ_LONG(poll(&pfd, 1, 0), 1);
    CHECK(pfd.revents & POLLIN, "POLLIN once a record arrived");

    /* A buffer too small for the record: EINVAL, and the reader has passed it (Linux moves
     * the reader's position before it compares the sizes). */
    CHECK_ERR(read(reader, line, 8), EINVAL);
    CHECK_ERR(read(reader, line, sizeof line), EAGAIN);
    CHECK_EQ_LONG(write_kmsg(writer, message), (long)strlen(message));
    long n = read(reader, line, sizeof line - 1);
    CHECK(n > 0, "read one record");
    unsigned priority = 0;
    unsigned long long first_sequence = 0, sequence = 0;
    const char *text = NULL;
    if (n > 0) {
        line[n] = '\0';
        CHECK_EQ_LONG(parse_record(line, n, &priority, &first_sequence, &text), 0);
        CHECK_EQ_LONG(priority, (1 << 3) | 5);   /* LOG_USER, level 5 */
        if (text) {
            char expected[128];
            snprintf(expected, sizeof expected, "%s one\n", marker);
            CHECK_EQ_STR(text, expected);
        }
    }
    CHECK_ERR(read(reader, line, sizeof line), EAGAIN);

    /* Facility 0 from user space becomes LOG_USER; no prefix is <12>; a bad prefix is text. */
    snprintf(message, sizeof message, "<6>%s two\n", marker);
    write_kmsg(writer, message);
    snprintf(message, sizeof message, "%s three\n", marker);
    write_kmsg(writer, message);
    snprintf(message, sizeof message, "<x>%s four\n", marker);
    write_kmsg(writer, message);
    unsigned expected_priorities[] = {14, 12, 12};
    const char *expected_texts[] = {"two", "three", "four"};
    unsigned long long previous = first_sequence;
    for (int i = 0; i < 3; i++) {
        n = read(reader, line, sizeof line - 1);
        CHECK(n > 0, "read the next record");
        if (n <= 0)
            break;
        line[n] = '\0';
        CHECK_EQ_LONG(parse_record(line, n, &priority, &sequence, &text), 0);
        CHECK(sequence > previous, "sequence numbers grow");
        previous = sequence;
        CHECK_EQ_LONG(priority, expected_priorities[i]);
        char expected[128];
        snprintf(expected, sizeof expected, "%s%s %s\n", i == 2 ? "<x>" : "", marker, expected_texts[i]);
        if (text)
            CHECK_EQ_STR(text, expected);
    }

    /* Too long a write. */
    char *big = malloc(1100);
    memset(big, 'a', 1100);
    CHECK_ERR(write(writer, big, 1025), EINVAL);
    free(big);

    /* lseek's rules. */
    CHECK_ERR(lseek(reader, 1, SEEK_SET), ESPIPE);
    CHECK_ERR(lseek(reader, 0, SEEK_CUR), EINVAL);
    CHECK_EQ_LONG(lseek(reader, 0, SEEK_SET), 0);
    n = read(reader, line, sizeof line - 1);
    CHECK(n > 0, "read the oldest record after SEEK_SET");
    if (n > 0) {
        line[n] = '\0';
        CHECK_EQ_LONG(parse_record(line, n, &priority, &sequence, &text), 0);
        CHECK(sequence <= first_sequence, "SEEK_SET goes to the oldest record");
    }
    CHECK_EQ_LONG(lseek(reader, 0, SEEK_DATA), 0);

    /* syslog(2) READ_ALL: "<N>[seconds.micros] text" lines, ours among them. */
    char *all = malloc(size + 1);
    long got = klogctl(3, all, size);
    CHECK(got > 0 && got <= size, "READ_ALL gives the log");
    if (got > 0) {
        all[got] = '\0';
        CHECK(all[0] == '<' && strchr(all, '['), "READ_ALL lines start with <N>[");
        char expected[128];
        snprintf(expected, sizeof expected, ">[");
        CHECK(strstr(all, expected) != NULL, "a time stamp");
        snprintf(expected, sizeof expected, "] %s one\n", marker);
        char *ours = strstr(all, expected);
        CHECK(ours != NULL, "our record is in READ_ALL");
        if (ours) {
            char *start = ours;
            while (start > all && start[-1] != '\n')
                start--;
            CHECK(strncmp(start, "<13>[", 5) == 0, "our record's priority prefix");
        }
    }
    CHECK_EQ_LONG(klogctl(3, all, 0), 0);
    CHECK_ERR(klogctl(3, NULL, 10), EINVAL);
    CHECK_ERR(klogctl(3, all, -1), EINVAL);
    CHECK_ERR(klogctl(3, (char *)8, size), EFAULT);
    CHECK_ERR(klogctl(11, NULL, 0), EINVAL);
    CHECK_ERR(klogctl(-1, NULL, 0), EINVAL);
    CHECK_ERR(klogctl(8, NULL, 0), EINVAL);
    CHECK_ERR(klogctl(8, NULL, 9), EINVAL);
    CHECK_EQ_LONG(klogctl(0, NULL, 0), 0);
    CHECK_EQ_LONG(klogctl(1, NULL, 0), 0);
    CHECK(klogctl(9, NULL, 0) >= 0, "SIZE_UNREAD");

    /* CLEAR: READ_ALL and SEEK_DATA start after it. */
    CHECK_EQ_LONG(klogctl(5, NULL, 0), 0);
    snprintf(message, sizeof message, "<7>%s after-clear\n", marker);
    write_kmsg(writer, message);
    got = klogctl(3, all, size);
    if (got >= 0) {
        all[got] = '\0';
        char expected[128];
        snprintf(expected, sizeof expected, "%s one", marker);
        CHECK(strstr(all, expected) == NULL, "cleared records are not in READ_ALL");
        snprintf(expected, sizeof expected, "%s after-clear", marker);
        CHECK(strstr(all, expected) != NULL, "a record after CLEAR is");
    }
    CHECK_EQ_LONG(lseek(reader, 0, SEEK_DATA), 0);
    n = read(reader, line, sizeof line - 1);
    CHECK(n > 0, "SEEK_DATA reaches the record after CLEAR");
    if (n > 0) {
        line[n] = '\0';
        CHECK(strstr(line, "after-clear") != NULL || strstr(line, "one") == NULL, "SEEK_DATA skips the cleared records");
    }

    /* Console level: CONSOLE_OFF sets the minimum, CONSOLE_ON restores, LEVEL sets. */
    int console = read_printk_console_level();
    CHECK(console >= 1 && console <= 8, "kernel.printk's console level");
    CHECK_EQ_LONG(klogctl(6, NULL, 0), 0);
    CHECK_EQ_LONG(read_printk_console_level(), 1);
    CHECK_EQ_LONG(klogctl(7, NULL, 0), 0);
    CHECK_EQ_LONG(read_printk_console_level(), console);
    CHECK_EQ_LONG(klogctl(8, NULL, 3), 0);
    CHECK_EQ_LONG(read_printk_console_level(), 3);
    CHECK_EQ_LONG(klogctl(8, NULL, console), 0);
    CHECK_EQ_LONG(read_printk_console_level(), console);

    /* Overrun: a reader whose next record was dropped gets EPIPE once. */
    if (size <= (4 << 20)) {
        CHECK_EQ_LONG(lseek(early, 0, SEEK_SET), 0);
        char filler[1001];
        memset(filler, 'f', sizeof filler - 1);
        filler[sizeof filler - 2] = '\n';   /* Linux keeps a record without one open for continuation */
        filler[sizeof filler - 1] = '\0';
        memcpy(filler, "<7>", 3);
        int writes = size / 900 + 16;
        int fd = -1;
        for (int i = 0; i < writes; i++) {
            if (i % 8 == 0) {   /* Linux rate-limits each open file's writes to 10 per 5 s */
                if (fd >= 0)
                    close(fd);
                fd = open("/dev/kmsg", O_WRONLY);
            }
            write(fd, filler, strlen(filler));
        }
        if (fd >= 0)
            close(fd);
        CHECK_ERR(read(early, line, sizeof line), EPIPE);
        CHECK(read(early, line, sizeof line) > 0, "the read after EPIPE gives the oldest record");
    }
    free(all);

    char dmesg_restrict[16] = "";
    CHECK(apus_read_file("/proc/sys/kernel/dmesg_restrict", dmesg_restrict, sizeof dmesg_restrict) > 0, "kernel.dmesg_restrict");
    CHECK(dmesg_restrict[0] == '0' || dmesg_restrict[0] == '1', "dmesg_restrict is 0 or 1");
    if (getuid() == 0) {
        pid_t child = test_fork();
        if (child == 0)
            unprivileged_child(dmesg_restrict[0] == '1');
        CHECK_EQ_LONG(child_exit_status(child), 0);
    }
    close(writer);
    close(reader);
    close(early);
    return test_finish("proc/kmsg");
}
