// Inodes: what a name in the tree refers to. A class hierarchy (Embedded Swift dispatches through
// class vtables): `Inode` holds the attributes every file has; `DirectoryInode`,
// `RegularFileInode`, `SymlinkInode` and `DeviceInode` add what their kind does. The in-memory
// file system (RamFS.swift) provides the concrete classes.

import Capabilities
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
    public var permissions: UInt32 { didSet { attributesDidChange() } }
    public var owner: UInt32 { didSet { attributesDidChange() } }
    public var group: UInt32 { didSet { attributesDidChange() } }
    public var linkCount: UInt32 = 1
    /// Open file descriptions of this inode (O_PATH ones included). A disk file system frees an
    /// unlinked inode when this drops to 0, and refuses to unmount while any is open.
    public internal(set) var openFileCount = 0
    public var accessTime: Timestamp { didSet { attributesDidChange() } }
    public var modifyTime: Timestamp { didSet { attributesDidChange() } }
    public var changeTime: Timestamp { didSet { attributesDidChange() } }
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

    /// Called after chmod, chown, utimensat or a time update changed a field above (not during
    /// init): a disk file system marks the inode for write-back. In-memory ones ignore it.
    open func attributesDidChange() {}
    /// fsync/fdatasync/syncfs: writes back what a disk file system holds for this inode and
    /// flushes the device. In-memory file systems have nothing to write.
    open func synchronize() throws(Errno) {}
    /// statfs's block and inode counts, for a file system that has them (nil: none, as ramfs).
    open var storageCounts: StorageCounts? { nil }

    /// Records a change of the inode's metadata (ctime).
    public func touchChange() { changeTime = Timestamp.now() }
    /// Records a change of the contents (mtime and ctime).
    public func touchModify() {
        let now = Timestamp.now()
        modifyTime = now
        changeTime = now
    }
}

/// How read(2)/write(2) use a range of a file's contents (`RegularFileInode.accessContents`).
public enum ContentAccess: Sendable, Equatable {
    case read
    case write
    /// A write at the end of the file, wherever that is once the file is locked (O_APPEND).
    case append
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

    /// A file whose pages count against no budget (a disk file system's: its pages are a cache).
    public init(number: UInt64, deviceNumber: UInt64, permissions: UInt32, owner: UInt32, group: UInt32) {
        contents = MemoryObject(budget: nil)
        super.init(number: number, deviceNumber: deviceNumber, kind: .regular, permissions: permissions, owner: owner, group: group)
    }

    /// Called before `contents` is mapped or read whole (exec): a disk file system fills the
    /// memory object from the device here and keeps it resident from then on (in-memory files
    /// have nothing to load).
    open func prepareContents() throws(Errno) {}

    /// read(2)/write(2): runs `transfer(position, bufferOffset, length)` over the bytes
    /// `count` bytes from `offset` (for `.append`, from the end of the file), where `transfer`
    /// moves bytes between the caller's buffer at `bufferOffset` and `contents` at `position`
    /// and returns how many it moved. In-memory files run it once; a disk file system loads
    /// the pages the range needs first (and reads ahead), may make room by evicting other pages
    /// of its files, and may split the range (a short transfer ends it). Returns bytes moved.
    open func accessContents(at offset: UInt64, count: Int, for access: ContentAccess,
                             _ transfer: (_ position: UInt64, _ bufferOffset: Int, _ length: Int) throws(Errno) -> Int) throws(Errno) -> Int {
        try transfer(access == .append ? contents.size : offset, 0, count)
    }

    /// truncate(2)/ftruncate(2)/O_TRUNC: sets the size. A disk file system loads what it needs
    /// first (the page the new end falls in) and notes how far the file shrank, to free those
    /// blocks at write-back.
    open func resizeContents(to length: UInt64) throws(Errno) { contents.setSize(length) }

    /// The memory object itself, for the file system that stores this file (it loads and writes
    /// back the pages); everyone else goes through `FileHandle.memoryObject` and its rights.
    public final var storedContents: MemoryObjectHandle<MapReadWrite> { MemoryObjectHandle(object: contents) }

    open override var size: UInt64 { contents.size }
    open override var allocatedBlocks: UInt64 { UInt64(contents.residentPageCount) * 8 }
}

/// statfs(2)'s counts for a file system that has them (f_blocks, f_bfree, f_bavail, f_files,
/// f_ffree, f_bsize).
public struct StorageCounts: Sendable, Equatable {
    public var blockSize: Int64
    public var blocks: UInt64
    public var freeBlocks: UInt64
    public var availableBlocks: UInt64
    public var inodes: UInt64
    public var freeInodes: UInt64
    public var maximumNameLength: Int64

    public init(blockSize: Int64, blocks: UInt64, freeBlocks: UInt64, availableBlocks: UInt64, inodes: UInt64, freeInodes: UInt64,
                maximumNameLength: Int64) {
        self.blockSize = blockSize
        self.blocks = blocks
        self.freeBlocks = freeBlocks
        self.availableBlocks = availableBlocks
        self.inodes = inodes
        self.freeInodes = freeInodes
        self.maximumNameLength = maximumNameLength
    }
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
