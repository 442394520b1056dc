// Test support for the ext2 engine: an in-memory block device, a settable clock, and the e2fsprogs
// tools (mke2fs makes the images, e2fsck -fn and debugfs check what the engine wrote).
import Ext2
import Foundation
import LinuxABI
import Testing

/// A device over a byte array. Counts requests and records any that break the protocol's
/// contract (not 1024-aligned, past the end), which tests assert never happen.
final class MemoryDevice: Ext2BlockDevice {
    var bytes: [UInt8]
    var reads = 0
    var writes = 0
    var contractViolations = 0
    /// Byte offsets whose reads fail with EIO (fault injection).
    var failingReads: Set<UInt64> = []

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var byteCount: UInt64 { UInt64(bytes.count) }

    func read(at byteOffset: UInt64, into buffer: inout [UInt8]) throws(Errno) {
        reads += 1
        guard byteOffset % 1024 == 0, buffer.count % 1024 == 0, byteOffset + UInt64(buffer.count) <= byteCount else {
            contractViolations += 1
            throw .EIO
        }
        if failingReads.contains(byteOffset) { throw .EIO }
        let start = Int(byteOffset)
        buffer.withUnsafeMutableBufferPointer { destination in
            bytes.withUnsafeBufferPointer { source in
                destination.baseAddress!.update(from: source.baseAddress! + start, count: destination.count)
            }
        }
    }

    func write(at byteOffset: UInt64, from buffer: [UInt8]) throws(Errno) {
        writes += 1
        guard byteOffset % 1024 == 0, buffer.count % 1024 == 0, byteOffset + UInt64(buffer.count) <= byteCount else {
            contractViolations += 1
            throw .EIO
        }
        let start = Int(byteOffset)
        bytes.replaceSubrange(start..<(start + buffer.count), with: buffer)
    }
}

final class TestClock: Ext2Clock {
    var time = Timespec(seconds: 1_800_000_000, nanoseconds: 123_456_789)
    func now() -> Timespec { time }
    func advance(seconds: Int64 = 1) { time.seconds += seconds }
}

let root = Ext2FileSystem.rootInode
let rootCaller = Ext2FileSystem.Caller(userID: 0, groupID: 0, reservedBlocks: .allowed)
let userCaller = Ext2FileSystem.Caller(userID: 1000, groupID: 100, reservedBlocks: .denied)

func name(_ text: String) -> [UInt8] { Array(text.utf8) }

struct ToolFailure: Error, CustomStringConvertible {
    let description: String
}

