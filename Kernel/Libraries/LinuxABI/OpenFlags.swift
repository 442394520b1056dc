// open(2)/openat2(2) flags, the *at(2) dirfd and AT_* flags, fcntl(2) commands, flock(2) and
// lseek(2) constants: include/uapi/asm-generic/fcntl.h (x86-64 uses the generic values),
// include/uapi/linux/fcntl.h, include/uapi/linux/openat2.h and include/uapi/linux/fs.h.
//
// Open flags are octal in the headers; they are octal here too, so the two read alike.

public struct OpenFlags: OptionSet, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The access mode is a two-bit number, not flags: compare `accessMode`, not `contains`.
    public static let O_ACCMODE = OpenFlags(rawValue: 0o3)
    public static let O_RDONLY: OpenFlags = []
    public static let O_WRONLY = OpenFlags(rawValue: 0o1)
    public static let O_RDWR = OpenFlags(rawValue: 0o2)
    public static let O_CREAT = OpenFlags(rawValue: 0o100)
    public static let O_EXCL = OpenFlags(rawValue: 0o200)
    public static let O_NOCTTY = OpenFlags(rawValue: 0o400)
    public static let O_TRUNC = OpenFlags(rawValue: 0o1000)
    public static let O_APPEND = OpenFlags(rawValue: 0o2000)
    public static let O_NONBLOCK = OpenFlags(rawValue: 0o4000)
    public static let O_NDELAY = O_NONBLOCK
    public static let O_DSYNC = OpenFlags(rawValue: 0o10000)
    public static let FASYNC = OpenFlags(rawValue: 0o20000)
    public static let O_DIRECT = OpenFlags(rawValue: 0o40000)
    /// Linux sets it on every 64-bit open (force_o_largefile); glibc defines it as 0 on x86-64.
    public static let O_LARGEFILE = OpenFlags(rawValue: 0o100000)
    public static let O_DIRECTORY = OpenFlags(rawValue: 0o200000)
    public static let O_NOFOLLOW = OpenFlags(rawValue: 0o400000)
    public static let O_NOATIME = OpenFlags(rawValue: 0o1000000)
    public static let O_CLOEXEC = OpenFlags(rawValue: 0o2000000)
    public static let __O_SYNC = OpenFlags(rawValue: 0o4000000)
    /// O_SYNC includes O_DSYNC.
    public static let O_SYNC = OpenFlags(rawValue: 0o4010000)
    public static let O_RSYNC = O_SYNC
    public static let O_PATH = OpenFlags(rawValue: 0o10000000)
    public static let __O_TMPFILE = OpenFlags(rawValue: 0o20000000)
    /// O_TMPFILE includes O_DIRECTORY, so old kernels fail it with ENOTDIR/EISDIR.
    public static let O_TMPFILE = OpenFlags(rawValue: 0o20200000)

    /// Every flag Linux knows (VALID_OPEN_FLAGS): openat2 rejects any other bit with EINVAL,
    /// open and openat ignore them.
    public static let valid: OpenFlags = [
        .O_ACCMODE, .O_CREAT, .O_EXCL, .O_NOCTTY, .O_TRUNC, .O_APPEND, .O_NONBLOCK, .__O_SYNC, .O_DSYNC,
        .FASYNC, .O_DIRECT, .O_LARGEFILE, .O_DIRECTORY, .O_NOFOLLOW, .O_NOATIME, .O_CLOEXEC, .O_PATH,
        .__O_TMPFILE,
    ]
    /// The flags fcntl(F_SETFL) may change; the others are silently kept.
    public static let settableByFcntl: OpenFlags = [.O_APPEND, .O_NONBLOCK, .O_DIRECT, .O_NOATIME, .FASYNC]

    public var accessMode: OpenAccessMode {
        OpenAccessMode(rawValue: rawValue & OpenFlags.O_ACCMODE.rawValue) ?? .O_ACCMODE
    }
}

/// The two low bits of the open flags.
public enum OpenAccessMode: Int32, CaseIterable, Sendable {
    case O_RDONLY = 0
    case O_WRONLY = 1
    case O_RDWR = 2
    /// Linux accepts 3 and opens with neither read nor write access (for ioctl-only use).
    case O_ACCMODE = 3

    public var isReadable: Bool { self == .O_RDONLY || self == .O_RDWR }
    public var isWritable: Bool { self == .O_WRONLY || self == .O_RDWR }
}

/// The dirfd value that means "relative to the current working directory".
public enum AtDirectory: Sendable {
    public static let AT_FDCWD: Int32 = -100
}

/// Flags of the *at(2) syscalls (each syscall accepts its own subset).
public struct AtFlags: OptionSet, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let AT_SYMLINK_NOFOLLOW = AtFlags(rawValue: 0x100)
    /// faccessat: check with the effective ids (same bit as AT_REMOVEDIR).
    public static let AT_EACCESS = AtFlags(rawValue: 0x200)
    /// unlinkat: remove a directory (same bit as AT_EACCESS).
    public static let AT_REMOVEDIR = AtFlags(rawValue: 0x200)
    public static let AT_SYMLINK_FOLLOW = AtFlags(rawValue: 0x400)
    public static let AT_NO_AUTOMOUNT = AtFlags(rawValue: 0x800)
    public static let AT_EMPTY_PATH = AtFlags(rawValue: 0x1000)
    public static let AT_STATX_SYNC_TYPE = AtFlags(rawValue: 0x6000)
    public static let AT_STATX_SYNC_AS_STAT: AtFlags = []
    public static let AT_STATX_FORCE_SYNC = AtFlags(rawValue: 0x2000)
    public static let AT_STATX_DONT_SYNC = AtFlags(rawValue: 0x4000)
    public static let AT_RECURSIVE = AtFlags(rawValue: 0x8000)
}

