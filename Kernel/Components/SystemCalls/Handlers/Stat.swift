// stat(2), fstat(2), lstat(2), newfstatat(2), statx(2), statfs(2) and fstatfs(2).

import Capabilities
import FileSystem
import Framework
import LinuxABI
import Memory
import Process
import Scheduling

enum StatCalls {
    static let blockSize: Int64 = 4096

    static func stat(of inode: Inode) -> Stat {
        var result = Stat()
        result.device = inode.deviceNumber
        result.inode = inode.number
        result.linkCount = UInt64(inode.linkCount)
        result.mode = inode.mode
        result.uid = inode.owner
        result.gid = inode.group
        result.representedDevice = inode.representedDevice
        result.size = Int64(clamping: inode.size)
        result.blockSize = blockSize
        result.blocks512 = Int64(clamping: inode.allocatedBlocks)
        result.accessTime = Timespec(seconds: inode.accessTime.seconds, nanoseconds: inode.accessTime.nanoseconds)
        result.modificationTime = Timespec(seconds: inode.modifyTime.seconds, nanoseconds: inode.modifyTime.nanoseconds)
        result.changeTime = Timespec(seconds: inode.changeTime.seconds, nanoseconds: inode.changeTime.nanoseconds)
        return result
    }

    /// The inode an fstatat-style call names: `path` from `directory`, or the descriptor itself
    /// with AT_EMPTY_PATH and an empty path.
    static func target(_ call: SystemCallContext, directory: Int32, pathIndex: Int, flags: AtFlags) throws(Errno) -> Inode {
        let path = try call.pathAllowingEmpty(pathIndex)
        if path.isEmpty {
            guard flags.contains(.AT_EMPTY_PATH) else { throw .ENOENT }
            if directory == AtDirectory.AT_FDCWD { return call.process.fileSystem.workingDirectory }
            guard let inode = try call.process.files.file(directory).inode else { throw .EBADF }
            return inode
        }
        let start = try call.startDirectory(directory, for: path)
        return try PathResolver.resolve(path, from: start, context: call.pathContext,
                                        finalLink: flags.contains(.AT_SYMLINK_NOFOLLOW) ? .noFollow : .follow)
    }

    static func stat(_ call: SystemCallContext) throws(Errno) -> Int {
        let inode = try PathResolver.resolve(try call.path(0), from: call.process.fileSystem.workingDirectory,
                                             context: call.pathContext, finalLink: .follow)
        try call.copyOut(stat(of: inode), to: 1)
        return 0
    }

    static func statfs(_ call: SystemCallContext) throws(Errno) -> Int {
        let inode = try PathResolver.resolve(try call.path(0), from: call.process.fileSystem.workingDirectory,
                                             context: call.pathContext, finalLink: .follow)
        try call.copyOut(try fileSystemStatistics(of: inode), to: 1)
        return 0
    }

    static func fstatfs(_ call: SystemCallContext) throws(Errno) -> Int {
        guard let inode = try call.process.files.file(call.int32(0)).inode else { throw .EBADF }
        try call.copyOut(try fileSystemStatistics(of: inode), to: 1)
        return 0
    }

    static func fileSystemStatistics(of inode: Inode) throws(Errno) -> Statfs {
        guard let statistics = FileSystemTable.shared.statistics(of: inode) else {
            Log.warn("statfs: no file system claims inode \(inode.number) (device \(inode.deviceNumber)): ENOSYS")
            throw .ENOSYS
        }
        return statistics
    }

    static func lstat(_ call: SystemCallContext) throws(Errno) -> Int {
        let inode = try PathResolver.resolve(try call.path(0), from: call.process.fileSystem.workingDirectory,
                                             context: call.pathContext, finalLink: .noFollow)
        try call.copyOut(stat(of: inode), to: 1)
        return 0
    }

    static func fstat(_ call: SystemCallContext) throws(Errno) -> Int {
        let file = try call.file(0)
        guard let inode = file.inode else { throw .EBADF }
        try call.copyOut(stat(of: inode), to: 1)
        return 0
    }

    static func newfstatat(_ call: SystemCallContext) throws(Errno) -> Int {
        let flags = AtFlags(rawValue: call.int32(3))
        guard flags.subtracting([.AT_SYMLINK_NOFOLLOW, .AT_EMPTY_PATH, .AT_NO_AUTOMOUNT]).isEmpty else { throw .EINVAL }
        let inode = try target(call, directory: call.int32(0), pathIndex: 1, flags: flags)
        try call.copyOut(stat(of: inode), to: 2)
        return 0
    }

    static func statx(_ call: SystemCallContext) throws(Errno) -> Int {
        let flags = AtFlags(rawValue: call.int32(2))
        let mask = StatxMask(rawValue: call.uint32(3))
        guard flags.subtracting([.AT_SYMLINK_NOFOLLOW, .AT_EMPTY_PATH, .AT_NO_AUTOMOUNT, .AT_STATX_SYNC_TYPE]).isEmpty,
              flags.intersection(.AT_STATX_SYNC_TYPE) != .AT_STATX_SYNC_TYPE else { throw .EINVAL }
        guard mask.rawValue & 0x8000_0000 == 0 else { throw .EINVAL }     // STATX__RESERVED
        let inode = try target(call, directory: call.int32(0), pathIndex: 1, flags: flags)
        var result = Statx()
        result.mask = .STATX_BASIC_STATS
        result.blockSize = UInt32(blockSize)
        result.linkCount = inode.linkCount
        result.uid = inode.owner
        result.gid = inode.group
        result.mode = UInt16(truncatingIfNeeded: inode.mode)
        result.inode = inode.number
        result.size = inode.size
        result.blocks512 = inode.allocatedBlocks
        result.accessTime = StatxTimestamp(seconds: inode.accessTime.seconds, nanoseconds: UInt32(inode.accessTime.nanoseconds))
        result.modificationTime = StatxTimestamp(seconds: inode.modifyTime.seconds, nanoseconds: UInt32(inode.modifyTime.nanoseconds))
        result.changeTime = StatxTimestamp(seconds: inode.changeTime.seconds, nanoseconds: UInt32(inode.changeTime.nanoseconds))
        result.representedDeviceMajor = DeviceNumber.major(inode.representedDevice)
        result.representedDeviceMinor = DeviceNumber.minor(inode.representedDevice)
        result.deviceMajor = DeviceNumber.major(inode.deviceNumber)
        result.deviceMinor = DeviceNumber.minor(inode.deviceNumber)
        try call.copyOut(result, to: 4)
        return 0
    }
}
