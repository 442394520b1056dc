// The httpd family of the benchmarks (issue 15): requests per second of busybox `httpd` in the
// guest, driven from the host by ApacheBench (`ab`, Debian's apache2-utils) through a virtio-net
// card on QEMU's user network (`restrict=on`; one forward, 127.0.0.1:PORT on the host to the
// guest's port 80), with 1 and 50 concurrent connections (`httpd_requests_c1`, `_c50`; HTTP/1.0,
// a new connection per request, a 1 KiB page). Both kernels run the same busybox and the same
// script (Tests/Bench/httpd.sh): Apus as init, Linux (Debian's kernel, the same as the other
// rows) after its init loaded the virtio-net modules (LinuxDiskGuest).
//
// Clock: the load comes from the host, so requests/s is host time over requests. Under -icount
// the guest's clock follows its instructions, not the host's (with sleep=off an idle guest's
// timers fire at once), so a host-timed number would mix two clocks: these rows run only in the
// wall-clock mode (plain TCG, several runs, the median) and are skipped under -icount. Noisy
// like every wall-clock row: anything else running on the host moves them.
// ab runs with -r: a connection the guest resets becomes a failed request rather than the end of
// ab's report. Up to 5% failed requests are tolerated (ab counts a response cut short both as a
// "Length" failure and as non-2xx; Linux under TCG cuts 1-3% short at 50 connections), more fail
// the row, and the count is printed either way.
// The family boots apart from the in-guest benchmarks (its own image, a network card).

import Foundation

public enum BenchHTTP {
    public static let family = "httpd"
    static let rows: [(name: String, concurrency: Int)] = [("httpd_requests_c1", 1), ("httpd_requests_c50", 50)]
    static let unit = "req/s"
    static let guestScript = "bench/httpd.sh"
    static let bootTimeoutSeconds = 240.0

    /// The rows as the catalog lists them (the guest program does not know them).
    static var descriptions: [BenchDescription] {
        rows.map { BenchDescription(name: $0.name, family: family, unit: unit, better: .higher) }
    }

    /// Requests per row: enough for a steady rate, few enough for TCG.
    static func requests(concurrency: Int, quick: Bool) -> Int {
        let base = quick ? 100 : 500
        return concurrency == 1 ? base : base * 2
    }

    /// Boots `kernel` once and measures `names` (rows of this family); every name gets an outcome.
    static func run(_ names: [String], kernel: BenchKernel, image: URL, clock: BenchClock, quick: Bool, project: Project,
                    logName: String) throws -> [String: BenchOutcome] {
        guard clock == .wall else {
            let why = "wall clock only: the host's ab times it, while under -icount the guest's clock follows its instructions"
            return Dictionary(uniqueKeysWithValues: names.map { ($0, BenchOutcome.skipped(why)) })
        }
        try Dependencies.ensure([Dependencies.qemu, Dependencies.busybox, Dependencies.curl, Dependencies.apacheBench])
        let port = try NetworkLevel.freeHostPort()
        var machine = try self.machine(kernel: kernel, image: image, project: project)
        machine.network = QEMUMachine.UserNetwork(forwards: [.init(hostPort: port, guestPort: 80)])
        let logFolder = project.output("bench-logs")
        try FileManager.default.createDirectory(at: logFolder, withIntermediateDirectories: true)
        let console = logFolder.appendingPathComponent("\(logName).log")
        try? FileManager.default.removeItem(at: console)
        var arguments = machine.arguments.filter { $0 != "-nographic" }
        arguments += ["-display", "none", "-serial", "file:\(console.path)", "-monitor", "none"]
        let qemu = Process()
        qemu.executableURL = URL(fileURLWithPath: Shell.which(arguments[0]) ?? "/usr/bin/\(arguments[0])")
        qemu.arguments = Array(arguments.dropFirst())
        qemu.standardInput = FileHandle.nullDevice
        qemu.standardOutput = FileHandle.nullDevice
        qemu.standardError = FileHandle.nullDevice
        Shell.step("\(kernel.displayName): httpd behind virtio-net (host 127.0.0.1:\(port) -> guest 80), \(names.count) rows")
        try qemu.run()
        defer { if qemu.isRunning { qemu.terminate(); qemu.waitUntilExit() } }
        let url = "http://127.0.0.1:\(port)/index.html"
        guard waitUntilServing(url, qemu: qemu) else {
            let tail = ((try? String(contentsOf: console, encoding: .utf8)) ?? "").split(whereSeparator: \.isNewline).suffix(3).joined(separator: " | ")
            let why = "the guest never served \(url) within \(Int(bootTimeoutSeconds)) s (out/bench-logs/\(logName).log: \(tail))"
            return Dictionary(uniqueKeysWithValues: names.map { ($0, BenchOutcome.failed(why)) })
        }
        _ = try? Shell.capture(ab(url, requests: 20, concurrency: 1), timeoutSeconds: 120) // warm-up
        var outcomes: [String: BenchOutcome] = [:]
        for row in rows where names.contains(row.name) {
            let count = requests(concurrency: row.concurrency, quick: quick)
            var failures = ""
            do {
                let result = try Shell.capture(ab(url, requests: count, concurrency: row.concurrency), timeoutSeconds: 600)
                outcomes[row.name] = outcome(abOutput: result.output, status: result.status, requests: count)
                if outcomes[row.name]?.measurement != nil {
                    failures = failureLine(result.output).map { ", failed requests: \($0)" } ?? ""
                }
            } catch {
                outcomes[row.name] = .failed("ab: \(error)")
            }
            Shell.step("\(kernel.displayName) \(row.name): \(outcomes[row.name].map(describe) ?? "?")\(failures)")
        }
        return outcomes
    }

