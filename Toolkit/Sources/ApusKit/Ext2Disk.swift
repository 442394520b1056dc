// ext2 images: `apus mkdisk DIR OUT [--size N]` (the tree under DIR as an ext2 file system, made
// by Debian's `mke2fs -t ext2 -d`), and the ext2 disks the in-kernel tests mount (vdc...vdf, see
// Kernel/Components/Ext2FS/Ext2FSKTests.swift) with the checks that prove, after the run, that
// what Apus wrote is on the image and that e2fsck finds it clean.

import Foundation

public enum Ext2Disk {
    /// Builds an ext2 image at `output` (replacing it) holding the tree under `directory`.
    /// `sizeBytes` nil: room for the tree plus half again and 2 MiB, whole MiB.
    public static func make(from directory: URL, to output: URL, sizeBytes: Int? = nil, blockSize: Int = 1024,
                            type: String = "ext2", features: [String] = []) throws {
        try Dependencies.ensure([Dependencies.mke2fs])
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ToolkitError("\(directory.path) is not a directory")
        }
        let size = try sizeBytes ?? defaultSize(of: directory)
        guard size >= 64 * 1024, size % 1024 == 0 else { throw ToolkitError("an image needs a size of at least 64 KiB, in whole KiB") }
        try FileManager.default.createDirectory(at: output.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? FileManager.default.removeItem(at: output)
        guard FileManager.default.createFile(atPath: output.path, contents: nil) else { throw ToolkitError("cannot create \(output.path)") }
        let handle = try FileHandle(forWritingTo: output)
        try handle.truncate(atOffset: UInt64(size))
        try handle.close()
        var arguments = ["mke2fs", "-q", "-F", "-t", type, "-b", String(blockSize), "-d", directory.path]
        if !features.isEmpty { arguments += ["-O", features.joined(separator: ",")] }
        arguments += [output.path, "\(size / 1024)k"]
        try Shell.check(arguments)
    }

    /// An empty ext2 file system of `sizeBytes` at `output` (replacing it) with Debian's default
    /// ext2 features, 1 KiB blocks and the volume label `label` (the regression programs of the
    /// `ext2` level recognize their disk by it, Tests/User/include/apus_ext2.h).
    public static func makeEmpty(at output: URL, sizeBytes: Int, label: String, blockSize: Int = 1024) throws {
        try Dependencies.ensure([Dependencies.mke2fs])
        try FileManager.default.createDirectory(at: output.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? FileManager.default.removeItem(at: output)
        guard FileManager.default.createFile(atPath: output.path, contents: nil) else { throw ToolkitError("cannot create \(output.path)") }
        let handle = try FileHandle(forWritingTo: output)
        try handle.truncate(atOffset: UInt64(sizeBytes))
        try handle.close()
        try Shell.check(["mke2fs", "-q", "-F", "-t", "ext2", "-b", String(blockSize), "-L", label, output.path, "\(sizeBytes / 1024)k"])
    }

    /// nil when `e2fsck -fn` calls the image clean, else what it printed.
    public static func uncleanReport(of image: URL) throws -> String? {
        try Dependencies.ensure([Dependencies.e2fsck])
        let fsck = try Shell.capture(["e2fsck", "-fn", image.path])
        return fsck.status == 0 ? nil : "e2fsck -fn exited \(fsck.status):\n\(fsck.output)"
    }

    /// Parses a size: bytes, or with a K, M or G suffix (powers of 1024).
    public static func parseSize(_ text: String) -> Int? {
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        if let last = text.uppercased().last, let unit = units[last] {
            return Int(text.dropLast()).flatMap { $0.multipliedReportingOverflow(by: unit).overflow ? nil : $0 * unit }
        }
        return Int(text)
    }

    static func defaultSize(of directory: URL) throws -> Int {
        var total = 0
        if let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.fileSizeKey]) {
            for case let url as URL in walker {
                total += ((try? url.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0) + 1024
            }
        }
        let wanted = total + total / 2 + (2 << 20)
        return (wanted + (1 << 20) - 1) / (1 << 20) * (1 << 20)
    }

    // MARK: The ktest disks

