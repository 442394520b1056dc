// In-kernel tests of the dentry cache over ext2 (whose directories override the namespace
// operations, so the cache is told of changes by Namespace and Rename rather than by the
// directory primitives ramfs uses): a walk after create, rename, unlink, mkdir and rmdir sees
// the change, and a volume mounted again is not answered with the old volume's objects.
// Everything made here is removed again, so the image stays as mke2fs made it plus nothing.

#if KTEST
import Ext2
import FileSystem
import Framework
import LinuxABI

func ext2Resolve(_ volume: Ext2Volume, _ path: String) -> Errno? {
    ext2Errno { () throws(Errno) in
        _ = try PathResolver.resolve(Array(path.utf8), from: volume.root, context: ext2Context(volume), finalLink: .noFollow)
    }
}

public func registerExt2DentryKTests() {
    KTest.test("ext2fs.dentry_cache_sees_namespace_changes") { t in
        let volume = ext2Mount("vdc", .readWrite, t)
        let context = ext2Context(volume)
        t.expectEqual(ext2Resolve(volume, "dentry-a"), .ENOENT, "absent first (a negative entry)")
        t.expectEqual(ext2Resolve(volume, "dir/dentry-b"), .ENOENT)
        t.expect(ext2Write(volume, "dentry-a", [1, 2, 3]), "create")
        t.expectEqual(ext2Resolve(volume, "dentry-a"), nil, "found after create")
        t.expectEqual(ext2Errno { () throws(Errno) in
            try Namespace.rename(Array("dentry-a".utf8), from: volume.root, to: Array("dir/dentry-b".utf8), from: volume.root,
                                 mode: .replace, context: context)
        }, nil, "rename")
        t.expectEqual(ext2Resolve(volume, "dentry-a"), .ENOENT, "the old name is gone")
        t.expectEqual(ext2Read(volume, "dir/dentry-b"), [1, 2, 3], "the new name has the file")
        t.expectEqual(ext2Errno { () throws(Errno) in try Namespace.unlink(Array("dir/dentry-b".utf8), from: volume.root, context: context) },
                      nil, "unlink")
        t.expectEqual(ext2Resolve(volume, "dir/dentry-b"), .ENOENT, "gone after unlink")
        t.expectEqual(ext2Errno { () throws(Errno) in
            try Namespace.makeDirectory(Array("dentry-d".utf8), from: volume.root, mode: 0o755, context: context)
        }, nil, "mkdir")
        t.expectEqual(ext2Resolve(volume, "dentry-d/."), nil, "found after mkdir")
        t.expectEqual(ext2Errno { () throws(Errno) in try Namespace.removeDirectory(Array("dentry-d".utf8), from: volume.root, context: context) },
                      nil, "rmdir")
        t.expectEqual(ext2Resolve(volume, "dentry-d"), .ENOENT, "gone after rmdir")
        let oldDirectory = try? PathResolver.resolve(Array("dir".utf8), from: volume.root, context: context, finalLink: .noFollow)
        ext2Unmount(volume, t)
        let again = ext2Mount("vdc", .readOnly, t)
        let newDirectory = try? PathResolver.resolve(Array("dir".utf8), from: again.root, context: ext2Context(again), finalLink: .noFollow)
        t.expect(newDirectory != nil && newDirectory !== oldDirectory, "a new mount answers with its own objects")
        t.expectEqual(ext2Read(again, "dir/inner.txt"), Array("inner\n".utf8))
        ext2Unmount(again, t)
    }
}
#endif
