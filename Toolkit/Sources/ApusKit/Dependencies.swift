// Host dependencies: the one list of every program the toolkit and the test levels run on the
// host, each with where it comes from. Debian packages are installed on demand with apt-get (we
// run as root on CI machines); the Swift toolchain's programs must already be on PATH.
// Each test level ensures its own requirements before it starts (TestLevelRequirements.swift in
// the `apus` target), and `Shell` installs a listed program that is still missing when it is run.
// A toolkit test (DependencyCoverageTests) checks that every program the levels name is listed.

import Foundation

public enum Dependencies {
    public struct Requirement: Sendable, Hashable, CustomStringConvertible {
        /// The program's name as it is looked up on PATH.
        public let command: String
        public let provider: Provider

        public init(_ command: String, package: String) {
            self.command = command
            self.provider = .debianPackage(package)
        }

        public init(_ command: String, provider: Provider) {
            self.command = command
            self.provider = provider
        }

        public var description: String { "\(command) (\(provider))" }
    }

    public enum Provider: Sendable, Hashable, CustomStringConvertible {
        /// Installed with `apt-get install` when missing.
        case debianPackage(String)
        /// Comes with the Swift toolchain, which must be on PATH; never installed by apus.
        case swiftToolchain

        public var description: String {
            switch self {
            case .debianPackage(let name): "Debian package \(name)"
            case .swiftToolchain: "the Swift toolchain"
            }
        }
    }

    // What `make run`, `make test` and `make bench` install when missing.
    public static let qemu = Requirement("qemu-system-x86_64", package: "qemu-system-x86")
    public static let gdb = Requirement("gdb", package: "gdb")
    public static let musl = Requirement("musl-gcc", package: "musl-tools")
    public static let busybox = Requirement("busybox", package: "busybox-static")
    public static let cpio = Requirement("cpio", package: "cpio")
    public static let gzip = Requirement("gzip", package: "gzip")
    // e2fsprogs: the ext2 host tests make images with mke2fs and check them with e2fsck and debugfs.
    public static let mke2fs = Requirement("mke2fs", package: "e2fsprogs")
    public static let e2fsck = Requirement("e2fsck", package: "e2fsprogs")
    public static let debugfs = Requirement("debugfs", package: "e2fsprogs")
    // Part of a usual Debian development machine, but not of every one the Swift toolchain runs on.
    public static let gcc = Requirement("gcc", package: "gcc")
    public static let cc = Requirement("cc", package: "gcc")
    public static let make = Requirement("make", package: "make")
    public static let readelf = Requirement("readelf", package: "binutils")
    public static let nm = Requirement("nm", package: "binutils")
    public static let git = Requirement("git", package: "git")
    // The network level fetches from the guest's httpd with Debian's curl and compares checksums.
    public static let curl = Requirement("curl", package: "curl")
    // `apus rootfs debian` builds a Debian root file system from apt's archive (DebianRootFileSystem.swift).
    public static let mmdebstrap = Requirement("mmdebstrap", package: "mmdebstrap")
    public static let sha256sum = Requirement("sha256sum", package: "coreutils")
    // The httpd benchmark rows drive the guest's busybox httpd with ApacheBench (BenchHTTP.swift).
    public static let apacheBench = Requirement("ab", package: "apache2-utils")
    // Essential or required packages of every Debian system: listed so that the list is complete.
    public static let shell = Requirement("sh", package: "dash")
    public static let timeout = Requirement("timeout", package: "coreutils")
    public static let tar = Requirement("tar", package: "tar")
    public static let copy = Requirement("cp", package: "coreutils")
    public static let dpkgDeb = Requirement("dpkg-deb", package: "dpkg")
    public static let aptGet = Requirement("apt-get", package: "apt")
    public static let aptCache = Requirement("apt-cache", package: "apt")
    // The Swift toolchain's own programs.
    public static let swift = Requirement("swift", provider: .swiftToolchain)
    public static let swiftc = Requirement("swiftc", provider: .swiftToolchain)
    public static let swiftDemangle = Requirement("swift-demangle", provider: .swiftToolchain)
    public static let linker = Requirement("ld.lld", provider: .swiftToolchain)
    /// The vDSO's C compiler (Kernel/VDSO), the toolchain's clang: never Debian's.
    public static let clang = Requirement("clang", provider: .swiftToolchain)
    public static let llvmObjdump = Requirement("llvm-objdump", provider: .swiftToolchain)
    public static let llvmObjcopy = Requirement("llvm-objcopy", provider: .swiftToolchain)
    public static let llvmNm = Requirement("llvm-nm", provider: .swiftToolchain)
    public static let llvmSymbolizer = Requirement("llvm-symbolizer", provider: .swiftToolchain)

