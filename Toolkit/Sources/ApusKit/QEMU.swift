// One QEMU configuration for everything (run, tests, benchmarks, Linux side by side):
// the `pc` machine with the qboot firmware (boots a PVH kernel in milliseconds), `-cpu max`
// (AVX and friends for glibc, SMEP/SMAP for us), TCG, no network unless asked (then a virtio-net
// card on a restricted user-mode network, see UserNetwork), the serial console on stdio
// and the isa-debug-exit device; raw disk images attach as modern-only virtio-blk PCI functions
// (`disable-legacy=on`: device ID 0x1042, no I/O BAR). Exit statuses: 0 = clean power-off; odd = debug-exit with
// status (code - 1) / 2; 124 = our timeout.

import Foundation

public struct QEMUMachine: Sendable {
    public var kernel: URL
    public var initrd: URL?
    public var commandLine: String = ""
    public var memoryMiB = 256
    public var clock: ClockMode = .wallClock
    public var debugStub: DebugStub = .none
    public var console: Console = .terminal
    public var disks: [VirtioDisk] = []
    /// A virtio network card on QEMU's user-mode network, or none (`-net none`).
    public var network: UserNetwork?
    public var extraArguments: [String] = []

    /// One modern-only virtio-net card (`disable-legacy=on`) on QEMU's user-mode network with
    /// `restrict=on`: the guest reaches nothing outside QEMU (no connection leaves this
    /// machine), and only the forwarded host ports, bound to 127.0.0.1, reach the guest.
    /// QEMU's network: the guest is 10.0.2.15/24, the gateway 10.0.2.2.
    public struct UserNetwork: Sendable, Equatable {
        public var forwards: [PortForward]

        public struct PortForward: Sendable, Equatable {
            public var hostPort: Int
            public var guestPort: Int

            public init(hostPort: Int, guestPort: Int) {
                self.hostPort = hostPort
                self.guestPort = guestPort
            }

            /// "HOSTPORT:GUESTPORT", both 1...65535.
            public init?(_ text: String) {
                let parts = text.split(separator: ":", omittingEmptySubsequences: false)
                guard parts.count == 2, let host = Int(parts[0]), let guest = Int(parts[1]),
                      (1...65_535).contains(host), (1...65_535).contains(guest) else { return nil }
                self.init(hostPort: host, guestPort: guest)
            }
        }

        public init(forwards: [PortForward]) { self.forwards = forwards }

        var arguments: [String] {
            var netdev = "user,id=net0,restrict=on"
            for forward in forwards { netdev += ",hostfwd=tcp:127.0.0.1:\(forward.hostPort)-:\(forward.guestPort)" }
            return ["-netdev", netdev, "-device", "virtio-net-pci,netdev=net0,disable-legacy=on"]
        }
    }

    /// A raw image attached as a virtio block device (vda, vdb... in this order).
    public struct VirtioDisk: Sendable, Equatable {
        public var file: URL
        public var access: Access
        public var interrupts: Interrupts

        public enum Access: Sendable { case readWrite, readOnly }
        public enum Interrupts: Sendable {
            /// MSI-X, one vector per queue (QEMU's default).
            case msix
            /// No MSI-X table (`vectors=0`): the device raises its PCI INTx line.
            case legacyLine
        }

        public init(file: URL, access: Access = .readWrite, interrupts: Interrupts = .msix) {
            self.file = file
            self.access = access
            self.interrupts = interrupts
        }

        /// `-drive` and `-device` arguments for disk number `index`.
        func arguments(index: Int) -> [String] {
            // QEMU's option syntax: a comma inside a value is written twice.
            let path = file.path.replacingOccurrences(of: ",", with: ",,")
            var drive = "file=\(path),if=none,id=disk\(index),format=raw"
            if access == .readOnly { drive += ",readonly=on" }
            var device = "virtio-blk-pci,drive=disk\(index),disable-legacy=on"
            if interrupts == .legacyLine { device += ",vectors=0" }
            return ["-drive", drive, "-device", device]
        }
    }

    public enum Console: Sendable {
        /// `-nographic`: the serial console and QEMU's monitor share stdio; Ctrl-A is QEMU's
        /// escape (Ctrl-A X quits), and QEMU puts a terminal on stdin into raw mode.
        case terminal
        /// Only the serial console on stdio: no monitor, no escape character, every input byte
        /// goes to the guest (input from a pipe or file).
        case serialOnly
    }

    public enum ClockMode: Sendable {
        /// Guest time follows host time (plain TCG).
        case wallClock
        /// Guest time follows executed instructions: deterministic (`-icount shift=0,sleep=off`).
        case instructionCounting
    }

    public enum DebugStub: Sendable {
        case none
        /// GDB stub on tcp::1234, CPU stopped at reset until gdb continues.
        case waitForGDB
    }

    public init(kernel: URL, initrd: URL? = nil, commandLine: String = "") {
        self.kernel = kernel
        self.initrd = initrd
        self.commandLine = commandLine
    }

    public var arguments: [String] {
        var arguments = [
            Dependencies.qemu.command, "-M", "pc", "-cpu", "max", "-accel", "tcg", "-m", "\(memoryMiB)M",
            "-bios", Dependencies.firmware, "-no-reboot",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
            "-kernel", kernel.path,
        ]
        switch console {
        case .terminal: arguments.append("-nographic")
        case .serialOnly: arguments += ["-display", "none", "-monitor", "none", "-serial", "stdio"]
        }
        if let initrd { arguments += ["-initrd", initrd.path] }
        if !commandLine.isEmpty { arguments += ["-append", commandLine] }
        if clock == .instructionCounting { arguments += ["-icount", "shift=0,sleep=off"] }
        if debugStub == .waitForGDB { arguments += ["-s", "-S"] }
        for (index, disk) in disks.enumerated() { arguments += disk.arguments(index: index) }
        arguments += network?.arguments ?? ["-net", "none"]
        return arguments + extraArguments
    }

    /// The guest's exit status from QEMU's.
    public static func guestStatus(fromQEMUStatus status: Int32) -> Int32 {
        if status == 0 { return 0 }
        if status == 124 { return 124 }
        if status & 1 == 1 { return (status - 1) / 2 }
        return status
    }

    /// Runs with the console on this process's standard input and output; returns the guest's
    /// exit status. Input that is not a terminal is fed to the guest (ConsoleInputFeed.swift).
    public func runInteractive(timeoutSeconds: Double? = nil) throws -> Int32 {
        try Dependencies.ensure([Dependencies.qemu])
        guard isatty(STDIN_FILENO) == 1 else { return try runFeedingStandardInput(timeoutSeconds: timeoutSeconds) }
        return Self.guestStatus(fromQEMUStatus: try Shell.stream(arguments, timeoutSeconds: timeoutSeconds))
    }

    /// Runs headless, capturing the console; optionally echoing it as it comes.
    public func runCaptured(timeoutSeconds: Double, echo: Shell.EchoMode = .quiet) throws -> (status: Int32, output: String) {
        try Dependencies.ensure([Dependencies.qemu])
        let result = try Shell.capture(arguments, timeoutSeconds: timeoutSeconds, echo: echo)
        return (Self.guestStatus(fromQEMUStatus: result.status), result.output)
    }
}
