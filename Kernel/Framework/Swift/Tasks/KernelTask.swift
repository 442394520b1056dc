// Kernel tasks: a guarded kernel stack plus a saved stack pointer. Every process thread runs on
// one (its user mode is entered from it), and so do kernel workers and in-kernel tests.
// Which task runs next is policy, injected by the kernel as a `TaskScheduler`; Framework provides
// the mechanism: switching stacks, idling with the CPU halted when nothing is runnable, and
// reaping exited tasks' stacks (deferred until the switch away from them has completed).
// User FPU/SSE/AVX state belongs to a task and is switched with it.
// All scheduling state is touched with interrupts disabled.

import FrameworkAsm
import Synchronization

public enum TaskState: Sendable {
    case runnable, running, blocked, exited
}

/// Scheduling policy, implemented by the kernel and injected with `Scheduler.inject`.
/// Called with interrupts disabled; must not block or allocate on the tick path.
public protocol TaskScheduler: AnyObject, Sendable {
    /// `task` became runnable.
    func enqueue(_ task: KernelTask)
    /// The task to run next, removed from the policy's queues; nil if none is runnable.
    func pickNext() -> KernelTask?
    /// A timer tick while `current` runs; true requests preemption at the next safe point.
    func tick(current: KernelTask) -> Bool
}

// SAFETY: the mutable state is only touched with interrupts disabled on the one CPU, by the
// scheduler mechanism below (or by the owning task itself while it runs).
@safe public final class KernelTask: @unchecked Sendable {
    static let identifiers = Atomic<Int>(1)

    public let id: Int
    public let name: String
    public internal(set) var state: TaskState = .runnable
    /// Where context_switch stores this task's stack pointer: a heap cell with a stable address.
    let savedStackPointer: UnsafeMutablePointer<UInt64>
    let stack: KernelStack
    var body: (() -> Void)?
    /// Save area for the user FPU state of the program this task runs (allocated on first use).
    var fpuState: FPUState? { didSet { fpuStateIdentity = fpuState.map(ObjectIdentifier.init) } }
    /// The user address space this task works in: loaded into CR3 whenever the task runs, so
    /// user copies made by its system calls reach its own memory.
    var userSpace: UserAddressSpace? { didSet { userSpaceIdentity = userSpace.map(ObjectIdentifier.init) } }
    /// Which objects the two fields above hold, for the check on every entry to user mode: an
    /// identifier compares as a plain word, where reading the reference costs a retain/release.
    private(set) var fpuStateIdentity: ObjectIdentifier?
    private(set) var userSpaceIdentity: ObjectIdentifier?
    /// Time-stamp-counter cycles the task ran up to its last switch-out (its CPU clock; while it
    /// runs, `Scheduler.runningClock` carries it on).
    var ranCycles: UInt64 = 0
    /// A value the kernel attaches to the task (its thread object), reached by `current`.
    public var owner: AnyObject?

    init(name: String, stack: KernelStack) {
        self.id = Self.identifiers.add(1, ordering: .relaxed).oldValue
        self.name = name
        self.stack = stack
        // SAFETY: a one-word heap cell owned by this task, freed in deinit.
        unsafe self.savedStackPointer = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
        unsafe savedStackPointer.initialize(to: 0)
        LiveObjects.tasks.add(1, ordering: .relaxed)
    }

    deinit {
        LiveObjects.tasks.subtract(1, ordering: .relaxed)
        // SAFETY: allocated in init, never shared beyond this task's lifetime.
        unsafe savedStackPointer.deallocate()
    }

    /// Creates the first task, for `main`, and returns its stack top for the boot assembly.
    static func createBootTask() -> UInt64 {
        guard let stack = KernelStack.allocate() else { Panic.halt("boot: no memory for the first kernel stack") }
        let task = KernelTask(name: "main", stack: stack)
        task.state = .running
        Scheduler.currentTask = task
        return stack.top
    }
}

public enum Scheduler {
    // SAFETY: changed only with interrupts disabled, by the context-switch path.
    nonisolated(unsafe) static var currentTaskStorage: KernelTask? = nil
    // A plain getter, not `_read`: a yield-once accessor that is not inlined may heap-allocate its
    // coroutine frame, which must not happen on the scheduler and interrupt paths.
    static var currentTask: KernelTask? { get { unsafe currentTaskStorage } _modify { yield unsafe &currentTaskStorage } }
    // SAFETY: set once by the kernel during boot, before any task is spawned.
    nonisolated(unsafe) static var policyStorage: (any TaskScheduler)? = nil
    static var policy: (any TaskScheduler)? { _read { yield unsafe policyStorage } _modify { yield unsafe &policyStorage } }
    // SAFETY: touched with interrupts disabled only.
    nonisolated(unsafe) static var exitedTasksStorageStorage: [KernelTask] = []
    static var exitedTasksStorage: [KernelTask] { _read { yield unsafe exitedTasksStorageStorage } _modify { yield unsafe &exitedTasksStorageStorage } }
    static var exitedTasks: [KernelTask] { _read { yield exitedTasksStorage } _modify { yield &exitedTasksStorage } }
    static let preemptionRequested = Atomic<Bool>(false)

