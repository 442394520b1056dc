// What the block layer moves: requests made of segments of untyped frames (the page cache's own
// frames, or bounce frames for byte-sized I/O), merged into commands for the driver.

import Framework
import LinuxABI

public let sectorBytes = 512

public enum BlockOperation: Sendable, Equatable {
    case read, write, flush
}

/// A run of sectors inside one frame: offset and length are multiples of 512, within 4096.
public struct BlockSegment {
    public let frame: UntypedFrame
    public let offset: Int
    public let length: Int

    public init(frame: UntypedFrame, offset: Int = 0, length: Int = 4096) {
        self.frame = frame
        self.offset = offset
        self.length = length
    }

    var isWellFormed: Bool {
        offset >= 0 && length > 0 && offset % sectorBytes == 0 && length % sectorBytes == 0 && offset <= 4096 - length
    }

    var sectorCount: UInt64 { UInt64(length / sectorBytes) }
}

/// One caller's transfer: `segments` hold consecutive sectors starting at `sector` (relative to
/// the device it is submitted to). Finished when `result` is set; `onCompletion` then runs in
/// the task that harvested the completion (never in interrupt context).
public final class BlockRequest {
    public let operation: BlockOperation
    public let sector: UInt64
    public let segments: [BlockSegment]
    public let sectorCount: UInt64
    let onCompletion: ((BlockRequest) -> Void)?
    let outcome = SpinLock<Result<Void, Errno>?>(nil)

    public init(_ operation: BlockOperation, sector: UInt64, segments: [BlockSegment],
                onCompletion: ((BlockRequest) -> Void)? = nil) {
        self.operation = operation
        self.sector = sector
        self.segments = segments
        sectorCount = segments.reduce(0) { $0 + $1.sectorCount }
        self.onCompletion = onCompletion
    }

    /// nil while the request is in progress; then success or the error (EIO for a device error).
    public var result: Result<Void, Errno>? { outcome.withLock { $0 } }
    public var isFinished: Bool { result != nil }

    func finish(_ result: Result<Void, Errno>) {
        outcome.withLock { $0 = result }
    }
}

/// What a driver executes: one or more requests merged into consecutive sectors on the disk
/// (absolute sectors: partition offsets are already applied).
public final class BlockCommand {
    public let operation: BlockOperation
    public private(set) var sector: UInt64
    public private(set) var segments: [BlockSegment]
    public private(set) var sectorCount: UInt64
    var requests: [BlockRequest]

    init(_ request: BlockRequest, diskSector: UInt64) {
        operation = request.operation
        sector = diskSector
        segments = request.segments
        sectorCount = request.sectorCount
        requests = [request]
    }

    /// Adds a request that starts right after this command ends (a back merge).
    func append(_ request: BlockRequest) {
        segments += request.segments
        sectorCount += request.sectorCount
        requests.append(request)
    }

    /// Adds a request that ends right where this command starts (a front merge).
    func prepend(_ request: BlockRequest, diskSector: UInt64) {
        segments = request.segments + segments
        sectorCount += request.sectorCount
        sector = diskSector
        requests.insert(request, at: 0)
    }
}

public enum BlockWriteCache: Sendable {
    /// Writes are durable once complete; a flush has nothing to do.
    case writeThrough
    /// The device may hold completed writes in a volatile cache until a flush.
    case writeBack
}

public enum BlockAccess: Sendable, Equatable {
    case readWrite, readOnly
}

/// What a disk is and what its driver accepts.
public struct BlockGeometry: Sendable {
    public let capacitySectors: UInt64
    public let logicalBlockSize: Int
    public let physicalBlockSize: Int
    public let access: BlockAccess
    public let writeCache: BlockWriteCache
    /// Segments one command may carry.
    public let maximumSegments: Int
    /// Commands the driver can have in flight at once.
    public let queueDepth: Int

    public init(capacitySectors: UInt64, logicalBlockSize: Int, physicalBlockSize: Int, access: BlockAccess,
                writeCache: BlockWriteCache, maximumSegments: Int, queueDepth: Int) {
        self.capacitySectors = capacitySectors
        self.logicalBlockSize = logicalBlockSize
        self.physicalBlockSize = physicalBlockSize
        self.access = access
        self.writeCache = writeCache
        self.maximumSegments = max(1, maximumSegments)
        self.queueDepth = max(1, queueDepth)
    }
}

/// A device driver under the block layer. The layer calls it with its queue lock held, never
/// from interrupt context; the driver's interrupt handler calls `BlockDisk.deviceSignalled()`.
public protocol BlockDriver: AnyObject {
    /// Hands `command` to the device (not yet notified); false if the device has no room now.
    func start(_ command: BlockCommand) -> Bool
    /// Tells the device about every command started since the last call.
    func commit()
    /// Reports each command the device finished since the last call.
    func reap(_ finished: (BlockCommand, Result<Void, Errno>) -> Void)
}
