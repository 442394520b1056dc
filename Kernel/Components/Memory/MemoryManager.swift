// Connects address spaces to Framework: the fault resolver Framework calls when a user copy
// touches a page that is not mapped yet (demand paging, copy-on-write, stack growth inside
// system calls). The current task's address space is found through the object the kernel
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

final class CurrentAddressSpaceResolver: UserFaultResolver {
    func resolveFault(at address: UInt64, access: MemoryAccess) -> Bool {
        guard let user = Scheduler.current.owner as? AddressSpaceUser, let space = user.addressSpace else {
            Log.debug("user copy fault at 0x\(String(address, radix: 16)) in a task without an address space")
            return false
        }
        let outcome = space.handleFault(at: address, access: access)
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

    /// The address space of the task running now, if it runs user code.
    public static var current: AddressSpace? {
        (Scheduler.current.owner as? AddressSpaceUser)?.addressSpace
    }
}
