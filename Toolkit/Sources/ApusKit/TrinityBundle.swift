// Trinity, the Linux system-call fuzzer, for Apus's fuzzing runs: Debian's `trinity` package is
// fetched with `apt-get download` (once, into out/trinity) and unpacked with `dpkg-deb -x`; its
// binary goes into the image at /usr/bin/trinity with the shared libraries it names (DT_NEEDED,
// read with readelf, never by running it on the host) and its program interpreter, at the paths
// the dynamic loader looks in.
//
// The calls left out of every Trinity run (`-x`): those that would end the harness rather than
// test the kernel (reboot; signals to other processes, which as root reach init and the
// supervisor).

import Foundation

public struct TrinityBundle {
    /// Where the binary lies in the image (and so, with a leading slash, in the guest).
    public static let imagePath = "usr/bin/trinity"
    public static var guestPath: String { "/" + imagePath }

    /// `-x` exclusions, each with why.
    public static let excludedCalls: [(name: String, why: String)] = [
        ("reboot", "powers the machine off"),
        ("kill", "reaches init and the supervisor as root"),
        ("tkill", "reaches init and the supervisor as root"),
        ("tgkill", "reaches init and the supervisor as root"),
        ("rt_sigqueueinfo", "reaches init and the supervisor as root"),
        ("rt_tgsigqueueinfo", "reaches init and the supervisor as root"),
        ("pidfd_send_signal", "reaches init and the supervisor as root"),
    ]

    /// Trinity's arguments for `calls` system calls with `children` child processes, quiet.
    /// `--dangerous` lets it run as root; the supervisor adds `-s SEED`, one seed per worker.
    public static func arguments(calls: Int, children: Int) -> [String] {
        // Sockets: Trinity's socket cache opens one of every family and crashes (SIGSEGV in
        // Trinity) when nearly all of them fail, as they do on Apus (AF_UNIX only).
        var words = ["-N", "\(calls)", "-C", "\(children)", "-q", "--dangerous", "--disable-fds=sockets"]
        for excluded in excludedCalls { words += ["-x", excluded.name] }
        return words
    }

    let project: Project

    public init(project: Project) { self.project = project }

    var folder: URL { project.output("trinity") }
    var unpacked: URL { folder.appendingPathComponent("root") }
    var binary: URL { unpacked.appendingPathComponent("usr/bin/trinity") }

    /// Downloads and unpacks the package unless it is there already.
    public func prepare() throws {
        if FileManager.default.fileExists(atPath: binary.path) { return }
        try Dependencies.ensure([Dependencies.aptGet, Dependencies.dpkgDeb, Dependencies.readelf])
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        Shell.step("fetching Debian's trinity package (apt-get download, dpkg-deb -x)")
        var download = try Shell.capture(["apt-get", "download", "trinity"], in: folder)
        if download.status != 0 {
            try Shell.check(["apt-get", "update", "-q"])
            download = try Shell.capture(["apt-get", "download", "trinity"], in: folder)
        }
        guard download.status == 0 else { throw ToolkitError("apt-get download trinity failed:\n\(download.output)") }
        let packages = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("trinity_") && $0.hasSuffix(".deb") }
        guard let package = packages.sorted().last else { throw ToolkitError("apt-get download trinity left no .deb in \(folder.path)") }
        try Shell.check(["dpkg-deb", "-x", folder.appendingPathComponent(package).path, unpacked.path])
    }

    /// Adds the binary, its libraries and its interpreter to the image.
    public func add(to builder: inout InitramfsBuilder) throws {
        try prepare()
        try builder.file(Self.imagePath, copying: binary)
        let dynamic = try Shell.check(["readelf", "-d", "-l", "-W", binary.path])
        for path in try Self.sharedObjects(readelfOutput: dynamic) {
            // The host's file behind the path (ld-linux and libc are symbolic links on Debian).
            let source = URL(fileURLWithPath: path).resolvingSymlinksInPath()
            try builder.file(String(path.dropFirst()), copying: source)
        }
    }

    static let librarySearchPath = ["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64"]

    /// The interpreter and every DT_NEEDED library as absolute host paths, from `readelf -d -l`.
    static func sharedObjects(readelfOutput: String) throws -> [String] {
        var paths: [String] = []
        for line in readelfOutput.split(separator: "\n") {
            if let range = line.range(of: "[Requesting program interpreter: ") {
                paths.append(String(line[range.upperBound...].dropLast()))
            } else if line.contains("(NEEDED)"), let open = line.lastIndex(of: "["), let close = line.lastIndex(of: "]") {
                let name = String(line[line.index(after: open)..<close])
                guard let found = librarySearchPath.map({ "\($0)/\(name)" }).first(where: { FileManager.default.fileExists(atPath: $0) }) else {
                    throw ToolkitError("trinity needs \(name), which is not in \(librarySearchPath.joined(separator: ", ")) on this host")
                }
                paths.append(found)
            }
        }
        guard paths.contains(where: { $0.contains("ld-linux") }) else { throw ToolkitError("trinity names no program interpreter (readelf -l)") }
        return paths
    }
}
