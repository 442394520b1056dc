// Raw disk images whose contents a test can recompute anywhere: sector s holds s as 8
// little-endian bytes, then byte i (8...511) is (31 * s + i) mod 256. The in-kernel tests
// (VirtioBlockKTests.swift) and the C programs of Tests/User/block check this same pattern, so a
// read at any offset can be verified without a copy of the image.

import Foundation

public enum PatternDisk {
    public static let sectorBytes = 512

    /// The pattern's byte `index` of sector `sector`.
    public static func byte(sector: UInt64, index: Int) -> UInt8 {
        index < 8 ? UInt8(truncatingIfNeeded: sector >> UInt64(8 * index)) : UInt8(truncatingIfNeeded: sector &* 31 &+ UInt64(index))
    }

    /// Writes a fresh image of `bytes` (a multiple of 512) to `url`, replacing any file there.
    public static func write(to url: URL, bytes: Int) throws {
        precondition(bytes > 0 && bytes % sectorBytes == 0, "a whole number of sectors")
        var data = Data(count: bytes)
        data.withUnsafeMutableBytes { raw in
            let buffer = raw.bindMemory(to: UInt8.self)
            for sector in 0..<(bytes / sectorBytes) {
                for index in 0..<sectorBytes {
                    buffer[sector * sectorBytes + index] = byte(sector: UInt64(sector), index: index)
                }
            }
        }
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }
}
