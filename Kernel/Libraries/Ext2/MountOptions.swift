// ext2 mount options (the data argument of mount(2)), as Linux's ext2 parses them. Taken:
// - errors=continue | remount-ro | panic: what a corruption does for this mount, in place of the
//   superblock's s_errors. `panic` is taken but never panics the kernel: it acts as remount-ro
//   (the caller logs that once).
// - user_xattr, acl: accepted with no effect (the defaults Linux turns on when built with them;
//   this driver keeps no extended attributes or ACLs, and Linux built without them accepts the
//   options too, logging "not supported").
// Every other option, and a value these do not take, is EINVAL, as Linux answers an option it
// does not know ("Unrecognized mount option" or a bad value). nouser_xattr and noacl are EINVAL
// too: the reference Linux of the ext2 tests (Debian's ext4 driver mounting ext2) refuses noacl,
// and an option to turn off what this driver does not do is not worth a divergence.
// Pure: host tests drive it.

import LinuxABI

/// What a corruption does to a mounted file system (s_errors, or the errors= option).
public enum Ext2ErrorBehaviour: Sendable, Equatable {
    /// Report EUCLEAN for the operation and go on (EXT2_ERRORS_CONTINUE, 1).
    case continueOperation
    /// Report EUCLEAN and allow no more writes (EXT2_ERRORS_RO, 2).
    case remountReadOnly
    /// Linux panics (EXT2_ERRORS_PANIC, 3); here it acts as `remountReadOnly`.
    case panic

    /// From s_errors; 0 and unknown values act as continue (as this driver always took them).
    init(superblockValue: UInt16) {
        switch superblockValue {
        case 2: self = .remountReadOnly
        case 3: self = .panic
        default: self = .continueOperation
        }
    }

    /// Whether a corruption stops writes.
    var stopsWrites: Bool { self != .continueOperation }
}

/// The ext2 options of one mount(2) or MS_REMOUNT call.
public struct Ext2MountOptions: Sendable, Equatable {
    /// errors=, if given.
    public var errorBehaviour: Ext2ErrorBehaviour?

    public init(errorBehaviour: Ext2ErrorBehaviour? = nil) {
        self.errorBehaviour = errorBehaviour
    }

    /// Parses mount(2)'s data; EINVAL for an option Linux's ext2 would refuse or this driver
    /// does not take.
    public static func parse(_ options: MountDataOptions) throws(Errno) -> Ext2MountOptions {
        var parsed = Ext2MountOptions()
        for item in options.items {
            switch (String(decoding: item.name, as: UTF8.self), item.value.map { String(decoding: $0, as: UTF8.self) }) {
            case ("errors", "continue"): parsed.errorBehaviour = .continueOperation
            case ("errors", "remount-ro"): parsed.errorBehaviour = .remountReadOnly
            case ("errors", "panic"): parsed.errorBehaviour = .panic
            case ("user_xattr", nil), ("acl", nil): break
            default: throw .EINVAL
            }
        }
        return parsed
    }
}
