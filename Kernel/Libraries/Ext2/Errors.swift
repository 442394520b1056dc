// How the engine reports failure. Operations throw `Errno` (LinuxABI), the code the system call
// returns: EUCLEAN when the disk contradicts itself (a corrupt structure), EIO when the device
// fails. Mount throws `Ext2MountError`, which also says why, for the kernel's log.
//
// A corruption found by an operation is recorded in `Ext2FileSystem.lastProblem` (for the log),
// marks the superblock's state "has errors" (as Linux's ext2_error does), and follows the
// superblock's error behaviour: "continue" keeps the file system writable, "remount-ro" and
// "panic" make it read-only (this library never panics).

import LinuxABI

public enum Ext2MountError: Error, Sendable {
    /// The device could not be read (or written, for the mount-time superblock update).
    case io
    /// No ext2 superblock: wrong magic number.
    case badMagic
    /// The superblock or a group descriptor contradicts itself or the device size.
    case corrupt(reason: StaticString)
    /// A revision or block size this driver does not handle.
    case unsupported(reason: StaticString)
    /// INCOMPAT feature bits this driver does not understand (names as e2fsprogs spells them).
    case unsupportedFeatures(mask: UInt32, names: String)
    /// The journal of an ext3/ext4 file system needs recovery, which only a journaling driver or
    /// e2fsck can do.
    case journalNeedsRecovery

    /// The code mount(2) returns, as Linux's ext2 does: EINVAL for anything that is not a
    /// mountable ext2 file system, EIO for a device error.
    public var errno: Errno {
        switch self {
        case .io: .EIO
        case .badMagic, .corrupt, .unsupported, .unsupportedFeatures, .journalNeedsRecovery: .EINVAL
        }
    }

    /// A log line.
    public var description: String {
        switch self {
        case .io: "ext2: I/O error reading the superblock or group descriptors"
        case .badMagic: "ext2: no ext2 file system (bad superblock magic)"
        case .corrupt(let reason): "ext2: corrupt file system: " + reason.description
        case .unsupported(let reason): "ext2: unsupported: " + reason.description
        case .unsupportedFeatures(_, let names): "ext2: unsupported optional features: " + names
        case .journalNeedsRecovery: "ext2: the journal needs recovery (run e2fsck)"
        }
    }
}

/// Something a mount notices that does not stop it (Linux logs the same conditions).
public enum Ext2MountWarning: Equatable, Sendable {
    /// RO_COMPAT features the driver cannot keep correct: mounted read-only.
    case readOnlyFeatures(mask: UInt32, names: String)
    /// The file system was not cleanly unmounted (state lacks "valid").
    case notCleanlyUnmounted
    /// The superblock says errors were found earlier.
    case hasErrors
    /// The mount count reached the maximum: e2fsck is recommended.
    case maximumMountCountReached
}

/// The last corruption an operation found, for the kernel's log.
public struct Ext2Problem: Sendable {
    public let reason: StaticString
    /// The inode concerned, 0 if none.
    public let inode: UInt32
    /// The block concerned, 0 if none.
    public let block: UInt32
}
