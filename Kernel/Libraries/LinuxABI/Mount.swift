// mount(2) and umount2(2): the flag words (include/uapi/linux/mount.h) and the parsing of the
// comma-separated option text (`data`) that file systems take, as Linux's legacy mount data:
// "name" or "name=value" items; sizes in memparse's form (a number with an optional K/M/G/T/P/E
// suffix, binary multiples) or, for tmpfs's size=, a percentage of RAM.

/// mountflags of mount(2).
public struct MountRequestFlags: OptionSet, Sendable {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    public static let MS_RDONLY = MountRequestFlags(rawValue: 1)
    public static let MS_NOSUID = MountRequestFlags(rawValue: 2)
    public static let MS_NODEV = MountRequestFlags(rawValue: 4)
    public static let MS_NOEXEC = MountRequestFlags(rawValue: 8)
    public static let MS_SYNCHRONOUS = MountRequestFlags(rawValue: 16)
    public static let MS_REMOUNT = MountRequestFlags(rawValue: 32)
    public static let MS_MANDLOCK = MountRequestFlags(rawValue: 64)
    public static let MS_DIRSYNC = MountRequestFlags(rawValue: 128)
    public static let MS_NOSYMFOLLOW = MountRequestFlags(rawValue: 256)
    public static let MS_NOATIME = MountRequestFlags(rawValue: 1024)
    public static let MS_NODIRATIME = MountRequestFlags(rawValue: 2048)
    public static let MS_BIND = MountRequestFlags(rawValue: 4096)
    public static let MS_MOVE = MountRequestFlags(rawValue: 8192)
    public static let MS_REC = MountRequestFlags(rawValue: 16384)
    public static let MS_SILENT = MountRequestFlags(rawValue: 32768)
    public static let MS_POSIXACL = MountRequestFlags(rawValue: 1 << 16)
    public static let MS_UNBINDABLE = MountRequestFlags(rawValue: 1 << 17)
    public static let MS_PRIVATE = MountRequestFlags(rawValue: 1 << 18)
    public static let MS_SLAVE = MountRequestFlags(rawValue: 1 << 19)
    public static let MS_SHARED = MountRequestFlags(rawValue: 1 << 20)
    public static let MS_RELATIME = MountRequestFlags(rawValue: 1 << 21)
    public static let MS_KERNMOUNT = MountRequestFlags(rawValue: 1 << 22)
    public static let MS_I_VERSION = MountRequestFlags(rawValue: 1 << 23)
    public static let MS_STRICTATIME = MountRequestFlags(rawValue: 1 << 24)
    public static let MS_LAZYTIME = MountRequestFlags(rawValue: 1 << 25)

    /// The propagation-type requests (at most one of them, alone with MS_REC/MS_SILENT).
    public static let propagation: MountRequestFlags = [.MS_SHARED, .MS_PRIVATE, .MS_SLAVE, .MS_UNBINDABLE]

    /// Old programs put 0xC0ED in the top 16 bits of the 32-bit word (MS_MGC_VAL); Linux drops it.
    public static let magicMask: UInt64 = 0xFFFF_0000
    public static let magicValue: UInt64 = 0xC0ED_0000

    /// The flags with the magic number of old programs removed (do_mount's MS_MGC_MSK rule).
    public init(userValue: UInt64) {
        self.init(rawValue: userValue & Self.magicMask == Self.magicValue ? userValue & ~Self.magicMask : userValue)
    }

    /// The per-mount flags (statfs f_flags, ST_*) these request.
    public var statfsFlags: MountFlags {
        var flags: MountFlags = []
        if contains(.MS_RDONLY) { flags.insert(.ST_RDONLY) }
        if contains(.MS_NOSUID) { flags.insert(.ST_NOSUID) }
        if contains(.MS_NODEV) { flags.insert(.ST_NODEV) }
        if contains(.MS_NOEXEC) { flags.insert(.ST_NOEXEC) }
        if contains(.MS_SYNCHRONOUS) { flags.insert(.ST_SYNCHRONOUS) }
        if contains(.MS_MANDLOCK) { flags.insert(.ST_MANDLOCK) }
        if contains(.MS_NOATIME) { flags.insert(.ST_NOATIME) }
        if contains(.MS_NODIRATIME) { flags.insert(.ST_NODIRATIME) }
        // Linux makes a new mount relatime unless noatime or strictatime is asked for.
        if !contains(.MS_NOATIME) && !contains(.MS_STRICTATIME) { flags.insert(.ST_RELATIME) }
        return flags
    }
}

