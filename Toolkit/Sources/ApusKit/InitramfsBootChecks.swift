// Booting the kernel with hostile initramfs images (issue 10, item 7): a gzip bomb of padding, a
// gzip bomb that is one huge file, a file whose size lies, garbage, a gzip member with a bad CRC.
// Each must stop the boot with the reason on the console ("initramfs: <why>") and a clean power-off
// with status 2, never a hang (timeout), a panic (125) or "(cannot print value in embedded
// Swift)". And one good image: gzip'ed, larger than the 4 MiB a kernel heap block can hold, with a
// plain archive after it; it boots and a file from each piece compares equal (the gzip piece is
// inflated as a stream, never held whole).
// Run with the in-kernel tests (`apus ktest`, the ktest level of `apus test`).

import Cpio
import Foundation

public struct InitramfsBootChecks {
    let project: Project

    public init(project: Project) { self.project = project }

    struct Case {
        let name: String
        /// Builds the image into the file at the URL.
        let build: (URL) throws -> Void
        /// Text the console must show (nil: the exit status says it all).
        let expected: String?
        var commandLine = "log=info"
        /// The guest's exit status: 2 is the kernel's "the initramfs could not be unpacked".
        var status: Int32 = 2
    }

    /// Guest memory for the checks: small, so that the bombs reach its end quickly.
    static let memoryMiB = 128

    var cases: [Case] {
        [
            Case(name: "gzip bomb of padding (256 MiB of zeros)",
                 build: { try Self.gzip(prefix: [], zeros: 256 << 20, to: $0) },
                 expected: "initramfs: the gzip data at byte 0 inflates past"),
            Case(name: "gzip bomb of one file claiming 4 GiB (192 MiB of zeros)",
                 build: { try Self.gzip(prefix: Self.header(name: "big", size: 0xFFFF_FFFF), zeros: 192 << 20, to: $0) },
                 expected: "initramfs: the root file system is full at big after unpacking"),
            Case(name: "file whose size lies",
                 build: { try Data(Self.header(name: "short", size: 1 << 20) + [1, 2, 3, 4]).write(to: $0) },
                 expected: "initramfs: corrupt cpio archive at byte 120 (entry short): the archive ends inside"),
            Case(name: "garbage",
                 build: { try Data("this is not an archive".utf8).write(to: $0) },
                 expected: "initramfs: corrupt cpio archive at byte 0: a header does not start with the newc magic"),
            Case(name: "gzip member with a bad CRC",
                 build: { url in
                     var writer = CpioWriter()
                     try writer.appendFile("init", data: Array("#!/bin/sh\n".utf8), permissions: 0o755)
                     try Self.gzip(prefix: writer.finish(), zeros: 0, to: url)
                     var bytes = [UInt8](try Data(contentsOf: url))
                     bytes[bytes.count - 8] ^= 0xFF
                     try Data(bytes).write(to: url)
                 },
                 expected: "initramfs: corrupt gzip data at byte 0: the inflated data does not match the gzip CRC-32"),
            Case(name: "gzip image of 8 MiB boots", build: { try Self.largeGoodImage(to: $0) },
                 expected: nil, commandLine: "log=warn init=/bin/busybox -- cmp /data/random /data/copy", status: 0),
        ]
    }

    /// 6 MiB of fixed pseudo-random bytes (incompressible, so the image stays large).
    static let largeFile: [UInt8] = {
        var state: UInt64 = 0x9e37_79b9_7f4a_7c15
        return (0..<(6 << 20)).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
    }()

