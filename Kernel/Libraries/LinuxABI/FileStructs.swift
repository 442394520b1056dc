// File-system structs: the x86-64 struct stat (arch/x86/include/uapi/asm/stat.h), struct statx
// (include/uapi/linux/stat.h), struct iovec (include/uapi/linux/uio.h), struct flock
// (include/uapi/asm-generic/fcntl.h) and struct statfs (include/uapi/asm-generic/statfs.h, which
// x86-64 uses with 64-bit words).

/// The x86-64 struct stat of stat/fstat/lstat/newfstatat (x86-64 orders st_nlink before st_mode,
/// unlike the generic layout).
public struct Stat: LinuxStruct, Equatable {
    public static let size = 144

    public var device: UInt64 = 0
    public var inode: UInt64 = 0
    public var linkCount: UInt64 = 0
    public var mode: UInt32 = 0
    public var uid: UInt32 = 0
    public var gid: UInt32 = 0
    public var representedDevice: UInt64 = 0
    public var size: Int64 = 0
    public var blockSize: Int64 = 0
    /// In 512-byte units, whatever the file system's block size.
    public var blocks512: Int64 = 0
    public var accessTime = Timespec(seconds: 0, nanoseconds: 0)
    public var modificationTime = Timespec(seconds: 0, nanoseconds: 0)
    public var changeTime = Timespec(seconds: 0, nanoseconds: 0)

    public init() {}

    public func encode(into writer: inout ByteWriter) {
        writer.appendU64(device)
        writer.appendU64(inode)
        writer.appendU64(linkCount)
        writer.appendU32(mode)
        writer.appendU32(uid)
        writer.appendU32(gid)
        writer.appendU32(0)            // __pad0
        writer.appendU64(representedDevice)
        writer.appendI64(size)
        writer.appendI64(blockSize)
        writer.appendI64(blocks512)
        accessTime.encode(into: &writer)
        modificationTime.encode(into: &writer)
        changeTime.encode(into: &writer)
        writer.appendZeros(24)         // __unused[3]
    }

    /// The same 144-byte image as 18 little-endian words in an inline buffer (no heap array):
    /// every field of struct stat is 8 bytes or a naturally aligned pair of 4-byte fields.
    public var words: InlineArray<18, UInt64> {
        var words = InlineArray<18, UInt64>(repeating: 0)
        words[0] = device
        words[1] = inode
        words[2] = linkCount
        words[3] = UInt64(mode) | UInt64(uid) << 32
        words[4] = UInt64(gid)                      // __pad0 in the upper half
        words[5] = representedDevice
        words[6] = UInt64(bitPattern: size)
        words[7] = UInt64(bitPattern: blockSize)
        words[8] = UInt64(bitPattern: blocks512)
        words[9] = UInt64(bitPattern: accessTime.seconds)
        words[10] = UInt64(bitPattern: accessTime.nanoseconds)
        words[11] = UInt64(bitPattern: modificationTime.seconds)
        words[12] = UInt64(bitPattern: modificationTime.nanoseconds)
        words[13] = UInt64(bitPattern: changeTime.seconds)
        words[14] = UInt64(bitPattern: changeTime.nanoseconds)
        return words                                // 15-17: __unused[3]
    }

    public init(decoding reader: inout ByteReader) throws(DecodeError) {
        device = try reader.readU64()
        inode = try reader.readU64()
        linkCount = try reader.readU64()
        mode = try reader.readU32()
        uid = try reader.readU32()
        gid = try reader.readU32()
        try reader.skip(4)
        representedDevice = try reader.readU64()
        size = try reader.readI64()
        blockSize = try reader.readI64()
        blocks512 = try reader.readI64()
        accessTime = try Timespec(decoding: &reader)
        modificationTime = try Timespec(decoding: &reader)
        changeTime = try Timespec(decoding: &reader)
        try reader.skip(24)
    }
}

/// struct statx_timestamp.
public struct StatxTimestamp: LinuxStruct, Equatable {
    public static let size = 16

    public var seconds: Int64
    public var nanoseconds: UInt32

    public init(seconds: Int64, nanoseconds: UInt32) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    public func encode(into writer: inout ByteWriter) {
        writer.appendI64(seconds)
        writer.appendU32(nanoseconds)
        writer.appendI32(0)    // __reserved
    }

    public init(decoding reader: inout ByteReader) throws(DecodeError) {
        seconds = try reader.readI64()
        nanoseconds = try reader.readU32()
        try reader.skip(4)
    }
}

/// struct statx (256 bytes; the tail is spare and written as zeros).
public struct Statx: LinuxStruct, Equatable {
    public static let size = 256

