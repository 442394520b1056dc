// /proc/PID/mounts, /proc/PID/mountinfo (proc(5), Linux's show_vfsmnt and show_mountinfo) and
// /proc/filesystems, generated from the mount table as the process sees it: a mount whose root
// is not reachable from the process's root (rootfs under a disk mounted on "/", or anything
// outside a chroot) is left out, and mount points are paths from that root. Sources and paths
// escape space, tab, newline and backslash as \040 \011 \012 \134.
//   mounts:    SOURCE POINT TYPE OPTIONS 0 0
//              (ro|rw, then sync/mand, then nosuid,nodev,noexec,noatime,nodiratime,relatime,
//              then the type's own options)
//   mountinfo: ID PARENT MAJOR:MINOR ROOT POINT MOUNT-OPTIONS - TYPE SOURCE SUPER-OPTIONS
//              (no optional fields: every mount is private; ROOT is "/", there are no binds)

import FileSystem
import LinuxABI
import Process

enum MountFiles {
    static let mountFlagsOnly: MountFlags = [.ST_RDONLY, .ST_NOSUID, .ST_NODEV, .ST_NOEXEC, .ST_NOATIME, .ST_NODIRATIME, .ST_RELATIME]
    static let superblockFlagsOnly: MountFlags = [.ST_RDONLY, .ST_SYNCHRONOUS, .ST_MANDLOCK]

    static func visibleMounts(_ process: Process?) -> [(mount: Mount, path: [UInt8])] {
        guard let root = process?.fileSystem.root else { return [] }
        var visible: [(mount: Mount, path: [UInt8])] = []
        for mount in FileSystemTable.shared.mounts {
            if let path = mount.path(from: root) { visible.append((mount, path)) }
        }
        return visible
    }

    static func mounts(_ process: Process?) -> [UInt8] {
        var text: [UInt8] = []
        for (mount, path) in visibleMounts(process) {
            text += escaped(mount.source) + [32] + escaped(path) + [32] + escaped(mount.typeName) + [32]
            text += mount.flags.optionText + mount.fileSystem.optionText + Array(" 0 0\n".utf8)
        }
        return text
    }

    static func mountInformation(_ process: Process?) -> [UInt8] {
        var text: [UInt8] = []
        for (mount, path) in visibleMounts(process) {
            let device = mount.deviceNumber
            text += ProcFileSystem.decimal(UInt64(mount.id)) + [32] + ProcFileSystem.decimal(UInt64(mount.parentID)) + [32]
            text += ProcFileSystem.decimal(UInt64(DeviceNumber.major(device))) + [58] + ProcFileSystem.decimal(UInt64(DeviceNumber.minor(device)))
            text += Array(" / ".utf8) + escaped(path) + [32] + mount.flags.intersection(mountFlagsOnly).optionText
            text += Array(" - ".utf8) + escaped(mount.typeName) + [32] + escaped(mount.source) + [32]
            text += mount.flags.intersection(superblockFlagsOnly).optionText + mount.fileSystem.optionText + [10]
        }
        return text
    }

    static func escaped(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        for byte in bytes {
            switch byte {
            case 32, 9, 10, 92:
                result += [92, 48 + (byte >> 6), 48 + ((byte >> 3) & 7), 48 + (byte & 7)]
            default:
                result.append(byte)
            }
        }
        return result
    }
}
