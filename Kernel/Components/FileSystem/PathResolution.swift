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
    public var existing: Inode? { name.isEmpty ? parent : parent.cachedLookup(name) }
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
        let trailingSlash = path.last == 47
        let origin = path.first == 47 ? context.root : start
        var lastEnd = path.count
        while lastEnd > 0 && path[lastEnd - 1] == 47 { lastEnd -= 1 }
        guard lastEnd > 0 else {
            return ParentAndName(parent: context.root, name: [], hasTrailingSlash: trailingSlash)
        }
        var lastStart = lastEnd - 1
        while lastStart > 0 && path[lastStart - 1] != 47 { lastStart -= 1 }
        guard lastEnd - lastStart <= maximumNameLength else { throw .ENAMETOOLONG }
        let last = Array(path[lastStart..<lastEnd])
        var follows = 0
        let parentInode = try walkComponents(of: path, upTo: lastStart, from: origin, context: context, finalLink: .follow,
                                             follows: &follows)
        guard let parent = parentInode as? DirectoryInode else { throw .ENOTDIR }
        guard Permissions.permits(parent, .execute, for: context.identity) else { throw .EACCES }
        return ParentAndName(parent: parent, name: last, hasTrailingSlash: trailingSlash)
    }

    static func walk(_ path: [UInt8], from start: DirectoryInode, context: PathContext, finalLink: FinalLink,
                     follows: inout Int) throws(Errno) -> Inode {
        guard !path.isEmpty else { throw .ENOENT }
        let origin = path.first == 47 ? context.root : start
        let trailingSlash = path.last == 47
        let inode = try walkComponents(of: path, upTo: path.count, from: origin, context: context,
                                       finalLink: trailingSlash ? .follow : finalLink, follows: &follows)
        if trailingSlash && !inode.isDirectory && inode.kind != .symlink { throw .ENOTDIR }
        return inode
    }

    /// Where the first name in `path[index..<end]` lies ("//" and leading slashes skipped), or nil.
    @inline(__always)
    static func nextComponent(_ path: [UInt8], from index: Int, upTo end: Int) -> Range<Int>? {
        var start = index
        while start < end && path[start] == 47 { start += 1 }
        guard start < end else { return nil }
        var stop = start + 1
        while stop < end && path[stop] != 47 { stop += 1 }
        return start..<stop
    }

    /// Walks the names of `path[0..<end]` where they lie: no name is copied unless the dentry
    /// cache has not seen it (DentryCache.swift), so a warm walk allocates nothing.
    static func walkComponents(of path: [UInt8], upTo end: Int, from origin: DirectoryInode, context: PathContext,
                               finalLink: FinalLink, follows: inout Int) throws(Errno) -> Inode {
        var current: Inode = origin
        var pending = nextComponent(path, from: 0, upTo: end)
        while let range = pending {
            let following = nextComponent(path, from: range.upperBound, upTo: end)
            let isLast = following == nil
            guard let directory = current as? DirectoryInode else { throw .ENOTDIR }
            guard Permissions.permits(directory, .execute, for: context.identity) else { throw .EACCES }
            guard range.count <= maximumNameLength else { throw .ENAMETOOLONG }
            var next: Inode
            if path[range.lowerBound] == 46 && range.count == 1 {
                next = directory
            } else if path[range.lowerBound] == 46 && range.count == 2 && path[range.lowerBound + 1] == 46 {
                next = directory === context.root ? directory : directory.dotDot
            } else {
                guard let child = directory.cachedLookup(path, range) else { throw .ENOENT }
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
                    next = try walkComponents(of: target, upTo: target.count, from: base, context: context, finalLink: .follow,
                                              follows: &follows)
                    if target.last == 47 && !next.isDirectory { throw .ENOTDIR }
                }
            }
            current = next
            pending = following
        }
        return current
    }
}
