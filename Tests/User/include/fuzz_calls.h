/* fuzz_calls.h: the system-call table of the fuzzers and what keeps the
 * calling process intact around each call (see fuzz_generator.h): argument
 * kinds per call, the calls whose arguments need more care (prepare), the
 * state put back after a call (after), and the pool of descriptors of every
 * kind the generated descriptors name (build_pool).
 */
#ifndef FUZZ_CALLS_H
#define FUZZ_CALLS_H

#include "fuzz_generator.h"

/* ---- the system calls -------------------------------------------------- */

/* Argument kinds, one letter each:
 *   f fd   d dirfd   p pointer   s path/name   l length   o offset   i int
 *   m mode   u uid   n pid (inspected)   P pid (changed: ourselves)
 *   S signal   c clock   t timespec timeout   T timeval timeout
 *   k signal set that only blocks   z sigset size   K pselect6 mask pair
 *   v iovec (the next argument is its count)   q pollfd (count next)
 *   a sockaddr (length next)   g msghdr   I itimerspec
 *   M victim address (its length next)   x zero
 * Calls whose arguments need more care are finished by prepare(). */
struct entry {
    int number;
    const char *name;
    const char *kinds;
    unsigned flags;
};

#define MEMORY 1u        /* may change mappings: remap the victim afterwards */
#define RESTORE 2u       /* changes process state that is put back */

