// FileSystem: the virtual file system and the in-memory file system (ramfs) behind `/`.
//
// Owns inodes (files, directories, symlinks, device nodes), path resolution (symlinks, `.`,
// `..`, mount points, Linux's limits: 255-byte names, 4096-byte paths, 40 nested links),
// permission checks (owner/group/other bits, root bypass), open file descriptions and the
// capability handles through which other components use them (`FileHandle<Rights>`).
// File contents live in `MemoryObject`s: sparse trees of untyped frames, which are also what
// memory mappings of files share (see Components/Memory).
// Concurrency: the kernel is not preemptible inside system calls and runs one CPU, so inode and
// file state is touched by one task at a time; blocking points (pipes, TTY reads) drop no
// invariants. Follows path_resolution(7), open(2), stat(2), inode(7).

import Framework
import LinuxABI

/// The mounted file systems and the root of the tree.
public final class FileSystemTable: Sendable {
    struct State {
        let root: DirectoryInode
        var nextDeviceMinor: UInt64 = 1
        var mounts: [MountRecord] = []
    }

    /// One mounted file system, as /proc/mounts lists it.
    public struct MountRecord {
        public let source: [UInt8]
        public let type: [UInt8]
        public let options: [UInt8]
        /// statfs's f_type.
        public let magic: FileSystemMagic
        let mountPoint: DirectoryInode
        /// The root directory of the mounted file system (the mount point itself for "/").
        let mountedRoot: DirectoryInode
        /// The mount point's path from the root of the tree.
        public var point: [UInt8] { PathNames.path(of: mountPoint, root: FileSystemTable.shared.root) ?? [47] }
    }

    let state: SpinLock<State>

    init(root: DirectoryInode) {
        var initial = State(root: root)
        initial.mounts.append(MountRecord(source: Array("rootfs".utf8), type: Array("rootfs".utf8), options: Array("rw".utf8),
                                          magic: .RAMFS_MAGIC, mountPoint: root, mountedRoot: root))
        state = SpinLock(initial)
    }

    /// The root file system, created empty at boot and filled from the initramfs.
    public static let shared = FileSystemTable(root: RamFileSystem.makeRoot())

    public var root: DirectoryInode { state.withLock { $0.root } }

    /// Mounts `root` (the root directory of another file system) over the directory `point`.
    public func mount(_ mountedRoot: DirectoryInode, on point: DirectoryInode, source: [UInt8], type: [UInt8],
                      options: [UInt8], magic: FileSystemMagic) throws(Errno) {
        guard point.mounted == nil else { throw .EBUSY }
        mountedRoot.mountParent = point
        point.mounted = mountedRoot
        state.withLock {
            $0.mounts.append(MountRecord(source: source, type: type, options: options, magic: magic, mountPoint: point,
                                         mountedRoot: mountedRoot))
        }
    }

    /// The mounted file systems, in mount order.
    public var mounts: [MountRecord] { state.withLock { $0.mounts } }

    /// A fresh anonymous device number for a new file system instance (st_dev).
    public func allocateDeviceNumber() -> UInt64 {
        state.withLock { state in
            defer { state.nextDeviceMinor += 1 }
            return state.nextDeviceMinor
        }
    }
}
