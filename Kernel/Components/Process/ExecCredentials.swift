// The credentials a program starts with after execve(2) (`Credentials.afterExec` in
// Credentials.swift, beside the other rules that change them) (execve(2) "set-user-ID", credentials(7);
// Linux's bprm_fill_uid and cap_bprm_creds_from_file). A regular file with S_ISUID makes its owner
// the effective user ID; with S_ISGID and group execute (S_ISGID alone marks mandatory locking,
// not set-group-ID) its group the effective group ID. The bits are ignored on a nosuid mount and
// after PR_SET_NO_NEW_PRIVS. Every exec then copies the effective IDs into the saved and
// file-system IDs. AT_SECURE tells the C library (no LD_PRELOAD, no untrusted environment) that
// the program runs with IDs its caller did not have: the effective IDs differ from the real ones,
// or the exec changed the effective user, or gave an effective group the caller was not in.

import FileSystem

/// Whether an exec may honour the file's set-user-ID and set-group-ID bits.
public enum SetIDPolicy: Sendable {
    case honoured
    /// A nosuid mount, or the process set no_new_privs.
    case ignored
}

/// AT_SECURE in the new program's auxiliary vector.
public enum ExecSecurity: UInt64, Sendable {
    case ordinary = 0
    case elevated = 1
}

/// A program's file as the exec rules see it: owner, group, mode bits.
public struct ExecutableIdentity: Sendable {
    public let owner: UInt32
    public let group: UInt32
    public let permissions: UInt32

    public init(owner: UInt32, group: UInt32, permissions: UInt32) {
        self.owner = owner
        self.group = group
        self.permissions = permissions
    }

    var isSetUserID: Bool { SetIDRemoval.isSetUserID(permissions) }
    var isSetGroupID: Bool { SetIDRemoval.isSetGroupID(permissions) }
}
