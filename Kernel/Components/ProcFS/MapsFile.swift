// /proc/PID/maps (proc(5)): one line per region in address order, in Linux's layout:
// "start-end perms offset major:minor inode", and for a named region spaces up to column 73 and
// the name — the path a file was mapped by, [heap] for the break area, [stack] for the main
// stack. Addresses and the offset are lowercase hex of at least 8 digits, the device two hex
// digits each, the inode decimal. Anonymous regions end with "0 " (Linux prints the trailing
// space). A zombie has no address space left: its maps is empty. The text comes in pieces (a
// process may have 65,530 regions: megabytes of text), each allocated only after a headroom
// check, so that reading maps under memory pressure is ENOMEM, never an allocation failure.

import FileSystem
import Framework
import LinuxABI
import Memory
import Process

enum MapsFile {
    /// The column at which region names start (Linux pads to 25 + 6 × pointer size - 1, then
    /// puts one space).
    static let nameColumn = 73

    static func pieces(_ process: Process?) throws(Errno) -> [[UInt8]] {
        guard let process, !process.isZombie else { return [] }
        let space = process.addressSpace
        var pieces: [[UInt8]] = []
        var text: [UInt8] = []
        for index in 0..<space.regionCount {
            if index == 0 || text.count >= GeneratedFileInode.pieceBytes - 256 {
                if !text.isEmpty { pieces.append(text) }
                do { try KernelMemory.requireHeadroom(forHeapBytes: GeneratedFileInode.pieceBytes + 64) } catch { throw .ENOMEM }
                text = []
                text.reserveCapacity(GeneratedFileInode.pieceBytes)
            }
            appendLine(space.regionSummary(at: index), stackTop: space.stackTop, to: &text)
        }
        if !text.isEmpty { pieces.append(text) }
        return pieces
    }

    static func appendLine(_ region: RegionSummary, stackTop: UInt64, to text: inout [UInt8]) {
        let lineStart = text.count
        appendHex(region.range.lowerBound, digits: 8, to: &text)
        text.append(45)                                             // '-'
        appendHex(region.range.upperBound, digits: 8, to: &text)
        text.append(32)
        text.append(region.permissions.contains(.read) ? 114 : 45)     // r
        text.append(region.permissions.contains(.write) ? 119 : 45)    // w
        text.append(region.permissions.contains(.execute) ? 120 : 45)  // x
        text.append(region.isShared ? 115 : 112)                       // s / p
        text.append(32)
        appendHex(region.fileOffset, digits: 8, to: &text)
        text.append(32)
        let file = region.origin?.file
        appendHex(UInt64(DeviceNumber.major(file?.device ?? 0)), digits: 2, to: &text)
        text.append(58)                                             // ':'
        appendHex(UInt64(DeviceNumber.minor(file?.device ?? 0)), digits: 2, to: &text)
        text.append(32)
        text.append(contentsOf: Array(String(file?.inode ?? 0).utf8))
        text.append(32)
        let name = self.name(of: region, stackTop: stackTop)
        if !name.isEmpty {
            while text.count - lineStart < nameColumn { text.append(32) }
            text.append(contentsOf: name)
        }
        text.append(10)
    }

    static func name(of region: RegionSummary, stackTop: UInt64) -> [UInt8] {
        if let origin = region.origin { return origin.path }
        switch region.role {
        case .heap: return Array("[heap]".utf8)
        case .vdsoData: return Array("[vvar]".utf8)
        case .vdsoText: return Array("[vdso]".utf8)
        case .stack where region.range.contains(stackTop &- 1): return Array("[stack]".utf8)
        default: return []
        }
    }

    static func appendHex(_ value: UInt64, digits minimum: Int, to text: inout [UInt8]) {
        let hex = Array(String(value, radix: 16).utf8)
        for _ in hex.count..<max(minimum, hex.count) { text.append(48) }
        text.append(contentsOf: hex)
    }
}
