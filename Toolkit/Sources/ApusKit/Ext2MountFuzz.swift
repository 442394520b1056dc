// The mount-level ext2 corruption fuzzer: images made by mke2fs from a small fixed tree, each
// with random bytes written into one region (the superblock, the group descriptors, the inode
// table or the directory blocks; every fourth image into two), attached to Apus several per boot
// (vda, vdb...) and mounted, walked, changed and unmounted in turn by Tests/Fuzz/ext2_walk.c as
// init. A boot passes when the walker reports `done` and exits 0: no panic (status 125), no
// hang (the timeout), each image mounted or refused with an error. Image n comes from seed n
// alone (splitmix64), and mke2fs gets a fixed UUID, hash seed and time, so a failing seed is
// remade with `apus ext2fuzz --seed N --images 1`. Images that once broke the kernel are kept
// as fixed cases (`fixedCases`: debugfs edits of the template), booted first in every campaign,
// so they stay fixed. The pure library has its own host-side fuzzer (Tests/Host); this one goes
// through the kernel: block cache, mount, path walk, page cache.

import Foundation

public struct Ext2MountFuzz {
    public struct Settings: Sendable {
        public var firstSeed: UInt64 = 1
        public var images = 96
        public var imagesPerBoot = 12
        public var timeoutSecondsPerBoot: Double = 180
        /// Booted first, all in one boot (none: only the random images).
        public var fixedCases = Ext2MountFuzz.fixedCases
        public init() {}
    }

    /// An image that once broke the kernel: the template changed by `debugfs -w` requests.
    public struct FixedCase: Sendable {
        public let name: String
        let requests: [String]
    }

    public static let fixedCases = [
        // Hung the kernel: i_size_high says 8 GiB, and the direct and every indirect root
        // pointer name the group descriptor block (block 2 with 1 KiB blocks).
        FixedCase(name: "8 GiB size_high, pointers at the group descriptors",
                  requests: ["sif /double size 0x2000493E0", "sif /double block[0] 2", "sif /double block[IND] 2",
                             "sif /double block[DIND] 2", "sif /double block[TIND] 2"]),
    ]

    /// Where random bytes go.
    enum Region: CaseIterable {
        case superblock, groupDescriptors, inodeTable, directoryBlocks
    }

    /// Byte ranges of each region in the template image.
    struct Layout {
        var ranges: [Region: [Range<Int>]]
    }

    let project: Project
    static let imageBytes = 512 * 1024

    public init(project: Project) { self.project = project }

    var folder: URL { project.output("ext2fuzz") }
    var walkerBinary: URL { folder.appendingPathComponent("ext2_walk") }

    func buildWalker() throws {
        try Dependencies.ensure([Dependencies.musl])
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let source = project.root.appendingPathComponent("Tests/Fuzz/ext2_walk.c")
        try Shell.check(["musl-gcc", "-std=gnu11", "-O2", "-Wall", "-Werror", "-static", "-o", walkerBinary.path, source.path])
    }

