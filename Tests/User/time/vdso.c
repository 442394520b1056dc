/* The vDSO (vdso(7)): found through getauxval(AT_SYSINFO_EHDR), its symbols resolved the way
 * the two libcs do it (musl: program headers, DT_HASH, DT_VERSYM/DT_VERDEF; glibc: DT_GNU_HASH
 * and the LINUX_2.6 version), each function called and compared with its system call, and the
 * libc wrappers (which go through the vDSO) interleaved with both: never backwards. */
#include "apus_test.h"
#include <elf.h>
#include <sys/auxv.h>
#include <sys/time.h>
#include <time.h>

#ifndef CLOCK_TAI
#define CLOCK_TAI 11
#endif

static uintptr_t base;                 /* load bias: image address minus its p_vaddr */
static const char *strings;
static const Elf64_Sym *symbols;
static const uint32_t *sysv_hash;
static const uint32_t *gnu_hash;
static const Elf64_Half *versym;
static const Elf64_Verdef *verdef;

static int parse_vdso(const Elf64_Ehdr *header)
{
    if (memcmp(header->e_ident, ELFMAG, SELFMAG) != 0 || header->e_type != ET_DYN) return 0;
    const Elf64_Phdr *ph = (const void *)((const char *)header + header->e_phoff);
    const Elf64_Dyn *dynamic = NULL;
    int found_load = 0;
    for (int i = 0; i < header->e_phnum; i++) {
        if (ph[i].p_type == PT_LOAD && !found_load) {
            base = (uintptr_t)header + ph[i].p_offset - ph[i].p_vaddr;
            found_load = 1;
        } else if (ph[i].p_type == PT_DYNAMIC) {
            dynamic = (const void *)((const char *)header + ph[i].p_offset);
        }
    }
    if (!found_load || dynamic == NULL) return 0;
    for (; dynamic->d_tag != DT_NULL; dynamic++) {
        const void *p = (const void *)(base + dynamic->d_un.d_ptr);
        switch (dynamic->d_tag) {
        case DT_STRTAB: strings = p; break;
        case DT_SYMTAB: symbols = p; break;
        case DT_HASH: sysv_hash = p; break;
        case DT_GNU_HASH: gnu_hash = p; break;
        case DT_VERSYM: versym = p; break;
        case DT_VERDEF: verdef = p; break;
        }
    }
    return strings != NULL && symbols != NULL;
}

/* Whether symbol `index` has version `name` (through DT_VERSYM and DT_VERDEF). */
static int has_version(uint32_t index, const char *name)
{
    if (versym == NULL || verdef == NULL) return 0;
    Elf64_Half wanted = versym[index] & 0x7fff;
    const Elf64_Verdef *d = verdef;
    for (;;) {
        if (!(d->vd_flags & VER_FLG_BASE) && (d->vd_ndx & 0x7fff) == wanted) {
            const Elf64_Verdaux *aux = (const void *)((const char *)d + d->vd_aux);
            return strcmp(strings + aux->vda_name, name) == 0;
        }
        if (d->vd_next == 0) return 0;
        d = (const void *)((const char *)d + d->vd_next);
    }
}

static int usable(uint32_t index, const char *name)
{
    const Elf64_Sym *s = &symbols[index];
    return ELF64_ST_TYPE(s->st_info) == STT_FUNC && s->st_shndx != SHN_UNDEF
        && (ELF64_ST_BIND(s->st_info) == STB_GLOBAL || ELF64_ST_BIND(s->st_info) == STB_WEAK)
        && strcmp(strings + s->st_name, name) == 0 && has_version(index, "LINUX_2.6");
}

/* musl's way: every symbol of DT_HASH's table (nchain = number of symbols). */
static void *lookup_sysv(const char *name)
{
    if (sysv_hash == NULL) return NULL;
    for (uint32_t i = 0; i < sysv_hash[1]; i++)
        if (usable(i, name)) return (void *)(base + symbols[i].st_value);
    return NULL;
}