static const struct entry calls[] = {
    {0, "read", "fpl", 0}, {1, "write", "fpl", 0}, {2, "open", "sim", 0}, {3, "close", "f", 0},
    {4, "stat", "sp", 0}, {5, "fstat", "fp", 0}, {6, "lstat", "sp", 0}, {7, "poll", "qxx", 0},
    {8, "lseek", "foi", 0}, {9, "mmap", "xxxxxx", MEMORY}, {10, "mprotect", "Mxi", MEMORY},
    {11, "munmap", "Mx", MEMORY}, {12, "brk", "x", MEMORY}, {13, "rt_sigaction", "ixpz", RESTORE},
    {14, "rt_sigprocmask", "ikpz", RESTORE}, {16, "ioctl", "fxp", 0}, {17, "pread64", "fplo", 0},
    {18, "pwrite64", "fplo", 0}, {19, "readv", "fvx", 0}, {20, "writev", "fvx", 0},
    {21, "access", "si", 0}, {22, "pipe", "p", 0}, {23, "select", "ipppT", 0},
    {24, "sched_yield", "", 0}, {25, "mremap", "Mxxxx", MEMORY}, {26, "msync", "Mxi", MEMORY},
    {27, "mincore", "plp", 0}, {28, "madvise", "Mxx", MEMORY}, {32, "dup", "f", 0},
    {33, "dup2", "ff", 0}, {35, "nanosleep", "tp", 0}, {36, "getitimer", "ip", 0},
    {37, "alarm", "i", 0}, {38, "setitimer", "iIp", 0}, {39, "getpid", "", 0},
    {40, "sendfile", "ffpl", 0}, {41, "socket", "xxi", 0}, {42, "connect", "fax", 0},
    {43, "accept", "fpp", 0}, {44, "sendto", "fpliax", 0}, {45, "recvfrom", "fplipp", 0},
    {46, "sendmsg", "fgi", 0}, {47, "recvmsg", "fgi", 0}, {48, "shutdown", "fi", 0},
    {49, "bind", "fax", 0}, {50, "listen", "fi", 0}, {51, "getsockname", "fpp", 0},
    {52, "getpeername", "fpp", 0}, {53, "socketpair", "xxip", 0}, {54, "setsockopt", "fiipl", 0},
    {55, "getsockopt", "fiipp", 0}, {61, "wait4", "npip", 0}, {62, "kill", "xS", 0},
    {63, "uname", "p", 0}, {67, "shmdt", "p", 0}, {72, "fcntl", "fxx", 0}, {73, "flock", "fi", 0},
    {74, "fsync", "f", 0}, {75, "fdatasync", "f", 0}, {76, "truncate", "so", 0},
    {77, "ftruncate", "fo", 0}, {78, "getdents", "fpl", 0}, {79, "getcwd", "pl", 0},
    {80, "chdir", "s", RESTORE}, {81, "fchdir", "f", RESTORE}, {82, "rename", "ss", 0},
    {83, "mkdir", "sm", 0}, {84, "rmdir", "s", 0}, {85, "creat", "sm", 0}, {86, "link", "ss", 0},
    {87, "unlink", "s", 0}, {88, "symlink", "ss", 0}, {89, "readlink", "spl", 0},
    {90, "chmod", "sm", 0}, {91, "fchmod", "fm", 0}, {92, "chown", "suu", 0},
    {93, "fchown", "fuu", 0}, {94, "lchown", "suu", 0}, {95, "umask", "i", RESTORE},
    {96, "gettimeofday", "pp", 0}, {97, "getrlimit", "ip", 0}, {98, "getrusage", "ip", 0},
    {99, "sysinfo", "p", 0}, {100, "times", "p", 0}, {102, "getuid", "", 0},
    {103, "syslog", "xpl", 0}, {104, "getgid", "", 0}, {105, "setuid", "x", 0},
    {106, "setgid", "x", 0}, {107, "geteuid", "", 0}, {108, "getegid", "", 0},
    {110, "getppid", "", 0}, {111, "getpgrp", "", 0}, {113, "setreuid", "xx", 0},
    {114, "setregid", "xx", 0}, {115, "getgroups", "ip", 0}, {116, "setgroups", "xp", 0},
    {117, "setresuid", "xxx", 0}, {118, "getresuid", "ppp", 0}, {119, "setresgid", "xxx", 0},
    {120, "getresgid", "ppp", 0}, {121, "getpgid", "n", 0}, {122, "setfsuid", "u", RESTORE},
    {123, "setfsgid", "u", RESTORE}, {124, "getsid", "n", 0}, {125, "capget", "pp", 0},
    {127, "rt_sigpending", "pz", 0}, {128, "rt_sigtimedwait", "pptz", 0},
    {129, "rt_sigqueueinfo", "xSp", 0}, {130, "rt_sigsuspend", "kz", RESTORE},
    {131, "sigaltstack", "pp", 0}, {132, "utime", "sp", 0}, {133, "mknod", "sxi", 0},
    {134, "uselib", "s", 0}, {135, "personality", "i", RESTORE}, {136, "ustat", "ip", 0},
    {137, "statfs", "sp", 0}, {138, "fstatfs", "fp", 0}, {139, "sysfs", "ipp", 0},
    {140, "getpriority", "in", 0}, {141, "setpriority", "xxi", RESTORE},
    {142, "sched_setparam", "Pp", RESTORE}, {143, "sched_getparam", "np", 0},
    {144, "sched_setscheduler", "Pip", RESTORE}, {145, "sched_getscheduler", "n", 0},
    {146, "sched_get_priority_max", "i", 0}, {147, "sched_get_priority_min", "i", 0},
    {148, "sched_rr_get_interval", "np", 0}, {149, "mlock", "Mx", MEMORY},
    {150, "munlock", "Mx", MEMORY}, {151, "mlockall", "i", 0}, {152, "munlockall", "", 0},
    {154, "modify_ldt", "ipl", 0}, {156, "_sysctl", "p", 0}, {157, "prctl", "xxxxx", RESTORE},
    {158, "arch_prctl", "xp", 0}, {159, "adjtimex", "x", 0}, {160, "setrlimit", "ix", 0},
    {174, "create_module", "pl", 0}, {177, "get_kernel_syms", "p", 0},
    {178, "query_module", "pippp", 0}, {180, "nfsservctl", "ipp", 0}, {181, "getpmsg", "fpppp", 0},
    {182, "putpmsg", "fppii", 0}, {183, "afs_syscall", "iiiii", 0}, {184, "tuxcall", "iii", 0},
    {185, "security", "iii", 0}, {186, "gettid", "", 0}, {187, "readahead", "fol", 0},
    {188, "setxattr", "sspli", 0}, {189, "lsetxattr", "sspli", 0}, {190, "fsetxattr", "fspli", 0},
    {191, "getxattr", "sspl", 0}, {192, "lgetxattr", "sspl", 0}, {193, "fgetxattr", "fspl", 0},
    {194, "listxattr", "spl", 0}, {195, "llistxattr", "spl", 0}, {196, "flistxattr", "fpl", 0},
    {197, "removexattr", "ss", 0}, {198, "lremovexattr", "ss", 0}, {199, "fremovexattr", "fs", 0},
    {200, "tkill", "xS", 0}, {201, "time", "p", 0}, {202, "futex", "pxitpi", 0},
    {203, "sched_setaffinity", "Plp", RESTORE}, {204, "sched_getaffinity", "nlp", 0},
    {205, "set_thread_area", "p", 0}, {206, "io_setup", "ip", 0}, {207, "io_destroy", "i", 0},
    {208, "io_getevents", "iiipt", 0}, {209, "io_submit", "iip", 0}, {210, "io_cancel", "ipp", 0},
    {211, "get_thread_area", "p", 0}, {212, "lookup_dcookie", "ipl", 0},
    {213, "epoll_create", "i", 0}, {214, "epoll_ctl_old", "iiii", 0},
    {215, "epoll_wait_old", "ipii", 0}, {216, "remap_file_pages", "Mxiii", MEMORY},
    {217, "getdents64", "fpl", 0}, {218, "set_tid_address", "p", 0}, {219, "restart_syscall", "", 0},
    {221, "fadvise64", "foli", 0}, {222, "timer_create", "cxp", 0}, {223, "timer_settime", "xiIp", 0},
    {224, "timer_gettime", "xp", 0}, {225, "timer_getoverrun", "x", 0}, {226, "timer_delete", "x", 0},
    {228, "clock_gettime", "cp", 0}, {229, "clock_getres", "cp", 0},
    {230, "clock_nanosleep", "xitp", 0}, {232, "epoll_wait", "fpix", 0},
    {233, "epoll_ctl", "fifp", 0}, {234, "tgkill", "xxS", 0}, {235, "utimes", "sp", 0},
    {237, "mbind", "Mxipli", MEMORY}, {238, "set_mempolicy", "ipl", 0},
    {239, "get_mempolicy", "pplpi", 0}, {242, "mq_timedsend", "fplit", 0},
    {243, "mq_timedreceive", "fplpt", 0}, {244, "mq_notify", "fp", 0},
    {245, "mq_getsetattr", "fpp", 0}, {247, "waitid", "inpip", 0}, {251, "ioprio_set", "xxi", RESTORE},
    {252, "ioprio_get", "in", 0}, {253, "inotify_init", "", 0}, {254, "inotify_add_watch", "fsi", 0},
    {255, "inotify_rm_watch", "fi", 0}, {256, "migrate_pages", "Plpp", 0}, {257, "openat", "dsim", 0},
    {258, "mkdirat", "dsm", 0}, {259, "mknodat", "dsxi", 0}, {260, "fchownat", "dsuui", 0},
    {261, "futimesat", "dsp", 0}, {262, "newfstatat", "dspi", 0}, {263, "unlinkat", "dsi", 0},
    {264, "renameat", "dsds", 0}, {265, "linkat", "dsdsi", 0}, {266, "symlinkat", "sds", 0},
    {267, "readlinkat", "dspl", 0}, {268, "fchmodat", "dsmi", 0}, {269, "faccessat", "dsii", 0},
    {270, "pselect6", "ippptK", 0}, {271, "ppoll", "qxtkz", 0}, {273, "set_robust_list", "pl", 0},
    {274, "get_robust_list", "npp", 0}, {275, "splice", "fpfplx", 0}, {276, "tee", "fflx", 0},
    {277, "sync_file_range", "fooi", 0}, {278, "vmsplice", "fvxx", 0},
    {279, "move_pages", "Plpppi", 0}, {280, "utimensat", "dspi", 0},
    {281, "epoll_pwait", "fpixkz", 0}, {282, "signalfd", "fpz", 0}, {283, "timerfd_create", "ci", 0},
    {284, "eventfd", "i", 0}, {285, "fallocate", "fioo", 0}, {286, "timerfd_settime", "fiIp", 0},
    {287, "timerfd_gettime", "fp", 0}, {288, "accept4", "fppi", 0}, {289, "signalfd4", "fpzi", 0},
    {290, "eventfd2", "ii", 0}, {291, "epoll_create1", "i", 0}, {292, "dup3", "ffi", 0},
    {293, "pipe2", "pi", 0}, {294, "inotify_init1", "i", 0}, {295, "preadv", "fvxoo", 0},
    {296, "pwritev", "fvxoo", 0}, {297, "rt_tgsigqueueinfo", "xxSp", 0},
    {299, "recvmmsg", "fplit", 0}, {302, "prlimit64", "Pixp", 0},
    {303, "name_to_handle_at", "dsppi", 0}, {305, "clock_adjtime", "cx", 0}, {306, "syncfs", "f", 0},
    {307, "sendmmsg", "fpli", 0}, {309, "getcpu", "ppp", 0}, {310, "process_vm_readv", "xvxvxi", 0},
    {312, "kcmp", "xxiii", 0}, {314, "sched_setattr", "Ppi", RESTORE}, {315, "sched_getattr", "npli", 0},
    {316, "renameat2", "dsdsi", 0}, {318, "getrandom", "pli", 0}, {319, "memfd_create", "si", 0},
    {324, "membarrier", "iii", 0}, {325, "mlock2", "Mxi", MEMORY}, {326, "copy_file_range", "fpfpli", 0},
    {327, "preadv2", "fvxooi", 0}, {328, "pwritev2", "fvxooi", 0}, {329, "pkey_mprotect", "Mxii", MEMORY},
    {330, "pkey_alloc", "ii", 0}, {331, "pkey_free", "i", 0}, {332, "statx", "dsiip", 0},
    {333, "io_pgetevents", "iiiptK", 0}, {434, "pidfd_open", "xi", 0}, {436, "close_range", "xxx", 0},
    {437, "openat2", "dspl", 0}, {438, "pidfd_getfd", "ffi", 0}, {439, "faccessat2", "dsii", 0},
    {441, "epoll_pwait2", "fpitkz", 0}, {444, "landlock_create_ruleset", "pli", 0},
    {445, "landlock_add_rule", "fipi", 0}, {447, "memfd_secret", "i", 0},
    {449, "futex_waitv", "pxitx", 0}, {450, "set_mempolicy_home_node", "Mxii", MEMORY},
    {451, "cachestat", "fppi", 0}, {452, "fchmodat2", "dsmi", 0}, {453, "map_shadow_stack", "xxi", MEMORY},
    {454, "futex_wake", "piii", 0}, {455, "futex_wait", "piiitx", 0}, {456, "futex_requeue", "piii", 0},
    {457, "statmount", "ppli", 0}, {458, "listmount", "ppli", 0}, {459, "lsm_get_self_attr", "ippi", 0},
    {461, "lsm_list_modules", "ppi", 0}, {462, "mseal", "Mxi", MEMORY},
    {463, "setxattrat", "dsisxl", 0}, {464, "getxattrat", "dsisxl", 0}, {465, "listxattrat", "dsipl", 0},
    {466, "removexattrat", "dsis", 0}, {468, "file_getattr", "dspli", 0},
    /* Numbers that are no system call (335 and 336 are uretprobe/uprobe). */
    {400, "nr400", "pppppp", 0}, {420, "nr420", "pppppp", 0}, {1000, "nr1000", "pppppp", 0},
    {4096, "nr4096", "pppppp", 0}, {0x7fffffff, "nrmax", "pppppp", 0}, {-1, "nr-1", "pppppp", 0},
    {0x40000000 | 1000, "x32nr1000", "pppppp", 0},
};

