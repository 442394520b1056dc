// The file-system types mount(2) knows by name (Linux's register_filesystem; /proc/filesystems
// lists them), and the generic part of a new mount: the type by name (ENODEV), the source (a
// block-device path for types that need one: ENOENT, ENOTBLK, EACCES on a nodev mount, ENXIO with
// no device behind the node, EBUSY if it is mounted already; any text otherwise), the options
// every type shares ("ro", "rw", "sync"... in the data are the superblock flags Linux's
// vfs_parse_sb_flag takes), then the type's own instance, attached on top of the target
// (ENOTDIR unless a directory).
//
// A type plugs in with one `register` call from its component's start entry point (built in
// here: ramfs and tmpfs; ProcFS registers proc; Ext2FS registers ext2):
//
//     final class Ext2Type: FileSystemType {
//         let name = Array("ext2".utf8)
//         let source = MountSourceKind.blockDevice
//         func makeInstance(source: MountSource, access: MountAccess, options: MountDataOptions) throws(Errno) -> MountedInstance {
//             guard case .blockDevice(let device, _) = source else { throw .ENOTBLK }
//             let volume = try Ext2Mount.mount(device, readOnly: access)    // a MountedFileSystem
//             return MountedInstance(root: volume.root, fileSystem: volume, grantedAccess: volume.access)
//         }
//     }
//     FileSystemTypes.shared.register(Ext2Type())

import Block
import Framework
import LinuxABI

/// What a type takes as the source of mount(2).
public enum MountSourceKind: Sendable {
    /// Any text, shown in /proc/mounts (proc, tmpfs, ramfs).
    case label
    /// The path of a block device node.
    case blockDevice
}

/// The source of a new mount, resolved.
public enum MountSource {
    case label([UInt8])
    case blockDevice(BlockDevice, path: [UInt8])
}

/// A new instance: its root directory, the object the table keeps, and the access it was
/// granted (a type may mount read-only what was asked read-write: a write-protected disk,
/// features it can only read; the mount then shows "ro").
public struct MountedInstance {
    public let root: DirectoryInode
    public let fileSystem: any MountedFileSystem
    public let grantedAccess: MountAccess?

    public init(root: DirectoryInode, fileSystem: any MountedFileSystem, grantedAccess: MountAccess? = nil) {
        self.root = root
        self.fileSystem = fileSystem
        self.grantedAccess = grantedAccess
    }
}

public protocol FileSystemType: AnyObject {
    /// The name mount(2) and /proc/filesystems use ("tmpfs", "ext2").
    var name: [UInt8] { get }
    var source: MountSourceKind { get }
    /// A new instance; `options` are the type's own (the generic ones are taken out already).
    func makeInstance(source: MountSource, access: MountAccess, options: MountDataOptions) throws(Errno) -> MountedInstance
}

public final class FileSystemTypes: Sendable {
    public static let shared = FileSystemTypes()

    let types: SpinLock<[any FileSystemType]>

    init() {
        types = SpinLock([RamFileSystemType(flavour: .ramfs), RamFileSystemType(flavour: .tmpfs)])
    }

    /// Adds a type (a later registration of the same name replaces the earlier one).
    public func register(_ type: any FileSystemType) {
        types.withLock { types in
            types.removeAll { $0.name == type.name }
            types.append(type)
        }
    }

    public func type(named name: [UInt8]) -> (any FileSystemType)? {
        types.withLock { types in types.first { $0.name == name } }
    }

    /// /proc/filesystems: "nodev\tNAME" for types without a device, "\tNAME" for the others.
    public var listing: [UInt8] {
        var text: [UInt8] = []
        for type in types.withLock({ $0 }) {
            if case .label = type.source { text += Array("nodev".utf8) }
            text += [9] + type.name + [10]
        }
        return text
    }
}

/// A new mount as mount(2) asks for it.
public struct MountRequest {
    public let typeName: [UInt8]
    /// The source text (nil: none given).
    public let source: [UInt8]?
    public let flags: MountFlags
    public let options: MountDataOptions

    public init(typeName: [UInt8], source: [UInt8]?, flags: MountFlags, options: MountDataOptions) {
        self.typeName = typeName
        self.source = source
        self.flags = flags
        self.options = options
    }
}

extension FileSystemTable {
    /// The superblock flags Linux takes from the data text of any type (vfs_parse_sb_flag).
    static let genericOptions: [(name: String, readOnly: Bool?)] = [
        ("ro", true), ("rw", false), ("sync", nil), ("async", nil), ("dirsync", nil), ("lazytime", nil), ("nolazytime", nil),
        ("mand", nil), ("nomand", nil), ("silent", nil),
    ]

    /// mount(2) of a new instance on `target` (a directory reached by path resolution).
    @discardableResult
    public func mountNew(_ request: MountRequest, on target: Inode, context: PathContext,
                         workingDirectory: DirectoryInode) throws(Errno) -> Mount {
        guard let type = FileSystemTypes.shared.type(named: request.typeName) else { throw .ENODEV }
        var flags = request.flags
        var ownOptions: [MountDataOptions.Item] = []
        for item in request.options.items {
            if let generic = Self.genericOptions.first(where: { Array($0.name.utf8) == item.name }), item.value == nil {
                if let readOnly = generic.readOnly {
                    if readOnly { flags.insert(.ST_RDONLY) } else { flags.remove(.ST_RDONLY) }
                }
                continue
            }
            ownOptions.append(item)
        }
        let access: MountAccess = flags.contains(.ST_RDONLY) ? .readOnly : .readWrite
        let source: MountSource
        var sourceText = request.source ?? Array("none".utf8)
        switch type.source {
        case .label:
            source = .label(sourceText)
        case .blockDevice:
            guard let path = request.source, !path.isEmpty else { throw .EINVAL }
            let device = try Self.blockDevice(at: path, workingDirectory: workingDirectory, context: context)
            guard !mounts.contains(where: { $0.sourceDevice === device }) else { throw .EBUSY }
            // A write-protected disk asked for read-write: EACCES, as Linux's open of the device for
            // writing answers (mount(8) then retries read-only).
            if device.isReadOnly && access == .readWrite { throw .EACCES }
            source = .blockDevice(device, path: path)
            sourceText = path
        }
        let instance = try type.makeInstance(source: source, access: access, options: MountDataOptions(items: ownOptions))
        if instance.grantedAccess == .readOnly { flags.insert(.ST_RDONLY) }
        guard let directory = target as? DirectoryInode, instance.root.isDirectory else {
            instance.fileSystem.shutDown()
            throw .ENOTDIR
        }
        do {
            let mount = try attach(instance.fileSystem, root: instance.root, on: directory, source: sourceText, typeName: type.name,
                                   flags: flags)
            if case .blockDevice(let device, _) = source { mount.sourceDevice = device }
            return mount
        } catch {
            instance.fileSystem.shutDown()
            throw error
        }
    }

    /// The block device a source path names (lookup_bdev's errors).
    static func blockDevice(at path: [UInt8], workingDirectory: DirectoryInode, context: PathContext) throws(Errno) -> BlockDevice {
        let node = try PathResolver.resolve(path, from: workingDirectory, context: context, finalLink: .follow)
        guard node.kind == .blockDevice, let deviceNode = node as? DeviceInode else { throw .ENOTBLK }
        try MountRestrictions.requireDevicesAllowed(node)
        guard let device = BlockDevices.shared.device(number: deviceNode.device) else { throw .ENXIO }
        return device
    }
}
