// Who uses a mounted file system, for umount2(2)'s and a read-only remount's EBUSY: a process
// whose root, working directory or executable is on it, that has a descriptor open on one of its
// files, or that maps one of them. Files open for writing and shared writable mappings make it
// `.writing` (a read-only remount then fails, as Linux's sb_prepare_remount_readonly).
// Descriptors in flight in an unreceived SCM_RIGHTS message are not seen.

import FileSystem
import Framework
import LinuxABI
import Memory

extension ProcessTable {
    /// How live processes use the file system whose inodes have st_dev `device`.
    public func use(ofDevice device: UInt64) -> MountUse {
        var isUsed = false
        for process in allProcesses where !process.isZombie {
            let context = process.fileSystem
            if context.root.deviceNumber == device || context.workingDirectory.deviceNumber == device
                || process.executable?.deviceNumber == device {
                isUsed = true
            }
            for descriptor in process.files.openDescriptors {
                guard let file = try? process.files.file(descriptor), let inode = file.inode, inode.deviceNumber == device else { continue }
                if file.accessMode?.isWritable == true && inode.kind == .regular { return .writing }
                isUsed = true
            }
            let space = process.addressSpace
            for index in 0..<space.regionCount {
                let region = space.regionSummary(at: index)
                guard let origin = region.origin, origin.file.device == device else { continue }
                if region.isShared && region.permissions.contains(.write) { return .writing }
                isUsed = true
            }
        }
        return isUsed ? .used : .unused
    }
}
