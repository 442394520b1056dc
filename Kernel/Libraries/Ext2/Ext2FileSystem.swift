// Ext2: the second extended file system (revision 0 and 1, 1, 2 and 4 KiB blocks), read and
// write, over an abstract block device. Pure logic: no Framework, no unsafe code, host-tested
// against images made and checked by Debian's e2fsprogs (Tests/Host/Tests/Ext2Tests).
//
// Owns: the on-disk format (superblock, group descriptors, bitmaps, inodes, directory entries,
// indirect block trees) and every operation a VFS needs from a disk file system: lookup, readdir,
// read/write, truncate, create/mknod/mkdir/symlink/link, unlink/rmdir/rename, attributes, statfs,
// and the file-block-to-disk-block mapping a page cache reads and writes file data through.
// Does not own: caching (the kernel's page cache sits under `Ext2BlockDevice`), permission checks,
// the sticky bit, immutable/append-only enforcement, atime policy, setuid stripping, O_APPEND,
// path walking or the dentry cache (the VFS's jobs).
//
// Concurrency: an `Ext2FileSystem` is not thread-safe. The kernel holds one (sleeping) lock per
// mounted file system around every call, mapping calls included.
//
// Invariants kept by every writing operation: the block and inode bitmaps, the group descriptors'
// free counts and used-directory counts and the superblock's free counts agree; a block is
// allocated before anything points to it and is freed only after nothing does; every block number
// read from the disk is range-checked (and checked not to be a group's own metadata) before it is
// read, written or freed, so a corrupt image yields EUCLEAN for the one operation and never a
// trap or a write that spreads the damage. Link counts: a directory has 2 + its subdirectories.
//
// Inode life cycle (as Linux's ext2): unlink/rmdir/rename drop link counts but never free an
// inode; the kernel calls `evict(inode:)` when it drops its last in-memory reference (last close
// of an open-but-unlinked file), and that frees an inode whose link count is 0.
//
// With a page cache: regular-file data moves through `blockMapping(of:fileBlock:)` (nil is a
// hole: zeros) and `allocateBlock(of:fileBlock:caller:)` at write time (so ENOSPC and EFBIG reach
// write(2)), then `setAttributes` sets the size and times. Before a truncate the kernel drops its
// cached pages past the new size without writing them back (their blocks are about to be freed
// and reused) and zeroes the cached tail of the last page. Metadata and directory blocks are read
// and written through the device, never through a file's page cache; the byte-level
// `read`/`write` calls are for callers without a page cache and must not be mixed with one for
// the same file.

import LinuxABI

public final class Ext2FileSystem {
    public enum Access: Equatable, Sendable {
        case readWrite, readOnly
    }

    /// Who asks for an allocation: the owner of a new inode, and whether the blocks reserved for
    /// root (s_r_blocks_count) may be used (the VFS decides: root, CAP_SYS_RESOURCE or s_resuid).
    public struct Caller: Sendable {
        public var userID: UInt32
        public var groupID: UInt32
        public var reservedBlocks: ReservedBlockAccess

        public init(userID: UInt32, groupID: UInt32, reservedBlocks: ReservedBlockAccess) {
            self.userID = userID
            self.groupID = groupID
            self.reservedBlocks = reservedBlocks
        }
    }

    public enum ReservedBlockAccess: Sendable {
        case allowed, denied
    }

    /// The root directory's inode number.
    public static let rootInode: UInt32 = 2
    /// EXT2_LINK_MAX.
    public static let maximumLinks: UInt16 = 32000
    /// The longest name a directory entry holds.
    public static let maximumNameLength = 255

    let device: any Ext2BlockDevice
    let clock: any Ext2Clock
    let geometry: Geometry
    var superblock: Superblock
    var groups: [GroupDescriptor]
    /// Whether this mount writes; a corruption under errors=remount-ro turns it to read-only.
    public internal(set) var access: Access
    public let mountWarnings: [Ext2MountWarning]
    /// The errors= mount option, in place of the superblock's s_errors (nil: s_errors).
    public var errorBehaviourOverride: Ext2ErrorBehaviour?
    /// The last corruption an operation found (nil if none).
    public internal(set) var lastProblem: Ext2Problem?
    var isMounted = true
    /// s_state as it was when mounted (or remounted read-write): unmount writes it back (plus "errors" if any were found),
    /// so a file system that was not clean stays marked for e2fsck, as Linux does.
    var stateAtMount: UInt16
    /// Per-mount counter for i_generation of new inodes.
    var nextGeneration: UInt32
    /// Sums of the group descriptors' free counts (Linux keeps the same running totals; the
    /// superblock's copies are only refreshed when it is written).
    var freeBlocksTotal: UInt32
    var freeInodesTotal: UInt32
    /// s_maxbytes for regular files.
    let maximumFileSize: UInt64

