// The process manager's side of truncating a mapped file (FileSystem's
// MemoryObjectTruncation.swift): it knows every address space, so it removes the pages past the
// new end from each one that maps the object. The cost is one pass over the regions of every
// live process, paid only when a file that has been mapped shrinks (Linux keeps a per-file tree
// of mappings instead).

import FileSystem
import Capabilities
import Framework
import Memory

public final class AddressSpaceTruncationObserver: MappedObjectTruncationObserver {
    public init() {}

    public func mappedObjectShrank(_ object: MemoryObjectHandle<MapReadOnly>, toSize newSize: UInt64) {
        // Processes made with CLONE_VM (vfork children) share a space and visit it twice: the
        // second pass finds nothing left to remove.
        for process in ProcessTable.shared.allProcesses {
            process.addressSpace.removePages(of: object, beyondSize: newSize)
        }
    }
}
