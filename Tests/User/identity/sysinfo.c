/* sysinfo(2): memory totals and uptime are plausible and agree with
 * CLOCK_BOOTTIME. */
#include "apus_test.h"
#include <sys/sysinfo.h>
#include <time.h>

int main(void)
{
    struct sysinfo si;
    memset(&si, 0xff, sizeof si);
    CHECK_OK(sysinfo(&si));
    CHECK(si.mem_unit >= 1, "mem_unit at least 1");
    unsigned long long total = (unsigned long long)si.totalram * si.mem_unit;
    unsigned long long freeb = (unsigned long long)si.freeram * si.mem_unit;
    CHECK(total >= 16ull << 20, "at least 16 MiB of RAM");
    CHECK(freeb > 0 && freeb <= total, "0 < free <= total");
    CHECK(si.bufferram <= si.totalram, "buffers <= total");
    CHECK(si.freeswap <= si.totalswap, "free swap <= total swap");
    CHECK(si.procs >= 1, "at least one process (this one)");
    CHECK(si.uptime >= 0, "uptime non-negative");

    struct timespec boot;
    CHECK_OK(clock_gettime(CLOCK_BOOTTIME, &boot));
    long diff = boot.tv_sec - si.uptime;
    CHECK(diff >= -1 && diff <= 2, "uptime agrees with CLOCK_BOOTTIME");

    /* Using memory lowers freeram, at least not raises total. */
    struct sysinfo si2;
    CHECK_OK(sysinfo(&si2));
    CHECK_EQ_LONG(si2.totalram, si.totalram);
    CHECK_ERR(syscall(SYS_sysinfo, (void *)8), EFAULT);
    return test_finish("sysinfo");
}
