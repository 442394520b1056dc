// A Debian 12 (bookworm) root file system on an ext2 image, to boot Apus from a disk (issue 14):
// `apus rootfs debian` and `apus run --root debian` (`make run ROOT=debian`).
//
// Recipe: Debian's `mmdebstrap --variant=minbase` with the package set below, fetched from the
// archive this machine's apt already uses (AptSources; no archive host is named here), plus a
// tiny init (`/sbin/apus-init`: mounts /proc, /sys, /dev/pts, /run, then a login-less bash on
// the serial terminal as its controlling terminal, so job control works). The tree becomes an
// ext2 image with 4 KiB blocks (Ext2Disk, `mke2fs -d`) with room to work in.
//
// Cache: the image and a stamp holding the recipe's text sit in out/rootfs/; the image is built
// again only when the recipe (suite, packages, image layout) differs from the stamp's. The init
// is put on the image with debugfs and has a stamp of its own: changing it rebuilds nothing.
// The pristine image is never booted: `apus run` boots a working copy that keeps what the guest
// writes until the image is rebuilt, and each distro check boots a fresh copy of its own.

import Foundation

public struct DebianRootFileSystem {
    public static let suite = "bookworm"
    /// Besides minbase: what issue 14 asks a Debian user to find.
    public static let packages = [
        "bash", "coreutils", "findutils", "grep", "sed", "gawk", "perl", "python3", "gcc", "libc6-dev", "make",
        "git", "sqlite3", "lua5.4", "procps", "less", "vim-tiny",
    ]
    public static let initPath = "/sbin/apus-init"
    /// Where the init is on the image: Debian 12's /sbin is a link to usr/sbin, which debugfs
    /// does not follow.
    static let initPathOnImage = "/usr/sbin/apus-init"
    /// Free room on the image beyond the tree, for what users and the distro check write.
    static let headroomBytes = 512 << 20
    static let blockSize = 4096
    /// Raised when the image's layout changes in a way the rest of the recipe does not show.
    static let layoutVersion = 1

    static let initScript = """
        #!/bin/sh
        # Apus's init for a Debian root on a disk (written by `apus rootfs debian`): the kernel's
        # file systems, then a login-less bash on the serial terminal. /dev/console never becomes
        # a controlling terminal, /dev/ttyS0 does: setsid --ctty gives bash one, so job control
        # works. When bash exits, what it wrote goes to the disk and the root is left clean
        # (read-only) before this process, PID 1, exits and the machine powers off.
        mount -t proc proc /proc
        mount -t sysfs sysfs /sys 2>/dev/null
        mountpoint -q /dev || mount -t devtmpfs devtmpfs /dev
        mkdir -p /dev/pts /dev/shm
        mount -t devpts devpts /dev/pts 2>/dev/null
        mount -t tmpfs tmpfs /dev/shm 2>/dev/null
        mount -t tmpfs tmpfs /run 2>/dev/null
        [ -r /etc/hostname ] && hostname -F /etc/hostname 2>/dev/null
        export HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin TERM="${TERM:-linux}"
        cd /root
        setsid --ctty --wait bash --login </dev/ttyS0 >/dev/ttyS0 2>&1
        status=$?
        sync
        mount -o remount,ro / 2>/dev/null
        exit $status

        """

    let project: Project

    public init(project: Project) { self.project = project }

    public var directory: URL { project.output("rootfs") }
    /// The image as built: never booted.
    public var image: URL { directory.appendingPathComponent("debian-\(Self.suite).ext2") }
    /// The recipe of the tree on the image, and the init installed on it (changed without a rebuild).
    var stamp: URL { directory.appendingPathComponent("debian-\(Self.suite).recipe") }
    var initStamp: URL { directory.appendingPathComponent("debian-\(Self.suite).init") }
    var tree: URL { directory.appendingPathComponent("debian-\(Self.suite)-tree") }

    /// What decides the tree on the image; the cache stamp holds it.
    static var recipe: String {
        "suite \(suite)\nvariant minbase\npackages \(packages.joined(separator: " "))\nblock size \(blockSize)\n"
            + "headroom \(headroomBytes)\nlayout \(layoutVersion)\n"
    }

    /// The kernel command line that boots the image as the root: the words before the user's.
    public static let kernelWords = ["root=/dev/vda", "rw", "init=\(initPath)"]
    /// Debian's programs (gcc above all) want more than the default 256 MiB.
    public static let memoryMiB = 1024

