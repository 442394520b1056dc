// Names: rename in all its cases, link counts, rmdir, big directories (thousands of entries,
// including one Linux indexed with an htree), each checked by e2fsck and debugfs afterwards.
import Ext2
import Foundation
import LinuxABI
import Testing

@Test func renameCases() throws {
    let device = MemoryDevice(emptyImage1K)
    let fileSystem = try mount(device)
    func file(_ fileName: String, in directory: UInt32, _ text: String) throws -> UInt32 {
        let inode = try fileSystem.createFile(name(fileName), in: directory, permissions: 0o644, caller: rootCaller)
        _ = try fileSystem.write(inode: inode, at: 0, Array(text.utf8), caller: rootCaller)
        return inode
    }
    let a = try fileSystem.makeDirectory(name("a"), in: root, permissions: 0o755, caller: rootCaller)
    let b = try fileSystem.makeDirectory(name("b"), in: root, permissions: 0o755, caller: rootCaller)
    let one = try file("one", in: a, "1")
    let two = try file("two", in: a, "2")

    // Plain rename in one directory.
    #expect(try fileSystem.rename(name("one"), in: a, to: name("uno"), in: a, mode: .replace, caller: rootCaller) == nil)
    #expect(try fileSystem.lookup(name("uno"), in: a) == one)
    #expect(throws: Errno.ENOENT) { try fileSystem.lookup(name("one"), in: a) }
    // Over an existing file: the replaced inode loses its link.
    #expect(try fileSystem.rename(name("uno"), in: a, to: name("two"), in: a, mode: .replace, caller: rootCaller)
            == Ext2Unlinked(inode: two, remainingLinks: 0))
    try fileSystem.evict(inode: two)
    #expect(try contents(fileSystem, try fileSystem.lookup(name("two"), in: a)) == [0x31])
    // Across directories.
    _ = try fileSystem.rename(name("two"), in: a, to: name("moved"), in: b, mode: .replace, caller: rootCaller)
    #expect(try fileSystem.lookup(name("moved"), in: b) == one)
    // RENAME_NOREPLACE.
    _ = try file("other", in: b, "o")
    #expect(throws: Errno.EEXIST) { try fileSystem.rename(name("moved"), in: b, to: name("other"), in: b, mode: .noReplace, caller: rootCaller) }
    // Two names of one inode: a no-op that keeps both.
    try fileSystem.link(one, as: name("alias"), in: b, caller: rootCaller)
    #expect(try fileSystem.rename(name("moved"), in: b, to: name("alias"), in: b, mode: .replace, caller: rootCaller) == nil)
    #expect(try fileSystem.lookup(name("moved"), in: b) == one && fileSystem.lookup(name("alias"), in: b) == one)
    #expect(try fileSystem.attributes(of: one).linkCount == 2)

    // Directories: across parents, ".." and link counts follow.
    let sub = try fileSystem.makeDirectory(name("sub"), in: a, permissions: 0o755, caller: rootCaller)
    _ = try fileSystem.makeDirectory(name("leaf"), in: sub, permissions: 0o755, caller: rootCaller)
    #expect(try fileSystem.attributes(of: a).linkCount == 3)
    _ = try fileSystem.rename(name("sub"), in: a, to: name("sub2"), in: b, mode: .replace, caller: rootCaller)
    #expect(try fileSystem.attributes(of: a).linkCount == 2)
    #expect(try fileSystem.attributes(of: b).linkCount == 3)
    #expect(try list(fileSystem, sub)[".."] == b)
    // Into its own subtree, or onto itself's child: EINVAL.
    let leaf = try fileSystem.lookup(name("leaf"), in: sub)
    #expect(throws: Errno.EINVAL) { try fileSystem.rename(name("sub2"), in: b, to: name("x"), in: leaf, mode: .replace, caller: rootCaller) }
    #expect(throws: Errno.EINVAL) { try fileSystem.rename(name("sub2"), in: b, to: name("x"), in: sub, mode: .replace, caller: rootCaller) }
    // Directory over a non-empty directory, over a file; a file over a directory.
    let full = try fileSystem.makeDirectory(name("full"), in: root, permissions: 0o755, caller: rootCaller)
    _ = try file("content", in: full, "c")
    #expect(throws: Errno.ENOTEMPTY) { try fileSystem.rename(name("sub2"), in: b, to: name("full"), in: root, mode: .replace, caller: rootCaller) }
    #expect(throws: Errno.ENOTDIR) { try fileSystem.rename(name("sub2"), in: b, to: name("other"), in: b, mode: .replace, caller: rootCaller) }
    #expect(throws: Errno.EISDIR) { try fileSystem.rename(name("other"), in: b, to: name("full"), in: root, mode: .replace, caller: rootCaller) }
    // Directory over an empty directory in another parent.
    let empty = try fileSystem.makeDirectory(name("empty"), in: root, permissions: 0o755, caller: rootCaller)
    let rootLinks = try fileSystem.attributes(of: root).linkCount
    #expect(try fileSystem.rename(name("sub2"), in: b, to: name("empty"), in: root, mode: .replace, caller: rootCaller)
            == Ext2Unlinked(inode: empty, remainingLinks: 0))
    try fileSystem.evict(inode: empty)
    #expect(try fileSystem.attributes(of: root).linkCount == rootLinks)
    #expect(try fileSystem.attributes(of: b).linkCount == 2)
    #expect(try list(fileSystem, sub)[".."] == root)
    // Directory over an empty directory in the same parent.
    let spare = try fileSystem.makeDirectory(name("spare"), in: root, permissions: 0o755, caller: rootCaller)
    _ = try fileSystem.rename(name("empty"), in: root, to: name("spare"), in: root, mode: .replace, caller: rootCaller)
    try fileSystem.evict(inode: spare)
    #expect(try fileSystem.attributes(of: root).linkCount == rootLinks)
    #expect(throws: Errno.ENOENT) { try fileSystem.rename(name("missing"), in: root, to: name("x"), in: root, mode: .replace, caller: rootCaller) }
    #expect(throws: Errno.EINVAL) { try fileSystem.rename(name(".."), in: a, to: name("x"), in: root, mode: .replace, caller: rootCaller) }
    try fileSystem.unmount()
    try expectClean(device)
    let listing = try debugfs(device.bytes, ["ls -l /spare", "ls -l /b"])
    #expect(listing.contains("leaf") && listing.contains("alias") && listing.contains("moved"))
}