/// flags of umount2(2).
public struct UnmountFlags: OptionSet, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let MNT_FORCE = UnmountFlags(rawValue: 1)
    public static let MNT_DETACH = UnmountFlags(rawValue: 2)
    public static let MNT_EXPIRE = UnmountFlags(rawValue: 4)
    public static let UMOUNT_NOFOLLOW = UnmountFlags(rawValue: 8)
}

extension MountFlags {
    /// The mount's own options as /proc/mounts and mountinfo print them after "rw"/"ro", in
    /// Linux's order (show_mnt_opts, then the superblock's sync/mand).
    public var optionText: [UInt8] {
        var text: [UInt8] = Array((contains(.ST_RDONLY) ? "ro" : "rw").utf8)
        let names: [(MountFlags, String)] = [
            (.ST_SYNCHRONOUS, ",sync"), (.ST_MANDLOCK, ",mand"), (.ST_NOSUID, ",nosuid"), (.ST_NODEV, ",nodev"),
            (.ST_NOEXEC, ",noexec"), (.ST_NOATIME, ",noatime"), (.ST_NODIRATIME, ",nodiratime"), (.ST_RELATIME, ",relatime"),
        ]
        for (flag, name) in names where contains(flag) { text += Array(name.utf8) }
        return text
    }
}

/// The `data` of mount(2) for file systems that take Linux's comma-separated text options.
public struct MountDataOptions: Sendable, Equatable {
    public struct Item: Sendable, Equatable {
        public let name: [UInt8]
        /// nil for "name" without "=".
        public let value: [UInt8]?

        public init(name: [UInt8], value: [UInt8]?) {
            self.name = name
            self.value = value
        }
    }

    public let items: [Item]

    public init(_ text: [UInt8]) {
        var items: [Item] = []
        for piece in text.split(separator: 44, omittingEmptySubsequences: true) {
            if let equals = piece.firstIndex(of: 61) {
                items.append(Item(name: Array(piece[piece.startIndex..<equals]), value: Array(piece[(equals + 1)...])))
            } else {
                items.append(Item(name: Array(piece), value: nil))
            }
        }
        self.items = items
    }

    public init(items: [Item]) { self.items = items }

    /// memparse: a decimal (or 0x hex, or 0 octal) number with an optional binary suffix
    /// (k/K, m/M, g/G, t/T, p/P, e/E). nil if malformed or past UInt64.
    public static func parseSize(_ text: [UInt8]) -> UInt64? {
        var digits = text[...]
        var shift: UInt64 = 0
        if let last = digits.last {
            switch last | 0x20 {
            case 107: shift = 10     // k
            case 109: shift = 20     // m
            case 103: shift = 30     // g
            case 116: shift = 40     // t
            case 112: shift = 50     // p
            case 101: shift = 60     // e
            default: break
            }
            if shift != 0 { digits = digits.dropLast() }
        }
        guard let number = parseNumber(Array(digits)) else { return nil }
        let (shifted, overflow) = number.multipliedReportingOverflow(by: UInt64(1) << shift)
        return overflow ? nil : shifted
    }

    /// A number as the kernel's simple_strtoull with base 0 reads it: "0x" hex, a leading "0"
    /// octal, else decimal; the whole text must be digits.
    public static func parseNumber(_ text: [UInt8]) -> UInt64? {
        var base: UInt64 = 10
        var digits = text[...]
        if digits.count > 2 && digits.first == 48 && (digits.dropFirst().first ?? 0) | 0x20 == 120 {
            base = 16
            digits = digits.dropFirst(2)
        } else if digits.count > 1 && digits.first == 48 {
            base = 8
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty else { return nil }
        var value: UInt64 = 0
        for byte in digits {
            let digit: UInt64
            switch byte {
            case 48...57: digit = UInt64(byte - 48)
            case 97...102: digit = UInt64(byte - 87)
            case 65...70: digit = UInt64(byte - 55)
            default: return nil
            }
            guard digit < base else { return nil }
            let (multiplied, overflowA) = value.multipliedReportingOverflow(by: base)
            let (added, overflowB) = multiplied.addingReportingOverflow(digit)
            if overflowA || overflowB { return nil }
            value = added
        }
        return value
    }
}
