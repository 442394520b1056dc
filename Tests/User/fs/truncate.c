/* truncate(2)/ftruncate(2): growing zero-fills, shrinking discards, the
 * offset is untouched, and the errors (EINVAL for a read-only fd). */
#include "apus_test.h"

int main(void)
{
    if (test_enter_scratch_dir("truncate") != 0)
        return test_finish("truncate");
    struct stat st;
    char buf[64];
    CHECK_OK(apus_write_file("f", "0123456789", 10));

    CHECK_OK(truncate("f", 4));
    CHECK_OK(stat("f", &st));
    CHECK_EQ_LONG(st.st_size, 4);
    CHECK_OK(truncate("f", 20));
    CHECK_OK(stat("f", &st));
    CHECK_EQ_LONG(st.st_size, 20);
    int fd = open("f", O_RDWR);
    CHECK_EQ_LONG(read(fd, buf, sizeof buf), 20);
    static const char zeros[16];
    CHECK(memcmp(buf, "0123", 4) == 0 && memcmp(buf + 4, zeros, 16) == 0,
          "shrunk data is gone, growth reads as zeros");

    /* ftruncate does not move the offset; a write past the new end leaves a hole. */
    CHECK_EQ_LONG(lseek(fd, 0, SEEK_CUR), 20);
    CHECK_OK(ftruncate(fd, 2));
    CHECK_EQ_LONG(lseek(fd, 0, SEEK_CUR), 20);
    CHECK_EQ_LONG(write(fd, "X", 1), 1);
    CHECK_OK(fstat(fd, &st));
    CHECK_EQ_LONG(st.st_size, 21);
    CHECK_EQ_LONG(pread(fd, buf, 21, 0), 21);
    CHECK(buf[0] == '0' && buf[1] == '1' && buf[2] == 0 && buf[19] == 0 && buf[20] == 'X',
          "hole after ftruncate + write");
    CHECK_OK(ftruncate(fd, 0));
    CHECK_OK(fstat(fd, &st));
    CHECK_EQ_LONG(st.st_size, 0);
    CHECK_EQ_LONG(st.st_blocks, 0);
    CHECK_OK(ftruncate(fd, 1 << 20));
    CHECK_OK(fstat(fd, &st));
    CHECK_EQ_LONG(st.st_size, 1 << 20);
    CHECK(st.st_blocks < 64, "growing by truncate allocates nothing");

    /* Errors. */
    CHECK_ERR(ftruncate(fd, -1), EINVAL);
    CHECK_ERR(truncate("f", -1), EINVAL);
    close(fd);
    int ro = open("f", O_RDONLY);
    CHECK_ERR(ftruncate(ro, 0), EINVAL);   /* not EBADF: Linux says EINVAL */
    close(ro);
    CHECK_ERR(ftruncate(ro, 0), EBADF);
    CHECK_OK(mkdir("d", 0755));
    CHECK_ERR(truncate("d", 0), EISDIR);
    int dfd = open("d", O_RDONLY | O_DIRECTORY);
    CHECK_ERR(ftruncate(dfd, 0), EINVAL);
    close(dfd);
    CHECK_ERR(truncate("missing", 0), ENOENT);
    CHECK_ERR(truncate("f/x", 0), ENOTDIR);
    test_leave_scratch_dir();
    return test_finish("truncate");
}
