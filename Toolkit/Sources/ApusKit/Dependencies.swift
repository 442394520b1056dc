// Host dependencies, installed on demand from Debian's archive (we run as root on CI machines).
// Each command names the package that provides it; missing ones are installed in one apt-get run.

import Foundation

public enum Dependencies {
    public struct Requirement: Sendable {
        public let command: String
        public let package: String
        public init(_ command: String, package: String) {
            self.command = command
            self.package = package
        }
    }

    public static let qemu = Requirement("qemu-system-x86_64", package: "qemu-system-x86")
    public static let gdb = Requirement("gdb", package: "gdb")
    public static let musl = Requirement("musl-gcc", package: "musl-tools")
    public static let busybox = Requirement("busybox", package: "busybox-static")
    public static let cpio = Requirement("cpio", package: "cpio")
    public static let gzip = Requirement("gzip", package: "gzip")

    /// The firmware QEMU boots with: tiny and fast (PVH boot without a BIOS splash).
    public static let firmware = "/usr/share/qemu/qboot.rom"

    public static func ensure(_ requirements: [Requirement]) throws {
        let missing = requirements.filter { Shell.which($0.command) == nil }
        guard !missing.isEmpty else { return }
        let packages = Array(Set(missing.map(\.package))).sorted()
        Shell.step("installing \(packages.joined(separator: ", ")) with apt-get")
        guard getuid() == 0 else {
            throw ToolkitError("missing \(missing.map(\.command).joined(separator: ", ")); install with: sudo apt-get install \(packages.joined(separator: " "))")
        }
        let environment = ["DEBIAN_FRONTEND": "noninteractive"]
        var status = try Shell.stream(["apt-get", "install", "-y", "-q", "--no-install-recommends"] + packages, environment: environment)
        if status != 0 {
            try Shell.stream(["apt-get", "update", "-q"], environment: environment)
            status = try Shell.stream(["apt-get", "install", "-y", "-q", "--no-install-recommends"] + packages, environment: environment)
        }
        guard status == 0 else { throw ToolkitError("apt-get could not install \(packages.joined(separator: " "))") }
    }
}
