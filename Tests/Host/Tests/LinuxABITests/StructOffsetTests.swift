// sizeof and offsetof of every struct LinuxABI describes, against the kernel's uapi headers (and
// glibc's struct dirent64 for the getdents64 record header), plus the rt_sigframe arithmetic.
import Testing
import LinuxABI

@Test func declaredSizesMatchC() throws {
    let sizes: [CConstant] = [
        CConstant("sizeof(struct stat)", Stat.size, isMacro: false),
        CConstant("sizeof(struct statx)", Statx.size, isMacro: false),
        CConstant("sizeof(struct statx_timestamp)", StatxTimestamp.size, isMacro: false),
        CConstant("sizeof(struct __kernel_timespec)", Timespec.size, isMacro: false),
        CConstant("sizeof(struct timeval)", Timeval.size, isMacro: false),
        CConstant("sizeof(struct timezone)", Timezone.size, isMacro: false),
        CConstant("sizeof(struct itimerspec)", Itimerspec.size, isMacro: false),
        CConstant("sizeof(struct itimerval)", Itimerval.size, isMacro: false),
        CConstant("sizeof(struct tms)", Tms.size, isMacro: false),
        CConstant("sizeof(struct iovec)", Iovec.size, isMacro: false),
        CConstant("sizeof(struct flock)", Flock.size, isMacro: false),
        CConstant("sizeof(struct statfs)", Statfs.size, isMacro: false),
        CConstant("sizeof(struct new_utsname)", Utsname.size, isMacro: false),
        CConstant("sizeof(struct sysinfo)", Sysinfo.size, isMacro: false),
        CConstant("sizeof(struct rlimit)", Rlimit.size, isMacro: false),
        CConstant("sizeof(struct rlimit64)", Rlimit.size, isMacro: false),
        CConstant("sizeof(struct rusage)", Rusage.size, isMacro: false),
        CConstant("sizeof(struct sched_param)", SchedParam.size, isMacro: false),
        CConstant("sizeof(struct sigaction)", KernelSigaction.size, isMacro: false),
        CConstant("sizeof(sigset_t)", SignalSet.size, isMacro: false),
        CConstant("sizeof(stack_t)", SignalStack.size, isMacro: false),
        CConstant("sizeof(siginfo_t)", Siginfo.size, isMacro: false),
        CConstant("sizeof(struct sigcontext)", Sigcontext.size, isMacro: false),
        CConstant("sizeof(struct ucontext)", Ucontext.size, isMacro: false),
        CConstant("sizeof(struct _fpx_sw_bytes)", FpxSoftwareBytes.size, isMacro: false),
        CConstant("sizeof(struct _fpstate_64)", SignalFrameLayout.fxsaveSize, isMacro: false),
        CConstant("offsetof(struct_fpstate_64,sw_reserved)", SignalFrameLayout.fpxSoftwareBytesOffset, isMacro: false),
        CConstant("sizeof(struct termios)", Termios.size, isMacro: false),
        CConstant("sizeof(struct termios2)", Termios.termios2Size, isMacro: false),
        CConstant("sizeof(struct winsize)", Winsize.size, isMacro: false),
        CConstant("sizeof(struct pollfd)", Pollfd.size, isMacro: false),
        CConstant("sizeof(struct epoll_event)", EpollEvent.size, isMacro: false),
        CConstant("sizeof(struct clone_args)", CloneArgs.size, isMacro: false),
        CConstant("sizeof(struct open_how)", OpenHow.size, isMacro: false),
        CConstant("sizeof(struct robust_list_head)", RobustListHead.size, isMacro: false),
        CConstant("sizeof(struct rseq)", Rseq.size, isMacro: false),
        CConstant("__alignof__(struct rseq)", Rseq.alignment, isMacro: false),
        CConstant("sizeof(struct rseq_cs)", RseqCriticalSection.size, isMacro: false),
        CConstant("sizeof(struct ipc64_perm)", IPCPermission.size, isMacro: false),
        CConstant("sizeof(struct shmid64_ds)", SharedMemoryStatus.size, isMacro: false),
        CConstant("offsetof(struct shmid64_ds,shm_nattch)", 88, isMacro: false),
        CConstant("offsetof(struct shmid64_ds,shm_cpid)", 80, isMacro: false),
        CConstant("sizeof(struct semid64_ds)", SemaphoreSetStatus.size, isMacro: false),
        CConstant("offsetof(struct semid64_ds,sem_nsems)", 80, isMacro: false),
        CConstant("sizeof(struct msqid64_ds)", MessageQueueStatus.size, isMacro: false),
        CConstant("offsetof(struct msqid64_ds,msg_lspid)", 96, isMacro: false),
        CConstant("sizeof(struct sembuf)", SemaphoreOperation.size, isMacro: false),
        CConstant("sizeof(struct shminfo64)", IPCInfoRecord.sharedMemoryLimits(maximumBytes: 0, minimumBytes: 0, maximumSegments: 0, segmentsPerProcess: 0, maximumPages: 0).count, isMacro: false),
        CConstant("sizeof(struct shm_info)", IPCInfoRecord.sharedMemoryUsage(usedIDs: 0, totalPages: 0, residentPages: 0).count, isMacro: false),
        CConstant("sizeof(struct seminfo)", IPCInfoRecord.semaphores([]).count, isMacro: false),
        CConstant("sizeof(struct msginfo)", IPCInfoRecord.messageQueues([], segments: 0).count, isMacro: false),
        CConstant("offsetof(siginfo_t,_sifields)", Siginfo.unionOffset, isMacro: false),
        CConstant("sizeof(siginfo_t) - offsetof(siginfo_t,_sifields)", Siginfo.unionSize, isMacro: false),
        CConstant("offsetof(siginfo_t,si_pid)", Siginfo.si_pid_offset, isMacro: false),
        CConstant("offsetof(siginfo_t,si_uid)", Siginfo.si_uid_offset, isMacro: false),
        CConstant("offsetof(siginfo_t,si_tid)", Siginfo.si_timerid_offset, isMacro: false),
        CConstant("offsetof(siginfo_t,si_overrun)", Siginfo.si_overrun_offset, isMacro: false),
        CConstant("offsetof(siginfo_t,si_value)", Siginfo.si_value_offset, isMacro: false),
        CConstant("offsetof(siginfo_t,si_status)", Siginfo.si_status_offset, isMacro: false),
        CConstant("offsetof(siginfo_t,si_utime)", Siginfo.si_utime_offset, isMacro: false),
        CConstant("offsetof(siginfo_t,si_stime)", Siginfo.si_stime_offset, isMacro: false),
        CConstant("offsetof(siginfo_t,si_addr)", Siginfo.si_addr_offset, isMacro: false),
        CConstant("offsetof(siginfo_t,si_addr_lsb)", Siginfo.si_addr_lsb_offset, isMacro: false),
        CConstant("offsetof(siginfo_t,si_pkey)", Siginfo.si_pkey_offset, isMacro: false),
        CConstant("offsetof(siginfo_t,si_band)", Siginfo.si_band_offset, isMacro: false),
        CConstant("offsetof(siginfo_t,si_fd)", Siginfo.si_fd_offset, isMacro: false),
        CConstant("offsetof(siginfo_t,si_call_addr)", Siginfo.si_call_addr_offset, isMacro: false),
        CConstant("offsetof(siginfo_t,si_syscall)", Siginfo.si_syscall_offset, isMacro: false),
        CConstant("offsetof(siginfo_t,si_arch)", Siginfo.si_arch_offset, isMacro: false),
        CConstant("offsetof(struct_ucontext,uc_flags)", Ucontext.uc_flags_offset, isMacro: false),
        CConstant("offsetof(struct_ucontext,uc_link)", Ucontext.uc_link_offset, isMacro: false),
        CConstant("offsetof(struct_ucontext,uc_stack)", Ucontext.uc_stack_offset, isMacro: false),
        CConstant("offsetof(struct_ucontext,uc_mcontext)", Ucontext.uc_mcontext_offset, isMacro: false),
        CConstant("offsetof(struct_ucontext,uc_sigmask)", Ucontext.uc_sigmask_offset, isMacro: false),
        CConstant("offsetof(struct_sigcontext,r8)", Sigcontext.r8Offset, isMacro: false),
        CConstant("offsetof(struct_sigcontext,rdi)", Sigcontext.rdiOffset, isMacro: false),
        CConstant("offsetof(struct_sigcontext,rax)", Sigcontext.raxOffset, isMacro: false),
        CConstant("offsetof(struct_sigcontext,rsp)", Sigcontext.rspOffset, isMacro: false),
        CConstant("offsetof(struct_sigcontext,rip)", Sigcontext.ripOffset, isMacro: false),
        CConstant("offsetof(struct_sigcontext,eflags)", Sigcontext.eflagsOffset, isMacro: false),
        CConstant("offsetof(struct_sigcontext,cs)", Sigcontext.csOffset, isMacro: false),
        CConstant("offsetof(struct_sigcontext,ss)", Sigcontext.ssOffset, isMacro: false),
        CConstant("offsetof(struct_sigcontext,err)", Sigcontext.errOffset, isMacro: false),
        CConstant("offsetof(struct_sigcontext,trapno)", Sigcontext.trapnoOffset, isMacro: false),
        CConstant("offsetof(struct_sigcontext,oldmask)", Sigcontext.oldmaskOffset, isMacro: false),
        CConstant("offsetof(struct_sigcontext,cr2)", Sigcontext.cr2Offset, isMacro: false),
        CConstant("offsetof(struct_sigcontext,fpstate)", Sigcontext.fpstateOffset, isMacro: false),
        CConstant("offsetof(struct_rseq,cpu_id_start)", Rseq.cpu_id_start_offset, isMacro: false),
        CConstant("offsetof(struct_rseq,cpu_id)", Rseq.cpu_id_offset, isMacro: false),
        CConstant("offsetof(struct_rseq,rseq_cs)", Rseq.rseq_cs_offset, isMacro: false),
        CConstant("offsetof(struct_rseq,flags)", Rseq.flags_offset, isMacro: false),
    ]
    // offsetof takes a type name without spaces here only for readable keys: struct_X is a typedef.
    let typedefs = """
    typedef struct _fpstate_64 struct_fpstate_64; typedef struct ucontext struct_ucontext;
    typedef struct sigcontext struct_sigcontext; typedef struct rseq struct_rseq;

    """
    let values = try cValues(of: sizes, headers: .uapi, extraDeclarations: typedefs)
    for entry in sizes {
        #expect((values[entry.name] ?? nil).map { UInt64($0) } == entry.value, "\(entry.name): C \(String(describing: values[entry.name] ?? nil)), Swift \(entry.value)")
    }
}

