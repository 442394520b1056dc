/* readv(2)/writev(2): scatter/gather order, empty iovecs, IOV_MAX, errors. */
#include "apus_test.h"
#include <limits.h>
#include <sys/uio.h>

int main(void)
{
    if (test_enter_scratch_dir("readv_writev") != 0)
        return test_finish("readv_writev");
    int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0, "create");

    struct iovec w[4] = {{"one ", 4}, {NULL, 0}, {"two ", 4}, {"three", 5}};
    CHECK_EQ_LONG(writev(fd, w, 4), 13);
    CHECK_EQ_LONG(lseek(fd, 0, SEEK_CUR), 13);
    CHECK_EQ_LONG(writev(fd, w, 0), 0);

    CHECK_EQ_LONG(lseek(fd, 0, SEEK_SET), 0);
    char a[2], b[6], c[10];
    memset(c, 0, sizeof c);
    struct iovec r[3] = {{a, 2}, {b, 6}, {c, 10}};
    CHECK_EQ_LONG(readv(fd, r, 3), 13);
    CHECK(memcmp(a, "on", 2) == 0 && memcmp(b, "e two ", 6) == 0 && memcmp(c, "three", 5) == 0,
          "readv fills buffers in order");
    CHECK_EQ_LONG(readv(fd, r, 3), 0);

    /* Many small iovecs up to IOV_MAX (1024) work; one more is EINVAL. */
    static struct iovec many[1025];
    static char bytes[1025];
    for (int i = 0; i < 1025; i++) {
        bytes[i] = (char)('a' + i % 26);
        many[i].iov_base = &bytes[i];
        many[i].iov_len = 1;
    }
    CHECK_EQ_LONG(lseek(fd, 0, SEEK_SET), 0);
    CHECK_EQ_LONG(writev(fd, many, 1024), 1024);
    CHECK_ERR(writev(fd, many, 1025), EINVAL);
    CHECK_ERR(syscall(SYS_writev, fd, many, -1), EINVAL);
    CHECK_ERR(readv(fd, many, 1025), EINVAL);
    char check[1024];
    CHECK_EQ_LONG(pread(fd, check, 1024, 0), 1024);
    CHECK(memcmp(check, bytes, 1024) == 0, "1024 one-byte iovecs written in order");

    /* An iov_len that is negative as ssize_t is EINVAL. */
    struct iovec huge[2] = {{bytes, 1}, {bytes, (size_t)-1}};
    CHECK_ERR(writev(fd, huge, 2), EINVAL);

    /* A bad pointer in a later iovec: the earlier part is written, then it stops. */
    CHECK_EQ_LONG(lseek(fd, 0, SEEK_SET), 0);
    CHECK_OK(ftruncate(fd, 0));
    struct iovec partial[2] = {{"good", 4}, {(void *)8, 4}};
    long n = writev(fd, partial, 2);
    CHECK(n == 4 || (n == -1 && errno == EFAULT), "writev stops at the bad iovec");
    struct iovec allbad[1] = {{(void *)8, 4}};
    CHECK_ERR(writev(fd, allbad, 1), EFAULT);
    CHECK_ERR(syscall(SYS_writev, fd, (void *)8, 1), EFAULT); /* the iovec array itself */

    CHECK_ERR(readv(-1, r, 1), EBADF);
    close(fd);
    test_leave_scratch_dir();
    return test_finish("readv_writev");
}