    public var mask: StatxMask = []
    public var blockSize: UInt32 = 0
    public var attributes: StatxAttributes = []
    public var linkCount: UInt32 = 0
    public var uid: UInt32 = 0
    public var gid: UInt32 = 0
    public var mode: UInt16 = 0
    public var inode: UInt64 = 0
    public var size: UInt64 = 0
    public var blocks512: UInt64 = 0
    public var attributesMask: StatxAttributes = []
    public var accessTime = StatxTimestamp(seconds: 0, nanoseconds: 0)
    public var birthTime = StatxTimestamp(seconds: 0, nanoseconds: 0)
    public var changeTime = StatxTimestamp(seconds: 0, nanoseconds: 0)
    public var modificationTime = StatxTimestamp(seconds: 0, nanoseconds: 0)
    public var representedDeviceMajor: UInt32 = 0
    public var representedDeviceMinor: UInt32 = 0
    public var deviceMajor: UInt32 = 0
    public var deviceMinor: UInt32 = 0
    public var mountID: UInt64 = 0
    public var directIOMemoryAlignment: UInt32 = 0
    public var directIOOffsetAlignment: UInt32 = 0
    public var subvolume: UInt64 = 0
    public var atomicWriteUnitMinimum: UInt32 = 0
    public var atomicWriteUnitMaximum: UInt32 = 0
    public var atomicWriteSegmentsMaximum: UInt32 = 0
    public var directIOReadOffsetAlignment: UInt32 = 0
    public var atomicWriteUnitMaximumOptimized: UInt32 = 0

    public init() {}

    public func encode(into writer: inout ByteWriter) {
        writer.appendU32(mask.rawValue)                // 0
        writer.appendU32(blockSize)
        writer.appendU64(attributes.rawValue)          // 8
        writer.appendU32(linkCount)                    // 16
        writer.appendU32(uid)
        writer.appendU32(gid)
        writer.appendU16(mode)                         // 28
        writer.appendU16(0)                            // __spare0
        writer.appendU64(inode)                        // 32
        writer.appendU64(size)
        writer.appendU64(blocks512)
        writer.appendU64(attributesMask.rawValue)      // 56
        for time in [accessTime, birthTime, changeTime, modificationTime] { time.encode(into: &writer) }   // 64
        writer.appendU32(representedDeviceMajor)       // 128
        writer.appendU32(representedDeviceMinor)
        writer.appendU32(deviceMajor)
        writer.appendU32(deviceMinor)
        writer.appendU64(mountID)                      // 144
        writer.appendU32(directIOMemoryAlignment)      // 152
        writer.appendU32(directIOOffsetAlignment)
        writer.appendU64(subvolume)                    // 160
        writer.appendU32(atomicWriteUnitMinimum)       // 168
        writer.appendU32(atomicWriteUnitMaximum)
        writer.appendU32(atomicWriteSegmentsMaximum)
        writer.appendU32(directIOReadOffsetAlignment)
        writer.appendU32(atomicWriteUnitMaximumOptimized)   // 184
        writer.pad(to: Statx.size)                     // __spare2, __spare3
    }

    public init(decoding reader: inout ByteReader) throws(DecodeError) {
        let start = reader.offset
        mask = StatxMask(rawValue: try reader.readU32())
        blockSize = try reader.readU32()
        attributes = StatxAttributes(rawValue: try reader.readU64())
        linkCount = try reader.readU32()
        uid = try reader.readU32()
        gid = try reader.readU32()
        mode = try reader.readU16()
        try reader.skip(2)
        inode = try reader.readU64()
        size = try reader.readU64()
        blocks512 = try reader.readU64()
        attributesMask = StatxAttributes(rawValue: try reader.readU64())
        accessTime = try StatxTimestamp(decoding: &reader)
        birthTime = try StatxTimestamp(decoding: &reader)
        changeTime = try StatxTimestamp(decoding: &reader)
        modificationTime = try StatxTimestamp(decoding: &reader)
        representedDeviceMajor = try reader.readU32()
        representedDeviceMinor = try reader.readU32()
        deviceMajor = try reader.readU32()
        deviceMinor = try reader.readU32()
        mountID = try reader.readU64()
        directIOMemoryAlignment = try reader.readU32()
        directIOOffsetAlignment = try reader.readU32()
        subvolume = try reader.readU64()
        atomicWriteUnitMinimum = try reader.readU32()
        atomicWriteUnitMaximum = try reader.readU32()
        atomicWriteSegmentsMaximum = try reader.readU32()
        directIOReadOffsetAlignment = try reader.readU32()
        atomicWriteUnitMaximumOptimized = try reader.readU32()
        try reader.seek(to: start + Statx.size)
    }
}

/// struct iovec (readv, writev, preadv, process_vm_readv...): user address and length.
public struct Iovec: LinuxStruct, Equatable {
    public static let size = 16

    public var base: UInt64
    public var length: UInt64

    public init(base: UInt64, length: UInt64) {
        self.base = base
        self.length = length
    }

    public func encode(into writer: inout ByteWriter) {
        writer.appendU64(base)
        writer.appendU64(length)
    }

    public init(decoding reader: inout ByteReader) throws(DecodeError) {
        base = try reader.readU64()
        length = try reader.readU64()
    }
}

/// struct flock (fcntl F_GETLK/F_SETLK/F_SETLKW and the OFD variants).
public struct Flock: LinuxStruct, Equatable {
    public static let size = 32

    public var type: Int16
    public var whence: Int16
    public var start: Int64
    /// 0 means "to the end of the file, however it grows".
    public var length: Int64
    public var pid: Int32

