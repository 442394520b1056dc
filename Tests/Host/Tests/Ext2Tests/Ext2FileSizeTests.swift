// File sizes: sparse files, the triple-indirect range (past 64 MiB with 1 KiB blocks), truncation
// both ways, s_maxbytes (EFBIG), and the page-cache mapping calls.
import Ext2
import Foundation
import LinuxABI
import Testing

@Test func sparseFileReachesTripleIndirectBlocks() throws {
    let device = MemoryDevice(emptyImage1K)
    let fileSystem = try mount(device)
    let before = try fileSystem.statistics()
    let file = try fileSystem.createFile(name("sparse"), in: root, permissions: 0o644, caller: rootCaller)
    // Direct, single, double and triple indirect ranges with 1 KiB blocks: 12 KiB, 268 KiB,
    // 64 MiB + 268 KiB.
    let pieces: [(UInt64, [UInt8])] = [
        (5000, pattern(100, seed: 10)),
        (200_000, pattern(3000, seed: 11)),
        (30_000_000, pattern(5000, seed: 12)),
        (64 * 1024 * 1024 + 268 * 1024 - 700, pattern(2000, seed: 13)),      // across the double/triple boundary
        (300 * 1024 * 1024 + 17, pattern(4000, seed: 14)),
    ]
    for (offset, data) in pieces {
        #expect(try fileSystem.write(inode: file, at: offset, data, caller: rootCaller) == data.count)
    }
    let size = try fileSystem.attributes(of: file).size
    #expect(size == 300 * 1024 * 1024 + 17 + 4000)
    for (offset, data) in pieces {
        var buffer = [UInt8](repeating: 0xEE, count: data.count + 100)
        #expect(try fileSystem.read(inode: file, at: offset - 100, into: &buffer) == buffer.count)
        #expect(Array(buffer[100..<(100 + data.count)]) == data)
        #expect(buffer[0..<100].allSatisfy { $0 == 0 } || offset == 5000)
    }
    // A hole reads as zeros; the mapping reports it as one.
    var hole = [UInt8](repeating: 0xEE, count: 4096)
    #expect(try fileSystem.read(inode: file, at: 100_000_000, into: &hole) == 4096)
    #expect(hole.allSatisfy { $0 == 0 })
    #expect(try fileSystem.blockMapping(of: file, fileBlock: 100_000) == nil)
    #expect(try fileSystem.blockMapping(of: file, fileBlock: 4) != nil)
    // Blocks held: data plus the indirect blocks, far fewer than the size.
    let sectors = try fileSystem.attributes(of: file).sectors
    #expect(sectors > 0 && sectors < 200)
    try fileSystem.unmount()
    try expectClean(device)
    let stat = try debugfs(device.bytes, ["stat /sparse"])
    #expect(stat.contains("(TIND)"))
    #expect(stat.contains("Size: \(size)"))

    // Truncating back below the triple range frees those blocks; e2fsck agrees.
    let again = try mount(device)
    try again.setAttributes(of: file, Ext2AttributeChange(size: 30_000_000 + 2500))
    #expect(try again.blockMapping(of: file, fileBlock: 66_000) == nil)
    var tail = [UInt8](repeating: 0, count: 2500)
    #expect(try again.read(inode: file, at: 30_000_000, into: &tail) == 2500)
    #expect(tail == Array(pieces[2].1.prefix(2500)))
    // Growing again exposes zeros, not the old bytes past the cut.
    try again.setAttributes(of: file, Ext2AttributeChange(size: 30_000_000 + 5000))
    #expect(try again.read(inode: file, at: 30_000_000 + 2500, into: &tail) == 2500)
    #expect(tail.allSatisfy { $0 == 0 })
    try again.unmount()
    try expectClean(device)
    #expect(!(try debugfs(device.bytes, ["stat /sparse"]).contains("(TIND)")))
    let last = try mount(device)
    try removeFile(last, "sparse", in: root)
    let after = try last.statistics()
    #expect(after.freeBlocks == before.freeBlocks && after.freeInodes == before.freeInodes)
    try last.unmount()
    try expectClean(device)
}

