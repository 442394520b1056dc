// Programs that need a disk, run on Linux: the host's /dev/vda (if it has one) is the machine's
// own disk, so these programs run instead on Debian's Linux (the kernel `apus bench` compares
// against, LinuxKernelImage.swift) in the same QEMU configuration as Apus, with the same kind of
// disk attached as a modern virtio-blk function: the `disk` level's fresh pattern disk, the
// `ext2` level's fresh ext2 image, the disk rows of the bench. Debian builds virtio and ext4
// (which also mounts ext2) as modules: those needed are taken from the same image package
// (apt-get download, dpkg-deb; nothing is installed into the host) and loaded by a busybox init
// script before the programs run. `no_timer_check`: on a host busy enough, Linux's boot-time
// check of the IO-APIC timer fails under TCG and it panics ("IO-APIC + timer doesn't work").

import Foundation

public struct LinuxDiskGuest {
    let project: Project

    /// A module: its name and its path under lib/modules/RELEASE/kernel.
    struct Module {
        let name: String
        let path: String
    }

    /// Which modules a guest loads, in load order (each after those its `depends=` names).
    enum ModuleSet {
        /// virtio-pci and virtio-blk.
        case virtioBlock
        /// Those, and ext4 with what it needs (it mounts ext2 volumes: CONFIG_EXT4_USE_FOR_EXT2).
        case virtioBlockAndExt2
        /// virtio-pci and virtio-net (the httpd benchmark rows).
        case virtioNet

        var modules: [Module] {
            let transport = [
                Module(name: "virtio_ring", path: "drivers/virtio/virtio_ring.ko"),
                Module(name: "virtio", path: "drivers/virtio/virtio.ko"),
                Module(name: "virtio_pci_modern_dev", path: "drivers/virtio/virtio_pci_modern_dev.ko"),
                Module(name: "virtio_pci_legacy_dev", path: "drivers/virtio/virtio_pci_legacy_dev.ko"),
                Module(name: "virtio_pci", path: "drivers/virtio/virtio_pci.ko"),
            ]
            let virtio = transport + [Module(name: "virtio_blk", path: "drivers/block/virtio_blk.ko")]
            let ext2 = [
                Module(name: "crc16", path: "lib/crc16.ko"),
                Module(name: "mbcache", path: "fs/mbcache.ko"),
                Module(name: "jbd2", path: "fs/jbd2/jbd2.ko"),
                Module(name: "crc32c_generic", path: "crypto/crc32c_generic.ko"),
                Module(name: "ext4", path: "fs/ext4/ext4.ko"),
            ]
            let net = [
                Module(name: "failover", path: "net/core/failover.ko"),
                Module(name: "net_failover", path: "drivers/net/net_failover.ko"),
                Module(name: "virtio_net", path: "drivers/net/virtio_net.ko"),
            ]
            switch self {
            case .virtioBlock: return virtio
            case .virtioBlockAndExt2: return virtio + ext2
            case .virtioNet: return transport + net
            }
        }
    }

    static let exitMarker = "apus-linux-guest-exit "
    static let beginMarker = "apus-linux-guest-begin "
    /// Every module some set loads, each once (what `prepare` fetches).
    static var allModules: [Module] {
        let disk = ModuleSet.virtioBlockAndExt2.modules
        return disk + ModuleSet.virtioNet.modules.filter { module in !disk.contains { $0.name == module.name } }
    }

    public init(project: Project) { self.project = project }

