// Mounting and reading images that Debian's mke2fs populated (-d): 1 KiB and 4 KiB blocks, 128-
// and 256-byte inodes, every file type, an htree-indexed directory that e2fsck -D built.
import Ext2
import Foundation
import LinuxABI
import Testing

/// A tree with a file of each interesting size, links, a FIFO and a big directory.
func populateSample(_ scratch: Scratch, _ tree: String) throws {
    let manager = FileManager.default
    try Data("hello, ext2\n".utf8).write(to: URL(fileURLWithPath: tree + "/hello.txt"))
    try Data(pattern(300_000, seed: 7)).write(to: URL(fileURLWithPath: tree + "/medium.bin"))
    try manager.createDirectory(atPath: tree + "/dir/sub", withIntermediateDirectories: true)
    try Data(pattern(5000, seed: 8)).write(to: URL(fileURLWithPath: tree + "/dir/sub/deep.bin"))
    try manager.createSymbolicLink(atPath: tree + "/fast-link", withDestinationPath: "hello.txt")
    let longTarget = String(repeating: "long/", count: 30) + "target"
    try manager.createSymbolicLink(atPath: tree + "/slow-link", withDestinationPath: longTarget)
    try manager.linkItem(atPath: tree + "/hello.txt", toPath: tree + "/dir/hard-link")
    try makeFifo(tree + "/fifo")
    try manager.createDirectory(atPath: tree + "/big", withIntermediateDirectories: true)
    try makeFiles(in: tree + "/big", prefix: "entry-number-", count: 1500, withContents: .index)
}

/// The sample tree, made once for every image built from it.
let sampleTree: Scratch? = {
    guard let scratch = try? Scratch() else { return nil }
    let tree = scratch.path("tree")
    do {
        try FileManager.default.createDirectory(atPath: tree, withIntermediateDirectories: true)
        try populateSample(scratch, tree)
    } catch {
        return nil
    }
    return scratch
}()

func sampleImage(blockSize: Int, inodeSize: Int = 256) throws -> [UInt8] {
    let tree = try #require(sampleTree).path("tree")
    return try makeImage(ImageSpec(blockSize: blockSize, sizeKiB: 8192, inodeSize: inodeSize, sourceDirectory: tree))
}

@Test(arguments: [(1024, 128), (1024, 256), (4096, 256), (2048, 128)])
func readsWhatMke2fsWrote(blockSize: Int, inodeSize: Int) throws {
    let bytes = try sampleImage(blockSize: blockSize, inodeSize: inodeSize)
    let device = MemoryDevice(bytes)
    let fileSystem = try mount(device, access: .readOnly)
    #expect(fileSystem.blockSize == blockSize)
    #expect(fileSystem.access == .readOnly)

    let names = try list(fileSystem, root)
    #expect(Set(names.keys) == [".", "..", "lost+found", "hello.txt", "medium.bin", "dir", "fast-link", "slow-link", "fifo", "big"])
    #expect(names["."] == root && names[".."] == root)

    let hello = try resolve(fileSystem, "hello.txt")
    #expect(try contents(fileSystem, hello) == Array("hello, ext2\n".utf8))
    let helloAttributes = try fileSystem.attributes(of: hello)
    #expect(helloAttributes.type == .S_IFREG && helloAttributes.linkCount == 2)
    #expect(try resolve(fileSystem, "dir/hard-link") == hello)

    let medium = try resolve(fileSystem, "medium.bin")
    #expect(try contents(fileSystem, medium) == pattern(300_000, seed: 7))
    // Reads at odd offsets and lengths, and past the end.
    var piece = [UInt8](repeating: 0, count: 5000)
    #expect(try fileSystem.read(inode: medium, at: 123_457, into: &piece) == 5000)
    #expect(piece == Array(pattern(300_000, seed: 7)[123_457..<128_457]))
    #expect(try fileSystem.read(inode: medium, at: 299_000, into: &piece) == 1000)
    #expect(try fileSystem.read(inode: medium, at: 400_000, into: &piece) == 0)

    #expect(try contents(fileSystem, try resolve(fileSystem, "dir/sub/deep.bin")) == pattern(5000, seed: 8))
    #expect(try fileSystem.readSymbolicLink(try resolve(fileSystem, "fast-link")) == Array("hello.txt".utf8))
    let slowTarget = Array((String(repeating: "long/", count: 30) + "target").utf8)
    let slow = try resolve(fileSystem, "slow-link")
    #expect(try fileSystem.readSymbolicLink(slow) == slowTarget)
    #expect(try fileSystem.attributes(of: slow).size == UInt64(slowTarget.count))
    #expect(try fileSystem.attributes(of: try resolve(fileSystem, "fifo")).type == .S_IFIFO)

    let dir = try resolve(fileSystem, "dir")
    #expect(try fileSystem.attributes(of: dir).linkCount == 3)
    #expect(try list(fileSystem, dir)[".."] == root)

    let big = try resolve(fileSystem, "big")
    let bigNames = try list(fileSystem, big)
    #expect(bigNames.count == 1502)
    for index in stride(from: 0, to: 1500, by: 97) {
        let inode = try fileSystem.lookup(name("entry-number-\(index)"), in: big)
        #expect(try contents(fileSystem, inode) == Array("\(index)".utf8))
    }
    #expect(throws: Errno.ENOENT) { try fileSystem.lookup(name("nope"), in: big) }
    #expect(throws: Errno.ENOTDIR) { try fileSystem.lookup(name("x"), in: hello) }
    #expect(throws: Errno.EISDIR) { _ = try fileSystem.read(inode: dir, at: 0, into: &piece) }
    #expect(throws: Errno.EROFS) { _ = try fileSystem.createFile(name("new"), in: root, permissions: 0o644, caller: rootCaller) }

    let statistics = try fileSystem.statistics()
    func field(_ label: String) throws -> UInt64? { UInt64(try superblockField(bytes, label)) }
    #expect(try statistics.freeBlocks == field("Free blocks"))
    #expect(try statistics.freeInodes == field("Free inodes"))
    #expect(try statistics.inodes == field("Inode count"))
    #expect(try statistics.blocks + (field("Overhead clusters") ?? 0) >= field("Block count") ?? 0)
    #expect(device.writes == 0)
    #expect(device.contractViolations == 0)
}

