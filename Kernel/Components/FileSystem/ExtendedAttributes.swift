// Extended attributes (xattr(7)): getxattr(2), setxattr(2), listxattr(2), removexattr(2) on an
// inode, with Linux's rules (fs/xattr.c's xattr_permission, the capability checks of
// security/commoncap.c, and tmpfs's in-memory store):
//   - "user.": the permission bits (read to get, write to set), on regular files and directories
//     only (others: ENODATA to get, EPERM to set); in a sticky directory only its owner sets.
//   - "trusted.": CAP_SYS_ADMIN only; to anyone else they are invisible (ENODATA, EPERM, unlisted).
//   - "security.": anyone reads; setting or removing needs CAP_SYS_ADMIN. File capabilities
//     ("security.capability") are not kept, because exec would not honour them: EOPNOTSUPP.
//   - "system.": POSIX ACLs, which Apus does not have: EOPNOTSUPP, as on a file system mounted
//     without ACL support.
//   - Any other prefix: EOPNOTSUPP. A bare known prefix ("user."): EINVAL.
// Only file systems that keep attributes (the in-memory ramfs/tmpfs) have a store; on the others
// (procfs, pipes, sockets, devices' own inodes) every get/set/remove is EOPNOTSUPP after the
// permission check, and the list is empty, as on Linux's file systems without xattr handlers.
// Attribute bytes are counted against one system-wide budget (1/16 of RAM; ENOSPC beyond it), and
// every addition checks the kernel heap's headroom, so no user can fill the heap with them.

import Framework
import LinuxABI

/// Whether the caller holds CAP_SYS_ADMIN (the superuser's effective identity in Apus).
public enum SystemAdministration: Sendable {
    case capable
    case notCapable
}

/// Who asks: the file-system identity for permission bits and ownership, and CAP_SYS_ADMIN.
public struct ExtendedAttributeCaller {
    public var identity: AccessIdentity
    public var administration: SystemAdministration

    public init(identity: AccessIdentity, administration: SystemAdministration) {
        self.identity = identity
        self.administration = administration
    }

    var isAdministrator: Bool { administration == .capable }
}

/// How setxattr treats an existing attribute: XATTR_CREATE fails if it exists (EEXIST),
/// XATTR_REPLACE if it does not (ENODATA); both may be given, and each applies.
public struct ExtendedAttributeDisposition: Sendable {
    let flags: ExtendedAttributeFlags

    /// nil (EINVAL) for flags other than XATTR_CREATE and XATTR_REPLACE.
    public init?(flags: Int32) {
        let decoded = ExtendedAttributeFlags(rawValue: flags)
        guard decoded.subtracting([.XATTR_CREATE, .XATTR_REPLACE]).isEmpty else { return nil }
        self.flags = decoded
    }

    func check(exists: Bool) throws(Errno) {
        if exists && flags.contains(.XATTR_CREATE) { throw .EEXIST }
        if !exists && flags.contains(.XATTR_REPLACE) { throw .ENODATA }
    }
}

/// One inode's attributes, sorted by name (the order tmpfs lists them in).
public final class ExtendedAttributeSet {
    var entries: [(name: [UInt8], value: [UInt8])] = []

    /// Bytes held by all sets together, against `budgetBytes`.
    static let heldBytes = SpinLock<Int>(0)
    static var budgetBytes: Int { KernelMemory.totalFrames * 4096 / 16 }

    init() {}

    deinit {
        var held = 0
        for entry in entries { held += Self.cost(entry.name, entry.value) }
        Self.heldBytes.withLock { $0 -= held }
    }

    static func cost(_ name: [UInt8], _ value: [UInt8]) -> Int { name.count + value.count + 48 }

    func index(of name: [UInt8]) -> Int? { entries.firstIndex { $0.name == name } }

    /// Takes `growth` more bytes from the budget (ENOSPC if it or the heap's headroom is short).
    static func charge(_ growth: Int) throws(Errno) {
        guard growth > 0 else {
            heldBytes.withLock { $0 += growth }
            return
        }
        do { try KernelMemory.requireHeadroom(forHeapBytes: growth + 64) } catch { throw .ENOSPC }
        let budget = budgetBytes
        let granted = heldBytes.withLock { held -> Bool in
            guard held + growth <= budget else { return false }
            held += growth
            return true
        }
        guard granted else { throw .ENOSPC }
    }
}