/// Runs an e2fsprogs tool (found in /usr/sbin or /sbin, where Debian puts them, or on PATH),
/// returning its status and combined output. (Named like the toolkit's Shell.capture, so that the
/// toolkit's dependency-coverage test sees the programs these tests run.)
@discardableResult
func capture(_ arguments: [String]) throws -> (status: Int32, output: String) {
    guard let program = arguments.first else { throw ToolFailure(description: "no program to run") }
    let path = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
    guard let executable = (["/usr/sbin", "/sbin"] + path).map({ $0 + "/" + program })
        .first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
        throw ToolFailure(description: "\(program) not found (Debian package e2fsprogs)")
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = Array(arguments.dropFirst())
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// A scratch directory removed at deinit.
final class Scratch: Sendable {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("apus-ext2-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
    func path(_ component: String) -> String { url.appendingPathComponent(component).path }
}

/// An image made by Debian's `mke2fs -t ext2` (default features: ext_attr, resize_inode, dir_index,
/// filetype, sparse_super, large_file).
struct ImageSpec {
    var blockSize = 1024
    var sizeKiB = 4096
    var inodeSize = 256
    var inodes: Int?
    var extraOptions: [String] = []
    /// Fills the directory given to `mke2fs -d` (nil: an empty file system).
    var populate: ((Scratch, String) throws -> Void)?
    /// A directory to give `mke2fs -d` as it is.
    var sourceDirectory: String?
}

func makeImage(_ spec: ImageSpec) throws -> [UInt8] {
    let scratch = try Scratch()
    let image = scratch.path("image")
    FileManager.default.createFile(atPath: image, contents: nil)
    try FileHandle(forWritingTo: URL(fileURLWithPath: image)).truncate(atOffset: UInt64(spec.sizeKiB) * 1024)
    var arguments = ["-q", "-F", "-t", "ext2", "-b", String(spec.blockSize), "-I", String(spec.inodeSize), "-E", "root_owner=0:0"]
    if let inodes = spec.inodes { arguments += ["-N", String(inodes)] }
    arguments += spec.extraOptions
    if let populate = spec.populate {
        let tree = scratch.path("tree")
        try FileManager.default.createDirectory(atPath: tree, withIntermediateDirectories: true)
        try populate(scratch, tree)
        arguments += ["-d", tree]
    } else if let source = spec.sourceDirectory {
        arguments += ["-d", source]
    }
    arguments += [image, String(spec.sizeKiB)]
    let result = try capture(["mke2fs"] + arguments)
    guard result.status == 0 else { throw ToolFailure(description: "mke2fs failed: \(result.output)") }
    return Array(try Data(contentsOf: URL(fileURLWithPath: image)))
}

/// Writes `bytes` to a scratch file and runs `body` with its path.
func withImageFile<T>(_ bytes: [UInt8], _ body: (String) throws -> T) throws -> T {
    let scratch = try Scratch()
    let path = scratch.path("check.img")
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return try body(path)
}

/// `e2fsck -fn`: (clean, output).
func fsck(_ bytes: [UInt8]) throws -> (clean: Bool, output: String) {
    try withImageFile(bytes) { path in
        let result = try capture(["e2fsck", "-fn", path])
        return (result.status == 0, result.output)
    }
}

/// Expects `e2fsck -fn` to find nothing to fix.
func expectClean(_ device: MemoryDevice, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let (clean, output) = try fsck(device.bytes)
    #expect(clean, "e2fsck -fn found problems:\n\(output)", sourceLocation: sourceLocation)
    #expect(device.contractViolations == 0, sourceLocation: sourceLocation)
}

/// Runs debugfs requests (read-only) on the image and returns the output.
func debugfs(_ bytes: [UInt8], _ requests: [String]) throws -> String {
    try withImageFile(bytes) { path in
        // debugfs takes one -R; run each request on its own.
        var output = ""
        for request in requests {
            output += try capture(["debugfs", "-R", request, path]).output
        }
        return output
    }
}

/// The contents of `path` in the image, read by debugfs's `dump`.
func debugfsContents(_ bytes: [UInt8], _ path: String) throws -> [UInt8] {
    try withImageFile(bytes) { image in
        let scratch = try Scratch()
        let out = scratch.path("dumped")
        let result = try capture(["debugfs", "-R", "dump \(path) \(out)", image])
        guard let data = FileManager.default.contents(atPath: out) else {
            throw ToolFailure(description: "debugfs could not dump \(path): \(result.output)")
        }
        return Array(data)
    }
}

/// The fields of debugfs `stat` worth comparing (links, size, type, mode).
func debugfsStat(_ bytes: [UInt8], _ path: String) throws -> String {
    try debugfs(bytes, ["stat \(path)"])
}

func mount(_ device: MemoryDevice, clock: TestClock = TestClock(), access: Ext2FileSystem.Access = .readWrite) throws -> Ext2FileSystem {
    do {
        return try Ext2FileSystem.mount(device: device, clock: clock, access: access)
    } catch {
        throw ToolFailure(description: error.description)
    }
}

/// Resolves a slash-separated path from the root (no symlink following).
func resolve(_ fileSystem: Ext2FileSystem, _ path: String) throws(Errno) -> UInt32 {
    var current = root
    for component in path.split(separator: "/") {
        current = try fileSystem.lookup(Array(component.utf8), in: current)
    }
    return current
}

/// All entries of a directory (names as strings), via readdir.
func list(_ fileSystem: Ext2FileSystem, _ directory: UInt32) throws(Errno) -> [String: UInt32] {
    var entries: [String: UInt32] = [:]
    _ = try fileSystem.readDirectory(directory, from: 0) { entry in
        entries[String(decoding: entry.name, as: UTF8.self)] = entry.inode
        return .taken
    }
    return entries
}

/// The whole contents of a file.
func contents(_ fileSystem: Ext2FileSystem, _ inode: UInt32) throws(Errno) -> [UInt8] {
    let size = try fileSystem.attributes(of: inode).size
    var buffer = [UInt8](repeating: 0xAA, count: Int(size))
    let count = try fileSystem.read(inode: inode, at: 0, into: &buffer)
    return Array(buffer.prefix(count))
}

/// Deterministic pseudo-random bytes.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

func pattern(_ count: Int, seed: UInt64) -> [UInt8] {
    var generator = SplitMix64(state: seed)
    var bytes = [UInt8](repeating: 0, count: count)
    var index = 0
    while index < count {
        let word = generator.next()
        var shift: UInt64 = 0
        while shift < 64 && index < count {
            bytes[index] = UInt8(truncatingIfNeeded: word >> shift)
            shift += 8
            index += 1
        }
    }
    return bytes
}

extension Ext2MountError: CustomStringConvertible {}

/// unlink, then evict as the kernel does when nothing holds the file open.
func removeFile(_ fileSystem: Ext2FileSystem, _ fileName: String, in directory: UInt32) throws(Errno) {
    let unlinked = try fileSystem.unlink(name(fileName), in: directory)
    if unlinked.remainingLinks == 0 { try fileSystem.evict(inode: unlinked.inode) }
}

enum MadeFileContents { case none, index }

/// Creates `prefix0`...`prefix<count-1>` in `directory`, empty or holding their index (written
/// directly: FileManager.createFile goes through a temporary file each time, slow for thousands).
func makeFiles(in directory: String, prefix: String, count: Int, withContents contents: MadeFileContents) throws {
    for index in 0..<count {
        let data = contents == .index ? Data(String(index).utf8) : Data()
        try data.write(to: URL(fileURLWithPath: "\(directory)/\(prefix)\(index)"))
    }
}

/// A FIFO at `path` (mkfifo(3)).
func makeFifo(_ path: String) throws {
    guard mkfifo(path, 0o644) == 0 else { throw ToolFailure(description: "mkfifo \(path) failed") }
}

/// The value of a `debugfs stats` (superblock) field, such as "Free blocks".
func superblockField(_ bytes: [UInt8], _ label: String) throws -> String {
    try debugfs(bytes, ["stats"]).split(separator: "\n").first { $0.hasPrefix(label + ":") }
        .map { $0.split(separator: ":", maxSplits: 1)[1].trimmingCharacters(in: .whitespaces) } ?? ""
}