@Test(arguments: [1024, 4096])
func truncationBothWays(blockSize: Int) throws {
    let device = MemoryDevice(blockSize == 1024 ? emptyImage1K : emptyImage4K)
    let fileSystem = try mount(device)
    let before = try fileSystem.statistics()
    let data = pattern(blockSize == 1024 ? 2_000_000 : 6_000_000, seed: 20)
    let file = try fileSystem.createFile(name("t"), in: root, permissions: 0o644, caller: rootCaller)
    #expect(try fileSystem.write(inode: file, at: 0, data, caller: rootCaller) == data.count)
    var expected = data
    // Shrink to mid-block in each range, extend, shrink again.
    let cuts = [1_500_000, 250_000, 20_000, 12 * blockSize + 1, 3 * blockSize - 5, 777, 0].sorted(by: >)
    for cut in cuts {
        try fileSystem.setAttributes(of: file, Ext2AttributeChange(size: UInt64(cut)))
        expected = Array(expected.prefix(cut))
        let matches = try contents(fileSystem, file) == expected
        #expect(matches, "after cutting to \(cut)")
        let grown = cut + blockSize * 3 + 11
        try fileSystem.setAttributes(of: file, Ext2AttributeChange(size: UInt64(grown)))
        expected += [UInt8](repeating: 0, count: grown - cut)
        let grownMatches = try contents(fileSystem, file) == expected
        #expect(grownMatches, "after growing to \(grown)")
        try fileSystem.setAttributes(of: file, Ext2AttributeChange(size: UInt64(cut)))
        expected = Array(expected.prefix(cut))
    }
    #expect(try fileSystem.attributes(of: file).sectors == 0)
    // Write after a hole, then truncate into the hole.
    _ = try fileSystem.write(inode: file, at: 1_000_000, [9, 9, 9], caller: rootCaller)
    try fileSystem.setAttributes(of: file, Ext2AttributeChange(size: 500_000))
    #expect(try fileSystem.attributes(of: file).sectors == 0)
    try fileSystem.setAttributes(of: file, Ext2AttributeChange(size: 0))
    let after = try fileSystem.statistics()
    #expect(after.freeBlocks == before.freeBlocks - 0 || after.freeBlocks == before.freeBlocks)
    #expect(throws: Errno.EISDIR) { try fileSystem.setAttributes(of: root, Ext2AttributeChange(size: 0)) }
    try fileSystem.unmount()
    try expectClean(device)
}

@Test func sizeLimitsAreEFBIG() throws {
    let device = MemoryDevice(emptyImage1K)
    let fileSystem = try mount(device)
    let file = try fileSystem.createFile(name("big"), in: root, permissions: 0o644, caller: rootCaller)
    // s_maxbytes with 1 KiB blocks: (12 + 256 + 256^2 + 256^3) KiB.
    let maximum: UInt64 = (12 + 256 + 65_536 + 16_777_216) * 1024
    #expect(throws: Errno.EFBIG) { try fileSystem.setAttributes(of: file, Ext2AttributeChange(size: maximum + 1)) }
    #expect(throws: Errno.EFBIG) { _ = try fileSystem.write(inode: file, at: maximum, [1], caller: rootCaller) }
    // A write that crosses the limit is cut short at it.
    #expect(try fileSystem.write(inode: file, at: maximum - 10, [UInt8](repeating: 7, count: 100), caller: rootCaller) == 10)
    #expect(try fileSystem.attributes(of: file).size == maximum)
    try fileSystem.setAttributes(of: file, Ext2AttributeChange(size: 5_000_000_000))
    try removeFile(fileSystem, "big", in: root)
    try fileSystem.unmount()
    try expectClean(device)
}

@Test func pageCacheMappingCalls() throws {
    let device = MemoryDevice(emptyImage4K)
    let fileSystem = try mount(device)
    let file = try fileSystem.createFile(name("mapped"), in: root, permissions: 0o644, caller: rootCaller)
    // The kernel's page cache: allocate blocks at write time, write whole blocks to the device,
    // then set the size.
    var written: [UInt64: [UInt8]] = [:]
    for fileBlock in [0, 1, 2, 500, 2000] as [UInt64] {
        let mapping = try fileSystem.allocateBlock(of: file, fileBlock: fileBlock, caller: rootCaller)
        guard case .new(let diskBlock) = mapping else { Issue.record("expected a new block"); continue }
        let data = pattern(4096, seed: fileBlock)
        try device.write(at: diskBlock * 4096, from: data)
        written[fileBlock] = data
        #expect(try fileSystem.allocateBlock(of: file, fileBlock: fileBlock, caller: rootCaller) == .existing(diskBlock))
    }
    try fileSystem.setAttributes(of: file, Ext2AttributeChange(size: 2001 * 4096))
    for (fileBlock, data) in written {
        let diskBlock = try #require(try fileSystem.blockMapping(of: file, fileBlock: fileBlock))
        var buffer = [UInt8](repeating: 0, count: 4096)
        try device.read(at: diskBlock * 4096, into: &buffer)
        #expect(buffer == data)
        #expect(try fileSystem.read(inode: file, at: fileBlock * 4096, into: &buffer) == 4096 && buffer == data)
    }
    #expect(try fileSystem.blockMapping(of: file, fileBlock: 3) == nil)
    #expect(throws: Errno.EINVAL) { try fileSystem.allocateBlock(of: root, fileBlock: 0, caller: rootCaller) }
    try fileSystem.unmount()
    try expectClean(device)
    #expect(try debugfsContents(device.bytes, "/mapped").count == 2001 * 4096)
}

