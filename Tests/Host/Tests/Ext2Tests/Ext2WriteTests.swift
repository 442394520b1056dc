// Writing through the engine, then checking with e2fsprogs: after every scenario `e2fsck -fn`
// must find nothing to fix, and debugfs must read back what was written.
import Ext2
import Foundation
import LinuxABI
import Testing

/// Empty images, made once per configuration (each test mutates its own copy).
let emptyImage1K: [UInt8] = (try? makeImage(ImageSpec(blockSize: 1024, sizeKiB: 16384))) ?? []
let emptyImage4K: [UInt8] = (try? makeImage(ImageSpec(blockSize: 4096, sizeKiB: 32768))) ?? []
let emptyImage1KSmallInodes: [UInt8] = (try? makeImage(ImageSpec(blockSize: 1024, sizeKiB: 16384, inodeSize: 128))) ?? []

@Test(arguments: [1024, 4096])
func createsEveryKindOfFile(blockSize: Int) throws {
    let device = MemoryDevice(blockSize == 1024 ? emptyImage1K : emptyImage4K)
    let clock = TestClock()
    let fileSystem = try mount(device, clock: clock)
    let before = try fileSystem.statistics()

    let small = try fileSystem.createFile(name("small.txt"), in: root, permissions: 0o640, caller: userCaller)
    #expect(try fileSystem.write(inode: small, at: 0, Array("small file\n".utf8), caller: userCaller) == 11)
    // Crosses the direct, single- and double-indirect ranges for 1 KiB blocks.
    let largeData = pattern(700_000, seed: 1)
    let large = try fileSystem.createFile(name("large.bin"), in: root, permissions: 0o644, caller: rootCaller)
    #expect(try fileSystem.write(inode: large, at: 0, largeData, caller: rootCaller) == largeData.count)

    let directory = try fileSystem.makeDirectory(name("dir"), in: root, permissions: 0o755, caller: rootCaller)
    let nested = try fileSystem.makeDirectory(name("nested"), in: directory, permissions: 0o700, caller: userCaller)
    let inner = try fileSystem.createFile(name("inner"), in: nested, permissions: 0o600, caller: userCaller)
    _ = try fileSystem.write(inode: inner, at: 0, pattern(3000, seed: 2), caller: userCaller)

    let fast = try fileSystem.makeSymbolicLink(name("fast"), in: root, target: name("small.txt"), caller: rootCaller)
    // 59 bytes is the longest fast link (the target and its NUL fill i_block's 60 bytes).
    let longestFast = try fileSystem.makeSymbolicLink(name("fast59"), in: root, target: Array(repeating: 0x66, count: 59), caller: rootCaller)
    let shortestSlow = try fileSystem.makeSymbolicLink(name("slow60"), in: root, target: Array(repeating: 0x73, count: 60), caller: rootCaller)
    #expect(try fileSystem.attributes(of: longestFast).sectors == 0)
    #expect(try fileSystem.attributes(of: shortestSlow).sectors == UInt64(blockSize / 512))
    #expect(try fileSystem.readSymbolicLink(longestFast) == Array(repeating: 0x66, count: 59))
    #expect(try fileSystem.readSymbolicLink(shortestSlow) == Array(repeating: 0x73, count: 60))
    #expect(throws: Errno.ENAMETOOLONG) {
        try fileSystem.makeSymbolicLink(name("too-long"), in: root, target: Array(repeating: 0x74, count: blockSize), caller: rootCaller)
    }
    let slowTarget = name(String(repeating: "a/", count: 100) + "end")
    let slow = try fileSystem.makeSymbolicLink(name("slow"), in: directory, target: slowTarget, caller: rootCaller)
    let character = try fileSystem.makeNode(name("null"), in: root, type: .S_IFCHR, permissions: 0o666,
                                            device: Ext2DeviceNumber(major: 1, minor: 3), caller: rootCaller)
    let block = try fileSystem.makeNode(name("disk"), in: root, type: .S_IFBLK, permissions: 0o660,
                                        device: Ext2DeviceNumber(major: 259, minor: 70000), caller: rootCaller)
    _ = try fileSystem.makeNode(name("pipe"), in: root, type: .S_IFIFO, permissions: 0o644, device: Ext2DeviceNumber(major: 0, minor: 0), caller: rootCaller)
    _ = try fileSystem.makeNode(name("socket"), in: directory, type: .S_IFSOCK, permissions: 0o755, device: Ext2DeviceNumber(major: 0, minor: 0), caller: rootCaller)
    try fileSystem.link(small, as: name("small-link"), in: directory, caller: rootCaller)

    // Read back through the engine.
    #expect(try contents(fileSystem, large) == largeData)
    #expect(try fileSystem.readSymbolicLink(fast) == name("small.txt"))
    #expect(try fileSystem.readSymbolicLink(slow) == slowTarget)
    #expect(try fileSystem.attributes(of: fast).sectors == 0)
    #expect(try fileSystem.attributes(of: slow).sectors == UInt64(blockSize / 512))
    #expect(try fileSystem.attributes(of: character).device == Ext2DeviceNumber(major: 1, minor: 3))
    #expect(try fileSystem.attributes(of: block).device == Ext2DeviceNumber(major: 259, minor: 70000))
    let smallAttributes = try fileSystem.attributes(of: small)
    #expect(smallAttributes.linkCount == 2 && smallAttributes.userID == 1000 && smallAttributes.groupID == 100)
    #expect(smallAttributes.permissions == 0o640 && smallAttributes.type == .S_IFREG)
    #expect(smallAttributes.modificationTime == clock.time && smallAttributes.creationTime == clock.time)
    #expect(try fileSystem.attributes(of: root).linkCount == 4)
    #expect(try fileSystem.attributes(of: directory).linkCount == 3)
    #expect(try list(fileSystem, nested)[".."] == directory)
    #expect(throws: Errno.EEXIST) { try fileSystem.createFile(name("small.txt"), in: root, permissions: 0o644, caller: rootCaller) }
    #expect(throws: Errno.EEXIST) { try fileSystem.makeDirectory(name("dir"), in: root, permissions: 0o755, caller: rootCaller) }
    #expect(throws: Errno.EPERM) { try fileSystem.link(directory, as: name("dir-link"), in: root, caller: rootCaller) }
    #expect(throws: Errno.ENAMETOOLONG) { try fileSystem.createFile(Array(repeating: 0x61, count: 256), in: root, permissions: 0o644, caller: rootCaller) }
    #expect(throws: Errno.EINVAL) { try fileSystem.createFile(name("a/b"), in: root, permissions: 0o644, caller: rootCaller) }
    #expect(throws: Errno.ENOTDIR) { try fileSystem.createFile(name("x"), in: small, permissions: 0o644, caller: rootCaller) }
    let longest = try fileSystem.createFile(Array(repeating: 0x62, count: 255), in: root, permissions: 0o644, caller: rootCaller)
    #expect(try fileSystem.lookup(Array(repeating: 0x62, count: 255), in: root) == longest)

    let after = try fileSystem.statistics()
    #expect(after.freeInodes == before.freeInodes - 14)
    #expect(after.freeBlocks < before.freeBlocks)
    try fileSystem.unmount()
    try expectClean(device)

    // debugfs reads back the same.
    #expect(try debugfsContents(device.bytes, "/large.bin") == largeData)
    #expect(try debugfsContents(device.bytes, "/dir/nested/inner") == pattern(3000, seed: 2))
    #expect(try debugfsContents(device.bytes, "/dir/small-link") == Array("small file\n".utf8))
    let stat = try debugfs(device.bytes, ["stat /small.txt", "stat /disk", "stat /dir/slow", "stat /fast", "ls -l /dir"])
    #expect(stat.contains("Mode:  0640") && stat.contains("User:  1000") && stat.contains("Links: 2"))
    #expect(stat.contains("Type: block special"))
    #expect(stat.contains("Device major/minor number: 259:70000"))
    #expect(stat.contains("Fast link dest: \"small.txt\""))
    #expect(stat.contains("socket"))
}

