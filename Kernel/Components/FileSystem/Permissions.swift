// Permission checks (path_resolution(7) "Permissions"): the file-system identity of the caller
// against an inode's owner, group and mode bits. The superuser (fsuid 0) may read and write
// anything and search any directory; executing a file needs at least one execute bit even for it.

public struct AccessIdentity: Sendable, Equatable {
    public var userID: UInt32
    public var groupID: UInt32
    public var supplementaryGroups: [UInt32]

    public init(userID: UInt32, groupID: UInt32, supplementaryGroups: [UInt32] = []) {
        self.userID = userID
        self.groupID = groupID
        self.supplementaryGroups = supplementaryGroups
    }

    public static let superuser = AccessIdentity(userID: 0, groupID: 0)

    public var isSuperuser: Bool { userID == 0 }

    public func isMember(of group: UInt32) -> Bool {
        group == groupID || supplementaryGroups.contains(group)
    }
}

public struct AccessMode: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let execute = AccessMode(rawValue: 1)
    public static let write = AccessMode(rawValue: 2)
    public static let read = AccessMode(rawValue: 4)
}

public enum Permissions {
    /// Whether `identity` may access `inode` as `mode`.
    public static func permits(_ inode: Inode, _ mode: AccessMode, for identity: AccessIdentity) -> Bool {
        if identity.isSuperuser {
            if mode.contains(.execute) && !inode.isDirectory { return inode.permissions & 0o111 != 0 }
            return true
        }
        let bits: UInt32
        if identity.userID == inode.owner {
            bits = (inode.permissions >> 6) & 7
        } else if identity.isMember(of: inode.group) {
            bits = (inode.permissions >> 3) & 7
        } else {
            bits = inode.permissions & 7
        }
        return bits & mode.rawValue == mode.rawValue
    }

    /// Whether `identity` may remove or rename `name` in `directory` (write + search, and the
    /// sticky bit: only the owner of the file or of the directory, or the superuser).
    public static func mayDelete(_ child: Inode, from directory: DirectoryInode, for identity: AccessIdentity) -> Bool {
        guard permits(directory, [.write, .execute], for: identity) else { return false }
        if directory.permissions & 0o1000 != 0 && !identity.isSuperuser {
            return identity.userID == child.owner || identity.userID == directory.owner
        }
        return true
    }
}
