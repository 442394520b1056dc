// mmap(2), munmap(2), mprotect(2), madvise(2), mincore(2), brk(2).
// File mappings go through the file's capability: the descriptor must have been opened for
// reading, and a shared writable mapping needs it opened for writing too; the region keeps the
// rights so a later mprotect cannot grant more (EACCES).

import Capabilities
import FileSystem
import Framework
import LinuxABI
import Memory
import Process
import Scheduling

enum MemoryCalls {
    static func permissions(_ protection: MemoryProtection) throws(Errno) -> PagePermissions {
        guard protection.subtracting([.PROT_READ, .PROT_WRITE, .PROT_EXEC, .PROT_SEM]).isEmpty else { throw .EINVAL }
        var permissions: PagePermissions = []
        if protection.contains(.PROT_READ) { permissions.insert(.read) }
        if protection.contains(.PROT_WRITE) { permissions.insert(.write) }
        if protection.contains(.PROT_EXEC) { permissions.insert(.execute) }
        return permissions
    }

    static func mmap(_ call: SystemCallContext) throws(Errno) -> Int {
        let hint = call.address(0)
        let length = call.raw(1)
        let protection = MemoryProtection(rawValue: call.int32(2))
        let flags = MapFlags(rawValue: call.int32(3))
        let offset = call.raw(5)
        guard let type = MappingType(rawValue: flags.rawValue & MapFlags.MAP_TYPE.rawValue),
              type == .MAP_SHARED || type == .MAP_PRIVATE || type == .MAP_SHARED_VALIDATE else { throw .EINVAL }
        if type == .MAP_SHARED_VALIDATE && !flags.subtracting(MapFlags.legacyMask.union([.MAP_SHARED_VALIDATE, .MAP_FIXED_NOREPLACE])).isEmpty {
            throw .EOPNOTSUPP
        }
        guard length > 0, offset & 0xFFF == 0 else { throw .EINVAL }
        let (rounded, overflow) = length.addingReportingOverflow(4095)
        guard !overflow, rounded & ~0xFFF <= MemoryLayout.userCeiling else { throw .ENOMEM }
        guard offset <= UInt64(Int64.max) - (rounded & ~0xFFF) else { throw .EOVERFLOW }
        let pagePermissions = try permissions(protection)
        let space = try currentSpace(call)
        var region: Region
        if flags.contains(.MAP_ANONYMOUS) {
            guard type == .MAP_SHARED || type == .MAP_PRIVATE else { throw .EINVAL }
            let sharing: RegionSharing = type == .MAP_PRIVATE ? .privateCopy : .shared
            let backing: RegionBacking = sharing == .shared
                ? .object(MappedObject(readWrite: makeSharedAnonymousMemory(size: rounded & ~0xFFF)), offset: 0) : .anonymous
            region = Region(permissions: pagePermissions, maximumRights: [.read, .write, .execute], sharing: sharing,
                            backing: backing, role: flags.contains(.MAP_GROWSDOWN) ? .stack : .ordinary)
        } else {
            let file = try call.file(4)
            region = try fileRegion(file, permissions: pagePermissions, shared: type != .MAP_PRIVATE, offset: offset,
                                    root: call.process.fileSystem.root)
        }
        let placement: AddressSpace.Placement
        if flags.contains(.MAP_FIXED_NOREPLACE) {
            placement = .fixedNoReplace(hint)
        } else if flags.contains(.MAP_FIXED) {
            placement = .fixedReplacing(hint)
        } else {
            placement = .anywhere(hint: hint)
        }
        let address = try space.map(length: length, placement: placement, region: region)
        if flags.contains(.MAP_POPULATE) && !flags.contains(.MAP_NONBLOCK) {
            // As Linux (mm_populate's result is ignored): the mapping stands even if memory ran
            // out while filling it; the rest is faulted in later. Failing here would return an
            // error for a mapping that stays, which the caller could never unmap.
            try? space.populate(from: address, to: address + (rounded & ~0xFFF), access: pagePermissions.contains(.write) ? .write : .read)
        }
        return Int(address)
    }

    /// The region for a file mapping, checked against the file's capability.
    static func fileRegion(_ file: OpenFile, permissions: PagePermissions, shared: Bool, offset: UInt64,
                           root: DirectoryInode) throws(Errno) -> Region {
        if file.isPathOnly { throw .EBADF }
        guard file.rights.admits(ReadOnly.self) else { throw .EACCES }
        let handle: FileHandle<MapReadOnly>
        do { handle = try file.handle(MapReadOnly.self) } catch { throw .ENODEV }
        guard let object = handle.memoryObject else { throw .ENODEV }
        var maximum: RightSet = [.read, .execute]
        var mapped = MappedObject(readOnly: object)
        if shared {
            // Dynamic → static: only a description opened for writing yields a writable handle.
            if let writable = try? file.handle(MapReadWrite.self).memoryObject {
                maximum.insert(.write)
                mapped = MappedObject(readWrite: writable)
            } else if permissions.contains(.write) {
                throw .EACCES
            }
        } else {
            maximum.insert(.write)
        }
        // A noexec mount (path_noexec): PROT_EXEC is EPERM, and mprotect may not add it later.
        if let inode = file.inode, !MountRestrictions.permitsExecution(inode) {
            if permissions.contains(.execute) { throw .EPERM }
            maximum.remove(.execute)
        }
        let origin = file.inode.map { inode in
            RegionOrigin(file: FileIdentity(of: inode), path: PathNames.path(of: file, root: root) ?? [], description: file)
        }
        return Region(permissions: permissions, maximumRights: maximum, sharing: shared ? .shared : .privateCopy,
                      backing: .object(mapped, offset: offset), origin: origin)
    }

