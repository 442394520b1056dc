// Regression programs of the `disk` level on Linux: the host's /dev/vda (if it has one) is the
// machine's own disk, so these programs run instead on Debian's Linux (the kernel `apus bench`
// compares against, LinuxKernelImage.swift) in the same QEMU configuration as Apus, with the same
// fresh pattern disk attached as a modern virtio-blk function. Debian builds virtio as modules:
// the six this needs are taken from the same image package (apt-get download, dpkg-deb; nothing
// is installed into the host) and loaded by a busybox init script before the program runs.

import Foundation

public struct LinuxDiskGuest {
    let project: Project
    /// Load order: each module after those it depends on (their `depends=` fields).
    static let modules = ["virtio_ring", "virtio", "virtio_pci_modern_dev", "virtio_pci_legacy_dev", "virtio_pci", "virtio_blk"]
    static let exitMarker = "apus-linux-guest-exit "

    public init(project: Project) { self.project = project }

    /// The kernel image and its virtio modules, fetched once and cached beside the image.
    func prepare() throws -> (kernel: LinuxKernelImage, modules: [URL]) {
        let kernel = try LinuxKernelImage.fetch(project: project)
        let folder = LinuxKernelImage.folder(project).appendingPathComponent("virtio-modules-\(kernel.release)")
        let files = Self.modules.map { folder.appendingPathComponent("\($0).ko") }
        if files.allSatisfy({ FileManager.default.fileExists(atPath: $0.path) }) { return (kernel, files) }
        Shell.step("fetching the virtio modules of Debian's linux-image-\(kernel.release) (apt-get download; nothing is installed)")
        let download = FileManager.default.temporaryDirectory.appendingPathComponent("apus-linux-modules-\(getpid())")
        try FileManager.default.createDirectory(at: download, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: download) }
        let package = "linux-image-\(kernel.release)"
        try LinuxKernelImage.download(package, into: download)
        let debs = try FileManager.default.contentsOfDirectory(atPath: download.path).filter { $0.hasSuffix(".deb") }
        guard let deb = debs.first else { throw ToolkitError("apt-get download \(package) left no .deb") }
        try Shell.check(["sh", "-c", "dpkg-deb --fsys-tarfile \"$1\" | tar -x -C \"$2\" --wildcards './lib/modules/*/kernel/drivers/virtio/*.ko' './lib/modules/*/kernel/drivers/block/virtio_blk.ko'",
                         "extract", download.appendingPathComponent(deb).path, download.path])
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let tree = download.appendingPathComponent("lib/modules/\(kernel.release)/kernel/drivers")
        for name in Self.modules {
            let source = tree.appendingPathComponent(name == "virtio_blk" ? "block/\(name).ko" : "virtio/\(name).ko")
            let target = folder.appendingPathComponent("\(name).ko")
            try? FileManager.default.removeItem(at: target)
            try FileManager.default.copyItem(at: source, to: target)
        }
        return (kernel, files)
    }

    /// Boots Linux with `program` and a fresh pattern disk; returns the program's exit status and the console.
    func run(program: URL, disk: URL) throws -> (status: Int32, output: String) {
        let (kernel, modules) = try prepare()
        var builder = InitramfsBuilder()
        try builder.addBusybox()
        for path in ["dev", "proc", "mod"] { try builder.directory(path) }
        try builder.directory("tmp", permissions: 0o1777)
        for (name, file) in zip(Self.modules, modules) { try builder.file("mod/\(name).ko", copying: file, permissions: 0o644) }
        try builder.file("program", copying: program)
        let script = """
            #!/bin/busybox sh
            /bin/busybox mount -t devtmpfs dev /dev
            /bin/busybox mount -t proc proc /proc
            for module in \(Self.modules.joined(separator: " ")); do /bin/busybox insmod /mod/$module.ko || echo "insmod $module failed"; done
            tries=0
            while [ ! -b /dev/vda ] && [ $tries -lt 50 ]; do /bin/busybox sleep 0.1; tries=$((tries + 1)); done
            cd /tmp
            /program
            echo "\(Self.exitMarker)$?"
            /bin/busybox poweroff -f
            """
        try builder.file("init", contents: Array(script.utf8), permissions: 0o755)
        let image = project.output("linux-disk-test.cpio")
        try builder.write(to: image)
        try PatternDisk.write(to: disk, bytes: 4 << 20)
        var machine = QEMUMachine(kernel: kernel.image, initrd: image, commandLine: "console=ttyS0 quiet rdinit=/init")
        machine.disks = [QEMUMachine.VirtioDisk(file: disk)]
        let (status, output) = try machine.runCaptured(timeoutSeconds: 180)
        let marker = output.split(whereSeparator: \.isNewline).last { $0.hasPrefix(Self.exitMarker) }
        guard let marker, let programStatus = Int32(marker.dropFirst(Self.exitMarker.count).trimmingCharacters(in: .whitespaces)) else {
            return (status == 0 ? 1 : status, output)
        }
        return (programStatus, output)
    }
}
