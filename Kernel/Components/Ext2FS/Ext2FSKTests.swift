// In-kernel tests of ext2 volumes on real (QEMU) virtio disks. The ktest harness (Toolkit
// KernelTests.swift) attaches, after the two pattern disks vda and vdb:
//   vdc  a clean ext2 image made by `mke2fs -t ext2 -d` from a small tree (hello.txt,
//        dir/inner.txt, link -> hello.txt); the tests write to it, and after the run the
//        toolkit checks it with `e2fsck -fn` and reads the files back with `debugfs`;
//   vdd  the same tree, with the first directory entry of `bad/` given a rec_len that runs off
//        its block;
//   vde  an ext4 image (extents and other INCOMPAT features ext2 does not know);
//   vdf  an ext2 image with huge_file, a RO_COMPAT feature this driver does not keep.
// Each test mounts and unmounts its own volume, so any filter works.

#if KTEST
import Block
import Capabilities
import Ext2
import FileSystem
import Framework
import LinuxABI

let ext2HelloText = Array("hello from mke2fs\n".utf8)

func ext2Device(_ name: String, _ t: KTestContext) -> BlockDevice {
    guard let device = BlockDevices.shared.device(named: name) else {
        t.require(false, "\(name) is attached by the ktest harness")
        fatalError()
    }
    return device
}

func ext2Mount(_ name: String, _ access: MountAccess, _ t: KTestContext) -> Ext2Volume {
    do throws(Errno) {
        return try Ext2Mount.mount(ext2Device(name, t), readOnly: access)
    } catch {
        t.require(false, "mounting \(name) failed with \(error.name)")
        fatalError()
    }
}

func ext2Unmount(_ volume: Ext2Volume, _ t: KTestContext, line: UInt = #line) {
    let error = ext2Errno { () throws(Errno) in try volume.unmount() }
    t.expect(error == nil, "unmount: \(error?.name ?? "")", line: line)
}

func ext2Context(_ volume: Ext2Volume) -> PathContext {
    PathContext(root: volume.root, workingDirectory: volume.root, identity: AccessIdentity(userID: 0, groupID: 0))
}

func ext2Open(_ volume: Ext2Volume, _ path: String, _ flags: OpenFlags) throws(Errno) -> OpenFile {
    try Namespace.open(Array(path.utf8), from: volume.root, flags: flags, mode: 0o644, context: ext2Context(volume))
}

func ext2Read(_ volume: Ext2Volume, _ path: String) -> [UInt8]? {
    guard let file = try? ext2Open(volume, path, .O_RDONLY), let handle = try? file.handle(ReadOnly.self),
          let size = file.inode?.size else { return nil }
    return try? handle.readBytes(at: 0, count: Int(size))
}

@discardableResult
func ext2Write(_ volume: Ext2Volume, _ path: String, _ bytes: [UInt8]) -> Bool {
    guard let file = try? ext2Open(volume, path, [.O_RDWR, .O_CREAT, .O_TRUNC]),
          let handle = try? file.handle(ReadWrite.self) else { return false }
    return (try? handle.write(bytes: bytes)) == bytes.count
}

func ext2Names(_ directory: DirectoryInode) -> [String] {
    directory.entries(after: 0).map { String(decoding: $0.name, as: UTF8.self) }
}

func ext2Errno(_ body: () throws(Errno) -> Void) -> Errno? {
    do { try body() } catch { return error }
    return nil
}

func ext2Pattern(_ count: Int, seed: Int) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ seed &+ $0 / 4096) }
}