    public init(type: Int16, whence: Int16, start: Int64, length: Int64, pid: Int32) {
        self.type = type
        self.whence = whence
        self.start = start
        self.length = length
        self.pid = pid
    }

    public func encode(into writer: inout ByteWriter) {
        writer.appendI16(type)
        writer.appendI16(whence)
        writer.appendZeros(4)
        writer.appendI64(start)
        writer.appendI64(length)
        writer.appendI32(pid)
        writer.appendZeros(4)
    }

    public init(decoding reader: inout ByteReader) throws(DecodeError) {
        type = try reader.readI16()
        whence = try reader.readI16()
        try reader.skip(4)
        start = try reader.readI64()
        length = try reader.readI64()
        pid = try reader.readI32()
        try reader.skip(4)
    }
}

/// f_type of struct statfs: the file system's magic number (include/uapi/linux/magic.h).
public enum FileSystemMagic: Int64, CaseIterable, Sendable {
    case RAMFS_MAGIC = 0x8584_58f6
    case TMPFS_MAGIC = 0x0102_1994
    case PROC_SUPER_MAGIC = 0x9fa0
    case PIPEFS_MAGIC = 0x5049_5045
    case SOCKFS_MAGIC = 0x534F_434B
    case EXT2_SUPER_MAGIC = 0xEF53
}

/// f_flags of struct statfs: the mount's flags (glibc's <sys/statvfs.h> ST_*), plus the bit
/// that says the field is valid (the kernel's ST_VALID, include/linux/statfs.h).
public struct MountFlags: OptionSet, Sendable {
    public let rawValue: Int64
    public init(rawValue: Int64) { self.rawValue = rawValue }

    public static let ST_RDONLY = MountFlags(rawValue: 0x0001)
    public static let ST_NOSUID = MountFlags(rawValue: 0x0002)
    public static let ST_NODEV = MountFlags(rawValue: 0x0004)
    public static let ST_NOEXEC = MountFlags(rawValue: 0x0008)
    public static let ST_SYNCHRONOUS = MountFlags(rawValue: 0x0010)
    public static let ST_MANDLOCK = MountFlags(rawValue: 0x0040)
    public static let ST_NOATIME = MountFlags(rawValue: 0x0400)
    public static let ST_NODIRATIME = MountFlags(rawValue: 0x0800)
    public static let ST_RELATIME = MountFlags(rawValue: 0x1000)
    /// ST_VALID: f_flags is filled in (always set by Linux since 2.6.36).
    public static let valid = MountFlags(rawValue: 0x0020)

    /// The flags a mount option string ("ro,nosuid,...", as /proc/mounts shows it) stands for.
    public init(options: [UInt8]) {
        let names: [(String, MountFlags)] = [
            ("ro", .ST_RDONLY), ("nosuid", .ST_NOSUID), ("nodev", .ST_NODEV), ("noexec", .ST_NOEXEC),
            ("sync", .ST_SYNCHRONOUS), ("mand", .ST_MANDLOCK), ("noatime", .ST_NOATIME),
            ("nodiratime", .ST_NODIRATIME), ("relatime", .ST_RELATIME),
        ]
        var flags: MountFlags = []
        for option in options.split(separator: 44) {
            for (name, flag) in names where option.elementsEqual(name.utf8) { flags.insert(flag) }
        }
        self = flags
    }
}

/// struct statfs (statfs, fstatfs).
public struct Statfs: LinuxStruct, Equatable {
    public static let size = 120

    public var type: Int64 = 0
    public var blockSize: Int64 = 0
    public var blocks: UInt64 = 0
    public var freeBlocks: UInt64 = 0
    public var availableBlocks: UInt64 = 0
    public var files: UInt64 = 0
    public var freeFiles: UInt64 = 0
    public var fsid: (Int32, Int32) = (0, 0)
    public var nameLength: Int64 = 0
    public var fragmentSize: Int64 = 0
    /// ST_* mount flags.
    public var flags: Int64 = 0

    public init() {}

    public static func == (left: Statfs, right: Statfs) -> Bool { left.encoded() == right.encoded() }

    public func encode(into writer: inout ByteWriter) {
        writer.appendI64(type)
        writer.appendI64(blockSize)
        for value in [blocks, freeBlocks, availableBlocks, files, freeFiles] { writer.appendU64(value) }
        writer.appendI32(fsid.0)
        writer.appendI32(fsid.1)
        writer.appendI64(nameLength)
        writer.appendI64(fragmentSize)
        writer.appendI64(flags)
        writer.appendZeros(32)    // f_spare[4]
    }

    public init(decoding reader: inout ByteReader) throws(DecodeError) {
        type = try reader.readI64()
        blockSize = try reader.readI64()
        blocks = try reader.readU64()
        freeBlocks = try reader.readU64()
        availableBlocks = try reader.readU64()
        files = try reader.readU64()
        freeFiles = try reader.readU64()
        fsid = (try reader.readI32(), try reader.readI32())
        nameLength = try reader.readI64()
        fragmentSize = try reader.readI64()
        flags = try reader.readI64()
        try reader.skip(32)
    }
}
