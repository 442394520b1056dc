/* posix_fadvise(2) through the raw fadvise64 system call (glibc's and musl's
 * wrappers return the error number instead of setting errno): every advice
 * on a regular file, a directory and a character device is accepted; a bad
 * descriptor or an O_PATH one is EBADF, a FIFO is ESPIPE, an unknown advice
 * or a negative length EINVAL. The advice changes no byte of the file. */
#include "apus_test.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

static long fadvise(int fd, long offset, long length, int advice)
{
    return syscall(SYS_fadvise64, fd, offset, length, advice);
}

int main(void)
{
    test_enter_scratch_dir("fadvise");
    int fd = open("data", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0, "create data");
    CHECK_EQ_LONG(write(fd, "advice\n", 7), 7);

    int advices[] = {POSIX_FADV_NORMAL, POSIX_FADV_RANDOM, POSIX_FADV_SEQUENTIAL, POSIX_FADV_WILLNEED,
                     POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE};
    for (unsigned index = 0; index < sizeof advices / sizeof advices[0]; index++) {
        CHECK_EQ_LONG(fadvise(fd, 0, 0, advices[index]), 0);
        CHECK_EQ_LONG(fadvise(fd, 4096, 1 << 20, advices[index]), 0);
    }
    /* The advice is only advice: the contents stay. */
    char buffer[16] = {0};
    CHECK_EQ_LONG(pread(fd, buffer, sizeof buffer, 0), 7);
    CHECK(memcmp(buffer, "advice\n", 7) == 0, "the file's bytes are unchanged");
    /* As glibc's posix_fadvise reports it. */
    CHECK_EQ_LONG(posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL), 0);

    CHECK_ERR(fadvise(fd, 0, 0, 6), EINVAL);
    CHECK_ERR(fadvise(fd, 0, 0, -1), EINVAL);
    CHECK_ERR(fadvise(fd, 0, -1, POSIX_FADV_NORMAL), EINVAL);
    CHECK_EQ_LONG(posix_fadvise(fd, 0, 0, 99), EINVAL);

    int directory = open(".", O_RDONLY | O_DIRECTORY);
    CHECK(directory >= 0, "open the directory");
    CHECK_EQ_LONG(fadvise(directory, 0, 0, POSIX_FADV_WILLNEED), 0);
    close(directory);

    CHECK_OK(mknod("null", S_IFCHR | 0666, makedev(1, 3)));
    int device = open("null", O_RDWR);
    CHECK(device >= 0, "open a character device");
    CHECK_EQ_LONG(fadvise(device, 0, 0, POSIX_FADV_SEQUENTIAL), 0);
    close(device);

    CHECK_OK(mkfifo("fifo", 0600));
    int fifo = open("fifo", O_RDWR | O_NONBLOCK);
    CHECK(fifo >= 0, "open a FIFO");
    CHECK_ERR(fadvise(fifo, 0, 0, POSIX_FADV_SEQUENTIAL), ESPIPE);
    close(fifo);

    int path = open("data", O_PATH);
    CHECK(path >= 0, "open with O_PATH");
    CHECK_ERR(fadvise(path, 0, 0, POSIX_FADV_NORMAL), EBADF);
    close(path);

    close(fd);
    CHECK_ERR(fadvise(fd, 0, 0, POSIX_FADV_NORMAL), EBADF);
    CHECK_ERR(fadvise(-1, 0, 0, POSIX_FADV_NORMAL), EBADF);
    CHECK_OK(unlink("data"));
    CHECK_OK(unlink("null"));
    CHECK_OK(unlink("fifo"));
    test_leave_scratch_dir();
    return test_finish("fadvise");
}
