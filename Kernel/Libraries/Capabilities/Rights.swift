// Rights for capabilities: the vocabulary that kernel handles (files, memory objects, address-
// space regions, processes, credentials) use to say what their holder may do.
//
// Two forms. Static: a handle type carries a phantom `Rights` parameter (`FileHandle<ReadOnly>`)
// and its operations are declared in constrained extensions (`where R: CanWrite`), so calling
// `write` through a read-only handle does not compile and costs nothing at run time (the
// parameter has no storage; after specialization the call is the direct call). Dynamic: a
// `RightSet` checked at run time where rights come from user input (open flags, mmap protection).
// Converting dynamic to static (`RightSet.admits`) is a checked, fallible step; handles only
// offer conversions that drop rights, never ones that add them.

/// Rights as a run-time set (the dynamic form).
public struct RightSet: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let read = RightSet(rawValue: 1 << 0)
    public static let write = RightSet(rawValue: 1 << 1)
    public static let execute = RightSet(rawValue: 1 << 2)
    /// May be duplicated (dup, fork, SCM_RIGHTS later) or re-opened.
    public static let duplicate = RightSet(rawValue: 1 << 3)
    /// May send signals to (processes) / be signalled through.
    public static let signal = RightSet(rawValue: 1 << 4)
    /// May be mapped into an address space (memory objects, files).
    public static let map = RightSet(rawValue: 1 << 5)
    /// May change the object's attributes (truncate, chmod, credential changes).
    public static let manage = RightSet(rawValue: 1 << 6)

    public static let all: RightSet = [.read, .write, .execute, .duplicate, .signal, .map, .manage]

    /// True if these rights include everything `R` requires (dynamic → static check).
    @inline(__always)
    public func admits<R: Rights>(_ rights: R.Type) -> Bool { isSuperset(of: R.rightSet) }
}

/// A static rights type. Conforming types are uninhabited markers.
public protocol Rights {
    static var rightSet: RightSet { get }
}

public protocol CanRead: Rights {}
public protocol CanWrite: Rights {}
public protocol CanExecute: Rights {}
public protocol CanDuplicate: Rights {}
public protocol CanSignal: Rights {}
public protocol CanMap: Rights {}
public protocol CanManage: Rights {}

public enum NoRights: Rights { public static var rightSet: RightSet { [] } }
public enum ReadOnly: CanRead { public static var rightSet: RightSet { [.read] } }
public enum WriteOnly: CanWrite { public static var rightSet: RightSet { [.write] } }
public enum ReadWrite: CanRead, CanWrite { public static var rightSet: RightSet { [.read, .write] } }
public enum ReadExecute: CanRead, CanExecute { public static var rightSet: RightSet { [.read, .execute] } }
public enum ReadWriteExecute: CanRead, CanWrite, CanExecute { public static var rightSet: RightSet { [.read, .write, .execute] } }
public enum MapReadOnly: CanRead, CanMap { public static var rightSet: RightSet { [.read, .map] } }
public enum MapReadWrite: CanRead, CanWrite, CanMap { public static var rightSet: RightSet { [.read, .write, .map] } }
public enum SignalOnly: CanSignal { public static var rightSet: RightSet { [.signal] } }
public enum Manage: CanManage { public static var rightSet: RightSet { [.manage] } }
public enum ReadManage: CanRead, CanManage { public static var rightSet: RightSet { [.read, .manage] } }
public enum FullRights: CanRead, CanWrite, CanExecute, CanDuplicate, CanSignal, CanMap, CanManage {
    public static var rightSet: RightSet { .all }
}