    /// busybox, the base layout and /data/random, gzip'ed, then a plain archive with the same
    /// bytes as /data/copy: busybox cmp in the guest compares what the two paths unpacked.
    static func largeGoodImage(to url: URL) throws {
        var builder = InitramfsBuilder()
        try builder.addBase()
        try builder.addBusybox()
        try builder.file("data/random", contents: largeFile)
        try builder.write(to: url)
        try compress(url)
        var copy = InitramfsBuilder()
        try copy.file("data/copy", contents: largeFile)
        let plain = url.appendingPathExtension("copy")
        try copy.write(to: plain)
        defer { try? FileManager.default.removeItem(at: plain) }
        var image = try Data(contentsOf: url)
        while image.count % 4 != 0 { image.append(0) }
        image.append(try Data(contentsOf: plain))
        try image.write(to: url)
    }

    /// The checks, unless a ktest filter leaves them out (they run for no filter, or one that
    /// "initramfs-boot" contains). They boot the ordinary kernel, built here if needed.
    public static func runIfSelected(project: Project, filter: String?) throws -> TestCounts {
        if let filter, !filter.isEmpty, !"initramfs-boot".contains(filter) { return TestCounts(passed: 0, failed: 0) }
        let kernel = try KernelBuild(project: project, variant: .kernel).build()
        return try InitramfsBootChecks(project: project).run(kernel: kernel)
    }

    /// Boots `kernel` with each image; prints one line per case and returns the counts.
    public func run(kernel: URL) throws -> TestCounts {
        Shell.step("booting with hostile initramfs images (\(Self.memoryMiB) MiB guest)")
        var counts = TestCounts(passed: 0, failed: 0)
        let image = project.output("hostile-initramfs.img")
        for check in cases {
            try check.build(image)
            var machine = QEMUMachine(kernel: kernel, initrd: image, commandLine: check.commandLine)
            machine.memoryMiB = Self.memoryMiB
            let started = Date()
            let (status, output) = try machine.runCaptured(timeoutSeconds: 300)
            let seconds = Date().timeIntervalSince(started)
            var problems: [String] = []
            if let expected = check.expected, !output.contains(expected) { problems.append("no \"\(expected)\" on the console") }
            if output.contains("cannot print value") { problems.append("an unprintable error value") }
            if status != check.status {
                problems.append(status == 124 ? "timed out" : status == 125 ? "kernel panic" : "exit status \(status), expected \(check.status)")
            }
            if problems.isEmpty {
                counts.passed += 1
                print("initramfs-boot \(check.name) ... ok (\(String(format: "%.1f", seconds)) s)")
            } else {
                counts.failed += 1
                let tail = output.split(whereSeparator: \.isNewline).suffix(6).joined(separator: "\n    | ")
                print("initramfs-boot \(check.name) ... FAILED: \(problems.joined(separator: "; "))\n    | \(tail)")
                counts.failures.append("initramfs-boot \(check.name): \(problems.joined(separator: "; "))")
            }
        }
        try? FileManager.default.removeItem(at: image)
        return counts
    }

    /// A newc header (and padded name) for a regular file claiming `size` bytes.
    static func header(name: String, size: UInt32) -> [UInt8] {
        let fields: [UInt32] = [1, 0o100644, 0, 0, 1, 0, size, 0, 0, 0, 0, UInt32(name.utf8.count + 1), 0]
        var bytes = Array("070701".utf8)
        for field in fields { bytes += Array(String(format: "%08X", field).utf8) }
        bytes += Array(name.utf8) + [0]
        while bytes.count % 4 != 0 { bytes.append(0) }
        return bytes
    }

    /// gzip -9 of `prefix` followed by `zeros` zero bytes, written to `url` (the zeros are a
    /// sparse extension of the file, never in memory).
    static func gzip(prefix: [UInt8], zeros: Int, to url: URL) throws {
        try Data(prefix).write(to: url)
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: UInt64(prefix.count + zeros))
        try handle.close()
        try compress(url)
    }

    /// Replaces the file at `url` by its gzip -9.
    static func compress(_ url: URL) throws {
        try Shell.check(["gzip", "-9", "-f", "-n", url.path])
        try FileManager.default.moveItem(at: url.appendingPathExtension("gz"), to: url)
    }
}
