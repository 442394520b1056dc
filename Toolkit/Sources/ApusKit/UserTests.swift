// User-space regression programs (Tests/User): built static with musl-gcc and gcc (glibc), run
// natively on the host's Linux and inside Apus, and compared. A program prints one result line
// (`PASS sub/name` or `FAIL sub/name: why`) and exits 0 on success. On Apus each program boots
// as init from its own small initramfs (`init=/tests/<libc>/<sub>/<name>`), so one crashing
// program cannot disturb the next; QEMU's exit status is the program's. Subsystems whose
// MANIFEST level the kernel does not support yet are listed as skipped, never hidden.
// Programs of the `disk` level get a fresh 4 MiB pattern disk as /dev/vda (PatternDisk.swift):
// on Apus, and on the Linux side in Debian's Linux under the same QEMU (LinuxDiskGuest.swift),
// since the host's own /dev/vda is its real disk. Run natively (run-host.sh) they find no
// pattern disk and print `SKIP sub/name: why`, which counts as skipped there; a SKIP where the
// disk is attached is a failure. Programs of the `ext2` level get a fresh ext2 image instead
// (UserTestsExt2.swift), which they mount; e2fsck -fn must call it clean afterwards.

import Foundation

public struct UserTests {
    public enum Level: String, Sendable, CaseIterable {
        case usermode, processes, disk, ext2
    }

    public struct Result: Sendable {
        public let libc: String
        public let name: String
        public let verdict: Verdict
        public let detail: String
    }

    public enum Verdict: Sendable { case passed, failed, skipped }

    let project: Project
    /// The MANIFEST levels Apus runs today.
    public static let supportedLevels: Set<Level> = [.usermode, .processes, .disk, .ext2]
    public static let libcs = ["musl", "glibc"]

    public init(project: Project) { self.project = project }

    var sourceFolder: URL { project.root.appendingPathComponent("Tests/User") }
    var buildFolder: URL { project.output("user") }

    public func build() throws {
        try Dependencies.ensure([Dependencies.musl])
        Shell.step("building the user-space regression programs (musl-gcc and gcc, static)")
        let result = try Shell.capture(["make", "-C", sourceFolder.path, "-j2", "OUT=\(buildFolder.path)"])
        guard result.status == 0 else {
            print(result.output)
            throw ToolkitError("the regression programs did not build (see above)")
        }
    }

