// The x86-64 system call numbers: arch/x86/entry/syscalls/syscall_64.tbl as of Linux 6.19
// (entries marked "common" or "64"; the x32 range 512-547 is not part of the 64-bit ABI).
//
// Numbers 337-423 are unassigned (reserved so that all architectures share numbers from 424 on).
// Entries without an implementation in Linux (uselib, create_module, tuxcall, ...) keep their
// numbers here because Linux reserves them too; calling them yields ENOSYS there as well.
// Case names are the table's names, so `grep -w clone3` finds the case and the table row.

public enum SystemCall: Int, CaseIterable, Sendable {
    case read = 0, write = 1, open = 2, close = 3, stat = 4, fstat = 5, lstat = 6, poll = 7, lseek = 8
    case mmap = 9, mprotect = 10, munmap = 11, brk = 12, rt_sigaction = 13, rt_sigprocmask = 14
    case rt_sigreturn = 15, ioctl = 16, pread64 = 17, pwrite64 = 18, readv = 19, writev = 20, access = 21
    case pipe = 22, select = 23, sched_yield = 24, mremap = 25, msync = 26, mincore = 27, madvise = 28
    case shmget = 29, shmat = 30, shmctl = 31, dup = 32, dup2 = 33, pause = 34, nanosleep = 35, getitimer = 36
    case alarm = 37, setitimer = 38, getpid = 39, sendfile = 40, socket = 41, connect = 42, accept = 43
    case sendto = 44, recvfrom = 45, sendmsg = 46, recvmsg = 47, shutdown = 48, bind = 49, listen = 50
    case getsockname = 51, getpeername = 52, socketpair = 53, setsockopt = 54, getsockopt = 55, clone = 56
    case fork = 57, vfork = 58, execve = 59, exit = 60, wait4 = 61, kill = 62, uname = 63, semget = 64
    case semop = 65, semctl = 66, shmdt = 67, msgget = 68, msgsnd = 69, msgrcv = 70, msgctl = 71, fcntl = 72
    case flock = 73, fsync = 74, fdatasync = 75, truncate = 76, ftruncate = 77, getdents = 78, getcwd = 79
    case chdir = 80, fchdir = 81, rename = 82, mkdir = 83, rmdir = 84, creat = 85, link = 86, unlink = 87
    case symlink = 88, readlink = 89, chmod = 90, fchmod = 91, chown = 92, fchown = 93, lchown = 94
    case umask = 95, gettimeofday = 96, getrlimit = 97, getrusage = 98, sysinfo = 99, times = 100
    case ptrace = 101, getuid = 102, syslog = 103, getgid = 104, setuid = 105, setgid = 106, geteuid = 107
    case getegid = 108, setpgid = 109, getppid = 110, getpgrp = 111, setsid = 112, setreuid = 113
    case setregid = 114, getgroups = 115, setgroups = 116, setresuid = 117, getresuid = 118, setresgid = 119
    case getresgid = 120, getpgid = 121, setfsuid = 122, setfsgid = 123, getsid = 124, capget = 125
    case capset = 126, rt_sigpending = 127, rt_sigtimedwait = 128, rt_sigqueueinfo = 129, rt_sigsuspend = 130
    case sigaltstack = 131, utime = 132, mknod = 133, uselib = 134, personality = 135, ustat = 136
    case statfs = 137, fstatfs = 138, sysfs = 139, getpriority = 140, setpriority = 141, sched_setparam = 142
    case sched_getparam = 143, sched_setscheduler = 144, sched_getscheduler = 145
    case sched_get_priority_max = 146, sched_get_priority_min = 147, sched_rr_get_interval = 148, mlock = 149
    case munlock = 150, mlockall = 151, munlockall = 152, vhangup = 153, modify_ldt = 154, pivot_root = 155
    case _sysctl = 156, prctl = 157, arch_prctl = 158, adjtimex = 159, setrlimit = 160, chroot = 161
    case sync = 162, acct = 163, settimeofday = 164, mount = 165, umount2 = 166, swapon = 167, swapoff = 168
    case reboot = 169, sethostname = 170, setdomainname = 171, iopl = 172, ioperm = 173, create_module = 174
    case init_module = 175, delete_module = 176, get_kernel_syms = 177, query_module = 178, quotactl = 179
    case nfsservctl = 180, getpmsg = 181, putpmsg = 182, afs_syscall = 183, tuxcall = 184, security = 185
    case gettid = 186, readahead = 187, setxattr = 188, lsetxattr = 189, fsetxattr = 190, getxattr = 191
    case lgetxattr = 192, fgetxattr = 193, listxattr = 194, llistxattr = 195, flistxattr = 196
    case removexattr = 197, lremovexattr = 198, fremovexattr = 199, tkill = 200, time = 201, futex = 202
    case sched_setaffinity = 203, sched_getaffinity = 204, set_thread_area = 205, io_setup = 206
    case io_destroy = 207, io_getevents = 208, io_submit = 209, io_cancel = 210, get_thread_area = 211
    case lookup_dcookie = 212, epoll_create = 213, epoll_ctl_old = 214, epoll_wait_old = 215
    case remap_file_pages = 216, getdents64 = 217, set_tid_address = 218, restart_syscall = 219
    case semtimedop = 220, fadvise64 = 221, timer_create = 222, timer_settime = 223, timer_gettime = 224
    case timer_getoverrun = 225, timer_delete = 226, clock_settime = 227, clock_gettime = 228
    case clock_getres = 229, clock_nanosleep = 230, exit_group = 231, epoll_wait = 232, epoll_ctl = 233
    case tgkill = 234, utimes = 235, vserver = 236, mbind = 237, set_mempolicy = 238, get_mempolicy = 239
    case mq_open = 240, mq_unlink = 241, mq_timedsend = 242, mq_timedreceive = 243, mq_notify = 244
    case mq_getsetattr = 245, kexec_load = 246, waitid = 247, add_key = 248, request_key = 249, keyctl = 250
    case ioprio_set = 251, ioprio_get = 252, inotify_init = 253, inotify_add_watch = 254
    case inotify_rm_watch = 255, migrate_pages = 256, openat = 257, mkdirat = 258, mknodat = 259
    case fchownat = 260, futimesat = 261, newfstatat = 262, unlinkat = 263, renameat = 264, linkat = 265
    case symlinkat = 266, readlinkat = 267, fchmodat = 268, faccessat = 269, pselect6 = 270, ppoll = 271
    case unshare = 272, set_robust_list = 273, get_robust_list = 274, splice = 275, tee = 276
    case sync_file_range = 277, vmsplice = 278, move_pages = 279, utimensat = 280, epoll_pwait = 281
    case signalfd = 282, timerfd_create = 283, eventfd = 284, fallocate = 285, timerfd_settime = 286
    case timerfd_gettime = 287, accept4 = 288, signalfd4 = 289, eventfd2 = 290, epoll_create1 = 291
    case dup3 = 292, pipe2 = 293, inotify_init1 = 294, preadv = 295, pwritev = 296, rt_tgsigqueueinfo = 297
    case perf_event_open = 298, recvmmsg = 299, fanotify_init = 300, fanotify_mark = 301, prlimit64 = 302
    case name_to_handle_at = 303, open_by_handle_at = 304, clock_adjtime = 305, syncfs = 306, sendmmsg = 307
    case setns = 308, getcpu = 309, process_vm_readv = 310, process_vm_writev = 311, kcmp = 312
    case finit_module = 313, sched_setattr = 314, sched_getattr = 315, renameat2 = 316, seccomp = 317
    case getrandom = 318, memfd_create = 319, kexec_file_load = 320, bpf = 321, execveat = 322
    case userfaultfd = 323, membarrier = 324, mlock2 = 325, copy_file_range = 326, preadv2 = 327
    case pwritev2 = 328, pkey_mprotect = 329, pkey_alloc = 330, pkey_free = 331, statx = 332
    case io_pgetevents = 333, rseq = 334, uretprobe = 335, uprobe = 336
    // 337...423: unassigned.
    case pidfd_send_signal = 424, io_uring_setup = 425, io_uring_enter = 426, io_uring_register = 427
    case open_tree = 428, move_mount = 429, fsopen = 430, fsconfig = 431, fsmount = 432, fspick = 433
    case pidfd_open = 434, clone3 = 435, close_range = 436, openat2 = 437, pidfd_getfd = 438, faccessat2 = 439
    case process_madvise = 440, epoll_pwait2 = 441, mount_setattr = 442, quotactl_fd = 443
    case landlock_create_ruleset = 444, landlock_add_rule = 445, landlock_restrict_self = 446
    case memfd_secret = 447, process_mrelease = 448, futex_waitv = 449, set_mempolicy_home_node = 450
    case cachestat = 451, fchmodat2 = 452, map_shadow_stack = 453, futex_wake = 454, futex_wait = 455
    case futex_requeue = 456, statmount = 457, listmount = 458, lsm_get_self_attr = 459
    case lsm_set_self_attr = 460, lsm_list_modules = 461, mseal = 462, setxattrat = 463, getxattrat = 464
    case listxattrat = 465, removexattrat = 466, open_tree_attr = 467, file_getattr = 468, file_setattr = 469
    case listns = 470

