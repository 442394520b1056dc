// Partition tables on a disk: the MBR's four primary entries (sector 0, signature 0x55AA at
// offset 510; logical partitions in extended ones are not read) and GPT (UEFI 2.10, 5.3: the
// header in logical block 1, "EFI PART", then the entry array), found through the protective MBR
// entry of type 0xEE. Pure parsing of bytes the caller read: the result lists partitions in
// table order with their number (1-based slot), first block and block count, in logical blocks.
// Entries that are empty, run past the disk or overlap the table itself are left out; nothing
// here trusts a size the disk states without checking it.

public struct PartitionEntry: Equatable, Sendable {
    /// The slot in the table, from 1 (Linux names the device after it: vda2 is slot 2).
    public let number: Int
    public let firstBlock: UInt64
    public let blockCount: UInt64

    public init(number: Int, firstBlock: UInt64, blockCount: UInt64) {
        self.number = number
        self.firstBlock = firstBlock
        self.blockCount = blockCount
    }
}

public enum PartitionTable {
    /// What block 0 says.
    public enum MasterBootRecord: Equatable, Sendable {
        case none
        /// A protective MBR: the disk has a GPT (read block 1 next).
        case protective
        case partitions([PartitionEntry])
    }

    static func little<T: FixedWidthInteger>(_ bytes: [UInt8], _ offset: Int, as: T.Type) -> T {
        var value: T = 0
        for index in 0..<(T.bitWidth / 8) { value |= T(bytes[offset + index]) << (8 * index) }
        return value
    }

    /// Parses block 0 (at least 512 bytes) of a disk of `blockCount` blocks.
    public static func parseMasterBootRecord(_ block: [UInt8], blockCount: UInt64) -> MasterBootRecord {
        guard block.count >= 512, block[510] == 0x55, block[511] == 0xAA else { return .none }
        var entries: [PartitionEntry] = []
        for slot in 0..<4 {
            let entry = 446 + 16 * slot
            let type = block[entry + 4]
            if type == 0xEE { return .protective }
            let first = UInt64(little(block, entry + 8, as: UInt32.self))
            let count = UInt64(little(block, entry + 12, as: UInt32.self))
            guard type != 0, count > 0, first > 0, first < blockCount, count <= blockCount - first else { continue }
            if [0x05, 0x0F, 0x85].contains(type) { continue }       // extended: logical partitions not read
            entries.append(PartitionEntry(number: slot + 1, firstBlock: first, blockCount: count))
        }
        return .partitions(entries)
    }

    /// Where the GPT entry array is, from the header in block 1.
    public struct GPTHeader: Equatable, Sendable {
        public let entriesBlock: UInt64
        public let entryCount: Int
        public let entrySize: Int

        /// Bytes of the entry array.
        public var arrayBytes: Int { entryCount * entrySize }
    }

    /// Parses the GPT header in block 1; nil if it is not one or its array is unreasonable
    /// (more than 1024 entries, entries not a multiple of 128 bytes, array past the disk).
    public static func parseGPTHeader(_ block: [UInt8], blockCount: UInt64, blockSize: Int) -> GPTHeader? {
        guard blockSize > 0, block.count >= 92, Array(block[0..<8]) == Array("EFI PART".utf8) else { return nil }
        let entriesBlock = little(block, 72, as: UInt64.self)
        let count = Int(little(block, 80, as: UInt32.self))
        let size = Int(little(block, 84, as: UInt32.self))
        guard count > 0, count <= 1024, size >= 128, size <= 1024, size % 128 == 0, entriesBlock >= 2,
              entriesBlock < blockCount else { return nil }
        let arrayBlocks = UInt64((count * size + blockSize - 1) / blockSize)
        guard arrayBlocks <= blockCount - entriesBlock else { return nil }
        return GPTHeader(entriesBlock: entriesBlock, entryCount: count, entrySize: size)
    }

    /// Parses the GPT entry array (`header.arrayBytes` bytes).
    public static func parseGPTEntries(_ array: [UInt8], header: GPTHeader, blockCount: UInt64) -> [PartitionEntry] {
        var entries: [PartitionEntry] = []
        for slot in 0..<header.entryCount {
            let entry = slot * header.entrySize
            guard entry + 48 <= array.count else { break }
            if array[entry..<(entry + 16)].allSatisfy({ $0 == 0 }) { continue }    // unused: zero type GUID
            let first = little(array, entry + 32, as: UInt64.self)
            let last = little(array, entry + 40, as: UInt64.self)
            guard first >= 2, first <= last, last < blockCount else { continue }
            entries.append(PartitionEntry(number: slot + 1, firstBlock: first, blockCount: last - first + 1))
        }
        return entries
    }
}
