// Targeted corruptions: each is EUCLEAN (or EIO) for the operation that meets it, recorded in
// lastProblem, marks the superblock "has errors", and never writes where the damage points.
import Ext2
import Foundation
import LinuxABI
import Testing

/// A 1 KiB-block image with a directory and files to damage, and the debugfs `stat` of its inodes.
struct DamageSite {
    var bytes: [UInt8]
    let directoryBlock: Int
    let fileInode: UInt32
    let inodeTableBlock: Int

    init() throws {
        let device = MemoryDevice(emptyImage1K)
        let fileSystem = try mount(device)
        let directory = try fileSystem.makeDirectory(name("d"), in: root, permissions: 0o755, caller: rootCaller)
        for index in 0..<5 { _ = try fileSystem.createFile(name("entry\(index)"), in: directory, permissions: 0o644, caller: rootCaller) }
        fileInode = try fileSystem.createFile(name("file"), in: root, permissions: 0o644, caller: rootCaller)
        _ = try fileSystem.write(inode: fileInode, at: 0, pattern(40_000, seed: 40), caller: rootCaller)
        directoryBlock = Int(try #require(try fileSystem.blockMapping(of: directory, fileBlock: 0)))
        try fileSystem.unmount()
        bytes = device.bytes
        // The inode table starts where the first group descriptor says.
        let table = UInt32(bytes[2048 + 8]) | UInt32(bytes[2048 + 9]) << 8 | UInt32(bytes[2048 + 10]) << 16
        inodeTableBlock = Int(table)
    }

    /// Byte offset of the file's inode record.
    var fileInodeOffset: Int { inodeTableBlock * 1024 + Int(fileInode - 1) * 256 }
}

@Test func corruptDirectoryEntriesAreEUCLEAN() throws {
    let site = try DamageSite()
    // rec_len 0, unaligned, running off the block, name longer than the record, inode past the end.
    let damages: [(Int, [UInt8])] = [(4, [0, 0]), (4, [13, 0]), (4, [0xF0, 0x0F]), (12 + 6, [200]), (12, [0xFF, 0xFF, 0xFF, 0x7F])]
    for (offset, values) in damages {
        var bytes = site.bytes
        for (index, value) in values.enumerated() { bytes[site.directoryBlock * 1024 + offset + index] = value }
        let device = MemoryDevice(bytes)
        let fileSystem = try mount(device)
        let directory = try resolve(fileSystem, "d")
        #expect(throws: Errno.EUCLEAN) { _ = try list(fileSystem, directory) }
        #expect(throws: Errno.EUCLEAN) { try fileSystem.lookup(name("entry4"), in: directory) }
        #expect(throws: Errno.EUCLEAN) { try fileSystem.createFile(name("new"), in: directory, permissions: 0o644, caller: rootCaller) }
        #expect(fileSystem.lastProblem != nil)
        // The rest of the file system still works.
        #expect(try contents(fileSystem, site.fileInode).count == 40_000)
        try fileSystem.unmount()
        #expect(try superblockField(device.bytes, "Filesystem state") == "clean with errors")
    }
}

@Test func blockPointersIntoMetadataAreNeverFollowedOrWritten() throws {
    let site = try DamageSite()
    var bytes = site.bytes
    // Point the file's single-indirect slot (i_block[12]) at the inode table.
    let slot = site.fileInodeOffset + 40 + 12 * 4
    let table = UInt32(site.inodeTableBlock)
    for index in 0..<4 { bytes[slot + index] = UInt8(truncatingIfNeeded: table >> (8 * UInt32(index))) }
    let tableBefore = Array(bytes[(site.inodeTableBlock * 1024)..<(site.inodeTableBlock * 1024 + 8192)])
    let device = MemoryDevice(bytes)
    let fileSystem = try mount(device)
    var buffer = [UInt8](repeating: 0, count: 40_000)
    #expect(throws: Errno.EUCLEAN) { _ = try fileSystem.read(inode: site.fileInode, at: 0, into: &buffer) }
    #expect(throws: Errno.EUCLEAN) { _ = try fileSystem.write(inode: site.fileInode, at: 20_000, [1, 2, 3], caller: rootCaller) }
    // Truncation drops the bad pointer without freeing the inode table block.
    #expect(throws: Errno.EUCLEAN) { try fileSystem.setAttributes(of: site.fileInode, Ext2AttributeChange(size: 0)) }
    let tableAfter = Array(device.bytes[(site.inodeTableBlock * 1024)..<(site.inodeTableBlock * 1024 + 8192)])
    // Only the file's own inode record (size, i_block) may have changed in the table.
    let changed = zip(tableBefore, tableAfter).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset)
    let record = (Int(site.fileInode) - 1) * 256
    #expect(changed.allSatisfy { $0 >= record && $0 < record + 256 })
    #expect(fileSystem.lastProblem?.block == table)
    try fileSystem.unmount()
}

