// Capabilities on processes and on credentials, with rights as types.
//
// `ProcessHandle<R>`: signalling a process needs a handle whose R includes CanSignal. The only
// way to get one for another process is `signalHandle(from:for:)`, which applies kill(2)'s
// permission rule: the run-time check is the conversion from the dynamic form (who is asking) to
// the static one (a handle that can signal). Code holding a `ProcessHandle<NoRights>` (an
// identity, e.g. for wait bookkeeping) cannot send anything.
//
// `CredentialsHandle<R>`: credentials are per-process values that everyone may read; changing
// them (setuid(2) and friends) needs CanManage. A thread gets a managing handle only on its own
// process's credentials (Linux: a task changes only its own credentials).

import Capabilities
import LinuxABI

public struct ProcessHandle<R: Rights> {
    let process: Process

    init(process: Process) { self.process = process }

    public var id: Int32 { process.id }

    /// The same process with no rights: an identity only.
    public var identity: ProcessHandle<NoRights> { ProcessHandle<NoRights>(process: process) }
}

extension ProcessHandle where R: CanSignal {
    /// The process that signals sent through this handle reach.
    public var signalTarget: Process { process }
}

extension Process {
    /// A handle that may signal this process, if `sender` is allowed to (kill(2) "Notes": a
    /// privileged sender; the sender's real or effective UID equal to this process's real or
    /// saved UID; or SIGCONT within the same session). `signal` nil is the existence check
    /// (signal 0), which obeys the same rule.
    public func signalHandle(from sender: Process, for signal: Signal?) -> ProcessHandle<SignalOnly>? {
        let from = sender.credentials
        let to = credentials
        let permitted = from.isPrivileged
            || (signal == .SIGCONT && sender.sessionID == sessionID)
            || from.realUserID == to.realUserID || from.realUserID == to.savedUserID
            || from.effectiveUserID == to.realUserID || from.effectiveUserID == to.savedUserID
        return permitted ? ProcessHandle<SignalOnly>(process: self) : nil
    }

    /// The kernel's own handle (SIGCHLD to a parent, SIGPIPE, faults, the terminal's ^C):
    /// kernel-originated signals are not subject to kill(2)'s rule.
    public var kernelSignalHandle: ProcessHandle<SignalOnly> { ProcessHandle<SignalOnly>(process: self) }
}

public struct CredentialsHandle<R: Rights> {
    let process: Process
}

extension CredentialsHandle where R: CanRead {
    public var current: Credentials { process.credentials }
}

extension CredentialsHandle where R: CanManage {
    /// setuid(2).
    /// - Controlled: credentials
    public func setUserID(_ id: UInt32) throws(Errno) { try process.credentials.setUserID(id) }
    /// setgid(2).
    /// - Controlled: credentials
    public func setGroupID(_ id: UInt32) throws(Errno) { try process.credentials.setGroupID(id) }
    /// setreuid(2).
    /// - Controlled: credentials
    public func setRealAndEffectiveUserIDs(_ real: UInt32, _ effective: UInt32) throws(Errno) {
        try process.credentials.setRealAndEffectiveUserIDs(real, effective)
    }
    /// setregid(2).
    /// - Controlled: credentials
    public func setRealAndEffectiveGroupIDs(_ real: UInt32, _ effective: UInt32) throws(Errno) {
        try process.credentials.setRealAndEffectiveGroupIDs(real, effective)
    }
    /// setresuid(2).
    /// - Controlled: credentials
    public func setUserIDs(real: UInt32, effective: UInt32, saved: UInt32) throws(Errno) {
        try process.credentials.setUserIDs(real: real, effective: effective, saved: saved)
    }
    /// setresgid(2).
    /// - Controlled: credentials
    public func setGroupIDs(real: UInt32, effective: UInt32, saved: UInt32) throws(Errno) {
        try process.credentials.setGroupIDs(real: real, effective: effective, saved: saved)
    }
    /// setgroups(2).
    /// - Controlled: credentials
    public func setSupplementaryGroups(_ groups: [UInt32]) throws(Errno) { try process.credentials.setSupplementaryGroups(groups) }
    /// setfsuid(2): returns the previous value.
    /// - Controlled: credentials
    public func setFileSystemUserID(_ id: UInt32) -> UInt32 { process.credentials.setFileSystemUserID(id) }
    /// setfsgid(2): returns the previous value.
    /// - Controlled: credentials
    public func setFileSystemGroupID(_ id: UInt32) -> UInt32 { process.credentials.setFileSystemGroupID(id) }
    /// execve(2) of `file`: the set-user-ID and set-group-ID rules (ExecCredentials.swift).
    /// - Controlled: credentials
    public func applyExec(of file: ExecutableIdentity, policy: SetIDPolicy) {
        process.credentials = process.credentials.afterExec(of: file, policy: policy).credentials
    }
}

extension Thread {
    /// The handle through which this thread changes its own process's credentials.
    /// - Controlled: credentials
    public var ownCredentials: CredentialsHandle<ReadManage>? {
        process.map { CredentialsHandle<ReadManage>(process: $0) }
    }
}
