// Remounting between read-only and read-write (mount(2) MS_REMOUNT; Linux's ext2_remount and
// ext2_setup_super). To read-only: the caller has written everything back; the superblock gets
// the state it had when it became writable (clean again if it was clean, plus "has errors" if an
// operation found corruption), as at unmount, and nothing is written afterwards. To read-write:
// refused (EROFS) while the volume has RO_COMPAT features this driver cannot keep correct;
// otherwise the state at that moment is remembered and the superblock is marked as at a
// read-write mount (not clean, mount count + 1, mount time).

import LinuxABI

extension Ext2FileSystem {
    /// RO_COMPAT features this driver does not know (a volume with any stays read-only).
    var unknownReadOnlyCompatibleFeatures: UInt32 {
        superblock.readOnlyCompatibleFeatures & ~Ext2Features.supportedReadOnlyCompatible
    }

    /// Makes the mounted volume read-only or read-write.
    public func remount(access requested: Access) throws(Errno) {
        guard isMounted else { throw .EIO }
        guard requested != access else { return }
        switch requested {
        case .readOnly:
            superblock.state = stateAtMount | (superblock.state & Superblock.stateErrors)
            try writeSuperblock()
            access = .readOnly
        case .readWrite:
            guard unknownReadOnlyCompatibleFeatures == 0 else { throw .EROFS }
            let previous = superblock
            stateAtMount = superblock.state
            superblock.state &= ~Superblock.stateValid
            superblock.mountCount &+= 1
            superblock.mountTime = clock.now().superblockSeconds
            do throws(Errno) {
                try writeSuperblock()
            } catch {
                superblock = previous
                throw error
            }
            access = .readWrite
        }
    }
}