    init(device: any Ext2BlockDevice, clock: any Ext2Clock, geometry: Geometry, superblock: Superblock,
         groups: [GroupDescriptor], access: Access, warnings: [Ext2MountWarning]) {
        self.device = device
        self.clock = clock
        self.geometry = geometry
        self.superblock = superblock
        self.groups = groups
        self.access = access
        self.mountWarnings = warnings
        self.stateAtMount = superblock.state
        self.nextGeneration = UInt32(truncatingIfNeeded: clock.now().seconds)
        var freeBlocks: UInt32 = 0
        var freeInodes: UInt32 = 0
        for group in groups {
            freeBlocks &+= UInt32(group.freeBlocksCount)
            freeInodes &+= UInt32(group.freeInodesCount)
        }
        freeBlocksTotal = freeBlocks
        freeInodesTotal = freeInodes
        maximumFileSize = geometry.maximumFileSize
    }

    /// The file system block size in bytes (1024, 2048 or 4096).
    public var blockSize: Int { geometry.blockSize }

    /// The largest size a regular file may have here (s_maxbytes; 2 GiB - 1 on revision 0).
    public var maximumRegularFileSize: UInt64 { fileSizeLimit }

    /// Whether directory entries record the file type (the filetype feature).
    var recordsFileType: Bool { superblock.hasIncompatible(Ext2Features.fileType) }

    // MARK: Mount state

    /// For a read-write mount, writes the superblock (free counts, write time) with the state
    /// it had at mount time: clean again if it was clean, and "has errors" if an operation found
    /// corruption. Calls after this throw EIO.
    public func unmount() throws(Errno) {
        guard isMounted else { return }
        if access == .readWrite {
            superblock.state = stateAtMount | (superblock.state & Superblock.stateErrors)
            try writeSuperblock()
        }
        isMounted = false
    }

    /// Writes the superblock's free counts and write time. Everything else is written through
    /// to the device by the operation that changed it; the kernel then flushes its own caches.
    public func sync() throws(Errno) {
        guard isMounted else { throw .EIO }
        guard access == .readWrite else { return }
        try writeSuperblock()
    }

    func writeSuperblock() throws(Errno) {
        superblock.freeBlocksCount = freeBlocksTotal
        superblock.freeInodesCount = freeInodesTotal
        superblock.writeTime = clock.now().superblockSeconds
        try device.write(at: Superblock.byteOffset, from: superblock.raw)
    }

    // MARK: Corruption

    /// Records a corruption and applies the superblock's error behaviour; returns EUCLEAN to throw.
    func corruption(_ reason: StaticString, inode: UInt32 = 0, block: UInt32 = 0) -> Errno {
        lastProblem = Ext2Problem(reason: reason, inode: inode, block: block)
        if access == .readWrite && isMounted && superblock.state & Superblock.stateErrors == 0 {
            superblock.state |= Superblock.stateErrors
            try? writeSuperblock()
        }
        // errors= or s_errors: continue, remount read-only, panic (read-only here: never panic).
        let behaviour = errorBehaviourOverride ?? Ext2ErrorBehaviour(superblockValue: superblock.errorBehaviour)
        if behaviour.stopsWrites { access = .readOnly }
        return .EUCLEAN
    }

    func requireWritable() throws(Errno) {
        guard isMounted else { throw .EIO }
        guard access == .readWrite else { throw .EROFS }
    }

    // MARK: Blocks

    /// Reads file system block `block` (checked against the block count).
    func readBlock(_ block: UInt32) throws(Errno) -> [UInt8] {
        guard isMounted else { throw .EIO }
        guard block < geometry.blocksCount else { throw corruption("block number past the end of the file system", block: block) }
        var buffer = [UInt8](repeating: 0, count: geometry.blockSize)
        try device.read(at: UInt64(block) * UInt64(geometry.blockSize), into: &buffer)
        return buffer
    }

    /// Writes file system block `block`; the caller has checked that it may be written.
    func writeBlock(_ block: UInt32, _ bytes: [UInt8]) throws(Errno) {
        try requireWritable()
        guard block < geometry.blocksCount, block > 0,
              bytes.count == geometry.blockSize else { throw corruption("write outside the file system", block: block) }
        try device.write(at: UInt64(block) * UInt64(geometry.blockSize), from: bytes)
    }

    /// Whether `block` is one of a group's own metadata blocks (superblock or descriptor-table
    /// copy, reserved descriptor blocks, bitmaps, inode table) or lies outside the data area.
    /// Such a block must never be file data, an indirect block or freed.
    func isSystemBlock(_ block: UInt32) -> Bool {
        guard let group = geometry.group(ofBlock: block), Int(group) < groups.count else { return true }
        let first = geometry.firstBlock(ofGroup: group)
        if block - first < geometry.superblockAreaBlocks(group: group) { return true }
        let descriptor = groups[Int(group)]
        if block == descriptor.blockBitmap || block == descriptor.inodeBitmap { return true }
        return block >= descriptor.inodeTable && block - descriptor.inodeTable < geometry.inodeTableBlocks
    }

    /// Checks a block number read from the disk (an inode's or indirect block's pointer) before it
    /// is used as a data or indirect block.
    func checkDataBlock(_ block: UInt32, inode: UInt32) throws(Errno) {
        if isSystemBlock(block) { throw corruption("block pointer outside the data area", inode: inode, block: block) }
    }
}
