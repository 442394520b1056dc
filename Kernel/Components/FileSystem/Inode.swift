// Inodes: what a name in the tree refers to. A class hierarchy (Embedded Swift dispatches through
// class vtables): `Inode` holds the attributes every file has; `DirectoryInode`,
// `RegularFileInode`, `SymlinkInode` and `DeviceInode` add what their kind does. The in-memory
// file system (RamFS.swift) provides the concrete classes.

import Framework
import LinuxABI

public enum InodeKind: Sendable, Equatable {
    case regular, directory, symlink, characterDevice, blockDevice, fifo, socket
    /// The inode of files that have no name (anon_inode: eventfd, epoll, timerfd, signalfd):
    /// st_mode has no type bits.
    case anonymous

    /// The S_IFMT bits of st_mode.
    public var modeBits: UInt32 {
        switch self {
        case .regular: 0o100000
        case .directory: 0o040000
        case .symlink: 0o120000
        case .characterDevice: 0o020000
        case .blockDevice: 0o060000
        case .fifo: 0o010000
        case .socket: 0o140000
        case .anonymous: 0
        }
    }

    /// The d_type of a directory entry.
    public var directoryEntryType: UInt8 {
        switch self {
        case .regular: 8
        case .directory: 4
        case .symlink: 10
        case .characterDevice: 2
        case .blockDevice: 6
        case .fifo: 1
        case .socket: 12
        case .anonymous: 0
        }
    }

    public init?(modeBits: UInt32) {
        switch modeBits & 0o170000 {
        case 0o100000, 0: self = .regular
        case 0o040000: self = .directory
        case 0o120000: self = .symlink
        case 0o020000: self = .characterDevice
        case 0o060000: self = .blockDevice
        case 0o010000: self = .fifo
        case 0o140000: self = .socket
        default: return nil
        }
    }
}

open class Inode {
    public let number: UInt64
    public let deviceNumber: UInt64
    public let kind: InodeKind
    /// Permission bits (07777): rwx for owner, group, other, plus setuid, setgid, sticky.
    public var permissions: UInt32
    public var owner: UInt32
    public var group: UInt32
    public var linkCount: UInt32 = 1
    public var accessTime: Timestamp
    public var modifyTime: Timestamp
    public var changeTime: Timestamp
    /// Whether the inode's file system keeps extended attributes (ExtendedAttributes.swift).
    public internal(set) var keepsExtendedAttributes = false
    /// Its attributes, made at the first setxattr.
    var extendedAttributeSet: ExtendedAttributeSet?

    public init(number: UInt64, deviceNumber: UInt64, kind: InodeKind, permissions: UInt32, owner: UInt32, group: UInt32) {
        self.number = number
        self.deviceNumber = deviceNumber
        self.kind = kind
        self.permissions = permissions & 0o7777
        self.owner = owner
        self.group = group
        let now = Timestamp.now()
        accessTime = now
        modifyTime = now
        changeTime = now
    }

    /// st_mode: type and permission bits.
    public var mode: UInt32 { kind.modeBits | permissions }
    /// st_size.
    open var size: UInt64 { 0 }
    /// st_blocks (512-byte units actually allocated).
    open var allocatedBlocks: UInt64 { 0 }
    /// st_rdev for device nodes.
    open var representedDevice: UInt64 { 0 }

    public var isDirectory: Bool { kind == .directory }

    /// Records a change of the inode's metadata (ctime).
    public func touchChange() { changeTime = Timestamp.now() }
    /// Records a change of the contents (mtime and ctime).
    public func touchModify() {
        let now = Timestamp.now()
        modifyTime = now
        changeTime = now
    }
}

/// A regular file's contents are a memory object, so reads, writes and mappings share pages.
open class RegularFileInode: Inode {
    /// Internal: other modules reach a file's pages through a handle (FileHandle.memoryObject).
    let contents: MemoryObject

    /// `budget`: the file system's page budget its pages count against (nil: none).
    init(number: UInt64, deviceNumber: UInt64, permissions: UInt32, owner: UInt32, group: UInt32, budget: PageBudget?) {
        contents = MemoryObject(budget: budget)
        super.init(number: number, deviceNumber: deviceNumber, kind: .regular, permissions: permissions, owner: owner, group: group)
    }

    public convenience init(number: UInt64, deviceNumber: UInt64, permissions: UInt32, owner: UInt32, group: UInt32) {
        self.init(number: number, deviceNumber: deviceNumber, permissions: permissions, owner: owner, group: group, budget: nil)
    }

    open override var size: UInt64 { contents.size }
    open override var allocatedBlocks: UInt64 { UInt64(contents.residentPageCount) * 8 }
}

/// A symbolic link. Synthetic file systems (procfs) override `target` to compute it when read,
/// and `jumpTarget` for Linux's "magic links" (proc(5): /proc/PID/exe, cwd, fd/N): following one
/// goes straight to the inode it stands for, whatever its name now is, instead of resolving the
/// text that readlink(2) shows.
open class SymlinkInode: Inode {
    let storedTarget: [UInt8]

    public init(number: UInt64, deviceNumber: UInt64, target: [UInt8], owner: UInt32, group: UInt32) {
        self.storedTarget = target
        super.init(number: number, deviceNumber: deviceNumber, kind: .symlink, permissions: 0o777, owner: owner, group: group)
    }

    /// What readlink(2) returns, and what path resolution follows unless `jumpTarget` is set.
    open var target: [UInt8] { storedTarget }
    /// For a magic link: the inode that following the link reaches (nil: follow `target`).
    open var jumpTarget: Inode? { nil }

    open override var size: UInt64 { UInt64(target.count) }
}

/// A device node: opening it opens the device registered for its number.
open class DeviceInode: Inode {
    public let device: UInt64

    public init(number: UInt64, deviceNumber: UInt64, kind: InodeKind, device: UInt64, permissions: UInt32, owner: UInt32, group: UInt32) {
        self.device = device
        super.init(number: number, deviceNumber: deviceNumber, kind: kind, permissions: permissions, owner: owner, group: group)
    }

    open override var representedDevice: UInt64 { device }
}

/// Linux's encoding of device numbers in dev_t (new_encode_dev).
public func makeDeviceNumber(major: UInt32, minor: UInt32) -> UInt64 {
    let major = UInt64(major)
    let minor = UInt64(minor)
    return (minor & 0xFF) | ((major & 0xFFF) << 8) | ((minor & ~0xFF) << 12) | ((major & ~0xFFF) << 32)
}
