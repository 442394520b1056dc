// Ext2FS: ext2 file systems on block devices, mounted into the VFS. The on-disk format and every
// operation on it belong to the pure Ext2 library (Kernel/Libraries/Ext2); this component puts it
// behind the VFS classes of FileSystem and owns the caching between the two.
//
// Entry point (the mount table and mount(2) live elsewhere and call this):
//   let volume = try Ext2Mount.mount(blockDevice, readOnly: .readWrite)   // or .readOnly
//   volume.root          the root directory (a DirectoryInode) to graft into the tree
//   volume.access        what was granted: .readOnly if asked, or if the disk has RO_COMPAT
//                        features this driver cannot keep correct
//   volume.statistics()  statfs's block and inode counts (StorageCounts; throws EIO after unmount)
//   volume.statfs()      the same as a whole struct statfs (f_type EXT2_SUPER_MAGIC), never throwing
//   volume.sync()        writes back everything dirty and flushes the disk (sync(2) reaches
//                        every mounted volume through the mount table's MountedFileSystem.sync;
//                        fsync/syncfs of any file on it call this too)
//   volume.unmount()     EBUSY while an open file description refers to any of its inodes (a
//                        cwd or a mapping is not seen here: the mount table checks processes),
//                        else writes back, frees unlinked inodes, marks the superblock clean
//                        and detaches; every later operation is EIO
//   volume.shutDown()    unmount without the busy check, errors logged (the mount table's last word)
// Mount errors: EINVAL for anything that is not a mountable ext2 (bad magic, corrupt superblock
// or group descriptors, an unsupported INCOMPAT feature, named in the log line), EIO when the
// device cannot be read.
//
// Caching, in two layers:
// - metadata goes through `BlockCache` (bounded, 1 KiB units, dirty until write-back);
// - a regular file's data lives in its VFS memory object, which is what read(2), write(2) and
//   mmap (MAP_SHARED maps those very frames) all use: the page cache (Ext2File.swift). Pages are
//   loaded as reads and writes reach them (readahead for sequential reads), write(2) allocates
//   the blocks it writes, dirty pages are written back at sync, by the periodic flusher
//   (Ext2Flusher.swift: after 30 s, or at once past a dirty limit), and clean pages are evicted
//   when memory runs low (Ext2PageReclaim.swift). A file that is mapped or executed is loaded
//   whole and stays (a hash per page tells write-back what a MAP_SHARED store changed).
// In-memory inodes are kept in a table by inode number, so that every lookup of one file finds
// the same object (open descriptors, mappings and lookups must agree); linked ones stay until
// unmount. An inode with no links left is freed on the disk once no open file description
// refers to it (`Inode.openFileCount`; `sweep` runs after unlink, rmdir and rename and at sync,
// statfs and unmount), as Linux's iput does at the last close. A removed directory is freed at
// unmount only: it may be a process's cwd, which holds no open file, and its number must not be
// reused under it. (isKnownUniquelyReferenced cannot replace the count: it answers false for a
// fresh object in this kernel, as a ktest showed.)
//
// Attributes: chmod, chown, utimensat and the times read(2)/write(2) update change the VFS
// inode's fields; `attributesDidChange` marks the inode, and write-back stores the fields on the
// disk. Namespace operations (create, link, unlink, rmdir, rename) go to the library at once and
// reload the attributes of the inodes they touched.
//
// Concurrency: the library is not reentrant and device I/O sleeps, so every entry from the VFS
// takes the volume's sleeping lock (`VolumeLock`); code inside never re-enters through the VFS.
// Errors: a corrupt structure is EUCLEAN for the operation that met it (logged with the reason),
// a device error EIO; nothing here traps on disk contents (the library checks every number).
// Limits (honest): mapped files are never evicted (Linux unmaps them; here they stay, loaded
// whole) and a MAP_SHARED store is found only at sync/msync/unmount; reclaim reaches only the
// files of the volume being read or written; linked inodes stay in memory until unmount; lookup
// and readdir cannot report EIO/EUCLEAN through the VFS (the lookup misses, the listing ends),
// the log names the problem.

import Block
import Ext2
import FileSystem
import Framework
import LinuxABI
import Scheduling

public enum Ext2Mount {
    /// Metadata units (1 KiB) the block cache keeps at most: 4 MiB.
    static let cacheUnits = 4096

    /// Mounts the ext2 file system on `device`. A read-write request on a read-only device
    /// mounts read-only, as Linux does for a write-protected disk.
    public static func mount(_ device: BlockDevice, readOnly access: MountAccess,
                             options: Ext2MountOptions = Ext2MountOptions()) throws(Errno) -> Ext2Volume {
        let cache = BlockCache(device: device, capacityUnits: cacheUnits)
        let requested: Ext2FileSystem.Access = access == .readOnly || device.isReadOnly ? .readOnly : .readWrite
        let fileSystem: Ext2FileSystem
        do throws(Ext2MountError) {
            fileSystem = try Ext2FileSystem.mount(device: cache, clock: KernelClock.shared, access: requested)
        } catch {
            Log.warn("\(device.name): \(error.description)")
            throw error.errno
        }
        for warning in fileSystem.mountWarnings { Log.warn("\(device.name): ext2: \(describe(warning))") }
        let volume = Ext2Volume(device: device, cache: cache, fileSystem: fileSystem)
        try volume.apply(options)
        do throws(Errno) {
            try cache.writeBack()
            try device.flush()
        } catch {
            Log.warn("\(device.name): ext2: could not write the superblock at mount")
            throw .EIO
        }
        if volume.access == .readWrite { Ext2Flusher.startIfNeeded() }
        return volume
    }

    static func describe(_ warning: Ext2MountWarning) -> String {
        switch warning {
        case .readOnlyFeatures(_, let names): "unsupported read-only-compatible features (\(names)): mounted read-only"
        case .notCleanlyUnmounted: "not cleanly unmounted: running e2fsck is recommended"
        case .hasErrors: "the file system has errors: running e2fsck is recommended"
        case .maximumMountCountReached: "maximal mount count reached: running e2fsck is recommended"
        }
    }
}

/// The kernel's CLOCK_REALTIME, for the library's timestamps.
final class KernelClock: Ext2Clock, Sendable {
    static let shared = KernelClock()

    func now() -> Timespec {
        let time = Timestamp.now()
        return Timespec(seconds: time.seconds, nanoseconds: time.nanoseconds)
    }
}

/// A sleeping lock: the holder may sleep on the device while others wait their turn.
final class VolumeLock: Sendable {
    private let isHeld = SpinLock(false)
    private let waiters = WaitQueue()

    func locked<T>(_ body: () throws(Errno) -> T) throws(Errno) -> T {
        waiters.wait(until: {
            isHeld.withLock { held in
                if held { return false }
                held = true
                return true
            }
        })
        defer {
            isHeld.withLock { $0 = false }
            waiters.wakeAll()
        }
        return try body()
    }
}
