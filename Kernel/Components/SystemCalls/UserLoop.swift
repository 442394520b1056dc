// The life of a user thread on its kernel task: enter user mode, come back, handle why (a
// system call, an exception, an interrupt), deliver signals, let the scheduler preempt, repeat —
// until the thread exits. CPU time is split into user and system time at each crossing.

import Capabilities
import FileSystem
import Framework
import LinuxABI
import Memory
import Process
import Scheduling

public enum UserLoop {
    /// Starts `thread` on a new kernel task.
    public static func start(_ thread: Thread) throws(Errno) {
        guard let task = Scheduler.spawn(name: "user", body: { UserLoop.run(thread) }) else { throw .ENOMEM }
        task.owner = thread
        thread.task = task
    }

    static func run(_ thread: Thread) {
        let context = thread.context
        // A thread's process is fixed for its life (exec keeps the process; only the exit path,
        // after this loop, detaches it), so it is read once rather than retained per crossing.
        if let process = thread.process {
            // Bind the task to its address space before any kernel work is done for the thread:
            // a new task starts with whatever CR3 the previous task left, and UserMemory acts on
            // the active space. A signal pending before the first entry to user mode (its frame
            // is written to the user stack) or an exit before it (CLONE_CHILD_CLEARTID, robust
            // lists) would otherwise write into another process's memory.
            process.addressSpace.pageTables.activate()
            runUser(thread, context: context, process: process)
        }
        ProcessLifecycle.threadExited(thread)
    }

    private static func runUser(_ thread: Thread, context: UserContext, process: Process) {
        let call = SystemCallContext(thread: thread, process: process)
        // Held here so that entering user mode does not retain and release it each time; exec
        // replaces the address space, so it is compared (not retained) on every crossing.
        var space = process.addressSpace.pageTables
        // CPU time on the task's own clock (time switched out does not count): the stretch in
        // the kernel before each entry to user mode is system time, the stretch in user mode user
        // time; both are charged once per crossing, when user mode is left.
        var kernelEntered = Scheduler.currentTaskCPUCycles()
        while !thread.isExiting {
            if SignalDelivery.hasWork(thread, process: process) {
                SignalDelivery.deliverPending(thread, process: process)
                SignalDelivery.waitWhileStopped(thread, process: process)
                if thread.pendingSignals.set.contains(.SIGKILL) { SignalDelivery.deliverPending(thread, process: process) }
                if thread.isExiting { break }
            }
            if process.addressSpace.pageTables !== space { space = process.addressSpace.pageTables }
            let entered = Scheduler.currentTaskCPUCycles()
            let exit = context.run(in: space)
            let left = Scheduler.currentTaskCPUCycles()
            UserTime.account(thread, process: process, userCycles: left &- entered, systemCycles: entered &- kernelEntered)
            kernelEntered = left
            switch exit {
            case .systemCall:
                SystemCallDispatcher.dispatch(call)
            case .exception:
                Faults.handle(context.exception, thread: thread, process: process)
            case .interrupted:
                break
            }
            Scheduler.preemptIfRequested()
        }
    }
}

/// CPU time accounting.
public enum UserTime {
    /// Charges one crossing, in cycles of the task's CPU clock (converted only when read).
    static func account(_ thread: Thread, process: Process, userCycles: UInt64, systemCycles: UInt64) {
        thread.cpuCycles &+= userCycles &+ systemCycles
        process.usage.userCycles &+= userCycles
        process.usage.systemCycles &+= systemCycles
        IntervalTimers.charge(process, userCycles: userCycles, systemCycles: systemCycles)
        let usedCycles = process.usage.userCycles &+ process.usage.systemCycles
        if usedCycles >= process.limits.cpuTimeCheckCycles { CPUTimeLimit.enforce(process, usedCycles: usedCycles) }
    }
}

/// CPU exceptions in user mode become signals (with si_code and si_addr as Linux reports them),
/// except page faults the address space resolves (demand paging, copy-on-write, stack growth).
enum Faults {
    static func handle(_ exception: UserException, thread: Thread, process: Process) {
        switch exception.vector {
        case UserException.pageFault:
            let access: MemoryAccess = exception.isInstructionFetch ? .execute : exception.isWrite ? .write : .read
            switch process.addressSpace.handleFault(at: exception.faultAddress, access: access) {
            case .resolved:
                return
            case .segmentationFault(let isAccessError):
                Log.debug("pid \(process.id): segmentation fault at 0x\(String(exception.faultAddress, radix: 16)) rip 0x\(String(thread.context.rip, radix: 16))")
                SignalDelivery.forceFault(.SIGSEGV, code: isAccessError ? 2 : 1, address: exception.faultAddress, thread: thread, process: process)
            case .busError:
                SignalDelivery.forceFault(.SIGBUS, code: 2, address: exception.faultAddress, thread: thread, process: process)
            case .outOfMemory:
                // The OOM killer frees memory (or kills this process); returning to user mode
                // retries the faulting instruction.
                _ = OutOfMemoryKiller.reclaim(for: thread, process: process)
            }
        case UserException.divideError:
            SignalDelivery.forceFault(.SIGFPE, code: 1, address: thread.context.rip, thread: thread, process: process)   // FPE_INTDIV
        case UserException.invalidOpcode:
            SignalDelivery.forceFault(.SIGILL, code: 2, address: thread.context.rip, thread: thread, process: process)   // ILL_ILLOPN
        case UserException.breakpoint:
            SignalDelivery.forceFault(.SIGTRAP, code: 0x80, address: 0, thread: thread, process: process)                // SI_KERNEL
        case UserException.debug:
            // No debug registers are armed, so this is a TF single step. (An icebp/int1 gets the
            // same answer; Linux tells it apart by DR6 and reports TRAP_BRKPT.)
            SignalDelivery.forceFault(.SIGTRAP, code: 2, address: thread.context.rip, thread: thread, process: process)  // TRAP_TRACE
        case UserException.x87Floating, UserException.simdFloating:
            SignalDelivery.forceFault(.SIGFPE, code: 0x80, address: thread.context.rip, thread: thread, process: process)
        case UserException.alignmentCheck:
            // RFLAGS.AC set by the user; no address is reported (CR2 is not written by #AC).
            SignalDelivery.forceFault(.SIGBUS, code: 1, address: 0, thread: thread, process: process)                    // BUS_ADRALN
        default:
            // #GP (including non-canonical addresses), #SS, #NP: SIGSEGV with SI_KERNEL, address 0.
            SignalDelivery.forceFault(.SIGSEGV, code: 0x80, address: 0, thread: thread, process: process)
        }
    }
}
