// What one region (VMA) of an address space is: its current protection, the most it may ever be
// granted (from the capability it was mapped through: a region of a file opened read-only can
// never become writable-shared), private or shared, and what backs it.

import Capabilities
import FileSystem
import Framework
import RegionMap

public enum RegionSharing: Sendable, Equatable {
    /// Writes are private to the process (copy-on-write from the backing).
    case privateCopy
    /// Writes go to the backing memory object, visible to every mapping of it.
    case shared
}

/// A memory object as a region maps it, through capabilities: always readable and mappable;
/// writable only if the mapping was made through a handle with the write right (a shared
/// mapping of a file opened for writing, or shared anonymous memory). Faults on a shared region
/// can write the object's pages only through `writable`, so a region mapped without the right
/// cannot be made to write, whatever its protection says.
public struct MappedObject {
    public let readable: MemoryObjectHandle<MapReadOnly>
    public let writable: MemoryObjectHandle<MapReadWrite>?

    public init(readOnly handle: MemoryObjectHandle<MapReadOnly>) {
        readable = handle
        writable = nil
        handle.recordMapping()
    }

    public init(readWrite handle: MemoryObjectHandle<MapReadWrite>) {
        readable = handle.readOnly
        writable = handle
        handle.recordMapping()
    }

    func isSame(as other: MappedObject) -> Bool {
        readable.refersToSameObject(as: other.readable) && (writable == nil) == (other.writable == nil)
    }
}

public enum RegionBacking: Equatable {
    case anonymous
    case object(MappedObject, offset: UInt64)

    public static func == (lhs: RegionBacking, rhs: RegionBacking) -> Bool {
        switch (lhs, rhs) {
        case (.anonymous, .anonymous): true
        case let (.object(a, offsetA), .object(b, offsetB)): a.isSame(as: b) && offsetA == offsetB
        default: false
        }
    }
}

public enum RegionRole: Sendable, Equatable {
    case ordinary, heap, stack
    /// The vDSO's data page and its image (/proc/PID/maps: [vvar], [vdso]).
    case vdsoData, vdsoText
}

/// What a file-backed region was mapped from, for /proc/PID/maps: the file's identity and the
/// path it was reached by when it was mapped (numbers and bytes, no reference to the file).
public struct RegionOrigin: Equatable {
    public let file: FileIdentity
    public let path: [UInt8]
    /// The open file description an mmap(2) mapped, held as Linux's vm_file holds it: the file
    /// stays open while it is mapped, so a disk file system frees an unlinked file only after
    /// its last mapping goes too (its open-file count does not reach zero before).
    public let description: OpenFile?

    public init(file: FileIdentity, path: [UInt8], description: OpenFile? = nil) {
        self.file = file
        self.path = path
        self.description = description
    }

    public static func == (left: RegionOrigin, right: RegionOrigin) -> Bool {
        left.file == right.file && left.path == right.path && left.description === right.description
    }
}

public struct Region: RegionPayload {
    public var permissions: PagePermissions
    /// The rights a later mprotect may grant (read/write/execute), fixed at mmap time.
    public var maximumRights: RightSet
    public var sharing: RegionSharing
    public var backing: RegionBacking
    public var role: RegionRole
    public var origin: RegionOrigin?

    public var growsDown: Bool { role == .stack }

    public init(permissions: PagePermissions, maximumRights: RightSet, sharing: RegionSharing,
                backing: RegionBacking, role: RegionRole = .ordinary, origin: RegionOrigin? = nil) {
        self.permissions = permissions
        self.maximumRights = maximumRights
        self.sharing = sharing
        self.backing = backing
        self.role = role
        self.origin = origin
    }

    public func split(at offsetBytes: UInt64) -> (Region, Region) {
        var upper = self
        if case let .object(object, offset) = backing { upper.backing = .object(object, offset: offset + offsetBytes) }
        return (self, upper)
    }

    public func canMerge(with next: Region, distance: UInt64) -> Bool {
        guard permissions == next.permissions, maximumRights == next.maximumRights, sharing == next.sharing,
              role == next.role, origin?.file == next.origin?.file else { return false }
        switch (backing, next.backing) {
        case (.anonymous, .anonymous): return true
        case let (.object(a, offsetA), .object(b, offsetB)): return a.isSame(as: b) && offsetA + distance == offsetB
        default: return false
        }
    }

    public func merged(with next: Region) -> Region { self }
}
