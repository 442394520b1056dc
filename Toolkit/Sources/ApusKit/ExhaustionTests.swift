// The exhaustion level (Tests/Exhaustion/README.md): resource hogs run as an unprivileged user
// inside Apus, one boot each in a 64 MiB guest, with /exhaustion/init as PID 1 judging the
// outcome. Apus only: the hogs exhaust the machine they run on, and the CI host is not ours to
// exhaust. A hog passes when init prints `PASS exhaustion/<hog>` and powers off with status 0
// (no panic, init alive); the memory hog must also have made the OOM killer log its choice.

import Foundation

public struct ExhaustionTests {
    /// The hogs in the order they run, and the init options each needs.
    public static let hogs: [(name: String, initOptions: [String])] = [
        ("pipes", []), ("sockets", []), ("regions", []), ("memory", []), ("fds", []),
        ("processes", []), ("threads", []), ("files", []), ("forkbomb", ["--stop-after", "15"]),
        ("ipc", []),
        ("netsockets", []),
    ]
    static let guestMemoryMiB = 64
    static let oomKillerLine = "Out of memory: Killed process"

    let project: Project

    public init(project: Project) { self.project = project }

    var sourceFolder: URL { project.root.appendingPathComponent("Tests/Exhaustion") }
    var buildFolder: URL { project.output("exhaustion") }

    func build() throws {
        try Dependencies.ensure([Dependencies.musl, Dependencies.busybox])
        Shell.step("building the exhaustion hogs (musl-gcc, static)")
        let result = try Shell.capture(["make", "-C", sourceFolder.path, "OUT=\(buildFolder.path)"])
        guard result.status == 0 else {
            print(result.output)
            throw ToolkitError("the exhaustion hogs did not build (see above)")
        }
    }

    /// The initramfs every hog boots: busybox (the short program init runs, the fork bomb's
    /// shell) and the programs under /exhaustion.
    func image() throws -> URL {
        var builder = InitramfsBuilder()
        try builder.addBase()
        try builder.addBusybox()
        try builder.directory("exhaustion")
        for name in ["init"] + Self.hogs.map(\.name) {
            try builder.file("exhaustion/\(name)", copying: buildFolder.appendingPathComponent(name))
        }
        let url = project.output("exhaustion.cpio")
        try builder.write(to: url)
        return url
    }

    /// Runs the hogs whose names contain `filter`; one line per hog and the summary.
    public func run(filter: String?) throws -> TestCounts {
        try build()
        let kernel = try KernelBuild(project: project, variant: .kernel).build()
        let initrd = try image()
        var counts = TestCounts(passed: 0, failed: 0)
        Shell.step("running the exhaustion hogs on Apus (\(Self.guestMemoryMiB) MiB guest, one boot each, as uid 65534)")
        for hog in Self.hogs where filter.map({ hog.name.contains($0) }) ?? true {
            let arguments = (hog.initOptions + [hog.name]).joined(separator: " ")
            var machine = QEMUMachine(kernel: kernel, initrd: initrd, commandLine: "log=warn init=/exhaustion/init -- \(arguments)")
            machine.memoryMiB = Self.guestMemoryMiB
            let started = Date()
            var (status, output) = try machine.runCaptured(timeoutSeconds: 240)
            if Self.hasMiscalibratedClock(output) {
                // The hogs and init keep time on the guest's clock; a boot whose TSC calibration
                // went wrong (a loaded host can stretch the PIT measurement) runs it many times
                // too fast or slow. That boot says nothing about exhaustion: boot again, once.
                print("apus exhaustion/\(hog.name): the guest clock was miscalibrated at boot; booting again")
                (status, output) = try machine.runCaptured(timeoutSeconds: 240)
            }
            let seconds = Int(Date().timeIntervalSince(started))
            let (passed, detail) = Self.verdict(hog: hog.name, output: output, status: status)
            print("apus \(detail) (\(seconds) s)")
            if passed {
                counts.passed += 1
            } else {
                counts.failed += 1
                counts.failures.append(detail)
                let tail = output.split(whereSeparator: \.isNewline).suffix(25).joined(separator: "\n    | ")
                print("    | \(tail)")
            }
        }
        print("\(counts.passed) passed, \(counts.failed) failed")
        return counts
    }

    /// Whether the banner's "boot: kernel N ms" is implausible (normally tens of milliseconds):
    /// the sign of a clock calibrated wrong.
    static func hasMiscalibratedClock(_ output: String) -> Bool {
        guard let line = output.split(whereSeparator: \.isNewline).first(where: { $0.hasPrefix("boot: kernel ") }),
              let milliseconds = Double(line.dropFirst("boot: kernel ".count).prefix(while: { $0 != " " })) else { return false }
        return milliseconds > 5000
    }

    static func verdict(hog: String, output: String, status: Int32) -> (Bool, String) {
        let lines = output.split(whereSeparator: \.isNewline).map(String.init)
        guard let result = lines.last(where: { $0.hasPrefix("PASS exhaustion/") || $0.hasPrefix("FAIL exhaustion/") }) else {
            let why = status == 124 ? "timed out" : status == 125 ? "kernel panic" : "exit status \(status)"
            return (false, "FAIL exhaustion/\(hog): no result line, \(why)")
        }
        guard result.hasPrefix("PASS "), status == 0 else {
            return (false, status == 0 || result.hasPrefix("FAIL ") ? result : "\(result) (exit status \(status))")
        }
        if hog == "memory" && !output.contains(oomKillerLine) {
            return (false, "FAIL exhaustion/memory: the OOM killer logged no choice")
        }
        return (true, result)
    }
}
