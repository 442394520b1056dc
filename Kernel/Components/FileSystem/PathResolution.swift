// Path resolution (path_resolution(7)). Walks components from the root or a starting directory,
// following symbolic links (at most 40 in one resolution, then ELOOP), treating "." and ".."
// (which never climbs above the process's root), crossing mount points, and checking search
// permission on every directory walked. Names longer than 255 bytes give ENAMETOOLONG; paths
// are limited to 4095 bytes by the system-call layer when it copies them in.

import LinuxABI

public struct PathContext {
    public var root: DirectoryInode
    public var workingDirectory: DirectoryInode
    public var identity: AccessIdentity

    public init(root: DirectoryInode, workingDirectory: DirectoryInode, identity: AccessIdentity) {
        self.root = root
        self.workingDirectory = workingDirectory
        self.identity = identity
    }
}

public enum FinalLink: Sendable {
    case follow
    case noFollow
}

/// The directory that will hold a name, and the name (possibly absent from it).
public struct ParentAndName {
    public let parent: DirectoryInode
    public let name: [UInt8]
    /// The path ended with "/" (the final component must then be a directory).
    public let hasTrailingSlash: Bool
    public var existing: Inode? { name.isEmpty ? parent : parent.lookup(name) }
    public var isDotOrDotDot: Bool { name == [46] || name == [46, 46] }
}

public enum PathResolver {
    public static let maximumNameLength = 255
    public static let maximumSymlinkFollows = 40

    /// The names in `path`, empty ones (from "//" and a leading or trailing "/") left out. One
    /// pass to count them and one to copy, so the result is allocated once at its final size
    /// (split + map grew an array of slices and then copied it: about 2000 instructions of a
    /// 7800-instruction stat).
    static func components(_ path: [UInt8]) -> [[UInt8]] {
        var count = 0
        var previous: UInt8 = 47
        for byte in path {
            if byte != 47 && previous == 47 { count += 1 }
            previous = byte
        }
        var parts: [[UInt8]] = []
        parts.reserveCapacity(count)
        var start = 0
        while start < path.count {
            if path[start] == 47 { start += 1; continue }
            var end = start + 1
            while end < path.count && path[end] != 47 { end += 1 }
            parts.append(Array(path[start..<end]))
            start = end
        }
        return parts
    }

    /// Resolves `path` to an existing inode.
    public static func resolve(_ path: [UInt8], from start: DirectoryInode, context: PathContext,
                               finalLink: FinalLink) throws(Errno) -> Inode {
        var follows = 0
        return try walk(path, from: start, context: context, finalLink: finalLink, follows: &follows)
    }

    /// Resolves all but the last component of `path` (for creating, removing, renaming).
    public static func resolveParent(_ path: [UInt8], from start: DirectoryInode, context: PathContext) throws(Errno) -> ParentAndName {
        guard !path.isEmpty else { throw .ENOENT }
        var parts = components(path)
        let trailingSlash = path.last == 47
        let origin = path.first == 47 ? context.root : start
        guard let last = parts.popLast() else {
            return ParentAndName(parent: context.root, name: [], hasTrailingSlash: trailingSlash)
        }
        guard last.count <= maximumNameLength else { throw .ENAMETOOLONG }
        var follows = 0
        let parentInode = try walkComponents(parts, from: origin, context: context, finalLink: .follow, follows: &follows)
        guard let parent = parentInode as? DirectoryInode else { throw .ENOTDIR }
        guard Permissions.permits(parent, .execute, for: context.identity) else { throw .EACCES }
        return ParentAndName(parent: parent, name: last, hasTrailingSlash: trailingSlash)
    }

    static func walk(_ path: [UInt8], from start: DirectoryInode, context: PathContext, finalLink: FinalLink,
                     follows: inout Int) throws(Errno) -> Inode {
        guard !path.isEmpty else { throw .ENOENT }
        let origin = path.first == 47 ? context.root : start
        let trailingSlash = path.last == 47
        let inode = try walkComponents(components(path), from: origin, context: context,
                                       finalLink: trailingSlash ? .follow : finalLink, follows: &follows)
        if trailingSlash && !inode.isDirectory && inode.kind != .symlink { throw .ENOTDIR }
        return inode
    }

    static func walkComponents(_ parts: [[UInt8]], from origin: DirectoryInode, context: PathContext, finalLink: FinalLink,
                               follows: inout Int) throws(Errno) -> Inode {
        var current: Inode = origin
        var index = 0
        while index < parts.count {
            let name = parts[index]
            let isLast = index == parts.count - 1
            guard let directory = current as? DirectoryInode else { throw .ENOTDIR }
            guard Permissions.permits(directory, .execute, for: context.identity) else { throw .EACCES }
            guard name.count <= maximumNameLength else { throw .ENAMETOOLONG }
            var next: Inode
            if name == [46] {
                next = directory
            } else if name == [46, 46] {
                next = directory === context.root ? directory : directory.dotDot
            } else {
                guard let child = directory.lookup(name) else { throw .ENOENT }
                next = child
            }
            while let mountedDirectory = next as? DirectoryInode, let mountedRoot = mountedDirectory.mounted {
                next = mountedRoot
            }
            if let link = next as? SymlinkInode, !isLast || finalLink == .follow {
                follows += 1
                guard follows <= maximumSymlinkFollows else { throw .ELOOP }
                if let jumped = link.jumpTarget {
                    next = jumped
                } else {
                    let target = link.target
                    guard !target.isEmpty else { throw .ENOENT }
                    let base = target.first == 47 ? context.root : directory
                    next = try walkComponents(components(target), from: base, context: context, finalLink: .follow, follows: &follows)
                    if target.last == 47 && !next.isDirectory { throw .ENOTDIR }
                }
            }
            current = next
            index += 1
        }
        return current
    }
}