    /// The CPU clock of the running task: what it had run when it was switched in, and when.
    struct RunningClock {
        var ranCycles: UInt64 = 0
        var switchedInCycles: UInt64 = 0
        func cycles(at now: UInt64) -> UInt64 { ranCycles &+ (now &- switchedInCycles) }
    }
    // SAFETY: belongs to the (one) CPU; changed only with interrupts disabled (task switch, idle).
    nonisolated(unsafe) static var runningClockStorage = RunningClock()
    static var runningClock: RunningClock { get { unsafe runningClockStorage } set { unsafe runningClockStorage = newValue } }

    /// What the CPU did since boot, for /proc/stat and /proc/uptime: TSC cycles spent halted with
    /// nothing to run, and task switches.
    struct Activity {
        var idleCycles: UInt64 = 0
        var switches: UInt64 = 0
    }
    // SAFETY: as runningClockStorage.
    nonisolated(unsafe) static var activityStorage = Activity()
    static var activity: Activity { get { unsafe activityStorage } set { unsafe activityStorage = newValue } }

    /// Nanoseconds the CPU spent idle (halted, nothing runnable) since boot.
    public static var idleNanoseconds: UInt64 { Clock.nanoseconds(fromCycles: activity.idleCycles) }
    /// Task switches since boot.
    public static var contextSwitches: UInt64 { activity.switches }

    /// Injects the scheduling policy. Must be called before `spawn`.
    /// - Controlled: scheduler
    public static func inject(_ scheduler: any TaskScheduler) {
        Interrupts.withDisabled {
            policy = scheduler
        }
    }

    /// Timer tick (interrupt context): lets the policy account and request preemption.
    static func timerTick() {
        if let current = currentTask, let policy = policy, policy.tick(current: current) {
            preemptionRequested.store(true, ordering: .relaxed)
        }
    }

    public static var current: KernelTask {
        guard let task = currentTask else { Panic.halt("scheduler: no current task") }
        return task
    }

    /// How long the current task has run on the CPU, in time-stamp-counter cycles
    /// (`Clock.nanoseconds(fromCycles:)` converts): time it spent switched out (asleep, or
    /// preempted by another task) is not counted. CPU-time accounting (user and system time, the
    /// CPU-time clocks and timers) measures with this clock.
    public static func currentTaskCPUCycles() -> UInt64 {
        runningClock.cycles(at: cpu_read_tsc())
    }

    /// Starts a new task running `body`; nil when memory is exhausted.
    public static func spawn(name: String, body: @escaping () -> Void) -> KernelTask? {
        guard let stack = KernelStack.allocate() else { return nil }
        let task = KernelTask(name: name, stack: stack)
        task.body = body
        // Initial frame for context_switch: six callee-saved registers, then the trampoline's
        // address, then one empty word, so the trampoline runs with %rsp 16-byte aligned (its
        // `call` then gives the callee the alignment the ABI promises).
        let top = stack.top
        let frame = top - 9 * 8
        for index in 0..<6 {
            // SAFETY: writes inside the fresh stack we own, below its top.
            unsafe UnsafeMutablePointer<UInt64>(bitPattern: UInt(frame + UInt64(index) * 8))!.pointee = 0
        }
        // SAFETY: as above: the return address slot popped by context_switch's `ret`.
        unsafe UnsafeMutablePointer<UInt64>(bitPattern: UInt(frame + 48))!.pointee = address_of_context_start_trampoline()
        // SAFETY: the task's own stack-pointer cell.
        unsafe task.savedStackPointer.pointee = frame
        Interrupts.withDisabled {
            task.state = .runnable
            policy?.enqueue(task)
        }
        return task
    }

    /// Makes a blocked or new task runnable. Safe from interrupt context.
    public static func wake(_ task: KernelTask) {
        Interrupts.withDisabled {
            guard task.state == .blocked else { return }
            task.state = .runnable
            policy?.enqueue(task)
        }
    }

    /// Gives the CPU to another runnable task, if any; returns when this task runs again.
    /// Not inlined into other modules: when sched_yield's handler inlined it, the compiler left
    /// cpu.h's cli/sti/pushfq helpers as out-of-line calls there (the ktest level's
    /// cpu-helpers-inlined check caught it); inside Framework they inline as everywhere else.
    @inline(never)
    public static func yield() {
        Interrupts.withDisabled {
            preemptionRequested.store(false, ordering: .relaxed)
            let task = current
            guard let next = policy?.pickNext() else { return }
            task.state = .runnable
            policy?.enqueue(task)
            switchTo(next)
        }
    }

