/* setitimer(2)/getitimer(2): ITIMER_VIRTUAL counts user CPU time only (sleeping
 * does not move it), ITIMER_PROF user and system time, ITIMER_REAL wall time;
 * each sends its signal on expiry and re-arms from its interval; getitimer
 * shows the time left; the old value comes back; bad arguments. */
#include "apus_test.h"
#include <signal.h>
#include <sys/time.h>

static volatile sig_atomic_t virtual_alarms, profiling_alarms, real_alarms;

static void on_signal(int signal)
{
    if (signal == SIGVTALRM) virtual_alarms++;
    if (signal == SIGPROF) profiling_alarms++;
    if (signal == SIGALRM) real_alarms++;
}

static long long microseconds(struct timeval tv)
{
    return (long long)tv.tv_sec * 1000000 + tv.tv_usec;
}

/* Burns CPU in user mode until `*counter` reaches `goal` or 10 s of wall time pass. */
static void spin_until(volatile sig_atomic_t *counter, int goal)
{
    long long start = apus_now_ns();
    volatile unsigned long sink = 0;
    while (*counter < goal && apus_now_ns() - start < 10000000000LL)
        for (int i = 0; i < 10000; i++)
            sink += i;
}

int main(void)
{
    struct sigaction action = {.sa_handler = on_signal};
    sigemptyset(&action.sa_mask);
    CHECK_OK(sigaction(SIGVTALRM, &action, NULL));
    CHECK_OK(sigaction(SIGPROF, &action, NULL));
    CHECK_OK(sigaction(SIGALRM, &action, NULL));

    /* ITIMER_VIRTUAL: 200 ms of sleep leave it (almost) where it was. */
    struct itimerval value = {.it_value = {0, 100000}}, old, now;
    CHECK_OK(setitimer(ITIMER_VIRTUAL, &value, NULL));
    struct timespec nap = {0, 200000000};
    CHECK_OK(nanosleep(&nap, NULL));
    CHECK_OK(getitimer(ITIMER_VIRTUAL, &now));
    /* (Linux rounds the value up to its tick, so it may read a little above 100 ms.) */
    CHECK(microseconds(now.it_value) > 50000 && microseconds(now.it_value) <= 120000,
          "sleeping does not consume ITIMER_VIRTUAL");
    CHECK_EQ_LONG(virtual_alarms, 0);
    /* Spinning does: SIGVTALRM arrives, and the one-shot timer is then disarmed. */
    spin_until(&virtual_alarms, 1);
    CHECK_EQ_LONG(virtual_alarms, 1);
    CHECK_OK(getitimer(ITIMER_VIRTUAL, &now));
    CHECK(microseconds(now.it_value) == 0, "one-shot timer disarmed after expiry");

    /* ITIMER_PROF with an interval re-arms: three signals. The old value comes back. */
    value = (struct itimerval){.it_value = {0, 20000}, .it_interval = {0, 20000}};
    CHECK_OK(setitimer(ITIMER_PROF, &value, NULL));
    spin_until(&profiling_alarms, 3);
    CHECK(profiling_alarms >= 3, "a periodic ITIMER_PROF fires again and again");
    struct itimerval off = {{0, 0}, {0, 0}};
    CHECK_OK(setitimer(ITIMER_PROF, &off, &old));
    CHECK(microseconds(old.it_interval) == 20000, "the old interval comes back");
    CHECK(microseconds(old.it_value) > 0 && microseconds(old.it_value) <= 40000, "the old value comes back");

    /* ITIMER_REAL counts wall time, asleep or not. */
    value = (struct itimerval){.it_value = {0, 50000}};
    CHECK_OK(setitimer(ITIMER_REAL, &value, NULL));
    long long start = apus_now_ns();
    while (real_alarms == 0 && apus_now_ns() - start < 10000000000LL)
        pause();
    CHECK_EQ_LONG(real_alarms, 1);
    CHECK(apus_now_ns() - start >= 40000000LL, "ITIMER_REAL waited its 50 ms");

    /* Errors. */
    CHECK_ERR(syscall(SYS_setitimer, 5, &value, NULL), EINVAL);
    CHECK_ERR(syscall(SYS_getitimer, -1, &now), EINVAL);
    value = (struct itimerval){.it_value = {0, 1000000}};
    CHECK_ERR(setitimer(ITIMER_VIRTUAL, &value, NULL), EINVAL);
    CHECK_ERR(syscall(SYS_getitimer, ITIMER_REAL, (void *)8), EFAULT);
    CHECK_ERR(syscall(SYS_setitimer, ITIMER_REAL, (void *)8, NULL), EFAULT);
    return test_finish("itimer");
}
