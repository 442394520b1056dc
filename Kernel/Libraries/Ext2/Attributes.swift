// Inode attributes (what stat(2) reports), their changes (chmod, chown, utimensat, truncate),
// readlink, and statfs. The VFS decides which changes are allowed (permission and ownership
// rules, clearing setuid/setgid on chown or write) and which times to set; this layer stores
// exactly what it is given.

import LinuxABI

/// An inode's attributes, as stat reports them.
public struct Ext2Attributes: Equatable, Sendable {
    public let inode: UInt32
    public let type: FileType
    /// The permission and set-id bits (07777).
    public let permissions: UInt16
    public let linkCount: UInt16
    public let userID: UInt32
    public let groupID: UInt32
    public let size: UInt64
    /// st_blocks: 512-byte sectors held (indirect and extended-attribute blocks included).
    public let sectors: UInt64
    public let accessTime: Timespec
    public let modificationTime: Timespec
    public let changeTime: Timespec
    /// Creation time (statx's btime), present in large inodes only.
    public let creationTime: Timespec?
    /// For character and block devices.
    public let device: Ext2DeviceNumber?
    /// i_flags (EXT2_IMMUTABLE_FL 0x10, EXT2_APPEND_FL 0x20, ...) for the VFS to enforce.
    public let flags: UInt32
    public let generation: UInt32

    /// st_mode: type and permission bits.
    public var mode: UInt32 { type.rawValue | UInt32(permissions) }
}

/// Changes to apply; nil fields stay as they are.
public struct Ext2AttributeChange: Sendable {
    public var permissions: UInt16?
    public var userID: UInt32?
    public var groupID: UInt32?
    /// A new size (regular files): truncates or extends with a hole.
    public var size: UInt64?
    public var accessTime: Timespec?
    public var modificationTime: Timespec?
    public var changeTime: Timespec?

    public init(permissions: UInt16? = nil, userID: UInt32? = nil, groupID: UInt32? = nil, size: UInt64? = nil,
                accessTime: Timespec? = nil, modificationTime: Timespec? = nil, changeTime: Timespec? = nil) {
        self.permissions = permissions
        self.userID = userID
        self.groupID = groupID
        self.size = size
        self.accessTime = accessTime
        self.modificationTime = modificationTime
        self.changeTime = changeTime
    }
}

/// statfs(2)'s numbers for the file system.
public struct Ext2Statistics: Equatable, Sendable {
    public let blockSize: Int
    /// f_blocks: data blocks (the block count less the groups' metadata, as Linux's ext2 reports).
    public let blocks: UInt64
    public let freeBlocks: UInt64
    /// f_bavail: free blocks less the ones reserved for root.
    public let availableBlocks: UInt64
    public let inodes: UInt64
    public let freeInodes: UInt64
    public let maximumNameLength: Int
    /// f_fsid, from the UUID as Linux folds it.
    public let fileSystemID: UInt64
}

extension Ext2FileSystem {
    public func attributes(of number: UInt32) throws(Errno) -> Ext2Attributes {
        guard isMounted else { throw .EIO }
        let inode = try loadInode(number)
        guard let type = inode.fileType else { throw .EUCLEAN }
        var device: Ext2DeviceNumber?
        if type == .S_IFCHR || type == .S_IFBLK {
            let old = inode.blockPointer(0)
            if old != 0 {
                device = Ext2DeviceNumber(major: (old >> 8) & 0xFF, minor: old & 0xFF)
            } else {
                let new = inode.blockPointer(1)
                device = Ext2DeviceNumber(major: (new & 0xFFF00) >> 8, minor: (new & 0xFF) | ((new >> 12) & 0xFFF00))
            }
        }
        var sectors = UInt64(inode.sectors)
        if superblock.hasReadOnlyCompatible(Ext2Features.hugeFile) {
            sectors |= UInt64(inode.sectorsHigh) << 32
            if inode.flags & DiskInode.hugeFileFlag != 0 { sectors *= geometry.sectorsPerBlock }
        }
        let zero = Timespec(seconds: 0, nanoseconds: 0)
        return Ext2Attributes(inode: number, type: type, permissions: inode.permissions, linkCount: inode.linksCount,
                              userID: inode.uid, groupID: inode.gid, size: inode.size, sectors: sectors,
                              accessTime: inode.time(.access) ?? zero, modificationTime: inode.time(.modification) ?? zero,
                              changeTime: inode.time(.change) ?? zero, creationTime: inode.time(.creation),
                              device: device, flags: inode.flags, generation: inode.generation)
    }

