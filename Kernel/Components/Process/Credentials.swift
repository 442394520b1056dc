// Process credentials (credentials(7)): real, effective, saved and file-system user and group
// IDs plus supplementary groups. The rules for changing them (setuid(2), setreuid(2),
// setresuid(2) and the gid family, setgroups(2)) live here: a privileged caller (effective UID 0,
// standing in for CAP_SETUID/CAP_SETGID) may set anything; others may only switch among their
// real, effective and saved IDs. The file-system IDs follow the effective ones.
// Outside this module credentials are read-only values; changing them takes a
// `CredentialsHandle` with the manage right (ProcessHandles.swift).

import FileSystem
import LinuxABI

public struct Credentials: Sendable, Equatable {
    public private(set) var realUserID: UInt32 = 0
    public private(set) var effectiveUserID: UInt32 = 0
    public private(set) var savedUserID: UInt32 = 0
    public private(set) var fileSystemUserID: UInt32 = 0
    public private(set) var realGroupID: UInt32 = 0
    public private(set) var effectiveGroupID: UInt32 = 0
    public private(set) var savedGroupID: UInt32 = 0
    public private(set) var fileSystemGroupID: UInt32 = 0
    public private(set) var supplementaryGroups: [UInt32] = []

    public static let superuser = Credentials()
    public static let maximumGroups = 65536
    /// (uid_t)-1: "leave unchanged" in setre*/setres*.
    static let unchanged: UInt32 = UInt32.max

    public init() {}

    public var isPrivileged: Bool { effectiveUserID == 0 }

    public var accessIdentity: AccessIdentity {
        AccessIdentity(userID: fileSystemUserID, groupID: fileSystemGroupID, supplementaryGroups: supplementaryGroups)
    }

    /// setuid(2).
    mutating func setUserID(_ id: UInt32) throws(Errno) {
        guard id != Self.unchanged else { throw .EINVAL }
        if isPrivileged {
            realUserID = id
            savedUserID = id
        } else if id != realUserID && id != savedUserID {
            throw .EPERM
        }
        effectiveUserID = id
        fileSystemUserID = id
    }

    /// setreuid(2): -1 leaves a value unchanged.
    mutating func setRealAndEffectiveUserIDs(_ real: UInt32, _ effective: UInt32) throws(Errno) {
        var next = self
        if real != Self.unchanged {
            guard isPrivileged || real == realUserID || real == effectiveUserID else { throw .EPERM }
            next.realUserID = real
        }
        if effective != Self.unchanged {
            guard isPrivileged || effective == realUserID || effective == effectiveUserID || effective == savedUserID else { throw .EPERM }
            next.effectiveUserID = effective
        }
        // The saved ID follows the new effective ID if the real ID was set or the effective ID
        // differs from the old real ID.
        if real != Self.unchanged || (effective != Self.unchanged && effective != realUserID) {
            next.savedUserID = next.effectiveUserID
        }
        next.fileSystemUserID = next.effectiveUserID
        self = next
    }

    /// setresuid(2).
    mutating func setUserIDs(real: UInt32, effective: UInt32, saved: UInt32) throws(Errno) {
        let allowed = [realUserID, effectiveUserID, savedUserID]
        for id in [real, effective, saved] where id != Self.unchanged && !isPrivileged && !allowed.contains(id) {
            throw .EPERM
        }
        if real != Self.unchanged { realUserID = real }
        if effective != Self.unchanged { effectiveUserID = effective }
        if saved != Self.unchanged { savedUserID = saved }
        fileSystemUserID = effectiveUserID
    }

    /// setgid(2).
    mutating func setGroupID(_ id: UInt32) throws(Errno) {
        guard id != Self.unchanged else { throw .EINVAL }
        if isPrivileged {
            realGroupID = id
            savedGroupID = id
        } else if id != realGroupID && id != savedGroupID {
            throw .EPERM
        }
        effectiveGroupID = id
        fileSystemGroupID = id
    }

    /// setregid(2).
    mutating func setRealAndEffectiveGroupIDs(_ real: UInt32, _ effective: UInt32) throws(Errno) {
        var next = self
        if real != Self.unchanged {
            guard isPrivileged || real == realGroupID || real == effectiveGroupID else { throw .EPERM }
            next.realGroupID = real
        }
        if effective != Self.unchanged {
            guard isPrivileged || effective == realGroupID || effective == effectiveGroupID || effective == savedGroupID else { throw .EPERM }
            next.effectiveGroupID = effective
        }
        if real != Self.unchanged || (effective != Self.unchanged && effective != realGroupID) {
            next.savedGroupID = next.effectiveGroupID
        }
        next.fileSystemGroupID = next.effectiveGroupID
        self = next
    }

    /// setresgid(2).
    mutating func setGroupIDs(real: UInt32, effective: UInt32, saved: UInt32) throws(Errno) {
        let allowed = [realGroupID, effectiveGroupID, savedGroupID]
        for id in [real, effective, saved] where id != Self.unchanged && !isPrivileged && !allowed.contains(id) {
            throw .EPERM
        }
        if real != Self.unchanged { realGroupID = real }
        if effective != Self.unchanged { effectiveGroupID = effective }
        if saved != Self.unchanged { savedGroupID = saved }
        fileSystemGroupID = effectiveGroupID
    }

    /// setgroups(2).
    mutating func setSupplementaryGroups(_ groups: [UInt32]) throws(Errno) {
        guard isPrivileged else { throw .EPERM }
        guard groups.count <= Self.maximumGroups else { throw .EINVAL }
        supplementaryGroups = groups
    }

    /// setfsuid(2)/setfsgid(2) return the previous value and ignore invalid requests.
    mutating func setFileSystemUserID(_ id: UInt32) -> UInt32 {
        let previous = fileSystemUserID
        if isPrivileged || [realUserID, effectiveUserID, savedUserID, fileSystemUserID].contains(id) { fileSystemUserID = id }
        return previous
    }

    mutating func setFileSystemGroupID(_ id: UInt32) -> UInt32 {
        let previous = fileSystemGroupID
        if isPrivileged || [realGroupID, effectiveGroupID, savedGroupID, fileSystemGroupID].contains(id) { fileSystemGroupID = id }
        return previous
    }
}

extension Credentials {
    // The set-user-ID exec rules: ExecCredentials.swift.
    /// The credentials after exec of `file`, and the AT_SECURE value.
    public func afterExec(of file: ExecutableIdentity, policy: SetIDPolicy) -> (credentials: Credentials, security: ExecSecurity) {
        var next = self
        if policy == .honoured {
            if file.isSetUserID { next.effectiveUserID = file.owner }
            if file.isSetGroupID { next.effectiveGroupID = file.group }
        }
        next.savedUserID = next.effectiveUserID
        next.fileSystemUserID = next.effectiveUserID
        next.savedGroupID = next.effectiveGroupID
        next.fileSystemGroupID = next.effectiveGroupID
        let identityChanged = next.effectiveUserID != effectiveUserID || !accessIdentity.isMember(of: next.effectiveGroupID)
        let elevated = identityChanged || next.effectiveUserID != realUserID || next.effectiveGroupID != realGroupID
        return (next, elevated ? .elevated : .ordinary)
    }
}
