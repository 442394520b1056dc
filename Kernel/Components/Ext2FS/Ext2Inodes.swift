// The VFS classes for ext2 inodes other than regular files (Ext2File.swift): directories, whose
// namespace operations call the library at once; symbolic links, device nodes, sockets and FIFOs,
// which are attributes only. Each notes attribute changes with its volume and reports the
// volume's statfs counts and write-back.

import Ext2
import FileSystem
import Framework
import LinuxABI

final class Ext2Directory: DirectoryInode {
    let volume: Ext2Volume
    /// i_size and i_blocks (512-byte sectors) as last loaded.
    var diskSize: UInt64 = 0
    var sectors: UInt64 = 0

    init(volume: Ext2Volume, number: UInt32) {
        self.volume = volume
        super.init(number: UInt64(number), deviceNumber: volume.deviceNumber, kind: .directory, permissions: 0, owner: 0, group: 0)
    }

    var inodeNumber: UInt32 { UInt32(truncatingIfNeeded: number) }
    var fileSystem: Ext2FileSystem { volume.fileSystem }

    override var size: UInt64 { diskSize }
    override var allocatedBlocks: UInt64 { sectors }
    override func attributesDidChange() { volume.noteAttributesChanged(self) }
    override func synchronize() throws(Errno) { try volume.sync() }
    override var storageCounts: StorageCounts? { try? volume.statistics() }

    // MARK: Reading

    override var lookupCaching: LookupCaching { .cached }

    override func lookup(_ name: [UInt8]) -> Inode? {
        try? volume.lock.locked { () throws(Errno) -> Inode in
            let number = try volume.checked { () throws(Errno) in try fileSystem.lookup(name, in: inodeNumber) }
            return try volume.instantiate(number, parent: self)
        }
    }

    /// The entries after position `cookie`: an entry's position is its byte offset in the
    /// directory plus 3 (positions 1 and 2 are the VFS's "." and "..").
    override func entries(after cookie: UInt64) -> [DirectoryEntry] {
        let start = cookie >= 3 ? cookie - 3 + 1 : 0
        var result: [DirectoryEntry] = []
        _ = try? volume.lock.locked { () throws(Errno) -> UInt64 in
            try volume.checked { () throws(Errno) -> UInt64 in
                try fileSystem.readDirectory(inodeNumber, from: start) { entry in
                    if entry.name != [0x2E] && entry.name != [0x2E, 0x2E] {
                        let kind = entry.type.flatMap { InodeKind(modeBits: $0.rawValue) }
                        result.append(DirectoryEntry(name: entry.name, inodeNumber: UInt64(entry.inode),
                                                     type: kind?.directoryEntryType ?? 0, position: entry.offset + 3))
                    }
                    return .taken
                }
            }
        }
        return result
    }

    override var entryCount: Int { entries(after: 0).count }

    // MARK: Namespace operations

    override func create(_ name: [UInt8], _ node: NewNode, permissions: UInt32, owner: UInt32, group: UInt32) throws(Errno) -> Inode {
        try volume.lock.locked { () throws(Errno) -> Inode in
            try volume.storeAttributes(of: [self])
            let caller = volume.caller(owner: owner, group: group)
            let bits = UInt16(truncatingIfNeeded: permissions & 0o7777)
            let number = try volume.checked { () throws(Errno) -> UInt32 in
                switch node {
                case .file:
                    return try fileSystem.createFile(name, in: inodeNumber, permissions: bits, caller: caller)
                case .directory:
                    return try fileSystem.makeDirectory(name, in: inodeNumber, permissions: bits, caller: caller)
                case .symlink(let target):
                    return try fileSystem.makeSymbolicLink(name, in: inodeNumber, target: target, caller: caller)
                case .fifo:
                    return try fileSystem.makeNode(name, in: inodeNumber, type: .S_IFIFO, permissions: bits,
                                                   device: Ext2DeviceNumber(major: 0, minor: 0), caller: caller)
                case .device(let kind, let device):
                    let type: FileType
                    switch kind {
                    case .characterDevice: type = .S_IFCHR
                    case .blockDevice: type = .S_IFBLK
                    case .socket: type = .S_IFSOCK
                    default: throw .EINVAL
                    }
                    return try fileSystem.makeNode(name, in: inodeNumber, type: type, permissions: bits,
                                                   device: Ext2DeviceNumber(deviceNumber: device), caller: caller)
                }
            }
            try volume.reload([self])
            return try volume.instantiate(number, parent: self)
        }
    }

