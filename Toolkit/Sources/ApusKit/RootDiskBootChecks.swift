// Booting with `root=` (Linux's prepare_namespace; Kernel/Components/SystemCalls/RootMount.swift):
// with no initramfs, or an `rdinit=` that names nothing in it, the kernel mounts the root device
// as "/" and runs init from it. Each case boots the ordinary kernel and checks the console and
// the exit status: a missing device and a disk without a file system stop the boot with Linux's
// "VFS: Unable to mount root fs" line and status 2 (never a panic, 125, or a hang); an initramfs
// whose /init exists wins over root=, as on Linux; and, when a type that mounts block devices
// (ext2) is registered, an ext2 disk (Ext2Disk.make, as `apus mkdisk`) boots init=/bin/sh from
// it, read-write (what it writes is on the image, e2fsck -fn clean) or read-only by default.
// Run with the in-kernel tests (`apus ktest`, filter "root-disk"). The command lines go to the
// kernel as they are: double quotes group words (the kernel's parser), single quotes do not.

import Foundation

public struct RootDiskBootChecks {
    let project: Project

    public init(project: Project) { self.project = project }

    struct Case {
        let name: String
        var initrd: URL?
        var disks: [QEMUMachine.VirtioDisk] = []
        let commandLine: String
        let expected: [String]
        let status: Int32
        /// After the boot: e2fsck -fn of this image is clean and debugfs reads (path, text) back.
        var writtenImage: (image: URL, path: String, text: String)? = nil
        /// Typed on the console as `apus run` feeds a pipe (then end of file), instead of nothing.
        var consoleInput: String? = nil
    }

    func cases() throws -> [Case] {
        let blank = project.output("root-disk-blank.img")
        try Data(count: 4 << 20).write(to: blank)
        let image = try RunImage.defaultImage(adding: []).prepare(project: project)
        let rootImage = project.output("root-disk-ext2.img")
        try Self.makeRootImage(at: rootImage, project: project)
        return [
            Case(name: "root=/dev/vda rw: init=/bin/sh from an ext2 disk", disks: [QEMUMachine.VirtioDisk(file: rootImage)],
                 commandLine: "log=info root=/dev/vda rw init=/bin/sh -- -c \"echo root-on-disk-ok; busybox mount -t proc proc /proc; "
                     + "busybox cat /proc/mounts; echo written-by-apus > /written; busybox sync; exit 7\"",
                 expected: ["VFS: Mounted root (ext2 filesystem) on device vda", "root-on-disk-ok", "/dev/root / ext2 rw,relatime 0 0",
                            "devtmpfs /dev devtmpfs rw,nosuid,relatime"],
                 status: 7, writtenImage: (rootImage, "/written", "written-by-apus\n")),
            Case(name: "root=/dev/vda (read-only by default): a write is EROFS", disks: [QEMUMachine.VirtioDisk(file: rootImage)],
                 commandLine: "log=info root=/dev/vda init=/bin/sh -- -c \"echo x > /other || echo write-refused; exit 3\"",
                 expected: ["VFS: Mounted root (ext2 filesystem) readonly on device vda", "Read-only file system", "write-refused"],
                 status: 3),
            // MS_REMOUNT both ways on the ext2 root: read-only (EROFS), read-write (a file written),
            // read-only again (clean on the image, EROFS again, "ro" in /proc/mounts).
            Case(name: "root=/dev/vda: remount rw, write, remount ro", disks: [QEMUMachine.VirtioDisk(file: rootImage)],
                 commandLine: "log=info root=/dev/vda init=/bin/sh -- -c \"busybox mount -t proc proc /proc; "
                     + "echo x > /a || echo refused-while-ro; busybox mount -o remount,rw / && echo remounted-rw; "
                     + "echo rw-now > /remounted; busybox mount -o remount,ro / && echo remounted-ro; "
                     + "echo y > /b || echo refused-again; busybox grep ext2 /proc/mounts; exit 6\"",
                 expected: ["refused-while-ro", "remounted-rw", "remounted-ro", "refused-again", "/dev/root / ext2 ro,relatime 0 0"],
                 status: 6, writtenImage: (rootImage, "/remounted", "rw-now\n")),
            // An interactive shell on a disk root reading its commands from the console (what
            // `echo ... | make run DISK=...` does). The results are computed so that the echo of
            // the typed line does not count as output.
            Case(name: "root=/dev/vda rw: commands piped to init=/bin/sh", disks: [QEMUMachine.VirtioDisk(file: rootImage)],
                 commandLine: "log=info root=/dev/vda rw init=/bin/sh",
                 expected: ["piped-42", "root-owner-0", "after-cd-/bin"], status: 5,
                 consoleInput: "echo piped-$((6*7))\nbusybox stat -c root-owner-%u /\ncd /bin; echo after-cd-$(busybox pwd)\nexit $((2+3))\n"),
            Case(name: "root=/dev/vda with no disk", commandLine: "log=info root=/dev/vda rw",
                 expected: ["VFS: Unable to mount root fs on /dev/vda"], status: 2),
            Case(name: "root= on a disk without a file system", disks: [QEMUMachine.VirtioDisk(file: blank)],
                 commandLine: "log=info root=/dev/vda", expected: ["VFS: Unable to mount root fs on /dev/vda"], status: 2),
            Case(name: "root= with a rootfstype nobody has", disks: [QEMUMachine.VirtioDisk(file: blank)],
                 commandLine: "log=info root=vda rootfstype=apus-none", expected: ["ENODEV", "VFS: Unable to mount root fs on vda"],
                 status: 2),
            Case(name: "an initramfs /init wins over root=", initrd: image, disks: [QEMUMachine.VirtioDisk(file: blank)],
                 commandLine: "log=info root=/dev/vda init=/bin/busybox -- sh -c \"echo initramfs-init-ran; exit 5\"",
                 expected: ["initramfs-init-ran"], status: 5),
            Case(name: "rdinit= naming nothing in the initramfs uses root=", initrd: image,
                 commandLine: "log=info rdinit=/apus-none root=/dev/vda", expected: ["VFS: Unable to mount root fs on /dev/vda"],
                 status: 2),
        ]
    }