    /// Applies `change` to inode `number`. A size change is for regular files only (EISDIR for a
    /// directory, EINVAL otherwise) and EFBIG past s_maxbytes.
    public func setAttributes(of number: UInt32, _ change: Ext2AttributeChange) throws(Errno) {
        try requireWritable()
        var inode = try loadInode(number)
        if let size = change.size, size != inode.size {
            switch inode.fileType {
            case .S_IFREG: break
            case .S_IFDIR: throw .EISDIR
            default: throw .EINVAL
            }
            guard size <= fileSizeLimit else { throw .EFBIG }
            try noteLargeFile(size: size)
        }
        if let permissions = change.permissions { inode.mode = (inode.mode & 0o170000) | (permissions & 0o7777) }
        if let userID = change.userID { inode.uid = userID }
        if let groupID = change.groupID { inode.gid = groupID }
        if let time = change.accessTime { inode.setTime(.access, time) }
        if let time = change.modificationTime { inode.setTime(.modification, time) }
        if let time = change.changeTime { inode.setTime(.change, time) }
        if let size = change.size, size != inode.size {
            try truncate(&inode, number: number, to: size)
        } else {
            try storeInode(number, inode)
        }
    }

    /// readlink: the target of symbolic link `number` (EINVAL if it is not one).
    public func readSymbolicLink(_ number: UInt32) throws(Errno) -> [UInt8] {
        guard isMounted else { throw .EIO }
        let inode = try loadInode(number)
        guard inode.fileType == .S_IFLNK else { throw .EINVAL }
        let length = Int(inode.size)
        if isFastSymbolicLink(inode) {
            guard length < DiskInode.blockArraySize else { throw corruption("fast symbolic link too long", inode: number) }
            return Array(inode.blockArrayBytes.prefix(length))
        }
        let block = try mappedBlock(inode, number: number, fileBlock: 0)
        guard block != 0 else { throw corruption("symbolic link without its block", inode: number) }
        return Array(try readBlock(block).prefix(length))
    }

    public func statistics() throws(Errno) -> Ext2Statistics {
        guard isMounted else { throw .EIO }
        // Overhead: everything before the first data block, each group's superblock area
        // (without the reserved descriptor blocks, which count as used), bitmaps, inode table.
        var overhead = UInt64(geometry.firstDataBlock)
        for group in 0..<geometry.groupCount {
            let area = geometry.hasSuperblockBackup(group: group) ? 1 + UInt64(geometry.descriptorTableBlocks) : 0
            overhead += area + 2 + UInt64(geometry.inodeTableBlocks)
        }
        let total = UInt64(geometry.blocksCount)
        let free = UInt64(freeBlocksTotal)
        let reserved = UInt64(superblock.reservedBlocksCount)
        let uuid = superblock.uuid
        var words: [UInt32] = []
        for index in 0..<4 { words.append(uuid.le32(at: index * 4)) }
        let fsid = UInt64(words[0] ^ words[2]) | UInt64(words[1] ^ words[3]) << 32
        return Ext2Statistics(blockSize: geometry.blockSize, blocks: total > overhead ? total - overhead : 0,
                              freeBlocks: free, availableBlocks: free > reserved ? free - reserved : 0,
                              inodes: UInt64(geometry.inodesCount), freeInodes: UInt64(freeInodesTotal),
                              maximumNameLength: Ext2FileSystem.maximumNameLength, fileSystemID: fsid)
    }
}
