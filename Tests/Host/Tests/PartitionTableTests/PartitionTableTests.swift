// Partition tables as the block layer reads them: MBR primaries (empty, extended and
// out-of-range slots left out), the protective MBR that sends the reader to the GPT, GPT headers
// and entry arrays with sizes a hostile disk might state.
import PartitionTable
import Testing

func mbr(_ slots: [(type: UInt8, first: UInt32, count: UInt32)], signature: Bool = true) -> [UInt8] {
    var block = [UInt8](repeating: 0, count: 512)
    for (index, slot) in slots.enumerated() {
        let entry = 446 + 16 * index
        block[entry + 4] = slot.type
        for byte in 0..<4 {
            block[entry + 8 + byte] = UInt8(truncatingIfNeeded: slot.first >> (8 * byte))
            block[entry + 12 + byte] = UInt8(truncatingIfNeeded: slot.count >> (8 * byte))
        }
    }
    if signature { block[510] = 0x55; block[511] = 0xAA }
    return block
}

func put<T: FixedWidthInteger>(_ value: T, into bytes: inout [UInt8], at offset: Int) {
    for index in 0..<(T.bitWidth / 8) { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
}

func gptHeader(entriesBlock: UInt64, count: UInt32, size: UInt32) -> [UInt8] {
    var block = [UInt8](repeating: 0, count: 512)
    block.replaceSubrange(0..<8, with: Array("EFI PART".utf8))
    put(entriesBlock, into: &block, at: 72)
    put(count, into: &block, at: 80)
    put(size, into: &block, at: 84)
    return block
}

@Test func primaryPartitionsInSlotOrder() {
    let block = mbr([(0x83, 2048, 4096), (0, 0, 0), (0x05, 8192, 100), (0x83, 10000, 500)])
    #expect(PartitionTable.parseMasterBootRecord(block, blockCount: 20000) == .partitions([
        PartitionEntry(number: 1, firstBlock: 2048, blockCount: 4096),
        PartitionEntry(number: 4, firstBlock: 10000, blockCount: 500),
    ]), "slot 2 is empty, slot 3 is an extended partition (logical ones are not read)")
}

@Test func partitionsPastTheDiskOrOverTheTableAreLeftOut() {
    let block = mbr([(0x83, 2048, 4096), (0x83, 0, 10), (0x83, 19000, 2000), (0x83, 0xFFFF_FFFF, 0xFFFF_FFFF)])
    #expect(PartitionTable.parseMasterBootRecord(block, blockCount: 20000) == .partitions([
        PartitionEntry(number: 1, firstBlock: 2048, blockCount: 4096),
    ]))
}

@Test func noSignatureNoTable() {
    #expect(PartitionTable.parseMasterBootRecord(mbr([(0x83, 2048, 4096)], signature: false), blockCount: 20000) == .none)
    #expect(PartitionTable.parseMasterBootRecord([0x55, 0xAA], blockCount: 20000) == .none, "shorter than a sector")
}

@Test func protectiveRecordLeadsToTheGPT() throws {
    #expect(PartitionTable.parseMasterBootRecord(mbr([(0xEE, 1, 19999)]), blockCount: 20000) == .protective)
    let header = try #require(PartitionTable.parseGPTHeader(gptHeader(entriesBlock: 2, count: 128, size: 128), blockCount: 20000,
                                                            blockSize: 512))
    #expect(header.arrayBytes == 16384)
    var array = [UInt8](repeating: 0, count: header.arrayBytes)
    for (slot, range) in [(0, (34 as UInt64, 2081 as UInt64)), (2, (4096, 8191)), (3, (9000, 30000)), (4, (100, 50))] {
        array[slot * 128] = 0xAF                                       // a non-zero type GUID
        put(range.0, into: &array, at: slot * 128 + 32)
        put(range.1, into: &array, at: slot * 128 + 40)
    }
    #expect(PartitionTable.parseGPTEntries(array, header: header, blockCount: 20000) == [
        PartitionEntry(number: 1, firstBlock: 34, blockCount: 2048),
        PartitionEntry(number: 3, firstBlock: 4096, blockCount: 4096),
    ], "slot 2 is unused, slot 4 runs past the disk, slot 5 ends before it starts")
}

@Test(arguments: [
    (entriesBlock: UInt64(2), count: UInt32(0), size: UInt32(128)),
    (entriesBlock: 2, count: 100_000, size: 128),
    (entriesBlock: 2, count: 128, size: 100),
    (entriesBlock: 1, count: 128, size: 128),
    (entriesBlock: 19_990, count: 128, size: 128),
    (entriesBlock: UInt64.max, count: 128, size: 128),
])
func unreasonableGPTHeadersAreRefused(entriesBlock: UInt64, count: UInt32, size: UInt32) {
    #expect(PartitionTable.parseGPTHeader(gptHeader(entriesBlock: entriesBlock, count: count, size: size), blockCount: 20000,
                                          blockSize: 512) == nil)
    #expect(PartitionTable.parseGPTHeader(Array("NOT PART".utf8) + [UInt8](repeating: 0, count: 504), blockCount: 20000,
                                          blockSize: 512) == nil)
}
