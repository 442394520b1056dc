// The implemented system calls: number (LinuxABI.SystemCall, the single table of x86-64 numbers
// and names) → handler. Everything not listed returns -ENOSYS and is logged once by name.

import Capabilities
import FileSystem
import Framework
import LinuxABI
import Memory
import Process
import Scheduling

enum SystemCallTable {
    static let entries: [(SystemCall, SystemCallHandler)] = [
        // read(2)/write(2) family
        (.read, ReadWrite.read), (.write, ReadWrite.write), (.pread64, ReadWrite.pread), (.pwrite64, ReadWrite.pwrite),
        (.readv, ReadWrite.readv), (.writev, ReadWrite.writev), (.preadv, ReadWrite.preadv), (.pwritev, ReadWrite.pwritev),
        // open(2), close(2)
        (.open, Open.open), (.openat, Open.openat), (.creat, Open.creat), (.openat2, Open.openat2),
        (.close, Open.close), (.close_range, Open.closeRange),
        // stat(2)
        (.stat, StatCalls.stat), (.fstat, StatCalls.fstat), (.lstat, StatCalls.lstat),
        (.newfstatat, StatCalls.newfstatat), (.statx, StatCalls.statx),
        // directories
        (.getdents64, Directories.getdents64), (.getcwd, Directories.getcwd), (.chdir, Directories.chdir),
        (.fchdir, Directories.fchdir), (.chroot, Directories.chroot),
        // names
        (.mkdir, Names.mkdir), (.mkdirat, Names.mkdirat), (.mknod, Names.mknod), (.mknodat, Names.mknodat),
        (.unlink, Names.unlink), (.unlinkat, Names.unlinkat), (.rmdir, Names.rmdir),
        (.rename, Names.rename), (.renameat, Names.renameat), (.renameat2, Names.renameat2),
        (.link, Names.link), (.linkat, Names.linkat), (.symlink, Names.symlink), (.symlinkat, Names.symlinkat),
        (.readlink, Names.readlink), (.readlinkat, Names.readlinkat),
        // attributes
        (.chmod, Attributes.chmod), (.fchmod, Attributes.fchmod), (.fchmodat, Attributes.fchmodat),
        (.chown, Attributes.chown), (.fchown, Attributes.fchown), (.lchown, Attributes.lchown), (.fchownat, Attributes.fchownat),
        (.utimensat, Attributes.utimensat), (.utimes, Attributes.utimes),
        (.truncate, Attributes.truncate), (.ftruncate, Attributes.ftruncate),
        (.access, Attributes.access), (.faccessat, Attributes.faccessat), (.faccessat2, Attributes.faccessat2),
        (.umask, Attributes.umask), (.fsync, Attributes.fsync), (.fdatasync, Attributes.fsync),
        (.sync, Attributes.sync), (.syncfs, Attributes.fsync),
        // descriptors
        (.lseek, FileControl.lseek), (.dup, FileControl.dup), (.dup2, FileControl.dup2), (.dup3, FileControl.dup3),
        (.fcntl, FileControl.fcntl), (.ioctl, IoctlCalls.ioctl),
        // memory
        (.mmap, MemoryCalls.mmap), (.munmap, MemoryCalls.munmap), (.mprotect, MemoryCalls.mprotect),
        (.madvise, MemoryCalls.madvise), (.mincore, MemoryCalls.mincore), (.brk, MemoryCalls.brk), (.msync, MemoryCalls.msync),
        // identity and limits
        (.getpid, Identity.getpid), (.gettid, Identity.gettid), (.getppid, Identity.getppid),
        (.getuid, Identity.getuid), (.geteuid, Identity.geteuid), (.getgid, Identity.getgid), (.getegid, Identity.getegid),
        (.getgroups, Identity.getgroups), (.getresuid, Identity.getresuid), (.getresgid, Identity.getresgid),
        (.getpgid, Identity.getpgid), (.getpgrp, Identity.getpgrp), (.getsid, Identity.getsid),
        (.uname, Identity.uname), (.sethostname, Identity.sethostname), (.sysinfo, Identity.sysinfo),
        (.getrlimit, Limits.getrlimit), (.setrlimit, Limits.setrlimit), (.prlimit64, Limits.prlimit64),
        (.times, Limits.times), (.getrusage, Limits.getrusage),
        // credentials
        (.setuid, CredentialCalls.setuid), (.setgid, CredentialCalls.setgid), (.setreuid, CredentialCalls.setreuid),
        (.setregid, CredentialCalls.setregid), (.setresuid, CredentialCalls.setresuid), (.setresgid, CredentialCalls.setresgid),
        (.setgroups, CredentialCalls.setgroups), (.setfsuid, CredentialCalls.setfsuid), (.setfsgid, CredentialCalls.setfsgid),
        // time
        (.clock_gettime, TimeCalls.clockGettime), (.clock_getres, TimeCalls.clockGetres),
        (.gettimeofday, TimeCalls.gettimeofday), (.time, TimeCalls.time),
        (.nanosleep, TimeCalls.nanosleep), (.clock_nanosleep, TimeCalls.clockNanosleep),
        (.clock_settime, TimeCalls.clockSettime), (.settimeofday, TimeCalls.settimeofday),
        (.setitimer, IntervalTimers.setitimer), (.restart_syscall, TimeCalls.restartSyscall), (.getitimer, IntervalTimers.getitimer), (.alarm, IntervalTimers.alarm),
        // threads and the process
        (.arch_prctl, ThreadCalls.archPrctl), (.set_tid_address, ThreadCalls.setTidAddress),
        (.set_robust_list, ThreadCalls.setRobustList), (.get_robust_list, ThreadCalls.getRobustList),
        (.prctl, ThreadCalls.prctl), (.sched_yield, ThreadCalls.schedYield),
        (.sched_getaffinity, ThreadCalls.schedGetaffinity), (.sched_setaffinity, ThreadCalls.schedSetaffinity),
        (.getrandom, ThreadCalls.getrandom), (.futex, ThreadCalls.futex),
        (.execve, ProgramCalls.execve), (.execveat, ProgramCalls.execveat),
        (.exit, ProgramCalls.exit), (.exit_group, ProgramCalls.exitGroup),
        // signals
        (.rt_sigaction, SignalCalls.rtSigaction), (.rt_sigprocmask, SignalCalls.rtSigprocmask),
        (.rt_sigpending, SignalCalls.rtSigpending), (.sigaltstack, SignalCalls.sigaltstack),
        (.rt_sigreturn, SignalCalls.rtSigreturn), (.kill, SignalCalls.kill), (.tkill, SignalCalls.tkill),
        (.tgkill, SignalCalls.tgkill), (.pause, SignalCalls.pause), (.rt_sigsuspend, SignalCalls.rtSigsuspend),
        (.rt_sigtimedwait, SignalCalls.rtSigtimedwait), (.rt_sigqueueinfo, SignalCalls.rtSigqueueinfo),
        (.rt_tgsigqueueinfo, SignalCalls.rtTgsigqueueinfo),
        // processes
        (.fork, ProcessCalls.fork), (.vfork, ProcessCalls.vfork), (.clone, ProcessCalls.clone), (.clone3, ProcessCalls.clone3),
        (.wait4, ProcessCalls.wait4), (.waitid, ProcessCalls.waitid), (.setpgid, ProcessCalls.setpgid), (.setsid, ProcessCalls.setsid),
        // pipes and readiness
        (.pipe, PipeCalls.pipe), (.pipe2, PipeCalls.pipe2), (.poll, PollCalls.poll), (.ppoll, PollCalls.ppoll),
        (.select, PollCalls.select), (.pselect6, PollCalls.pselect6), (.sendfile, ReadWrite.sendfile),
    ]
}