/* ---- arguments ---------------------------------------------------------- */

static void generate(const struct entry *e, long a[6])
{
    struct_used = 0;
    for (int i = 0; i < 6; i++)
        a[i] = 0;
    for (int i = 0; i < 6 && e->kinds[i]; i++) {
        switch (e->kinds[i]) {
        case 'f': a[i] = any_fd(); break;
        case 'd': a[i] = any_dirfd(); break;
        case 'p': a[i] = any_pointer(); break;
        case 's': a[i] = any_string(); break;
        case 'l': a[i] = any_length(); break;
        case 'o': a[i] = any_offset(); break;
        case 'i': a[i] = any_int(); break;
        case 'm': a[i] = any_mode(); break;
        case 'u': a[i] = any_uid(); break;
        case 'n': a[i] = any_pid(); break;
        case 'P': a[i] = own_pid(); break;
        case 'S': a[i] = any_signal(); break;
        case 'c': a[i] = any_clock(); break;
        case 't': a[i] = timeout_pointer(); break;
        case 'T': a[i] = timeval_pointer(); break;
        case 'k': a[i] = mask_pointer(); break;
        case 'z': a[i] = mask_size(); break;
        case 'K': a[i] = mask_pair_pointer(); break;
        case 'g': a[i] = msghdr_pointer(); break;
        case 'I': a[i] = itimerspec_pointer(); break;
        case 'x': break;
        /* The next four also fill the argument after them. */
        case 'v': if (i < 5) { a[i] = iovec_pointer(&a[i + 1]); i++; } break;
        case 'q': if (i < 5) { a[i] = pollfd_pointer(&a[i + 1]); i++; } break;
        case 'a': if (i < 5) { a[i] = sockaddr_pointer(&a[i + 1]); i++; } break;
        case 'M': if (i < 5) { victim_range(&a[i], &a[i + 1]); i++; } break;
        default: a[i] = any_int(); break;
        }
    }
}

