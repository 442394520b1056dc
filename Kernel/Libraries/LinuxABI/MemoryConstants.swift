// mmap(2), mprotect(2), madvise(2), mremap(2), msync(2), mlock(2) and memfd_create(2) constants:
// include/uapi/asm-generic/mman-common.h, include/uapi/linux/mman.h, arch/x86/include/uapi/asm/mman.h
// (x86-64 adds only MAP_32BIT) and include/uapi/linux/memfd.h.

public enum PageGeometry: Sendable {
    public static let PAGE_SIZE = 4096
    public static let PAGE_SHIFT = 12
}

/// mmap/mprotect `prot`.
public struct MemoryProtection: OptionSet, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let PROT_NONE = MemoryProtection([])
    public static let PROT_READ = MemoryProtection(rawValue: 0x1)
    public static let PROT_WRITE = MemoryProtection(rawValue: 0x2)
    public static let PROT_EXEC = MemoryProtection(rawValue: 0x4)
    /// Accepted and ignored on x86-64.
    public static let PROT_SEM = MemoryProtection(rawValue: 0x8)
    /// mprotect only: extend the change down to the start of a grows-down mapping.
    public static let PROT_GROWSDOWN = MemoryProtection(rawValue: 0x0100_0000)
    /// mprotect only; x86-64 has no grows-up mappings, so Linux rejects it with EINVAL.
    public static let PROT_GROWSUP = MemoryProtection(rawValue: 0x0200_0000)
}

/// mmap `flags`. The low four bits (MAP_TYPE) are a number, not flags: compare `mappingType`.
public struct MapFlags: OptionSet, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let MAP_SHARED = MapFlags(rawValue: 0x01)
    public static let MAP_PRIVATE = MapFlags(rawValue: 0x02)
    /// MAP_SHARED that fails with EOPNOTSUPP on flags this kernel does not know.
    public static let MAP_SHARED_VALIDATE = MapFlags(rawValue: 0x03)
    /// Linux 6.11: private anonymous memory the kernel may drop under pressure.
    public static let MAP_DROPPABLE = MapFlags(rawValue: 0x08)
    public static let MAP_TYPE = MapFlags(rawValue: 0x0f)
    public static let MAP_FIXED = MapFlags(rawValue: 0x10)
    public static let MAP_ANONYMOUS = MapFlags(rawValue: 0x20)
    public static let MAP_ANON = MAP_ANONYMOUS
    public static let MAP_32BIT = MapFlags(rawValue: 0x40)
    public static let MAP_GROWSDOWN = MapFlags(rawValue: 0x0100)
    /// Ignored.
    public static let MAP_DENYWRITE = MapFlags(rawValue: 0x0800)
    /// Ignored.
    public static let MAP_EXECUTABLE = MapFlags(rawValue: 0x1000)
    public static let MAP_LOCKED = MapFlags(rawValue: 0x2000)
    public static let MAP_NORESERVE = MapFlags(rawValue: 0x4000)
    public static let MAP_POPULATE = MapFlags(rawValue: 0x8000)
    public static let MAP_NONBLOCK = MapFlags(rawValue: 0x10000)
    public static let MAP_STACK = MapFlags(rawValue: 0x20000)
    public static let MAP_HUGETLB = MapFlags(rawValue: 0x40000)
    public static let MAP_SYNC = MapFlags(rawValue: 0x80000)
    public static let MAP_FIXED_NOREPLACE = MapFlags(rawValue: 0x100000)
    public static let MAP_UNINITIALIZED = MapFlags(rawValue: 0x4000000)

    /// MAP_HUGETLB page size: log2(size) in bits 26-31.
    public static let MAP_HUGE_SHIFT: Int32 = 26
    public static let MAP_HUGE_MASK: Int32 = 0x3f

    public static let MAP_HUGE_2MB = MapFlags(rawValue: 21 << 26)
    public static let MAP_HUGE_1GB = MapFlags(rawValue: 30 << 26)

    /// The flags every file accepts under MAP_SHARED_VALIDATE (LEGACY_MAP_MASK of
    /// include/linux/mman.h); others, such as MAP_SYNC, need the file's support or fail with
    /// EOPNOTSUPP.
    public static let legacyMask: MapFlags = [
        .MAP_SHARED, .MAP_PRIVATE, .MAP_FIXED, .MAP_ANONYMOUS, .MAP_DENYWRITE, .MAP_EXECUTABLE,
        .MAP_UNINITIALIZED, .MAP_GROWSDOWN, .MAP_LOCKED, .MAP_NORESERVE, .MAP_POPULATE, .MAP_NONBLOCK,
        .MAP_STACK, .MAP_HUGETLB, .MAP_32BIT, .MAP_HUGE_2MB, .MAP_HUGE_1GB,
    ]

    public var mappingType: MappingType? { MappingType(rawValue: rawValue & MapFlags.MAP_TYPE.rawValue) }
}