    public var isCurrent: Bool {
        FileManager.default.fileExists(atPath: image.path)
            && (try? String(contentsOf: stamp, encoding: .utf8)) == Self.recipe
    }

    var hasCurrentInit: Bool { (try? String(contentsOf: initStamp, encoding: .utf8)) == Self.initScript }

    public enum Freshness: Sendable { case reuseIfCurrent, rebuild }

    /// The image, built first unless the cached one was made by the same recipe.
    @discardableResult
    public func ensureImage(_ freshness: Freshness = .reuseIfCurrent) throws -> URL {
        if freshness == .rebuild || !isCurrent { try build() }
        if !hasCurrentInit { try installInit() }
        return image
    }

    func build() throws {
        guard getuid() == 0 else { throw ToolkitError("building a Debian root file system needs root (mmdebstrap's root mode keeps file owners)") }
        try Dependencies.ensure([Dependencies.mmdebstrap, Dependencies.mke2fs])
        let archive = try AptSources.machineArchive(for: Self.suite)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try? FileManager.default.removeItem(at: stamp)
        try? FileManager.default.removeItem(at: initStamp)
        try? FileManager.default.removeItem(at: tree)
        let started = Date()
        Shell.step("building Debian \(Self.suite) (minbase + \(Self.packages.count) packages) from \(archive) with mmdebstrap")
        let status = try Shell.stream(["mmdebstrap", "--mode=root", "--variant=minbase", "--include=" + Self.packages.joined(separator: ","),
                                       Self.suite, tree.path, archive])
        guard status == 0 else { throw ToolkitError("mmdebstrap exited \(status)") }
        defer { try? FileManager.default.removeItem(at: tree) }
        try writeFiles(into: tree)
        let size = try Ext2Disk.defaultSize(of: tree) + Self.headroomBytes
        Shell.step("making the ext2 image (\(size >> 20) MiB, \(Self.blockSize)-byte blocks)")
        try Ext2Disk.make(from: tree, to: image, sizeBytes: size, blockSize: Self.blockSize)
        try Self.recipe.write(to: stamp, atomically: true, encoding: .utf8)
        Shell.step("Debian root file system ready in \(Int(Date().timeIntervalSince(started))) s: \(image.path)")
    }

    /// The host name and the mount points the init uses.
    func writeFiles(into root: URL) throws {
        try "apus\n".write(to: root.appendingPathComponent("etc/hostname"), atomically: true, encoding: .utf8)
        for mountPoint in ["proc", "sys", "dev", "run", "tmp"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(mountPoint), withIntermediateDirectories: true)
        }
    }

    /// Puts the current init on the image (debugfs), replacing the one there.
    func installInit() throws {
        try Dependencies.ensure([Dependencies.debugfs])
        let script = directory.appendingPathComponent("apus-init")
        try Self.initScript.write(to: script, atomically: true, encoding: .utf8)
        _ = try Shell.capture(["debugfs", "-w", "-R", "rm \(Self.initPathOnImage)", image.path])    // absent the first time
        try Shell.check(["debugfs", "-w", "-R", "write \(script.path) \(Self.initPathOnImage)", image.path])
        try Shell.check(["debugfs", "-w", "-R", "sif \(Self.initPathOnImage) mode 0100755", image.path])
        // debugfs reports a failed request on stderr but exits 0: read the init back.
        let written = try Shell.capture(["debugfs", "-R", "cat \(Self.initPathOnImage)", image.path])
        guard written.output.hasSuffix(Self.initScript) else { throw ToolkitError("debugfs did not put the init on \(image.path): \(written.output)") }
        try Self.initScript.write(to: initStamp, atomically: true, encoding: .utf8)
    }

    /// A copy of the pristine image at `copy`, made again when missing or older than the image
    /// (`.keepIfCurrent`: what the guest wrote survives until a rebuild) or always (`.fresh`).
    public enum CopyPolicy: Sendable { case keepIfCurrent, fresh }

    public func workingCopy(named name: String, _ policy: CopyPolicy) throws -> URL {
        let copy = directory.appendingPathComponent(name)
        let attributes = { (url: URL) in (try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date }
        if policy == .keepIfCurrent, let copied = attributes(copy), let built = attributes(image), copied >= built { return copy }
        try? FileManager.default.removeItem(at: copy)
        try Dependencies.ensure([Dependencies.copy])
        try Shell.check(["cp", "--sparse=always", image.path, copy.path])
        return copy
    }
}
