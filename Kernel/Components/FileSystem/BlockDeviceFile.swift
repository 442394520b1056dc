// Block device nodes (/dev/vda, /dev/vda1...): opening an S_IFBLK inode opens the block device
// registered under its number (ENXIO if none). Reads and writes go straight to the device
// through the block layer's bounce frames (Apus has no buffer cache yet, so every transfer is
// already "direct"), with Linux's block-device rules (block/fops.c): a read at or past the end
// returns 0; a write to a read-only device is EPERM, at or past the end ENOSPC, and one that
// runs past the end is cut short; lseek may go anywhere in [0, size] (SEEK_END is the capacity,
// SEEK_DATA/SEEK_HOLE are EINVAL); O_DIRECT transfers must be aligned to the logical block size
// (offset, length and buffer address), else EINVAL. fsync flushes the device's write cache.
// ioctls: BLKGETSIZE64, BLKGETSIZE, BLKSSZGET, BLKPBSZGET, BLKBSZGET, BLKIOMIN, BLKIOOPT,
// BLKALIGNOFF, BLKROGET, BLKFLSBUF; others ENOTTY.

import Block
import Framework
import LinuxABI

public enum BlockDeviceNodes {
    /// Makes a node in /dev for every registered block device (brw-rw---- root:disk, as udev does).
    static func populate(_ devices: DirectoryInode) {
        for device in BlockDevices.shared.all {
            if let node = try? devices.makeDevice(kind: .blockDevice, device: device.deviceNumber, permissions: 0o660,
                                                  owner: 0, group: BlockDeviceNumbers.diskGroup) {
                try? devices.insert(Array(device.name.utf8), node)
            }
        }
    }

    /// The operations of an open block device node (ENXIO when no device has its number).
    static func operations(for inode: Inode) throws(Errno) -> FileOperations {
        guard let node = inode as? DeviceInode, let device = BlockDevices.shared.device(number: node.device) else { throw .ENXIO }
        return BlockDeviceFileOperations(device: device)
    }

    /// sync(2): makes every disk's completed writes durable.
    public static func flushAll() {
        for device in BlockDevices.shared.all where device.partition == 0 { try? device.flush() }
    }
}

final class BlockDeviceFileOperations: FileOperations {
    let device: BlockDevice

    init(device: BlockDevice) {
        self.device = device
    }

    func checkDirect(_ file: OpenFile, offset: UInt64, address: UInt64, count: Int) throws(Errno) {
        guard file.statusFlags.contains(.O_DIRECT) else { return }
        let mask = UInt64(device.logicalBlockSize - 1)
        if offset & mask != 0 || address & mask != 0 || UInt64(count) & mask != 0 { throw .EINVAL }
    }

    override func read(_ file: OpenFile, toUser address: UInt64, count: Int) throws(Errno) -> Int {
        let done = try read(file, at: file.position, toUser: address, count: count)
        file.position += UInt64(done)
        return done
    }

    override func read(_ file: OpenFile, at offset: UInt64, toUser address: UInt64, count: Int) throws(Errno) -> Int {
        guard offset <= UInt64(Int64.max) else { throw .EINVAL }
        try checkDirect(file, offset: offset, address: address, count: count)
        guard count > 0, offset < device.capacityBytes else { return 0 }
        let length = Int(min(UInt64(count), device.capacityBytes - offset))
        return try device.read(at: offset, count: length) { (frame, frameOffset, length, bufferOffset) throws(Errno) in
            try Self.copyOut(to: address + UInt64(bufferOffset), from: frame, offset: frameOffset, count: length)
        }
    }

    override func write(_ file: OpenFile, fromUser address: UInt64, count: Int) throws(Errno) -> Int {
        let done = try write(file, at: file.position, fromUser: address, count: count)
        file.position += UInt64(done)
        return done
    }

