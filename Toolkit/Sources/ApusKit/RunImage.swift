// The initramfs `apus run` boots: the default image (busybox and the base layout), optionally with
// host directories laid over it (`--add DIR`, `make run ADD=DIR`), or a user's own cpio archive
// (`--initrd FILE`, plain newc or gzip'ed, handed to QEMU as it is).
// An added directory's entries keep their paths relative to DIR and their permission bits
// (owner root); they are written after the default image's, and the kernel's unpacker lets a
// later entry replace an earlier one (as Linux's does), so an added /init or /bin/sh wins.

import Cpio
import Foundation

public enum RunImage: Sendable {
    case defaultImage(adding: [URL])
    case userArchive(URL)
    /// No initramfs: the kernel mounts `root=` (a disk) as "/".
    case none

    /// What `apus run` boots: the user's archive, else no initramfs when the kernel command line
    /// names a root device (`root=` before `--`) and nothing is added (the default image has an
    /// /init, which Linux and Apus run in preference to the root device), else the default image.
    public static func forRun(initrd: URL?, adding overlays: [URL], kernelWords: [String]) -> RunImage {
        if let initrd { return .userArchive(initrd) }
        let options = kernelWords.prefix { $0 != "--" }
        if overlays.isEmpty && options.contains(where: { $0.hasPrefix("root=") }) { return .none }
        return .defaultImage(adding: overlays)
    }

    /// The file to pass to QEMU's -initrd (nil: none).
    public func prepare(project: Project) throws -> URL? {
        switch self {
        case .none:
            return nil
        case .defaultImage(let overlays):
            var builder = InitramfsBuilder()
            try builder.addBase()
            try builder.addBusybox()
            for overlay in overlays { try builder.addTree(from: overlay) }
            let url = project.output("initramfs.cpio")
            try FileManager.default.createDirectory(at: project.outputDirectory, withIntermediateDirectories: true)
            try builder.write(to: url)
            return url
        case .userArchive(let archive):
            try Self.checkArchive(archive)
            return archive
        }
    }

    /// A newc cpio ("070701"/"070702") or a gzip stream; anything else would only fail at boot.
    static func checkArchive(_ archive: URL) throws {
        guard let handle = FileHandle(forReadingAtPath: archive.path) else {
            throw ToolkitError("--initrd \(archive.path): cannot read the file")
        }
        defer { try? handle.close() }
        let head = [UInt8](handle.readData(ofLength: 6))
        let isGzip = head.starts(with: [0x1f, 0x8b])
        let isNewc = head == Array("070701".utf8) || head == Array("070702".utf8)
        guard isGzip || isNewc else {
            throw ToolkitError("--initrd \(archive.path): not a cpio archive in newc format (cpio -o -H newc) or a gzip'ed one")
        }
    }
}

extension InitramfsBuilder {
    /// Adds every file, directory, symbolic link and FIFO below `root` at the same relative path,
    /// with its permission bits.
    public mutating func addTree(from root: URL) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ToolkitError("--add \(root.path): not a directory")
        }
        guard let enumerator = FileManager.default.enumerator(atPath: root.path) else {
            throw ToolkitError("--add \(root.path): cannot list the directory")
        }
        var paths: [String] = []
        for case let path as String in enumerator { paths.append(path) }
        // Parents before children; sorting by path puts "a" before "a/b".
        for path in paths.sorted() {
            try addEntry(path, from: root.appendingPathComponent(path))
        }
    }

    mutating func addEntry(_ path: String, from source: URL) throws {
        var status = stat()
        guard lstat(source.path, &status) == 0 else {
            throw ToolkitError("--add: cannot read \(source.path): \(String(cString: strerror(errno)))")
        }
        let permissions = UInt32(status.st_mode) & 0o7777
        switch UInt32(status.st_mode) & UInt32(S_IFMT) {
        case UInt32(S_IFDIR):
            try ensureParents(of: path)
            directories.insert(path)
            do { try writer.appendDirectory(path, permissions: permissions) } catch { throw ToolkitError("cpio: \(path): \(error)") }
        case UInt32(S_IFREG):
            try file(path, copying: source, permissions: permissions)
        case UInt32(S_IFLNK):
            let target = try FileManager.default.destinationOfSymbolicLink(atPath: source.path)
            try symlink(path, target: target)
        case UInt32(S_IFIFO):
            try ensureParents(of: path)
            do { try writer.append(name: path, mode: CpioFileType.fifo.rawValue | permissions) } catch { throw ToolkitError("cpio: \(path): \(error)") }
        default:
            throw ToolkitError("--add: \(source.path) is a device node or socket; only files, directories, symbolic links and FIFOs can be added")
        }
    }
}
