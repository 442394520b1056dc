// The block layer: disks (`BlockDisk`, one request queue each, fed by a driver) and the block
// devices users and file systems open (`BlockDevice`: a whole disk or one partition of it),
// registered by name (`vda`, `vda1`) and device number (254:0, 254:1).
//
// Everything a file system needs is synchronous and sleeps on a wait queue until the device
// interrupts (the kernel is not preemptible): read or write sectors into frames without copying
// (the page cache's whole pages: `read(sector:into:)`, `write(sector:from:)`), read or write any
// byte range through bounce frames (`read(at:into:)`, `write(at:from:)`, the shape of the ext2
// library's block-device protocol), and `flush`. Asynchronous submission (`submit` a batch, then
// `wait` or a completion callback) is there for readahead and writeback, and lets adjacent
// requests merge. Errors: EIO for a device error or a range past the end, EROFS for a write to a
// read-only device, EINVAL for a malformed request (misaligned, or more segments than the driver
// takes in one command; `maximumSegments` says how many).

import Framework
import LinuxABI
import Scheduling

public final class BlockDevice: Sendable {
    public let name: String
    public let deviceNumber: UInt64
    public let disk: BlockDisk
    /// First sector of this device on the disk (0 for a whole disk).
    public let firstSector: UInt64
    public let sectorCount: UInt64
    /// The partition number (0 for a whole disk).
    public let partition: Int

    public init(name: String, deviceNumber: UInt64, disk: BlockDisk, firstSector: UInt64 = 0, sectorCount: UInt64? = nil,
                partition: Int = 0) {
        self.name = name
        self.deviceNumber = deviceNumber
        self.disk = disk
        self.firstSector = firstSector
        self.sectorCount = sectorCount ?? disk.geometry.capacitySectors
        self.partition = partition
    }

    public var capacityBytes: UInt64 { sectorCount &* UInt64(sectorBytes) }
    public var logicalBlockSize: Int { disk.geometry.logicalBlockSize }
    public var physicalBlockSize: Int { disk.geometry.physicalBlockSize }
    public var isReadOnly: Bool { disk.geometry.access == .readOnly }
    /// Segments one request may carry.
    public var maximumSegments: Int { disk.geometry.maximumSegments }

    // MARK: asynchronous

    /// Checks and queues `requests`; adjacent ones merge. Nothing is queued if one is malformed.
    public func submit(_ requests: [BlockRequest]) throws(Errno) {
        var checked: [(request: BlockRequest, diskSector: UInt64)] = []
        checked.reserveCapacity(requests.count)
        for request in requests { checked.append((request, try diskSector(of: request))) }
        disk.enqueue(checked)
    }

    /// Sleeps until `request` is finished; returns normally or throws its error.
    public func wait(for request: BlockRequest) throws(Errno) {
        try disk.wait(for: request)
    }

    func diskSector(of request: BlockRequest) throws(Errno) -> UInt64 {
        if request.operation == .flush { return firstSector }
        guard !request.segments.isEmpty, request.segments.count <= maximumSegments,
              request.segments.allSatisfy({ $0.isWellFormed }) else { throw .EINVAL }
        let blockSectors = UInt64(logicalBlockSize / sectorBytes)
        guard request.sector % blockSectors == 0, request.sectorCount % blockSectors == 0 else { throw .EINVAL }
        let (end, overflow) = request.sector.addingReportingOverflow(request.sectorCount)
        guard !overflow, end <= sectorCount else { throw .EIO }
        if request.operation == .write && isReadOnly { throw .EROFS }
        return firstSector + request.sector
    }

    // MARK: synchronous, whole sectors into frames

    public func read(sector: UInt64, into segments: [BlockSegment]) throws(Errno) {
        try transfer(BlockRequest(.read, sector: sector, segments: segments))
    }

    public func write(sector: UInt64, from segments: [BlockSegment]) throws(Errno) {
        try transfer(BlockRequest(.write, sector: sector, segments: segments))
    }

    /// Makes every completed write durable (a no-op for a write-through device).
    public func flush() throws(Errno) {
        if disk.geometry.writeCache == .writeThrough { return }
        try transfer(BlockRequest(.flush, sector: 0, segments: []))
    }

    func transfer(_ request: BlockRequest) throws(Errno) {
        try submit([request])
        try wait(for: request)
    }
}

/// Every block device, by name and device number. Drivers register disks at start-up;
/// partitions are registered after their table is read (Partitions.swift).
public final class BlockDevices: Sendable {
    public static let shared = BlockDevices()
    let devices = SpinLock<[BlockDevice]>([])

    public func register(_ device: BlockDevice) {
        devices.withLock { $0.append(device) }
    }

    public var all: [BlockDevice] { devices.withLock { $0 } }

    public func device(number: UInt64) -> BlockDevice? {
        devices.withLock { list in list.first { $0.deviceNumber == number } }
    }

    public func device(named name: String) -> BlockDevice? {
        devices.withLock { list in list.first { $0.name == name } }
    }
}