@Test func bitmapsThatFreeMetadataAreCaught() throws {
    let site = try DamageSite()
    var bytes = site.bytes
    // Clear the block bitmap's bits for the inode table: allocation must refuse the group.
    let bitmapBlock = Int(UInt32(bytes[2048]) | UInt32(bytes[2049]) << 8)
    let firstTableBit = site.inodeTableBlock - 1
    for bit in firstTableBit..<(firstTableBit + 16) { bytes[bitmapBlock * 1024 + bit / 8] &= ~(1 << UInt8(bit % 8)) }
    let device = MemoryDevice(bytes)
    let fileSystem = try mount(device)
    // Group 0 is refused; the block comes from group 1 (blocks 8193 and up).
    _ = try fileSystem.write(inode: site.fileInode, at: 100_000, [1], caller: rootCaller)
    #expect(try #require(try fileSystem.blockMapping(of: site.fileInode, fileBlock: 97)) > 8192)
    #expect(fileSystem.lastProblem != nil)
    try fileSystem.unmount()
    // With one group there is nowhere else to go: EUCLEAN, not ENOSPC.
    var single = try makeImage(ImageSpec(blockSize: 1024, sizeKiB: 4096))
    let singleBitmap = Int(UInt32(single[2048]) | UInt32(single[2049]) << 8)
    let singleTable = Int(UInt32(single[2048 + 8]) | UInt32(single[2048 + 9]) << 8)
    single[singleBitmap * 1024 + (singleTable - 1) / 8] = 0
    let lone = try mount(MemoryDevice(single))
    #expect(throws: Errno.EUCLEAN) { try lone.makeDirectory(name("x"), in: root, permissions: 0o755, caller: rootCaller) }
}

@Test func errorsBehaviourRemountReadOnly() throws {
    let site = try DamageSite()
    var bytes = site.bytes
    bytes[1024 + 60] = 2                 // s_errors = remount-ro
    bytes[site.directoryBlock * 1024 + 4] = 0
    bytes[site.directoryBlock * 1024 + 5] = 0
    let fileSystem = try mount(MemoryDevice(bytes))
    #expect(throws: Errno.EUCLEAN) { try fileSystem.lookup(name("entry1"), in: try resolve(fileSystem, "d")) }
    #expect(fileSystem.access == .readOnly)
    #expect(throws: Errno.EROFS) { try fileSystem.createFile(name("f"), in: root, permissions: 0o644, caller: rootCaller) }
}

@Test func deviceErrorsAreEIO() throws {
    let site = try DamageSite()
    let device = MemoryDevice(site.bytes)
    let fileSystem = try mount(device)
    device.failingReads = [UInt64(site.inodeTableBlock + Int(site.fileInode - 1) / 4) * 1024]
    #expect(throws: Errno.EIO) { try fileSystem.attributes(of: site.fileInode) }
    device.failingReads = []
    #expect(try fileSystem.attributes(of: site.fileInode).size == 40_000)
    let failing = MemoryDevice(site.bytes)
    failing.failingReads = [1024]
    #expect(throws: Ext2MountError.self) { try Ext2FileSystem.mount(device: failing, clock: TestClock(), access: .readOnly) }
}