static long current_word(long pointer)
{
    /* The value at a futex address, when it is arena memory we may read. */
    unsigned long start = (unsigned long)arena, end = start + ARENA_PAGES * PAGE;
    if ((unsigned long)pointer >= start && (unsigned long)pointer <= end - 4) {
        uint32_t value;
        memcpy(&value, (char *)pointer, 4);
        return value;
    }
    return any_int();
}

static long futex_op(void)
{
    long op = percent(85) ? (long)below(14) : any_int();
    int cmd = (int)(op & 127);
    /* PI futexes would tie us to whatever task id a word happens to hold. */
    if (cmd == 6 || cmd == 7 || cmd == 8 || cmd == 11 || cmd == 12 || cmd == 13)
        op = (op & ~127L) | (14 + (long)below(100));
    if (percent(50))
        op |= 128;       /* FUTEX_PRIVATE_FLAG */
    if (percent(10))
        op |= 256;       /* FUTEX_CLOCK_REALTIME */
    return op;
}

static long fcntl_argument(int cmd)
{
    switch (cmd) {
    case 8: {            /* F_SETOWN: ourselves or nobody */
        const long owners[] = {0, self_pid, -self_pid, INT_MIN, 0x3fffffff};
        return PICK(owners);
    }
    case 15: {           /* F_SETOWN_EX */
        if (percent(30))
            return percent(50) ? (long)readonly : fault_pointer();
        int *owner = struct_alloc(8);
        const long pids[] = {0, self_pid, self_tid, 0x3fffffff};
        owner[0] = (int)below(5);
        owner[1] = (int)PICK(pids);
        return (long)owner;
    }
    case 10:             /* F_SETSIG */
        return safe_signal(percent(70) ? any_signal() : (long)(int)any_int());
    case 0: case 1030:   /* F_DUPFD, F_DUPFD_CLOEXEC */
        return percent(70) ? (long)below(SCAN_TOP) : any_fd();
    case 5: case 6: case 36: case 37: case 16: case 1035: case 1036: case 1037: case 1038:
        return any_pointer();
    case 1031:
        return any_length();
    default:
        return percent(50) ? any_int() : any_pointer();
    }
}

static long fcntl_command(void)
{
    static const long commands[] = {
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 15, 16, 36, 37, 38, 1025, 1026, 1027, 1028,
        1030, 1031, 1032, 1033, 1034, 1035, 1036, 1037, 1038, 1024, -1, 12, 1000, 1039,
        0x7fffffff,
    };
    long cmd = percent(95) ? PICK(commands) : any_int();
    switch ((int)cmd) {
    case 7: return 6;          /* F_SETLKW: our own OFD locks could block it forever */
    case 38: return 37;        /* F_OFD_SETLKW */
    case 1024: return 1025;    /* F_SETLEASE: our own opens would wait for the break */
    default: return cmd;
    }
}

static long ioctl_command(void)
{
    /* Generic and terminal requests only: no device, file-system or
     * network-interface requests (those reach the machine, not us). */
    static const unsigned long commands[] = {
        0x541B /* FIONREAD */, 0x5421 /* FIONBIO */, 0x5451 /* FIOCLEX */, 0x5450 /* FIONCLEX */,
        0x5452 /* FIOASYNC */, 0x5460 /* FIOQSIZE */, 0x5401 /* TCGETS */, 0x5402 /* TCSETS */,
        0x5413 /* TIOCGWINSZ */, 0x5414 /* TIOCSWINSZ */, 0x540F /* TIOCGPGRP */,
        0x5411 /* TIOCOUTQ */, 0x5429 /* TIOCGSID */, 0x80045430 /* TIOCGPTN */,
        0x540B /* TCFLSH */, 0x540A /* TCXONC */, 0x80086601 /* FS_IOC_GETFLAGS */,
        0x80087601 /* FS_IOC_GETVERSION */, 2 /* FIGETBSZ */, 0x40049409 /* FICLONE */,
        0, 0xdeadbeef, 0x7fffffff, 0xffffffff, 0x12345678, 0x100000000UL | 0x541B,
    };
    return (long)PICK(commands);
}

static long prctl_option(void)
{
    static const long options[] = {
        1 /* SET_PDEATHSIG */, 2, 3, 4 /* SET_DUMPABLE */, 5, 6, 7, 8 /* SET_KEEPCAPS */, 13,
        15 /* SET_NAME */, 16, 19, 21, 23, 25, 27, 29 /* SET_TIMERSLACK */, 30, 31, 32, 33, 34,
        36 /* SET_CHILD_SUBREAPER */, 37, 38 /* SET_NO_NEW_PRIVS */, 39, 40, 41 /* SET_THP_DISABLE */,
        42, 47 /* CAP_AMBIENT */, 52, 58, 66, 0x53564d41 /* SET_VMA */, 0x41555856 /* GET_AUXV */,
        0, 9999, 0x7fffffff, -1,
    };
    return PICK(options);
}

static long arch_prctl_code(void)
{
    static const long codes[] = {
        0x1003 /* GET_FS */, 0x1004 /* GET_GS */, 0x1011 /* GET_CPUID */, 0x1021, 0x1022, 0x1023,
        0x3001 /* GET_UNTAG_MASK */, 0x4002 /* GET_MAX_TAG_BITS */, 0x5005 /* SHSTK_STATUS */,
        0, 0x1000, 0x1005, 0x2000, 0x7fffffff, -1,
    };
    return PICK(codes);
}

static long mapping_hint(void)
{
    switch (below(8)) {
    case 0: case 1: return 0;
    case 2: return (long)(hole + below(HOLE_PAGES) * PAGE);
    case 3: return (long)(victim + below(VICTIM_PAGES) * PAGE);
    case 4: return (long)(arena + below(ARENA_PAGES) * PAGE);
    case 5: return (long)0x00007e0000000000ULL;
    case 6: return (long)(victim + 123);
    default: return (long)PICK(kernel_pointers);
    }
}

