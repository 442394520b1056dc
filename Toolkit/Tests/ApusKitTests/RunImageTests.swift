// `apus run --add DIR`: the directory's entries are written after the default image's, at the
// same relative paths, with their permission bits; `--initrd` accepts only cpio or gzip.

import Cpio
import Foundation
import Testing
@testable import ApusKit

func temporaryFolder(_ name: String) throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("apus-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

@Test func addedTreeKeepsPathsModesAndLinks() throws {
    let root = try temporaryFolder("overlay")
    defer { try? FileManager.default.removeItem(at: root) }
    let manager = FileManager.default
    try manager.createDirectory(at: root.appendingPathComponent("opt/tool"), withIntermediateDirectories: true)
    try Data("#!/bin/sh\necho mine\n".utf8).write(to: root.appendingPathComponent("init"))
    try Data("secret".utf8).write(to: root.appendingPathComponent("opt/tool/key"))
    try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root.appendingPathComponent("init").path)
    try manager.setAttributes([.posixPermissions: 0o600], ofItemAtPath: root.appendingPathComponent("opt/tool/key").path)
    try manager.setAttributes([.posixPermissions: 0o700], ofItemAtPath: root.appendingPathComponent("opt/tool").path)
    try manager.createSymbolicLink(atPath: root.appendingPathComponent("opt/link").path, withDestinationPath: "tool/key")

    var builder = InitramfsBuilder()
    try builder.addBase()
    try builder.addTree(from: root)
    let archive = try temporaryFolder("overlay-out").appendingPathComponent("image.cpio")
    defer { try? FileManager.default.removeItem(at: archive.deletingLastPathComponent()) }
    try builder.write(to: archive)
    let bytes = [UInt8](try Data(contentsOf: archive))
    let entries = try CpioReader.entries(in: bytes.span)
    func last(_ name: String) -> CpioEntry? { entries.last { $0.name == name } }
    func contents(_ entry: CpioEntry?) -> String { entry.map { String(decoding: bytes[$0.dataRange], as: UTF8.self) } ?? "" }

    // The added /init comes after the default one, so the kernel's unpacker keeps it.
    let inits = entries.indices.filter { entries[$0].name == "init" }
    #expect(inits.count == 2)
    #expect(contents(last("init")) == "#!/bin/sh\necho mine\n")
    #expect(last("init")?.permissions == 0o755)
    #expect(last("opt/tool/key")?.permissions == 0o600)
    #expect(last("opt/tool/key")?.fileType == .regular)
    #expect(last("opt/tool")?.permissions == 0o700)
    #expect(last("opt/tool")?.fileType == .directory)
    #expect(last("opt/link")?.fileType == .symbolicLink)
    #expect(contents(last("opt/link")) == "tool/key")
    // Parents precede children.
    #expect(entries.firstIndex { $0.name == "opt" }! < entries.firstIndex { $0.name == "opt/tool/key" }!)
}

@Test func addRefusesWhatIsNotADirectory() throws {
    var builder = InitramfsBuilder()
    #expect(throws: ToolkitError.self) { try builder.addTree(from: URL(fileURLWithPath: "/nonexistent-apus-folder")) }
}

@Test func userArchiveMustBeCpioOrGzip() throws {
    let folder = try temporaryFolder("initrd")
    defer { try? FileManager.default.removeItem(at: folder) }
    let text = folder.appendingPathComponent("notes.txt")
    try Data("hello".utf8).write(to: text)
    #expect(throws: ToolkitError.self) { try RunImage.checkArchive(text) }
    let gzip = folder.appendingPathComponent("image.cpio.gz")
    try Data([0x1f, 0x8b, 8, 0, 0, 0]).write(to: gzip)
    try RunImage.checkArchive(gzip)
    var writer = CpioWriter()
    try writer.appendDirectory("dev")
    let plain = folder.appendingPathComponent("image.cpio")
    try Data(writer.finish()).write(to: plain)
    try RunImage.checkArchive(plain)
}