/// The MAP_TYPE field of mmap flags; any other value fails with EINVAL.
public enum MappingType: Int32, CaseIterable, Sendable {
    case MAP_SHARED = 0x01
    case MAP_PRIVATE = 0x02
    case MAP_SHARED_VALIDATE = 0x03
    case MAP_DROPPABLE = 0x08
}

/// madvise(2) advice.
public enum MemoryAdvice: Int32, CaseIterable, Sendable {
    case MADV_NORMAL = 0
    case MADV_RANDOM = 1
    case MADV_SEQUENTIAL = 2
    case MADV_WILLNEED = 3
    case MADV_DONTNEED = 4
    case MADV_FREE = 8
    case MADV_REMOVE = 9
    case MADV_DONTFORK = 10
    case MADV_DOFORK = 11
    case MADV_MERGEABLE = 12
    case MADV_UNMERGEABLE = 13
    case MADV_HUGEPAGE = 14
    case MADV_NOHUGEPAGE = 15
    case MADV_DONTDUMP = 16
    case MADV_DODUMP = 17
    case MADV_WIPEONFORK = 18
    case MADV_KEEPONFORK = 19
    case MADV_COLD = 20
    case MADV_PAGEOUT = 21
    case MADV_POPULATE_READ = 22
    case MADV_POPULATE_WRITE = 23
    case MADV_DONTNEED_LOCKED = 24
    case MADV_COLLAPSE = 25
    case MADV_HWPOISON = 100
    case MADV_SOFT_OFFLINE = 101
    /// Linux 6.13: install and remove guard regions.
    case MADV_GUARD_INSTALL = 102
    case MADV_GUARD_REMOVE = 103
}

/// mremap(2) flags.
public struct RemapFlags: OptionSet, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let MREMAP_MAYMOVE = RemapFlags(rawValue: 1)
    public static let MREMAP_FIXED = RemapFlags(rawValue: 2)
    public static let MREMAP_DONTUNMAP = RemapFlags(rawValue: 4)
}

/// msync(2) flags.
public struct SyncFlags: OptionSet, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let MS_ASYNC = SyncFlags(rawValue: 1)
    public static let MS_INVALIDATE = SyncFlags(rawValue: 2)
    public static let MS_SYNC = SyncFlags(rawValue: 4)
}

/// mlockall(2) flags (MCL_*) and mlock2(2) flags (MLOCK_ONFAULT).
public struct LockFlags: OptionSet, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let MCL_CURRENT = LockFlags(rawValue: 1)
    public static let MCL_FUTURE = LockFlags(rawValue: 2)
    public static let MCL_ONFAULT = LockFlags(rawValue: 4)
    public static let MLOCK_ONFAULT = LockFlags(rawValue: 1)
}

/// memfd_create(2) flags.
public struct MemfdFlags: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let MFD_CLOEXEC = MemfdFlags(rawValue: 0x0001)
    public static let MFD_ALLOW_SEALING = MemfdFlags(rawValue: 0x0002)
    public static let MFD_HUGETLB = MemfdFlags(rawValue: 0x0004)
    /// Linux 6.3: not executable, and sealed so it cannot become so.
    public static let MFD_NOEXEC_SEAL = MemfdFlags(rawValue: 0x0008)
    /// Linux 6.3: executable.
    public static let MFD_EXEC = MemfdFlags(rawValue: 0x0010)
}