/* Finishes the arguments of the calls that need more than their kinds. */
static void prepare(int number, long a[6])
{
    switch (number) {
    case 7: a[2] = (long)below(3); break;                          /* poll timeout, ms */
    case 232: case 281: a[3] = (long)below(3); break;              /* epoll timeouts */
    case 9: {                                                      /* mmap */
        static const long flag_bits[] = {
            0x1, 0x2, 0x3, 0x10, 0x20, 0x40, 0x100, 0x800, 0x1000, 0x2000, 0x4000, 0x8000,
            0x10000, 0x20000, 0x40000, 0x80000, 0x100000, 0x4000000,
        };
        long flags = percent(50) ? 0x22 : PICK(flag_bits);
        for (int i = (int)below(4); i > 0; i--)
            flags |= PICK(flag_bits);
        if (percent(5))
            flags = any_int();
        long hint = mapping_hint(), length = mapping_length();
        if (flags & (0x10 | 0x100000)) {   /* MAP_FIXED, MAP_FIXED_NOREPLACE */
            if (percent(80)) {
                unsigned long page = below(VICTIM_PAGES);
                hint = (long)(victim + page * PAGE + (percent(10) ? 123 : 0));
                length = (long)below((VICTIM_PAGES - page) * PAGE) + 1;
            } else {
                hint = (long)PICK(kernel_pointers);
            }
        }
        a[0] = hint;
        a[1] = length;
        a[2] = percent(80) ? (long)below(8) : any_int();
        a[3] = flags;
        a[4] = (flags & 0x20) && percent(70) ? -1 : any_fd();
        a[5] = percent(70) ? (long)(below(4) * PAGE) : any_offset();
        break;
    }
    case 25: {                                                     /* mremap */
        static const long flag_sets[] = {0, 1, 1, 3, 5, 7, 2, 4};
        a[2] = mapping_length();
        a[3] = percent(90) ? PICK(flag_sets) : any_int();
        if (a[3] & 2) {   /* MREMAP_FIXED: the new range must lie in the victim too */
            unsigned long length = (unsigned long)a[2];
            if (length <= VICTIM_PAGES * PAGE) {
                unsigned long pages = (VICTIM_PAGES * PAGE - length) / PAGE;
                a[4] = (long)(victim + below(pages + 1) * PAGE);
            } else {
                a[4] = (long)PICK(kernel_pointers);
            }
        } else {
            a[4] = any_pointer();
        }
        break;
    }
    case 28: {                                                     /* madvise */
        long advice = percent(85) ? (long)below(26) : (percent(50) ? 102 + (long)below(2) : any_int());
        if ((int)advice == 100 || (int)advice == 101)  /* MADV_HWPOISON, MADV_SOFT_OFFLINE */
            advice = 4;
        a[2] = advice;
        break;
    }
    case 12: {                                                     /* brk: only up */
        long now = syscall(SYS_brk, 0);
        switch (below(5)) {
        case 0: a[0] = 0; break;
        case 1: a[0] = initial_brk; break;
        case 2: a[0] = (long)PICK(kernel_pointers); break;
        default: a[0] = now + (long)(below(257) * PAGE) + (percent(20) ? 1 : 0); break;
        }
        break;
    }
    case 453:                                                      /* map_shadow_stack */
        a[0] = percent(60) ? 0 : (percent(50) ? (long)(hole + below(HOLE_PAGES) * PAGE)
                                              : (long)PICK(kernel_pointers));
        a[1] = mapping_length();
        break;
    case 13: {                                                     /* rt_sigaction */
        if (percent(30)) {
            a[1] = percent(50) ? 0 : fault_pointer();
        } else {
            long *act = struct_alloc(32);
            act[0] = (long)below(2);                               /* SIG_DFL or SIG_IGN */
            act[1] = any_int();
            act[2] = any_pointer();
            act[3] = (long)next64();
            a[1] = (long)act;
        }
        break;
    }
    case 14:                                                       /* rt_sigprocmask */
        a[0] = percent(90) ? (long)below(4) : any_int();
        if ((int)a[0] == SIG_UNBLOCK)
            a[0] = SIG_BLOCK;
        break;
    case 130:                                                      /* rt_sigsuspend */
        if (a[1] == 8)
            a[1] = percent(50) ? 16 : 4;
        break;
    case 16: a[1] = ioctl_command(); break;
    case 72: {
        long cmd = fcntl_command();
        a[1] = cmd;
        a[2] = fcntl_argument((int)cmd);
        break;
    }
    case 73: a[1] |= 4; break;                                     /* flock: LOCK_NB */
    case 275: a[5] = any_int() | 2; break;                         /* splice: SPLICE_F_NONBLOCK */
    case 276: case 278: a[3] = any_int() | 2; break;               /* tee, vmsplice */
    case 41: case 53: {                                            /* socket, socketpair */
        static const long domains[] = {1, 1, 1, 1, 0, 200, 1000, -1};
        static const long other_domains[] = {2, 10, 16, 17, 38, 40, 44};
        static const long types[] = {1, 2, 5, 3, 10, 0};
        a[0] = PICK(domains);
        if ((fuzz_options.reach & FUZZ_REACH_DEVICES) && percent(30))
            a[0] = PICK(other_domains);
        a[1] = percent(90) ? PICK(types) : any_int();
        if (percent(30))
            a[1] |= percent(50) ? 04000 : 02000000;                /* SOCK_NONBLOCK, SOCK_CLOEXEC */
        break;
    }
    case 62: {                                                     /* kill: ourselves */
        const long pids[] = {self_pid, self_pid, -self_pid, 0x3fffffff, INT_MIN};
        a[0] = PICK(pids);
        break;
    }
    case 200: {
        const long tids[] = {self_tid, self_tid, 0, -1, 0x3fffffff};
        a[0] = PICK(tids);
        break;
    }
    case 234: case 297: {                                          /* tgkill, rt_tgsigqueueinfo */
        const long tgids[] = {self_pid, self_pid, 0, -1, 0x3fffffff};
        const long tids[] = {self_tid, self_tid, 0, -1, 0x3fffffff};
        a[0] = PICK(tgids);
        a[1] = PICK(tids);
        break;
    }
    case 129: {
        const long pids[] = {self_pid, self_pid, 0, -1, 0x3fffffff};
        a[0] = PICK(pids);
        break;
    }
    case 434: {
        const long pids[] = {self_pid, self_pid, self_tid, 0, -1, 0x3fffffff};
        a[0] = PICK(pids);
        break;
    }
    case 310: case 312: {                                          /* process_vm_readv, kcmp */
        const long pids[] = {self_pid, self_pid, 0, -1, 0x3fffffff};
        a[0] = PICK(pids);
        if (number == 312)
            a[1] = PICK(pids);
        break;
    }
    case 436: {                                                    /* close_range: never 250-252 */
        switch (below(5)) {
        case 0: a[0] = 3; a[1] = SCAN_TOP; break;
        case 1: a[0] = SCAN_TOP; a[1] = 3; break;
        case 2: a[0] = SCRATCH_FD + 1; a[1] = (long)~0U; break;
        case 3: a[0] = 1024; a[1] = (long)~0U; break;
        default: a[0] = 3 + (long)below(SCAN_TOP - 3); a[1] = a[0] + (long)below(4); break;
        }
        a[2] = percent(70) ? (long)(below(4) * 2) : any_int();
        break;
    }
    case 105: case 106: a[0] = percent(50) ? 0 : -1; break;         /* setuid, setgid: stay root */
    case 113: case 114:
        a[0] = percent(50) ? 0 : -1;
        a[1] = percent(50) ? 0 : -1;
        break;
    case 117: case 119:
        for (int i = 0; i < 3; i++)
            a[i] = percent(50) ? 0 : -1;
        break;
    case 116: {
        static const long sizes[] = {0, 0, 1, 2, 65537, -1, INT_MAX};
        a[0] = PICK(sizes);
        break;
    }
    case 103: {                                                    /* syslog: read-only actions */
        static const long types[] = {0, 1, 3, 9, 10, -1, 11, 1000};
        a[0] = PICK(types);
        break;
    }
    case 141:                                                      /* setpriority: ourselves */
        a[0] = percent(80) ? 0 : (percent(50) ? 3 : -1);
        a[1] = own_pid();
        break;
    case 251:                                                      /* ioprio_set: ourselves */
        a[0] = percent(80) ? 1 : (percent(50) ? 0 : 4);
        a[1] = own_pid();
        break;
    case 314:                                                      /* sched_setattr */
        if (percent(50)) {
            static const long policies[] = {0, 1, 2, 3, 5, 6, 7};
            uint32_t *attr = struct_alloc(56);
            attr[0] = percent(80) ? 48 : (uint32_t)below(128);
            attr[1] = (uint32_t)PICK(policies);
            attr[2] = (uint32_t)next64() & 0x7f;
            attr[4] = (uint32_t)(int32_t)(below(40) - 20);
            attr[5] = (uint32_t)below(100);
            uint64_t *times = (uint64_t *)(attr + 6);
            times[0] = below(2000000);
            times[1] = below(20000000);
            times[2] = below(40000000);
            a[1] = (long)attr;
        }
        break;
    case 157: {                                                    /* prctl */
        long option = prctl_option();
        a[0] = option;
        for (int i = 1; i < 5; i++)
            a[i] = percent(50) ? any_int() : any_pointer();
        if (option == 1)
            a[1] = safe_signal(any_signal());
        if (option == 29) {                                        /* timer slack */
            static const long slacks[] = {0, 1, 50000, 1000000};
            a[1] = PICK(slacks);
        }
        if (option == 0x53564d41) {                                /* PR_SET_VMA: the victim only */
            a[1] = 0;
            victim_range(&a[2], &a[3]);
            a[4] = percent(50) ? any_string() : 0;
        }
        break;
    }
    case 158: a[0] = arch_prctl_code(); break;
    case 159: case 305: {                                          /* adjtimex, clock_adjtime: read */
        long pointer = percent(70) ? (long)struct_alloc(256) : fault_pointer();
        if (number == 159)
            a[0] = pointer;
        else
            a[1] = pointer;
        break;
    }
    case 160: case 302: {                                          /* setrlimit, prlimit64 */
        int resource = number == 160 ? 0 : 1;
        int limit = number == 160 ? 1 : 2;
        if ((unsigned)a[resource] < 16)
            a[limit] = percent(50) ? 0 : fault_pointer();
        else
            a[limit] = any_pointer();
        break;
    }
    case 222: {                                                    /* timer_create */
        if (percent(30)) {
            a[1] = percent(30) ? 0 : (percent(50) ? (long)readonly : fault_pointer());
        } else {
            static const long notify[] = {0, 0, 1, 1, 2, 4, 8, 100};
            int *event = struct_alloc(64);
            memcpy(event, &(long){(long)next64()}, 8);
            event[2] = (int)safe_signal(any_signal());
            event[3] = (int)PICK(notify);
            event[4] = percent(70) ? (int)self_tid : 0x3fffffff;
            a[1] = (long)event;
        }
        break;
    }
    case 223: case 224: case 225: case 226: {                      /* timer ids */
        static const long ids[] = {0, 1, 2, 3, 4, 5, 6, 7, -1, INT_MAX};
        a[0] = PICK(ids);
        break;
    }
    case 230: {                                                    /* clock_nanosleep */
        long clock = any_clock();
        a[0] = clock;
        /* A relative sleep on a CPU clock may never end (ours stops while we sleep). */
        if (clock == 2 || clock == 3 || clock < 0)
            a[2] = percent(70) ? (long)struct_alloc(16) : fault_pointer();
        break;
    }
    case 202: {                                                    /* futex */
        a[1] = futex_op();
        if (percent(50))
            a[2] = current_word(a[0]);
        break;
    }
    case 455: {                                                    /* futex_wait */
        if (percent(50))
            a[1] = current_word(a[0]);
        a[5] = percent(80) ? (long)below(2) : any_clock();
        break;
    }
    case 449: {                                                    /* futex_waitv */
        if (percent(80)) {
            long n = (long)below(5);
            uint64_t *waiters = struct_alloc((size_t)n * 24 + 8);
            for (long i = 0; i < n; i++) {
                long address = percent(70) ? (long)(arena + (below(ARENA_PAGES * PAGE) & ~3UL))
                                           : any_pointer();
                waiters[i * 3] = (uint64_t)(percent(60) ? current_word(address) : any_int());
                waiters[i * 3 + 1] = (uint64_t)address;
                waiters[i * 3 + 2] = percent(80) ? 2 | (percent(50) ? 128 : 0) : (uint64_t)any_int();
            }
            a[0] = (long)waiters;
            a[1] = percent(85) ? n : any_int();
        } else {
            a[1] = any_int();
        }
        a[4] = percent(80) ? (long)below(2) : any_clock();
        break;
    }
    case 133: case 259: {                                          /* mknod: no FIFOs, no devices */
        static const long types[] = {0, 0100000, 0140000, 0040000, 0120000, 0030000, 0170000};
        long mode = (any_mode() & 07777) | PICK(types);
        a[number == 133 ? 1 : 2] = mode;
        break;
    }
    case 463: case 464: {                                          /* setxattrat, getxattrat */
        if (percent(70)) {
            long *args = struct_alloc(16);
            args[0] = any_pointer();
            ((uint32_t *)args)[2] = (uint32_t)(percent(70) ? below(256) : (uint64_t)any_int());
            ((uint32_t *)args)[3] = (uint32_t)any_int();
            a[4] = (long)args;
            a[5] = percent(80) ? 16 : any_length();
        } else {
            a[4] = any_pointer();
        }
        break;
    }
    default:
        break;
    }
}