@Test func readsAnHtreeIndexedDirectory() throws {
    var bytes = try sampleImage(blockSize: 1024)
    // e2fsck -D builds the dir_index htree for large directories.
    try withImageFile(bytes) { path in
        _ = try capture(["e2fsck", "-fyD", path])
        bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }
    #expect(try debugfs(bytes, ["stat /big"]).contains("Flags: 0x1000"))
    let fileSystem = try mount(MemoryDevice(bytes), access: .readOnly)
    let big = try resolve(fileSystem, "big")
    #expect(try fileSystem.attributes(of: big).flags & 0x1000 != 0)
    let names = try list(fileSystem, big)
    #expect(names.count == 1502)
    for index in 0..<1500 { #expect(names["entry-number-\(index)"] != nil) }
}

@Test func readdirResumesAtOffsetsAcrossChanges() throws {
    let bytes = try makeImage(ImageSpec(blockSize: 1024, sizeKiB: 4096, populate: { _, tree in
        try makeFiles(in: tree, prefix: "f", count: 200, withContents: .none)
    }))
    let device = MemoryDevice(bytes)
    let fileSystem = try mount(device)
    // Read the first half, one entry per call, then delete entries around the resume point and
    // add new ones: every surviving original entry is still delivered exactly once.
    var seen: [String] = []
    var offset: UInt64 = 0
    while seen.count < 100 {
        offset = try fileSystem.readDirectory(root, from: offset) { entry in
            if seen.count == 100 { return .full }
            seen.append(String(decoding: entry.name, as: UTF8.self))
            return .taken
        }
    }
    for index in stride(from: 0, to: 200, by: 3) where !seen.contains("f\(index)") {
        try removeFile(fileSystem, "f\(index)", in: root)
    }
    if let last = seen.last, last.hasPrefix("f") { try removeFile(fileSystem, last, in: root) }
    for index in 0..<30 { _ = try fileSystem.createFile(name("new\(index)"), in: root, permissions: 0o600, caller: rootCaller) }
    offset = try fileSystem.readDirectory(root, from: offset) { entry in
        seen.append(String(decoding: entry.name, as: UTF8.self))
        return .taken
    }
    #expect(offset >= (try fileSystem.attributes(of: root).size))
    #expect(Set(seen).count == seen.count, "an entry was delivered twice")
    for index in 0..<200 where index % 3 != 0 { #expect(seen.contains("f\(index)")) }
    // Offsets that are not entry boundaries are safe.
    for odd in [UInt64(1), 5, 13, 1023, 1025, 99_999] {
        _ = try fileSystem.readDirectory(root, from: odd) { _ in .taken }
    }
    try fileSystem.unmount()
    try expectClean(device)
}