@Test func staleBytesPastTheEndNeverReappear() throws {
    let device = MemoryDevice(emptyImage1K)
    let fileSystem = try mount(device)
    let file = try fileSystem.createFile(name("tail"), in: root, permissions: 0o644, caller: rootCaller)
    _ = try fileSystem.write(inode: file, at: 0, pattern(1500, seed: 60), caller: rootCaller)
    // Put garbage past the end of the file in its last block, as a foreign image might have.
    let lastBlock = try #require(try fileSystem.blockMapping(of: file, fileBlock: 1))
    var block = [UInt8](repeating: 0, count: 1024)
    try device.read(at: lastBlock * 1024, into: &block)
    for index in 476..<1024 { block[index] = 0xAB }
    try device.write(at: lastBlock * 1024, from: block)
    // Growing by truncate, and writing past the end, both expose zeros.
    try fileSystem.setAttributes(of: file, Ext2AttributeChange(size: 1800))
    var readBack = [UInt8](repeating: 0xFF, count: 300)
    #expect(try fileSystem.read(inode: file, at: 1500, into: &readBack) == 300)
    #expect(readBack.allSatisfy { $0 == 0 })
    // Garbage again, past the new end (1800), then a write that starts beyond it.
    try device.read(at: lastBlock * 1024, into: &block)
    for index in 776..<1024 { block[index] = 0xAB }
    try device.write(at: lastBlock * 1024, from: block)
    _ = try fileSystem.write(inode: file, at: 1900, [1], caller: rootCaller)
    var gap = [UInt8](repeating: 0xFF, count: 100)
    #expect(try fileSystem.read(inode: file, at: 1800, into: &gap) == 100)
    #expect(gap.allSatisfy { $0 == 0 })
    try fileSystem.unmount()
    try expectClean(device)
}

@Test func growingPastTwoGibibytesSetsLargeFile() throws {
    // mke2fs always sets large_file; debugfs can clear it.
    let bytes = try withImageFile(try makeImage(ImageSpec(blockSize: 4096, sizeKiB: 8192))) { path in
        _ = try capture(["debugfs", "-w", "-R", "feature -large_file", path])
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }
    let device = MemoryDevice(bytes)
    #expect(!(try debugfs(device.bytes, ["features"]).contains("large_file")))
    let fileSystem = try mount(device)
    let file = try fileSystem.createFile(name("huge"), in: root, permissions: 0o644, caller: rootCaller)
    #expect(try fileSystem.write(inode: file, at: 3 << 30, [1, 2, 3], caller: rootCaller) == 3)
    try fileSystem.unmount()
    try expectClean(device)
    #expect(try debugfs(device.bytes, ["features"]).contains("large_file"))
}

@Test func pageCacheShrinkFreesBlocksAtOnce() throws {
    let device = MemoryDevice(emptyImage1K)
    let fileSystem = try mount(device)
    let file = try fileSystem.createFile(name("cut"), in: root, permissions: 0o644, caller: rootCaller)
    let before = try fileSystem.statistics()
    // As the kernel's page cache does: the size of the last write-back, then blocks allocated
    // by write(2) past it (0-9, and 300 under a double-indirect and an indirect block).
    try fileSystem.setAttributes(of: file, Ext2AttributeChange(size: 5 * 1024 + 100))
    for fileBlock in Array(0..<10) + [300] as [UInt64] {
        let diskBlock = try fileSystem.allocateBlock(of: file, fileBlock: fileBlock, caller: rootCaller).diskBlock
        try device.write(at: diskBlock * 1024, from: pattern(1024, seed: fileBlock + 1))
    }
    let allocated = try fileSystem.statistics().freeBlocks
    #expect(allocated == before.freeBlocks - 13)

    // A cut below the size: blocks 4 and on (and the emptied indirect blocks) go now, the size
    // falls, the tail of block 3 reads as zeros.
    let cut = try fileSystem.releaseBlocks(of: file, from: 3 * 1024 + 10)
    #expect(cut.size == 3 * 1024 + 10)
    #expect(cut.sectors == 4 * 2)
    #expect(try fileSystem.statistics().freeBlocks == before.freeBlocks - 4)
    #expect(try fileSystem.blockMapping(of: file, fileBlock: 4) == nil)
    #expect(try fileSystem.blockMapping(of: file, fileBlock: 300) == nil)
    let tailBlock = try #require(try fileSystem.blockMapping(of: file, fileBlock: 3))
    var tail = [UInt8](repeating: 0xFF, count: 1024)
    try device.read(at: tailBlock * 1024, into: &tail)
    #expect(Array(tail.prefix(10)) == Array(pattern(1024, seed: 4).prefix(10)))
    #expect(tail[10...].allSatisfy { $0 == 0 })

    // A cut past the size frees the blocks allocated beyond it and leaves the size alone.
    _ = try fileSystem.allocateBlock(of: file, fileBlock: 7, caller: rootCaller)
    let beyond = try fileSystem.releaseBlocks(of: file, from: 6 * 1024)
    #expect(beyond.size == 3 * 1024 + 10)
    #expect(beyond.sectors == 4 * 2)
    #expect(try fileSystem.statistics().freeBlocks == before.freeBlocks - 4)
    #expect(throws: Errno.EINVAL) { _ = try fileSystem.releaseBlocks(of: root, from: 0) }
    try fileSystem.unmount()
    try expectClean(device)
}
