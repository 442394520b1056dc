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
