// Whether a mount may be written (mount(2)'s MS_RDONLY), as a file system is asked to mount and
// as it was granted (MountTable.swift, FileSystemTypes.swift, Ext2FS).

/// Whether a mount (or an instance) may be written.
public enum MountAccess: Sendable, Equatable {
    case readWrite
    case readOnly
}
