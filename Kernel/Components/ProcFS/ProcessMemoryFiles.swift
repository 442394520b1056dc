// The memory sizes ps(1), top(1) and free-style tools read from /proc/PID/stat (vsize in bytes,
// rss in pages), /proc/PID/statm (proc(5): size resident shared text lib data dt, in pages) and
// the Vm and Rss lines of /proc/PID/status (kB; procps 4's ps takes VSZ and RSS from these),
// counted from the address space when the file is read (MemoryUsage walks regions and page
// tables). As Linux: size is every mapped page; resident the present ones; shared the present
// pages of file and shared mappings; text the main program's executable mappings; data the
// private writable mappings and the stack; lib and dt are always 0. A zombie has no memory left
// (and, as on Linux, no Vm lines in status). Peaks (VmPeak, VmHWM) are not kept, so they are not
// shown; VmSwap is 0: Apus has no swap.

import FileSystem
import Framework
import Memory
import Process

struct ProcessMemorySizes {
    var sizePages = 0
    var residentPages = 0
    var sharedPages = 0
    var textPages = 0
    var dataPages = 0
    var stackPages = 0
    var anonymousPages = 0
    var filePages = 0
    var sharedMemoryPages = 0
    var pageTablePages = 0
    var hasAddressSpace = false

    static let pageBytes: UInt64 = 4096

    init() {}

    init(of process: Process) {
        guard !process.isZombie else { return }
        hasAddressSpace = true
        let space = process.addressSpace
        let usage = space.usage
        sizePages = usage.virtualPages
        residentPages = usage.residentPages
        sharedPages = usage.filePages + usage.sharedPages
        anonymousPages = usage.anonymousPages
        filePages = usage.filePages
        sharedMemoryPages = usage.sharedPages
        pageTablePages = usage.pageTablePages
        let program = process.executable.map { FileIdentity(of: $0) }
        for index in 0..<space.regionCount {
            let region = space.regionSummary(at: index)
            let pages = Int((region.range.upperBound - region.range.lowerBound) / Self.pageBytes)
            if let program, region.permissions.contains(.execute), region.origin?.file == program { textPages += pages }
            if region.role == .stack { stackPages += pages }
            if region.role == .stack || (region.permissions.contains(.write) && !region.isShared) { dataPages += pages }
        }
    }

    /// status's memory lines, in Linux's order and layout ("VmSize:\t    2336 kB"); none for a zombie.
    var statusLines: [UInt8] {
        guard hasAddressSpace else { return [] }
        let kilobytesPerPage = Int(Self.pageBytes / 1024)
        let lines: [(String, Int)] = [
            ("VmSize", sizePages), ("VmRSS", residentPages), ("RssAnon", anonymousPages), ("RssFile", filePages),
            ("RssShmem", sharedMemoryPages), ("VmData", dataPages - stackPages), ("VmStk", stackPages), ("VmExe", textPages),
            ("VmPTE", pageTablePages), ("VmSwap", 0),
        ]
        var text: [UInt8] = []
        for (name, pages) in lines {
            var number = ProcFileSystem.decimal(Int64(pages * kilobytesPerPage))
            while number.count < 8 { number.insert(32, at: 0) }
            text += Array(name.utf8) + [58, 9] + number + Array(" kB\n".utf8)
        }
        return text
    }

    /// /proc/PID/statm's one line.
    var statm: [UInt8] {
        var text: [UInt8] = []
        for (index, value) in [sizePages, residentPages, sharedPages, textPages, 0, dataPages, 0].enumerated() {
            text += (index == 0 ? [] : [32]) + ProcFileSystem.decimal(Int64(value))
        }
        return text + [10]
    }
}
