// The path shown for an open file (readlink of /proc/PID/fd/N, /proc/PID/maps, mmap's region
// origin), as Linux's d_path prints it: the canonical absolute path of the file actually opened
// (symbolic links resolved, no ".", ".." or empty components), with " (deleted)" appended once
// the file has been unlinked (link count 0).
//
// Apus keeps no dentry per open file: open(2) records only the directory it started from and
// the path as given (OpenFile.openedAs), so open stays as cheap as it was. The canonical form is
// derived when it is read, by resolving the recorded path again from the recorded directory as
// the superuser (d_path checks no permissions) under the process's root:
// 1. the parent of the final name is resolved, following every symbolic link; if the final
//    name there is still the opened file, the answer is that directory's path plus the name
//    (this also covers a symbolic link opened itself with O_PATH|O_NOFOLLOW);
// 2. if the final name is a symbolic link, it is followed (PathNames.locate) and its result is
//    used when it leads to the opened file;
// 3. otherwise the file was renamed or unlinked since. A file still linked is looked for by
//    inode number in that same directory (a rename within a directory, as editors' save by
//    rename does; Linux would also follow a move to another directory, which Apus cannot see).
//    Failing that, the answer is the directory's path plus the name as recorded or, if even the
//    directory is gone, the recorded path cleaned lexically; " (deleted)" is appended when the
//    link count is 0.
// Identity is (device, inode number) as well as the object, since synthetic file systems
// (procfs) make a new inode object on each lookup.

import LinuxABI

extension PathNames {
    /// The absolute path shown for an open file: a directory's own path, else the canonical path
    /// of the file as described above; nil for a file with no path (pipes, anonymous files).
    public static func path(of file: OpenFile, root: DirectoryInode) -> [UInt8]? {
        if let directory = file.inode as? DirectoryInode, let path = path(of: directory, root: root) { return path }
        guard let (start, given) = file.openedAs else { return nil }
        guard let inode = file.inode else { return lexicalPath(given, from: start, root: root) }
        let context = PathContext(root: root, workingDirectory: start, identity: .superuser)
        guard let target = try? PathResolver.resolveParent(given, from: start, context: context),
              !target.name.isEmpty, !target.isDotOrDotDot,
              let directoryPath = path(of: target.parent, root: root) else {
            return deletedMarked(lexicalPath(given, from: start, root: root), inode)
        }
        if inode.linkCount > 0 {
            if let found = target.parent.lookup(target.name) {
                if isSameFile(found, inode) { return joined(directoryPath, target.name) }
                if found.kind == .symlink, let located = try? locate(given, from: start, context: context),
                   isSameFile(located.inode, inode) {
                    return located.path
                }
            }
            if let renamed = target.parent.name(ofFile: inode) { return joined(directoryPath, renamed) }
        }
        return deletedMarked(joined(directoryPath, target.name), inode)
    }

    static func isSameFile(_ one: Inode, _ other: Inode) -> Bool {
        one === other || (one.deviceNumber == other.deviceNumber && one.number == other.number)
    }

    static func joined(_ directoryPath: [UInt8], _ name: [UInt8]) -> [UInt8] {
        var full = directoryPath
        if full != [47] { full.append(47) }
        full.append(contentsOf: name)
        return full
    }

    static func deletedMarked(_ path: [UInt8], _ inode: Inode) -> [UInt8] {
        inode.linkCount > 0 ? path : path + Array(" (deleted)".utf8)
    }

    /// `path` made absolute from `start` (when `start` still has a path) and cleaned without
    /// looking at the file system: empty and "." components dropped, ".." removing the one
    /// before it (never climbing above "/").
    static func lexicalPath(_ path: [UInt8], from start: DirectoryInode, root: DirectoryInode) -> [UInt8] {
        var isAbsolute = path.first == 47
        var parts: [[UInt8]] = []
        if !isAbsolute, let startPath = self.path(of: start, root: root) {
            parts = PathResolver.components(startPath)
            isAbsolute = true
        }
        for part in PathResolver.components(path) {
            if part == [46] { continue }
            if part == [46, 46], let last = parts.last, last != [46, 46] {
                parts.removeLast()
                continue
            }
            if part == [46, 46] && isAbsolute { continue }
            parts.append(part)
        }
        var cleaned: [UInt8] = []
        for (index, part) in parts.enumerated() {
            if isAbsolute || index > 0 { cleaned.append(47) }
            cleaned.append(contentsOf: part)
        }
        if cleaned.isEmpty { return isAbsolute ? [47] : [46] }
        return cleaned
    }
}

extension DirectoryInode {
    /// A name under which `file` appears here, found by its inode number.
    func name(ofFile file: Inode) -> [UInt8]? {
        for entry in entries(after: 0) where entry.inodeNumber == file.number {
            if let found = lookup(entry.name), PathNames.isSameFile(found, file) { return entry.name }
        }
        return nil
    }
}
