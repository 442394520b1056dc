// "ext2" as a mount(2) type (FileSystem/FileSystemTypes.swift): the source is a block device
// (resolved and checked by the generic mount code), the instance an `Ext2Volume`, which syncs,
// reports statfs figures and shuts down as the mount table asks. A volume the library could
// only open read-only (RO_COMPAT features it lacks) is granted read-only, so the mount shows
// "ro". MS_REMOUNT switches between read-only and read-write both ways (Linux's ext2_remount):
// to read-write is EACCES on a read-only device (reconfigure_super) and EROFS while the volume
// has RO_COMPAT features this driver cannot keep correct; to read-only writes everything back
// and marks the superblock as at unmount. No ext2 mount option is taken yet: any option is
// EINVAL, as Linux answers an option it does not know.

import Block
import FileSystem
import Framework
import LinuxABI

public final class Ext2FileSystemType: FileSystemType {
    public var name: [UInt8] { Array("ext2".utf8) }
    public var source: MountSourceKind { .blockDevice }

    /// Start entry point: makes "ext2" known to mount(2) and to root=.
    public static func register() {
        FileSystemTypes.shared.register(Ext2FileSystemType())
    }

    public func makeInstance(source: MountSource, access: MountAccess, options: MountDataOptions) throws(Errno) -> MountedInstance {
        guard case .blockDevice(let device, _) = source else { throw .ENOTBLK }
        guard options.items.isEmpty else { throw .EINVAL }
        let volume = try Ext2Mount.mount(device, readOnly: access)
        return MountedInstance(root: volume.root, fileSystem: volume, grantedAccess: volume.access)
    }
}

extension Ext2Volume: MountedFileSystem {
    public var optionText: [UInt8] { [] }

    public func reconfigure(access: MountAccess, options: MountDataOptions) throws(Errno) {
        guard options.items.isEmpty else { throw .EINVAL }
        if access == .readWrite && device.isReadOnly { throw .EACCES }
        try sync()
        try changeAccess(to: access)
    }
}
