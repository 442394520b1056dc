/* pread(2)/pwrite(2)/preadv/pwritev: positioned I/O that leaves the file
 * offset alone; negative offsets; writing past EOF leaves a zero hole. */
#include "apus_test.h"
#include <sys/uio.h>

int main(void)
{
    if (test_enter_scratch_dir("pread_pwrite") != 0)
        return test_finish("pread_pwrite");
    int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0, "create");
    CHECK_EQ_LONG(write(fd, "0123456789", 10), 10);
    CHECK_EQ_LONG(lseek(fd, 3, SEEK_SET), 3);

    char buf[32] = {0};
    CHECK_EQ_LONG(pread(fd, buf, 4, 5), 4);
    CHECK(memcmp(buf, "5678", 4) == 0, "pread data");
    CHECK_EQ_LONG(lseek(fd, 0, SEEK_CUR), 3);
    CHECK_EQ_LONG(pread(fd, buf, 32, 8), 2);   /* short at EOF */
    CHECK_EQ_LONG(pread(fd, buf, 32, 10), 0);  /* at EOF */
    CHECK_EQ_LONG(pread(fd, buf, 32, 1000), 0);

    CHECK_EQ_LONG(pwrite(fd, "ab", 2, 1), 2);
    CHECK_EQ_LONG(lseek(fd, 0, SEEK_CUR), 3);
    CHECK_EQ_LONG(pread(fd, buf, 4, 0), 4);
    CHECK(memcmp(buf, "0ab3", 4) == 0, "pwrite in place");

    /* pwrite beyond EOF extends the file with a hole of zeros. */
    CHECK_EQ_LONG(pwrite(fd, "END", 3, 20), 3);
    struct stat st;
    CHECK_OK(fstat(fd, &st));
    CHECK_EQ_LONG(st.st_size, 23);
    CHECK_EQ_LONG(pread(fd, buf, 13, 10), 13);
    static const char zeros[10];
    CHECK(memcmp(buf, zeros, 10) == 0 && memcmp(buf + 10, "END", 3) == 0, "hole reads as zeros");

    /* preadv/pwritev. */
    char x[3], y[4];
    struct iovec iov[2] = {{x, 3}, {y, 4}};
    CHECK_EQ_LONG(preadv(fd, iov, 2, 2), 7);
    CHECK(memcmp(x, "b34", 3) == 0 && memcmp(y, "5678", 4) == 0, "preadv scatters");
    struct iovec wv[2] = {{"AA", 2}, {"BBB", 3}};
    CHECK_EQ_LONG(pwritev(fd, wv, 2, 4), 5);
    CHECK_EQ_LONG(pread(fd, buf, 6, 3), 6);
    CHECK(memcmp(buf, "3AABBB", 6) == 0, "pwritev gathers");
    CHECK_EQ_LONG(lseek(fd, 0, SEEK_CUR), 3);

    /* Errors. */
    CHECK_ERR(pread(fd, buf, 1, -1), EINVAL);
    CHECK_ERR(pwrite(fd, buf, 1, -5), EINVAL);
    CHECK_ERR(pread(-1, buf, 1, 0), EBADF);
    int dfd = open(".", O_RDONLY | O_DIRECTORY);
    CHECK_ERR(pread(dfd, buf, 1, 0), EISDIR);
    close(dfd);
    int ro = open("f", O_RDONLY);
    CHECK_ERR(pwrite(ro, "z", 1, 0), EBADF);
    close(ro);

    /* O_APPEND: Linux's pwrite appends regardless of the offset (a documented bug). */
    int ap = open("f", O_WRONLY | O_APPEND);
    CHECK_EQ_LONG(pwrite(ap, "!", 1, 0), 1);
    CHECK_OK(fstat(fd, &st));
    CHECK_EQ_LONG(st.st_size, 24);
    CHECK_EQ_LONG(pread(fd, buf, 1, 0), 1);
    CHECK(buf[0] == '0', "O_APPEND pwrite did not write at offset 0");
    close(ap);
    close(fd);
    test_leave_scratch_dir();
    return test_finish("pread_pwrite");
}