    override func write(_ file: OpenFile, at offset: UInt64, fromUser address: UInt64, count: Int) throws(Errno) -> Int {
        if device.isReadOnly { throw .EPERM }
        guard offset <= UInt64(Int64.max) else { throw .EINVAL }
        try checkDirect(file, offset: offset, address: address, count: count)
        guard count > 0 else { return 0 }
        guard offset < device.capacityBytes else { throw .ENOSPC }
        let length = Int(min(UInt64(count), device.capacityBytes - offset))
        return try device.write(at: offset, count: length) { (frame, frameOffset, length, bufferOffset) throws(Errno) in
            try Self.copyIn(from: address + UInt64(bufferOffset), to: frame, offset: frameOffset, count: length)
        }
    }

    override func write(_ file: OpenFile, bytes: [UInt8]) throws(Errno) -> Int {
        if device.isReadOnly { throw .EPERM }
        guard !bytes.isEmpty else { return 0 }
        guard file.position < device.capacityBytes else { throw .ENOSPC }
        let length = Int(min(UInt64(bytes.count), device.capacityBytes - file.position))
        let done = try device.write(at: file.position, count: length) { (frame, frameOffset, length, bufferOffset) throws(Errno) in
            frame.write(bytes.span.extracting(bufferOffset..<(bufferOffset + length)), at: frameOffset)
        }
        file.position += UInt64(done)
        return done
    }

    override func seek(_ file: OpenFile, to offset: Int64, whence: Int32) throws(Errno) -> UInt64 {
        let base: Int64
        let size = device.capacityBytes
        switch whence {
        case SeekWhence.SEEK_SET.rawValue: base = 0
        case SeekWhence.SEEK_CUR.rawValue: base = Int64(file.position)
        case SeekWhence.SEEK_END.rawValue: base = Int64(size)
        default: throw .EINVAL      // SEEK_DATA and SEEK_HOLE too, as Linux's fixed_size_llseek
        }
        let (target, overflow) = base.addingReportingOverflow(offset)
        guard !overflow, target >= 0, UInt64(target) <= device.capacityBytes else { throw .EINVAL }
        file.position = UInt64(target)
        return file.position
    }

    override func sync(_ file: OpenFile) throws(Errno) {
        try device.flush()
    }

    override func control(_ file: OpenFile, _ request: UInt32, argument: UInt64) throws(Errno) -> Int {
        guard let known = BlockIoctlRequest(rawValue: request) else { throw .ENOTTY }
        switch known {
        case .BLKGETSIZE64: try store(device.capacityBytes, at: argument)
        case .BLKGETSIZE: try store(device.sectorCount, at: argument)
        case .BLKSSZGET: try store(UInt32(device.logicalBlockSize), at: argument)
        case .BLKPBSZGET: try store(UInt32(device.physicalBlockSize), at: argument)
        case .BLKIOMIN: try store(UInt32(device.physicalBlockSize), at: argument)
        case .BLKIOOPT, .BLKALIGNOFF: try store(UInt32(0), at: argument)
        case .BLKBSZGET: try store(UInt32(bufferedBlockSize), at: argument)
        case .BLKROGET: try store(UInt32(device.isReadOnly ? 1 : 0), at: argument)
        case .BLKFLSBUF: try device.flush()
        case .BLKROSET, .BLKRRPART: throw .ENOTTY
        }
        return 0
    }

    /// Linux's initial block size for buffered I/O: the largest power of two from the logical
    /// block size up to the page size that divides the device size.
    var bufferedBlockSize: Int {
        var size = device.logicalBlockSize
        while size < 4096 && device.capacityBytes % UInt64(size * 2) == 0 { size *= 2 }
        return size
    }

    static func copyOut(to address: UInt64, from frame: UntypedFrame, offset: Int, count: Int) throws(Errno) {
        do { try UserMemory.copyOut(to: address, from: frame, offset: offset, count: count) } catch { throw .EFAULT }
    }

    static func copyIn(from address: UInt64, to frame: UntypedFrame, offset: Int, count: Int) throws(Errno) {
        do { try UserMemory.copyIn(from: address, to: frame, offset: offset, count: count) } catch { throw .EFAULT }
    }

    func store(_ value: UInt64, at address: UInt64) throws(Errno) {
        do { try UserMemory.writeUInt64(value, at: address) } catch { throw .EFAULT }
    }

    func store(_ value: UInt32, at address: UInt64) throws(Errno) {
        do { try UserMemory.writeUInt32(value, at: address) } catch { throw .EFAULT }
    }
}
