// The system-wide files of /proc: meminfo (from the frame allocator: every frame not free is
// in use, there is no page cache or swap to report), uptime (the monotonic clock; Apus does not
// account idle time, so the second field is 0.00) and mounts (the file-system table's records,
// in fstab format as mount(8) reads it).

import FileSystem
import Framework
import LinuxABI

enum SystemFiles {
    static func memoryInformation() -> [UInt8] {
        memoryInformation(totalFrames: UInt64(PhysicalMemory.totalFrameCount), freeFrames: UInt64(PhysicalMemory.freeFrameCount))
    }

    static func memoryInformation(totalFrames: UInt64, freeFrames: UInt64) -> [UInt8] {
        let totalKilobytes = totalFrames * 4
        let freeKilobytes = freeFrames * 4
        let rows: [(String, UInt64)] = [
            ("MemTotal", totalKilobytes), ("MemFree", freeKilobytes), ("MemAvailable", freeKilobytes),
            ("Buffers", 0), ("Cached", 0), ("SwapCached", 0), ("SwapTotal", 0), ("SwapFree", 0),
        ]
        var text = ""
        for (name, kilobytes) in rows {
            let label = name + ":"
            let number = "\(kilobytes)"
            // Linux pads the label to 16 columns and the number to 8 (seq_put_decimal_ull_width).
            text += label + String(repeating: " ", count: max(1, 16 - label.count + max(0, 8 - number.count))) + number + " kB\n"
        }
        return Array(text.utf8)
    }

    static func uptime() -> [UInt8] {
        let centiseconds = Clock.monotonicNanoseconds() / 10_000_000
        let fraction = centiseconds % 100
        return Array("\(centiseconds / 100).\(fraction < 10 ? "0" : "")\(fraction) 0.00\n".utf8)
    }

    static func mounts() -> [UInt8] {
        var text: [UInt8] = []
        for mount in FileSystemTable.shared.mounts {
            text += mount.source + [32] + mount.point + [32] + mount.type + [32] + mount.options + Array(" 0 0\n".utf8)
        }
        return text
    }
}