    /// The template: files of several sizes (direct, indirect, double-indirect blocks), nested
    /// directories, one of several blocks, fast and slow symbolic links.
    func makeTemplate() throws -> URL {
        let tree = folder.appendingPathComponent("tree")
        try? FileManager.default.removeItem(at: tree)
        let manager = FileManager.default
        try manager.createDirectory(at: tree.appendingPathComponent("dir/deeper/deepest"), withIntermediateDirectories: true)
        try manager.createDirectory(at: tree.appendingPathComponent("wide"), withIntermediateDirectories: true)
        try Data().write(to: tree.appendingPathComponent("empty"))
        try Data("small file\n".utf8).write(to: tree.appendingPathComponent("dir/small"))
        for (name, bytes) in [("five-k", 5000), ("indirect", 70_000), ("double", 300_000)] {
            let data = Data((0..<bytes).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 10) })
            try data.write(to: tree.appendingPathComponent(name))
        }
        try Data("deep\n".utf8).write(to: tree.appendingPathComponent("dir/deeper/deepest/file"))
        for index in 0..<60 {
            try Data("\(index)\n".utf8).write(to: tree.appendingPathComponent("wide/entry-with-a-longer-name-\(index)"))
        }
        try manager.createSymbolicLink(atPath: tree.appendingPathComponent("fast-link").path, withDestinationPath: "dir/small")
        try manager.createSymbolicLink(atPath: tree.appendingPathComponent("slow-link").path,
                                       withDestinationPath: String(repeating: "long/", count: 30) + "target")
        let template = folder.appendingPathComponent("template.img")
        try? manager.removeItem(at: template)
        guard manager.createFile(atPath: template.path, contents: nil) else { throw ToolkitError("cannot create \(template.path)") }
        let handle = try FileHandle(forWritingTo: template)
        try handle.truncate(atOffset: UInt64(Self.imageBytes))
        try handle.close()
        try Dependencies.ensure([Dependencies.mke2fs, Dependencies.debugfs])
        let result = try Shell.capture(["mke2fs", "-q", "-F", "-t", "ext2", "-b", "1024", "-N", "128",
                                        "-U", "5f3c4c2e-0d6b-4a55-9d1e-6a8f2b0c7e11", "-E", "hash_seed=0b7e4b1a-2f55-4c3e-8d9a-1c2b3d4e5f60",
                                        "-d", tree.path, template.path, "\(Self.imageBytes / 1024)k"],
                                       environment: ["E2FSPROGS_FAKE_TIME": "1700000000"])
        guard result.status == 0 else { throw ToolkitError("mke2fs failed: \(result.output)") }
        return template
    }

    /// Reads the regions from the template's superblock, first group descriptor and debugfs.
    func layout(of template: URL) throws -> Layout {
        let bytes = [UInt8](try Data(contentsOf: template))
        func le32(_ offset: Int) -> Int { Int(bytes[offset]) | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2]) << 16 | Int(bytes[offset + 3]) << 24 }
        let blockSize = 1024 << le32(1024 + 24)
        let firstDataBlock = le32(1024 + 20)
        let inodesPerGroup = le32(1024 + 40)
        let inodeSize = Int(bytes[1024 + 88]) | Int(bytes[1024 + 89]) << 8
        let descriptors = (firstDataBlock + 1) * blockSize
        let inodeTable = le32(descriptors + 8) * blockSize
        var directoryRanges: [Range<Int>] = []
        for path in ["/", "/dir", "/dir/deeper", "/wide"] {
            let result = try Shell.capture(["debugfs", "-R", "blocks \(path)", template.path])
            let numbers = result.output.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Int($0) }
            directoryRanges += numbers.filter { $0 > 0 && ($0 + 1) * blockSize <= bytes.count }.map { $0 * blockSize..<($0 + 1) * blockSize }
        }
        guard !directoryRanges.isEmpty else { throw ToolkitError("debugfs listed no directory blocks in \(template.path)") }
        return Layout(ranges: [
            .superblock: [1024..<2048],
            .groupDescriptors: [descriptors..<descriptors + blockSize],
            .inodeTable: [inodeTable..<inodeTable + min(inodesPerGroup * inodeSize, 64 * inodeSize)],
            .directoryBlocks: directoryRanges,
        ])
    }

    /// splitmix64: a small generator whose sequence each seed fixes.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(bound, 1))) }
    }

    /// The image of `seed`: the template with 1-24 random bytes in one region (two for every
    /// fourth seed). Returns the regions hit, for the report.
    func corrupt(template: [UInt8], layout: Layout, seed: UInt64, into url: URL) throws -> [Region] {
        var generator = Generator(state: seed)
        var bytes = template
        var hit: [Region] = [Region.allCases[Int(seed % 4)]]
        if seed % 4 == 3 { hit.append(Region.allCases[generator.below(4)]) }
        for region in hit {
            guard let ranges = layout.ranges[region], !ranges.isEmpty else { continue }
            for _ in 0..<(1 + generator.below(24)) {
                let range = ranges[generator.below(ranges.count)]
                let offset = range.lowerBound + generator.below(range.count)
                // Half the time a small value, zero or all ones: counts and block numbers that
                // are almost right are what walks far.
                let choice = generator.below(4)
                bytes[offset] = choice == 0 ? 0 : choice == 1 ? 0xFF : UInt8(truncatingIfNeeded: generator.next())
            }
        }
        try Data(bytes).write(to: url)
        return hit
    }

    /// The image of a fixed case, written to `url`.
    func makeImage(of fixedCase: FixedCase, template: URL, into url: URL) throws {
        try? FileManager.default.removeItem(at: url)
        try FileManager.default.copyItem(at: template, to: url)
        for request in fixedCase.requests {
            let result = try Shell.capture(["debugfs", "-w", "-R", request, url.path])
            guard result.status == 0, !result.output.contains("invalid"), !result.output.contains("not found") else {
                throw ToolkitError("debugfs \"\(request)\" failed for the fixed case \"\(fixedCase.name)\": \(result.output)")
            }
        }
    }

    /// Makes the images, boots Apus with `imagesPerBoot` of them at a time and counts each boot.
    public func run(_ settings: Settings, echo: Shell.EchoMode = .quiet) throws -> TestCounts {
        try buildWalker()
        let kernel = try KernelBuild(project: project, variant: .kernel).build()
        let template = try makeTemplate()
        let layout = try layout(of: template)
        let templateBytes = [UInt8](try Data(contentsOf: template))
        var initramfs = InitramfsBuilder()
        try initramfs.directory("dev")
        try initramfs.directory("proc")
        try initramfs.directory("tmp", permissions: 0o1777)
        try initramfs.file("ext2_walk", copying: walkerBinary)
        let initrd = folder.appendingPathComponent("walker.cpio")
        try initramfs.write(to: initrd)

        var counts = TestCounts(passed: 0, failed: 0)
        if !settings.fixedCases.isEmpty {
            var disks: [QEMUMachine.VirtioDisk] = []
            for (index, fixedCase) in settings.fixedCases.enumerated() {
                let url = folder.appendingPathComponent("fixed-\(index).img")
                try makeImage(of: fixedCase, template: template, into: url)
                disks.append(QEMUMachine.VirtioDisk(file: url))
            }
            try boot(kernel: kernel, initrd: initrd, disks: disks, name: "ext2fuzz fixed cases",
                     described: settings.fixedCases.map(\.name), settings: settings, echo: echo, counts: &counts)
        }
        var seed = settings.firstSeed
        let lastSeed = settings.firstSeed + UInt64(max(settings.images, 0))
        while seed < lastSeed {
            let seeds = Array(seed..<min(seed + UInt64(max(settings.imagesPerBoot, 1)), lastSeed))
            seed += UInt64(seeds.count)
            var disks: [QEMUMachine.VirtioDisk] = []
            var described: [String] = []
            for (index, imageSeed) in seeds.enumerated() {
                let url = folder.appendingPathComponent("image-\(index).img")
                let regions = try corrupt(template: templateBytes, layout: layout, seed: imageSeed, into: url)
                disks.append(QEMUMachine.VirtioDisk(file: url))
                described.append("seed \(imageSeed) (\(regions.map { "\($0)" }.joined(separator: "+")))")
            }
            try boot(kernel: kernel, initrd: initrd, disks: disks, name: "ext2fuzz seeds \(seeds.first ?? 0)-\(seeds.last ?? 0)",
                     described: described, settings: settings, echo: echo, counts: &counts)
        }
        return counts
    }

    /// One boot of the walker over `disks`, counted as one result.
    private func boot(kernel: URL, initrd: URL, disks: [QEMUMachine.VirtioDisk], name: String, described: [String],
                      settings: Settings, echo: Shell.EchoMode, counts: inout TestCounts) throws {
        var machine = QEMUMachine(kernel: kernel, initrd: initrd, commandLine: "log=warn init=/ext2_walk")
        machine.disks = disks
        let (status, output) = try machine.runCaptured(timeoutSeconds: settings.timeoutSecondsPerBoot, echo: echo)
        let lines = output.split(whereSeparator: \.isNewline).map(String.init)
        let done = lines.contains { $0.hasPrefix("ext2-walk: done \(disks.count)") }
        if status == 0 && done {
            let refused = lines.filter { $0.contains(": refused") }.count
            print("ok   \(name): \(disks.count) images, \(disks.count - refused) mounted, \(refused) refused")
            counts.passed += 1
        } else {
            let why = status == 124 ? "hang (timed out)" : status == 125 ? "kernel panic" : "exit status \(status)"
            let last = lines.last { $0.hasPrefix("ext2-walk: vd") } ?? "no image reached"
            print("FAIL \(name): \(why) at \"\(last)\"; the images: \(described.joined(separator: ", "))")
            for line in lines.suffix(30) { print("    | \(line)") }
            counts.failed += 1
            counts.failures.append("\(name): \(why) at \(last)")
        }
    }
}
