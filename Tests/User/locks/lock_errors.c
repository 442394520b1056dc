/* fcntl(2) record-lock errors in Linux's order: EBADF for a bad descriptor, an
 * O_PATH one, or an access mode that does not allow the lock type (F_RDLCK
 * needs read, F_WRLCK write; F_UNLCK and F_GETLK need neither); EINVAL for a
 * bad l_whence, a bad l_type, F_UNLCK in F_GETLK, a start before 0 (also
 * through SEEK_CUR/SEEK_END or a negative l_len), a non-zero l_pid in an OFD
 * request; EOVERFLOW for a range past the largest offset; EFAULT for a bad
 * pointer. F_GETLK without a conflict changes only l_type. */
#include "locks_common.h"
#include <limits.h>

int main(void)
{
    if (test_enter_scratch_dir("lock_errors") != 0)
        return test_finish("lock_errors");
    int rw = make_file("data", 100, O_RDWR);
    int ro = open("data", O_RDONLY);
    int wo = open("data", O_WRONLY);
    CHECK(rw >= 0 && ro >= 0 && wo >= 0, "open data");

    /* Access modes. */
    CHECK_ERR(lock_call(ro, F_SETLK, F_WRLCK, SEEK_SET, 0, 1), EBADF);
    CHECK_ERR(lock_call(wo, F_SETLK, F_RDLCK, SEEK_SET, 0, 1), EBADF);
    CHECK_ERR(lock_call(ro, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 1), EBADF);
    CHECK_ERR(lock_call(wo, F_SETLKW, F_RDLCK, SEEK_SET, 0, 1), EBADF);
    CHECK_OK(lock_call(ro, F_SETLK, F_RDLCK, SEEK_SET, 0, 1));
    CHECK_OK(lock_call(wo, F_SETLK, F_WRLCK, SEEK_SET, 10, 1));
    CHECK_OK(lock_call(ro, F_SETLK, F_UNLCK, SEEK_SET, 0, 0));
    CHECK_OK(lock_call(wo, F_SETLK, F_UNLCK, SEEK_SET, 0, 0));
    struct flock fl;
    CHECK_OK(lock_query(wo, F_GETLK, F_RDLCK, 0, 0, &fl));
    CHECK_OK(lock_query(ro, F_GETLK, F_WRLCK, 0, 0, &fl));

    /* Bad descriptors. */
    CHECK_ERR(lock_call(-1, F_SETLK, F_RDLCK, SEEK_SET, 0, 1), EBADF);
    CHECK_ERR(lock_query(999, F_GETLK, F_RDLCK, 0, 1, &fl), EBADF);
    int path_only = open("data", O_PATH);
    CHECK(path_only >= 0, "O_PATH open");
    CHECK_ERR(lock_query(path_only, F_GETLK, F_RDLCK, 0, 1, &fl), EBADF);
    CHECK_ERR(lock_call(path_only, F_SETLK, F_UNLCK, SEEK_SET, 0, 1), EBADF);
    CHECK_OK(close(path_only));

    /* Types and origins. */
    CHECK_ERR(lock_call(rw, F_SETLK, 3, SEEK_SET, 0, 1), EINVAL);
    CHECK_ERR(lock_call(rw, F_SETLK, -1, SEEK_SET, 0, 1), EINVAL);
    CHECK_ERR(lock_query(rw, F_GETLK, F_UNLCK, 0, 1, &fl), EINVAL);
    CHECK_ERR(lock_query(rw, F_GETLK, 7, 0, 1, &fl), EINVAL);
    CHECK_ERR(lock_call(rw, F_SETLK, F_RDLCK, 3, 0, 1), EINVAL);
    CHECK_ERR(lock_call(rw, F_SETLK, F_RDLCK, -1, 0, 1), EINVAL);
    /* The origin is checked before the type. */
    CHECK_ERR(lock_call(ro, F_SETLK, F_WRLCK, 9, 0, 1), EINVAL);

    /* Ranges. */
    CHECK_ERR(lock_call(rw, F_SETLK, F_RDLCK, SEEK_SET, -1, 1), EINVAL);
    CHECK_ERR(lock_call(rw, F_SETLK, F_RDLCK, SEEK_END, -101, 1), EINVAL);
    CHECK(lseek(rw, 5, SEEK_SET) == 5, "lseek 5");
    CHECK_ERR(lock_call(rw, F_SETLK, F_RDLCK, SEEK_CUR, -6, 1), EINVAL);
    CHECK_ERR(lock_call(rw, F_SETLK, F_RDLCK, SEEK_SET, 5, -6), EINVAL);
    CHECK_OK(lock_call(rw, F_SETLK, F_RDLCK, SEEK_SET, 5, -5));
    CHECK_ERR(lock_call(rw, F_SETLK, F_RDLCK, SEEK_SET, LLONG_MAX, 2), EOVERFLOW);
    CHECK_ERR(lock_call(rw, F_SETLK, F_RDLCK, SEEK_END, LLONG_MAX, 1), EOVERFLOW);
    CHECK_ERR(lock_call(rw, F_SETLK, F_RDLCK, SEEK_CUR, LLONG_MAX, 0), EOVERFLOW);
    CHECK_ERR(lock_query(rw, F_GETLK, F_RDLCK, 2, LLONG_MAX, &fl), EOVERFLOW);
    CHECK_OK(lock_call(rw, F_SETLK, F_RDLCK, SEEK_SET, LLONG_MAX, 1));
    CHECK_OK(lock_call(rw, F_SETLK, F_RDLCK, SEEK_SET, 1, LLONG_MAX));
    CHECK_OK(lock_call(rw, F_SETLK, F_UNLCK, SEEK_SET, 0, 0));

    /* F_GETLK without a conflict: only l_type changes. */
    memset(&fl, 0, sizeof fl);
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_CUR;
    fl.l_start = 3;
    fl.l_len = 7;
    fl.l_pid = 4242;
    CHECK_OK(fcntl(rw, F_GETLK, &fl));
    CHECK_EQ_LONG(fl.l_type, F_UNLCK);
    CHECK_EQ_LONG(fl.l_whence, SEEK_CUR);
    CHECK_EQ_LONG(fl.l_start, 3);
    CHECK_EQ_LONG(fl.l_len, 7);
    CHECK_EQ_LONG(fl.l_pid, 4242);

    /* OFD requests with l_pid set; bad pointers. */
    memset(&fl, 0, sizeof fl);
    fl.l_type = F_RDLCK;
    fl.l_pid = 1;
    CHECK_ERR(fcntl(rw, F_OFD_GETLK, &fl), EINVAL);
    CHECK_ERR(fcntl(rw, F_OFD_SETLK, &fl), EINVAL);
    fl.l_pid = -1;
    CHECK_ERR(fcntl(rw, F_OFD_SETLKW, &fl), EINVAL);
    CHECK_ERR(syscall(SYS_fcntl, rw, F_SETLK, (long)8), EFAULT);
    CHECK_ERR(syscall(SYS_fcntl, rw, F_GETLK, (long)0), EFAULT);
    CHECK_ERR(syscall(SYS_fcntl, rw, F_OFD_SETLKW, (long)-4096), EFAULT);

    /* No file has a lease here (Apus has none; the test takes none on Linux). */
    CHECK_EQ_LONG(fcntl(rw, F_GETLEASE), F_UNLCK);

    CHECK_OK(close(rw));
    CHECK_OK(close(ro));
    CHECK_OK(close(wo));
    test_leave_scratch_dir();
    return test_finish("lock_errors");
}
