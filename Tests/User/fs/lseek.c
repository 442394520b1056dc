/* lseek(2): SEEK_SET/CUR/END, seeking past EOF then writing leaves a hole
 * of zeros, and the EINVAL cases. */
#include "apus_test.h"

int main(void)
{
    if (test_enter_scratch_dir("lseek") != 0)
        return test_finish("lseek");
    int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0, "create");
    CHECK_EQ_LONG(write(fd, "abcdefghij", 10), 10);

    CHECK_EQ_LONG(lseek(fd, 2, SEEK_SET), 2);
    CHECK_EQ_LONG(lseek(fd, 3, SEEK_CUR), 5);
    CHECK_EQ_LONG(lseek(fd, -1, SEEK_CUR), 4);
    CHECK_EQ_LONG(lseek(fd, 0, SEEK_END), 10);
    CHECK_EQ_LONG(lseek(fd, -3, SEEK_END), 7);
    char c = 0;
    CHECK_EQ_LONG(read(fd, &c, 1), 1);
    CHECK(c == 'h', "read after SEEK_END-3");

    /* Seeking past the end is allowed and does not change the size... */
    CHECK_EQ_LONG(lseek(fd, 100, SEEK_END), 110);
    struct stat st;
    CHECK_OK(fstat(fd, &st));
    CHECK_EQ_LONG(st.st_size, 10);
    CHECK_EQ_LONG(read(fd, &c, 1), 0);
    /* ...until a write, which leaves a hole that reads as zeros. */
    CHECK_EQ_LONG(write(fd, "Z", 1), 1);
    CHECK_OK(fstat(fd, &st));
    CHECK_EQ_LONG(st.st_size, 111);
    char buf[101];
    CHECK_EQ_LONG(pread(fd, buf, 101, 10), 101);
    int zeros = 1;
    for (int i = 0; i < 100; i++)
        zeros &= buf[i] == 0;
    CHECK(zeros && buf[100] == 'Z', "hole reads as zeros");

    /* A large sparse file: 1 GiB offset. */
    CHECK_EQ_LONG(lseek(fd, 1L << 30, SEEK_SET), 1L << 30);
    CHECK_EQ_LONG(write(fd, "Q", 1), 1);
    CHECK_OK(fstat(fd, &st));
    CHECK_EQ_LONG(st.st_size, (1L << 30) + 1);
    CHECK(st.st_blocks < 1024, "sparse file does not allocate the hole");
    CHECK_EQ_LONG(pread(fd, buf, 4, 1L << 29), 4);
    CHECK(buf[0] == 0 && buf[3] == 0, "middle of the hole is zero");

    /* Errors: negative result, bad whence, bad fd. The offset is unchanged. */
    CHECK_EQ_LONG(lseek(fd, 5, SEEK_SET), 5);
    CHECK_ERR(lseek(fd, -1, SEEK_SET), EINVAL);
    CHECK_ERR(lseek(fd, -6, SEEK_CUR), EINVAL);
    CHECK_ERR(lseek(fd, -((1L << 30) + 2), SEEK_END), EINVAL);
    CHECK_ERR(lseek(fd, 0, 42), EINVAL);
    CHECK_EQ_LONG(lseek(fd, 0, SEEK_CUR), 5);
    CHECK_ERR(lseek(-1, 0, SEEK_SET), EBADF);

    /* Directories can be rewound. */
    int dfd = open(".", O_RDONLY | O_DIRECTORY);
    CHECK_EQ_LONG(lseek(dfd, 0, SEEK_SET), 0);
    close(dfd);
    close(fd);
    test_leave_scratch_dir();
    return test_finish("lseek");
}
