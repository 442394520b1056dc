// In-kernel tests of the dentry cache (DentryCache.swift): each namespace operation makes the
// next walk see the change although the walk before it left a positive or negative entry for the
// name; a lookup that raced with a change is not remembered; the table never grows. Each test
// uses its own ramfs instance (ext2: Ext2FS/Ext2DentryKTests.swift).

#if KTEST
import Framework
import LinuxABI

func dentryTree(_ minor: UInt32) -> (root: DirectoryInode, context: PathContext) {
    let root = RamFileSystem.makeInstance(deviceNumber: makeDeviceNumber(major: 0, minor: minor), permissions: 0o755)
    return (root, PathContext(root: root, workingDirectory: root, identity: AccessIdentity(userID: 0, groupID: 0)))
}

func dentryResolve(_ path: String, _ tree: (root: DirectoryInode, context: PathContext)) -> Result<Inode, Errno> {
    do throws(Errno) {
        return .success(try PathResolver.resolve(Array(path.utf8), from: tree.root, context: tree.context, finalLink: .noFollow))
    } catch {
        return .failure(error)
    }
}

func dentryErrno(_ path: String, _ tree: (root: DirectoryInode, context: PathContext)) -> Errno? {
    if case .failure(let error) = dentryResolve(path, tree) { return error }
    return nil
}

func dentryInode(_ path: String, _ tree: (root: DirectoryInode, context: PathContext)) -> Inode? {
    if case .success(let inode) = dentryResolve(path, tree) { return inode }
    return nil
}

func dentryDo(_ t: KTestContext, _ what: String, line: UInt = #line, _ body: () throws(Errno) -> Void) {
    do throws(Errno) { try body() } catch { t.expect(false, "\(what): \(error.name)", line: line) }
}

