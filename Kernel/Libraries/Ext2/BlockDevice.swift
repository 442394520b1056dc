// What the file system engine needs from the kernel: a device to read and write, and a clock.
//
// The library keeps no block cache of its own: it asks the device for each metadata block by
// number every time it needs it, so a kernel page cache (or buffer cache) below this protocol does
// all the caching, and the page cache can read file data itself through
// `Ext2FileSystem.blockMapping(of:fileBlock:)`.

import LinuxABI

/// A block device holding an ext2 file system. Class-bound so that it can be an existential in
/// Embedded Swift.
///
/// Requests are whole 1024-byte units: `byteOffset` and the buffer length are multiples of 1024
/// (the library reads the superblock as 1024 bytes at offset 1024, everything else as whole file
/// system blocks of 1, 2 or 4 KiB at `block * blockSize`), and never extend past `byteCount`.
public protocol Ext2BlockDevice: AnyObject {
    /// The device's size in bytes.
    var byteCount: UInt64 { get }
    /// Fills `buffer` (all of it) with the bytes at `byteOffset`; a device error is `EIO`.
    func read(at byteOffset: UInt64, into buffer: inout [UInt8]) throws(Errno)
    /// Writes all of `buffer` at `byteOffset`; a device error is `EIO`.
    func write(at byteOffset: UInt64, from buffer: [UInt8]) throws(Errno)
}

/// Wall-clock time for timestamps (the kernel's CLOCK_REALTIME).
public protocol Ext2Clock: AnyObject {
    func now() -> Timespec
}

extension Timespec {
    /// The seconds as the superblock's 32-bit time fields hold them (clamped).
    var superblockSeconds: UInt32 {
        seconds < 0 ? 0 : (seconds > Int64(UInt32.max) ? UInt32.max : UInt32(seconds))
    }
}
