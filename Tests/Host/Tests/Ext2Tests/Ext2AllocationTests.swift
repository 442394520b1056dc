// Allocation policy and shared metadata: directories spread over groups, files and their blocks
// stay near their directory, and an extended-attribute block (made by debugfs) is released with
// the last inode that uses it.
import Ext2
import Foundation
import LinuxABI
import Testing

@Test func filesStayNearTheirDirectory() throws {
    // 16 MiB with 1 KiB blocks: two groups of 8192 blocks.
    let device = MemoryDevice(emptyImage1K)
    let fileSystem = try mount(device)
    let inodesPerGroup = UInt32(try fileSystem.statistics().inodes / 2)
    // Group 0 holds the root and lost+found; a new directory goes to the emptier group 1.
    let directory = try fileSystem.makeDirectory(name("spread"), in: root, permissions: 0o755, caller: rootCaller)
    #expect(directory > inodesPerGroup)
    let file = try fileSystem.createFile(name("near"), in: directory, permissions: 0o644, caller: rootCaller)
    #expect(file > inodesPerGroup)
    _ = try fileSystem.write(inode: file, at: 0, pattern(100_000, seed: 80), caller: rootCaller)
    // Its blocks are in group 1 too, and consecutive.
    let first = try #require(try fileSystem.blockMapping(of: file, fileBlock: 0))
    #expect(first > 8192)
    for fileBlock in 1..<12 as Range<UInt64> {
        #expect(try fileSystem.blockMapping(of: file, fileBlock: fileBlock) == first + fileBlock)
    }
    // A file in the root stays in group 0.
    let rootFile = try fileSystem.createFile(name("low"), in: root, permissions: 0o644, caller: rootCaller)
    _ = try fileSystem.write(inode: rootFile, at: 0, [1], caller: rootCaller)
    #expect(rootFile <= inodesPerGroup)
    #expect(try #require(try fileSystem.blockMapping(of: rootFile, fileBlock: 0)) <= 8192)
    try fileSystem.unmount()
    try expectClean(device)
}

@Test func extendedAttributeBlocksAreReleased() throws {
    let device = MemoryDevice(emptyImage1KSmallInodes)
    let fileSystem = try mount(device)
    let initial = try fileSystem.statistics()
    let file = try fileSystem.createFile(name("with-xattr"), in: root, permissions: 0o644, caller: rootCaller)
    _ = try fileSystem.write(inode: file, at: 0, [1, 2, 3], caller: rootCaller)
    let link = try fileSystem.makeSymbolicLink(name("fast-with-xattr"), in: root, target: name("with-xattr"), caller: rootCaller)
    try fileSystem.unmount()
    // 128-byte inodes have no room inside: debugfs puts the attributes in a block.
    let bytes = try withImageFile(device.bytes) { path in
        _ = try capture(["debugfs", "-w", "-R", "ea_set /with-xattr user.note a-value-for-the-test", path])
        _ = try capture(["debugfs", "-w", "-R", "ea_set /fast-with-xattr user.note another-value", path])
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }
    let withAttributes = MemoryDevice(bytes)
    let again = try mount(withAttributes)
    #expect(try again.attributes(of: file).sectors == 4)          // data block and attribute block
    // A fast symlink with an attribute block is still fast.
    #expect(try again.readSymbolicLink(link) == name("with-xattr"))
    try removeFile(again, "with-xattr", in: root)
    try removeFile(again, "fast-with-xattr", in: root)
    let final = try again.statistics()
    #expect(final.freeBlocks == initial.freeBlocks && final.freeInodes == initial.freeInodes)
    try again.unmount()
    try expectClean(withAttributes)
}
