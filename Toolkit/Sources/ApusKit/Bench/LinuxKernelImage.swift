// The Linux side of the comparison: Debian's stock kernel (`linux-image-amd64`, whatever image
// package it depends on), downloaded with `apt-get download` into .build-bench/linux and unpacked
// with dpkg-deb; only `boot/vmlinuz-*` is extracted and nothing is installed into the host. The
// first image fetched stays cached, so later runs compare against the same kernel; delete the
// folder to move to Debian's current one.

import Foundation

public struct LinuxKernelImage: Sendable {
    public let image: URL
    /// e.g. "6.1.0-56-amd64", from the file name.
    public let release: String

    static let metaPackage = "linux-image-amd64"

    public static func cached(project: Project) -> LinuxKernelImage? {
        let boot = folder(project).appendingPathComponent("boot")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: boot.path)) ?? []
        guard let name = names.filter({ $0.hasPrefix("vmlinuz-") }).sorted().last else { return nil }
        return LinuxKernelImage(image: boot.appendingPathComponent(name), release: String(name.dropFirst("vmlinuz-".count)))
    }

    static func folder(_ project: Project) -> URL { project.scratch("bench").appendingPathComponent("linux") }

    /// The cached image, or a fresh one from Debian's archive.
    public static func fetch(project: Project) throws -> LinuxKernelImage {
        if let cached = cached(project: project) { return cached }
        let folder = folder(project)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        Shell.step("downloading Debian's \(metaPackage) (apt-get download; nothing is installed)")
        let package = try imagePackageName()
        try download(package, into: folder)
        let debs = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(package + "_") && $0.hasSuffix(".deb") }
        guard let deb = debs.sorted().last else { throw ToolkitError("apt-get download \(package) left no .deb in \(folder.path)") }
        try Shell.check(["sh", "-c", "dpkg-deb --fsys-tarfile \"$1\" | tar -x -C \"$2\" --wildcards './boot/vmlinuz-*'",
                         "extract", folder.appendingPathComponent(deb).path, folder.path])
        try? FileManager.default.removeItem(at: folder.appendingPathComponent(deb))
        guard let image = cached(project: project) else { throw ToolkitError("\(deb) holds no boot/vmlinuz-*") }
        return image
    }

    /// The versioned image package the meta-package depends on (linux-image-6.1.0-NN-amd64).
    static func imagePackageName() throws -> String {
        var result = try Shell.capture(["apt-cache", "depends", metaPackage])
        if result.status != 0 || !result.output.contains("Depends: linux-image-") {
            try updatePackageLists()
            result = try Shell.capture(["apt-cache", "depends", metaPackage])
        }
        for line in result.output.split(separator: "\n") {
            let words = line.split(separator: " ")
            if words.count == 2, words[0] == "Depends:", words[1].hasPrefix("linux-image-") { return String(words[1]) }
        }
        throw ToolkitError("apt-cache depends \(metaPackage) names no linux-image package:\n\(result.output)")
    }

    static func download(_ package: String, into folder: URL) throws {
        if try Shell.capture(["apt-get", "download", package], in: folder).status == 0 { return }
        try updatePackageLists()
        try Shell.check(["apt-get", "download", package], in: folder, hint: "the Linux kernel for the comparison comes from Debian's archive")
    }

    static func updatePackageLists() throws {
        guard getuid() == 0 else { throw ToolkitError("the package lists need `sudo apt-get update`") }
        try Shell.stream(["apt-get", "update", "-q"], environment: ["DEBIAN_FRONTEND": "noninteractive"])
    }
}