/// renameat2(2) flags.
public struct RenameFlags: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let RENAME_NOREPLACE = RenameFlags(rawValue: 1 << 0)
    public static let RENAME_EXCHANGE = RenameFlags(rawValue: 1 << 1)
    public static let RENAME_WHITEOUT = RenameFlags(rawValue: 1 << 2)
}

/// openat2(2) `resolve` flags (struct open_how).
public struct ResolveFlags: OptionSet, Sendable {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    public static let RESOLVE_NO_XDEV = ResolveFlags(rawValue: 0x01)
    public static let RESOLVE_NO_MAGICLINKS = ResolveFlags(rawValue: 0x02)
    public static let RESOLVE_NO_SYMLINKS = ResolveFlags(rawValue: 0x04)
    public static let RESOLVE_BENEATH = ResolveFlags(rawValue: 0x08)
    public static let RESOLVE_IN_ROOT = ResolveFlags(rawValue: 0x10)
    public static let RESOLVE_CACHED = ResolveFlags(rawValue: 0x20)
}

/// fcntl(2) commands.
public enum FcntlCommand: Int32, CaseIterable, Sendable {
    case F_DUPFD = 0
    case F_GETFD = 1
    case F_SETFD = 2
    case F_GETFL = 3
    case F_SETFL = 4
    case F_GETLK = 5
    case F_SETLK = 6
    case F_SETLKW = 7
    case F_SETOWN = 8
    case F_GETOWN = 9
    case F_SETSIG = 10
    case F_GETSIG = 11
    case F_SETOWN_EX = 15
    case F_GETOWN_EX = 16
    case F_GETOWNER_UIDS = 17
    case F_OFD_GETLK = 36
    case F_OFD_SETLK = 37
    case F_OFD_SETLKW = 38
    case F_SETLEASE = 1024
    case F_GETLEASE = 1025
    case F_NOTIFY = 1026
    case F_CANCELLK = 1029
    case F_DUPFD_CLOEXEC = 1030
    case F_SETPIPE_SZ = 1031
    case F_GETPIPE_SZ = 1032
    case F_ADD_SEALS = 1033
    case F_GET_SEALS = 1034
    case F_GET_RW_HINT = 1035
    case F_SET_RW_HINT = 1036
    case F_GET_FILE_RW_HINT = 1037
    case F_SET_FILE_RW_HINT = 1038
}

/// File descriptor flags (F_GETFD/F_SETFD).
public struct FileDescriptorFlags: OptionSet, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let FD_CLOEXEC = FileDescriptorFlags(rawValue: 1)
}

/// `l_type` of struct flock (fcntl record locks).
public enum FileLockType: Int16, CaseIterable, Sendable {
    case F_RDLCK = 0
    case F_WRLCK = 1
    case F_UNLCK = 2
}

/// File seals (F_ADD_SEALS/F_GET_SEALS on memfds).
public struct FileSeals: OptionSet, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let F_SEAL_SEAL = FileSeals(rawValue: 0x0001)
    public static let F_SEAL_SHRINK = FileSeals(rawValue: 0x0002)
    public static let F_SEAL_GROW = FileSeals(rawValue: 0x0004)
    public static let F_SEAL_WRITE = FileSeals(rawValue: 0x0008)
    public static let F_SEAL_FUTURE_WRITE = FileSeals(rawValue: 0x0010)
    public static let F_SEAL_EXEC = FileSeals(rawValue: 0x0020)
}

/// flock(2) operations: one of LOCK_SH, LOCK_EX, LOCK_UN, optionally with LOCK_NB.
public struct FlockOperation: OptionSet, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let LOCK_SH = FlockOperation(rawValue: 1)
    public static let LOCK_EX = FlockOperation(rawValue: 2)
    public static let LOCK_NB = FlockOperation(rawValue: 4)
    public static let LOCK_UN = FlockOperation(rawValue: 8)
}

/// lseek(2) `whence`.
public enum SeekWhence: Int32, CaseIterable, Sendable {
    case SEEK_SET = 0
    case SEEK_CUR = 1
    case SEEK_END = 2
    case SEEK_DATA = 3
    case SEEK_HOLE = 4
}

/// close_range(2) flags.
public struct CloseRangeFlags: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let CLOSE_RANGE_UNSHARE = CloseRangeFlags(rawValue: 1 << 1)
    public static let CLOSE_RANGE_CLOEXEC = CloseRangeFlags(rawValue: 1 << 2)
}

/// Limits of the VFS interface (include/uapi/linux/limits.h).
public enum PathLimits: Sendable {
    /// Bytes in a path including the terminating NUL.
    public static let PATH_MAX = 4096
    /// Bytes in one path component.
    public static let NAME_MAX = 255
    /// Writes to a pipe up to this size are atomic.
    public static let PIPE_BUF = 4096
    /// Bytes in an extended attribute name, value, and list.
    public static let XATTR_NAME_MAX = 255
    public static let XATTR_SIZE_MAX = 65536
    public static let XATTR_LIST_MAX = 65536
    /// Maximum iovec count (UIO_MAXIOV).
    public static let IOV_MAX = 1024
    /// Arguments plus environment of execve: MAX_ARG_STRLEN is the longest single string.
    public static let MAX_ARG_STRLEN = 131072
    public static let MAX_ARG_STRINGS = 0x7FFF_FFFF
    /// Supplementary groups per process.
    public static let NGROUPS_MAX = 65536
}