/* glibc's way: the GNU hash table's bucket and chain. */
static void *lookup_gnu(const char *name)
{
    if (gnu_hash == NULL) return NULL;
    uint32_t h = 5381;
    for (const unsigned char *c = (const void *)name; *c; c++) h = h * 33 + *c;
    uint32_t nbuckets = gnu_hash[0], symoffset = gnu_hash[1], bloom_size = gnu_hash[2];
    const uint64_t *bloom = (const void *)&gnu_hash[4];
    const uint32_t *buckets = (const void *)&bloom[bloom_size];
    const uint32_t *chain = &buckets[nbuckets];
    uint32_t index = buckets[h % nbuckets];
    if (index < symoffset) return NULL;
    for (;; index++) {
        uint32_t hash = chain[index - symoffset];
        if ((hash | 1) == (h | 1) && usable(index, name)) return (void *)(base + symbols[index].st_value);
        if (hash & 1) return NULL;
    }
}

static void *lookup(const char *name)
{
    void *a = lookup_sysv(name), *b = lookup_gnu(name);
    CHECK(a != NULL, name);
    CHECK(a == b, "DT_HASH and DT_GNU_HASH agree");
    return a;
}

static long long ns(struct timespec t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }

typedef int (*clock_gettime_fn)(clockid_t, struct timespec *);
typedef int (*clock_getres_fn)(clockid_t, struct timespec *);
typedef int (*gettimeofday_fn)(struct timeval *, void *);
typedef time_t (*time_fn)(time_t *);
typedef long (*getcpu_fn)(unsigned *, unsigned *, void *);