public func registerDentryCacheKTests() {
    KTest.test("dentry.walks_are_answered_from_the_cache") { t in
        let tree = dentryTree(240)
        dentryDo(t, "mkdir") { () throws(Errno) in try Namespace.makeDirectory(Array("/a".utf8), from: tree.root, mode: 0o755, context: tree.context) }
        _ = dentryInode("/a", tree)
        let before = DentryCache.shared.counts
        t.expect(dentryInode("/a", tree) != nil, "found again")
        t.expectEqual(dentryErrno("/a/none", tree), .ENOENT)
        t.expectEqual(dentryErrno("/a/none", tree), .ENOENT, "a negative entry answers the same")
        let after = DentryCache.shared.counts
        t.expect(after.hits - before.hits >= 3, "the repeated names were hits (\(after.hits - before.hits))")
    }

    KTest.test("dentry.creation_forgets_negative_entries") { t in
        let tree = dentryTree(241)
        let names = ["file", "dir", "node", "link", "hard"]
        for name in names { t.expectEqual(dentryErrno("/" + name, tree), .ENOENT, "\(name) absent first") }
        dentryDo(t, "creat") { () throws(Errno) in
            _ = try Namespace.open(Array("/file".utf8), from: tree.root, flags: [.O_RDWR, .O_CREAT], mode: 0o644, context: tree.context)
        }
        dentryDo(t, "mkdir") { () throws(Errno) in try Namespace.makeDirectory(Array("/dir".utf8), from: tree.root, mode: 0o755, context: tree.context) }
        dentryDo(t, "mknod") { () throws(Errno) in
            try Namespace.makeNode(Array("/node".utf8), from: tree.root, mode: 0o010644, device: 0, context: tree.context)
        }
        dentryDo(t, "symlink") { () throws(Errno) in
            try Namespace.makeSymlink(target: Array("file".utf8), at: Array("/link".utf8), from: tree.root, context: tree.context)
        }
        if let file = dentryInode("/file", tree) {
            dentryDo(t, "link") { () throws(Errno) in try Namespace.link(file, at: Array("/hard".utf8), from: tree.root, context: tree.context) }
        }
        for name in names { t.expect(dentryInode("/" + name, tree) != nil, "\(name) found after it was made") }
        t.expect(dentryInode("/hard", tree) === dentryInode("/file", tree), "the hard link names the file")
    }

    KTest.test("dentry.removal_forgets_positive_entries") { t in
        let tree = dentryTree(242)
        dentryDo(t, "mkdir") { () throws(Errno) in try Namespace.makeDirectory(Array("/d".utf8), from: tree.root, mode: 0o755, context: tree.context) }
        dentryDo(t, "creat") { () throws(Errno) in
            _ = try Namespace.open(Array("/d/f".utf8), from: tree.root, flags: [.O_RDWR, .O_CREAT], mode: 0o644, context: tree.context)
        }
        t.expect(dentryInode("/d/f", tree) != nil, "the file is found")
        dentryDo(t, "unlink") { () throws(Errno) in try Namespace.unlink(Array("/d/f".utf8), from: tree.root, context: tree.context) }
        t.expectEqual(dentryErrno("/d/f", tree), .ENOENT, "gone after unlink")
        let old = dentryInode("/d", tree)
        dentryDo(t, "rmdir") { () throws(Errno) in try Namespace.removeDirectory(Array("/d".utf8), from: tree.root, context: tree.context) }
        t.expectEqual(dentryErrno("/d", tree), .ENOENT, "gone after rmdir")
        t.expectEqual(dentryErrno("/d/f", tree), .ENOENT, "and so is what was below it")
        dentryDo(t, "mkdir again") { () throws(Errno) in try Namespace.makeDirectory(Array("/d".utf8), from: tree.root, mode: 0o755, context: tree.context) }
        let new = dentryInode("/d", tree)
        t.expect(new != nil && new !== old, "a new directory of the old name is the new one")
    }

    KTest.test("dentry.rename_and_exchange_forget_both_names") { t in
        let tree = dentryTree(243)
        for name in ["/a", "/c"] {
            dentryDo(t, "creat \(name)") { () throws(Errno) in
                _ = try Namespace.open(Array(name.utf8), from: tree.root, flags: [.O_RDWR, .O_CREAT], mode: 0o644, context: tree.context)
            }
        }
        dentryDo(t, "mkdir") { () throws(Errno) in try Namespace.makeDirectory(Array("/sub".utf8), from: tree.root, mode: 0o755, context: tree.context) }
        let a = dentryInode("/a", tree), c = dentryInode("/c", tree)
        t.expectEqual(dentryErrno("/sub/b", tree), .ENOENT)
        dentryDo(t, "rename") { () throws(Errno) in
            try Namespace.rename(Array("/a".utf8), from: tree.root, to: Array("/sub/b".utf8), from: tree.root, mode: .replace, context: tree.context)
        }
        t.expectEqual(dentryErrno("/a", tree), .ENOENT, "the old name is gone")
        t.expect(dentryInode("/sub/b", tree) === a, "the new name is the moved file")
        dentryDo(t, "rename over") { () throws(Errno) in
            try Namespace.rename(Array("/c".utf8), from: tree.root, to: Array("/sub/b".utf8), from: tree.root, mode: .replace, context: tree.context)
        }
        t.expect(dentryInode("/sub/b", tree) === c, "a replaced name leads to the new file")
        dentryDo(t, "creat a") { () throws(Errno) in
            _ = try Namespace.open(Array("/a".utf8), from: tree.root, flags: [.O_RDWR, .O_CREAT], mode: 0o644, context: tree.context)
        }
        let newA = dentryInode("/a", tree)
        dentryDo(t, "exchange") { () throws(Errno) in
            try Namespace.rename(Array("/a".utf8), from: tree.root, to: Array("/sub/b".utf8), from: tree.root, mode: .exchange, context: tree.context)
        }
        t.expect(dentryInode("/a", tree) === c && dentryInode("/sub/b", tree) === newA, "exchanged names swap their files")
    }

    KTest.test("dentry.direct_inserts_and_mounts_are_seen") { t in
        let tree = dentryTree(244)
        t.expectEqual(dentryErrno("/dev", tree), .ENOENT)
        guard let made = try? tree.root.makeDirectory(permissions: 0o755, owner: 0, group: 0),
              (try? tree.root.insert(Array("dev".utf8), made)) != nil else {
            t.require(false, "insert")
            return
        }
        t.expect(dentryInode("/dev", tree) === made, "an inserted name (initramfs, /dev) is found")
        t.expectEqual(dentryErrno("/dev/x", tree), .ENOENT, "nothing below yet")
        let other = dentryTree(245)
        guard let file = try? other.root.create(Array("x".utf8), .file, permissions: 0o644, owner: 0, group: 0) else {
            t.require(false, "file on the other instance")
            return
        }
        made.mounted = other.root
        other.root.mountParent = made
        t.expect(dentryInode("/dev/x", tree) === file, "a mount over a cached directory is crossed")
        made.mounted = nil
        other.root.mountParent = nil
        DirectoryInode.forgetAllCachedLookups()
        t.expectEqual(dentryErrno("/dev/x", tree), .ENOENT, "and left again when unmounted")
        _ = try? tree.root.remove(Array("dev".utf8))
        t.expectEqual(dentryErrno("/dev", tree), .ENOENT, "a removed name is gone")
    }

    KTest.test("dentry.lookup_racing_a_change_is_not_remembered") { t in
        let tree = dentryTree(246)
        let name = Array("late".utf8)
        let cache = DentryCache.shared
        let hash = DentryCache.hash(tree.root, name, 0..<name.count)
        guard case .unknown(let generation) = cache.lookup(in: tree.root, name, 0..<name.count, hash: hash) else {
            t.require(false, "a new name is unknown")
            return
        }
        // Another task creates the name while this lookup sleeps in the file system.
        _ = try? tree.root.create(name, .file, permissions: 0o644, owner: 0, group: 0)
        cache.remember(nil, as: name, in: tree.root, hash: hash, generation: generation)
        t.expect(dentryInode("/late", tree) != nil, "the stale negative answer was not kept")
    }

    KTest.test("dentry.table_stays_bounded") { t in
        let tree = dentryTree(247)
        for index in 0..<(DentryCache.slotCount * 3) {
            _ = dentryErrno("/missing-\(index)", tree)
        }
        let slots = DentryCache.shared.table.withLock { ($0.hashes.count, $0.entries.count) }
        t.expect(slots.0 <= DentryCache.slotCount && slots.1 <= DentryCache.slotCount, "the table never grows")
        _ = try? tree.root.create(Array("missing-5".utf8), .file, permissions: 0o644, owner: 0, group: 0)
        t.expect(dentryInode("/missing-5", tree) != nil, "answers stay right after evictions")
    }
}
#endif
