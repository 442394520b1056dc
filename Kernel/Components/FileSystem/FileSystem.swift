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

/// The root of the tree, the mount table (MountTable.swift) and anonymous device numbers.
public final class FileSystemTable: Sendable {
    struct State {
        /// The root of the tree: rootfs, or what the kernel mounted over it (root on disk).
        var root: DirectoryInode
        var nextDeviceMinor: UInt32 = 2
        var mounts: [Mount] = []
        var nextMountID = 1
    }

    let state: SpinLock<State>

    init(root: (fileSystem: RamFileSystem, root: DirectoryInode)) {
        var initial = State(root: root.root)
        initial.mounts.append(Mount(id: 1, parentID: 1, source: Array("rootfs".utf8), typeName: Array("rootfs".utf8),
                                    flags: [], fileSystem: root.fileSystem, mountPoint: root.root))
        initial.nextMountID = 2
        state = SpinLock(initial)
    }

    /// The root file system, created empty at boot and filled from the initramfs.
    public static let shared = FileSystemTable(root: RamFileSystem.makeRootFileSystem())

    public var root: DirectoryInode { state.withLock { $0.root } }

    /// A fresh anonymous device number (major 0) for a new file system instance (st_dev).
    public func allocateDeviceNumber() -> UInt64 {
        state.withLock { state in
            defer { state.nextDeviceMinor &+= 1 }
            return makeDeviceNumber(major: 0, minor: state.nextDeviceMinor)
        }
    }
}
