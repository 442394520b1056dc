// Making names: regular files, device nodes, FIFOs and sockets (mknod), directories, symbolic
// links (fast ones keep the target in i_block, up to 59 bytes; longer ones, up to a block less
// one byte, get a block), and hard links.
//
// Order, so a failure leaves nothing behind: check the name is free and find room for the entry,
// allocate and write the new inode (and its first block), then add the entry; if adding fails
// (the directory had to grow and the disk is full) the new inode is freed again. The VFS checks
// permissions and applies the umask; this layer applies inode_init_owner's rule for set-group-ID
// directories (the new inode takes the directory's group; a new directory inherits S_ISGID).

import LinuxABI

/// A device number as Linux's dev_t splits it: 12-bit major, 20-bit minor.
public struct Ext2DeviceNumber: Equatable, Sendable {
    public var major: UInt32
    public var minor: UInt32

    public init(major: UInt32, minor: UInt32) {
        self.major = major
        self.minor = minor
    }
}

extension Ext2FileSystem {
    /// Creates a regular file `name` in `directory`.
    public func createFile(_ name: [UInt8], in directory: UInt32, permissions: UInt16, caller: Caller) throws(Errno) -> UInt32 {
        try createInode(name, in: directory, type: .S_IFREG, permissions: permissions, caller: caller) { _, _ throws(Errno) in }
    }

    /// mknod: a device node, FIFO, socket or regular file. `device` is used for character and
    /// block devices only.
    public func makeNode(_ name: [UInt8], in directory: UInt32, type: FileType, permissions: UInt16,
                         device: Ext2DeviceNumber, caller: Caller) throws(Errno) -> UInt32 {
        switch type {
        case .S_IFDIR, .S_IFLNK: throw .EINVAL
        case .S_IFCHR, .S_IFBLK:
            guard device.major < 1 << 12, device.minor < 1 << 20 else { throw .EINVAL }
        case .S_IFREG, .S_IFIFO, .S_IFSOCK: break
        }
        return try createInode(name, in: directory, type: type, permissions: permissions, caller: caller) { inode, _ throws(Errno) in
            guard type == .S_IFCHR || type == .S_IFBLK else { return }
            if device.major < 256 && device.minor < 256 {
                inode.setBlockPointer(0, device.major << 8 | device.minor)
            } else {
                inode.setBlockPointer(1, (device.minor & 0xFF) | device.major << 8 | (device.minor & ~0xFF) << 12)
            }
        }
    }

    /// mkdir: a directory with "." and "..". EMLINK if `directory` already has the most links.
    public func makeDirectory(_ name: [UInt8], in directory: UInt32, permissions: UInt16, caller: Caller) throws(Errno) -> UInt32 {
        try requireWritable()
        guard try loadDirectory(directory).linksCount < Ext2FileSystem.maximumLinks else { throw .EMLINK }
        return try createInode(name, in: directory, type: .S_IFDIR, permissions: permissions, caller: caller) { inode, number throws(Errno) in
            let mapping = try mapAllocating(&inode, number: number, fileBlock: 0, reservedBlocks: caller.reservedBlocks)
            let dotType: UInt8 = recordsFileType ? DirectoryTypeCode.code(for: .S_IFDIR) : 0
            var block = [UInt8](repeating: 0, count: geometry.blockSize)
            DirectoryBlock.writeRecord(into: &block, offset: 0, inode: number, recordLength: 12, name: [0x2E], typeCode: dotType)
            DirectoryBlock.writeRecord(into: &block, offset: 12, inode: directory, recordLength: geometry.blockSize - 12,
                                       name: [0x2E, 0x2E], typeCode: dotType)
            try writeBlock(UInt32(truncatingIfNeeded: mapping.diskBlock), block)
            inode.size = UInt64(geometry.blockSize)
        }
    }

    /// symlink: `name` → `target` (1 to blockSize - 1 bytes; ENAMETOOLONG beyond, ENOENT empty).
    public func makeSymbolicLink(_ name: [UInt8], in directory: UInt32, target: [UInt8], caller: Caller) throws(Errno) -> UInt32 {
        guard !target.isEmpty else { throw .ENOENT }
        guard target.count < geometry.blockSize else { throw .ENAMETOOLONG }
        return try createInode(name, in: directory, type: .S_IFLNK, permissions: 0o777, caller: caller) { inode, number throws(Errno) in
            if target.count < DiskInode.blockArraySize {
                inode.blockArrayBytes = target
            } else {
                let mapping = try mapAllocating(&inode, number: number, fileBlock: 0, reservedBlocks: caller.reservedBlocks)
                var block = [UInt8](repeating: 0, count: geometry.blockSize)
                block.setBytes(target, at: 0)
                try writeBlock(UInt32(truncatingIfNeeded: mapping.diskBlock), block)
            }
            inode.size = UInt64(target.count)
        }
    }

