// /dev: a separate ramfs instance mounted at boot (like devtmpfs) with the device nodes the
// kernel provides: null, zero, full, random, urandom, console, tty, ttyS0, kmsg, the block devices
// (vda, vda1...), plus /dev/fd and the standard stream links, /dev/shm and /dev/pts directories.

import Framework
import LinuxABI

/// Whether mounting /dev makes the directory when the root has none.
public enum MissingMountPoint {
    case create
    case skip
}

public enum DevicesDirectory {
    /// Mounts a new devtmpfs instance on /dev of `root` (rootfs at boot; the root device's root
    /// as Linux's devtmpfs_mount does after mounting it).
    public static func populate(root: DirectoryInode, missing: MissingMountPoint = .create) {
        guard let mountPoint = BootMounts.directory(named: "dev", in: root, missing: missing) else { return }
        let (fileSystem, devices) = makeInstance()
        do {
            try FileSystemTable.shared.attach(fileSystem, root: devices, on: mountPoint, source: Array("devtmpfs".utf8),
                                              typeName: Array("devtmpfs".utf8), flags: [.ST_NOSUID, .ST_RELATIME])
        } catch {
            Log.error("dev: cannot mount /dev")
        }
        DeviceRegistry.shared.registerMemoryDevices()
    }

    static func makeInstance() -> (RamFileSystem, DirectoryInode) {
        let fileSystem = RamFileSystem(deviceNumber: FileSystemTable.shared.allocateDeviceNumber(), flavour: .tmpfs)
        let devices = fileSystem.makeRoot()
        let nodes: [(String, UInt32, UInt32, UInt32)] = [
            ("null", 1, 3, 0o666), ("zero", 1, 5, 0o666), ("full", 1, 7, 0o666), ("random", 1, 8, 0o666),
            ("urandom", 1, 9, 0o666), ("tty", 5, 0, 0o666), ("console", 5, 1, 0o600), ("ttyS0", 4, 64, 0o620),
            ("kmsg", 1, 11, 0o644),
        ]
        for (name, major, minor, permissions) in nodes {
            if let node = try? devices.makeDevice(kind: .characterDevice, device: makeDeviceNumber(major: major, minor: minor),
                                                  permissions: permissions, owner: 0, group: 0) {
                try? devices.insert(Array(name.utf8), node)
            }
        }
        BlockDeviceNodes.populate(devices)
        for (name, target) in [("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
                               ("stderr", "/proc/self/fd/2")] {
            if let link = try? devices.makeSymlink(target: Array(target.utf8), owner: 0, group: 0) {
                try? devices.insert(Array(name.utf8), link)
            }
        }
        for name in ["shm", "pts"] {
            if let directory = try? devices.makeDirectory(permissions: name == "shm" ? 0o1777 : 0o755, owner: 0, group: 0) {
                try? devices.insert(Array(name.utf8), directory)
            }
        }
        return (fileSystem, devices)
    }
}

/// The mount points the kernel itself uses at boot.
public enum BootMounts {
    /// The directory `name` in `root`, made (0755 root:root) if missing and `missing` says so.
    public static func directory(named name: String, in root: DirectoryInode, missing: MissingMountPoint) -> DirectoryInode? {
        let bytes = Array(name.utf8)
        if let existing = root.lookup(bytes) as? DirectoryInode {
            var top = existing
            while let above = top.mounted { top = above }
            return top
        }
        guard missing == .create else { return nil }
        guard let made = try? root.makeDirectory(permissions: 0o755, owner: 0, group: 0), (try? root.insert(bytes, made)) != nil else {
            Log.error("\(name): cannot create /\(name)")
            return nil
        }
        return made
    }
}
