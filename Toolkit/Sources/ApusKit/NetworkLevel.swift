// The network level (`apus test --only network`): Apus with a virtio-net card on QEMU's user
// network (restrict=on; only forwarded 127.0.0.1 ports reach it), configured in the guest with
// busybox ifconfig and route, serving with busybox httpd and nc (Tests/Network/guest.sh). The
// host's Linux TCP is the peer nobody here wrote:
//   - the guest's configuration as /proc/net/route and ifconfig show it;
//   - curl fetches files of 0 B, 1 KiB, 1 MiB and 64 MiB (SHA-256 compared with what was put in
//     the image), with the time each took;
//   - a 4 MiB stream to the guest's nc (the guest's sha256sum of it comes back over HTTP) and
//     the 1 MiB stream the guest's nc sends back;
//   - 200 concurrent connections (curl --parallel) each fetching 1 KiB;
//   - a peer that resets mid-transfer (SO_LINGER 0 after 256 KiB of the 64 MiB file), after
//     which the server still answers.
// Each check prints one line; the level ends with "N passed, M failed".

import Foundation

public struct NetworkLevel {
    let project: Project
    static let guestMemoryMiB = 512
    static let bootTimeoutSeconds = 240.0

    public init(project: Project) { self.project = project }

    struct Ports {
        let http: Int, upload: Int, download: Int
    }

    public func run() throws -> TestCounts {
        try Dependencies.ensure([Dependencies.qemu, Dependencies.busybox, Dependencies.curl, Dependencies.sha256sum])
        let kernel = try KernelBuild(project: project, variant: .kernel).build()
        let oneMiB = NetworkLevel.pseudoRandomBytes(count: 1 << 20, seed: 0x9E37_79B9_7F4A_7C15)
        let oneKiB = Array(oneMiB.prefix(1024).reversed())
        let initrd = try image(oneKiB: oneKiB, oneMiB: oneMiB)
        let ports = Ports(http: try NetworkLevel.freeHostPort(), upload: try NetworkLevel.freeHostPort(),
                          download: try NetworkLevel.freeHostPort())
        var machine = QEMUMachine(kernel: kernel, initrd: initrd, commandLine: "log=warn init=/net/guest.sh")
        machine.memoryMiB = Self.guestMemoryMiB
        machine.network = QEMUMachine.UserNetwork(forwards: [
            .init(hostPort: ports.http, guestPort: 80), .init(hostPort: ports.upload, guestPort: 7000),
            .init(hostPort: ports.download, guestPort: 7001),
        ])
        let console = project.output("network-console.log")
        try? FileManager.default.removeItem(at: console)
        var arguments = machine.arguments.filter { $0 != "-nographic" }
        arguments += ["-display", "none", "-serial", "file:\(console.path)", "-monitor", "none"]
        let qemu = Process()
        qemu.executableURL = URL(fileURLWithPath: Shell.which(arguments[0]) ?? "/usr/bin/\(arguments[0])")
        qemu.arguments = Array(arguments.dropFirst())
        qemu.standardInput = FileHandle.nullDevice
        qemu.standardOutput = FileHandle.nullDevice
        Shell.step("booting Apus with a virtio-net card (host 127.0.0.1:\(ports.http) -> guest 80, \(ports.upload) -> 7000, \(ports.download) -> 7001)")
        try qemu.run()
        defer { if qemu.isRunning { qemu.terminate() } }

        var counts = TestCounts(passed: 0, failed: 0)
        func record(_ name: String, _ outcome: Result<String, ToolkitError>) {
            switch outcome {
            case .success(let detail):
                counts.passed += 1
                print("PASS network/\(name)\(detail.isEmpty ? "" : ": \(detail)")")
            case .failure(let error):
                counts.failed += 1
                counts.failures.append("network/\(name): \(error.description)")
                print("FAIL network/\(name): \(error.description)")
            }
        }
        let started = Date()
        let base = "http://127.0.0.1:\(ports.http)"
        var isReady = false
        while Date().timeIntervalSince(started) < Self.bootTimeoutSeconds && qemu.isRunning {
            if let result = try? Shell.capture(curl(["-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5", "\(base)/ready"]), timeoutSeconds: 10),
               result.output.hasSuffix("200") {
                isReady = true
                break
            }
            usleep(500_000)
        }
        let consoleText = { (try? String(contentsOf: console, encoding: .utf8)) ?? "" }
        guard isReady else {
            record("boot", .failure(ToolkitError("the guest never served /ready within \(Int(Self.bootTimeoutSeconds)) s")))
            print(consoleText().split(whereSeparator: \.isNewline).suffix(30).map { "    | \($0)" }.joined(separator: "\n"))
            print("\(counts.passed) passed, \(counts.failed) failed")
            return counts
        }
        record("boot", .success("served after \(Int(Date().timeIntervalSince(started))) s"))
        record("configuration", NetworkLevel.checkConfiguration(consoleText()))

        let sixtyFourMiB = Array((0..<64).map { _ in oneMiB }.joined())
        for (name, expected) in [("empty", [UInt8]()), ("1k", oneKiB), ("1m", oneMiB), ("64m", sixtyFourMiB)] {
            record("curl-\(name)", fetch("\(base)/\(name)", expected: expected))
        }
        let upload = NetworkLevel.pseudoRandomBytes(count: 4 << 20, seed: 0xD1B5_4A32_D192_ED03)
        record("nc-to-guest", streamToGuest(upload, port: ports.upload, base: base))
        record("nc-from-guest", streamFromGuest(expected: oneMiB, port: ports.download))
        record("concurrent-200", concurrentFetches(base: base, count: 200, expected: oneKiB.count))
        record("reset-mid-transfer", resetMidTransfer(port: ports.http, base: base, expected: oneKiB))
        if consoleText().contains("NETLEVEL-FAIL") || consoleText().contains("panic") {
            record("guest-console", .failure(ToolkitError("the guest reported a failure; see \(console.path)")))
        } else {
            record("guest-console", .success(""))
        }
        qemu.terminate()
        print("\(counts.passed) passed, \(counts.failed) failed")
        return counts
    }

