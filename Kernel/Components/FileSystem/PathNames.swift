// The path of a directory, rebuilt by walking ".." up to the root and finding each directory's
// name in its parent (getcwd(2), /proc/self/cwd). A directory that was removed has no path.

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
    func name(of child: DirectoryInode) -> [UInt8]? {
        let target: Inode = child.mountParent ?? child
        for entry in entries(after: 0) where entry.inodeNumber == target.number {
            if let found = lookup(entry.name), found === target { return entry.name }
        }
        return nil
    }

    /// The inode number ".." reports.
    public var dotDotNumber: UInt64 { dotDot.number }
}
