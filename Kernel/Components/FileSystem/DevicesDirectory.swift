// /dev: a separate ramfs instance mounted at boot (like devtmpfs) with the device nodes the
// kernel provides: null, zero, full, random, urandom, console, tty, ttyS0, the block devices
// (vda, vda1...), plus /dev/fd and the standard stream links, /dev/shm and /dev/pts directories.

import Framework
import LinuxABI

public enum DevicesDirectory {
    public static func populate(root: DirectoryInode) {
        let table = FileSystemTable.shared
        let devices = RamFileSystem.makeInstance(deviceNumber: makeDeviceNumber(major: 0, minor: UInt32(truncatingIfNeeded: table.allocateDeviceNumber() + 1)),
                                                 permissions: 0o755)
        let mountPoint: DirectoryInode
        if let existing = root.lookup(Array("dev".utf8)) as? DirectoryInode {
            mountPoint = existing
        } else {
            guard let made = try? root.makeDirectory(permissions: 0o755, owner: 0, group: 0),
                  (try? root.insert(Array("dev".utf8), made)) != nil else {
                Log.error("dev: cannot create /dev")
                return
            }
            mountPoint = made
        }
        let nodes: [(String, UInt32, UInt32, UInt32)] = [
            ("null", 1, 3, 0o666), ("zero", 1, 5, 0o666), ("full", 1, 7, 0o666), ("random", 1, 8, 0o666),
            ("urandom", 1, 9, 0o666), ("tty", 5, 0, 0o666), ("console", 5, 1, 0o600), ("ttyS0", 4, 64, 0o620),
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
        do { try table.mount(devices, on: mountPoint, source: Array("devtmpfs".utf8), type: Array("devtmpfs".utf8),
                             options: Array("rw,nosuid".utf8), magic: .TMPFS_MAGIC) } catch { Log.error("dev: cannot mount /dev") }
        DeviceRegistry.shared.registerMemoryDevices()
    }
}
