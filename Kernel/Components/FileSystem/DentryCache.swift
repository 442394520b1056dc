// The dentry cache: (directory, name) -> child, or -> "no such name" (a negative entry), so that a
// path walk answers a component it has seen before without asking the file system (ext2 reads
// and scans directory blocks under the volume lock; ramfs scans its entry list) and without
// allocating: the walk hashes the name where it lies in the path and compares it in place; only
// a miss copies the name out, and the copy the file system was asked with is the one kept.
//
// Invariants:
// - An entry is right or absent. Every change of a name in a caching directory forgets that
//   (directory, name) before it returns: ramfs's `insert`/`remove` (which its create, link,
//   unlink, rename and exchange are built from, and which the initramfs and /dev use directly)
//   and Namespace/Rename for every file system (ext2 overrides the operations themselves).
//   Mount crossing is not cached (the walk looks at the child's `mounted` every time), so
//   mount needs nothing; unmount forgets everything, which drops the references the cache holds
//   to the unmounted volume's objects.
// - Only directories that answer `lookupCaching == .cached` are remembered: procfs makes its
//   entries up on each lookup (processes come and go with no namespace operation).
// - Bounded: a fixed table of `setCount` × `ways` slots, allocated once when the heap has room for
//   it; a full set replaces one of its entries. Names are at most 255 bytes, so the cache holds at
//   most about 1024 × 300 bytes whatever users do, and it never grows.
// - Entries hold their directory and child strongly, so an object's identity is never reused
//   while an entry names it (ext2 frees disk inodes by link and open counts, not by references).

import Framework
import LinuxABI

/// Whether the path walk may remember a directory's lookups (see DentryCache).
public enum LookupCaching: Sendable {
    case cached
    case uncached
}

/// What the cache knows about a name.
enum CachedLookup {
    case found(Inode)
    case absent
    /// Not known; `generation` is what `remember` must still see to keep the answer.
    case unknown(generation: UInt64)
}

final class DentryCache: Sendable {
    static let setCount = 256
    static let ways = 4
    static var slotCount: Int { setCount * ways }

    struct Entry {
        let directory: DirectoryInode
        let name: [UInt8]
        let child: Inode?
    }

    struct Table {
        /// Per slot: the key's hash (0: empty), checked before the entry is touched.
        var hashes: [UInt64] = []
        var entries: [Entry?] = []
        /// Which way of a full set the next insertion replaces.
        var replacementCursor = 0
        var hits = 0
        var misses = 0
        /// Counts `forget`s: a lookup that slept in the file system (ext2 reading a block) while
        /// a name changed must not remember what it found before the change.
        var generation: UInt64 = 0
    }

    let table = SpinLock(Table())

    static let shared = DentryCache()

    /// The key's hash: FNV-1a over the name, mixed with the directory's identity; never 0.
    @inline(__always)
    static func hash(_ directory: DirectoryInode, _ path: [UInt8], _ range: Range<Int>) -> UInt64 {
        var value: UInt64 = 0xCBF2_9CE4_8422_2325 ^ UInt64(UInt(bitPattern: ObjectIdentifier(directory)))
        var index = range.lowerBound
        while index < range.upperBound {
            value = (value ^ UInt64(path[index])) &* 0x0000_0100_0000_01B3
            index += 1
        }
        value ^= value >> 29
        return value | 1
    }

    @inline(__always)
    static func sameName(_ stored: [UInt8], _ path: [UInt8], _ range: Range<Int>) -> Bool {
        guard stored.count == range.count else { return false }
        var index = 0
        while index < stored.count {
            if stored[index] != path[range.lowerBound + index] { return false }
            index += 1
        }
        return true
    }

    static func firstSlot(of hash: UInt64) -> Int { (Int(truncatingIfNeeded: hash >> 8) & (setCount - 1)) * ways }

