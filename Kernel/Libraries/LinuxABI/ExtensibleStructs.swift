// Structs whose size user space passes along, so they can grow: struct clone_args of clone3(2)
// (include/uapi/linux/sched.h) and struct open_how of openat2(2) (include/uapi/linux/openat2.h).
//
// Both follow copy_struct_from_user (include/linux/uaccess.h): a caller may pass a smaller, older
// struct (missing fields read as zero, down to the first published size) or a larger, newer one,
// accepted only if every byte this kernel does not know is zero (else E2BIG).

public enum ExtensibleStruct: Sendable {
    /// Checks a user-supplied size before copying: EINVAL below `minimumSize`, E2BIG above one page
    /// (the limit both syscalls apply).
    public static func checkSize(_ size: Int, minimumSize: Int) throws(Errno) {
        guard size >= minimumSize else { throw .EINVAL }
        guard size <= PageGeometry.PAGE_SIZE else { throw .E2BIG }
    }

    /// The copied-in bytes padded or trimmed to `knownSize`: E2BIG if a trimmed byte is nonzero.
    public static func normalize(_ bytes: [UInt8], knownSize: Int) throws(Errno) -> [UInt8] {
        if bytes.count <= knownSize { return bytes + [UInt8](repeating: 0, count: knownSize - bytes.count) }
        for byte in bytes[knownSize...] where byte != 0 { throw .E2BIG }
        return Array(bytes[0..<knownSize])
    }
}

/// struct clone_args (clone3).
public struct CloneArgs: Equatable, Sendable {
    /// Published sizes: VER0 (Linux 5.3), VER1 adds set_tid (5.5), VER2 adds cgroup (5.7).
    public static let CLONE_ARGS_SIZE_VER0 = 64
    public static let CLONE_ARGS_SIZE_VER1 = 80
    public static let CLONE_ARGS_SIZE_VER2 = 88
    public static let size = CLONE_ARGS_SIZE_VER2

    public var flags: CloneFlags = []
    /// User address for the pidfd (CLONE_PIDFD).
    public var pidfd: UInt64 = 0
    /// User address for the child's tid (CLONE_CHILD_SETTID / CLONE_CHILD_CLEARTID).
    public var childTID: UInt64 = 0
    /// User address for the child's tid in the parent (CLONE_PARENT_SETTID).
    public var parentTID: UInt64 = 0
    /// Signal sent to the parent when the child exits (not in `flags`, unlike clone(2)).
    public var exitSignal: UInt64 = 0
    /// Lowest address of the child's stack, and its size: clone3 sets rsp = stack + stackSize.
    public var stack: UInt64 = 0
    public var stackSize: UInt64 = 0
    public var tls: UInt64 = 0
    /// User address of an array of `setTIDSize` pids to use in each pid namespace level.
    public var setTID: UInt64 = 0
    public var setTIDSize: UInt64 = 0
    /// cgroup2 directory fd (CLONE_INTO_CGROUP).
    public var cgroup: UInt64 = 0

    public init() {}

    /// Decodes the `size` bytes clone3 copied in (`bytes.count` is clone3's size argument):
    /// EINVAL if smaller than VER0, E2BIG if larger than a page or with nonzero unknown bytes.
    public init(decoding bytes: [UInt8]) throws(Errno) {
        try ExtensibleStruct.checkSize(bytes.count, minimumSize: CloneArgs.CLONE_ARGS_SIZE_VER0)
        var reader = ByteReader(try ExtensibleStruct.normalize(bytes, knownSize: CloneArgs.size))
        do {
            flags = CloneFlags(rawValue: try reader.readU64())
            pidfd = try reader.readU64()
            childTID = try reader.readU64()
            parentTID = try reader.readU64()
            exitSignal = try reader.readU64()
            stack = try reader.readU64()
            stackSize = try reader.readU64()
            tls = try reader.readU64()
            setTID = try reader.readU64()
            setTIDSize = try reader.readU64()
            cgroup = try reader.readU64()
        } catch {
            throw .EFAULT   // unreachable: normalize produced exactly `size` bytes
        }
    }

    public func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: CloneArgs.size)
        for value in [flags.rawValue, pidfd, childTID, parentTID, exitSignal, stack, stackSize, tls, setTID,
                      setTIDSize, cgroup] {
            writer.appendU64(value)
        }
        return writer.bytes
    }
}

/// struct open_how (openat2).
public struct OpenHow: Equatable, Sendable {
    public static let OPEN_HOW_SIZE_VER0 = 24
    public static let size = OPEN_HOW_SIZE_VER0

    /// Open flags; openat2 rejects bits above 32 and unknown flags with EINVAL.
    public var flags: UInt64
    /// Creation mode; must be 0 unless O_CREAT or O_TMPFILE.
    public var mode: UInt64
    public var resolve: ResolveFlags

    public init(flags: UInt64, mode: UInt64, resolve: ResolveFlags) {
        self.flags = flags
        self.mode = mode
        self.resolve = resolve
    }

    /// Decodes the `size` bytes openat2 copied in (EINVAL if smaller than VER0, E2BIG as above).
    public init(decoding bytes: [UInt8]) throws(Errno) {
        try ExtensibleStruct.checkSize(bytes.count, minimumSize: OpenHow.OPEN_HOW_SIZE_VER0)
        var reader = ByteReader(try ExtensibleStruct.normalize(bytes, knownSize: OpenHow.size))
        do {
            flags = try reader.readU64()
            mode = try reader.readU64()
            resolve = ResolveFlags(rawValue: try reader.readU64())
        } catch {
            throw .EFAULT   // unreachable: normalize produced exactly `size` bytes
        }
    }

    public func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: OpenHow.size)
        writer.appendU64(flags)
        writer.appendU64(mode)
        writer.appendU64(resolve.rawValue)
        return writer.bytes
    }
}