@Test func removeDirectoriesAndLinkCounts() throws {
    let device = MemoryDevice(emptyImage4K)
    let fileSystem = try mount(device)
    let before = try fileSystem.statistics()
    let parent = try fileSystem.makeDirectory(name("p"), in: root, permissions: 0o755, caller: rootCaller)
    var children: [UInt32] = []
    for index in 0..<20 {
        children.append(try fileSystem.makeDirectory(name("c\(index)"), in: parent, permissions: 0o755, caller: rootCaller))
    }
    #expect(try fileSystem.attributes(of: parent).linkCount == 22)
    let file = try fileSystem.createFile(name("f"), in: children[0], permissions: 0o644, caller: rootCaller)
    #expect(throws: Errno.ENOTEMPTY) { try fileSystem.removeDirectory(name("c0"), in: parent) }
    #expect(throws: Errno.ENOTDIR) { try fileSystem.removeDirectory(name("f"), in: children[0]) }
    #expect(throws: Errno.EISDIR) { try fileSystem.unlink(name("c1"), in: parent) }
    try removeFile(fileSystem, "f", in: children[0])
    #expect(throws: Errno.EUCLEAN) { try fileSystem.attributes(of: file) }
    // An rmdir'ed directory that is still open: no entries, nothing can be created in it.
    let open = try fileSystem.removeDirectory(name("c1"), in: parent)
    #expect(open.remainingLinks == 0)
    #expect(try fileSystem.readDirectory(children[1], from: 0) { _ in .taken } == 0)
    #expect(throws: Errno.ENOENT) { try fileSystem.createFile(name("x"), in: children[1], permissions: 0o644, caller: rootCaller) }
    try fileSystem.evict(inode: children[1])
    for index in [0] + Array(2..<20) {
        let removed = try fileSystem.removeDirectory(name("c\(index)"), in: parent)
        try fileSystem.evict(inode: removed.inode)
    }
    #expect(try fileSystem.attributes(of: parent).linkCount == 2)
    try fileSystem.evict(inode: try fileSystem.removeDirectory(name("p"), in: root).inode)
    let after = try fileSystem.statistics()
    #expect(after.freeBlocks == before.freeBlocks && after.freeInodes == before.freeInodes)
    try fileSystem.unmount()
    try expectClean(device)
}

