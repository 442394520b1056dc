/* sigaltstack(2) during delivery: an SA_ONSTACK handler runs on the
 * alternate stack and sees SS_ONSTACK; changing the stack there is EPERM;
 * a handler without SA_ONSTACK stays on the normal stack. */
#include "apus_test.h"
#include <signal.h>

static char alt[64 * 1024] __attribute__((aligned(16)));
static volatile int on_alt, ss_flags_inside, change_errno;
static volatile uintptr_t local_addr;

static void handler(int sig)
{
    (void)sig;
    volatile char here = 0;
    local_addr = (uintptr_t)&here;
    on_alt = local_addr >= (uintptr_t)alt && local_addr < (uintptr_t)alt + sizeof alt;
    stack_t cur;
    sigaltstack(NULL, &cur);
    ss_flags_inside = cur.ss_flags;
    stack_t other = {.ss_sp = alt, .ss_size = sizeof alt, .ss_flags = 0};
    change_errno = sigaltstack(&other, NULL) == 0 ? 0 : errno;
}

/* Deep recursion inside the handler must also stay on the alternate stack. */
static volatile int depth_ok;
static int recurse(int n)
{
    volatile char pad[256];
    pad[0] = (char)n;
    uintptr_t a = (uintptr_t)pad;
    if (!(a >= (uintptr_t)alt && a < (uintptr_t)alt + sizeof alt))
        return 0;
    return n == 0 ? 1 : recurse(n - 1) + pad[0] * 0;
}
static void deep_handler(int sig)
{
    (void)sig;
    depth_ok = recurse(100);
}

int main(void)
{
    stack_t ss = {.ss_sp = alt, .ss_size = sizeof alt, .ss_flags = 0};
    CHECK_OK(sigaltstack(&ss, NULL));

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sa.sa_flags = SA_ONSTACK;
    CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
    CHECK_OK(raise(SIGUSR1));
    CHECK_EQ_LONG(on_alt, 1);
    CHECK_EQ_LONG(ss_flags_inside, SS_ONSTACK);
    CHECK_EQ_LONG(change_errno, EPERM);

    /* Back on the normal stack: not SS_ONSTACK any more. */
    stack_t cur;
    CHECK_OK(sigaltstack(NULL, &cur));
    CHECK_EQ_LONG(cur.ss_flags, 0);

    /* Without SA_ONSTACK the handler uses the normal stack. */
    sa.sa_flags = 0;
    CHECK_OK(sigaction(SIGUSR2, &sa, NULL));
    CHECK_OK(raise(SIGUSR2));
    CHECK_EQ_LONG(on_alt, 0);
    CHECK_EQ_LONG(ss_flags_inside, 0);

    sa.sa_handler = deep_handler;
    sa.sa_flags = SA_ONSTACK;
    CHECK_OK(sigaction(SIGHUP, &sa, NULL));
    CHECK_OK(raise(SIGHUP));
    CHECK_EQ_LONG(depth_ok, 1);

    /* Disabled: SA_ONSTACK handlers run on the normal stack. */
    ss.ss_flags = SS_DISABLE;
    CHECK_OK(sigaltstack(&ss, NULL));
    sa.sa_handler = handler;
    CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
    CHECK_OK(raise(SIGUSR1));
    CHECK_EQ_LONG(on_alt, 0);
    CHECK_EQ_LONG(ss_flags_inside, SS_DISABLE);
    return test_finish("altstack");
}
