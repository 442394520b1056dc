/* read(2)/write(2): offsets advance, short reads at EOF, zero-length
 * transfers, and the file position shared through dup. */
#include "apus_test.h"

int main(void)
{
    if (test_enter_scratch_dir("read_write") != 0)
        return test_finish("read_write");
    int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0, "create");

    static char big[100000];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (char)(i * 7);
    CHECK_EQ_LONG(write(fd, big, sizeof big), sizeof big);
    CHECK_EQ_LONG(lseek(fd, 0, SEEK_CUR), sizeof big);
    CHECK_EQ_LONG(write(fd, big, 0), 0);
    CHECK_EQ_LONG(lseek(fd, 0, SEEK_CUR), sizeof big);

    /* Reading from the end returns 0 (EOF), repeatedly. */
    char buf[4096];
    CHECK_EQ_LONG(read(fd, buf, sizeof buf), 0);
    CHECK_EQ_LONG(read(fd, buf, sizeof buf), 0);

    /* Read it back in odd-sized chunks. */
    CHECK_EQ_LONG(lseek(fd, 0, SEEK_SET), 0);
    static char back[100000];
    size_t got = 0;
    int reads = 0;
    while (got < sizeof back && reads < 1000) {
        size_t want = 1000 + (size_t)reads * 37;
        if (want > sizeof back - got)
            want = sizeof back - got;
        ssize_t r = read(fd, back + got, want);
        if (r <= 0)
            break;
        got += (size_t)r;
        reads++;
    }
    CHECK_EQ_LONG(got, sizeof big);
    CHECK(memcmp(big, back, sizeof big) == 0, "data read back matches");

    /* A read across EOF is short. */
    CHECK_EQ_LONG(lseek(fd, sizeof big - 10, SEEK_SET), sizeof big - 10);
    CHECK_EQ_LONG(read(fd, buf, sizeof buf), 10);
    CHECK_EQ_LONG(read(fd, buf, 0), 0);

    /* Overwrite in the middle does not change the size. */
    CHECK_EQ_LONG(lseek(fd, 50, SEEK_SET), 50);
    CHECK_EQ_LONG(write(fd, "XYZ", 3), 3);
    struct stat st;
    CHECK_OK(fstat(fd, &st));
    CHECK_EQ_LONG(st.st_size, sizeof big);
    CHECK_EQ_LONG(pread(fd, buf, 5, 49), 5);
    CHECK(buf[0] == big[49] && memcmp(buf + 1, "XYZ", 3) == 0 && buf[4] == big[53], "overwrite in place");

    /* dup shares the offset; a second open() has its own. */
    int d = dup(fd);
    int other = open("f", O_RDONLY);
    CHECK_EQ_LONG(lseek(fd, 100, SEEK_SET), 100);
    CHECK_EQ_LONG(read(d, buf, 10), 10);
    CHECK_EQ_LONG(lseek(fd, 0, SEEK_CUR), 110);
    CHECK_EQ_LONG(lseek(other, 0, SEEK_CUR), 0);
    close(d);
    close(other);

    /* Writes to stdout-like descriptors of size 0 succeed without output. */
    CHECK_EQ_LONG(write(1, "", 0), 0);

    CHECK_ERR(read(-1, buf, 1), EBADF);
    CHECK_ERR(write(999, buf, 1), EBADF);
    close(fd);
    CHECK_ERR(read(fd, buf, 1), EBADF);
    test_leave_scratch_dir();
    return test_finish("read_write");
}