    // MARK: the image

    func image(oneKiB: [UInt8], oneMiB: [UInt8]) throws -> URL {
        var builder = InitramfsBuilder()
        try builder.addBase()
        try builder.addBusybox()
        try builder.directory("net")
        try builder.file("net/guest.sh", copying: project.root.appendingPathComponent("Tests/Network/guest.sh"))
        try builder.file("net/1k", contents: oneKiB)
        try builder.file("net/1m", contents: oneMiB)
        try FileManager.default.createDirectory(at: project.outputDirectory, withIntermediateDirectories: true)
        let url = project.output("network.cpio")
        try builder.write(to: url)
        return url
    }

    /// Deterministic bytes (xorshift64*), so every run serves and checks the same files.
    static func pseudoRandomBytes(count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        var bytes = [UInt8](repeating: 0, count: count)
        var index = 0
        while index < count {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            var word = state &* 0x2545_F491_4F6C_DD1D
            for _ in 0..<8 where index < count {
                bytes[index] = UInt8(truncatingIfNeeded: word)
                word >>= 8
                index += 1
            }
        }
        return bytes
    }

    // MARK: checks

    /// eth0 has 10.0.2.15/24 and /proc/net/route shows the connected route and the default one.
    static func checkConfiguration(_ console: String) -> Result<String, ToolkitError> {
        guard let begin = console.range(of: "NETLEVEL-IFCONFIG-BEGIN"), let end = console.range(of: "NETLEVEL-CONFIG-END") else {
            return .failure(ToolkitError("the guest printed no configuration"))
        }
        let text = String(console[begin.upperBound..<end.lowerBound])
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        guard text.contains("inet addr:10.0.2.15"), text.contains("Mask:255.255.255.0") else {
            return .failure(ToolkitError("ifconfig eth0 does not show 10.0.2.15/24"))
        }
        guard lines.contains(where: { $0.hasPrefix("eth0\t0002000A\t00000000\t0001\t") }) else {
            return .failure(ToolkitError("/proc/net/route has no connected route 10.0.2.0/24 on eth0"))
        }
        guard lines.contains(where: { $0.hasPrefix("eth0\t00000000\t0202000A\t0003\t") }) else {
            return .failure(ToolkitError("/proc/net/route has no default route via 10.0.2.2"))
        }
        return .success("eth0 10.0.2.15/24, default via 10.0.2.2")
    }

    func curl(_ arguments: [String]) -> [String] {
        [Dependencies.curl.command, "-s", "--noproxy", "*"] + arguments
    }

    func fetch(_ url: String, expected: [UInt8]) -> Result<String, ToolkitError> {
        let file = project.output("network-download")
        try? FileManager.default.removeItem(at: file)
        let started = Date()
        guard let result = try? Shell.capture(curl(["-o", file.path, "-w", "%{http_code}", "--max-time", "300", url]), timeoutSeconds: 320),
              result.status == 0 else {
            return .failure(ToolkitError("curl \(url) failed"))
        }
        let seconds = Date().timeIntervalSince(started)
        guard result.output.hasSuffix("200") else { return .failure(ToolkitError("HTTP status \(result.output)")) }
        guard let data = try? Data(contentsOf: file) else { return .failure(ToolkitError("no file downloaded")) }
        try? FileManager.default.removeItem(at: file)
        guard data.count == expected.count else { return .failure(ToolkitError("\(data.count) bytes, expected \(expected.count)")) }
        let received = sha256(data), wanted = sha256(Data(expected))
        guard let received, received == wanted else {
            return .failure(ToolkitError("SHA-256 \(received ?? "?") differs from \(wanted ?? "?")"))
        }
        let rate = seconds > 0 ? Double(expected.count) / seconds / 1_048_576 : 0
        return .success("\(expected.count) bytes in \(String(format: "%.2f", seconds)) s (\(String(format: "%.2f", rate)) MiB/s), SHA-256 \(received.prefix(16))...")
    }