    /// The kernel image and its modules, fetched once and cached beside the image.
    func prepare() throws -> (kernel: LinuxKernelImage, folder: URL) {
        let kernel = try LinuxKernelImage.fetch(project: project)
        let folder = LinuxKernelImage.folder(project).appendingPathComponent("modules-\(kernel.release)")
        let files = Self.allModules.map { folder.appendingPathComponent("\($0.name).ko") }
        if files.allSatisfy({ FileManager.default.fileExists(atPath: $0.path) }) { return (kernel, folder) }
        Shell.step("fetching the virtio, virtio-net and ext4 modules of Debian's linux-image-\(kernel.release) (apt-get download; nothing is installed)")
        let download = FileManager.default.temporaryDirectory.appendingPathComponent("apus-linux-modules-\(getpid())")
        try FileManager.default.createDirectory(at: download, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: download) }
        let package = "linux-image-\(kernel.release)"
        try LinuxKernelImage.download(package, into: download)
        let debs = try FileManager.default.contentsOfDirectory(atPath: download.path).filter { $0.hasSuffix(".deb") }
        guard let deb = debs.first else { throw ToolkitError("apt-get download \(package) left no .deb") }
        let members = Self.allModules.map { "./lib/modules/\(kernel.release)/kernel/\($0.path)" }
        // The members to take, one per line, for tar's -T (the package holds every module).
        let memberList = download.appendingPathComponent("members.txt")
        try Data((members.joined(separator: "\n") + "\n").utf8).write(to: memberList)
        try Shell.check(["sh", "-c", "dpkg-deb --fsys-tarfile \"$1\" | tar -x -C \"$2\" -T \"$3\"",
                         "extract", download.appendingPathComponent(deb).path, download.path, memberList.path])
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let tree = download.appendingPathComponent("lib/modules/\(kernel.release)/kernel")
        for module in Self.allModules {
            let target = folder.appendingPathComponent("\(module.name).ko")
            try? FileManager.default.removeItem(at: target)
            try FileManager.default.copyItem(at: tree.appendingPathComponent(module.path), to: target)
        }
        return (kernel, folder)
    }

    /// An initramfs with busybox, the modules and `programs` (at /programs/NAME), whose init
    /// loads the modules, waits for /dev/vda (when given disks), runs `body` and powers off.
    func machine(programs: [(name: String, file: URL)], modules: ModuleSet, body: String, disks: [URL],
                 image: String, memoryMiB: Int = 256) throws -> QEMUMachine {
        let (kernel, folder) = try prepare()
        var builder = InitramfsBuilder()
        try builder.addBusybox()
        for path in ["dev", "proc", "mod", "programs"] { try builder.directory(path) }
        try builder.directory("tmp", permissions: 0o1777)
        for module in modules.modules {
            try builder.file("mod/\(module.name).ko", copying: folder.appendingPathComponent("\(module.name).ko"), permissions: 0o644)
        }
        for (name, file) in programs { try builder.file("programs/\(name)", copying: file) }
        let names = modules.modules.map(\.name).joined(separator: " ")
        let diskWait = disks.isEmpty ? ""
            : "tries=0; while [ ! -b /dev/vda ] && [ $tries -lt 50 ]; do /bin/busybox sleep 0.1; tries=$((tries + 1)); done"
        let script = """
            #!/bin/busybox sh
            /bin/busybox mount -t devtmpfs dev /dev
            /bin/busybox mount -t proc proc /proc
            for module in \(names); do /bin/busybox insmod /mod/$module.ko || echo "insmod $module failed"; done
            \(diskWait)
            cd /tmp
            \(body)
            /bin/busybox poweroff -f
            """
        try builder.file("init", contents: Array(script.utf8), permissions: 0o755)
        let initrd = project.output(image)
        try builder.write(to: initrd)
        var machine = QEMUMachine(kernel: kernel.image, initrd: initrd, commandLine: "console=ttyS0 quiet no_timer_check rdinit=/init")
        machine.memoryMiB = memoryMiB
        machine.disks = disks.map { QEMUMachine.VirtioDisk(file: $0) }
        return machine
    }

    /// Boots Linux with `program` and a fresh pattern disk; returns the program's exit status and the console.
    func run(program: URL, disk: URL) throws -> (status: Int32, output: String) {
        try PatternDisk.write(to: disk, bytes: 4 << 20)
        let results = try runBatch(programs: [("program", program)], disk: disk, modules: .virtioBlock, timeoutSeconds: 180)
        return results.first.map { ($0.status, $0.output) } ?? (1, "")
    }

    /// Boots Linux once and runs `programs` one after the other with `disk` as /dev/vda; returns
    /// each one's exit status and console output (a program the guest never finished gets the
    /// machine's status, or 1, and the console's tail).
    func runBatch(programs: [(name: String, file: URL)], disk: URL, modules: ModuleSet, timeoutSeconds: Double)
        throws -> [(name: String, status: Int32, output: String)]
    {
        let body = programs.indices.map { index in
            "echo \"\(Self.beginMarker)\(index)\"; /programs/p\(index); echo \"\(Self.exitMarker)\(index) $?\""
        }.joined(separator: "\n")
        let renamed = programs.enumerated().map { ("p\($0.offset)", $0.element.file) }
        let machine = try machine(programs: renamed, modules: modules, body: body, disks: [disk], image: "linux-disk-test.cpio")
        let (status, output) = try machine.runCaptured(timeoutSeconds: timeoutSeconds)
        var sections: [Int: [Substring]] = [:]
        var statuses: [Int: Int32] = [:]
        var current: Int?
        for line in output.split(whereSeparator: \.isNewline) {
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.hasPrefix(Self.beginMarker), let index = Int(text.dropFirst(Self.beginMarker.count)) {
                current = index
                continue
            }
            if text.hasPrefix(Self.exitMarker) {
                let fields = text.dropFirst(Self.exitMarker.count).split(separator: " ")
                if fields.count == 2, let index = Int(fields[0]), let code = Int32(fields[1]) { statuses[index] = code }
                current = nil
                continue
            }
            if let current { sections[current, default: []].append(line) }
        }
        let tail = output.split(whereSeparator: \.isNewline).suffix(20).joined(separator: "\n")
        return programs.enumerated().map { index, program in
            let text = sections[index].map { $0.joined(separator: "\n") } ?? ""
            if let code = statuses[index] { return (program.name, code, text) }
            return (program.name, status == 0 ? 1 : status, text.isEmpty ? tail : text)
        }
    }
}
