// Clearing set-user-ID and set-group-ID bits when a file's contents change (Linux's
// file_remove_privs; chown's rule is in the chown handler). A write or truncation (write(2) and
// its vectored and positional forms, sendfile's output, truncate(2), ftruncate(2), open's
// O_TRUNC) by a caller without CAP_FSETID — here: whose file-system user ID is not 0 — clears
// S_ISUID, and S_ISGID when group execute is set (S_ISGID without it marks mandatory locking and
// stays). Writes by the superuser keep both, so installing a set-user-ID program works. The
// caller is the current thread's process, which this component does not know: Boot installs
// the look-up, as it does SocketCredentials.

import Framework

public enum SetIDRemoval {
    final class Provider: Sendable {
        let current: @Sendable () -> AccessIdentity?
        init(_ current: @escaping @Sendable () -> AccessIdentity?) { self.current = current }
    }

    static let provider = SpinLock<Provider?>(nil)

    /// Installs the look-up of the calling process's file-system identity (nil for a kernel task).
    public static func install(_ current: @escaping @Sendable () -> AccessIdentity?) {
        let installed = Provider(current)
        provider.withLock { $0 = installed }
    }

    static let setUserID: UInt32 = 0o4000
    static let setGroupID: UInt32 = 0o2000
    static let groupExecute: UInt32 = 0o010

    /// S_ISUID is set in `permissions`.
    public static func isSetUserID(_ permissions: UInt32) -> Bool { permissions & setUserID != 0 }

    /// S_ISGID with group execute: set-group-ID (S_ISGID alone marks mandatory locking). The one
    /// rule exec (ExecutableIdentity) and the clearing below share.
    public static func isSetGroupID(_ permissions: UInt32) -> Bool {
        permissions & (setGroupID | groupExecute) == setGroupID | groupExecute
    }

    /// The bits a modification by a caller without CAP_FSETID clears from `permissions`.
    static func bitsToClear(_ permissions: UInt32) -> UInt32 {
        var bits = permissions & setUserID
        if isSetGroupID(permissions) { bits |= setGroupID }
        return bits
    }

    /// Before the current caller writes to or truncates `file`.
    static func beforeModification(of file: RegularFileInode) {
        guard bitsToClear(file.permissions) != 0 else { return }
        guard let installed = provider.withLock({ $0 }), let identity = installed.current() else { return }
        beforeModification(of: file, by: identity)
    }

    /// Before `identity` writes to or truncates `file`.
    static func beforeModification(of file: RegularFileInode, by identity: AccessIdentity) {
        let bits = bitsToClear(file.permissions)
        guard bits != 0, !identity.isSuperuser else { return }
        file.permissions &= ~bits
        file.touchChange()
    }
}
