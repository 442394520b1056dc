/* getpid(2)/gettid(2)/getppid(2)/getpgid(2)/getsid(2)/set_tid_address(2):
 * the identifiers of a single-threaded process and their consistency. */
#include "apus_test.h"

int main(void)
{
    pid_t pid = getpid();
    CHECK(pid > 0, "getpid positive");
    CHECK_EQ_LONG(syscall(SYS_getpid), pid);
    CHECK_EQ_LONG(syscall(SYS_gettid), pid);       /* main thread: tid == pid */
    CHECK(getppid() >= 0, "getppid non-negative");
    CHECK(getppid() != pid, "parent is another process");

    pid_t pgrp = getpgrp();
    CHECK(pgrp > 0, "process group positive");
    CHECK_EQ_LONG(getpgid(0), pgrp);
    CHECK_EQ_LONG(getpgid(pid), pgrp);
    /* 0 when the session leader lives outside our PID namespace (a
     * container); setsid's own numbers are checked in process/pgid_session. */
    CHECK(getsid(0) >= 0, "session id non-negative");
    CHECK_EQ_LONG(getsid(pid), getsid(0));

    /* set_tid_address returns the caller's tid. */
    static int tid_slot;
    CHECK_EQ_LONG(syscall(SYS_set_tid_address, &tid_slot), pid);

    /* Looking up a process that does not exist. */
    CHECK_ERR(getpgid(0x3ffffff0), ESRCH);
    CHECK_ERR(getsid(0x3ffffff0), ESRCH);
    CHECK_ERR(getpgid(-1), ESRCH);
    CHECK_ERR(kill(0x3ffffff0, 0), ESRCH);
    /* Signal 0 to oneself checks existence and permission only. */
    CHECK_OK(kill(pid, 0));
    return test_finish("pid");
}