    /// ab's breakdown of failed requests, "(Connect: 0, Receive: 0, Length: 6, Exceptions: 0)", if any failed.
    static func failureLine(_ output: String) -> String? {
        output.split(whereSeparator: \.isNewline).first { $0.contains("(Connect:") }.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    static func describe(_ outcome: BenchOutcome) -> String {
        switch outcome {
        case .measured(let measurement): String(format: "%.1f %@", measurement.value, measurement.unit)
        case .failed(let why), .skipped(let why), .unsupported(let why): why
        }
    }

    /// The guest: Apus with the script as init, or Debian's Linux loading virtio-net first.
    static func machine(kernel: BenchKernel, image: URL, project: Project) throws -> QEMUMachine {
        let script = project.root.appendingPathComponent("Tests/Bench/httpd.sh")
        switch kernel {
        case .apus:
            var builder = InitramfsBuilder()
            try builder.addBase()
            try builder.addBusybox()
            try builder.file(guestScript, copying: script)
            let initrd = project.output("bench-httpd.cpio")
            try builder.write(to: initrd)
            return QEMUMachine(kernel: image, initrd: initrd, commandLine: "log=warn init=/\(guestScript)")
        case .linux:
            return try LinuxDiskGuest(project: project).machine(programs: [("httpd.sh", script)], modules: .virtioNet,
                                                                body: "/bin/busybox sh /programs/httpd.sh", disks: [],
                                                                image: "bench-httpd-linux.cpio")
        }
    }

    static func waitUntilServing(_ url: String, qemu: Process) -> Bool {
        let started = Date()
        while Date().timeIntervalSince(started) < bootTimeoutSeconds && qemu.isRunning {
            let probe = [Dependencies.curl.command, "-s", "--noproxy", "*", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5", url]
            if let result = try? Shell.capture(probe, timeoutSeconds: 10), result.output.hasSuffix("200") { return true }
            usleep(500_000)
        }
        return false
    }

    /// `-r`: a reset connection is counted as a failed request (and fails the row) instead of
    /// ending ab without a report.
    static func ab(_ url: String, requests: Int, concurrency: Int) -> [String] {
        [Dependencies.apacheBench.command, "-q", "-r", "-n", "\(requests)", "-c", "\(concurrency)", "-s", "60", url]
    }

    /// Requests that may fail (ab's "Length" failures: a response cut short when the guest resets
    /// the connection under load; Linux does this to a few in a hundred at 50 connections) before
    /// the row counts as failed; the step line shows how many did.
    static let tolerablePercentFailed = 5

    /// ab's report: every request complete, at most a few failed or not 2xx, and the mean
    /// requests per second.
    static func outcome(abOutput output: String, status: Int32, requests: Int) -> BenchOutcome {
        func field(_ label: String) -> String? {
            output.split(whereSeparator: \.isNewline).first { $0.hasPrefix(label) }
                .map { $0.dropFirst(label.count).trimmingCharacters(in: .whitespaces) }
        }
        guard status == 0 else { return .failed("ab exited with status \(status): \(output.suffix(200))") }
        guard let complete = field("Complete requests:").flatMap({ Int($0) }), complete == requests else {
            return .failed("ab completed \(field("Complete requests:") ?? "no") requests of \(requests)")
        }
        let failed = field("Failed requests:").flatMap { Int($0.split(separator: " ").first ?? "") } ?? 0
        if failed * 100 > requests * tolerablePercentFailed {
            return .failed("\(failed) of \(requests) requests failed\(failureLine(output).map { " " + $0 } ?? "")")
        }
        // A response cut short before its status line counts as a "Length" failure and as non-2xx.
        let non2xx = field("Non-2xx responses:").flatMap { Int($0) } ?? 0
        if non2xx * 100 > requests * tolerablePercentFailed { return .failed("\(non2xx) of \(requests) responses were not 2xx") }
        guard let rate = field("Requests per second:").flatMap({ Double($0.split(separator: " ").first ?? "") }), rate > 0 else {
            return .failed("ab reported no rate")
        }
        return .measured(BenchMeasurement(value: rate, unit: unit, better: .higher, count: Double(requests)))
    }
}
