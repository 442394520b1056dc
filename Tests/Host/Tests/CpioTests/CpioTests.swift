// newc archives: writer/reader round trips, GNU cpio interoperability both ways, concatenation,
// and hostile input (every truncation, bad fields, random corruption).
import Foundation
import Testing
import Cpio

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

func entries(_ archive: [UInt8]) throws(CpioError) -> [CpioEntry] {
    try CpioReader.entries(in: archive.span)
}

func outcome(_ body: @autoclosure () throws(CpioError) -> [CpioEntry]) -> Result<[CpioEntry], CpioError> {
    do throws(CpioError) { return .success(try body()) } catch { return .failure(error) }
}

func data(_ archive: [UInt8], _ entry: CpioEntry) -> [UInt8] { Array(archive[entry.dataRange]) }

func sampleArchive(format: CpioFormat = .newc) throws -> [UInt8] {
    var writer = CpioWriter(format: format)
    try writer.appendDirectory("bin")
    try writer.appendFile("bin/hello", data: Array("#!/bin/sh\necho hello\n".utf8), permissions: 0o755)
    try writer.appendFile("empty", data: [])
    try writer.appendSymbolicLink("sh", target: "bin/hello")
    try writer.appendDeviceNode("dev/console", type: .characterDevice, major: 5, minor: 1)
    try writer.appendDeviceNode("dev/sda", type: .blockDevice, major: 8, minor: 0, permissions: 0o660)
    try writer.append(name: "fifo", mode: CpioFileType.fifo.rawValue | 0o644, uid: 1000, gid: 100, mtime: 1_700_000_000)
    try writer.append(name: "odd name é", mode: CpioFileType.regular.rawValue | 0o600, data: [1, 2, 3])
    return writer.finish()
}

@Test(arguments: [CpioFormat.newc, .newcWithChecksum])
func writerOutputRoundTrips(format: CpioFormat) throws {
    let archive = try sampleArchive(format: format)
    #expect(archive.count % 512 == 0)
    let list = try entries(archive)
    #expect(list.map(\.name) == ["bin", "bin/hello", "empty", "sh", "dev/console", "dev/sda", "fifo", "odd name é"])
    #expect(list.map(\.fileType) == [.directory, .regular, .regular, .symbolicLink, .characterDevice, .blockDevice, .fifo, .regular])
    #expect(list[0].nlink == 2 && list[1].nlink == 1)
    #expect(list[1].permissions == 0o755)
    #expect(data(archive, list[1]) == Array("#!/bin/sh\necho hello\n".utf8))
    #expect(list[2].dataSize == 0)
    #expect(data(archive, list[3]) == Array("bin/hello".utf8))
    #expect(list[4].rdevMajor == 5 && list[4].rdevMinor == 1)
    #expect(list[5].rdevMajor == 8 && list[5].permissions == 0o660)
    #expect(list[6].uid == 1000 && list[6].gid == 100 && list[6].mtime == 1_700_000_000)
    #expect(Set(list.map(\.inode)).count == list.count)
    for entry in list {
        #expect(entry.dataOffset % 4 == 0)
        #expect(Array(archive[entry.nameOffset..<(entry.nameOffset + entry.nameSize)]) == Array(entry.name.utf8))
    }
}

@Test func fileTypesFromMode() {
    #expect(CpioFileType(mode: 0o100644) == .regular)
    #expect(CpioFileType(mode: 0o040755) == .directory)
    #expect(CpioFileType(mode: 0o120777) == .symbolicLink)
    #expect(CpioFileType(mode: 0o020600) == .characterDevice)
    #expect(CpioFileType(mode: 0o060600) == .blockDevice)
    #expect(CpioFileType(mode: 0o010644) == .fifo)
    #expect(CpioFileType(mode: 0o140755) == .socket)
    #expect(CpioFileType(mode: 0o000644) == nil)
    #expect(CpioFileType(mode: 0o170000) == nil)
}

@Test func writerRejectsBadNames() {
    var writer = CpioWriter()
    #expect(throws: CpioError.badName) { try writer.appendFile("", data: []) }
    #expect(throws: CpioError.badName) { try writer.appendFile("a\u{0}b", data: []) }
    #expect(throws: CpioError.badName) { try writer.appendFile(String(repeating: "x", count: 4096), data: []) }
    #expect(throws: Never.self) { try writer.appendFile(String(repeating: "x", count: 4095), data: []) }
}

