// MS_REMOUNT of a mounted ext2 volume between read-only and read-write (the library's
// Ext2FileSystem.remount does the superblock; Ext2FileSystemType.swift decodes the request).
// Going read-only first writes everything back and frees what unlink left; an unlinked inode
// still in use (a file open after its last name went, or a removed directory, which this volume
// keeps until unmount because it may be a process's cwd) makes it EBUSY, as Linux refuses
// while inodes wait to be freed (sb_prepare_remount_readonly).

import Block
import Ext2
import FileSystem
import LinuxABI

extension Ext2Volume {
    func changeAccess(to requested: MountAccess) throws(Errno) {
        try lock.locked { () throws(Errno) in
            guard !isUnmounted else { throw .EIO }
            let target: Ext2FileSystem.Access = requested == .readOnly ? .readOnly : .readWrite
            guard target != fileSystem.access else { return }
            if target == .readOnly {
                try writeBackAll()
                if inodes.values.contains(where: { $0.linkCount == 0 }) { throw .EBUSY }
            }
            try checked { () throws(Errno) in try fileSystem.remount(access: target) }
            try cache.writeBack()
            try device.flush()
        }
    }
}
