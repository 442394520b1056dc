// Mapping and allocating runs of file blocks at once (Libraries/Ext2/BlockRuns.swift), as the
// kernel's page cache does at write(2) and write-back: the same placement and bookkeeping as one
// block at a time, across the direct/indirect boundary, e2fsck-clean.
import Ext2
import Foundation
import LinuxABI
import Testing

@Test func aRunOfBlocksIsAllocatedContiguouslyAcrossTheIndirectBoundary() throws {
    // 1 KiB blocks: 12 direct pointers, then 256 per indirect block.
    let device = MemoryDevice(emptyImage1K)
    let fileSystem = try mount(device)
    let before = try fileSystem.statistics()
    let file = try fileSystem.createFile(name("run"), in: root, permissions: 0o644, caller: rootCaller)
    #expect(try fileSystem.allocateBlocks(of: file, fileBlocks: 0..<300, caller: rootCaller) == 300)
    let mappings = try fileSystem.blockMappings(of: file, fileBlocks: 0..<300)
    #expect(mappings.allSatisfy { $0 != 0 })
    // Direct blocks, then (after the indirect block, allocated when block 12 was) the rest.
    for index in 1..<12 { #expect(mappings[index] == mappings[0] + UInt64(index)) }
    for index in 13..<268 { #expect(mappings[index] == mappings[12] + UInt64(index - 12)) }
    for index in 0..<300 { #expect(try fileSystem.blockMapping(of: file, fileBlock: UInt64(index)) == mappings[index]) }
    // 300 data blocks, one indirect block, one double-indirect and one of its pointer blocks.
    #expect(try fileSystem.statistics().freeBlocks == before.freeBlocks - 303)
    #expect(try fileSystem.attributes(of: file).sectors == 303 * 2)
    // Asking again allocates nothing; a run with a hole in the middle fills only the hole.
    #expect(try fileSystem.allocateBlocks(of: file, fileBlocks: 0..<300, caller: rootCaller) == 300)
    #expect(try fileSystem.statistics().freeBlocks == before.freeBlocks - 303)
    try fileSystem.setAttributes(of: file, Ext2AttributeChange(size: 300 * 1024))
    try fileSystem.unmount()
    try expectClean(device)
}

@Test func aRunStopsShortWhenTheDiskFills() throws {
    let device = MemoryDevice(emptyImage1K)
    let fileSystem = try mount(device)
    let file = try fileSystem.createFile(name("big"), in: root, permissions: 0o644, caller: rootCaller)
    let free = try fileSystem.statistics().freeBlocks
    // More than the disk holds: the runs before the one that did not fit stay allocated.
    let mapped = try fileSystem.allocateBlocks(of: file, fileBlocks: 0..<(free + 100), caller: rootCaller)
    #expect(mapped > 0 && UInt64(mapped) < free)
    try fileSystem.setAttributes(of: file, Ext2AttributeChange(size: UInt64(mapped) * 1024))
    try fileSystem.unmount()
    try expectClean(device)
    // A run that needs a new pointer chain and more blocks than are left: ENOSPC, and what the
    // chain took before the failure is recorded in the inode (e2fsck finds no lost block).
    let again = try mount(device)
    let other = try again.createFile(name("more"), in: root, permissions: 0o644, caller: rootCaller)
    let left = try again.statistics().freeBlocks
    try #require(left < 258)
    #expect(throws: Errno.ENOSPC) { try again.allocateBlocks(of: other, fileBlocks: 268..<524, caller: rootCaller) }
    try again.setAttributes(of: other, Ext2AttributeChange(size: 524 * 1024))
    try again.unmount()
    try expectClean(device)
}
