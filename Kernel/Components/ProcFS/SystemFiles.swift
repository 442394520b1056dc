// The system-wide files of /proc: meminfo (from the frame allocator: every frame not free is
// in use, there is no page cache or swap to report), uptime (the monotonic clock and the time
// the CPU spent idle), loadavg (the scheduler's load averages, runnable and total threads, the last ID
// handed out) and stat (CPU time since boot in USER_HZ ticks: user and system time of every
// process, idle time, the rest of the columns 0 as Apus has no nice levels, I/O wait, separate
// interrupt accounting, steal or guests; task switches, boot time, IDs handed out, runnable
// tasks).

import FileSystem
import Framework
import LinuxABI
import Process
import Scheduling

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

    /// `whole.hundredths` ("12.05"), the form of /proc/uptime and /proc/loadavg. (Built from
    /// bytes: string interpolation of integers costs kilobytes of image per use.)
    static func twoDecimals(_ hundredths: UInt64) -> [UInt8] {
        let fraction = hundredths % 100
        return ProcFileSystem.decimal(hundredths / 100) + [46, UInt8(48 + fraction / 10), UInt8(48 + fraction % 10)]
    }

    static func uptime() -> [UInt8] {
        twoDecimals(Clock.monotonicNanoseconds() / 10_000_000) + [32] + twoDecimals(Scheduler.idleNanoseconds / 10_000_000) + [10]
    }

    /// A load average in fixed point as Linux prints it: rounded to hundredths.
    static func loadText(_ average: UInt64) -> [UInt8] {
        let rounded = average + (1 << LoadAverage.fractionBits) / 200
        let hundredths = ((rounded & ((1 << LoadAverage.fractionBits) - 1)) * 100) >> LoadAverage.fractionBits
        return twoDecimals((rounded >> LoadAverage.fractionBits) * 100 + hundredths)
    }

    static func loadAverage() -> [UInt8] {
        let (one, five, fifteen) = LoadAverage.averages
        let totals = ProcessTable.shared.totals
        return loadText(one) + [32] + loadText(five) + [32] + loadText(fifteen) + [32]
            + ProcFileSystem.decimal(UInt64(Scheduling.runnableCount)) + [47] + ProcFileSystem.decimal(UInt64(totals.threads))
            + [32] + ProcFileSystem.decimal(UInt64(max(totals.lastID, 0))) + [10]
    }

    static func statistics() -> [UInt8] {
        let totals = ProcessTable.shared.totals
        let tick = UInt64(1_000_000_000 / TimeUnits.USER_HZ)
        // user nice system idle iowait irq softirq steal guest guest_nice
        let columns = ProcFileSystem.decimal(Clock.nanoseconds(fromCycles: totals.userCycles) / tick) + Array(" 0 ".utf8)
            + ProcFileSystem.decimal(Clock.nanoseconds(fromCycles: totals.systemCycles) / tick) + [32]
            + ProcFileSystem.decimal(Scheduler.idleNanoseconds / tick) + Array(" 0 0 0 0 0 0\n".utf8)
        let bootTime = bootTimeSeconds(realtimeNanoseconds: Clock.realtimeNanoseconds(),
                                       monotonicNanoseconds: Clock.monotonicNanoseconds())
        let lines: [(String, UInt64)] = [
            ("ctxt", Scheduler.contextSwitches), ("btime", bootTime), ("processes", totals.created),
            ("procs_running", UInt64(Scheduling.runnableCount)), ("procs_blocked", 0),
        ]
        var text = Array("cpu  ".utf8) + columns + Array("cpu0 ".utf8) + columns
        for (name, value) in lines { text += Array(name.utf8) + [32] + ProcFileSystem.decimal(value) + [10] }
        return text
    }

    /// /proc/stat's btime: the wall-clock second the system booted, realtime minus uptime. Root
    /// may set the wall clock earlier than the uptime (to 1970): the boot time is then before the
    /// epoch, and Linux prints its seconds as an unsigned number, as here (no trap).
    static func bootTimeSeconds(realtimeNanoseconds: UInt64, monotonicNanoseconds: UInt64) -> UInt64 {
        let boot = Int64(bitPattern: realtimeNanoseconds &- monotonicNanoseconds)
        let (seconds, remainder) = boot.quotientAndRemainder(dividingBy: 1_000_000_000)
        return UInt64(bitPattern: remainder < 0 ? seconds - 1 : seconds)   // floor, as timespec64 keeps nsec >= 0
    }
}
