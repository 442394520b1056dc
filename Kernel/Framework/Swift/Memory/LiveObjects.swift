// Counts of live Framework objects that own physical memory (kernel tasks with their stacks,
// user address spaces, user register contexts). Leak tests compare them before and after
// a workload; they cost one relaxed atomic add per creation and destruction.

import Synchronization

public enum LiveObjects {
    static let tasks = Atomic<Int>(0)
    static let userSpaces = Atomic<Int>(0)
    static let userContexts = Atomic<Int>(0)

    public static var taskCount: Int { tasks.load(ordering: .relaxed) }
    public static var userSpaceCount: Int { userSpaces.load(ordering: .relaxed) }
    public static var userContextCount: Int { userContexts.load(ordering: .relaxed) }
}