@Test func directoriesWithThousandsOfEntries() throws {
    let device = MemoryDevice(emptyImage1K)
    let fileSystem = try mount(device)
    let big = try fileSystem.makeDirectory(name("big"), in: root, permissions: 0o755, caller: rootCaller)
    let count = 2000
    var inodes: [UInt32] = []
    for index in 0..<count {
        inodes.append(try fileSystem.createFile(name("file-with-a-longer-name-\(index)"), in: big, permissions: 0o644, caller: rootCaller))
    }
    // Hard links to the first hundred make more entries without more inodes.
    for index in 0..<100 { try fileSystem.link(inodes[index], as: name("link-\(index)"), in: big, caller: rootCaller) }
    var names = try list(fileSystem, big)
    #expect(names.count == count + 102)
    #expect(try fileSystem.lookup(name("file-with-a-longer-name-\(count - 1)"), in: big) == inodes[count - 1])
    // Remove every other one, then reuse the space.
    for index in stride(from: 0, to: count, by: 2) { try removeFile(fileSystem, "file-with-a-longer-name-\(index)", in: big) }
    let sizeBefore = try fileSystem.attributes(of: big).size
    for index in 0..<500 { _ = try fileSystem.createFile(name("refill-\(index)"), in: big, permissions: 0o600, caller: rootCaller) }
    #expect(try fileSystem.attributes(of: big).size == sizeBefore, "new entries reuse freed space")
    names = try list(fileSystem, big)
    #expect(names.count == count / 2 + 500 + 102)
    #expect(try fileSystem.attributes(of: inodes[1]).linkCount == 2)
    try fileSystem.unmount()
    try expectClean(device)
    let listing = try debugfs(device.bytes, ["ls /big"])
    #expect(listing.contains("refill-499") && listing.contains("file-with-a-longer-name-\(count - 1)")
            && !listing.contains("file-with-a-longer-name-\(count - 2) "))
}

@Test func changingAnHtreeDirectoryClearsItsIndexFlag() throws {
    var bytes = try makeImage(ImageSpec(blockSize: 1024, sizeKiB: 8192, inodes: 4096, populate: { _, tree in
        try FileManager.default.createDirectory(atPath: tree + "/indexed", withIntermediateDirectories: true)
        try makeFiles(in: tree + "/indexed", prefix: "name-", count: 2000, withContents: .none)
    }))
    try withImageFile(bytes) { path in
        _ = try capture(["e2fsck", "-fyD", path])
        bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }
    let device = MemoryDevice(bytes)
    let fileSystem = try mount(device)
    let indexed = try resolve(fileSystem, "indexed")
    #expect(try fileSystem.attributes(of: indexed).flags & 0x1000 != 0)
    for index in 0..<300 { _ = try fileSystem.createFile(name("added-\(index)"), in: indexed, permissions: 0o644, caller: rootCaller) }
    for index in stride(from: 0, to: 2000, by: 7) { try removeFile(fileSystem, "name-\(index)", in: indexed) }
    _ = try fileSystem.rename(name("name-1"), in: indexed, to: name("renamed"), in: root, mode: .replace, caller: rootCaller)
    #expect(try fileSystem.attributes(of: indexed).flags & 0x1000 == 0)
    let names = try list(fileSystem, indexed)
    #expect(names.count == 2 + 2000 - 286 + 300 - 1)
    try fileSystem.unmount()
    try expectClean(device)
    #expect(try debugfs(device.bytes, ["ls /indexed"]).contains("added-299"))
}

@Test func linkCountLimitIsEMLINK() throws {
    var bytes = emptyImage1K
    let device = MemoryDevice(bytes)
    let fileSystem = try mount(device)
    let file = try fileSystem.createFile(name("f"), in: root, permissions: 0o644, caller: rootCaller)
    try fileSystem.unmount()
    // Raise the link count to one below the limit with debugfs, then link twice.
    bytes = try withImageFile(device.bytes) { path in
        _ = try capture(["debugfs", "-w", "-R", "sif <\(file)> links_count 31999", path])
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }
    let again = try mount(MemoryDevice(bytes))
    try again.link(file, as: name("g"), in: root, caller: rootCaller)
    #expect(try again.attributes(of: file).linkCount == 32000)
    #expect(throws: Errno.EMLINK) { try again.link(file, as: name("h"), in: root, caller: rootCaller) }
}