    /// subsystem -> level, from Tests/User/MANIFEST.
    func manifest() throws -> [String: Level] {
        let text = try String(contentsOf: sourceFolder.appendingPathComponent("MANIFEST"), encoding: .utf8)
        var levels: [String: Level] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 3, fields[1] == "level:", let level = Level(rawValue: String(fields[2])) else { continue }
            levels[String(fields[0])] = level
        }
        return levels
    }

    /// (libc, "sub/name") for every built program matching `filter`.
    func programs(filter: String?) throws -> [(libc: String, name: String)] {
        var list: [(String, String)] = []
        for libc in Self.libcs {
            let base = buildFolder.appendingPathComponent(libc)
            guard let enumerator = FileManager.default.enumerator(atPath: base.path) else { continue }
            for case let path as String in enumerator {
                var isDirectory: ObjCBool = false
                FileManager.default.fileExists(atPath: base.appendingPathComponent(path).path, isDirectory: &isDirectory)
                if isDirectory.boolValue { continue }
                if let filter, !path.contains(filter) { continue }
                list.append((libc, path))
            }
        }
        return list.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
    }

    /// What the output says. A SKIP line is a skip only where `skips` allows one (the host).
    static func verdict(output: String, status: Int32, name: String, skips: SkipPolicy = .failure) -> (Verdict, String) {
        let lines = output.split(whereSeparator: \.isNewline).map(String.init)
        let results = lines.filter { $0.hasPrefix("PASS ") || $0.hasPrefix("FAIL ") || $0.hasPrefix("SKIP ") }
        if let line = results.last {
            if status == 0 && results.count == 1 {
                if line.hasPrefix("PASS ") { return (.passed, line) }
                if line.hasPrefix("SKIP ") {
                    return skips == .allowed ? (.skipped, line) : (.failed, "FAIL \(name): skipped where its disk is attached: \(line)")
                }
            }
            return (.failed, status == 0 || line.hasPrefix("FAIL ") ? line : "\(line) (exit status \(status))")
        }
        let why = status == 124 ? "timed out" : status == 125 ? "kernel panic" : "exit status \(status)"
        let tail = lines.suffix(12).joined(separator: "\n    | ")
        return (.failed, "FAIL \(name): no result line, \(why)\n    | \(tail)")
    }

    enum SkipPolicy { case allowed, failure }

    /// Runs one program on Apus.
    func runOnApus(libc: String, name: String, level: Level, kernel: URL) throws -> Result {
        var builder = InitramfsBuilder()
        try builder.directory("tmp", permissions: 0o1777)
        try builder.directory("dev")
        try builder.directory("proc")
        let path = "tests/\(libc)/\(name)"
        try builder.file(path, copying: buildFolder.appendingPathComponent(libc).appendingPathComponent(name))
        let image = project.output("user-test.cpio")
        try builder.write(to: image)
        let extra = ProcessInfo.processInfo.environment["APUS_KCMD"].map { " " + $0 } ?? ""
        var machine = QEMUMachine(kernel: kernel, initrd: image, commandLine: "log=warn init=/\(path)\(extra)")
        if level == .disk {
            let disk = project.output("user-test-vda.img")
            try PatternDisk.write(to: disk, bytes: 4 << 20)
            machine.disks = [QEMUMachine.VirtioDisk(file: disk)]
        }
        let ext2Image = project.output("user-test-ext2.img")
        if level == .ext2 {
            try Self.makeExt2TestImage(at: ext2Image)
            machine.disks = [QEMUMachine.VirtioDisk(file: ext2Image)]
        }
        let (status, output) = try machine.runCaptured(timeoutSeconds: 120)
        let (verdict, detail) = Self.verdict(output: output, status: status, name: name)
        if level == .ext2, verdict == .passed, let problem = try Ext2Disk.uncleanReport(of: ext2Image) {
            return Result(libc: libc, name: name, verdict: .failed, detail: "FAIL \(name): the image is not clean after the program: \(problem)")
        }
        return Result(libc: libc, name: name, verdict: verdict, detail: detail)
    }

    /// Runs one `disk` program in Debian's Linux under QEMU, with the pattern disk.
    func runOnLinuxGuest(libc: String, name: String) throws -> Result {
        let program = buildFolder.appendingPathComponent(libc).appendingPathComponent(name)
        let (status, output) = try LinuxDiskGuest(project: project).run(program: program, disk: project.output("linux-test-vda.img"))
        let (verdict, detail) = Self.verdict(output: output, status: status, name: name)
        return Result(libc: libc, name: name, verdict: verdict, detail: detail)
    }

    /// Runs one program natively.
    func runOnHost(libc: String, name: String) throws -> Result {
        let program = buildFolder.appendingPathComponent(libc).appendingPathComponent(name).path
        let result = try Shell.capture(["timeout", "-k", "5", "60", program], in: URL(fileURLWithPath: "/tmp"))
        let (verdict, detail) = Self.verdict(output: result.output, status: result.status, name: name, skips: .allowed)
        return Result(libc: libc, name: name, verdict: verdict, detail: detail)
    }

    public enum Target: Sendable { case apus, host }

    /// Runs the programs on `target`; prints one line per program and the summary.
    public func run(on target: Target, filter: String?) throws -> TestCounts {
        try build()
        let levels = try manifest()
        let kernel = target == .apus ? try KernelBuild(project: project, variant: .kernel).build() : nil
        var counts = TestCounts(passed: 0, failed: 0)
        var skipped: [String: Int] = [:]
        var skippedPrograms = 0
        let where_ = target == .apus ? "apus" : "linux"
        Shell.step("running the regression programs on \(target == .apus ? "Apus (one boot each)" : "the host's Linux")")
        var ext2Batches: [String: [String]] = [:]
        let knownFailures = knownApusFailures()
        func record(_ result: Result) {
            print("\(where_) \(result.libc) \(result.detail)")
            switch result.verdict {
            case .passed:
                counts.passed += 1
            case .failed:
                counts.failed += 1
                counts.failures.append("\(result.libc) \(result.detail)")
            case .skipped:
                skippedPrograms += 1
            }
        }
        for (libc, name) in try programs(filter: filter) {
            let subsystem = String(name.split(separator: "/").first ?? "")
            let level = levels[subsystem] ?? .processes
            if target == .apus && !Self.supportedLevels.contains(level) {
                skipped[level.rawValue, default: 0] += 1
                continue
            }
            if kernel == nil && level == .ext2 {
                ext2Batches[libc, default: []].append(name)
                continue
            }
            if kernel != nil, let reason = knownFailures[name] {
                print("\(where_) \(libc) KNOWN FAILURE \(name): \(reason) (not run, not counted)")
                continue
            }
            if let kernel {
                record(try runOnApus(libc: libc, name: name, level: level, kernel: kernel))
            } else if level == .disk {
                record(try runOnLinuxGuest(libc: libc, name: name))
            } else {
                record(try runOnHost(libc: libc, name: name))
            }
        }
        for (libc, names) in ext2Batches.sorted(by: { $0.key < $1.key }) {
            for result in try runExt2BatchOnLinuxGuest(libc: libc, names: names) { record(result) }
        }
        for (level, count) in skipped.sorted(by: { $0.key < $1.key }) {
            print("\(where_): \(count) programs skipped: level '\(level)' is not supported by Apus yet")
        }
        if skippedPrograms > 0 { print("\(where_): \(skippedPrograms) programs printed SKIP (what they need is not on this machine)") }
        print("\(counts.passed) passed, \(counts.failed) failed")
        return counts
    }
}