@Test func direntHeaderMatchesGlibc() throws {
    let offsets: [CConstant] = [
        CConstant("offsetof(struct_dirent64,d_ino)", LinuxDirent64.d_ino_offset, isMacro: false),
        CConstant("offsetof(struct_dirent64,d_off)", LinuxDirent64.d_off_offset, isMacro: false),
        CConstant("offsetof(struct_dirent64,d_reclen)", LinuxDirent64.d_reclen_offset, isMacro: false),
        CConstant("offsetof(struct_dirent64,d_type)", LinuxDirent64.d_type_offset, isMacro: false),
        CConstant("offsetof(struct_dirent64,d_name)", LinuxDirent64.d_name_offset, isMacro: false),
    ]
    let values = try cValues(of: offsets, headers: .libc, extraDeclarations: "typedef struct dirent64 struct_dirent64;\n")
    for entry in offsets { #expect((values[entry.name] ?? nil).map { UInt64($0) } == entry.value, "\(entry.name)") }
    #expect(LinuxDirent64.headerSize == LinuxDirent64.d_name_offset)
}

@Test func signalFrameLayout() {
    #expect(SignalFrameLayout.ucontextOffset == 8)
    #expect(SignalFrameLayout.siginfoOffset == 312)
    #expect(SignalFrameLayout.size == 440)
    #expect(Rseq.node_id_offset == 20 && Rseq.mm_cid_offset == 24)   // Linux 6.3+, not in the host's headers
    // After `call`, rsp + 8 is 16-byte aligned; the frame never overlaps the stack top.
    for top: UInt64 in [0x7fff_f000, 0x7fff_f008, 0x7fff_eff1] {
        let sp = SignalFrameLayout.handlerStackPointer(stackTop: top, frameBytes: 440)
        #expect((sp + 8) % 16 == 0)
        #expect(sp + 440 <= top && top - sp <= 440 + 24)
    }
}
