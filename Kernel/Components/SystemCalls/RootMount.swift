// Root on disk, as Linux's prepare_namespace: when no initramfs program runs (there is no
// initramfs, or `rdinit=` — default /init — names nothing in it) and the command line says
// `root=`, the kernel mounts that block device over rootfs and makes it "/" before init:
//   root=/dev/vda | vda | MAJOR:MINOR   the device (a whole disk or a partition)
//   rootfstype=ext2[,...]               the types to try (default: every type that takes a
//                                       device, in registration order, as Linux tries them)
//   ro | rw                             read-only (Linux's default) or writable; the last wins
//   rootflags=...                       the type's options
// A devtmpfs is then mounted on the new root's /dev if it has one (Linux's devtmpfs.mount);
// /proc is left to init, as on Linux. A failure is one line naming the device and the error,
// and the boot stops cleanly (Linux: "VFS: Unable to mount root fs on ...").

import FileSystem
import Framework
import KernelCommandLine
import LinuxABI

enum RootMount {
    /// Whether the command line asks for a root device and the initramfs has no program to run.
    static func isRequested(by commandLine: KernelCommandLine, rootfs: DirectoryInode) -> Bool {
        guard commandLine.value(of: "root") != nil else { return false }
        let initramfsProgram = Array((commandLine.value(of: "rdinit") ?? "/init").utf8)
        let context = PathContext(root: rootfs, workingDirectory: rootfs, identity: .superuser)
        let found = try? PathResolver.resolve(initramfsProgram, from: rootfs, context: context, finalLink: .follow)
        return found?.kind != .regular
    }

    /// Mounts `root=` as "/". False (after the error lines) if it cannot.
    static func mount(from commandLine: KernelCommandLine) -> Bool {
        let name = commandLine.value(of: "root") ?? ""
        var flags: MountFlags = [.ST_RELATIME]
        if lastAccessWord(commandLine) != "rw" { flags.insert(.ST_RDONLY) }
        let options = MountDataOptions(Array((commandLine.value(of: "rootflags") ?? "").utf8))
        let requestedTypes = commandLine.value(of: "rootfstype").map { $0.split(separator: ",").map { Array($0.utf8) } }
        do throws(Errno) {
            let (device, type) = try FileSystemTable.shared.mountRoot(deviceName: name, typeNames: requestedTypes, flags: flags,
                                                                      options: options)
            Log.info("VFS: Mounted root (\(String(decoding: type, as: UTF8.self)) filesystem)\(flags.contains(.ST_RDONLY) ? " readonly" : "") on device \(device)")
        } catch {
            Log.error("VFS: Cannot mount root device \"\(name)\" (\(commandLine.value(of: "rootfstype") ?? "any type")): \(error.name)")
            Log.error("VFS: Unable to mount root fs on \(name)")
            return false
        }
        DevicesDirectory.populate(root: FileSystemTable.shared.root, missing: .skip)
        return true
    }

    /// ro and rw may both be given: the later word wins, as Linux's parser sets the flag each time.
    static func lastAccessWord(_ commandLine: KernelCommandLine) -> String? {
        commandLine.parameters.last { ($0.name == "ro" || $0.name == "rw") && $0.value == nil }?.name
    }
}
