// Partitions: when a disk is registered its partition table (MBR primaries or GPT, parsed by the
// PartitionTable library) is read and each partition is registered as a block device of its own,
// named after the disk and the slot (vda1, vda2...; vdaN for N up to 15, as Linux's 16 minors
// per virtio disk allow), with the disk's major and minor + slot. A disk without a table, or
// one that cannot be read, simply has no partitions.

import Framework
import LinuxABI
import PartitionTable

public enum Partitions {
    public static func register(partitionsOf disk: BlockDevice) {
        for entry in read(disk) where entry.number < Int(BlockDeviceNumbers.minorsPerDisk) {
            let sectorsPerBlock = UInt64(disk.logicalBlockSize / sectorBytes)
            let major = DeviceNumber.major(disk.deviceNumber)
            let minor = DeviceNumber.minor(disk.deviceNumber) + UInt32(entry.number)
            let partition = BlockDevice(name: disk.name + String(entry.number), deviceNumber: DeviceNumber.encode(major: major, minor: minor),
                                        disk: disk.disk, firstSector: disk.firstSector + entry.firstBlock * sectorsPerBlock,
                                        sectorCount: entry.blockCount * sectorsPerBlock, partition: entry.number)
            BlockDevices.shared.register(partition)
            Log.info("\(partition.name): partition \(entry.number) of \(disk.name), \(partition.capacityBytes / 1024) KiB")
        }
    }

    static func read(_ disk: BlockDevice) -> [PartitionEntry] {
        let blockSize = disk.logicalBlockSize
        let blockCount = disk.sectorCount / UInt64(blockSize / sectorBytes)
        var first = [UInt8](repeating: 0, count: blockSize)
        guard (try? disk.read(at: 0, into: &first)) != nil else { return [] }
        switch PartitionTable.parseMasterBootRecord(first, blockCount: blockCount) {
        case .none:
            return []
        case .partitions(let entries):
            return entries
        case .protective:
            var second = [UInt8](repeating: 0, count: blockSize)
            guard (try? disk.read(at: UInt64(blockSize), into: &second)) != nil,
                  let header = PartitionTable.parseGPTHeader(second, blockCount: blockCount, blockSize: blockSize) else { return [] }
            var array = [UInt8](repeating: 0, count: header.arrayBytes)
            guard (try? disk.read(at: header.entriesBlock * UInt64(blockSize), into: &array)) != nil else { return [] }
            return PartitionTable.parseGPTEntries(array, header: header, blockCount: blockCount)
        }
    }
}
