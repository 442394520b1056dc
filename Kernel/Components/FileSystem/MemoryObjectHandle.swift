// Capabilities on memory objects. A `MemoryObjectHandle<R>` is the only way other modules reach a
// memory object (a file's pages, shared anonymous memory), and its rights type decides at compile
// time what the holder can do: read pages (CanRead), map them, which may fill a hole with a zero
// page without changing the contents (CanMap), or write them and change the size (CanWrite).
// Handles come from a file handle that has the rights (`FileHandle.memoryObject`) or from
// creating shared anonymous memory; they only ever lose rights (`readOnly`).

import Capabilities
import Framework
import LinuxABI

public struct MemoryObjectHandle<R: Rights> {
    let object: MemoryObject

    init(object: MemoryObject) { self.object = object }

    /// Two handles on the same object (region merging, sharing checks).
    public func refersToSameObject<Other: Rights>(as other: MemoryObjectHandle<Other>) -> Bool { object === other.object }

    /// The object's size in bytes (mapping past it is SIGBUS).
    public var size: UInt64 { object.size }

    /// Records that a region maps the object, so that shrinking it removes the pages past the new
    /// end from the mappings (MemoryObjectTruncation.swift).
    public func recordMapping() { object.hasBeenMapped = true }
}

extension MemoryObjectHandle where R: CanRead {
    /// The frame holding page `index`, or nil for a hole (reads as zeros).
    public func page(_ index: Int) -> UntypedFrame? { object.page(index) }

    /// How many pages hold frames (the rest are holes): System V shared memory's rss.
    public var residentPageCount: Int { object.residentPageCount }
}

extension MemoryObjectHandle where R: CanRead, R: CanMap {
    /// The frame to share for page `index`: holes get a zeroed page (the contents do not change).
    public func pageForSharing(_ index: Int) throws(Errno) -> UntypedFrame { try object.pageForWriting(index) }

    /// The same object, read and map rights only.
    public var readOnly: MemoryObjectHandle<MapReadOnly> { MemoryObjectHandle<MapReadOnly>(object: object) }
}

extension MemoryObjectHandle where R: CanWrite {
    /// The frame for page `index`, to be written (a hole becomes a zeroed page).
    public func pageForWriting(_ index: Int) throws(Errno) -> UntypedFrame { try object.pageForWriting(index) }

    /// Sets the size; shrinking frees the pages past the end.
    public func setSize(_ newSize: UInt64) { object.setSize(newSize) }

    /// The indices of the pages that hold frames, in order (a page cache choosing what to evict).
    public var residentPageIndices: [Int] { object.residentPageIndices }

    /// Whether a region has ever mapped the object (its pages can then not be evicted).
    public var hasBeenMapped: Bool { object.hasBeenMapped }

    /// Drops page `index`, which the caller has written back; false (nothing dropped) if the
    /// page is absent or the object has been mapped.
    public func evictPage(_ index: Int) -> Bool { object.evictPage(index) }
}

/// Shared anonymous memory (MAP_SHARED|MAP_ANONYMOUS): a fresh object of `size` bytes.
public func makeSharedAnonymousMemory(size: UInt64) -> MemoryObjectHandle<MapReadWrite> {
    let object = MemoryObject()
    object.setSize(size)
    return MemoryObjectHandle(object: object)
}

extension FileHandle where R: CanMap {
    /// The memory object behind a mappable file (regular files), with this handle's rights;
    /// nil also when a disk file's pages cannot be loaded.
    public var memoryObject: MemoryObjectHandle<R>? {
        guard let regular = file.inode as? RegularFileInode, (try? regular.prepareContents()) != nil else { return nil }
        return MemoryObjectHandle<R>(object: regular.contents)
    }
}
