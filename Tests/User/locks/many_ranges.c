/* fcntl(2) record locks in bulk: 3,000 one-byte write locks on every other
 * byte are 3,000 separate locks (none touch, so none merge); another process
 * sees each gap free and each locked byte held; one F_UNLCK of the whole file
 * releases them all; filling the gaps merges everything into one lock. */
#include "locks_common.h"

#define COUNT 3000

int main(void)
{
    if (test_enter_scratch_dir("many_ranges") != 0)
        return test_finish("many_ranges");
    int fd = make_file("data", 10, O_RDWR);
    CHECK(fd >= 0, "open data");
    for (int i = 0; i < COUNT; i++) {
        if (lock_call(fd, F_SETLK, F_WRLCK, SEEK_SET, 2 * i, 1) != 0) {
            CHECK(0, "lock every other byte");
            break;
        }
    }
    pid_t pid = test_fork();
    if (pid == 0) {
        CHECK_QUERY(fd, F_GETLK, F_RDLCK, 2 * (COUNT - 1), 1, F_WRLCK, 2 * (COUNT - 1), 1);
        CHECK_FREE(fd, F_RDLCK, 2 * COUNT - 1, 0);
        CHECK_FREE(fd, F_RDLCK, 1001, 1);
        CHECK_QUERY(fd, F_GETLK, F_RDLCK, 1001, 2, F_WRLCK, 1002, 1);
        test_child_exit();
    }
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    for (int i = 0; i < COUNT; i++) {
        if (lock_call(fd, F_SETLK, F_WRLCK, SEEK_SET, 2 * i + 1, 1) != 0) {
            CHECK(0, "fill the gaps");
            break;
        }
    }
    pid = test_fork();
    if (pid == 0) {
        CHECK_QUERY(fd, F_GETLK, F_RDLCK, 500, 1, F_WRLCK, 0, 2 * COUNT);
        test_child_exit();
    }
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    CHECK_OK(lock_call(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0));
    pid = test_fork();
    if (pid == 0) {
        CHECK_FREE(fd, F_WRLCK, 0, 0);
        test_child_exit();
    }
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    CHECK_OK(close(fd));
    test_leave_scratch_dir();
    return test_finish("many_ranges");
}
