// Building newc archives (for the host toolkit's initramfs images and for tests). Output follows
// what GNU cpio -H newc and Linux's usr/gen_init_cpio write: upper-case hex fields, names and data
// padded to 4 bytes, a TRAILER!!! entry, and the whole archive padded to a 512-byte block.

public enum CpioFormat: Equatable, Sendable {
    /// "070701": no checksum.
    case newc
    /// "070702": c_chksum is the 32-bit sum of a regular file's data bytes (0 for other types).
    case newcWithChecksum
}

public struct CpioWriter {
    public private(set) var bytes: [UInt8] = []
    public let format: CpioFormat
    var nextInode: UInt32 = 1

    public init(format: CpioFormat = .newc) {
        self.format = format
    }

    /// Appends one entry. `inode` defaults to a fresh number per entry (so no two entries look like
    /// hard links); `nlink` defaults to 2 for directories and 1 otherwise.
    public mutating func append(
        name: String, mode: UInt32, data: [UInt8] = [], uid: UInt32 = 0, gid: UInt32 = 0, mtime: UInt32 = 0,
        nlink: UInt32? = nil, inode: UInt32? = nil, devMajor: UInt32 = 0, devMinor: UInt32 = 0,
        rdevMajor: UInt32 = 0, rdevMinor: UInt32 = 0
    ) throws(CpioError) {
        let nameBytes = Array(name.utf8)
        guard !nameBytes.isEmpty && nameBytes.count < CpioLayout.pathMax && !nameBytes.contains(0) else {
            throw .badName
        }
        guard let size = UInt32(exactly: data.count) else { throw .fileTooLarge }
        let assignedInode: UInt32
        if let inode {
            assignedInode = inode
        } else {
            assignedInode = nextInode
            nextInode &+= 1
        }
        let links = nlink ?? (CpioFileType(mode: mode) == .directory ? 2 : 1)
        var checksum: UInt32 = 0
        if format == .newcWithChecksum && CpioFileType(mode: mode) == .regular {
            for byte in data { checksum &+= UInt32(byte) }
        }
        writeHeader([assignedInode, mode, uid, gid, links, mtime, size, devMajor, devMinor, rdevMajor, rdevMinor,
                      UInt32(nameBytes.count + 1), checksum])
        bytes += nameBytes
        bytes.append(0)
        padToFour()
        bytes += data
        padToFour()
    }

    public mutating func appendDirectory(_ name: String, permissions: UInt32 = 0o755, uid: UInt32 = 0, gid: UInt32 = 0)
        throws(CpioError) {
        try append(name: name, mode: CpioFileType.directory.rawValue | permissions, uid: uid, gid: gid)
    }

    public mutating func appendFile(_ name: String, data: [UInt8], permissions: UInt32 = 0o644, uid: UInt32 = 0,
                                    gid: UInt32 = 0) throws(CpioError) {
        try append(name: name, mode: CpioFileType.regular.rawValue | permissions, data: data, uid: uid, gid: gid)
    }

    /// A symbolic link: the target is the entry's data, without a NUL (as Linux expects).
    public mutating func appendSymbolicLink(_ name: String, target: String) throws(CpioError) {
        try append(name: name, mode: CpioFileType.symbolicLink.rawValue | 0o777, data: Array(target.utf8))
    }

    public mutating func appendDeviceNode(_ name: String, type: CpioFileType, major: UInt32, minor: UInt32,
                                          permissions: UInt32 = 0o600) throws(CpioError) {
        try append(name: name, mode: type.rawValue | permissions, rdevMajor: major, rdevMinor: minor)
    }

    /// Appends the trailer and pads the archive to a 512-byte block; returns the archive.
    public consuming func finish() -> [UInt8] {
        writeHeader([0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, UInt32(CpioLayout.trailerName.utf8.count + 1), 0])
        bytes += Array(CpioLayout.trailerName.utf8)
        bytes.append(0)
        padToFour()
        while bytes.count % 512 != 0 { bytes.append(0) }
        return bytes
    }

    mutating func writeHeader(_ fields: [UInt32]) {
        bytes += Array((format == .newc ? "070701" : "070702").utf8)
        let digits: [UInt8] = Array("0123456789ABCDEF".utf8)
        for field in fields {
            for shift in stride(from: 28, through: 0, by: -4) {
                bytes.append(digits[Int((field >> UInt32(shift)) & 15)])
            }
        }
    }

    mutating func padToFour() {
        while bytes.count & 3 != 0 { bytes.append(0) }
    }
}
