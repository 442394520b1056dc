// Running out of space: ENOSPC for blocks and for inodes, the blocks reserved for root, short
// writes, rollback of a create whose directory cannot grow; e2fsck must stay clean throughout
// and freeing everything must give every block and inode back.
import Ext2
import Foundation
import LinuxABI
import Testing

@Test(arguments: [1024, 4096])
func fillingTheDiskIsENOSPCAndStaysConsistent(blockSize: Int) throws {
    let bytes = try makeImage(ImageSpec(blockSize: blockSize, sizeKiB: blockSize == 1024 ? 2048 : 8192, inodes: 128,
                                        extraOptions: ["-m", "5"]))
    let device = MemoryDevice(bytes)
    let fileSystem = try mount(device)
    let initial = try fileSystem.statistics()
    #expect(initial.availableBlocks < initial.freeBlocks)

    // An ordinary user fills the disk up to the reserve: a short write, then ENOSPC.
    let userFile = try fileSystem.createFile(name("user"), in: root, permissions: 0o644, caller: userCaller)
    let huge = pattern(Int(initial.freeBlocks + 10) * blockSize, seed: 30)
    let written = try fileSystem.write(inode: userFile, at: 0, huge, caller: userCaller)
    #expect(written > 0 && written < huge.count)
    #expect(throws: Errno.ENOSPC) { _ = try fileSystem.write(inode: userFile, at: UInt64(written), [1], caller: userCaller) }
    let afterUser = try fileSystem.statistics()
    #expect(afterUser.availableBlocks == 0 && afterUser.freeBlocks > 0)
    // Root may use the reserve.
    let rootFile = try fileSystem.createFile(name("root"), in: root, permissions: 0o644, caller: rootCaller)
    let rootWritten = try fileSystem.write(inode: rootFile, at: 0, huge, caller: rootCaller)
    #expect(rootWritten > 0 && rootWritten < huge.count)
    #expect(try fileSystem.statistics().freeBlocks == 0)
    #expect(throws: Errno.ENOSPC) { _ = try fileSystem.write(inode: rootFile, at: UInt64(rootWritten), [1], caller: rootCaller) }
    #expect(throws: Errno.ENOSPC) { try fileSystem.makeDirectory(name("d"), in: root, permissions: 0o755, caller: rootCaller) }
    #expect(throws: Errno.ENOSPC) { try fileSystem.makeSymbolicLink(name("s"), in: root, target: Array(repeating: 0x78, count: 100), caller: rootCaller) }
    // A fast symlink needs no block.
    _ = try fileSystem.makeSymbolicLink(name("fast"), in: root, target: name("user"), caller: rootCaller)
    // Creating files until the root directory's block is full: the next create needs a new
    // directory block and fails without leaking its inode.
    var created = 0
    var failure: Errno?
    while failure == nil && created < 200 {
        do throws(Errno) {
            _ = try fileSystem.createFile(name("entry-\(created)-with-a-long-name-to-fill-the-block"), in: root, permissions: 0o644, caller: rootCaller)
            created += 1
        } catch {
            failure = error
        }
    }
    #expect(failure == .ENOSPC)
    let full = try fileSystem.statistics()
    try fileSystem.sync()
    try expectClean(device)
    // Data written before the disk filled is intact.
    let readBack = try contents(fileSystem, userFile) == Array(huge.prefix(written))
    #expect(readBack)

    // Free space again: truncating gives blocks back, and creates work once more.
    try fileSystem.setAttributes(of: rootFile, Ext2AttributeChange(size: 0))
    #expect(try fileSystem.statistics().freeBlocks > full.freeBlocks)
    _ = try fileSystem.makeDirectory(name("d"), in: root, permissions: 0o755, caller: rootCaller)
    try fileSystem.evict(inode: try fileSystem.removeDirectory(name("d"), in: root).inode)
    try removeFile(fileSystem, "root", in: root)
    try removeFile(fileSystem, "user", in: root)
    try removeFile(fileSystem, "fast", in: root)
    for index in 0..<created { try removeFile(fileSystem, "entry-\(index)-with-a-long-name-to-fill-the-block", in: root) }
    let final = try fileSystem.statistics()
    #expect(final.freeInodes == initial.freeInodes)
    // The root directory grew by the blocks its entries needed; everything else is back.
    #expect(final.freeBlocks + 8 >= initial.freeBlocks && final.freeBlocks <= initial.freeBlocks)
    try fileSystem.unmount()
    try expectClean(device)
}

@Test func runningOutOfInodesIsENOSPC() throws {
    let device = MemoryDevice(try makeImage(ImageSpec(blockSize: 1024, sizeKiB: 2048, inodes: 64)))
    let fileSystem = try mount(device)
    let free = try fileSystem.statistics().freeInodes
    for index in 0..<Int(free) { _ = try fileSystem.createFile(name("f\(index)"), in: root, permissions: 0o644, caller: userCaller) }
    #expect(throws: Errno.ENOSPC) { try fileSystem.createFile(name("one-more"), in: root, permissions: 0o644, caller: userCaller) }
    #expect(throws: Errno.ENOSPC) { try fileSystem.makeDirectory(name("dir"), in: root, permissions: 0o755, caller: userCaller) }
    #expect(try fileSystem.statistics().freeInodes == 0)
    try fileSystem.unmount()
    try expectClean(device)
}
