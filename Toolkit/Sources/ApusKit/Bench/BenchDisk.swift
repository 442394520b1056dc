// The disk family of the benchmarks (Tests/Bench/disk.c) boots apart from the others, with a
// fresh ext2 image as /dev/vda (made anew for every boot, so Apus and Linux start from the same
// bytes), a tar of a small source tree at /bench/tree.tar (Tests/User: about 190 files, 1.3 MB),
// and on Linux Debian's virtio and ext4 modules in /bench/modules with their load order (the
// harness loads them with finit_module before the first benchmark; Apus has its drivers built in).
// The other families' boots stay exactly as before: their image carries none of this.

import Foundation

public enum BenchDisk {
    public static let family = "disk"
    static let label = "apus-bench-disk"
    static let imageBytes = 320 << 20
    static let blockSize = 4096

    /// Which extra pieces a boot's image and machine carry.
    enum Attachment: Sendable {
        case none
        case ext2Disk
    }

    /// A fresh image for one boot.
    static func freshImage(project: Project) throws -> URL {
        let image = project.output("bench-disk.img")
        try Ext2Disk.makeEmpty(at: image, sizeBytes: imageBytes, label: label, blockSize: blockSize)
        return image
    }

    /// The tree busybox tar extracts: Tests/User's sources, with fixed owners, times and order.
    static func tree(project: Project) throws -> URL {
        let archive = project.output("bench/tree.tar")
        try FileManager.default.createDirectory(at: archive.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Shell.check(["tar", "--sort=name", "--mtime=@1700000000", "--owner=0", "--group=0", "--numeric-owner",
                         "-cf", archive.path, "-C", project.root.appendingPathComponent("Tests").path, "User"])
        return archive
    }

    /// Adds the tree and, for Linux, the modules to a benchmark image.
    static func add(to builder: inout InitramfsBuilder, project: Project, kernel: BenchKernel) throws {
        try builder.file("bench/tree.tar", copying: try tree(project: project), permissions: 0o644)
        guard kernel == .linux else { return }
        let modules = LinuxDiskGuest.ModuleSet.virtioBlockAndExt2.modules
        let (_, folder) = try LinuxDiskGuest(project: project).prepare()
        try builder.directory("bench/modules")
        for module in modules {
            try builder.file("bench/modules/\(module.name).ko", copying: folder.appendingPathComponent("\(module.name).ko"), permissions: 0o644)
        }
        try builder.file("bench/modules/order", contents: Array((modules.map(\.name).joined(separator: " ") + "\n").utf8))
    }
}
