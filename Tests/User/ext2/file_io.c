/* read(2), write(2), pread(2), pwrite(2), lseek(2), fsync(2), O_APPEND and O_TRUNC on ext2: a file
 * written across the direct, single- and double-indirect blocks of a 1 KiB-block volume (12, 12+256
 * and 12+256+65536 blocks), rewritten in the middle, appended to, read back before and after an
 * unmount and a new mount (then the bytes came from the disk); fsync and fdatasync succeed; an
 * append after an fsync keeps both parts; an O_TRUNC open empties a file. */

#include "apus_ext2.h"

#define FILE_BYTES (300 * 1024 + 123)   /* past 268 KiB: direct, indirect and double-indirect blocks */

static unsigned char buffer[FILE_BYTES];
static unsigned char readback[FILE_BYTES];

static void check_file(const char *path, long long bytes, unsigned seed, const char *when)
{
    int fd = open(path, O_RDONLY);
    CHECK(fd >= 0, when);
    if (fd < 0)
        return;
    struct stat st;
    CHECK_OK(fstat(fd, &st));
    CHECK_EQ_LONG(st.st_size, bytes);
    long long done = 0;
    /* Odd-sized reads so that they straddle block boundaries. */
    while (done < bytes) {
        ssize_t got = read(fd, readback + done, 7777);
        if (got <= 0)
            break;
        done += got;
    }
    CHECK_EQ_LONG(done, bytes);
    CHECK(ext2_pattern_matches(readback, (size_t)bytes, 0, seed), when);
    char extra;
    CHECK_EQ_LONG(read(fd, &extra, 1), 0);
    close(fd);
}

int main(void)
{
    if (!ext2_enter("file_io"))
        return test_finish("file_io");

    ext2_pattern(buffer, sizeof buffer, 0, 1);
    int fd = open("data", O_RDWR | O_CREAT | O_EXCL, 0644);
    CHECK(fd >= 0, "create data");
    long long written = 0;
    while (written < FILE_BYTES) {
        size_t chunk = FILE_BYTES - written < 5000 ? (size_t)(FILE_BYTES - written) : 5000;
        ssize_t w = write(fd, buffer + written, chunk);
        CHECK_EQ_LONG(w, (long)chunk);
        if (w <= 0)
            break;
        written += w;
    }
    CHECK_EQ_LONG(lseek(fd, 0, SEEK_CUR), FILE_BYTES);
    CHECK_EQ_LONG(lseek(fd, 0, SEEK_END), FILE_BYTES);
    CHECK_OK(fsync(fd));
    CHECK_OK(fdatasync(fd));

    /* pread across the boundary between the direct blocks and the indirect ones. */
    unsigned char small[4096];
    CHECK_EQ_LONG(pread(fd, small, sizeof small, 12 * 1024 - 100), sizeof small);
    CHECK(ext2_pattern_matches(small, sizeof small, 12 * 1024 - 100, 1), "pread across block 12");
    CHECK_EQ_LONG(pread(fd, small, sizeof small, 268 * 1024 - 2000), sizeof small);
    CHECK(ext2_pattern_matches(small, sizeof small, 268 * 1024 - 2000, 1), "pread across block 268");
    /* A read at the end returns 0; one across the end is cut short. */
    CHECK_EQ_LONG(pread(fd, small, sizeof small, FILE_BYTES), 0);
    CHECK_EQ_LONG(pread(fd, small, sizeof small, FILE_BYTES - 10), 10);

    /* Rewrite a range in the middle with another seed, then restore it. */
    unsigned char other[3000];
    ext2_pattern(other, sizeof other, 100000, 9);
    CHECK_EQ_LONG(pwrite(fd, other, sizeof other, 100000), sizeof other);
    CHECK_EQ_LONG(pread(fd, small, sizeof other, 100000), sizeof other);
    CHECK(memcmp(small, other, sizeof other) == 0, "rewritten range reads back");
    CHECK_EQ_LONG(pwrite(fd, buffer + 100000, sizeof other, 100000), sizeof other);
    CHECK_OK(close(fd));
    check_file("data", FILE_BYTES, 1, "data before the remount");

    /* O_APPEND writes at the end whatever the offset. */
    int log = open("log", O_WRONLY | O_CREAT | O_APPEND, 0600);
    CHECK(log >= 0, "create log");
    CHECK_EQ_LONG(write(log, buffer, 1000), 1000);
    CHECK_EQ_LONG(lseek(log, 0, SEEK_SET), 0);
    CHECK_EQ_LONG(write(log, buffer + 1000, 1500), 1500);
    CHECK_EQ_LONG(lseek(log, 0, SEEK_CUR), 2500);
    CHECK_OK(close(log));

    /* An append after an fsync, into the block the old end falls in, survives the next
     * write-back (growing the size on the disk must not zero what was just written there). */
    int grow = open("grow", O_RDWR | O_CREAT | O_EXCL, 0644);
    CHECK(grow >= 0, "create grow");
    CHECK_EQ_LONG(write(grow, buffer, 1500), 1500);
    CHECK_OK(fsync(grow));
    CHECK_EQ_LONG(write(grow, buffer + 1500, 1000), 1000);
    CHECK_OK(fsync(grow));
    CHECK_OK(close(grow));

    /* O_TRUNC empties a file that holds blocks. */
    CHECK_EQ_LONG(apus_write_file("short", buffer, 5000), 0);
    int trunc = open("short", O_WRONLY | O_TRUNC);
    CHECK(trunc >= 0, "open O_TRUNC");
    struct stat st;
    CHECK_OK(fstat(trunc, &st));
    CHECK_EQ_LONG(st.st_size, 0);
    CHECK_EQ_LONG(st.st_blocks, 0);
    CHECK_EQ_LONG(write(trunc, "abc", 3), 3);
    CHECK_OK(close(trunc));

    /* A write to a read-only descriptor is EBADF; O_CREAT|O_EXCL on an existing name EEXIST. */
    int ro = open("data", O_RDONLY);
    CHECK_ERR(write(ro, "x", 1), EBADF);
    close(ro);
    CHECK_ERR(open("data", O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST);
    CHECK_ERR(open("missing", O_RDONLY), ENOENT);

    sync();
    if (ext2_remount() == 0) {
        check_file("data", FILE_BYTES, 1, "data after the remount");
        check_file("log", 2500, 1, "log after the remount");
        check_file("grow", 2500, 1, "grow (appended after an fsync) after the remount");
        char text[8] = {0};
        CHECK_EQ_LONG(apus_read_file("short", text, sizeof text), 3);
        CHECK(memcmp(text, "abc", 3) == 0, "short after the remount");
        CHECK_OK(stat("data", &st));
        /* 301 data blocks, one indirect block and two of the double-indirect tree, in 512-byte units. */
        CHECK_EQ_LONG(st.st_blocks, (301 + 1 + 2) * 2);
    }
    ext2_leave();
    return test_finish("file_io");
}
