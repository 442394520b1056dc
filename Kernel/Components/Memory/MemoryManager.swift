// Connects address spaces to Framework: the fault resolver Framework calls when a user copy
// touches a page that is not mapped yet (demand paging, copy-on-write, stack growth inside
// system calls). A fault that finds no memory goes to the injected OOM handler and is retried. The current task's address space is found through the object the kernel
// attached to the task (a subclass of `AddressSpaceUser`).

import Framework
import LinuxABI

/// Base class of the kernel objects that run user code (threads): they know their address space.
open class AddressSpaceUser {
    public var addressSpace: AddressSpace?

    public init(addressSpace: AddressSpace?) {
        self.addressSpace = addressSpace
    }
}

/// What to do when a fault finds no memory: the OOM killer, injected by the process manager.
public protocol OutOfMemoryHandler: AnyObject, Sendable {
    /// Frees memory for the current task; true if its allocation should be retried (false when
    /// nothing was freed for it, or when the task itself is being killed).
    func reclaimForCurrentTask() -> Bool
}

final class CurrentAddressSpaceResolver: UserFaultResolver {
    /// Out of memory, a copy's fault is retried after each reclaim, a few times at most.
    static let reclaimAttempts = 4

    func resolveFault(at address: UInt64, access: MemoryAccess) -> Bool {
        guard let user = Scheduler.current.owner as? AddressSpaceUser, let space = user.addressSpace else {
            Log.debug("user copy fault at 0x\(String(address, radix: 16)) in a task without an address space")
            return false
        }
        var outcome = space.handleFault(at: address, access: access)
        var attempts = 0
        while outcome == .outOfMemory, attempts < Self.reclaimAttempts, let handler = MemoryManager.outOfMemoryHandler,
              handler.reclaimForCurrentTask() {
            outcome = space.handleFault(at: address, access: access)
            attempts += 1
        }
        if outcome != .resolved && Log.isEnabled(.debug) {
            Log.debug("user copy fault at 0x\(String(address, radix: 16)) not resolved")
        }
        return outcome == .resolved
    }
}

public enum MemoryManager {
    /// Injects the fault resolver into Framework. Call once at boot.
    public static func install() {
        UserMemory.setFaultResolver(CurrentAddressSpaceResolver())
    }

    static let outOfMemoryHandlerCell = SpinLock<(any OutOfMemoryHandler)?>(nil)

    /// Injects the OOM killer. Call once at boot.
    public static func setOutOfMemoryHandler(_ handler: any OutOfMemoryHandler) {
        outOfMemoryHandlerCell.withLock { $0 = handler }
    }

    static var outOfMemoryHandler: (any OutOfMemoryHandler)? { outOfMemoryHandlerCell.withLock { $0 } }

    /// The address space of the task running now, if it runs user code.
    public static var current: AddressSpace? {
        (Scheduler.current.owner as? AddressSpaceUser)?.addressSpace
    }
}