@Test func attributesAndTimestamps() throws {
    for image in [emptyImage1K, emptyImage1KSmallInodes] {
        let device = MemoryDevice(image)
        let clock = TestClock()
        let fileSystem = try mount(device, clock: clock)
        let file = try fileSystem.createFile(name("f"), in: root, permissions: 0o4755, caller: rootCaller)
        let large = image == emptyImage1K
        #expect((try fileSystem.attributes(of: file).creationTime != nil) == large)
        // Past 2038 (needs the extra epoch bits of large inodes), and before 1970.
        let future = Timespec(seconds: 5_000_000_000, nanoseconds: 999_999_999)
        let past = Timespec(seconds: -1_000_000, nanoseconds: 5)
        try fileSystem.setAttributes(of: file, Ext2AttributeChange(permissions: 0o600, userID: 70_000, groupID: 80_000,
                                                                   accessTime: past, modificationTime: future,
                                                                   changeTime: clock.time))
        let attributes = try fileSystem.attributes(of: file)
        #expect(attributes.permissions == 0o600 && attributes.userID == 70_000 && attributes.groupID == 80_000)
        #expect(attributes.accessTime == (large ? past : Timespec(seconds: -1_000_000, nanoseconds: 0)))
        #expect(attributes.modificationTime == (large ? future : Timespec(seconds: Int64(Int32.max), nanoseconds: 0)))
        // The directory's mtime follows changes to its entries.
        clock.advance(seconds: 100)
        _ = try fileSystem.createFile(name("g"), in: root, permissions: 0o644, caller: rootCaller)
        #expect(try fileSystem.attributes(of: root).modificationTime == clock.time.truncated(large: large))
        // Set-group-ID directories pass their group on.
        let shared = try fileSystem.makeDirectory(name("shared"), in: root, permissions: 0o2775, caller: Ext2FileSystem.Caller(userID: 5, groupID: 77, reservedBlocks: .denied))
        let child = try fileSystem.makeDirectory(name("child"), in: shared, permissions: 0o755, caller: userCaller)
        let childAttributes = try fileSystem.attributes(of: child)
        #expect(childAttributes.groupID == 77 && childAttributes.permissions == 0o2755)
        try fileSystem.unmount()
        try expectClean(device)
        let stat = try debugfs(device.bytes, ["stat /f"])
        #expect(stat.contains("User: 70000") && stat.contains("Group: 80000"))
        if large { #expect(stat.contains("mtime: 0x2a05f200:efffffff") || stat.contains("0x2a05f200:")) }
    }
}

extension Timespec {
    func truncated(large: Bool) -> Timespec { large ? self : Timespec(seconds: seconds, nanoseconds: 0) }
}

@Test func superblockStateFollowsMountAndUnmount() throws {
    let device = MemoryDevice(emptyImage1K)
    let clock = TestClock()
    func field(_ label: String) throws -> String { try superblockField(device.bytes, label) }
    #expect(try field("Filesystem state") == "clean")
    let mountsBefore = Int(try field("Mount count")) ?? -1
    let readOnly = try mount(device, clock: clock, access: .readOnly)
    #expect(device.writes == 0)
    try readOnly.unmount()
    #expect(device.writes == 0)
    let fileSystem = try mount(device, clock: clock)
    #expect(try field("Filesystem state") == "not clean")
    #expect(Int(try field("Mount count")) == mountsBefore + 1)
    let file = try fileSystem.createFile(name("x"), in: root, permissions: 0o644, caller: rootCaller)
    _ = try fileSystem.write(inode: file, at: 0, pattern(20_000, seed: 5), caller: rootCaller)
    try fileSystem.sync()
    let statistics = try fileSystem.statistics()
    // sync writes the running free counts into the superblock.
    #expect(UInt64(try field("Free blocks")) == statistics.freeBlocks)
    #expect(UInt64(try field("Free inodes")) == statistics.freeInodes)
    #expect(try field("Last mount time").contains("2027"))
    try fileSystem.unmount()
    #expect(try field("Filesystem state") == "clean")
    #expect(throws: Errno.EIO) { try fileSystem.lookup(name("x"), in: root) }
    try expectClean(device)
}

@Test func unlinkedButOpenInodeLivesUntilEvicted() throws {
    let device = MemoryDevice(emptyImage1K)
    let fileSystem = try mount(device)
    let before = try fileSystem.statistics()
    let file = try fileSystem.createFile(name("open"), in: root, permissions: 0o644, caller: rootCaller)
    let data = pattern(50_000, seed: 3)
    _ = try fileSystem.write(inode: file, at: 0, data, caller: rootCaller)
    try fileSystem.link(file, as: name("second"), in: root, caller: rootCaller)
    #expect(try fileSystem.unlink(name("open"), in: root) == Ext2Unlinked(inode: file, remainingLinks: 1))
    try fileSystem.evict(inode: file)          // still linked: nothing happens
    #expect(try contents(fileSystem, file) == data)
    #expect(try fileSystem.unlink(name("second"), in: root) == Ext2Unlinked(inode: file, remainingLinks: 0))
    // Still readable and writable while "open".
    #expect(try contents(fileSystem, file) == data)
    _ = try fileSystem.write(inode: file, at: 50_000, [1, 2, 3], caller: rootCaller)
    #expect(throws: Errno.ENOENT) { try fileSystem.link(file, as: name("again"), in: root, caller: rootCaller) }
    try fileSystem.evict(inode: file)
    #expect(throws: Errno.EUCLEAN) { try fileSystem.attributes(of: file) }
    let after = try fileSystem.statistics()
    #expect(after.freeBlocks == before.freeBlocks && after.freeInodes == before.freeInodes)
    try fileSystem.unmount()
    try expectClean(device)
    #expect(try debugfs(device.bytes, ["stat <\(file)>"]).contains("dtime:"))
}