    /// Yields if the timer asked for preemption. Call at safe points (return to user mode).
    public static func preemptIfRequested() {
        if preemptionRequested.load(ordering: .relaxed) { yield() }
    }

    /// Blocks the current task until `wake` is called on it. To avoid lost wake-ups, call it
    /// inside `Interrupts.withDisabled` after registering the task wherever it will be woken.
    public static func block() {
        Interrupts.withDisabled {
            let task = current
            task.state = .blocked
            runNext(after: task)
        }
    }

    /// Ends the current task. Its stack is freed after the switch away from it.
    ///
    /// This frame never returns, so it must not hold a strong reference across the switch: a
    /// retained local here would never be released and the task (with its stack and address
    /// space) would leak. The helpers below return only raw values.
    public static func exitCurrent() -> Never {
        cpu_disable_interrupts()
        // SAFETY: a raw cell pointer, used only for the switch below.
        let cell = unsafe retireCurrent()
        let nextStackPointer = chooseSuccessorOfExited()
        // SAFETY: `cell` belongs to the exited task, kept alive by `exitedTasks` until the next
        // task reaps it after this switch; the successor's saved value points at a valid frame.
        unsafe context_switch(cell, nextStackPointer)
        Panic.halt("scheduler: an exited task was resumed")
    }

    /// Marks the current task exited and queues it for reaping; returns its stack-pointer cell.
    @inline(never)
    static func retireCurrent() -> UnsafeMutablePointer<UInt64> {
        let task = current
        task.state = .exited
        task.body = nil
        exitedTasks.append(task)
        // SAFETY: the cell lives as long as the task, which `exitedTasks` now keeps.
        return unsafe task.savedStackPointer
    }

    /// Picks the task to run after an exited one (idling until there is one), makes it current
    /// and returns its saved stack pointer.
    @inline(never)
    static func chooseSuccessorOfExited() -> UInt64 {
        while true {
            if let next = policy?.pickNext() {
                next.state = .running
                runningClock = RunningClock(ranCycles: next.ranCycles, switchedInCycles: cpu_read_tsc())
                activity.switches &+= 1
                currentTask = next
                // SAFETY: a runnable task's cell holds the stack pointer context_switch saved
                // (or spawn prepared); the task is kept alive by `currentTask`.
                return unsafe next.savedStackPointer.pointee
            }
            let halted = cpu_read_tsc()
            Interrupts.enableAndWait()
            cpu_disable_interrupts()
            activity.idleCycles &+= cpu_read_tsc() &- halted
        }
    }

    /// Switches to the next runnable task, idling (CPU halted) until there is one.
    static func runNext(after task: KernelTask) {
        while true {
            if let next = policy?.pickNext() {
                if next !== task { switchTo(next) } else { task.state = .running }
                return
            }
            if task.state == .runnable || task.state == .running {
                task.state = .running
                return
            }
            // Nothing else to run: the CPU idles on this task's stack, which is not its CPU time.
            let halted = cpu_read_tsc()
            Interrupts.enableAndWait()
            cpu_disable_interrupts()
            let idle = cpu_read_tsc() &- halted
            runningClock.switchedInCycles &+= idle
            activity.idleCycles &+= idle
        }
    }

    static func switchTo(_ next: KernelTask) {
        let previous = current
        previous.fpuState?.save()
        let now = cpu_read_tsc()
        previous.ranCycles = runningClock.cycles(at: now)
        runningClock = RunningClock(ranCycles: next.ranCycles, switchedInCycles: now)
        activity.switches &+= 1
        next.state = .running
        currentTask = next
        // SAFETY: both cells belong to live tasks (previous is referenced here, next by the
        // caller); next's value was stored by context_switch or prepared by spawn, so it points
        // at a valid saved frame on next's stack.
        unsafe context_switch(previous.savedStackPointer, next.savedStackPointer.pointee)
        // Running again as `previous`.
        reapExitedTasks(except: previous)
        previous.userSpace?.loadIntoCPU()
        previous.fpuState?.restore()
    }

    static func reapExitedTasks(except running: KernelTask) {
        if exitedTasks.isEmpty { return }
        exitedTasks.removeAll { $0 !== running }
    }
}

@c(framework_task_start)
func frameworkTaskStart() -> Never {
    runCurrentTaskBody()
    Scheduler.exitCurrent()
}

/// A separate frame, so that no reference to the task outlives the body (see `exitCurrent`).
@inline(never)
func runCurrentTaskBody() {
    let task = Scheduler.current
    Scheduler.reapExitedTasks(except: task)
    cpu_enable_interrupts()
    let body = task.body
    body?()
}