@Test func loopsInTheDirectoryTreeAreEUCLEAN() throws {
    let device = MemoryDevice(emptyImage1K)
    let fileSystem = try mount(device)
    let a = try fileSystem.makeDirectory(name("a"), in: root, permissions: 0o755, caller: rootCaller)
    let b = try fileSystem.makeDirectory(name("b"), in: a, permissions: 0o755, caller: rootCaller)
    let c = try fileSystem.makeDirectory(name("c"), in: root, permissions: 0o755, caller: rootCaller)
    let aBlock = Int(try #require(try fileSystem.blockMapping(of: a, fileBlock: 0)))
    try fileSystem.unmount()
    // a's ".." now names b: a ⇄ b is a loop cut off from the root.
    var bytes = device.bytes
    for index in 0..<4 { bytes[aBlock * 1024 + 12 + index] = UInt8(truncatingIfNeeded: b >> (8 * UInt32(index))) }
    let damaged = try mount(MemoryDevice(bytes))
    #expect(throws: Errno.EUCLEAN) { try damaged.rename(name("c"), in: root, to: name("c"), in: b, mode: .replace, caller: rootCaller) }
    _ = c
}

@Test func hugeSizeWithPointersAtTheGroupDescriptorsIsEUCLEAN() throws {
    // The image that once hung the kernel (also a fixed case of `apus ext2fuzz`): i_size_high
    // claims 8 GiB and every root slot of i_block points at the group descriptor block (2).
    let site = try DamageSite()
    var bytes = site.bytes
    let record = site.fileInodeOffset
    bytes[record + 108] = 2                                  // i_size_high: 8 GiB + 40,000
    for slot in [0, 12, 13, 14] {
        for index in 0..<4 { bytes[record + 40 + slot * 4 + index] = index == 0 ? 2 : 0 }
    }
    let descriptorsBefore = Array(bytes[2048..<3072])
    let device = MemoryDevice(bytes)
    let fileSystem = try mount(device)
    #expect(try fileSystem.attributes(of: site.fileInode).size == (8 << 30) + 40_000)
    var buffer = [UInt8](repeating: 0, count: 4096)
    #expect(throws: Errno.EUCLEAN) { _ = try fileSystem.read(inode: site.fileInode, at: 0, into: &buffer) }
    #expect(throws: Errno.EUCLEAN) { _ = try fileSystem.read(inode: site.fileInode, at: 20_000, into: &buffer) }
    #expect(throws: Errno.EUCLEAN) { _ = try fileSystem.read(inode: site.fileInode, at: (8 << 30) - 100, into: &buffer) }
    #expect(throws: Errno.EUCLEAN) { _ = try fileSystem.blockMapping(of: site.fileInode, fileBlock: 5_000_000) }
    #expect(throws: Errno.EUCLEAN) { _ = try fileSystem.write(inode: site.fileInode, at: 300_000, [1], caller: rootCaller) }
    // The truncate drops the pointers and frees nothing they name; the unlink is then clean.
    #expect(throws: Errno.EUCLEAN) { try fileSystem.setAttributes(of: site.fileInode, Ext2AttributeChange(size: 0)) }
    try removeFile(fileSystem, "file", in: root)
    try fileSystem.sync()
    let descriptorsAfter = Array(device.bytes[2048..<3072])
    // Only the free counts of group 0 (bytes 12-15 of its descriptor) may have moved.
    let changed = zip(descriptorsBefore, descriptorsAfter).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset)
    #expect(changed.allSatisfy { $0 >= 12 && $0 < 16 }, "changed descriptor bytes: \(changed)")
    try fileSystem.unmount()
}