    /// link: a new name for `inode` (not a directory: EPERM) in `directory`. EMLINK at the link
    /// maximum, ENOENT if the inode has no links left (unlinked while open).
    public func link(_ number: UInt32, as name: [UInt8], in directory: UInt32, caller: Caller) throws(Errno) {
        try requireWritable()
        try checkNewName(name)
        var parent = try loadDirectory(directory)
        guard parent.linksCount > 0 else { throw .ENOENT }
        var inode = try loadInode(number)
        guard let type = inode.fileType, type != .S_IFDIR else { throw .EPERM }
        guard inode.linksCount > 0 else { throw .ENOENT }
        guard inode.linksCount < Ext2FileSystem.maximumLinks else { throw .EMLINK }
        let plan = try planInsertion(name, in: parent, number: directory)
        try insertEntry(name, target: number, type: type, into: &parent, number: directory, plan: plan,
                        reservedBlocks: caller.reservedBlocks)
        let now = clock.now()
        parent.setModified(now)
        try storeInode(directory, parent)
        inode.linksCount += 1
        inode.setTime(.change, now)
        try storeInode(number, inode)
    }

    /// The shared path of every create: see the file comment. `initialise` fills in what the
    /// type needs (blocks, size, device number) before the inode is first stored.
    func createInode(_ name: [UInt8], in directory: UInt32, type: FileType, permissions: UInt16, caller: Caller,
                     _ initialise: (inout DiskInode, UInt32) throws(Errno) -> Void) throws(Errno) -> UInt32 {
        try requireWritable()
        try checkNewName(name)
        var parent = try loadDirectory(directory)
        guard parent.linksCount > 0 else { throw .ENOENT }
        let plan = try planInsertion(name, in: parent, number: directory)

        let number = try allocateFreshInode(parent: directory, type: type)
        let now = clock.now()
        var inode = DiskInode(zeroedSize: geometry.inodeSize)
        if geometry.inodeSize > DiskInode.baseSize {
            let room = geometry.inodeSize - DiskInode.baseSize
            let wanted = Int(superblock.wantedExtraInodeSize)
            inode.extraSize = wanted >= 4 && wanted <= room && wanted % 4 == 0 ? wanted : min(32, room)
        }
        var mode = UInt16(truncatingIfNeeded: type.rawValue) | (permissions & 0o7777)
        var group = caller.groupID
        if parent.mode & 0o2000 != 0 {
            group = parent.gid
            if type == .S_IFDIR { mode |= 0o2000 }
        }
        inode.mode = mode
        inode.uid = caller.userID
        inode.gid = group
        inode.linksCount = type == .S_IFDIR ? 2 : 1
        for field in [DiskInode.TimeField.access, .change, .modification, .creation] { inode.setTime(field, now) }
        nextGeneration &+= 1
        inode.generation = nextGeneration
        do throws(Errno) {
            try initialise(&inode, number)
            try storeInode(number, inode)
            try insertEntry(name, target: number, type: type, into: &parent, number: directory, plan: plan,
                            reservedBlocks: caller.reservedBlocks)
        } catch {
            try? discardInode(&inode, number: number)
            throw error
        }
        if type == .S_IFDIR && parent.linksCount < UInt16.max { parent.linksCount += 1 }
        parent.setModified(now)
        try storeInode(directory, parent)
        return number
    }

    /// An inode whose bitmap bit was clear. A record that still has links is in use despite its
    /// bitmap (now set, which is right); it is reported and another is taken.
    private func allocateFreshInode(parent: UInt32, type: FileType) throws(Errno) -> UInt32 {
        var attempts = 0
        while attempts < 8 {
            let number = try allocateInode(parent: parent, type: type)
            let record = try loadRawInode(number)
            if record.linksCount == 0 { return number }
            _ = corruption("inode bitmap marks a linked inode free", inode: number)
            attempts += 1
        }
        throw .EUCLEAN
    }
}
