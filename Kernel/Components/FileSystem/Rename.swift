// rename(2)/renameat2(2): moving a name, replacing or exchanging, with Linux's checks (no
// directory into its own subtree, directory/non-directory mismatches, non-empty targets, mount
// points, cross-device moves, sticky directories).

import LinuxABI

public enum RenameMode: Sendable {
    case replace
    case noReplace
    case exchange
}

extension Namespace {
    public static func rename(_ oldPath: [UInt8], from oldStart: DirectoryInode, to newPath: [UInt8], from newStart: DirectoryInode,
                              mode: RenameMode, context: PathContext) throws(Errno) {
        let source = try PathResolver.resolveParent(oldPath, from: oldStart, context: context)
        let target = try PathResolver.resolveParent(newPath, from: newStart, context: context)
        if source.name.isEmpty || source.isDotOrDotDot || target.name.isEmpty || target.isDotOrDotDot { throw .EBUSY }
        // As Linux: another mount is EXDEV, then a read-only one EROFS, before the names are looked up.
        guard source.parent.deviceNumber == target.parent.deviceNumber else { throw .EXDEV }
        try MountRestrictions.requireWritable(source.parent)
        guard let moving = source.parent.cachedLookup(source.name) else { throw .ENOENT }
        let replaced = target.parent.cachedLookup(target.name)
        if (source.hasTrailingSlash || target.hasTrailingSlash) && !moving.isDirectory { throw .ENOTDIR }
        guard Permissions.permits(source.parent, [.write, .execute], for: context.identity),
              Permissions.permits(target.parent, [.write, .execute], for: context.identity) else { throw .EACCES }
        guard Permissions.mayDelete(moving, from: source.parent, for: context.identity) else { throw .EPERM }
        if let replaced, !Permissions.mayDelete(replaced, from: target.parent, for: context.identity) { throw .EPERM }
        if let directory = moving as? DirectoryInode {
            if directory.mounted != nil || directory === context.root { throw .EBUSY }
            if directory.isAncestor(of: target.parent) { throw .EINVAL }
            if source.parent !== target.parent && !Permissions.permits(directory, .write, for: context.identity) { throw .EACCES }
        }
        defer {
            source.parent.forgetCachedLookup(source.name)
            target.parent.forgetCachedLookup(target.name)
        }
        switch mode {
        case .exchange:
            guard let replaced else { throw .ENOENT }
            if let other = replaced as? DirectoryInode, other.isAncestor(of: source.parent) { throw .EINVAL }
            if moving === replaced { return }
            try source.parent.exchange(source.name, moving, with: target.parent, target.name, replaced)
            return
        case .noReplace:
            if replaced != nil { throw .EEXIST }
        case .replace:
            break
        }
        if let replaced {
            if replaced === moving { return }
            if moving.isDirectory {
                guard let replacedDirectory = replaced as? DirectoryInode else { throw .ENOTDIR }
                guard replacedDirectory.isEmpty else { throw .ENOTEMPTY }
                if replacedDirectory.mounted != nil { throw .EBUSY }
            } else if replaced.isDirectory {
                throw .EISDIR
            }
        }
        try source.parent.rename(source.name, moving, to: target.parent, as: target.name, replacing: replaced)
    }
}
