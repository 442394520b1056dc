/* SA_RESTART versus EINTR (signal(7) "Interruption of system calls"): a
 * blocking pipe read is restarted or fails with EINTR depending on the
 * flag; nanosleep is never restarted and reports the remaining time. */
#include "apus_test.h"
#include <signal.h>
#include <sys/time.h>
#include <time.h>

static volatile sig_atomic_t alarms;
static void on_alarm(int sig) { (void)sig; alarms++; }

static void arm_timer_ms(long ms)
{
    struct itimerval it = {{0, 0}, {ms / 1000, (ms % 1000) * 1000}};
    setitimer(ITIMER_REAL, &it, NULL);
}

static void install(int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sa.sa_flags = flags;
    sigaction(SIGALRM, &sa, NULL);
}

int main(void)
{
    int p[2];
    char c;

    /* Without SA_RESTART: read fails with EINTR once the handler ran. */
    CHECK_OK(pipe(p));
    install(0);
    alarms = 0;
    arm_timer_ms(50);
    CHECK_ERR(read(p[0], &c, 1), EINTR);
    CHECK_EQ_LONG(alarms, 1);

    /* With SA_RESTART: read is resumed and gets the byte a child writes later. */
    install(SA_RESTART);
    alarms = 0;
    pid_t pid = test_fork();
    if (pid == 0) {
        apus_sleep_ms(300);
        if (write(p[1], "R", 1) != 1)
            _exit(1);
        _exit(0);
    }
    arm_timer_ms(50);
    c = 0;
    CHECK_EQ_LONG(read(p[0], &c, 1), 1);
    CHECK(c == 'R', "restarted read got the data");
    CHECK_EQ_LONG(alarms, 1);
    CHECK_EQ_LONG(child_exit_status(pid), 0);

    /* A read that already transferred data is not interrupted into EINTR:
     * with data available it simply returns. */
    CHECK_EQ_LONG(write(p[1], "ab", 2), 2);
    install(0);
    arm_timer_ms(20);
    char two[2];
    CHECK_EQ_LONG(read(p[0], two, 2), 2);
    apus_sleep_ms(50);

    /* nanosleep is interrupted even with SA_RESTART, and says what is left. */
    install(SA_RESTART);
    alarms = 0;
    arm_timer_ms(50);
    struct timespec req = {2, 0}, rem = {0, 0};
    long long t0 = apus_now_ns();
    CHECK_ERR(nanosleep(&req, &rem), EINTR);
    long long took = apus_now_ns() - t0;
    CHECK(took < 1500000000LL, "nanosleep returned early");
    CHECK(rem.tv_sec >= 1 || rem.tv_nsec > 0, "remaining time reported");
    CHECK(rem.tv_sec <= 2, "remaining time at most the request");
    CHECK_EQ_LONG(alarms, 1);

    /* pause() always returns EINTR after a handler. */
    arm_timer_ms(30);
    CHECK_ERR(pause(), EINTR);
    CHECK_EQ_LONG(alarms, 2);
    close(p[0]);
    close(p[1]);
    return test_finish("restart");
}