    /// An ext2 image holding busybox as /bin/sh and the directories init needs.
    static func makeRootImage(at image: URL, project: Project) throws {
        try Dependencies.ensure([Dependencies.busybox])
        guard let busybox = Shell.which("busybox") else { throw ToolkitError("busybox not found") }
        let tree = project.output("root-disk-tree")
        try? FileManager.default.removeItem(at: tree)
        for directory in ["bin", "sbin", "dev", "proc", "tmp", "etc"] {
            try FileManager.default.createDirectory(at: tree.appendingPathComponent(directory), withIntermediateDirectories: true)
        }
        try FileManager.default.copyItem(atPath: busybox, toPath: tree.appendingPathComponent("bin/busybox").path)
        try FileManager.default.createSymbolicLink(atPath: tree.appendingPathComponent("bin/sh").path, withDestinationPath: "busybox")
        try Ext2Disk.make(from: tree, to: image, sizeBytes: 16 << 20)
    }

    /// The checks, unless a ktest filter leaves them out (they run for no filter, or one that
    /// "root-disk" contains).
    public static func runIfSelected(project: Project, filter: String?) throws -> TestCounts {
        if let filter, !filter.isEmpty, !"root-disk".contains(filter) { return TestCounts(passed: 0, failed: 0) }
        let kernel = try KernelBuild(project: project, variant: .kernel).build()
        return try RootDiskBootChecks(project: project).run(kernel: kernel)
    }

    public func run(kernel: URL) throws -> TestCounts {
        Shell.step("booting with root= (no initramfs program)")
        var counts = TestCounts(passed: 0, failed: 0)
        for check in try cases() {
            var machine = QEMUMachine(kernel: kernel, initrd: check.initrd, commandLine: check.commandLine)
            machine.disks = check.disks
            let (status, output) = try check.consoleInput.map { input in
                try machine.runFeeding(Data(input.utf8), timeoutSeconds: 300)
            } ?? machine.runCaptured(timeoutSeconds: 300)
            var problems: [String] = []
            for text in check.expected where !output.contains(text) { problems.append("no \"\(text)\" on the console") }
            if output.contains("cannot print value") { problems.append("an unprintable error value") }
            if let written = check.writtenImage {
                try Dependencies.ensure([Dependencies.e2fsck, Dependencies.debugfs])
                let fsck = try Shell.capture(["e2fsck", "-fn", written.image.path])
                if fsck.status != 0 { problems.append("e2fsck -fn exited \(fsck.status)") }
                let read = try Shell.capture(["debugfs", "-R", "cat \(written.path)", written.image.path])
                if !read.output.hasSuffix(written.text) { problems.append("debugfs does not read \(written.path) back") }
            }
            if status != check.status {
                problems.append(status == 124 ? "timed out" : status == 125 ? "kernel panic" : "exit status \(status), expected \(check.status)")
            }
            if problems.isEmpty {
                counts.passed += 1
                print("root-disk \(check.name) ... ok")
            } else {
                counts.failed += 1
                let tail = output.split(whereSeparator: \.isNewline).suffix(6).joined(separator: "\n    | ")
                print("root-disk \(check.name) ... FAILED: \(problems.joined(separator: "; "))\n    | \(tail)")
                counts.failures.append("root-disk \(check.name): \(problems.joined(separator: "; "))")
            }
        }
        return counts
    }
}
