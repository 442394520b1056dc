// The root file system on a block device (Linux's mount_root): the device named on the command
// line is mounted over rootfs and becomes the root of the tree. The command-line side (which
// device, type, flags) is SystemCalls/RootMount.swift.

import Block
import Framework
import LinuxABI

extension FileSystemTable {
    /// Mounts block device `deviceName` (/dev/NAME, NAME or MAJOR:MINOR) with the first of
    /// `typeNames` that accepts it (nil: every type that takes a device), over rootfs's root,
    /// and makes it the root of the tree. Returns the device's name and the type that mounted it.
    /// ENXIO: no such device; otherwise the last type's error.
    public func mountRoot(deviceName: String, typeNames: [[UInt8]]?, flags: MountFlags,
                          options: MountDataOptions) throws(Errno) -> (device: String, type: [UInt8]) {
        guard let device = Self.rootDevice(named: deviceName) else { throw .ENXIO }
        var flags = flags
        if device.isReadOnly && !flags.contains(.ST_RDONLY) {
            Log.warn("VFS: root device \(device.name) is read-only: mounting it read-only")
            flags.insert(.ST_RDONLY)
        }
        var lastError: Errno = .ENODEV
        for name in typeNames ?? FileSystemTypes.shared.deviceTypeNames {
            guard let type = FileSystemTypes.shared.type(named: name), case .blockDevice = type.source else {
                lastError = .ENODEV
                continue
            }
            do throws(Errno) {
                let instance = try type.makeInstance(source: .blockDevice(device, path: Array("/dev/root".utf8)),
                                                     access: flags.contains(.ST_RDONLY) ? .readOnly : .readWrite, options: options)
                let rootfs = initialRoot
                let mount: Mount
                var grantedFlags = flags
                if instance.grantedAccess == .readOnly { grantedFlags.insert(.ST_RDONLY) }
                do {
                    mount = try attach(instance.fileSystem, root: instance.root, on: rootfs, source: Array("/dev/root".utf8),
                                       typeName: type.name, flags: grantedFlags)
                } catch {
                    instance.fileSystem.shutDown()
                    throw error
                }
                mount.sourceDevice = device
                makeRoot(instance.root)
                return (device.name, type.name)
            } catch {
                lastError = error
            }
        }
        throw lastError
    }

    /// The root of rootfs (the first mount), under whatever is mounted over it.
    public var initialRoot: DirectoryInode { state.withLock { $0.mounts[0].root } }

    /// /dev/NAME, NAME or MAJOR:MINOR (decimal): the forms of Linux's name_to_dev_t used here.
    static func rootDevice(named text: String) -> BlockDevice? {
        var name = Substring(text)
        if name.hasPrefix("/dev/") { name = name.dropFirst(5) }
        if let colon = name.firstIndex(of: ":"), let major = UInt32(name[..<colon]), let minor = UInt32(name[name.index(after: colon)...]) {
            return BlockDevices.shared.device(number: makeDeviceNumber(major: major, minor: minor))
        }
        guard !name.isEmpty else { return nil }
        return BlockDevices.shared.device(named: String(name))
    }
}

extension FileSystemTypes {
    /// The types that mount a block device, in registration order.
    public var deviceTypeNames: [[UInt8]] {
        types.withLock { types in
            types.compactMap { type in
                if case .blockDevice = type.source { return type.name }
                return nil
            }
        }
    }
}
