// Block device ioctl requests (include/uapi/linux/fs.h, type 0x12) and the device numbers Apus
// gives block devices. Linux allocates virtio-blk's major dynamically (register_blkdev(0, ...)
// takes the highest free number below 255, which is 254 on a usual system); Apus fixes it at 254,
// with 16 minors per disk (the disk, then partitions 1-15), as virtio_blk does.

public enum BlockIoctlRequest: UInt32, CaseIterable, Sendable {
    /// _IO(0x12, 93): set read-only (int *).
    case BLKROSET = 0x125D
    /// _IO(0x12, 94): get read-only (int *).
    case BLKROGET = 0x125E
    /// _IO(0x12, 95): re-read the partition table.
    case BLKRRPART = 0x125F
    /// _IO(0x12, 96): size in 512-byte sectors (unsigned long *).
    case BLKGETSIZE = 0x1260
    /// _IO(0x12, 97): write back and drop cached buffers.
    case BLKFLSBUF = 0x1261
    /// _IO(0x12, 104): logical block size (int *).
    case BLKSSZGET = 0x1268
    /// _IOR(0x12, 112, size_t): the block size buffered I/O uses (int *).
    case BLKBSZGET = 0x8008_1270
    /// _IOR(0x12, 114, size_t): size in bytes (u64 *).
    case BLKGETSIZE64 = 0x8008_1272
    /// _IO(0x12, 120): minimum I/O size (unsigned int *).
    case BLKIOMIN = 0x1278
    /// _IO(0x12, 121): optimal I/O size (unsigned int *).
    case BLKIOOPT = 0x1279
    /// _IO(0x12, 122): alignment offset (int *).
    case BLKALIGNOFF = 0x127A
    /// _IO(0x12, 123): physical block size (unsigned int *).
    case BLKPBSZGET = 0x127B
}

public enum BlockDeviceNumbers {
    /// The major of virtio block devices (/dev/vda is 254:0, /dev/vda1 254:1, /dev/vdb 254:16).
    public static let virtioBlockMajor: UInt32 = 254
    public static let minorsPerDisk: UInt32 = 16
    /// The group that owns disk nodes on Debian (`disk`).
    public static let diskGroup: UInt32 = 6
}
