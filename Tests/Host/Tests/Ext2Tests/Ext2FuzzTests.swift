// The corruption fuzzer: images made by mke2fs, damaged at random (seeded, so every run is the
// same) in the superblock, the group descriptors, the bitmaps, the inode table, directory blocks
// and indirect blocks; each mutant is mounted read-only and walked (every directory listed and
// looked up, every file read, every link read), and every third one is also mounted read-write
// and changed (create, write, mkdir, rename, truncate, unlink, rmdir). Whatever the damage, the
// engine must answer with an error or a result: a trap would end the test process. A read-only
// walk must never write, and no request may break the device contract. 2400 mutants by default
// (EXT2_FUZZ_MUTANTS=N per base image for a longer run).
import Ext2
import Foundation
import LinuxABI
import Testing

enum FuzzRegionKind: CaseIterable {
    case superblock, groupDescriptors, bitmaps, inodeTable, directoryBlocks, indirectBlocks
}

struct FuzzBase: Sendable {
    let bytes: [UInt8]
    let blockSize: Int
    /// Byte ranges of each kind of structure.
    let regions: [[Range<Int>]]

    init(blockSize: Int, inodeSize: Int, sizeKiB: Int) throws {
        guard let tree = fuzzTree?.path("tree") else { throw ToolFailure(description: "no fuzz tree") }
        let image = try makeImage(ImageSpec(blockSize: blockSize, sizeKiB: sizeKiB, inodeSize: inodeSize, sourceDirectory: tree))
        let fileSystem = try mount(MemoryDevice(image), access: .readOnly)
        let firstDataBlock = blockSize == 1024 ? 1 : 0
        func blockRange(_ block: Int) -> Range<Int> { (block * blockSize)..<((block + 1) * blockSize) }
        func word(_ offset: Int) -> Int { Int(image[offset]) | Int(image[offset + 1]) << 8 | Int(image[offset + 2]) << 16 }
        let descriptor = (firstDataBlock + 1) * blockSize
        let inodeTable = word(descriptor + 8)
        // The inodes in use sit at the start of group 0's table; the first 128 bytes of each
        // record are the ones a driver interprets.
        let usedInodes = try fileSystem.statistics().inodes - fileSystem.statistics().freeInodes + 10
        let inodeRecords = (0..<Int(usedInodes)).map { index in
            (inodeTable * blockSize + index * inodeSize)..<(inodeTable * blockSize + index * inodeSize + 128)
        }
        var directories: [Range<Int>] = []
        var files: [UInt32] = []
        var pending = [root]
        var seen: Set<UInt32> = []
        while let directory = pending.popLast() {
            guard seen.insert(directory).inserted else { continue }
            let size = try fileSystem.attributes(of: directory).size
            for fileBlock in 0..<(size / UInt64(blockSize)) {
                if let block = try fileSystem.blockMapping(of: directory, fileBlock: fileBlock) { directories.append(blockRange(Int(block))) }
            }
            for (entryName, inode) in try list(fileSystem, directory) where entryName != "." && entryName != ".." {
                switch try fileSystem.attributes(of: inode).type {
                case .S_IFDIR: pending.append(inode)
                case .S_IFREG: files.append(inode)
                default: break
                }
            }
        }
        // Indirect blocks, from debugfs's block lists.
        var indirect: [Range<Int>] = []
        let stats = try debugfs(image, files.map { "stat <\($0)>" })
        let expression = try Regex(#"\((IND|DIND|TIND)\):(\d+)"#)
        for match in stats.matches(of: expression) {
            if let block = Int(match.output[2].substring ?? "") { indirect.append(blockRange(block)) }
        }
        bytes = image
        self.blockSize = blockSize
        let blocks = image.count / blockSize
        regions = [
            [1024..<(1024 + 264)],                      // the fields up to s_first_meta_bg
            [descriptor..<(descriptor + 32 * (blocks / (blockSize * 8) + 1))],
            [(word(descriptor) * blockSize)..<(word(descriptor) * blockSize + blocks / 8),
             (word(descriptor + 4) * blockSize)..<(word(descriptor + 4) * blockSize + Int(usedInodes) / 8 + 1)],
            inodeRecords,
            directories,
            indirect,
        ]
    }
}

/// The tree every fuzz image is made from: files in each block-map range, a sparse file, deep and
/// wide directories, links of every kind.
let fuzzTree: Scratch? = {
    guard let scratch = try? Scratch() else { return nil }
    let tree = scratch.path("tree")
    do {
        let manager = FileManager.default
        try manager.createDirectory(atPath: tree + "/d1/d2/d3", withIntermediateDirectories: true)
        try manager.createDirectory(atPath: tree + "/wide", withIntermediateDirectories: true)
        try Data("tiny".utf8).write(to: URL(fileURLWithPath: tree + "/tiny"))
        try Data(pattern(5000, seed: 50)).write(to: URL(fileURLWithPath: tree + "/d1/small"))
        try Data(pattern(40_000, seed: 51)).write(to: URL(fileURLWithPath: tree + "/d1/d2/single"))
        try Data(pattern(300_000, seed: 52)).write(to: URL(fileURLWithPath: tree + "/double"))
        FileManager.default.createFile(atPath: tree + "/sparse", contents: nil)
        let sparse = try FileHandle(forWritingTo: URL(fileURLWithPath: tree + "/sparse"))
        try sparse.seek(toOffset: 3_000_000)
        try sparse.write(contentsOf: Data("data".utf8))
        try sparse.close()
        try makeFiles(in: tree + "/wide", prefix: "member-with-some-name-", count: 80, withContents: .index)
        try manager.createSymbolicLink(atPath: tree + "/fast", withDestinationPath: "tiny")
        try manager.createSymbolicLink(atPath: tree + "/d1/slow", withDestinationPath: String(repeating: "x/", count: 60))
        try manager.linkItem(atPath: tree + "/tiny", toPath: tree + "/d1/d2/d3/hard")
        try makeFifo(tree + "/d1/fifo")
    } catch {
        return nil
    }
    return scratch
}()

/// Applies 1 to 6 random changes inside one kind of region.
func mutate(_ base: FuzzBase, seed: UInt64) -> [UInt8] {
    var generator = SplitMix64(state: seed)
    var bytes = base.bytes
    let kind = Int(seed % UInt64(FuzzRegionKind.allCases.count))
    let ranges = base.regions[kind].isEmpty ? base.regions[0] : base.regions[kind]
    let changes = 1 + Int(generator.next() % 6)
    for _ in 0..<changes {
        let range = ranges[Int(generator.next() % UInt64(ranges.count))]
        let offset = range.lowerBound + Int(generator.next() % UInt64(range.count))
        let value = generator.next()
        switch value % 6 {
        case 0: bytes[offset] = UInt8(truncatingIfNeeded: value >> 8)
        case 1: bytes[offset] ^= 1 << UInt8((value >> 8) % 8)
        case 2: bytes[offset] = 0xFF
        case 3: bytes[offset] = 0
        case 4:
            // A plausible small number (a block or inode number) in an aligned word.
            let aligned = offset & ~3
            let small = UInt32(truncatingIfNeeded: (value >> 8) % UInt64(base.bytes.count / base.blockSize + 16))
            for index in 0..<4 where aligned + index < bytes.count { bytes[aligned + index] = UInt8(truncatingIfNeeded: small >> (8 * UInt32(index))) }
        default:
            // A word copied from elsewhere in the same region (cross-links, loops).
            let source = range.lowerBound + Int((value >> 8) % UInt64(range.count)) & ~3
            let aligned = offset & ~3
            for index in 0..<4 where source + index < range.upperBound && aligned + index < bytes.count {
                bytes[aligned + index] = base.bytes[source + index]
            }
        }
    }
    return bytes
}

/// What a walk met: the regular files and directories (parent, inode, name) for the write phase,
/// and how many operations were refused with an error.
struct WalkResult {
    var files: [(UInt32, UInt32, [UInt8])] = []
    var directories: [(UInt32, UInt32, [UInt8])] = []
    var refusals = 0
}

/// Lists, stats, reads and readlinks everything reachable (and looks up a quarter of the names).
func walk(_ fileSystem: Ext2FileSystem) -> WalkResult {
    var result = WalkResult()
    func attempt<T>(_ body: () throws(Errno) -> T) -> T? {
        do throws(Errno) {
            return try body()
        } catch {
            result.refusals += 1
            return nil
        }
    }
    var pending = [root]
    var visited: Set<UInt32> = []
    var budget = 600
    var buffer = [UInt8](repeating: 0, count: 32768)
    while let directory = pending.popLast(), budget > 0 {
        guard visited.insert(directory).inserted else { continue }
        var entries: [Ext2DirectoryEntry] = []
        _ = attempt { () throws(Errno) in
            try fileSystem.readDirectory(directory, from: 0) { entry in
                if entries.count >= 400 { return .full }
                entries.append(entry)
                return .taken
            }
        }
        for (position, entry) in entries.enumerated() where entry.name != [0x2E] && entry.name != [0x2E, 0x2E] {
            budget -= 1
            if budget <= 0 { break }
            // Looking every name up would make the walk quadratic in big directories.
            if position % 4 == 0 { _ = attempt { () throws(Errno) in try fileSystem.lookup(entry.name, in: directory) } }
            guard let attributes = attempt({ () throws(Errno) in try fileSystem.attributes(of: entry.inode) }) else { continue }
            switch attributes.type {
            case .S_IFDIR:
                pending.append(entry.inode)
                result.directories.append((directory, entry.inode, entry.name))
            case .S_IFREG:
                result.files.append((directory, entry.inode, entry.name))
                // The start (direct and single-indirect blocks), the middle and the end (the
                // deeper trees) of each file.
                for offset in [0, attributes.size / 2, attributes.size > 100 ? attributes.size - 100 : 0] {
                    _ = attempt { () throws(Errno) in try fileSystem.read(inode: entry.inode, at: offset, into: &buffer) }
                }
                _ = attempt { () throws(Errno) in
                    try fileSystem.blockMapping(of: entry.inode, fileBlock: attributes.size / UInt64(fileSystem.blockSize))
                }
            case .S_IFLNK:
                _ = attempt { () throws(Errno) in try fileSystem.readSymbolicLink(entry.inode) }
            default:
                break
            }
        }
    }
    _ = attempt { () throws(Errno) in try fileSystem.statistics() }
    return result
}

/// Changes a damaged file system; every error is acceptable, a trap is not.
func scribble(_ fileSystem: Ext2FileSystem, found: WalkResult) {
    if let created = try? fileSystem.createFile(name("fuzz-new"), in: root, permissions: 0o644, caller: rootCaller) {
        _ = try? fileSystem.write(inode: created, at: 0, pattern(3000, seed: 1), caller: rootCaller)
        _ = try? fileSystem.write(inode: created, at: 300_000, [1, 2, 3], caller: rootCaller)
    }
    let directory = try? fileSystem.makeDirectory(name("fuzz-dir"), in: root, permissions: 0o755, caller: rootCaller)
    if let directory {
        _ = try? fileSystem.rename(name("fuzz-new"), in: root, to: name("moved"), in: directory, mode: .replace, caller: rootCaller)
        _ = try? fileSystem.makeSymbolicLink(name("link"), in: directory, target: Array(repeating: 0x79, count: 80), caller: rootCaller)
    }
    for (parent, inode, entryName) in found.files.prefix(3) {
        if let size = try? fileSystem.attributes(of: inode).size {
            try? fileSystem.setAttributes(of: inode, Ext2AttributeChange(size: size / 2))
        }
        _ = try? fileSystem.write(inode: inode, at: 1000, [7, 7, 7], caller: rootCaller)
        try? fileSystem.link(inode, as: name("fuzz-link"), in: root, caller: rootCaller)
        if let unlinked = try? fileSystem.unlink(entryName, in: parent), unlinked.remainingLinks == 0 {
            try? fileSystem.evict(inode: unlinked.inode)
        }
    }
    for (parent, _, entryName) in found.directories.prefix(3) {
        _ = try? fileSystem.rename(entryName, in: parent, to: name("fuzz-renamed"), in: root, mode: .replace, caller: rootCaller)
        if let removed = try? fileSystem.removeDirectory(name("fuzz-renamed"), in: root) { try? fileSystem.evict(inode: removed.inode) }
    }
    try? fileSystem.unmount()
}

let fuzzBases: [FuzzBase] = [
    (1024, 256, 2048), (1024, 128, 2048), (4096, 256, 2048),
].compactMap { try? FuzzBase(blockSize: $0.0, inodeSize: $0.1, sizeKiB: $0.2) }

@Test(arguments: [0, 1, 2])
func corruptImagesNeverTrap(baseIndex: Int) throws {
    try #require(fuzzBases.count == 3)
    let base = fuzzBases[baseIndex]
    // Each region kind has something to damage.
    #expect(base.regions.allSatisfy { !$0.isEmpty })
    // 800 per base image by default; EXT2_FUZZ_MUTANTS=N runs more (seeds stay the same).
    let mutants = Int(ProcessInfo.processInfo.environment["EXT2_FUZZ_MUTANTS"] ?? "") ?? 800
    var mounted = 0
    var refused = 0
    for index in 0..<mutants {
        let seed = UInt64(baseIndex) << 32 | UInt64(index)
        let bytes = mutate(base, seed: seed)
        let device = MemoryDevice(bytes)
        guard let fileSystem = try? Ext2FileSystem.mount(device: device, clock: TestClock(), access: .readOnly) else {
            refused += 1
            continue
        }
        mounted += 1
        let found = walk(fileSystem)
        if found.refusals > 0 { refused += 1 }
        #expect(device.writes == 0, "a read-only walk wrote (seed \(seed))")
        #expect(device.contractViolations == 0, "seed \(seed)")
        if index % 3 == 0, let writable = try? Ext2FileSystem.mount(device: device, clock: TestClock(), access: .readWrite) {
            scribble(writable, found: found)
            #expect(device.contractViolations == 0, "seed \(seed)")
        }
    }
    // Most damage still mounts (it is outside the superblock), and much of it is met by a walk:
    // the mutants are not all harmless.
    #expect(mounted > mutants / 2)
    #expect(refused > mutants * 15 / 100)
}
