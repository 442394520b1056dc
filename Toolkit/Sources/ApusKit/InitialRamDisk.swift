// The initramfs images the toolkit boots. Built with the kernel's own cpio writer (newc, not
// compressed: QEMU hands the file over as is, and inflating tens of megabytes under TCG costs
// boot time; the kernel also accepts gzip, which its tests cover).
//   - the default image (`make run`): busybox-static with its applet links, /init, /etc, /tmp;
//   - test images: the same base plus user-space regression programs.

import Cpio
import Foundation

public struct InitramfsBuilder {
    var writer = CpioWriter()
    var directories: Set<String> = []

    public init() {}

    mutating func ensureParents(of path: String) throws {
        var prefix = ""
        for part in path.split(separator: "/").dropLast() {
            prefix += (prefix.isEmpty ? "" : "/") + part
            if !directories.contains(prefix) { try directory(prefix) }
        }
    }

    public mutating func directory(_ path: String, permissions: UInt32 = 0o755) throws {
        guard !directories.contains(path) else { return }
        try ensureParents(of: path)
        directories.insert(path)
        do { try writer.appendDirectory(path, permissions: permissions) } catch { throw ToolkitError("cpio: \(path): \(error)") }
    }

    public mutating func file(_ path: String, contents: [UInt8], permissions: UInt32 = 0o644) throws {
        try ensureParents(of: path)
        do { try writer.appendFile(path, data: contents, permissions: permissions) } catch { throw ToolkitError("cpio: \(path): \(error)") }
    }

    public mutating func file(_ path: String, copying source: URL, permissions: UInt32 = 0o755) throws {
        let data = try Data(contentsOf: source)
        try file(path, contents: [UInt8](data), permissions: permissions)
    }

    public mutating func symlink(_ path: String, target: String) throws {
        try ensureParents(of: path)
        do { try writer.appendSymbolicLink(path, target: target) } catch { throw ToolkitError("cpio: \(path): \(error)") }
    }

    public consuming func write(to url: URL) throws {
        try Data(writer.finish()).write(to: url)
    }

    /// busybox-static as /bin/busybox with a link for every applet it has.
    public mutating func addBusybox() throws {
        try Dependencies.ensure([Dependencies.busybox])
        guard let busybox = Shell.which("busybox") else { throw ToolkitError("busybox not found") }
        try file("bin/busybox", copying: URL(fileURLWithPath: busybox))
        let list = try Shell.check([busybox, "--list-full"])
        for applet in list.split(separator: "\n") where !applet.isEmpty && applet != "bin/busybox" {
            let depth = applet.split(separator: "/").count - 1
            try symlink(String(applet), target: String(repeating: "../", count: depth) + "bin/busybox")
        }
    }

    /// The directories and files every image has.
    public mutating func addBase() throws {
        for path in ["bin", "sbin", "usr/bin", "usr/sbin", "etc", "root", "home", "dev", "proc", "sys", "mnt", "var"] {
            try directory(path)
        }
        try directory("tmp", permissions: 0o1777)
        try file("etc/passwd", contents: Array("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n".utf8))
        try file("etc/group", contents: Array("root:x:0:\nnogroup:x:65534:\n".utf8))
        try file("etc/hostname", contents: Array("apus\n".utf8))
        try file("init", contents: Array(Self.initScript.utf8), permissions: 0o755)
    }

    static let initScript = """
        #!/bin/sh
        # Apus init: set up the environment and start an interactive shell on the console.
        # The shell gets a session of its own whose controlling terminal is the serial port:
        # cttyhack reopens /dev/console as /dev/ttyS0 (TIOCGSERIAL), and a session leader that
        # opens a terminal without having one acquires it, so job control and ^C/^Z work.
        # setsid runs in a child, not exec'd: a process group leader cannot setsid(2), and
        # busybox's setsid would then fork and let PID 1 exit. `exit` in the shell ends this
        # script with the shell's status, which the kernel passes on to QEMU.
        export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root TERM=vt100
        cd /root
        # Networking: lo always; eth0 (a virtio-net card, `make run NET=...`) on QEMU's user network.
        ifconfig lo 127.0.0.1 up
        if ifconfig eth0 >/dev/null 2>&1; then
            ifconfig eth0 10.0.2.15 netmask 255.255.255.0 up && route add default gw 10.0.2.2
        fi
        echo "Welcome to Apus. busybox sh on the console; 'poweroff -f' or exit to stop."
        setsid cttyhack /bin/sh
        """
}

public enum InitialRamDisk {
    /// The image `make run` boots: busybox and the base layout.
    public static func defaultImage(project: Project) throws -> URL? {
        try RunImage.defaultImage(adding: []).prepare(project: project)
    }
}
