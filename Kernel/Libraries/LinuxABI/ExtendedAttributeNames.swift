// Extended attributes (xattr(7)): the limits of include/uapi/linux/limits.h, setxattr(2)'s flags
// (include/uapi/linux/xattr.h), and how a name splits into its namespace (fs/xattr.c's rules:
// a name is 1-255 bytes, ERANGE otherwise; a known prefix with nothing after it is EINVAL).

public enum ExtendedAttributeLimits {
    /// Longest name, in bytes, without the terminating NUL.
    public static let XATTR_NAME_MAX = 255
    /// Largest value.
    public static let XATTR_SIZE_MAX = 65_536
    /// Largest list listxattr returns.
    public static let XATTR_LIST_MAX = 65_536
}

/// setxattr(2)'s `flags`.
public struct ExtendedAttributeFlags: OptionSet, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// Fail with EEXIST if the attribute exists.
    public static let XATTR_CREATE = ExtendedAttributeFlags(rawValue: 0x1)
    /// Fail with ENODATA if the attribute does not exist.
    public static let XATTR_REPLACE = ExtendedAttributeFlags(rawValue: 0x2)
}

/// The namespace a name's prefix selects; each has its own access rules.
public enum ExtendedAttributeNamespace: Sendable, Equatable {
    /// "user.": ordinary permission bits; regular files and directories only.
    case user
    /// "trusted.": CAP_SYS_ADMIN only; others neither see nor read them.
    case trusted
    /// "security.": readable by all; written with CAP_SYS_ADMIN.
    case security
    /// "system.": file-system defined (POSIX ACLs).
    case system
    /// Any other prefix: no file system has a handler for it (EOPNOTSUPP).
    case unknown

    static let prefixes: [(prefix: [UInt8], namespace: ExtendedAttributeNamespace)] = [
        (Array("user.".utf8), .user), (Array("trusted.".utf8), .trusted),
        (Array("security.".utf8), .security), (Array("system.".utf8), .system),
    ]
}

/// A checked attribute name.
public struct ExtendedAttributeName: Sendable, Equatable {
    public let bytes: [UInt8]
    public let namespace: ExtendedAttributeNamespace
    /// The bytes after the namespace prefix (all of them for an unknown namespace).
    public let suffixLength: Int

    public enum Problem: Error, Equatable {
        /// Empty or longer than XATTR_NAME_MAX: ERANGE.
        case badLength
    }

    public init(_ bytes: [UInt8]) throws(Problem) {
        guard !bytes.isEmpty, bytes.count <= ExtendedAttributeLimits.XATTR_NAME_MAX else { throw .badLength }
        self.bytes = bytes
        for entry in ExtendedAttributeNamespace.prefixes where bytes.starts(with: entry.prefix) {
            namespace = entry.namespace
            suffixLength = bytes.count - entry.prefix.count
            return
        }
        namespace = .unknown
        suffixLength = bytes.count
    }

    /// A known prefix with nothing after it ("user."): EINVAL once a handler is looked up.
    public var isBarePrefix: Bool { namespace != .unknown && suffixLength == 0 }
}
