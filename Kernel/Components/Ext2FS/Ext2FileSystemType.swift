// "ext2" as a mount(2) type (FileSystem/FileSystemTypes.swift): the source is a block device
// (resolved and checked by the generic mount code), the instance an `Ext2Volume`, which syncs,
// reports statfs figures and shuts down as the mount table asks. A volume the library could
// only open read-only (RO_COMPAT features it lacks) is granted read-only, so the mount shows
// "ro". MS_REMOUNT switches between read-only and read-write both ways (Linux's ext2_remount):
// to read-write is EACCES on a read-only device (reconfigure_super) and EROFS while the volume
// has RO_COMPAT features this driver cannot keep correct; to read-only writes everything back
// and marks the superblock as at unmount. Mount options (mount and MS_REMOUNT) are those of the
// library's Ext2MountOptions: errors=continue|remount-ro|panic (panic logged and taken as
// remount-ro: nothing on a disk panics Apus) and the (no)user_xattr/(no)acl no-ops; any other
// is EINVAL, as Linux answers an option it does not know.

import Block
import Ext2
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
        let parsed = try Ext2MountOptions.parse(options)
        let volume = try Ext2Mount.mount(device, readOnly: access, options: parsed)
        return MountedInstance(root: volume.root, fileSystem: volume, grantedAccess: volume.access)
    }
}

extension Ext2Volume: MountedFileSystem {
    /// errors= as given (Linux's ext2 shows the behaviour it was told).
    public var optionText: [UInt8] {
        switch fileSystem.errorBehaviourOverride {
        case nil: []
        case .continueOperation?: Array("errors=continue".utf8)
        case .remountReadOnly?: Array("errors=remount-ro".utf8)
        case .panic?: Array("errors=panic".utf8)
        }
    }

    public func reconfigure(access: MountAccess, options: MountDataOptions) throws(Errno) {
        let parsed = try Ext2MountOptions.parse(options)
        if access == .readWrite && device.isReadOnly { throw .EACCES }
        try sync()
        try changeAccess(to: access)
        try apply(parsed)
    }

    /// Takes a mount's options (the lock is not held).
    func apply(_ options: Ext2MountOptions) throws(Errno) {
        guard let behaviour = options.errorBehaviour else { return }
        if behaviour == .panic {
            Log.warn("\(device.name): ext2: errors=panic: a corruption makes the volume read-only instead (Apus does not panic on disk contents)")
        }
        try lock.locked { () throws(Errno) in fileSystem.errorBehaviourOverride = behaviour }
    }
}