    /// The tree on every ktest image (the tests read these exact bytes).
    static func writeTestTree(to root: URL) throws {
        try? FileManager.default.removeItem(at: root)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("dir"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("bad"), withIntermediateDirectories: true)
        try Data("hello from mke2fs\n".utf8).write(to: root.appendingPathComponent("hello.txt"))
        try Data("inner\n".utf8).write(to: root.appendingPathComponent("dir/inner.txt"))
        try Data("x\n".utf8).write(to: root.appendingPathComponent("bad/x"))
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("link").path, withDestinationPath: "hello.txt")
    }

    /// vdc (clean), vdd (bad/'s first entry runs off its block), vde (ext4: INCOMPAT features),
    /// vdf (ext2 with huge_file, a RO_COMPAT feature the driver lacks).
    static func testDisks(project: Project) throws -> [URL] {
        let tree = project.output("ktest-ext2-tree")
        try writeTestTree(to: tree)
        let clean = project.output("ktest-vdc-ext2.img"), corrupt = project.output("ktest-vdd-ext2.img")
        let ext4 = project.output("ktest-vde-ext4.img"), readOnly = project.output("ktest-vdf-ext2.img")
        try make(from: tree, to: clean, sizeBytes: 2 << 20)
        try make(from: tree, to: corrupt, sizeBytes: 1 << 20)
        try corruptFirstEntry(of: "bad", in: corrupt)
        try make(from: tree, to: ext4, sizeBytes: 2 << 20, type: "ext4", features: ["^has_journal"])
        try make(from: tree, to: readOnly, sizeBytes: 1 << 20, features: ["huge_file"])
        return [clean, corrupt, ext4, readOnly]
    }

    /// Gives the first entry of directory `path`'s first block a rec_len of 2000 (past a 1 KiB block).
    static func corruptFirstEntry(of path: String, in image: URL) throws {
        try Dependencies.ensure([Dependencies.debugfs])
        let output = try Shell.check(["debugfs", "-R", "bmap \(path) 0", image.path])
        guard let block = output.split(whereSeparator: \.isNewline).compactMap({ Int($0.trimmingCharacters(in: .whitespaces)) }).last else {
            throw ToolkitError("debugfs did not map \(path): \(output)")
        }
        let handle = try FileHandle(forUpdating: image)
        try handle.seek(toOffset: UInt64(block * 1024 + 4))
        handle.write(Data([0xD0, 0x07]))
        try handle.close()
    }

    /// After the ktests: e2fsck -fn finds the written image clean, and debugfs reads back what
    /// `ext2fs.writes_reach_the_disk` wrote. Runs only if that test ran and passed.
    static func checkWrittenDisk(project: Project, ktestOutput: String) throws -> TestCounts {
        guard ktestOutput.contains("test ext2fs.writes_reach_the_disk ... ok") else { return TestCounts(passed: 0, failed: 0) }
        try Dependencies.ensure([Dependencies.e2fsck, Dependencies.debugfs])
        let image = project.output("ktest-vdc-ext2.img")
        var counts = TestCounts(passed: 0, failed: 0)
        func record(_ name: String, _ problem: String?) {
            if let problem {
                print("test \(name) ... FAILED: \(problem)")
                counts.failed += 1
                counts.failures.append("test \(name) ... FAILED")
            } else {
                print("test \(name) ... ok")
                counts.passed += 1
            }
        }
        let fsck = try Shell.capture(["e2fsck", "-fn", image.path])
        record("ext2-disk.e2fsck_finds_the_image_clean", fsck.status == 0 ? nil : "e2fsck -fn exited \(fsck.status):\n\(fsck.output)")
        let expected: [(String, String)] = [("/new.txt", "written by apus\n"), ("/hello.txt", "hello from mke2fs\n")]
        for (path, text) in expected {
            let read = try Shell.capture(["debugfs", "-R", "cat \(path)", image.path])
            // debugfs prints its version banner on stderr, which capture merges: compare the tail.
            record("ext2-disk.debugfs_reads_\(path.dropFirst())", read.status == 0 && read.output.hasSuffix(text) ? nil : "debugfs cat \(path): \(read.output)")
        }
        let listing = try Shell.capture(["debugfs", "-R", "stat /made/b", image.path])
        record("ext2-disk.debugfs_sees_the_renamed_file", listing.output.contains("Size: 20000") ? nil : "stat /made/b: \(listing.output)")
        return counts
    }
}