    func lookup(in directory: DirectoryInode, _ path: [UInt8], _ range: Range<Int>, hash: UInt64) -> CachedLookup {
        table.withLock { table in
            guard !table.hashes.isEmpty else { return .unknown(generation: table.generation) }
            let first = Self.firstSlot(of: hash)
            for slot in first..<first + Self.ways where table.hashes[slot] == hash {
                guard let entry = table.entries[slot], entry.directory === directory,
                      Self.sameName(entry.name, path, range) else { continue }
                table.hits &+= 1
                if let child = entry.child { return .found(child) }
                return .absent
            }
            table.misses &+= 1
            return .unknown(generation: table.generation)
        }
    }

    /// Remembers what the file system answered for `name` (nil: no such name).
    func remember(_ child: Inode?, as name: [UInt8], in directory: DirectoryInode, hash: UInt64, generation: UInt64) {
        table.withLock { table in
            guard table.generation == generation else { return }
            if table.hashes.isEmpty {
                let bytes = Self.slotCount * (Swift.MemoryLayout<UInt64>.stride + Swift.MemoryLayout<Entry?>.stride) + 256
                guard (try? KernelMemory.requireHeadroom(forHeapBytes: bytes)) != nil else { return }
                table.hashes = [UInt64](repeating: 0, count: Self.slotCount)
                table.entries = [Entry?](repeating: nil, count: Self.slotCount)
            }
            // The name's buffer is the one the file system was asked with; an entry only keeps it alive.
            guard (try? KernelMemory.requireHeadroom(forHeapBytes: name.count + 32)) != nil else { return }
            let first = Self.firstSlot(of: hash)
            var chosen = first + table.replacementCursor % Self.ways
            for slot in first..<first + Self.ways where table.hashes[slot] == 0 {
                chosen = slot
                break
            }
            table.replacementCursor &+= 1
            table.hashes[chosen] = hash
            table.entries[chosen] = Entry(directory: directory, name: name, child: child)
        }
    }

    /// Forgets what is known about `name` in `directory` (it is about to change or just changed).
    func forget(_ name: [UInt8], in directory: DirectoryInode) {
        let hash = Self.hash(directory, name, 0..<name.count)
        table.withLock { table in
            table.generation &+= 1
            guard !table.hashes.isEmpty else { return }
            let first = Self.firstSlot(of: hash)
            for slot in first..<first + Self.ways where table.hashes[slot] == hash {
                guard let entry = table.entries[slot], entry.directory === directory,
                      Self.sameName(entry.name, name, 0..<name.count) else { continue }
                table.hashes[slot] = 0
                table.entries[slot] = nil
            }
        }
    }

    /// Forgets everything (unmount), releasing the objects the entries hold.
    func forgetAll() {
        table.withLock { table in
            table.generation &+= 1
            for slot in 0..<table.hashes.count {
                table.hashes[slot] = 0
                table.entries[slot] = nil
            }
        }
    }

    /// (hits, misses) since boot, for tests.
    var counts: (hits: Int, misses: Int) { table.withLock { ($0.hits, $0.misses) } }
}

extension DirectoryInode {
    /// The child called `path[range]` here, from the cache or (then remembered) the file system.
    @inline(__always)
    final func cachedLookup(_ path: [UInt8], _ range: Range<Int>) -> Inode? {
        guard lookupCaching == .cached else { return lookup(Array(path[range])) }
        let cache = DentryCache.shared
        let hash = DentryCache.hash(self, path, range)
        switch cache.lookup(in: self, path, range, hash: hash) {
        case .found(let child): return child
        case .absent: return nil
        case .unknown(let generation):
            let name = range == 0..<path.count ? path : Array(path[range])
            let child = lookup(name)
            cache.remember(child, as: name, in: self, hash: hash, generation: generation)
            return child
        }
    }

    /// The child called `name` here (as `cachedLookup(_:_:)`, for a name already on its own).
    final func cachedLookup(_ name: [UInt8]) -> Inode? { cachedLookup(name, 0..<name.count) }

    /// Forgets every remembered lookup (a volume goes away: its objects must not be kept alive).
    public static func forgetAllCachedLookups() { DentryCache.shared.forgetAll() }

    /// Tells the cache that `name` here changes (create, link, unlink, rmdir, rename, exchange).
    final func forgetCachedLookup(_ name: [UInt8]) {
        guard lookupCaching == .cached else { return }
        DentryCache.shared.forget(name, in: self)
    }
}