    override func link(_ inode: Inode, as name: [UInt8]) throws(Errno) {
        try volume.lock.locked { () throws(Errno) in
            try volume.storeAttributes(of: [self, inode])
            try volume.checked { () throws(Errno) in
                try fileSystem.link(UInt32(truncatingIfNeeded: inode.number), as: name, in: inodeNumber,
                                    caller: volume.caller(owner: inode.owner, group: inode.group))
            }
            try volume.reload([self, inode])
        }
    }

    override func unlink(_ name: [UInt8], victim: Inode) throws(Errno) {
        try volume.lock.locked { () throws(Errno) in
            try volume.storeAttributes(of: [self, victim])
            _ = try volume.checked { () throws(Errno) in try fileSystem.unlink(name, in: inodeNumber) }
            try volume.reload([self, victim])
            volume.sweep()
        }
    }

    override func removeDirectory(_ name: [UInt8], victim: DirectoryInode) throws(Errno) {
        try volume.lock.locked { () throws(Errno) in
            try volume.storeAttributes(of: [self, victim])
            _ = try volume.checked { () throws(Errno) in try fileSystem.removeDirectory(name, in: inodeNumber) }
            try volume.reload([self, victim])
            volume.sweep()
        }
    }

    override func rename(_ name: [UInt8], _ moving: Inode, to target: DirectoryInode, as newName: [UInt8],
                         replacing replaced: Inode?) throws(Errno) {
        guard let destination = target as? Ext2Directory, destination.volume === volume else { throw .EXDEV }
        try volume.lock.locked { () throws(Errno) in
            try volume.storeAttributes(of: [self, moving, destination] + (replaced.map { [$0] } ?? []))
            _ = try volume.checked { () throws(Errno) in
                try fileSystem.rename(name, in: inodeNumber, to: newName, in: destination.inodeNumber, mode: .replace,
                                      caller: volume.caller(owner: moving.owner, group: moving.group))
            }
            if let directory = moving as? DirectoryInode { directory.attach(under: destination) }
            var touched: [Inode] = [self, moving]
            if destination !== self { touched.append(destination) }
            if let replaced { touched.append(replaced) }
            try volume.reload(touched)
            volume.sweep()
        }
    }

    /// Linux's ext2 has no RENAME_EXCHANGE either.
    override func exchange(_ name: [UInt8], _ inode: Inode, with other: DirectoryInode, _ otherName: [UInt8],
                           _ otherInode: Inode) throws(Errno) {
        throw .EINVAL
    }
}

final class Ext2Symlink: SymlinkInode {
    let volume: Ext2Volume
    var sectors: UInt64 = 0

    init(volume: Ext2Volume, number: UInt32, target: [UInt8]) {
        self.volume = volume
        super.init(number: UInt64(number), deviceNumber: volume.deviceNumber, target: target, owner: 0, group: 0)
    }

    override var allocatedBlocks: UInt64 { sectors }
    override func attributesDidChange() { volume.noteAttributesChanged(self) }
    override func synchronize() throws(Errno) { try volume.sync() }
    override var storageCounts: StorageCounts? { try? volume.statistics() }
}

/// Character and block device nodes, and sockets (device 0).
final class Ext2Device: DeviceInode {
    let volume: Ext2Volume

    init(volume: Ext2Volume, number: UInt32, kind: InodeKind, device: UInt64) {
        self.volume = volume
        super.init(number: UInt64(number), deviceNumber: volume.deviceNumber, kind: kind, device: device, permissions: 0, owner: 0, group: 0)
    }

    override func attributesDidChange() { volume.noteAttributesChanged(self) }
    override func synchronize() throws(Errno) { try volume.sync() }
    override var storageCounts: StorageCounts? { try? volume.statistics() }
}

final class Ext2Fifo: FifoInode {
    let volume: Ext2Volume

    init(volume: Ext2Volume, number: UInt32) {
        self.volume = volume
        super.init(number: UInt64(number), deviceNumber: volume.deviceNumber, permissions: 0, owner: 0, group: 0)
    }

    override func attributesDidChange() { volume.noteAttributesChanged(self) }
    override func synchronize() throws(Errno) { try volume.sync() }
    override var storageCounts: StorageCounts? { try? volume.statistics() }
}

extension Ext2DeviceNumber {
    /// From a dev_t in Linux's encoding (new_decode_dev).
    init(deviceNumber: UInt64) {
        let major = UInt32(truncatingIfNeeded: ((deviceNumber >> 8) & 0xFFF) | ((deviceNumber >> 32) & ~UInt64(0xFFF)))
        let minor = UInt32(truncatingIfNeeded: (deviceNumber & 0xFF) | ((deviceNumber >> 12) & ~UInt64(0xFF)))
        self.init(major: major, minor: minor)
    }
}
