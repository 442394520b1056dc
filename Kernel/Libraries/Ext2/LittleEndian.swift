// Little-endian field access inside on-disk byte images (superblock, group descriptors, inodes,
// directory and indirect blocks). Every ext2 structure is little-endian and is read and written
// here byte by byte: no pointer casts, no unsafe code.
//
// Fixed-offset structures (`Superblock`, `GroupDescriptor`, `DiskInode`) check their image's size
// once when they are made, so their accessors never see an offset out of range; for the offsets
// that come from the disk (directory records, indirect-block slots) callers check the range first.
// As a last defence the accessors are total anyway: a read out of range yields 0 and a store out
// of range does nothing, so a missed check can never trap the kernel.

extension Array where Element == UInt8 {
    @inline(__always)
    func le8(at offset: Int) -> UInt8 {
        guard offset >= 0 && offset < count else { return 0 }
        return self[offset]
    }

    @inline(__always)
    func le16(at offset: Int) -> UInt16 {
        guard offset >= 0 && offset <= count &- 2 else { return 0 }
        return UInt16(self[offset]) | UInt16(self[offset + 1]) << 8
    }

    @inline(__always)
    func le32(at offset: Int) -> UInt32 {
        guard offset >= 0 && offset <= count &- 4 else { return 0 }
        return UInt32(self[offset]) | UInt32(self[offset + 1]) << 8
            | UInt32(self[offset + 2]) << 16 | UInt32(self[offset + 3]) << 24
    }

    @inline(__always)
    mutating func setLE8(_ value: UInt8, at offset: Int) {
        guard offset >= 0 && offset < count else { return }
        self[offset] = value
    }

    @inline(__always)
    mutating func setLE16(_ value: UInt16, at offset: Int) {
        guard offset >= 0 && offset <= count &- 2 else { return }
        self[offset] = UInt8(truncatingIfNeeded: value)
        self[offset + 1] = UInt8(truncatingIfNeeded: value >> 8)
    }

    @inline(__always)
    mutating func setLE32(_ value: UInt32, at offset: Int) {
        guard offset >= 0 && offset <= count &- 4 else { return }
        self[offset] = UInt8(truncatingIfNeeded: value)
        self[offset + 1] = UInt8(truncatingIfNeeded: value >> 8)
        self[offset + 2] = UInt8(truncatingIfNeeded: value >> 16)
        self[offset + 3] = UInt8(truncatingIfNeeded: value >> 24)
    }

    /// The bytes in `offset..<offset + length`, clipped to the image (empty when out of range).
    func bytes(at offset: Int, length: Int) -> [UInt8] {
        guard offset >= 0, length > 0, offset < count else { return [] }
        let end = length > count - offset ? count : offset + length
        return Array(self[offset..<end])
    }

    /// Copies `source` to `offset`, clipped to the image.
    mutating func setBytes(_ source: [UInt8], at offset: Int) {
        guard offset >= 0, offset < count, !source.isEmpty else { return }
        let length = Swift.min(source.count, count - offset)
        replaceSubrange(offset..<(offset + length), with: source[0..<length])
    }

    /// Copies `length` bytes of `source` from `sourceOffset` to `offset`, clipped to both.
    mutating func copyBytes(from source: [UInt8], at sourceOffset: Int, length: Int, to offset: Int) {
        guard offset >= 0, sourceOffset >= 0, length > 0, offset < count, sourceOffset < source.count else { return }
        let clipped = Swift.min(length, count - offset, source.count - sourceOffset)
        replaceSubrange(offset..<(offset + clipped), with: source[sourceOffset..<(sourceOffset + clipped)])
    }

    /// Zeroes `offset..<offset + length`, clipped to the image.
    mutating func zero(from offset: Int, length: Int) {
        guard offset >= 0, length > 0, offset < count else { return }
        let end = length > count - offset ? count : offset + length
        replaceSubrange(offset..<end, with: [UInt8](repeating: 0, count: end - offset))
    }
}