    /// The highest assigned number; a dispatch table needs `highestNumber + 1` slots.
    public static let highestNumber = 470

    /// The Linux name of syscall `number`, or nil for an unassigned number (for the log line of an
    /// unimplemented syscall).
    public static func name(of number: Int) -> String? { SystemCall(rawValue: number)?.name }

    /// The Linux name, as in the syscall table.
    public var name: String {
        switch self {
        case .read: "read"; case .write: "write"; case .open: "open"; case .close: "close"
        case .stat: "stat"; case .fstat: "fstat"; case .lstat: "lstat"; case .poll: "poll"
        case .lseek: "lseek"; case .mmap: "mmap"; case .mprotect: "mprotect"; case .munmap: "munmap"
        case .brk: "brk"; case .rt_sigaction: "rt_sigaction"; case .rt_sigprocmask: "rt_sigprocmask"
        case .rt_sigreturn: "rt_sigreturn"; case .ioctl: "ioctl"; case .pread64: "pread64"
        case .pwrite64: "pwrite64"; case .readv: "readv"; case .writev: "writev"; case .access: "access"
        case .pipe: "pipe"; case .select: "select"; case .sched_yield: "sched_yield"; case .mremap: "mremap"
        case .msync: "msync"; case .mincore: "mincore"; case .madvise: "madvise"; case .shmget: "shmget"
        case .shmat: "shmat"; case .shmctl: "shmctl"; case .dup: "dup"; case .dup2: "dup2"
        case .pause: "pause"; case .nanosleep: "nanosleep"; case .getitimer: "getitimer"
        case .alarm: "alarm"; case .setitimer: "setitimer"; case .getpid: "getpid"
        case .sendfile: "sendfile"; case .socket: "socket"; case .connect: "connect"; case .accept: "accept"
        case .sendto: "sendto"; case .recvfrom: "recvfrom"; case .sendmsg: "sendmsg"
        case .recvmsg: "recvmsg"; case .shutdown: "shutdown"; case .bind: "bind"; case .listen: "listen"
        case .getsockname: "getsockname"; case .getpeername: "getpeername"; case .socketpair: "socketpair"
        case .setsockopt: "setsockopt"; case .getsockopt: "getsockopt"; case .clone: "clone"
        case .fork: "fork"; case .vfork: "vfork"; case .execve: "execve"; case .exit: "exit"
        case .wait4: "wait4"; case .kill: "kill"; case .uname: "uname"; case .semget: "semget"
        case .semop: "semop"; case .semctl: "semctl"; case .shmdt: "shmdt"; case .msgget: "msgget"
        case .msgsnd: "msgsnd"; case .msgrcv: "msgrcv"; case .msgctl: "msgctl"; case .fcntl: "fcntl"
        case .flock: "flock"; case .fsync: "fsync"; case .fdatasync: "fdatasync"; case .truncate: "truncate"
        case .ftruncate: "ftruncate"; case .getdents: "getdents"; case .getcwd: "getcwd"
        case .chdir: "chdir"; case .fchdir: "fchdir"; case .rename: "rename"; case .mkdir: "mkdir"
        case .rmdir: "rmdir"; case .creat: "creat"; case .link: "link"; case .unlink: "unlink"
        case .symlink: "symlink"; case .readlink: "readlink"; case .chmod: "chmod"; case .fchmod: "fchmod"
        case .chown: "chown"; case .fchown: "fchown"; case .lchown: "lchown"; case .umask: "umask"
        case .gettimeofday: "gettimeofday"; case .getrlimit: "getrlimit"; case .getrusage: "getrusage"
        case .sysinfo: "sysinfo"; case .times: "times"; case .ptrace: "ptrace"; case .getuid: "getuid"
        case .syslog: "syslog"; case .getgid: "getgid"; case .setuid: "setuid"; case .setgid: "setgid"
        case .geteuid: "geteuid"; case .getegid: "getegid"; case .setpgid: "setpgid"
        case .getppid: "getppid"; case .getpgrp: "getpgrp"; case .setsid: "setsid"
        case .setreuid: "setreuid"; case .setregid: "setregid"; case .getgroups: "getgroups"
        case .setgroups: "setgroups"; case .setresuid: "setresuid"; case .getresuid: "getresuid"
        case .setresgid: "setresgid"; case .getresgid: "getresgid"; case .getpgid: "getpgid"
        case .setfsuid: "setfsuid"; case .setfsgid: "setfsgid"; case .getsid: "getsid"
        case .capget: "capget"; case .capset: "capset"; case .rt_sigpending: "rt_sigpending"
        case .rt_sigtimedwait: "rt_sigtimedwait"; case .rt_sigqueueinfo: "rt_sigqueueinfo"
        case .rt_sigsuspend: "rt_sigsuspend"; case .sigaltstack: "sigaltstack"; case .utime: "utime"
        case .mknod: "mknod"; case .uselib: "uselib"; case .personality: "personality"; case .ustat: "ustat"
        case .statfs: "statfs"; case .fstatfs: "fstatfs"; case .sysfs: "sysfs"
        case .getpriority: "getpriority"; case .setpriority: "setpriority"
        case .sched_setparam: "sched_setparam"; case .sched_getparam: "sched_getparam"
        case .sched_setscheduler: "sched_setscheduler"; case .sched_getscheduler: "sched_getscheduler"
        case .sched_get_priority_max: "sched_get_priority_max"
        case .sched_get_priority_min: "sched_get_priority_min"
        case .sched_rr_get_interval: "sched_rr_get_interval"; case .mlock: "mlock"; case .munlock: "munlock"
        case .mlockall: "mlockall"; case .munlockall: "munlockall"; case .vhangup: "vhangup"
        case .modify_ldt: "modify_ldt"; case .pivot_root: "pivot_root"; case ._sysctl: "_sysctl"
        case .prctl: "prctl"; case .arch_prctl: "arch_prctl"; case .adjtimex: "adjtimex"
        case .setrlimit: "setrlimit"; case .chroot: "chroot"; case .sync: "sync"; case .acct: "acct"
        case .settimeofday: "settimeofday"; case .mount: "mount"; case .umount2: "umount2"
        case .swapon: "swapon"; case .swapoff: "swapoff"; case .reboot: "reboot"
        case .sethostname: "sethostname"; case .setdomainname: "setdomainname"; case .iopl: "iopl"
        case .ioperm: "ioperm"; case .create_module: "create_module"; case .init_module: "init_module"
        case .delete_module: "delete_module"; case .get_kernel_syms: "get_kernel_syms"
        case .query_module: "query_module"; case .quotactl: "quotactl"; case .nfsservctl: "nfsservctl"
        case .getpmsg: "getpmsg"; case .putpmsg: "putpmsg"; case .afs_syscall: "afs_syscall"
        case .tuxcall: "tuxcall"; case .security: "security"; case .gettid: "gettid"
        case .readahead: "readahead"; case .setxattr: "setxattr"; case .lsetxattr: "lsetxattr"
        case .fsetxattr: "fsetxattr"; case .getxattr: "getxattr"; case .lgetxattr: "lgetxattr"
        case .fgetxattr: "fgetxattr"; case .listxattr: "listxattr"; case .llistxattr: "llistxattr"
        case .flistxattr: "flistxattr"; case .removexattr: "removexattr"; case .lremovexattr: "lremovexattr"
        case .fremovexattr: "fremovexattr"; case .tkill: "tkill"; case .time: "time"; case .futex: "futex"
        case .sched_setaffinity: "sched_setaffinity"; case .sched_getaffinity: "sched_getaffinity"
        case .set_thread_area: "set_thread_area"; case .io_setup: "io_setup"; case .io_destroy: "io_destroy"
        case .io_getevents: "io_getevents"; case .io_submit: "io_submit"; case .io_cancel: "io_cancel"
        case .get_thread_area: "get_thread_area"; case .lookup_dcookie: "lookup_dcookie"
        case .epoll_create: "epoll_create"; case .epoll_ctl_old: "epoll_ctl_old"
        case .epoll_wait_old: "epoll_wait_old"; case .remap_file_pages: "remap_file_pages"
        case .getdents64: "getdents64"; case .set_tid_address: "set_tid_address"
        case .restart_syscall: "restart_syscall"; case .semtimedop: "semtimedop"
        case .fadvise64: "fadvise64"; case .timer_create: "timer_create"
        case .timer_settime: "timer_settime"; case .timer_gettime: "timer_gettime"
        case .timer_getoverrun: "timer_getoverrun"; case .timer_delete: "timer_delete"
        case .clock_settime: "clock_settime"; case .clock_gettime: "clock_gettime"
        case .clock_getres: "clock_getres"; case .clock_nanosleep: "clock_nanosleep"
        case .exit_group: "exit_group"; case .epoll_wait: "epoll_wait"; case .epoll_ctl: "epoll_ctl"
        case .tgkill: "tgkill"; case .utimes: "utimes"; case .vserver: "vserver"; case .mbind: "mbind"
        case .set_mempolicy: "set_mempolicy"; case .get_mempolicy: "get_mempolicy"; case .mq_open: "mq_open"
        case .mq_unlink: "mq_unlink"; case .mq_timedsend: "mq_timedsend"
        case .mq_timedreceive: "mq_timedreceive"; case .mq_notify: "mq_notify"
        case .mq_getsetattr: "mq_getsetattr"; case .kexec_load: "kexec_load"; case .waitid: "waitid"
        case .add_key: "add_key"; case .request_key: "request_key"; case .keyctl: "keyctl"
        case .ioprio_set: "ioprio_set"; case .ioprio_get: "ioprio_get"; case .inotify_init: "inotify_init"
        case .inotify_add_watch: "inotify_add_watch"; case .inotify_rm_watch: "inotify_rm_watch"
        case .migrate_pages: "migrate_pages"; case .openat: "openat"; case .mkdirat: "mkdirat"
        case .mknodat: "mknodat"; case .fchownat: "fchownat"; case .futimesat: "futimesat"
        case .newfstatat: "newfstatat"; case .unlinkat: "unlinkat"; case .renameat: "renameat"
        case .linkat: "linkat"; case .symlinkat: "symlinkat"; case .readlinkat: "readlinkat"
        case .fchmodat: "fchmodat"; case .faccessat: "faccessat"; case .pselect6: "pselect6"
        case .ppoll: "ppoll"; case .unshare: "unshare"; case .set_robust_list: "set_robust_list"
        case .get_robust_list: "get_robust_list"; case .splice: "splice"; case .tee: "tee"
        case .sync_file_range: "sync_file_range"; case .vmsplice: "vmsplice"; case .move_pages: "move_pages"
        case .utimensat: "utimensat"; case .epoll_pwait: "epoll_pwait"; case .signalfd: "signalfd"
        case .timerfd_create: "timerfd_create"; case .eventfd: "eventfd"; case .fallocate: "fallocate"
        case .timerfd_settime: "timerfd_settime"; case .timerfd_gettime: "timerfd_gettime"
        case .accept4: "accept4"; case .signalfd4: "signalfd4"; case .eventfd2: "eventfd2"
        case .epoll_create1: "epoll_create1"; case .dup3: "dup3"; case .pipe2: "pipe2"
        case .inotify_init1: "inotify_init1"; case .preadv: "preadv"; case .pwritev: "pwritev"
        case .rt_tgsigqueueinfo: "rt_tgsigqueueinfo"; case .perf_event_open: "perf_event_open"
        case .recvmmsg: "recvmmsg"; case .fanotify_init: "fanotify_init"
        case .fanotify_mark: "fanotify_mark"; case .prlimit64: "prlimit64"
        case .name_to_handle_at: "name_to_handle_at"; case .open_by_handle_at: "open_by_handle_at"
        case .clock_adjtime: "clock_adjtime"; case .syncfs: "syncfs"; case .sendmmsg: "sendmmsg"
        case .setns: "setns"; case .getcpu: "getcpu"; case .process_vm_readv: "process_vm_readv"
        case .process_vm_writev: "process_vm_writev"; case .kcmp: "kcmp"; case .finit_module: "finit_module"
        case .sched_setattr: "sched_setattr"; case .sched_getattr: "sched_getattr"
        case .renameat2: "renameat2"; case .seccomp: "seccomp"; case .getrandom: "getrandom"
        case .memfd_create: "memfd_create"; case .kexec_file_load: "kexec_file_load"; case .bpf: "bpf"
        case .execveat: "execveat"; case .userfaultfd: "userfaultfd"; case .membarrier: "membarrier"
        case .mlock2: "mlock2"; case .copy_file_range: "copy_file_range"; case .preadv2: "preadv2"
        case .pwritev2: "pwritev2"; case .pkey_mprotect: "pkey_mprotect"; case .pkey_alloc: "pkey_alloc"
        case .pkey_free: "pkey_free"; case .statx: "statx"; case .io_pgetevents: "io_pgetevents"
        case .rseq: "rseq"; case .uretprobe: "uretprobe"; case .uprobe: "uprobe"
        case .pidfd_send_signal: "pidfd_send_signal"; case .io_uring_setup: "io_uring_setup"
        case .io_uring_enter: "io_uring_enter"; case .io_uring_register: "io_uring_register"
        case .open_tree: "open_tree"; case .move_mount: "move_mount"; case .fsopen: "fsopen"
        case .fsconfig: "fsconfig"; case .fsmount: "fsmount"; case .fspick: "fspick"
        case .pidfd_open: "pidfd_open"; case .clone3: "clone3"; case .close_range: "close_range"
        case .openat2: "openat2"; case .pidfd_getfd: "pidfd_getfd"; case .faccessat2: "faccessat2"
        case .process_madvise: "process_madvise"; case .epoll_pwait2: "epoll_pwait2"
        case .mount_setattr: "mount_setattr"; case .quotactl_fd: "quotactl_fd"
        case .landlock_create_ruleset: "landlock_create_ruleset"
        case .landlock_add_rule: "landlock_add_rule"; case .landlock_restrict_self: "landlock_restrict_self"
        case .memfd_secret: "memfd_secret"; case .process_mrelease: "process_mrelease"
        case .futex_waitv: "futex_waitv"; case .set_mempolicy_home_node: "set_mempolicy_home_node"
        case .cachestat: "cachestat"; case .fchmodat2: "fchmodat2"
        case .map_shadow_stack: "map_shadow_stack"; case .futex_wake: "futex_wake"
        case .futex_wait: "futex_wait"; case .futex_requeue: "futex_requeue"; case .statmount: "statmount"
        case .listmount: "listmount"; case .lsm_get_self_attr: "lsm_get_self_attr"
        case .lsm_set_self_attr: "lsm_set_self_attr"; case .lsm_list_modules: "lsm_list_modules"
        case .mseal: "mseal"; case .setxattrat: "setxattrat"; case .getxattrat: "getxattrat"
        case .listxattrat: "listxattrat"; case .removexattrat: "removexattrat"
        case .open_tree_attr: "open_tree_attr"; case .file_getattr: "file_getattr"
        case .file_setattr: "file_setattr"; case .listns: "listns"
        }
    }
}