public enum ExtendedAttributes {
    /// getxattr: the value of `name`.
    public static func get(_ inode: Inode, _ name: ExtendedAttributeName, by caller: ExtendedAttributeCaller) throws(Errno) -> [UInt8] {
        try checkAccess(inode, name, .read, by: caller)
        try checkHandled(inode, name, .read)
        guard let set = inode.extendedAttributeSet, let index = set.index(of: name.bytes) else { throw .ENODATA }
        return set.entries[index].value
    }

    /// setxattr: stores `value` under `name`.
    public static func set(_ inode: Inode, _ name: ExtendedAttributeName, _ value: [UInt8],
                           _ disposition: ExtendedAttributeDisposition, by caller: ExtendedAttributeCaller) throws(Errno) {
        try checkAccess(inode, name, .write, by: caller)
        try checkHandled(inode, name, .write)
        let set = inode.extendedAttributeSet ?? ExtendedAttributeSet()
        let existing = set.index(of: name.bytes)
        try disposition.check(exists: existing != nil)
        let newCost = ExtendedAttributeSet.cost(name.bytes, value)
        if let existing {
            try ExtendedAttributeSet.charge(newCost - ExtendedAttributeSet.cost(name.bytes, set.entries[existing].value))
            set.entries[existing].value = value
        } else {
            try ExtendedAttributeSet.charge(newCost)
            let place = set.entries.firstIndex { $0.name.lexicographicallyPrecedes(name.bytes) == false } ?? set.entries.count
            set.entries.insert((name.bytes, value), at: place)
        }
        inode.extendedAttributeSet = set
        inode.touchChange()
    }

    /// removexattr.
    public static func remove(_ inode: Inode, _ name: ExtendedAttributeName, by caller: ExtendedAttributeCaller) throws(Errno) {
        try checkAccess(inode, name, .write, by: caller)
        try checkHandled(inode, name, .write)
        guard let set = inode.extendedAttributeSet, let index = set.index(of: name.bytes) else { throw .ENODATA }
        let entry = set.entries.remove(at: index)
        try ExtendedAttributeSet.charge(-ExtendedAttributeSet.cost(entry.name, entry.value))
        inode.touchChange()
    }

    /// listxattr: the names the caller may see, each followed by a NUL.
    public static func list(_ inode: Inode, by caller: ExtendedAttributeCaller) -> [UInt8] {
        guard let set = inode.extendedAttributeSet else { return [] }
        var names: [UInt8] = []
        for entry in set.entries {
            if !caller.isAdministrator, (try? ExtendedAttributeName(entry.name))?.namespace == .trusted { continue }
            names.append(contentsOf: entry.name)
            names.append(0)
        }
        return names
    }

    enum Access { case read, write }

    /// fs/xattr.c's xattr_permission, then commoncap's CAP_SYS_ADMIN rule for "security." writes.
    static func checkAccess(_ inode: Inode, _ name: ExtendedAttributeName, _ access: Access,
                            by caller: ExtendedAttributeCaller) throws(Errno) {
        switch name.namespace {
        case .security:
            if access == .write && !caller.isAdministrator { throw .EPERM }
        case .system:
            break
        case .trusted:
            if !caller.isAdministrator { throw access == .write ? .EPERM : .ENODATA }
        case .user:
            guard inode.kind == .regular || inode.kind == .directory else { throw access == .write ? .EPERM : .ENODATA }
            if access == .write && inode.isDirectory && inode.permissions & 0o1000 != 0
                && caller.identity.userID != inode.owner && !caller.identity.isSuperuser { throw .EPERM }
            guard Permissions.permits(inode, access == .write ? .write : .read, for: caller.identity) else { throw .EACCES }
        case .unknown:
            guard Permissions.permits(inode, access == .write ? .write : .read, for: caller.identity) else { throw .EACCES }
        }
    }

    /// Whether a handler takes the name: the store's namespaces on a file system that has one.
    static func checkHandled(_ inode: Inode, _ name: ExtendedAttributeName, _ access: Access) throws(Errno) {
        guard inode.keepsExtendedAttributes else { throw .EOPNOTSUPP }
        switch name.namespace {
        case .unknown, .system: throw .EOPNOTSUPP
        case .user, .trusted, .security: break
        }
        if name.isBarePrefix { throw .EINVAL }
        if name.namespace == .security && access == .write && name.bytes == Array("security.capability".utf8) {
            if fileCapabilitiesLogged.withLock({ logged in defer { logged = true }; return !logged }) {
                Log.warn("setxattr(security.capability): file capabilities are not supported: EOPNOTSUPP")
            }
            throw .EOPNOTSUPP
        }
    }

    static let fileCapabilitiesLogged = SpinLock<Bool>(false)
}