public func registerExt2FSKTests() {
    registerExt2PageCacheKTests()
    KTest.test("ext2fs.not_ext2_is_a_mount_error") { t in
        t.expectEqual(ext2Errno { () throws(Errno) in _ = try Ext2Mount.mount(ext2Device("vda", t), readOnly: .readOnly) }, .EINVAL,
                      "a pattern disk has no ext2 magic")
        t.expectEqual(ext2Errno { () throws(Errno) in _ = try Ext2Mount.mount(ext2Device("vde", t), readOnly: .readWrite) }, .EINVAL,
                      "ext4 INCOMPAT features (extent, ...) are a mount error")
    }

    KTest.test("ext2fs.missing_ro_compat_feature_mounts_read_only") { t in
        let volume = ext2Mount("vdf", .readWrite, t)
        t.expectEqual(volume.access, .readOnly)
        t.expectEqual(ext2Read(volume, "hello.txt"), ext2HelloText, "still readable")
        t.expectEqual(ext2Errno { () throws(Errno) in _ = try ext2Open(volume, "new", [.O_RDWR, .O_CREAT]) }, .EROFS)
        ext2Unmount(volume, t)
    }

    KTest.test("ext2fs.reads_what_mke2fs_wrote") { t in
        let volume = ext2Mount("vdc", .readOnly, t)
        t.expectEqual(volume.access, .readOnly)
        t.expectEqual(ext2Read(volume, "hello.txt"), ext2HelloText)
        t.expectEqual(ext2Read(volume, "dir/inner.txt"), Array("inner\n".utf8))
        t.expectEqual(ext2Read(volume, "link"), ext2HelloText, "the symbolic link is followed")
        t.expectEqual(try? Namespace.readLink(Array("link".utf8), from: volume.root, context: ext2Context(volume)), Array("hello.txt".utf8))
        let names = ext2Names(volume.root)
        t.expect(names.contains("hello.txt") && names.contains("dir") && names.contains("lost+found"), "root lists \(names)")
        t.expect(volume.root.lookup(Array("dir".utf8)) === volume.root.lookup(Array("dir".utf8)), "one object per inode")
        let counts = try? volume.statistics()
        t.expect((counts?.blocks ?? 0) > 0 && (counts?.freeBlocks ?? 0) > 0 && (counts?.inodes ?? 0) > 0)
        t.expectEqual(counts?.blockSize, 1024)
        t.expectEqual(volume.root.storageCounts, counts, "statfs of any inode reports the volume's counts")
        t.expectEqual(ext2Errno { () throws(Errno) in _ = try ext2Open(volume, "new", [.O_RDWR, .O_CREAT]) }, .EROFS)
        ext2Unmount(volume, t)
    }

    KTest.test("ext2fs.writes_reach_the_disk") { t in
        var volume = ext2Mount("vdc", .readWrite, t)
        var context = ext2Context(volume)
        t.expect(ext2Write(volume, "new.txt", Array("written by apus\n".utf8)))
        t.expect((try? Namespace.makeDirectory(Array("made".utf8), from: volume.root, mode: 0o750, context: context)) != nil)
        t.expect(ext2Write(volume, "made/a", ext2Pattern(20_000, seed: 1)))
        t.expect((try? Namespace.rename(Array("made/a".utf8), from: volume.root, to: Array("made/b".utf8), from: volume.root,
                                        mode: .replace, context: context)) != nil)
        if let moved = volume.root.lookup(Array("made".utf8)).flatMap({ ($0 as? DirectoryInode)?.lookup(Array("b".utf8)) }) {
            t.expect((try? Namespace.link(moved, at: Array("hard".utf8), from: volume.root, context: context)) != nil)
        } else {
            t.expect(false, "made/b after the rename")
        }
        t.expect((try? Namespace.makeSymlink(target: Array("hello.txt".utf8), at: Array("fast".utf8), from: volume.root,
                                             context: context)) != nil)
        let longTarget = [UInt8](repeating: 0x61, count: 200)
        t.expect((try? Namespace.makeSymlink(target: longTarget, at: Array("slow".utf8), from: volume.root, context: context)) != nil)
        t.expect((try? Namespace.makeNode(Array("fifo".utf8), from: volume.root, mode: 0o010644, device: 0, context: context)) != nil)
        t.expect((try? Namespace.makeNode(Array("null".utf8), from: volume.root, mode: 0o020666,
                                          device: makeDeviceNumber(major: 1, minor: 3), context: context)) != nil)
        // Truncate down, then up again: the cut bytes read back as zeros.
        t.expect(ext2Write(volume, "trunc", ext2Pattern(8192, seed: 2)))
        if let file = try? ext2Open(volume, "trunc", .O_RDWR), let handle = try? file.handle(ReadWrite.self) {
            t.expect((try? handle.truncate(to: 100)) != nil)
            t.expect((try? handle.truncate(to: 5000)) != nil)
        }
        // A file that goes away.
        t.expect(ext2Write(volume, "gone", ext2Pattern(30_000, seed: 3)))
        t.expect((try? Namespace.unlink(Array("gone".utf8), from: volume.root, context: context)) != nil)
        if let hello = volume.root.lookup(Array("hello.txt".utf8)) { hello.permissions = 0o600 }
        t.expect((try? Namespace.makeDirectory(Array("empty".utf8), from: volume.root, mode: 0o755, context: context)) != nil)
        t.expect((try? Namespace.removeDirectory(Array("empty".utf8), from: volume.root, context: context)) != nil)
        t.expect((try? volume.sync()) != nil)
        ext2Unmount(volume, t)

        volume = ext2Mount("vdc", .readOnly, t)
        context = ext2Context(volume)
        t.expectEqual(ext2Read(volume, "new.txt"), Array("written by apus\n".utf8))
        t.expectEqual(ext2Read(volume, "made/b"), ext2Pattern(20_000, seed: 1))
        t.expectEqual(ext2Read(volume, "hard"), ext2Pattern(20_000, seed: 1))
        t.expectEqual(volume.root.lookup(Array("hard".utf8))?.linkCount, 2)
        t.expect(volume.root.lookup(Array("made".utf8)).flatMap { ($0 as? DirectoryInode)?.lookup(Array("a".utf8)) } == nil)
        t.expectEqual(volume.root.lookup(Array("made".utf8))?.permissions, 0o750)
        t.expectEqual(ext2Read(volume, "fast"), ext2HelloText)
        t.expectEqual(try? Namespace.readLink(Array("slow".utf8), from: volume.root, context: context), longTarget)
        t.expectEqual(volume.root.lookup(Array("fifo".utf8))?.kind, .fifo)
        t.expectEqual(volume.root.lookup(Array("null".utf8))?.representedDevice, makeDeviceNumber(major: 1, minor: 3))
        var expected = Array(ext2Pattern(8192, seed: 2)[0..<100])
        expected += [UInt8](repeating: 0, count: 4900)
        t.expectEqual(ext2Read(volume, "trunc"), expected)
        t.expect(volume.root.lookup(Array("gone".utf8)) == nil && volume.root.lookup(Array("empty".utf8)) == nil)
        t.expectEqual(volume.root.lookup(Array("hello.txt".utf8))?.permissions, 0o600)
        ext2Unmount(volume, t)
    }

    KTest.test("ext2fs.shared_pages_and_open_unlinked_files") { t in
        let volume = ext2Mount("vdc", .readWrite, t)
        let context = ext2Context(volume)
        // A store into the shared memory object (what MAP_SHARED maps) is what read sees and
        // what sync writes.
        t.expect(ext2Write(volume, "mapped.txt", [UInt8](repeating: 0x2E, count: 6000)))
        if let file = try? ext2Open(volume, "mapped.txt", .O_RDWR), let handle = try? file.handle(MapReadWrite.self),
           let object = handle.memoryObject, let frame = try? object.pageForWriting(1) {
            frame.write(Array("shared".utf8).span, at: 0)
            t.expectEqual(try? handle.readBytes(at: 4096, count: 6), Array("shared".utf8))
        } else {
            t.expect(false, "mapped.txt's memory object")
        }
        // Blocks of an unlinked file come back when its last user lets go (counted after a sync:
        // write-back allocates mapped.txt's blocks).
        t.expect((try? volume.sync()) != nil)
        let before = (try? volume.statistics())?.freeBlocks ?? 0
        var open: OpenFile? = try? ext2Open(volume, "big", [.O_RDWR, .O_CREAT])
        if let handle = try? open?.handle(ReadWrite.self) { _ = try? handle.write(bytes: ext2Pattern(64 * 1024, seed: 4)) }
        t.expect((try? open?.handle(ReadWrite.self).sync()) != nil, "fsync writes the blocks")
        let written = (try? volume.statistics())?.freeBlocks ?? 0
        t.expect(written + 64 <= before, "64 KiB took blocks: \(before) -> \(written)")
        t.expect((try? Namespace.unlink(Array("big".utf8), from: volume.root, context: context)) != nil)
        t.expectEqual(ext2Errno { () throws(Errno) in try volume.unmount() }, .EBUSY, "a file is still open")
        t.expectEqual(try? open?.handle(ReadOnly.self).readBytes(at: 65_000, count: 4), Array(ext2Pattern(64 * 1024, seed: 4)[65_000..<65_004]),
                      "an open unlinked file still reads")
        t.expectEqual((try? volume.statistics())?.freeBlocks, written, "not freed while open")
        open = nil
        t.expect(((try? volume.statistics())?.freeBlocks ?? 0) >= before, "freed at the last close")
        ext2Unmount(volume, t)

        let again = ext2Mount("vdc", .readOnly, t)
        var expected = [UInt8](repeating: 0x2E, count: 6000)
        expected.replaceSubrange(4096..<4102, with: Array("shared".utf8))
        t.expectEqual(ext2Read(again, "mapped.txt"), expected)
        ext2Unmount(again, t)
    }

    KTest.test("ext2fs.corrupt_directory_fails_only_its_operations") { t in
        let volume = ext2Mount("vdd", .readWrite, t)
        let context = ext2Context(volume)
        t.expectEqual(ext2Read(volume, "hello.txt"), ext2HelloText, "the rest of the tree works")
        let bad = volume.root.lookup(Array("bad".utf8)) as? DirectoryInode
        t.require(bad != nil, "bad/ is a directory")
        t.expect(bad?.lookup(Array("x".utf8)) == nil)
        _ = bad?.entries(after: 0)
        t.expectEqual(ext2Errno { () throws(Errno) in
            try Namespace.makeDirectory(Array("bad/new".utf8), from: volume.root, mode: 0o755, context: context)
        }, .EUCLEAN)
        t.expect(ext2Write(volume, "fine.txt", Array("ok".utf8)), "writing elsewhere still works")
        ext2Unmount(volume, t)
    }
}
#endif
