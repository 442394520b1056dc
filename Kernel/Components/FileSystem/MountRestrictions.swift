// What a mount's flags forbid, checked where Linux checks them: ST_RDONLY makes every change
// through the mount EROFS (mnt_want_write: creating, removing and renaming names, opening for
// writing or truncating, chmod/chown/utimes, truncate(2); checked before the permission checks,
// after EEXIST), ST_NODEV makes opening a device node EACCES (may_open_dev), ST_NOEXEC makes
// execve EACCES and a PROT_EXEC file mapping EPERM (path_noexec), ST_NOSUID makes execve ignore
// the set-user-ID and set-group-ID bits (mnt_may_suid). Inodes that belong to no mount (pipes,
// sockets, anonymous files) have no restrictions.

import LinuxABI

public enum MountRestrictions {
    /// The flags of the mount holding `inode`.
    public static func flags(of inode: Inode) -> MountFlags {
        FileSystemTable.shared.mount(containing: inode)?.flags ?? []
    }

    /// EROFS if `inode`'s mount is read-only.
    public static func requireWritable(_ inode: Inode) throws(Errno) {
        if flags(of: inode).contains(.ST_RDONLY) { throw .EROFS }
    }

    /// EROFS for a write to a regular file, directory or symbolic link on a read-only mount (device
    /// nodes, FIFOs and sockets can be written there: the write does not reach the file system).
    public static func requireWritableContents(_ inode: Inode) throws(Errno) {
        switch inode.kind {
        case .regular, .directory, .symlink: try requireWritable(inode)
        case .characterDevice, .blockDevice, .fifo, .socket, .anonymous: break
        }
    }

    /// EACCES if `inode` is a device node on a nodev mount.
    public static func requireDevicesAllowed(_ inode: Inode) throws(Errno) {
        if flags(of: inode).contains(.ST_NODEV) { throw .EACCES }
    }

    /// Whether programs on `inode`'s mount may be executed or mapped executable.
    public static func permitsExecution(_ inode: Inode) -> Bool {
        !flags(of: inode).contains(.ST_NOEXEC)
    }

    /// Whether execve honours `inode`'s set-user-ID and set-group-ID bits.
    public static func honoursSetID(_ inode: Inode) -> Bool {
        !flags(of: inode).contains(.ST_NOSUID)
    }
}