/* ---- keeping ourselves intact ------------------------------------------ */

static const uint64_t full_mask = ~0ULL;
static const long zero_sched_param[2];
static unsigned char saved_affinity[512];
static long saved_affinity_size;

static void block_all_signals(void)
{
    syscall(SYS_rt_sigprocmask, SIG_BLOCK, &full_mask, NULL, 8L);
    if (fuzz_options.unblocked_signals)
        syscall(SYS_rt_sigprocmask, SIG_UNBLOCK, &fuzz_options.unblocked_signals, NULL, 8L);
}

/* A worker's own state, out of the generator's reach: the scratch directory
 * (already entered) at SCRATCH_FD, the real stdout and stderr saved at
 * SAVED_STDOUT/SAVED_STDERR, fds 0-2 on a scratch file "stdio", and soft
 * limits that keep a fuzzed call from filling the disk, dumping core or
 * mapping the machine. Then the process state the repairs restore. */
static int fuzz_worker_setup(void)
{
    snprintf(scratch_path, sizeof scratch_path, "%s", apus_scratch_dir);
    self_pid = getpid();
    self_tid = syscall(SYS_gettid);
    set_soft_limit(RLIMIT_NOFILE, 1024);
    int scratch = open(".", O_RDONLY | O_DIRECTORY);
    if (scratch < 0 || dup2(1, SAVED_STDOUT) != SAVED_STDOUT || dup2(2, SAVED_STDERR) != SAVED_STDERR ||
        dup2(scratch, SCRATCH_FD) != SCRATCH_FD)
        return -1;
    close(scratch);
    int stdio = open("stdio", O_RDWR | O_CREAT, 0600);
    if (stdio < 0)
        return -1;
    for (int fd = 0; fd < 3; fd++)
        dup2(stdio, fd);
    if (stdio > 2)
        close(stdio);
    set_soft_limit(RLIMIT_FSIZE, 8 << 20);
    set_soft_limit(RLIMIT_CORE, 0);
    set_soft_limit(RLIMIT_AS, 1UL << 30);
    return 0;
}