    func sha256(_ data: Data) -> String? {
        let file = project.output("network-hash")
        guard (try? data.write(to: file)) != nil,
              let result = try? Shell.capture([Dependencies.sha256sum.command, file.path], timeoutSeconds: 60), result.status == 0 else { return nil }
        try? FileManager.default.removeItem(at: file)
        return result.output.split(separator: " ").first.map(String.init)
    }

    func streamToGuest(_ bytes: [UInt8], port: Int, base: String) -> Result<String, ToolkitError> {
        do {
            let socket = try LoopbackConnection(port: port, timeoutSeconds: 120)
            try socket.sendAll(bytes)
            socket.shutdownWrite()
            _ = try? socket.receiveAll(limit: 1 << 20)
            socket.close()
        } catch let error as ToolkitError {
            return .failure(error)
        } catch {
            return .failure(ToolkitError("\(error)"))
        }
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            if let result = try? Shell.capture(curl(["--max-time", "10", "-f", "\(base)/upload.sum"]), timeoutSeconds: 15),
               result.status == 0, let guestSum = result.output.split(separator: " ").first {
                let wanted = sha256(Data(bytes)) ?? "?"
                return guestSum == wanted ? .success("\(bytes.count) bytes, the guest's sha256sum matches")
                    : .failure(ToolkitError("the guest's sha256sum \(guestSum) differs from \(wanted)"))
            }
            usleep(500_000)
        }
        return .failure(ToolkitError("the guest never published the checksum of the upload"))
    }

    func streamFromGuest(expected: [UInt8], port: Int) -> Result<String, ToolkitError> {
        do {
            let socket = try LoopbackConnection(port: port, timeoutSeconds: 120)
            defer { socket.close() }
            let received = try socket.receiveAll(limit: expected.count + 1)
            guard received == expected else {
                return .failure(ToolkitError("received \(received.count) bytes, expected the guest's \(expected.count)"))
            }
            return .success("\(received.count) bytes as sent")
        } catch let error as ToolkitError {
            return .failure(error)
        } catch {
            return .failure(ToolkitError("\(error)"))
        }
    }

    func concurrentFetches(base: String, count: Int, expected: Int) -> Result<String, ToolkitError> {
        var arguments = ["-Z", "--parallel-max", "\(count)", "--max-time", "240", "-w", "%{http_code} %{size_download}\\n"]
        for _ in 0..<count { arguments += ["-o", "/dev/null", "\(base)/1k"] }
        let started = Date()
        guard let result = try? Shell.capture(curl(arguments), timeoutSeconds: 300) else {
            return .failure(ToolkitError("curl --parallel did not finish"))
        }
        let good = result.output.split(whereSeparator: \.isNewline).filter { $0 == "200 \(expected)" }.count
        let seconds = Date().timeIntervalSince(started)
        guard good == count else { return .failure(ToolkitError("\(good) of \(count) fetches complete")) }
        return .success("\(count) fetches of 1 KiB at once, all complete in \(String(format: "%.1f", seconds)) s")
    }

    func resetMidTransfer(port: Int, base: String, expected: [UInt8]) -> Result<String, ToolkitError> {
        do {
            let socket = try LoopbackConnection(port: port, timeoutSeconds: 60)
            try socket.sendAll(Array("GET /64m HTTP/1.0\r\n\r\n".utf8))
            let head = try socket.receive(atLeast: 256 * 1024)
            socket.abort()
            guard head.count >= 256 * 1024 else { return .failure(ToolkitError("only \(head.count) bytes before the reset")) }
        } catch let error as ToolkitError {
            return .failure(error)
        } catch {
            return .failure(ToolkitError("\(error)"))
        }
        usleep(500_000)
        switch fetch("\(base)/1k", expected: expected) {
        case .success: return .success("reset after 256 KiB of 64 MiB; the server still answers")
        case .failure(let error): return .failure(ToolkitError("after the reset: \(error.description)"))
        }
    }

    /// A TCP port on 127.0.0.1 nothing listens on now (the kernel's pick; others run tests too).
    static func freeHostPort() throws -> Int {
        let connection = try LoopbackConnection.listening()
        defer { Glibc.close(connection.descriptor) }
        return connection.port
    }
}