// MARK: GNU cpio interoperability

func run(_ executable: String, _ arguments: [String], directory: URL, input: [UInt8]? = nil) throws -> (status: Int32, output: [UInt8]) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = directory
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    if let input {
        let file = directory.appendingPathComponent(".stdin-\(UUID().uuidString)")
        try Data(input).write(to: file)
        process.standardInput = try FileHandle(forReadingFrom: file)
    }
    try process.run()
    let bytes = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, [UInt8](bytes))
}

func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("cpio-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Test(arguments: [CpioFormat.newc, .newcWithChecksum])
func gnuCpioListsWriterOutput(format: CpioFormat) throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let archive = try sampleArchive(format: format)
    let listing = try run("/usr/bin/cpio", ["-i", "-t", "--quiet"], directory: directory, input: archive)
    #expect(listing.status == 0)
    let names = String(decoding: listing.output, as: UTF8.self).split(separator: "\n").map(String.init)
    #expect(names == ["bin", "bin/hello", "empty", "sh", "dev/console", "dev/sda", "fifo", "odd name é"])
    // And extraction reproduces the file contents (device nodes need root; skip them).
    var writer = CpioWriter(format: format)
    try writer.appendDirectory("d")
    try writer.appendFile("d/file", data: Array(0...255) + Array(0...10))
    try writer.appendSymbolicLink("d/link", target: "file")
    let extract = try run("/usr/bin/cpio", ["-i", "-d", "--quiet"], directory: directory, input: writer.finish())
    #expect(extract.status == 0)
    let contents = try Data(contentsOf: directory.appendingPathComponent("d/file"))
    #expect([UInt8](contents) == Array(0...255) + Array(0...10))
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: directory.appendingPathComponent("d/link").path) == "file")
}

@Test(arguments: ["newc", "crc"])
func readerParsesGnuCpioOutput(gnuFormat: String) throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    var rng = SplitMix64(state: 5)
    var expected: [String: [UInt8]] = [:]
    try FileManager.default.createDirectory(at: directory.appendingPathComponent("tree/sub"), withIntermediateDirectories: true)
    for (index, size) in [0, 1, 2, 3, 4, 5, 511, 512, 513, 70_000].enumerated() {
        let name = index % 2 == 0 ? "tree/file\(index)" : "tree/sub/file\(index)"
        let bytes = (0..<size).map { _ in UInt8.random(in: 0...255, using: &rng) }
        try Data(bytes).write(to: directory.appendingPathComponent(name))
        expected[name] = bytes
    }
    try FileManager.default.createSymbolicLink(atPath: directory.appendingPathComponent("tree/link").path, withDestinationPath: "sub/file1")
    let names = (["tree", "tree/sub", "tree/link"] + expected.keys.sorted()).joined(separator: "\n") + "\n"
    let archive = try run("/usr/bin/cpio", ["-o", "-H", gnuFormat, "--quiet"], directory: directory, input: Array(names.utf8))
    #expect(archive.status == 0)
    let bytes = archive.output
    if gnuFormat == "crc" { #expect(Array(bytes.prefix(6)) == Array("070702".utf8)) }
    let list = try entries(bytes)
    #expect(list.count == expected.count + 3)
    for entry in list {
        if let content = expected[entry.name] {
            #expect(entry.fileType == .regular)
            #expect(data(bytes, entry) == content, "\(entry.name)")
        }
    }
    #expect(list.first { $0.name == "tree/sub" }?.fileType == .directory)
    let link = try #require(list.first { $0.name == "tree/link" })
    #expect(link.fileType == .symbolicLink && data(bytes, link) == Array("sub/file1".utf8))
    // A corrupted data byte fails the "crc" format's checksum.
    if gnuFormat == "crc", let big = list.first(where: { $0.dataSize == 70_000 }) {
        var damaged = bytes
        damaged[big.dataOffset + 1234] &+= 1
        #expect(outcome(try entries(damaged)) == .failure(.checksumMismatch))
    }
}