/* What the repairs after a call put back: personality, affinity, the break. */
static void fuzz_save_process_state(void)
{
    saved_personality = (int)syscall(SYS_personality, 0xffffffffL);
    saved_affinity_size = syscall(SYS_sched_getaffinity, 0L, (long)sizeof saved_affinity, saved_affinity);
    initial_brk = syscall(SYS_brk, 0L);
}

static void map_victim(void)
{
    syscall(SYS_mmap, victim, VICTIM_PAGES * PAGE, PROT_READ | PROT_WRITE,
            MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1L, 0L);
}

static int is_error(long r) { return (unsigned long)r >= (unsigned long)-4095L; }

static void after(const struct entry *e, const long a[6], long r)
{
    if (fuzz_options.after_call)
        fuzz_options.after_call(e->number);
    if (e->flags & MEMORY) {
        long made = 0, length = 0;
        if (e->number == 9) { made = r; length = a[1]; }
        if (e->number == 25) { made = r; length = a[2]; }
        if (e->number == 453) { made = r; length = a[1]; }
        if (made && !is_error(made) && !in_victim(made, (unsigned long)length))
            syscall(SYS_munmap, made, length);
        map_victim();
    }
    if (!(e->flags & RESTORE))
        return;
    switch (e->number) {
    case 13: case 14: case 130: block_all_signals(); break;
    case 80: case 81: syscall(SYS_fchdir, SCRATCH_FD); break;
    case 95: umask(022); break;
    case 122: syscall(SYS_setfsuid, 0L); break;
    case 123: syscall(SYS_setfsgid, 0L); break;
    case 135: syscall(SYS_personality, (long)saved_personality); break;
    case 141: syscall(SYS_setpriority, 0L, 0L, 0L); break;
    case 142: case 144: case 314:
        syscall(SYS_sched_setscheduler, 0L, 0L, zero_sched_param);
        syscall(SYS_setpriority, 0L, 0L, 0L);
        break;
    case 203:
        if (saved_affinity_size > 0)
            syscall(SYS_sched_setaffinity, 0L, saved_affinity_size, saved_affinity);
        break;
    case 251: syscall(SYS_ioprio_set, 1L, 0L, 0L); break;
    case 157:
        switch (a[0]) {
        case 29: syscall(SYS_prctl, 29L, 0L, 0L, 0L, 0L); break;
        case 1: syscall(SYS_prctl, 1L, 0L, 0L, 0L, 0L); break;
        case 4: syscall(SYS_prctl, 4L, 1L, 0L, 0L, 0L); break;
        case 36: syscall(SYS_prctl, 36L, 0L, 0L, 0L, 0L); break;
        case 41: syscall(SYS_prctl, 41L, 0L, 0L, 0L, 0L); break;
        default: break;
        }
        break;
    default:
        break;
    }
}

