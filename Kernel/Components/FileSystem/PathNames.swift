// The path of a directory, rebuilt by walking ".." up to the root and finding each directory's
// name in its parent (getcwd(2), /proc/self/cwd). A directory that was removed has no path.

import LinuxABI

public enum PathNames {
    public static func path(of directory: DirectoryInode, root: DirectoryInode) -> [UInt8]? {
        var components: [[UInt8]] = []
        var current = directory
        var steps = 0
        while current !== root {
            guard current.linkCount > 0 else { return nil }
            let parent = current.dotDot
            if parent === current { break }
            guard let name = parent.name(of: current) else { return nil }
            components.append(name)
            current = parent
            steps += 1
            if steps > 4096 { return nil }
        }
        if components.isEmpty { return [47] }
        var path: [UInt8] = []
        for component in components.reversed() {
            path.append(47)
            path.append(contentsOf: component)
        }
        return path
    }
}

extension DirectoryInode {
    /// The name under which `child` appears here (or, for a mounted root, on its mount point).
    /// Synthetic file systems (procfs) make a new object on each lookup, so the same inode is
    /// recognized by (device, inode number), as st_dev and st_ino identify a file.
    func name(of child: DirectoryInode) -> [UInt8]? {
        name(ofFile: child.mountParent ?? child)
    }

    /// The inode number ".." reports.
    public var dotDotNumber: UInt64 { dotDot.number }
}

extension PathNames {
    /// Resolves `path` (following every symbolic link) to an inode and the absolute path it was
    /// found under, as Linux's d_path would print it for /proc/PID/exe: the directory's path from
    /// the root plus the final name; a magic link contributes the path it shows.
    public static func locate(_ path: [UInt8], from start: DirectoryInode, context: PathContext) throws(Errno) -> (inode: Inode, path: [UInt8]) {
        var remaining = path
        var base = start
        for _ in 0...PathResolver.maximumSymlinkFollows {
            let target = try PathResolver.resolveParent(remaining, from: base, context: context)
            if target.name.isEmpty || target.isDotOrDotDot {
                let inode = try PathResolver.resolve(remaining, from: base, context: context, finalLink: .follow)
                guard let directory = inode as? DirectoryInode else { return (inode, remaining) }
                return (inode, self.path(of: directory, root: context.root) ?? remaining)
            }
            guard var inode = target.parent.lookup(target.name) else { throw .ENOENT }
            while let directory = inode as? DirectoryInode, let mountedRoot = directory.mounted { inode = mountedRoot }
            if let link = inode as? SymlinkInode {
                if let jumped = link.jumpTarget { return (jumped, link.target) }
                remaining = link.target
                guard !remaining.isEmpty else { throw .ENOENT }
                base = target.parent
                continue
            }
            if target.hasTrailingSlash && !inode.isDirectory { throw .ENOTDIR }
            guard var full = self.path(of: target.parent, root: context.root) else { return (inode, remaining) }
            if full != [47] { full.append(47) }
            full.append(contentsOf: target.name)
            return (inode, full)
        }
        throw .ELOOP
    }
}