    /// Every program the toolkit and its test levels run on the host.
    public static let all: [Requirement] = [
        qemu, gdb, musl, busybox, cpio, gzip, mke2fs, e2fsck, debugfs, gcc, cc, make, readelf, nm, git, curl, sha256sum, apacheBench,
        mmdebstrap, shell, timeout, tar, copy, dpkgDeb, aptGet, aptCache,
        swift, swiftc, swiftDemangle, linker, clang, llvmObjdump, llvmObjcopy, llvmNm, llvmSymbolizer,
    ]

    /// The Debian packages `apus deps` (and a full `make test`) installs when missing.
    public static var installablePackages: [String] {
        var seen: Set<String> = []
        return all.compactMap { requirement -> String? in
            guard case .debianPackage(let name) = requirement.provider, seen.insert(name).inserted else { return nil }
            return name
        }
    }

    /// The listed requirement for a program name (or a path such as /usr/bin/cpio).
    public static func requirement(forCommand command: String) -> Requirement? {
        let name = (command as NSString).lastPathComponent
        return all.first { $0.command == name }
    }

    /// The firmware QEMU boots with: tiny and fast (PVH boot without a BIOS splash).
    public static let firmware = "/usr/share/qemu/qboot.rom"

    public static func isInstalled(_ requirement: Requirement) -> Bool {
        Shell.which(requirement.command) != nil
    }

    public static func ensure(_ requirements: [Requirement]) throws {
        let missing = requirements.filter { !isInstalled($0) }
        guard !missing.isEmpty else { return }
        let toolchain = missing.filter { $0.provider == .swiftToolchain }
        guard toolchain.isEmpty else {
            throw ToolkitError("\(toolchain.map(\.command).joined(separator: ", ")) not found: it comes with the Swift toolchain (6.3); put its usr/bin on PATH")
        }
        var packages: [String] = []
        for requirement in missing {
            if case .debianPackage(let name) = requirement.provider, !packages.contains(name) { packages.append(name) }
        }
        packages.sort()
        Shell.step("installing \(packages.joined(separator: ", ")) with apt-get (for \(missing.map(\.command).joined(separator: ", ")))")
        guard getuid() == 0 else {
            throw ToolkitError("missing \(missing.map(\.command).joined(separator: ", ")); install with: sudo apt-get install \(packages.joined(separator: " "))")
        }
        let environment = ["DEBIAN_FRONTEND": "noninteractive"]
        // Another apt-get on the machine holds dpkg's lock for a while: wait for it rather than fail.
        let install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", "-o", "DPkg::Lock::Timeout=600"] + packages
        var status = try Shell.stream(install, environment: environment)
        if status != 0 {
            try Shell.stream(["apt-get", "update", "-q"], environment: environment)
            status = try Shell.stream(install, environment: environment)
        }
        guard status == 0 else { throw ToolkitError("apt-get could not install \(packages.joined(separator: " "))") }
        let stillMissing = missing.filter { !isInstalled($0) }
        guard stillMissing.isEmpty else {
            throw ToolkitError("apt-get installed \(packages.joined(separator: " ")) but \(stillMissing.map(\.command).joined(separator: ", ")) is still not on PATH")
        }
    }
}