static const long far_fds[] = {1023, 1024, 65535, 1 << 20};

static void keep_nonblocking(int fd)
{
    long flags = syscall(SYS_fcntl, (long)fd, (long)F_GETFL);
    if (flags >= 0 && !(flags & O_NONBLOCK))
        syscall(SYS_fcntl, (long)fd, (long)F_SETFL, flags | O_NONBLOCK);
}

static void keep_all_nonblocking(void)
{
    for (int fd = 0; fd < SCAN_TOP; fd++)
        keep_nonblocking(fd);
    for (size_t i = 0; i < COUNT(far_fds); i++)
        keep_nonblocking((int)far_fds[i]);
}

static void fill_arena(void)
{
    for (size_t i = 0; i < ARENA_PAGES * PAGE; i += 8) {
        uint64_t word = next64();
        memcpy(arena + i, &word, 8);
    }
    for (size_t i = 0; i < ARENA_PAGES * PAGE; i++)
        if (arena[i] == '/' || arena[i] == '.')
            arena[i] = 'x';
}

/* Devices, terminals, /proc files, outside directories and sockets of other
 * families (Apus only: see enum fuzz_reach). Opened without becoming a
 * controlling terminal; what a user may not open fails and is left out. */
static void open_device_descriptors(void)
{
    static const char *const paths[] = {
        "/dev/null", "/dev/zero", "/dev/full", "/dev/urandom", "/dev/random", "/dev/tty",
        "/dev/console", "/dev/ttyS0", "/proc/self/maps", "/proc/self/status", "/proc/meminfo",
        "/proc/1/stat", "/proc/self/fd", "/proc", "/", "/dev", "/proc/self/cmdline",
        "/proc/uptime",
    };
    for (size_t i = 0; i < COUNT(paths); i++) {
        if (open(paths[i], O_RDWR | O_NOCTTY | O_NONBLOCK) < 0)
            open(paths[i], O_RDONLY | O_NOCTTY | O_NONBLOCK);
    }
    static const int families[] = {2 /* INET */, 10 /* INET6 */, 16 /* NETLINK */, 17 /* PACKET */};
    for (size_t i = 0; i < COUNT(families); i++)
        socket(families[i], SOCK_DGRAM | SOCK_NONBLOCK, 0);
}

/* Closes every descriptor but ours and opens one of each kind again. */
static void build_pool(void)
{
    if (syscall(SYS_close_range, 3L, (long)SAVED_STDOUT - 1, 0L) != 0)
        for (int fd = 3; fd < SAVED_STDOUT; fd++)
            close(fd);
    if (syscall(SYS_close_range, (long)SCRATCH_FD + 1, (long)~0U, 0L) != 0) {
        for (int fd = SCRATCH_FD + 1; fd < 1100; fd++)
            close(fd);
        for (size_t i = 0; i < COUNT(far_fds); i++)
            close((int)far_fds[i]);
    }
    syscall(SYS_fchdir, SCRATCH_FD);
    syscall(SYS_munlockall);
    umask(022);
    static const char text[] = "0123456789abcdefghijklmnopqrstuvwxyz\n";
    apus_write_file("f0", text, sizeof text - 1);
    apus_write_file("f1", text, sizeof text - 1);
    mkdir("d0", 0755);
    apus_write_file("d0/f2", text, 10);
    symlink("f0", "l0");
    unlink("sock");

    int pipe_fds[2], pair[2];
    open("f0", O_RDWR);
    open("f1", O_RDONLY);
    open("d0", O_RDONLY | O_DIRECTORY);
    open(".", O_RDONLY | O_DIRECTORY);
    open("f0", O_PATH);
    open(".", O_TMPFILE | O_RDWR, 0600);
    if (pipe2(pipe_fds, O_NONBLOCK) != 0)
        pipe_fds[0] = -1;
    socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, pair);
    socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, pair);
    int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (listener >= 0) {
        struct sockaddr_un address = {.sun_family = AF_UNIX, .sun_path = "sock"};
        if (bind(listener, (struct sockaddr *)&address, sizeof address) == 0)
            listen(listener, 4);
    }
    syscall(SYS_eventfd2, 0L, (long)O_NONBLOCK);
    syscall(SYS_timerfd_create, (long)CLOCK_MONOTONIC, (long)O_NONBLOCK);
    uint64_t usr1 = 1ULL << (SIGUSR1 - 1);
    syscall(SYS_signalfd4, -1L, &usr1, 8L, (long)O_NONBLOCK);
    long epoll = syscall(SYS_epoll_create1, 0L);
    if (epoll >= 0 && pipe_fds[0] >= 0) {
        struct { uint32_t events; uint64_t data; } __attribute__((packed)) event = {1, 0};
        syscall(SYS_epoll_ctl, epoll, 1L, (long)pipe_fds[0], &event);
    }
    long inotify = syscall(SYS_inotify_init1, (long)O_NONBLOCK);
    if (inotify >= 0)
        syscall(SYS_inotify_add_watch, inotify, ".", 0xfffL);
    long memfd = syscall(SYS_memfd_create, "fuzz", 0L);
    if (memfd >= 0)
        syscall(SYS_ftruncate, memfd, 8192L);
    syscall(434 /* pidfd_open */, self_pid, 0L);
    open("stdio", O_RDWR | O_CREAT, 0600);
    if (fuzz_options.reach & FUZZ_REACH_DEVICES)
        open_device_descriptors();
    fill_arena();
    keep_all_nonblocking();
}

#endif
