/* The main thread's stack grows on demand: a ~1 MiB deep recursion and a
 * large local array work, and the data in every frame stays intact. */
#include "apus_test.h"
#include <sys/resource.h>

#define FRAME_BYTES 1024
#define DEPTH 1024            /* 1024 frames x >1 KiB = more than 1 MiB */

static unsigned long recurse(int depth, volatile unsigned char *prev)
{
    volatile unsigned char frame[FRAME_BYTES];
    for (int i = 0; i < FRAME_BYTES; i += 64)
        frame[i] = (unsigned char)(depth + i);
    unsigned long sum = 0;
    if (depth > 0)
        sum = recurse(depth - 1, frame);
    /* After the deeper calls return, this frame must be unchanged. */
    for (int i = 0; i < FRAME_BYTES; i += 64)
        if (frame[i] != (unsigned char)(depth + i))
            return (unsigned long)-1;
    if (sum == (unsigned long)-1)
        return sum;
    (void)prev;
    return sum + frame[64];
}

static int big_local(void)
{
    volatile unsigned char buf[512 * 1024];
    buf[0] = 1;
    buf[sizeof buf - 1] = 2;
    for (size_t i = 4096; i < sizeof buf; i += 4096)
        buf[i] = 3;
    return buf[0] + buf[sizeof buf - 1] + buf[8192];
}

int main(void)
{
    struct rlimit rl;
    CHECK_OK(getrlimit(RLIMIT_STACK, &rl));
    CHECK(rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= 2u << 20, "stack limit allows 2 MiB");

    unsigned long expect = 0;
    for (int d = 0; d <= DEPTH; d++)
        expect += (unsigned char)(d + 64);
    unsigned char here;
    unsigned long got = recurse(DEPTH, &here);
    CHECK(got != (unsigned long)-1, "every frame kept its data");
    CHECK_EQ_LONG(got, expect);

    CHECK_EQ_LONG(big_local(), 6);
    /* Do it again: the grown stack is reused. */
    CHECK_EQ_LONG(recurse(DEPTH, &here), expect);
    return test_finish("stack_growth");
}