    static func currentSpace(_ call: SystemCallContext) throws(Errno) -> AddressSpace {
        call.process.addressSpace
    }

    static func munmap(_ call: SystemCallContext) throws(Errno) -> Int {
        try currentSpace(call).unmap(address: call.address(0), length: call.raw(1))
        return 0
    }

    static func mprotect(_ call: SystemCallContext) throws(Errno) -> Int {
        let protection = MemoryProtection(rawValue: call.int32(2))
        guard protection.subtracting([.PROT_READ, .PROT_WRITE, .PROT_EXEC, .PROT_SEM, .PROT_GROWSDOWN, .PROT_GROWSUP]).isEmpty,
              !(protection.contains(.PROT_GROWSDOWN) && protection.contains(.PROT_GROWSUP)) else { throw .EINVAL }
        let pagePermissions = try permissions(protection.subtracting([.PROT_GROWSDOWN, .PROT_GROWSUP]))
        try currentSpace(call).protect(address: call.address(0), length: call.raw(1), permissions: pagePermissions)
        return 0
    }

    static func madvise(_ call: SystemCallContext) throws(Errno) -> Int {
        let range = try AddressSpace.adviceRange(address: call.address(0), length: call.raw(1))
        guard let advice = MemoryAdvice(rawValue: call.int32(2)) else { throw .EINVAL }
        if range.isEmpty { return 0 }
        let space = try currentSpace(call)
        switch advice {
        case .MADV_DONTNEED, .MADV_FREE, .MADV_DONTNEED_LOCKED:
            try space.discard(range)
        case .MADV_NORMAL, .MADV_RANDOM, .MADV_SEQUENTIAL, .MADV_WILLNEED, .MADV_DONTFORK, .MADV_DOFORK, .MADV_MERGEABLE,
             .MADV_UNMERGEABLE, .MADV_HUGEPAGE, .MADV_NOHUGEPAGE, .MADV_DONTDUMP, .MADV_DODUMP, .MADV_COLD, .MADV_PAGEOUT,
             .MADV_KEEPONFORK, .MADV_WIPEONFORK, .MADV_COLLAPSE:
            // Hints with no effect on semantics here; the range must still be mapped.
            try space.requireMapped(range)
        case .MADV_POPULATE_READ, .MADV_POPULATE_WRITE:
            try space.requireMapped(range)
            try space.populate(from: range.lowerBound, to: range.upperBound, access: advice == .MADV_POPULATE_WRITE ? .write : .read)
        case .MADV_REMOVE, .MADV_HWPOISON, .MADV_SOFT_OFFLINE, .MADV_GUARD_INSTALL, .MADV_GUARD_REMOVE:
            throw .EINVAL
        }
        return 0
    }

    static func mincore(_ call: SystemCallContext) throws(Errno) -> Int {
        let range: Range<UInt64>
        do { range = try AddressSpace.adviceRange(address: call.address(0), length: call.raw(1)) } catch {
            throw call.address(0) & 0xFFF != 0 ? .EINVAL : .ENOMEM         // a wrapping range fails access_ok
        }
        guard range.upperBound <= MemoryLayout.userCeiling else { throw .ENOMEM }
        let space = try currentSpace(call)
        try space.requireMapped(range)
        // A piece at a time (as Linux's do_mincore): the vector is one byte per page of a range
        // the caller chose, up to terabytes of PROT_NONE reservation.
        let pieceBytes: UInt64 = 4096 * 4096
        var start = range.lowerBound
        while start < range.upperBound {
            let end = start + min(pieceBytes, range.upperBound - start)
            try call.copyOut(bytes: try space.residency(start..<end), toAddress: call.address(2) &+ (start - range.lowerBound) / 4096)
            start = end
        }
        return 0
    }

    /// msync(2): ramfs has nothing to write back; the arguments and the range are still checked.
    static func msync(_ call: SystemCallContext) throws(Errno) -> Int {
        let flags = call.int32(2)
        guard flags & ~7 == 0, flags & 5 != 5 else { throw .EINVAL }   // MS_ASYNC|MS_SYNC together
        let range: Range<UInt64>
        do { range = try AddressSpace.adviceRange(address: call.address(0), length: call.raw(1)) } catch {
            throw call.address(0) & 0xFFF != 0 ? .EINVAL : .ENOMEM
        }
        try currentSpace(call).requireMapped(range)
        return 0
    }

    static func brk(_ call: SystemCallContext) throws(Errno) -> Int {
        Int(try currentSpace(call).moveBreak(to: call.address(0)))
    }
}
