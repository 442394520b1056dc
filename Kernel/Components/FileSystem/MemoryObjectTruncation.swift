// Truncating a mapped memory object. When a file shrinks, the pages past its new end must leave
// every mapping of it, shared and private copies alike (mmap(2) "SIGBUS"; Linux's truncate
// unmaps the copied pages of the cut range too), so that the next touch there faults and gets
// SIGBUS instead of reading a page the file no longer has. The file system does not know the
// address spaces: whoever does (the process manager) injects a `MappedObjectTruncationObserver`
// at boot. Only objects that have ever been mapped pay for the walk; a file that was never
// mapped (most O_TRUNC opens) shrinks without it.

import Capabilities
import Framework

/// Told when a memory object that has been mapped shrinks.
public protocol MappedObjectTruncationObserver: AnyObject, Sendable {
    /// `object` is now `newSize` bytes: remove its pages at or past `newSize` rounded up to a page
    /// from every mapping.
    func mappedObjectShrank(_ object: MemoryObjectHandle<MapReadOnly>, toSize newSize: UInt64)
}

public enum MappedObjectTruncation {
    static let observerCell = SpinLock<(any MappedObjectTruncationObserver)?>(nil)

    /// Injects the observer. Call once at boot.
    public static func setObserver(_ observer: any MappedObjectTruncationObserver) {
        observerCell.withLock { $0 = observer }
    }

    static func objectShrank(_ object: MemoryObject, toSize newSize: UInt64) {
        guard object.hasBeenMapped, let observer = observerCell.withLock({ $0 }) else { return }
        observer.mappedObjectShrank(MemoryObjectHandle<MapReadOnly>(object: object), toSize: newSize)
    }
}
