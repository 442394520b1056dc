// Disks for QEMU: the pattern every block test recomputes, the arguments that attach images as
// modern virtio-blk functions, and how a SKIP line of a `disk` program counts.
import Foundation
import Testing
@testable import ApusKit

@Test func patternDiskHoldsEachSectorsNumberThenItsBytes() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("apus-pattern-\(getpid()).img")
    defer { try? FileManager.default.removeItem(at: url) }
    try PatternDisk.write(to: url, bytes: 3 * 512)
    let bytes = [UInt8](try Data(contentsOf: url))
    #expect(bytes.count == 1536)
    #expect(Array(bytes[512..<520]) == [1, 0, 0, 0, 0, 0, 0, 0], "sector 1 starts with its number")
    #expect(bytes[2 * 512 + 100] == UInt8((2 * 31 + 100) % 256))
    #expect(bytes[8] == 8 && bytes[511] == 255)
}

@Test func disksAttachAsModernVirtioBlockInOrder() {
    var machine = QEMUMachine(kernel: URL(fileURLWithPath: "/k.elf"))
    machine.disks = [QEMUMachine.VirtioDisk(file: URL(fileURLWithPath: "/images/a,b.img")),
                     QEMUMachine.VirtioDisk(file: URL(fileURLWithPath: "/r.img"), access: .readOnly, interrupts: .legacyLine)]
    let arguments = machine.arguments
    guard let first = arguments.firstIndex(of: "-drive") else {
        Issue.record("no -drive in \(arguments)")
        return
    }
    #expect(Array(arguments[first..<(first + 8)]) == [
        "-drive", "file=/images/a,,b.img,if=none,id=disk0,format=raw", "-device", "virtio-blk-pci,drive=disk0,disable-legacy=on",
        "-drive", "file=/r.img,if=none,id=disk1,format=raw,readonly=on", "-device", "virtio-blk-pci,drive=disk1,disable-legacy=on,vectors=0",
    ])
}

@Test func aSkipCountsOnlyWhereItIsAllowed() {
    let output = "boot\nSKIP block/vda: no /dev/vda\n"
    #expect(UserTests.verdict(output: output, status: 0, name: "block/vda", skips: .allowed).0 == .skipped)
    #expect(UserTests.verdict(output: output, status: 0, name: "block/vda").0 == .failed, "the disk was attached")
    #expect(UserTests.verdict(output: output, status: 1, name: "block/vda", skips: .allowed).0 == .failed)
    #expect(UserTests.verdict(output: "PASS block/vda\n", status: 0, name: "block/vda").0 == .passed)
}

@Test func mkdiskBuildsAnExt2ImageThatE2fsckAndDebugfsRead() throws {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("apus-mkdisk-\(getpid())")
    defer { try? FileManager.default.removeItem(at: base) }
    let tree = base.appendingPathComponent("tree"), image = base.appendingPathComponent("out/disk.ext2")
    try FileManager.default.createDirectory(at: tree.appendingPathComponent("sub"), withIntermediateDirectories: true)
    try Data("made by apus mkdisk\n".utf8).write(to: tree.appendingPathComponent("sub/file.txt"))
    try Ext2Disk.make(from: tree, to: image, sizeBytes: 1 << 20)
    #expect(try image.resourceValues(forKeys: [.fileSizeKey]).fileSize == 1 << 20)
    let fsck = try Shell.capture(["e2fsck", "-fn", image.path])
    #expect(fsck.status == 0, "e2fsck: \(fsck.output)")
    let read = try Shell.capture(["debugfs", "-R", "cat /sub/file.txt", image.path])
    #expect(read.output.hasSuffix("made by apus mkdisk\n"), "debugfs: \(read.output)")
    let features = try Shell.capture(["debugfs", "-R", "features", image.path])
    #expect(!features.output.contains("extent") && !features.output.contains("has_journal"), "plain ext2: \(features.output)")
    #expect(throws: ToolkitError.self) { try Ext2Disk.make(from: tree.appendingPathComponent("sub/file.txt"), to: image) }
}

@Test func mkdiskSizesParseWithBinarySuffixes() {
    #expect(Ext2Disk.parseSize("4096") == 4096)
    #expect(Ext2Disk.parseSize("8K") == 8192)
    #expect(Ext2Disk.parseSize("3m") == 3 << 20)
    #expect(Ext2Disk.parseSize("1G") == 1 << 30)
    #expect(Ext2Disk.parseSize("x") == nil && Ext2Disk.parseSize("99999999999999999G") == nil)
}

@Test func ktestDisksCarryTheExt2ImagesAfterThePatternDisks() throws {
    let project = Project(root: FileManager.default.temporaryDirectory.appendingPathComponent("apus-ktest-disks-\(getpid())"))
    defer { try? FileManager.default.removeItem(at: project.root) }
    let disks = try KernelTests.testDisks(project: project)
    #expect(disks.count == 6)
    #expect(disks[2].file.lastPathComponent == "ktest-vdc-ext2.img")
    let fsck = try Shell.capture(["e2fsck", "-fn", disks[3].file.path])
    #expect(fsck.status != 0, "vdd is corrupt: \(fsck.output)")
    let clean = try Shell.capture(["e2fsck", "-fn", disks[2].file.path])
    #expect(clean.status == 0, "vdc is clean: \(clean.output)")
}