int main(void)
{
    const Elf64_Ehdr *header = (const void *)getauxval(AT_SYSINFO_EHDR);
    CHECK(header != NULL, "AT_SYSINFO_EHDR");
    if (header == NULL || !parse_vdso(header)) {
        CHECK(0, "the vDSO is an ELF shared object with a dynamic section");
        return test_finish("vdso");
    }
    CHECK(sysv_hash != NULL, "DT_HASH (musl needs it)");
    CHECK(gnu_hash != NULL, "DT_GNU_HASH");
    CHECK(versym != NULL && verdef != NULL, "DT_VERSYM and DT_VERDEF");
    clock_gettime_fn vclock_gettime = (clock_gettime_fn)lookup("__vdso_clock_gettime");
    clock_getres_fn vclock_getres = (clock_getres_fn)lookup("__vdso_clock_getres");
    gettimeofday_fn vgettimeofday = (gettimeofday_fn)lookup("__vdso_gettimeofday");
    time_fn vtime = (time_fn)lookup("__vdso_time");
    getcpu_fn vgetcpu = (getcpu_fn)lookup("__vdso_getcpu");
    CHECK(lookup_sysv("__vdso_nonexistent") == NULL && lookup_gnu("__vdso_nonexistent") == NULL, "unknown name not found");
    if (!vclock_gettime || !vclock_getres || !vgettimeofday || !vtime || !vgetcpu) return test_finish("vdso");

    /* Each clock read through the vDSO lies between two system-call readings of it (the
     * realtime clocks within a millisecond: NTP may slew the host's). */
    const clockid_t clocks[] = { CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_BOOTTIME,
                                 CLOCK_REALTIME_COARSE, CLOCK_MONOTONIC_COARSE, CLOCK_TAI };
    for (unsigned i = 0; i < sizeof clocks / sizeof clocks[0]; i++) {
        clockid_t c = clocks[i];
        long long slack = (c == CLOCK_REALTIME || c == CLOCK_REALTIME_COARSE || c == CLOCK_TAI) ? 1000000 : 0;
        struct timespec before, during, after;
        CHECK_OK(syscall(SYS_clock_gettime, c, &before));
        CHECK_EQ_LONG(vclock_gettime(c, &during), 0);
        CHECK_OK(syscall(SYS_clock_gettime, c, &after));
        CHECK(during.tv_nsec >= 0 && during.tv_nsec < 1000000000, "tv_nsec in range");
        if (ns(during) < ns(before) - slack || ns(during) > ns(after) + slack) {
            fprintf(stderr, "clock %d: syscall %lld, vdso %lld, syscall %lld\n", (int)c, ns(before), ns(during), ns(after));
            CHECK(0, "vDSO clock between two system-call readings");
        }
        struct timespec vres = { -1, -1 }, sres = { -2, -2 };
        CHECK_EQ_LONG(vclock_getres(c, &vres), 0);
        CHECK_OK(syscall(SYS_clock_getres, c, &sres));
        CHECK(vres.tv_sec == sres.tv_sec && vres.tv_nsec == sres.tv_nsec, "clock_getres agrees with the system call");
        CHECK_EQ_LONG(vclock_getres(c, NULL), 0);
    }
    /* Clocks the vDSO does not compute still work (through the system call), errors included. */
    struct timespec t;
    CHECK_EQ_LONG(vclock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t), 0);
    CHECK(t.tv_sec > 0 || t.tv_nsec > 0, "process CPU time is positive");
    CHECK_EQ_LONG(vclock_gettime(CLOCK_THREAD_CPUTIME_ID, &t), 0);
    CHECK_EQ_LONG(vclock_gettime(100, &t), -EINVAL);
    CHECK_EQ_LONG(vclock_getres(100, &t), -EINVAL);
    CHECK_EQ_LONG(vclock_gettime(CLOCK_PROCESS_CPUTIME_ID, (struct timespec *)8), -EFAULT);

    /* gettimeofday: between two CLOCK_REALTIME readings; the time zone the system call gives. */
    struct timespec before, after;
    struct timeval tv;
    struct { int minuteswest, dsttime; } vzone = { -1, -1 }, szone = { -2, -2 };
    CHECK_OK(syscall(SYS_clock_gettime, CLOCK_REALTIME, &before));
    CHECK_EQ_LONG(vgettimeofday(&tv, &vzone), 0);
    CHECK_OK(syscall(SYS_clock_gettime, CLOCK_REALTIME, &after));
    long long us = tv.tv_sec * 1000000LL + tv.tv_usec;
    CHECK(tv.tv_usec >= 0 && tv.tv_usec < 1000000, "tv_usec in range");
    CHECK(us >= ns(before) / 1000 - 1000 && us <= ns(after) / 1000 + 1000, "gettimeofday between CLOCK_REALTIME readings");
    CHECK_OK(syscall(SYS_gettimeofday, NULL, &szone));
    CHECK(vzone.minuteswest == szone.minuteswest && vzone.dsttime == szone.dsttime, "time zone agrees");
    CHECK_EQ_LONG(vgettimeofday(NULL, NULL), 0);

    /* time: what it stores is what it returns, within a second of the system call's. */
    time_t stored = 0;
    time_t returned = vtime(&stored);
    time_t system = (time_t)syscall(SYS_time, NULL);
    CHECK(returned == stored, "time() returns what it stores");
    CHECK(system - returned >= -1 && system - returned <= 1, "time agrees with the system call");
    CHECK(vtime(NULL) >= returned, "time(NULL)");

    /* getcpu: the CPU and node the system call reports, a CPU this process may run on. */
    unsigned vcpu = 9999, vnode = 9999, scpu = 8888, snode = 8888;
    CHECK_EQ_LONG(vgetcpu(&vcpu, &vnode, NULL), 0);
    CHECK_OK(syscall(SYS_getcpu, &scpu, &snode, NULL));
    CHECK(vcpu < 4096 && (long)vcpu < sysconf(_SC_NPROCESSORS_CONF), "getcpu's CPU is a CPU");
    CHECK(vnode == snode, "getcpu's node agrees with the system call");
    CHECK_EQ_LONG(vgetcpu(NULL, NULL, NULL), 0);

    /* The vDSO, the libc wrapper and the system call interleaved: CLOCK_MONOTONIC never goes
     * backwards, and gettimeofday/time never run behind an earlier CLOCK_REALTIME reading by more
     * than the slack NTP allows. */
    long long last = 0;
    int backwards = 0, wall_behind = 0;
    for (int i = 0; i < 3000; i++) {
        struct timespec m;
        if (i % 3 == 0) vclock_gettime(CLOCK_MONOTONIC, &m);
        else if (i % 3 == 1) clock_gettime(CLOCK_MONOTONIC, &m);
        else syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &m);
        if (ns(m) < last) backwards++;
        last = ns(m);
        struct timespec r;
        clock_gettime(CLOCK_REALTIME, &r);
        struct timeval g;
        gettimeofday(&g, NULL);
        if (g.tv_sec * 1000000LL + g.tv_usec < ns(r) / 1000 - 1000) wall_behind++;
        if (time(NULL) < r.tv_sec - 1) wall_behind++;
    }
    CHECK_EQ_LONG(backwards, 0);
    CHECK_EQ_LONG(wall_behind, 0);
    return test_finish("vdso");
}
